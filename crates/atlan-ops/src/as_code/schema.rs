//! The JSON Schema of workflow files, derived from the document types (so that it cannot drift
//! from what is read), with an app's input contract as `spec.inputs` when one is given.

use atlan_workflows::model::InputContract;
use serde_json::{Value, json};

use super::document::Document;

/// The schema of a workflow file; with `app`, an `AppWorkflow`'s `spec.app` is that app and its
/// `spec.inputs` that app's input contract.
pub fn schema(app: Option<(&str, &InputContract)>) -> Value {
    let mut schema = serde_json::to_value(schemars::schema_for!(Document)).unwrap_or(Value::Null);
    if let Some(object) = schema.as_object_mut() {
        object.insert(
            "$id".into(),
            json!("https://atlan-rs.dev/schema/atlanctl-v1.json"),
        );
        object.insert(
            "title".into(),
            json!("atlanctl workflow file (atlanctl/v1)"),
        );
    }
    if let Some((app, contract)) = app
        && let Some(properties) = schema.pointer_mut("/$defs/AppSpec/properties")
        && let Some(properties) = properties.as_object_mut()
    {
        let contract = serde_json::to_value(contract).unwrap_or(Value::Null);
        properties.insert("app".into(), json!({"const": app}));
        properties.insert("inputs".into(), contract);
    }
    schema
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_validates_what_the_reader_reads() {
        let schema = schema(None);
        let validator = jsonschema::validator_for(&schema).unwrap();
        let good = json!({"apiVersion": "atlanctl/v1", "kind": "AppWorkflow",
                          "metadata": {"name": "p"}, "spec": {"app": "a", "inputs": {"x": 1}}});
        assert!(validator.is_valid(&good), "{schema}");
        let mut unknown = good.clone();
        unknown["spec"]["input"] = json!({});
        assert!(!validator.is_valid(&unknown));
        let mut kind = good;
        kind["kind"] = json!("Job");
        assert!(!validator.is_valid(&kind));
    }

    #[test]
    fn an_app_types_the_inputs_with_its_contract() {
        let contract: InputContract = serde_json::from_value(json!({
            "type": "object", "required": ["connection"],
            "properties": {"connection": {"type": "object"}}
        }))
        .unwrap();
        let schema = schema(Some(("snowflake-crawler", &contract)));
        let validator = jsonschema::validator_for(&schema).unwrap();
        let file = |app: &str, inputs: Value| {
            json!({"apiVersion": "atlanctl/v1", "kind": "AppWorkflow",
            "metadata": {"name": "p"}, "spec": {"app": app, "inputs": inputs}})
        };
        assert!(validator.is_valid(&file("snowflake-crawler", json!({"connection": {}}))));
        assert!(
            !validator.is_valid(&file("snowflake-crawler", json!({}))),
            "required"
        );
        assert!(
            !validator.is_valid(&file("other", json!({"connection": {}}))),
            "the app"
        );
    }
}
