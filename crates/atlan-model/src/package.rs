//! Atlan package types, identified by the prefix of their workflow ids.

use crate::string_enum::string_enum;

string_enum! {
    /// An Atlan package, identified on the wire by its prefix: a workflow id is the prefix, a dash
    /// and ten digits (`atlan-snowflake-miner-1714638976`).
    ///
    /// Any other prefix is kept in `Other`, so that packages added later still work.
    ///
    /// ```
    /// use atlan_model::WorkflowPackage;
    ///
    /// assert_eq!(WorkflowPackage::SnowflakeMiner.prefix(), "atlan-snowflake-miner");
    /// assert_eq!(WorkflowPackage::from("csa-asset-import"), WorkflowPackage::AssetImport);
    /// assert_eq!(WorkflowPackage::from("atlan-new-thing").prefix(), "atlan-new-thing");
    /// ```
    pub enum WorkflowPackage {
        /// Apache Airflow (OpenLineage).
        Airflow = "atlan-airflow",
        /// Amazon Athena.
        Athena = "atlan-athena",
        /// AWS Lambda trigger.
        AwsLambdaTrigger = "atlan-aws-lambda-trigger",
        /// Azure Event Hubs.
        AzureEventHub = "atlan-azure-event-hub",
        /// Google BigQuery.
        BigQuery = "atlan-bigquery",
        /// Google BigQuery miner.
        BigQueryMiner = "atlan-bigquery-miner",
        /// AlloyDB for PostgreSQL.
        AlloyDbPostgres = "atlan-alloydb-postgres",
        /// Cloud SQL for PostgreSQL.
        CloudSqlPostgres = "atlan-cloudsql-postgres",
        /// Connection delete.
        ConnectionDelete = "atlan-connection-delete",
        /// Databricks.
        Databricks = "atlan-databricks",
        /// Databricks lineage.
        DatabricksLineage = "atlan-databricks-lineage",
        /// Amazon DynamoDB.
        DynamoDb = "atlan-dynamodb",
        /// dbt.
        Dbt = "atlan-dbt",
        /// Fivetran.
        Fivetran = "atlan-fivetran",
        /// AWS Glue.
        Glue = "atlan-glue",
        /// Apache Hive.
        Hive = "atlan-hive",
        /// Apache Hive miner.
        HiveMiner = "atlan-hive-miner",
        /// Apache Kafka.
        Kafka = "atlan-kafka",
        /// Aiven Kafka.
        KafkaAiven = "atlan-kafka-aiven",
        /// Confluent Cloud Kafka.
        KafkaConfluentCloud = "atlan-kafka-confluent-cloud",
        /// Redpanda Kafka.
        KafkaRedpanda = "atlan-kafka-redpanda",
        /// Looker.
        Looker = "atlan-looker",
        /// Matillion.
        Matillion = "atlan-matillion",
        /// Metabase.
        Metabase = "atlan-metabase",
        /// MicroStrategy.
        MicroStrategy = "atlan-microstrategy",
        /// Mode.
        Mode = "atlan-mode",
        /// Monte Carlo.
        MonteCarlo = "atlan-monte-carlo",
        /// Microsoft SQL Server.
        MsSql = "atlan-mssql",
        /// Microsoft SQL Server miner.
        MsSqlMiner = "atlan-mssql-miner",
        /// MySQL.
        MySql = "atlan-mysql",
        /// Oracle.
        Oracle = "atlan-oracle",
        /// PostgreSQL.
        Postgres = "atlan-postgres",
        /// Microsoft Power BI.
        PowerBi = "atlan-powerbi",
        /// Microsoft Power BI miner.
        PowerBiMiner = "atlan-powerbi-miner",
        /// Presto.
        Presto = "atlan-presto",
        /// Qlik Sense Cloud.
        QlikSense = "atlan-qlik-sense",
        /// Qlik Sense Enterprise on Windows.
        QlikSenseEnterpriseWindows = "atlan-qlik-sense-enterprise-windows",
        /// Amazon QuickSight.
        QuickSight = "atlan-quicksight",
        /// Redash.
        Redash = "atlan-redash",
        /// Amazon Redshift.
        Redshift = "atlan-redshift",
        /// Amazon Redshift miner.
        RedshiftMiner = "atlan-redshift-miner",
        /// Salesforce.
        Salesforce = "atlan-salesforce",
        /// Microsoft Dataverse.
        Dataverse = "atlan-dataverse",
        /// SAP HANA.
        SapHana = "atlan-sap-hana",
        /// Confluent Schema Registry.
        SchemaRegistryConfluent = "atlan-schema-registry-confluent",
        /// Sigma.
        Sigma = "atlan-sigma",
        /// Snowflake.
        Snowflake = "atlan-snowflake",
        /// Snowflake miner.
        SnowflakeMiner = "atlan-snowflake-miner",
        /// MongoDB.
        MongoDb = "atlan-mongodb",
        /// Soda.
        Soda = "atlan-soda",
        /// Azure Synapse.
        Synapse = "atlan-synapse",
        /// Tableau.
        Tableau = "atlan-tableau",
        /// Teradata.
        Teradata = "atlan-teradata",
        /// Teradata miner.
        TeradataMiner = "atlan-teradata-miner",
        /// ThoughtSpot.
        ThoughtSpot = "atlan-thoughtspot",
        /// Trino.
        Trino = "atlan-trino",
        /// Asset import (custom solution).
        AssetImport = "csa-asset-import",
        /// Asset export, basic (custom solution).
        AssetExportBasic = "csa-asset-export-basic",
        /// Relational assets builder (custom solution).
        RelationalAssetsBuilder = "csa-relational-assets-builder",
        /// Lineage builder (custom solution).
        LineageBuilder = "csa-lineage-builder",
        /// Lineage generator (custom solution).
        LineageGenerator = "csa-lineage-generator",
        /// API token connection admin (custom solution).
        ApiTokenConnectionAdmin = "csa-api-token-connection-admin",
    }
}

