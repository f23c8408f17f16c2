//! The app catalog the sandbox serves (`GET v1/apps/{app_id}`, `…/inputs`): the 38 apps pyatlan
//! 11.6.0 has builders for, each with its entrypoint and an input contract.
//!
//! `snowflake-crawler` serves the contract of ATLAN-APPS-API.md (derived from pyatlan's
//! `SnowflakeCrawlerInputs`). The others serve a contract of the same form derived the same way:
//! the plumbing fields the spec names (`connection`, `extraction_method`, `credential_guid` or the
//! app's named credential fields, `agent_json`, `connection_qualified_name`), then each field of
//! the app's typed input model in pyatlan 11.6.0 with its type, default and the values its
//! builder's setter accepts (`data/models/pyatlan-11.6.0.json`, read from pyatlan's
//! source by `data/models/extract.py`), and open additional properties: no field is
//! invented.

use std::sync::OnceLock;

use serde_json::{Value, json};

/// One app: its id, the module of pyatlan's builder, its named
/// entrypoint (`None`: only the default one), its credential fields (empty: it reuses an existing
/// connection's).
#[derive(Debug, Clone, Copy)]
pub(crate) struct App {
    pub(crate) id: &'static str,
    module: &'static str,
    pub(crate) entrypoint: Option<&'static str>,
    credential_fields: &'static [&'static str],
}

const GUID: &[&str] = &["credential_guid"];
const NONE: &[&str] = &[];

/// The builder table of ATLAN-APPS-API.md.
pub(crate) const APPS: [App; 38] = [
    app("anaplan-anaplan", "anaplan", Some("anaplan"), GUID),
    app(
        "atlan-alloydb-postgres",
        "atlan_alloydb_postgres",
        Some("alloydb-postgres"),
        GUID,
    ),
    app("atlan-athena", "atlan_athena", None, GUID),
    app(
        "atlan-cloudsql-postgres",
        "atlan_cloudsql_postgres_crawler",
        Some("crawler"),
        GUID,
    ),
    app(
        "atlan-dbt",
        "atlan_dbt",
        None,
        &["api_credential_guid", "object_store_credential_guid"],
    ),
    app("atlan-dynamodb", "atlan_dynamodb", None, GUID),
    app("atlan-glue", "atlan_glue", None, GUID),
    app(
        "atlan-knowledge-catalog",
        "atlan_knowledge_catalog",
        None,
        GUID,
    ),
    app("atlan-metabase", "atlan_metabase", None, GUID),
    app("atlan-mssql", "atlan_mssql", None, GUID),
    app("atlan-mysql", "atlan_mysql", None, GUID),
    app("atlan-presto", "atlan_presto", None, GUID),
    app("atlan-quicksight", "atlan_quicksight", None, GUID),
    app("atlan-redash", "atlan_redash", None, GUID),
    app("atlan-sigma", "atlan_sigma", None, GUID),
    app(
        "atlan-standard-lineage",
        "atlan_standard_lineage",
        Some("standard-lineage"),
        NONE,
    ),
    app("atlan-tableau", "atlan_tableau", None, GUID),
    app("atlan-trino", "atlan_trino", None, GUID),
    app(
        "bigquery-crawler",
        "bigquery_crawler",
        Some("crawler"),
        GUID,
    ),
    app("bigquery-miner", "bigquery_miner", Some("miner"), NONE),
    app(
        "cloudsql-postgres-miner",
        "cloudsql_postgres_miner",
        Some("miner"),
        NONE,
    ),
    app(
        "csa-uber-asset-export-basic",
        "csa_uber_asset_export_basic",
        Some("asset-export-basic"),
        GUID,
    ),
    app(
        "databricks-crawler",
        "databricks_crawler",
        Some("crawler"),
        GUID,
    ),
    app("databricks-miner", "databricks_miner", Some("miner"), NONE),
    app("hive-crawler", "hive_crawler", Some("crawler"), GUID),
    app("Kafka-apache", "kafka_apache", Some("apache"), GUID),
    app(
        "Kafka-confluent",
        "kafka_confluent",
        Some("confluent"),
        GUID,
    ),
    app("mongodbatlas-atlas", "mongodbatlas_atlas", None, GUID),
    app("oracle-crawler", "oracle_crawler", Some("crawler"), GUID),
    app("oracle-miner", "oracle_miner", Some("miner"), NONE),
    app(
        "postgres-crawler",
        "postgres_crawler",
        Some("crawler"),
        GUID,
    ),
    app("postgres-miner", "postgres_miner", Some("miner"), NONE),
    app("powerbi-crawler", "powerbi_crawler", Some("crawler"), GUID),
    app("powerbi-miner", "powerbi_miner", Some("miner"), NONE),
    app(
        "snowflake-crawler",
        "snowflake_crawler",
        Some("crawler"),
        GUID,
    ),
    app("snowflake-miner", "snowflake_miner", Some("miner"), NONE),
    app(
        "teradata-crawler",
        "teradata_crawler",
        Some("crawler"),
        GUID,
    ),
    app("teradata-miner", "teradata_miner", Some("miner"), NONE),
];

