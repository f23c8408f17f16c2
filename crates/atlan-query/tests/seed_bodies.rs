//! Each REST body of Atlan's documentation is reproduced exactly by its constructor.

#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::Path;

use atlan_model::{WorkflowPackage, WorkflowPhase};
use atlan_query::Search;
use atlan_query::workflows::{self, TimeBounds};
use serde_json::Value;

fn seed_body(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/requests/search")
        .join(name);
    serde_json::from_slice(&fs::read(&path).unwrap()).unwrap()
}

fn assert_reproduces(search: Search, name: &str) {
    let seed = seed_body(name);
    assert_eq!(serde_json::to_value(&search).unwrap(), seed, "{name}");
    // And the seed body decodes to the same search.
    let decoded: Search = serde_json::from_value(seed).unwrap();
    assert_eq!(
        decoded, search,
        "{name} decodes to the search that produced it"
    );
}

#[test]
fn retrieve_workflow_by_id() {
    assert_reproduces(
        workflows::find_by_id("atlan-snowflake-miner-1714638976").unwrap(),
        "find-by-id.json",
    );
}

#[test]
fn retrieve_workflows_by_type() {
    assert_reproduces(
        workflows::find_by_type(WorkflowPackage::SnowflakeMiner, 5).unwrap(),
        "find-by-type.json",
    );
}

#[test]
fn retrieve_workflow_run_by_id() {
    assert_reproduces(
        workflows::find_run_by_id("atlan-snowflake-miner-1714638976-mzdza").unwrap(),
        "find-run-by-id.json",
    );
}

/// Atlan's documented wording: `started_at="now-6h"` retrieves runs that started within the last 6 hours and
/// `finished_at="now-1h"` runs that finished within the last hour: both are lower bounds (`gte`).
#[test]
fn retrieve_workflow_runs_by_status_and_time_range() {
    let search = workflows::runs_by_status_and_time(
        &[WorkflowPhase::Succeeded, WorkflowPhase::Failed],
        &TimeBounds::since("now-6h".parse().unwrap()),
        &TimeBounds::since("now-1h".parse().unwrap()),
        0,
        100,
    )
    .unwrap();
    assert_reproduces(search, "runs-by-status-and-time.json");
}

#[test]
fn retrieve_all_workflow_runs_by_their_phase() {
    let search = workflows::runs_by_phase(
        "atlan-snowflake-miner-1714638976",
        &WorkflowPhase::Succeeded,
        0,
        100,
    )
    .unwrap();
    assert_reproduces(search, "runs-by-phase.json");
}

/// pyatlan 8.4.2 and later send `lte` for `finishedAt`; `TimeBounds::before` produces it.
#[test]
fn pyatlans_finished_before_is_reachable() {
    let search = workflows::runs_by_status_and_time(
        &[WorkflowPhase::Succeeded],
        &TimeBounds::since("now-6h".parse().unwrap()),
        &TimeBounds::before("now-1h".parse().unwrap()),
        0,
        100,
    )
    .unwrap();
    let body = serde_json::to_value(&search).unwrap();
    assert_eq!(
        body["query"]["bool"]["must"][2],
        serde_json::json!({"range": {"status.finishedAt": {"lte": "now-1h"}}})
    );
}
