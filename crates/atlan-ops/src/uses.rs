//! What a workflow uses, read from its definition: its source credential (a GUID, not a
//! placeholder filled at run time) and its connection (the `Connection`'s qualified name), from a
//! legacy workflow's parameters or an app workflow's stored inputs. Pure functions: `doctor` and
//! the credential purge check read the same things the same way (the migration's mapping, which
//! also says where each input came from, shares [`is_guid`]).

use atlan_workflows::model::{AppInputs, WorkflowSpec};
use serde_json::Value;

/// The legacy parameter with a workflow's credential.
const CREDENTIAL_PARAMETER: &str = "credential-guid";
/// The app input with a workflow's credential.
const CREDENTIAL_INPUT: &str = "credential_guid";

/// Whether a credential parameter holds a GUID (not empty, not a `{{credentialGuid}}` placeholder
/// filled at run time from the workflow's payload).
pub fn is_guid(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 64
        && value.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
}

/// The credential a legacy workflow uses: its `credential-guid` parameter, when it is a GUID.
pub fn legacy_credential(spec: &WorkflowSpec) -> Option<String> {
    spec.parameter(CREDENTIAL_PARAMETER)
        .and_then(Value::as_str)
        .filter(|guid| is_guid(guid))
        .map(str::to_owned)
}

/// The connection a legacy workflow crawls or mines: the qualified name in its `connection`
/// parameter (the Connection's JSON, as text or as an object), else its
/// `connection-qualified-name` parameter.
pub fn legacy_connection(spec: &WorkflowSpec) -> Option<String> {
    let from_json = spec.parameter("connection").and_then(|value| {
        let parsed = match value {
            Value::String(text) => serde_json::from_str::<Value>(text).ok()?,
            other => other.clone(),
        };
        qualified_name(&parsed)
    });
    from_json.or_else(|| {
        ["connection-qualified-name", "connection_qualified_name"]
            .iter()
            .find_map(|name| spec.parameter(name).and_then(Value::as_str))
            .filter(|name| !name.is_empty())
            .map(str::to_owned)
    })
}

/// The credential an app workflow uses: its `credential_guid` input, else its connection's
/// `defaultCredentialGuid` (a workflow that reuses a connection), when it is a GUID.
pub fn app_credential(inputs: &AppInputs) -> Option<String> {
    let top = inputs.get(CREDENTIAL_INPUT).and_then(Value::as_str);
    let default = inputs
        .get("connection")
        .and_then(|connection| connection.pointer("/attributes/defaultCredentialGuid"))
        .and_then(Value::as_str);
    top.filter(|guid| is_guid(guid))
        .or(default.filter(|guid| is_guid(guid)))
        .map(str::to_owned)
}

/// The connection an app workflow uses: its `connection` input's qualified name, else its
/// `connection_qualified_name` input.
pub fn app_connection(inputs: &AppInputs) -> Option<String> {
    inputs
        .get("connection")
        .and_then(qualified_name)
        .or_else(|| {
            inputs
                .get("connection_qualified_name")
                .and_then(Value::as_str)
                .filter(|name| !name.is_empty())
                .map(str::to_owned)
        })
}

/// `attributes.qualifiedName` of a Connection's JSON.
fn qualified_name(connection: &Value) -> Option<String> {
    connection
        .pointer("/attributes/qualifiedName")
        .and_then(Value::as_str)
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(parameters: Value) -> WorkflowSpec {
        atlan_workflows::model::decode_value(
            json!({"templates": [{"name": "main", "dag": {"tasks": [
            {"name": "run", "arguments": {"parameters": parameters}}]}}]}),
        )
        .unwrap_or_default()
    }

    #[test]
    fn a_legacy_workflow_names_its_credential_and_connection() {
        let connection = json!({"typeName": "Connection",
            "attributes": {"qualifiedName": "default/snowflake/1714638976"}});
        let crawler = spec(json!([
            {"name": "credential-guid", "value": "972a87c1-28d7-8bf2-896d-ea5bd3e9c691"},
            {"name": "connection", "value": connection.to_string()}]));
        assert_eq!(
            legacy_credential(&crawler).as_deref(),
            Some("972a87c1-28d7-8bf2-896d-ea5bd3e9c691")
        );
        assert_eq!(
            legacy_connection(&crawler).as_deref(),
            Some("default/snowflake/1714638976")
        );
        let miner = spec(json!([
            {"name": "credential-guid", "value": "{{credentialGuid}}"},
            {"name": "connection-qualified-name", "value": "default/snowflake/1714638976"}]));
        assert_eq!(legacy_credential(&miner), None, "a placeholder is no GUID");
        assert_eq!(
            legacy_connection(&miner).as_deref(),
            Some("default/snowflake/1714638976")
        );
        assert_eq!(legacy_connection(&spec(json!([]))), None);
    }

    #[test]
    fn an_app_workflow_names_its_credential_and_connection() {
        let inputs =
            |value: Value| AppInputs::from_map(value.as_object().cloned().unwrap_or_default());
        let direct = inputs(
            json!({"credential_guid": "44a1c622-e609-4b54-a373-d987a866e1c0",
            "connection": {"attributes": {"qualifiedName": "default/bigquery/1717286400"}}}),
        );
        assert_eq!(
            app_credential(&direct).as_deref(),
            Some("44a1c622-e609-4b54-a373-d987a866e1c0")
        );
        assert_eq!(
            app_connection(&direct).as_deref(),
            Some("default/bigquery/1717286400")
        );
        let reused = inputs(json!({"credential_guid": "",
            "connection": {"attributes": {"qualifiedName": "default/snowflake/1",
                "defaultCredentialGuid": "972a87c1-28d7-8bf2-896d-ea5bd3e9c691"}}}));
        assert_eq!(
            app_credential(&reused).as_deref(),
            Some("972a87c1-28d7-8bf2-896d-ea5bd3e9c691"),
            "a miner's credential rides on its connection"
        );
        assert_eq!(app_credential(&inputs(json!({}))), None);
    }
}