const fn app(
    id: &'static str,
    module: &'static str,
    entrypoint: Option<&'static str>,
    credential_fields: &'static [&'static str],
) -> App {
    App {
        id,
        module,
        entrypoint,
        credential_fields,
    }
}

/// The snowflake-crawler contract of the spec.
const SNOWFLAKE_CRAWLER: &str = include_str!("../data/snowflake-crawler-contract.json");

/// The typed input models of pyatlan 11.6.0's app builders (see the module's documentation).
const MODELS: &str = include_str!("../data/models/pyatlan-11.6.0.json");

/// The model of `app_id` in [`MODELS`].
fn model(app_id: &str) -> Option<&'static Value> {
    static PARSED: OnceLock<Value> = OnceLock::new();
    let models = PARSED.get_or_init(|| serde_json::from_str(MODELS).unwrap_or(Value::Null));
    models
        .get("apps")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|app| app.get("app_id").and_then(Value::as_str) == Some(app_id))
}

/// The fields of `app_id`'s typed input model, each `{name, alias, type, default, enum?}`.
fn model_fields(app_id: &str) -> Vec<Value> {
    model(app_id)
        .and_then(|app| app.get("fields").and_then(Value::as_array).cloned())
        .unwrap_or_default()
}

/// The hidden fields `app_id`'s builder sends with their defaults (the UI's hidden fields).
fn hidden_defaults(app_id: &str) -> serde_json::Map<String, Value> {
    model(app_id)
        .and_then(|app| app.get("hidden").and_then(Value::as_object).cloned())
        .unwrap_or_default()
}

/// The JSON Schema type of a value.
fn type_of(value: &Value) -> Value {
    match value {
        Value::Bool(_) => json!({"type": "boolean"}),
        Value::Number(_) => json!({"type": "number"}),
        Value::String(_) => json!({"type": "string"}),
        Value::Array(_) => json!({"type": "array"}),
        Value::Object(_) => json!({"type": "object"}),
        Value::Null => json!({}),
    }
}

/// The JSON Schema of a model field's Python type (`str`, `bool`, `float`, `Dict[str, Any]`,
/// `Union[Dict[str, Any], str]`, `List[Any]`, `Optional[…]`); `Any` constrains nothing.
fn schema_of(python: &str) -> Value {
    if let Some(inner) = python
        .strip_prefix("Optional[")
        .and_then(|rest| rest.strip_suffix(']'))
    {
        return match schema_of(inner) {
            Value::Object(map) if map.is_empty() => json!({}),
            schema => json!({"anyOf": [schema, {"type": "null"}]}),
        };
    }
    match python {
        "str" => json!({"type": "string"}),
        "bool" => json!({"type": "boolean"}),
        "float" | "int" => json!({"type": "number"}),
        "Dict[str, Any]" => json!({"type": "object"}),
        "List[Any]" => json!({"type": "array"}),
        "Union[Dict[str, Any], str]" => json!({"anyOf": [{"type": "object"}, {"type": "string"}]}),
        _ => json!({}),
    }
}

