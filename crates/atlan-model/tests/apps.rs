//! The app workflow models: statuses, conflicts, stored inputs, contracts, and secrets in inputs.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod common;

use atlan_model::{
    AppConflict, AppInputs, AppRunResponse, AppRunStatus, AppSummary, AtlasSearchResponse,
    CreateApp, InputContract, app_run_qualified_name, decode,
};
use common::fixture;
use serde_json::json;

#[test]
fn run_statuses_say_what_is_terminal_active_and_successful() {
    let table = [
        ("Pending", false, true, false),
        ("Running", false, true, false),
        ("Succeeded", true, false, true),
        ("Failed", true, false, false),
        ("Error", true, false, false),
        ("Stopped", true, false, false),
        ("Paused", false, false, false),
        ("Terminated", true, false, false),
        ("Skipped", true, false, false),
        ("Bogus", false, false, false),
    ];
    for (text, terminal, active, success) in table {
        let status = AppRunStatus::from(text);
        assert_eq!(
            (
                status.is_terminal(),
                status.is_active(),
                status.is_success()
            ),
            (terminal, active, success),
            "{text}"
        );
        assert_eq!(status.as_str(), text);
    }
    assert_eq!(AppRunStatus::KNOWN.len(), 9);
    let run: AppRunResponse = decode(&fixture("apps/run/unknown-status.json")).unwrap();
    assert!(!run.status.unwrap().is_known());
}

#[test]
fn a_conflict_names_the_existing_slugs_in_both_forms() {
    let one: AppConflict = decode(&fixture("apps/conflict/one-slug.json")).unwrap();
    assert_eq!(one.existing_slugs(), ["prod-crawler-9f"]);
    assert_eq!(one.version, Some(3));
    let several: AppConflict = decode(&fixture("apps/conflict/several-slugs.json")).unwrap();
    assert_eq!(several.existing_slugs(), ["a-1", "a-2"]);
    let coded: AppConflict = decode(&fixture("apps/conflict/with-code.json")).unwrap();
    assert!(coded.existing_slugs().is_empty());
}

#[test]
fn stored_inputs_drop_runtime_keys_and_parse_a_string_connection() {
    let summary: AppSummary = decode(&fixture("apps/summary/bigquery-crawler.json")).unwrap();
    let inputs = summary.stored_inputs().unwrap();
    assert!(inputs.get("user_id").is_none() && inputs.get("workflow_id").is_none());
    assert_eq!(
        inputs.get("connection").unwrap()["attributes"]["qualifiedName"],
        "default/bigquery/1717286400"
    );
    assert_eq!(inputs.get("enable_lineage"), Some(&json!(true)));
    assert_eq!(summary.app(), Some("bigquery-crawler"));
}

#[test]
fn the_snowflake_contract_reads_as_pyatlan_reads_it() {
    // The sandbox serves this contract (its embedded data); it must survive a round trip whole.
    let bytes = fixture("../crates/atlan-sandbox/data/snowflake-crawler-contract.json");
    let original: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let reencoded = common::Kind::InputContract.round_trip(&bytes).unwrap();
    assert_eq!(common::first_difference(&original, &reencoded), None);
    let contract: InputContract = decode(&bytes).unwrap();
    assert_eq!(contract.field_names().count(), 22);
    assert_eq!(contract.credential_field(), Some("credential_guid"));
    assert!(contract.is_required("extraction_method") && !contract.is_required("enable_lineage"));
    assert_eq!(contract.type_of("enable_lineage"), Some("boolean"));
    assert_eq!(
        contract.default_of("extract_strategy"),
        Some(&json!("information-schema"))
    );
    assert!(contract.allows_other_fields());
}

#[test]
fn a_credential_inside_inputs_is_a_secret_but_is_sent() {
    let create: CreateApp = decode(&fixture("apps/create/snowflake-crawler.json")).unwrap();
    let shown = format!("{create:?} {:?}", create.inputs);
    assert!(!shown.contains("sentinel-password"), "{shown}");
    assert!(shown.contains("enable_lineage"));
    assert_eq!(
        create.inputs.redacted()["credential"]["password"],
        "[REDACTED]"
    );
    let sent = serde_json::to_value(&create).unwrap();
    assert_eq!(
        sent["inputs"]["credential"]["password"],
        "sentinel-password"
    );
    let agent = AppInputs::from_map(
        json!({"agent_json": {"token": "sentinel-agent"}})
            .as_object()
            .unwrap()
            .clone(),
    );
    assert!(!format!("{agent:?}").contains("sentinel-agent"));
}

#[test]
fn create_never_starts_a_run_by_accident() {
    let create = CreateApp::new("atlan-athena", "athena-prod", AppInputs::new());
    let sent = serde_json::to_value(&create).unwrap();
    assert_eq!(sent["run"], false);
    assert!(sent.get("entrypoint").is_none() && sent.get("schedule").is_none());
}

#[test]
fn search_answers_give_typed_run_attributes() {
    let answer: AtlasSearchResponse = decode(&fixture("apps/search/active-run.json")).unwrap();
    let run = answer.entities_of("AppWorkflowRun").next().unwrap();
    let attributes = run.run_attributes().unwrap();
    assert_eq!(attributes.status, Some(AppRunStatus::Running));
    assert_eq!(
        attributes.workflow_slug.as_deref(),
        Some("snowflake-crawler-x7k2p")
    );
    assert_eq!(attributes.started_at, Some(1_767_225_600_000));
    assert_eq!(
        attributes.qualified_name.unwrap(),
        app_run_qualified_name(
            "snowflake-crawler-x7k2p",
            2,
            "0199a3c2-7e41-7cc0-9d6a-3f2b1c0d9e8f"
        )
    );
    let none: AtlasSearchResponse = decode(&fixture("apps/search/no-hits.json")).unwrap();
    assert_eq!(none.entities_of("AppWorkflowRun").count(), 0);
}