impl WorkflowPackage {
    /// The prefix of this package's workflow ids, such as `atlan-snowflake-miner`.
    pub fn prefix(&self) -> &str {
        self.as_str()
    }

    /// The package's name, as the `package.argoproj.io/name` annotation holds it: `@` and the
    /// prefix with its first dash as a slash (`atlan-snowflake-miner` is `@atlan/snowflake-miner`,
    /// `csa-asset-import` is `@csa/asset-import`). `None` for a prefix without a dash.
    ///
    /// ```
    /// use atlan_model::WorkflowPackage;
    ///
    /// assert_eq!(WorkflowPackage::SnowflakeMiner.package_name().as_deref(), Some("@atlan/snowflake-miner"));
    /// ```
    pub fn package_name(&self) -> Option<String> {
        let (scope, name) = self.prefix().split_once('-')?;
        (!scope.is_empty() && !name.is_empty()).then(|| format!("@{scope}/{name}"))
    }

    /// The package of a package name such as `@atlan/snowflake` or `@csa/asset-import` (see
    /// [`WorkflowPackage::package_name`]); `None` for text that is not `@scope/name`.
    ///
    /// ```
    /// use atlan_model::WorkflowPackage;
    ///
    /// assert_eq!(WorkflowPackage::from_package_name("@atlan/snowflake"), Some(WorkflowPackage::Snowflake));
    /// assert_eq!(WorkflowPackage::from_package_name("atlan-snowflake"), None);
    /// ```
    pub fn from_package_name(name: &str) -> Option<Self> {
        let (scope, rest) = name.strip_prefix('@')?.split_once('/')?;
        let valid = |part: &str| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
        };
        (valid(scope) && valid(rest)).then(|| Self::from_wire(&format!("{scope}-{rest}")))
    }

    /// The package of a package name (`@atlan/snowflake`) or, for any other text, of a prefix
    /// (`atlan-snowflake`): how a user names a package.
    ///
    /// ```
    /// use atlan_model::WorkflowPackage;
    ///
    /// assert_eq!(WorkflowPackage::named("@atlan/snowflake"), WorkflowPackage::Snowflake);
    /// assert_eq!(WorkflowPackage::named("atlan-snowflake"), WorkflowPackage::Snowflake);
    /// ```
    pub fn named(text: &str) -> Self {
        Self::from_package_name(text).unwrap_or_else(|| Self::from(text))
    }

    /// The package of a workflow id (`<prefix>-<10 digits>`), or `None` when the id does not have
    /// that shape.
    ///
    /// ```
    /// use atlan_model::WorkflowPackage;
    ///
    /// assert_eq!(
    ///     WorkflowPackage::of_workflow_id("atlan-snowflake-miner-1714638976"),
    ///     Some(WorkflowPackage::SnowflakeMiner)
    /// );
    /// assert_eq!(WorkflowPackage::of_workflow_id("atlan-snowflake"), None);
    /// ```
    pub fn of_workflow_id(id: &str) -> Option<Self> {
        let (prefix, digits) = id.rsplit_once('-')?;
        let is_epoch = digits.len() == 10 && digits.bytes().all(|b| b.is_ascii_digit());
        (is_epoch && !prefix.is_empty()).then(|| Self::from_wire(prefix))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn there_are_62_distinct_known_prefixes() {
        let prefixes: HashSet<&str> = WorkflowPackage::KNOWN.iter().map(|p| p.prefix()).collect();
        assert_eq!(WorkflowPackage::KNOWN.len(), 62);
        assert_eq!(prefixes.len(), 62);
    }

    #[test]
    fn every_known_prefix_parses_back_to_its_variant() {
        for package in WorkflowPackage::KNOWN {
            assert_eq!(&WorkflowPackage::from_wire(package.prefix()), package);
            assert!(package.is_known());
        }
    }

    #[test]
    fn package_names_map_to_prefixes_and_back() {
        for package in WorkflowPackage::KNOWN {
            let name = package.package_name().unwrap();
            assert_eq!(
                WorkflowPackage::from_package_name(&name).as_ref(),
                Some(package)
            );
        }
        assert_eq!(
            WorkflowPackage::from_package_name("@csa/asset-import"),
            Some(WorkflowPackage::AssetImport)
        );
        for bad in [
            "@atlan",
            "@/x",
            "@atlan/",
            "atlan/snowflake",
            "@atlan/a b",
            "",
        ] {
            assert_eq!(WorkflowPackage::from_package_name(bad), None, "{bad}");
        }
        assert_eq!(WorkflowPackage::from("plain").package_name(), None);
    }

    #[test]
    fn workflow_ids_need_exactly_ten_digits() {
        assert_eq!(WorkflowPackage::of_workflow_id("atlan-dbt-171463897"), None);
        assert_eq!(
            WorkflowPackage::of_workflow_id("atlan-dbt-17146389760"),
            None
        );
        assert_eq!(WorkflowPackage::of_workflow_id("-1714638976"), None);
        assert_eq!(
            WorkflowPackage::of_workflow_id("csa-asset-import-1714638976"),
            Some(WorkflowPackage::AssetImport)
        );
    }
}