/// An app by its id (case matters).
pub(crate) fn find(app_id: &str) -> Option<&'static App> {
    APPS.iter().find(|app| app.id == app_id)
}

impl App {
    /// `GET v1/apps/{app_id}`.
    pub(crate) fn info(&self) -> Value {
        json!({
            "app_id": self.id,
            "name": self.display_name(),
            "native_ready": true,
            "execution_mode": "native",
            "entrypoints": self.entrypoint.map(|name| vec![json!({"name": name})]).unwrap_or_default(),
        })
    }

    /// The entrypoint a request names: absent means the app's default; an empty or unknown one is
    /// `None` (the 1003 error).
    pub(crate) fn resolve_entrypoint(&self, asked: Option<&str>) -> Option<String> {
        match (asked, self.entrypoint) {
            (None, Some(default)) => Some(default.to_owned()),
            (None, None) => Some(String::new()),
            (Some(asked), Some(known)) if asked == known => Some(asked.to_owned()),
            _ => None,
        }
    }

    fn display_name(&self) -> String {
        self.module
            .split('_')
            .filter(|word| !word.is_empty() && *word != "atlan")
            .map(capitalized)
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The input contract (a JSON Schema document), built once per app.
    pub(crate) fn contract(&self) -> &'static Value {
        static CONTRACTS: OnceLock<Vec<Value>> = OnceLock::new();
        let contracts = CONTRACTS.get_or_init(|| APPS.iter().map(App::build_contract).collect());
        let index = APPS.iter().position(|app| app.id == self.id);
        static NONE: Value = Value::Null;
        index
            .and_then(|index| contracts.get(index))
            .unwrap_or(&NONE)
    }

    fn build_contract(&self) -> Value {
        if self.id == "snowflake-crawler" {
            return serde_json::from_str(SNOWFLAKE_CRAWLER).unwrap_or(Value::Null);
        }
        self.model_contract()
    }

    /// The contract derived from the plumbing fields and the app's typed input model.
    fn model_contract(&self) -> Value {
        // A tenant titles every contract so, whatever the app.
        let title = "AppInputContract";
        let mut properties = serde_json::Map::new();
        properties.insert("connection".into(), json!({"$ref": "#/$defs/Connection"}));
        properties.insert(
            "extraction_method".into(),
            json!({"type": "string", "default": "direct"}),
        );
        let mut required = vec!["connection", "extraction_method"];
        for field in self.credential_fields {
            properties.insert((*field).into(), json!({"type": "string", "default": ""}));
        }
        if self.credential_fields == GUID {
            required.push("credential_guid");
        } else if self.credential_fields.is_empty() {
            // Miners reuse a connection; the guid is then always a string, "" when unknown.
            properties.insert(
                "credential_guid".into(),
                json!({"type": "string", "default": ""}),
            );
        }
        properties.insert(
            "agent_json".into(),
            json!({"anyOf": [{"type": "object"}, {"type": "string"}, {"type": "null"}], "default": null}),
        );
        properties.insert(
            "connection_qualified_name".into(),
            json!({"type": "string"}),
        );
        for field in model_fields(self.id) {
            let Some(name) = field.get("name").and_then(Value::as_str) else {
                continue;
            };
            if properties.contains_key(name) {
                continue;
            }
            let mut schema = schema_of(
                field
                    .get("type")
                    .and_then(Value::as_str)
                    .unwrap_or_default(),
            );
            if let Value::Object(map) = &mut schema {
                if let Some(default) = field.get("default").filter(|value| !value.is_null()) {
                    map.insert("default".into(), default.clone());
                }
                if let Some(values) = field.get("enum").filter(|values| values.is_array()) {
                    map.insert("enum".into(), values.clone());
                }
            }
            properties.insert(name.to_owned(), schema);
        }
        // The hidden fields the builder sends, typed by their defaults.
        for (name, default) in hidden_defaults(self.id) {
            if properties.contains_key(&name) {
                continue;
            }
            let mut schema = type_of(&default);
            if let Value::Object(map) = &mut schema {
                map.insert("default".into(), default);
            }
            properties.insert(name, schema);
        }
        let mut contract: Value = serde_json::from_str(SNOWFLAKE_CRAWLER).unwrap_or(Value::Null);
        let defs = contract
            .get_mut("$defs")
            .map(Value::take)
            .unwrap_or(Value::Null);
        json!({
            "title": title,
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": true,
            "$defs": defs,
        })
    }
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_app_has_a_contract_that_requires_a_connection() {
        assert_eq!(APPS.len(), 38);
        for app in &APPS {
            let contract = app.contract();
            assert_eq!(contract["type"], "object", "{}", app.id);
            assert!(
                contract["required"]
                    .as_array()
                    .is_some_and(|r| r.contains(&json!("connection"))),
                "{}",
                app.id
            );
            assert!(contract["$defs"]["Connection"].is_object(), "{}", app.id);
        }
        assert_eq!(
            find("Kafka-apache").map(|app| app.entrypoint),
            Some(Some("apache"))
        );
        assert!(find("kafka-apache").is_none());
        assert_eq!(
            find("atlan-dbt").unwrap().contract()["title"],
            "AppInputContract"
        );
        assert_eq!(
            find("snowflake-crawler").unwrap().contract()["title"],
            "AppInputContract",
            "the captured contract too"
        );
    }

