//! Plans of legacy workflows against a contract: typed, carried, refused, never guessed.

use super::*;
use atlan_workflows::model::decode_value;

fn contract() -> InputContract {
    decode_value(json!({"type": "object", "required": ["connection", "credential_guid", "extraction_method"],
        "$defs": {"Connection": {"type": "object", "required": ["typeName", "attributes"],
            "properties": {"typeName": {"const": "Connection"},
                           "attributes": {"type": "object", "required": ["qualifiedName"]}}}},
        "properties": {
            "connection": {"$ref": "#/$defs/Connection"},
            "credential_guid": {"type": "string", "default": ""},
            "extraction_method": {"type": "string", "default": "direct", "enum": ["direct", "agent"]},
            "enable_lineage": {"type": "boolean", "default": true},
            "enable_snowflake_tags": {"type": "boolean", "default": false},
            "include_filter": {"anyOf": [{"type": "object"}, {"type": "string"}], "default": "{}"},
            "extract_strategy": {"type": "string", "enum": ["information-schema", "account-usage"]},
            "popularity_window_days": {"type": "number"}}}))
    .unwrap()
}

/// The `credential-guid` parameter of a stored credential.
fn credential_guid() -> Value {
    json!({"name": "credential-guid", "value": "972a87c1-28d7-8bf2-896d-ea5bd3e9c691"})
}

/// The `connection` parameter of an existing connection.
fn connection() -> Value {
    json!({"name": "connection", "value": "{\"typeName\": \"Connection\", \"attributes\": {\"qualifiedName\": \"default/snowflake/1\"}}"})
}

/// The plan of a legacy Snowflake crawler with these parameters, against [`contract`].
fn plan_of(parameters: Value) -> MigrationPlan {
    let workflow = legacy(parameters);
    map_workflow(&workflow, target_of(&workflow), &contract())
}

fn legacy(parameters: Value) -> Workflow {
    decode_value(json!({"metadata": {"name": "atlan-snowflake-1714638976",
        "annotations": {"package.argoproj.io/name": "@atlan/snowflake",
                        "orchestration.atlan.com/schedule": "0 2 * * *",
                        "orchestration.atlan.com/timezone": "Europe/Paris"}},
        "spec": {"templates": [{"name": "main", "dag": {"tasks": [{"name": "run",
            "arguments": {"parameters": parameters}}]}}]}}))
    .unwrap()
}

#[test]
fn a_ready_plan_types_each_parameter_and_carries_the_credential_and_schedule() {
    let plan = plan_of(json!([
        {"name": "enable-lineage", "value": "true"},
        {"name": "enable-snowflake-tag", "value": "false"},
        {"name": "include-filter", "value": "{\"^DB$\": [\"^S$\"]}"},
        {"name": "popularity-window-days", "value": "30"},
        {"name": "publish-mode", "value": "production"},
        credential_guid(),
        connection()
    ]));
    assert_eq!(plan.status, MigrationStatus::Ready, "{plan:?}");
    assert_eq!(plan.app_id.as_deref(), Some("snowflake-crawler"));
    assert_eq!(plan.inputs["enable_lineage"], json!(true));
    assert_eq!(plan.inputs["enable_snowflake_tags"], json!(false));
    assert_eq!(
        plan.inputs["include_filter"],
        json!("{\"^DB$\": [\"^S$\"]}"),
        "a filter stays a string"
    );
    assert_eq!(plan.inputs["popularity_window_days"], json!(30));
    assert_eq!(plan.inputs["extraction_method"], json!("direct"));
    assert_eq!(
        plan.provenance["extraction_method"],
        "the contract's default"
    );
    assert_eq!(
        plan.inputs["credential_guid"],
        json!("972a87c1-28d7-8bf2-896d-ea5bd3e9c691")
    );
    assert_eq!(
        plan.inputs["connection"]["attributes"]["qualifiedName"],
        "default/snowflake/1"
    );
    assert_eq!(plan.unmapped.len(), 1);
    assert_eq!(plan.unmapped[0].parameter, "publish-mode");
    assert_eq!(
        plan.schedule.as_ref().map(|s| s.cron.as_str()),
        Some("0 2 * * *")
    );
    assert!(plan.provenance["enable_snowflake_tags"].contains("renamed"));
}

#[test]
fn malformed_parameters_need_input_and_are_never_guessed() {
    let plan = plan_of(json!([
        {"name": "connection", "value": "not json"},
        {"name": "credential-guid", "value": "{{credentialGuid}}"},
        {"name": "enable-lineage", "value": "maybe"},
        {"name": "extract-strategy", "value": "offline"}
    ]));
    assert_eq!(plan.status, MigrationStatus::NeedsInput);
    assert_eq!(plan.missing, ["connection", "credential_guid"]);
    let problems = plan.problems.join("\n");
    for needle in [
        "not JSON",
        "{{credentialGuid}}",
        "`maybe` is not boolean",
        "\"offline\" is not one of",
    ] {
        assert!(problems.contains(needle), "{needle}: {problems}");
    }
    assert!(!plan.inputs.contains_key("enable_lineage"));
}

#[test]
fn a_connection_that_is_json_but_not_a_connection_needs_input() {
    let plan = plan_of(json!([
        credential_guid(),
        {"name": "connection", "value": "{\"name\": \"prod\", \"attributes\": {}}"}
    ]));
    assert_eq!(plan.status, MigrationStatus::NeedsInput, "{plan:?}");
    let problems = plan.problems.join("\n");
    assert!(
        problems.contains("inputs.connection.typeName is required"),
        "{problems}"
    );
    assert!(
        !problems.contains("prod"),
        "no value is repeated: {problems}"
    );
}

#[test]
fn a_parameter_given_twice_with_different_values_is_not_guessed() {
    let plan = plan_of(json!([
        credential_guid(),
        connection(),
        {"name": "enable-lineage", "value": "true"},
        {"name": "enable-lineage", "value": "false"},
        {"name": "popularity-window-days", "value": "30"},
        {"name": "popularity-window-days", "value": "30"}
    ]));
    assert_eq!(plan.status, MigrationStatus::NeedsInput, "{plan:?}");
    assert_eq!(
        plan.problems,
        [
            "legacy parameter `enable-lineage` is given 2 different values: which one runs is not guessed"
        ]
    );
}

#[test]
fn a_boolean_where_the_contract_takes_a_string_is_sent_as_its_text() {
    let schema = json!({"type": "string", "enum": ["true", "false"]});
    assert_eq!(typed(&json!(true), &schema), Ok(json!("true")));
    assert_eq!(typed(&json!("false"), &schema), Ok(json!("false")));
    assert!(typed(&json!("yes"), &schema).is_err());
    assert_eq!(
        typed(&json!("2.5"), &json!({"type": "number"})),
        Ok(json!(2.5))
    );
    assert_eq!(
        typed(&json!("[1]"), &json!({"type": "array"})),
        Ok(json!([1]))
    );
    assert!(typed(&json!("{"), &json!({"type": "object"})).is_err());
}

#[test]
fn a_package_without_an_app_is_unsupported_with_every_parameter_listed() {
    let mut workflow = legacy(json!([{"name": "delete-type", "value": "SOFT"}]));
    workflow
        .metadata
        .set_annotation("package.argoproj.io/name", "@atlan/connection-delete");
    let plan = map_workflow(&workflow, target_of(&workflow), &contract());
    assert_eq!(plan.status, MigrationStatus::Unsupported);
    assert_eq!(plan.package.as_deref(), Some("atlan-connection-delete"));
    assert_eq!(plan.unmapped.len(), 1);
}
