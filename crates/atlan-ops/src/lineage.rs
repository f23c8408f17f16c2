//! The order connectors should run in for lineage to come out right (Atlan's guidance: crawl the
//! sources and warehouses first, then miners, then transformation tools, then BI), read from a
//! package prefix or an app id.

use serde::Serialize;

/// Where a package stands in the lineage order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Stage {
    /// A crawler of a source or warehouse.
    Source,
    /// A miner of a source's query history, or its lineage extractor.
    Miner,
    /// A transformation or orchestration tool (dbt, Fivetran, Matillion, Airflow).
    Transformation,
    /// A BI tool.
    Bi,
}

const TRANSFORMATION: &[&str] = &[
    "dbt",
    "fivetran",
    "matillion",
    "airflow",
    "openlineage",
    "glue",
    "adf",
    "informatica",
    "talend",
    "hevo",
];
const BI: &[&str] = &[
    "tableau",
    "powerbi",
    "looker",
    "sigma",
    "qlik",
    "mode",
    "metabase",
    "quicksight",
    "thoughtspot",
    "domo",
    "microstrategy",
    "superset",
    "redash",
    "sisense",
    "preset",
    "cognos",
    "salesforce",
    "mstr",
];
/// Packages that are not connectors (imports, exports, utilities): no place in the order.
const NOT_CONNECTORS: &[&str] = &[
    "csa-",
    "@atlan/schedule-query",
    "asset-",
    "connection-delete",
];

/// The stage of a package (`atlan-snowflake-miner`, `snowflake`, `@atlan/tableau`), if it is a
/// connector.
///
/// ```
/// use atlan_ops::lineage::{Stage, stage};
///
/// assert_eq!(stage("atlan-snowflake"), Some(Stage::Source));
/// assert_eq!(stage("atlan-snowflake-miner"), Some(Stage::Miner));
/// assert_eq!(stage("atlan-tableau"), Some(Stage::Bi));
/// assert_eq!(stage("csa-asset-import"), None);
/// ```
pub fn stage(package: &str) -> Option<Stage> {
    let name = package.to_ascii_lowercase();
    if NOT_CONNECTORS.iter().any(|prefix| name.contains(prefix)) {
        return None;
    }
    let bare = source_of(&name);
    let is = |list: &[&str]| {
        list.iter()
            .any(|tool| bare.split(['-', '_', '/']).any(|part| part == *tool))
    };
    Some(
        if name.ends_with("-miner") || name.ends_with("-lineage") || name.ends_with("_miner") {
            Stage::Miner
        } else if is(BI) {
            Stage::Bi
        } else if is(TRANSFORMATION) {
            Stage::Transformation
        } else {
            Stage::Source
        },
    )
}

/// The source a package reads: the package without its scope, `atlan-` prefix and miner or
/// lineage suffix (`atlan-snowflake-miner` → `snowflake`).
pub fn source_of(package: &str) -> String {
    let name = package.to_ascii_lowercase();
    let name = name.strip_prefix("@atlan/").unwrap_or(&name);
    let name = name.strip_prefix("atlan-").unwrap_or(name);
    let name = name
        .strip_suffix("-miner")
        .or_else(|| name.strip_suffix("-lineage"))
        .or_else(|| name.strip_suffix("_miner"))
        .unwrap_or(name);
    name.to_owned()
}

/// Whether `upstream` must run before `downstream`: a stage before it that it reads (a miner reads
/// its own source; transformation and BI tools read every source).
pub fn runs_before(upstream: &str, downstream: &str) -> bool {
    match (stage(upstream), stage(downstream)) {
        (Some(Stage::Source), Some(Stage::Miner)) => source_of(upstream) == source_of(downstream),
        (Some(up), Some(down)) => up < down && down >= Stage::Transformation,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn miners_follow_their_own_source_and_bi_follows_every_source() {
        assert!(runs_before("atlan-snowflake", "atlan-snowflake-miner"));
        assert!(!runs_before("atlan-bigquery", "atlan-snowflake-miner"));
        assert!(runs_before("atlan-bigquery", "atlan-tableau"));
        assert!(runs_before("atlan-dbt", "atlan-powerbi"));
        assert!(!runs_before("atlan-tableau", "atlan-snowflake"));
        assert!(!runs_before("csa-asset-import", "atlan-tableau"));
        assert_eq!(stage("databricks-lineage"), Some(Stage::Miner));
        assert_eq!(stage("dbt"), Some(Stage::Transformation));
    }
}