    #[test]
    fn the_contracts_carry_each_field_of_the_typed_input_models() {
        let athena = find("atlan-athena").unwrap().contract();
        assert_eq!(
            athena["properties"]["advanced_config"],
            json!({"type": "string", "default": "default", "enum": ["default", "custom"]})
        );
        let miner = find("bigquery-miner").unwrap().contract();
        assert_eq!(
            miner["properties"]["popularity_window_days"]["type"],
            "number"
        );
        for app in &APPS {
            let properties = &app.contract()["properties"];
            for field in model_fields(app.id) {
                let name = field["name"].as_str().unwrap();
                assert!(properties.get(name).is_some(), "{}: {name}", app.id);
            }
        }
        // Derived the same way, the snowflake-crawler contract is the spec's, field by field.
        let spec: Value = serde_json::from_str(SNOWFLAKE_CRAWLER).unwrap();
        let derived = find("snowflake-crawler").unwrap().model_contract();
        let fields = model_fields("snowflake-crawler");
        assert!(fields.len() >= 20);
        for field in fields {
            let name = field["name"].as_str().unwrap();
            if [
                "connection",
                "credential_guid",
                "agent_json",
                "extraction_method",
            ]
            .contains(&name)
            {
                continue;
            }
            let (spec, derived) = (&spec["properties"][name], &derived["properties"][name]);
            for key in ["type", "anyOf", "default", "enum"] {
                assert_eq!(spec.get(key), derived.get(key), "{name}.{key}");
            }
        }
    }

    #[test]
    fn entrypoints_resolve_or_are_unknown() {
        let snowflake = find("snowflake-crawler").unwrap();
        assert_eq!(
            snowflake.resolve_entrypoint(None).as_deref(),
            Some("crawler")
        );
        assert_eq!(
            snowflake.resolve_entrypoint(Some("crawler")).as_deref(),
            Some("crawler")
        );
        assert_eq!(snowflake.resolve_entrypoint(Some("")), None);
        assert_eq!(snowflake.resolve_entrypoint(Some("miner")), None);
        assert_eq!(
            find("atlan-athena")
                .unwrap()
                .resolve_entrypoint(None)
                .as_deref(),
            Some("")
        );
    }
}
