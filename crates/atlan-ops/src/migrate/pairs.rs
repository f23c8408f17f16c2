//! Which app workflow takes over a legacy package: its `app_id` and entrypoint.
//!
//! Source: the builder table of `ATLAN-APPS-API.md` (pyatlan 11.6.0's `pyatlan.model.apps`), its
//! last column "legacy package, same connector". That table pairs 31 packages; the apps without a
//! legacy counterpart (`anaplan-anaplan`, `atlan-knowledge-catalog`, `atlan-standard-lineage`,
//! `cloudsql-postgres-miner`, `databricks-miner`, `oracle-miner`, `postgres-miner`) are left out,
//! and so is every legacy package it does not pair (such as `atlan-databricks-lineage` or the
//! `csa-*` utilities other than the basic asset export): those plan as `unsupported`.

/// An app workflow's app and entrypoint (`None`: the app's default one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct AppTarget {
    /// The marketplace app (case matters).
    pub app_id: &'static str,
    /// Its entrypoint; `None` sends none (the app's default).
    pub entrypoint: Option<&'static str>,
}

const fn pair(
    legacy: &'static str,
    app_id: &'static str,
    entrypoint: Option<&'static str>,
) -> (&'static str, AppTarget) {
    (legacy, AppTarget { app_id, entrypoint })
}

/// Legacy package prefix → app, in the table's order.
pub const PAIRS: [(&str, AppTarget); 31] = [
    pair(
        "atlan-alloydb-postgres",
        "atlan-alloydb-postgres",
        Some("alloydb-postgres"),
    ),
    pair("atlan-athena", "atlan-athena", None),
    pair(
        "atlan-cloudsql-postgres",
        "atlan-cloudsql-postgres",
        Some("crawler"),
    ),
    pair("atlan-dbt", "atlan-dbt", None),
    pair("atlan-dynamodb", "atlan-dynamodb", None),
    pair("atlan-glue", "atlan-glue", None),
    pair("atlan-metabase", "atlan-metabase", None),
    pair("atlan-mssql", "atlan-mssql", None),
    pair("atlan-mysql", "atlan-mysql", None),
    pair("atlan-presto", "atlan-presto", None),
    pair("atlan-quicksight", "atlan-quicksight", None),
    pair("atlan-redash", "atlan-redash", None),
    pair("atlan-sigma", "atlan-sigma", None),
    pair("atlan-tableau", "atlan-tableau", None),
    pair("atlan-trino", "atlan-trino", None),
    pair("atlan-bigquery", "bigquery-crawler", Some("crawler")),
    pair("atlan-bigquery-miner", "bigquery-miner", Some("miner")),
    pair(
        "csa-asset-export-basic",
        "csa-uber-asset-export-basic",
        Some("asset-export-basic"),
    ),
    pair("atlan-databricks", "databricks-crawler", Some("crawler")),
    pair("atlan-hive", "hive-crawler", Some("crawler")),
    pair("atlan-kafka", "Kafka-apache", Some("apache")),
    pair(
        "atlan-kafka-confluent-cloud",
        "Kafka-confluent",
        Some("confluent"),
    ),
    pair("atlan-mongodb", "mongodbatlas-atlas", None),
    pair("atlan-oracle", "oracle-crawler", Some("crawler")),
    pair("atlan-postgres", "postgres-crawler", Some("crawler")),
    pair("atlan-powerbi", "powerbi-crawler", Some("crawler")),
    pair("atlan-powerbi-miner", "powerbi-miner", Some("miner")),
    pair("atlan-snowflake", "snowflake-crawler", Some("crawler")),
    pair("atlan-snowflake-miner", "snowflake-miner", Some("miner")),
    pair("atlan-teradata", "teradata-crawler", Some("crawler")),
    pair("atlan-teradata-miner", "teradata-miner", Some("miner")),
];

/// The app that takes over legacy package `prefix`, if the table pairs one.
pub fn app_for(prefix: &str) -> Option<AppTarget> {
    PAIRS
        .iter()
        .find(|(legacy, _)| *legacy == prefix)
        .map(|(_, app)| *app)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_package_pairs_once_and_each_app_once() {
        for (index, (legacy, app)) in PAIRS.iter().enumerate() {
            assert!(
                PAIRS
                    .iter()
                    .skip(index + 1)
                    .all(|(other, _)| other != legacy),
                "{legacy}"
            );
            assert!(
                PAIRS
                    .iter()
                    .skip(index + 1)
                    .all(|(_, other)| other.app_id != app.app_id),
                "{}",
                app.app_id
            );
        }
        assert_eq!(
            app_for("atlan-snowflake").map(|app| app.app_id),
            Some("snowflake-crawler")
        );
        assert_eq!(app_for("atlan-databricks-lineage"), None);
    }
}
