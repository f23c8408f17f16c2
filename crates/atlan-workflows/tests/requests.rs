//! Every request the facade sends, built without IO: method, path, query and body as
//! `atlanctl --dry-run` prints them (secrets redacted), snapshotted under the operation's name; which
//! of them change nothing (and so may be re-sent, and are sent by a `DryRun::Writes` client).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use atlan_workflows::model::decode_value;
use atlan_workflows::query::workflows::TimeBounds;
use atlan_workflows::requests::{self, credentials, runs, schedules, workflows};
use atlan_workflows::{
    ApiRequest, Credential, Workflow, WorkflowPackage, WorkflowPhase, WorkflowRoute,
};
use common::fixture;

fn credential() -> Credential {
    let mut credential: Credential =
        decode_value(fixture("requests/credential/create-snowflake.json")).unwrap();
    credential.id = Some("972a87c1-28d7-8bf2-896d-ea5bd3e9c691".into());
    credential
}

fn workflow() -> Workflow {
    decode_value(fixture("requests/workflow/snowflake_basic.json")).unwrap()
}

fn all() -> Vec<ApiRequest> {
    let api = WorkflowRoute::Workflows;
    let user = WorkflowRoute::PackageWorkflows;
    let start = "2024-05-01T00:00:00Z".parse().unwrap();
    let end = "2024-05-02T00:00:00Z".parse().unwrap();
    let mut filter = serde_json::Map::new();
    filter.insert("connector".into(), "snowflake".into());
    vec![
        workflows::find_by_id("atlan-snowflake-1714638976").unwrap(),
        workflows::find_by_type(&WorkflowPackage::SnowflakeMiner, 5).unwrap(),
        workflows::run(api, &workflow()).unwrap(),
        workflows::rerun(user, "default", "atlan-snowflake-1714638976").unwrap(),
        workflows::update(api, &workflow()).unwrap(),
        workflows::change_owner("atlan-snowflake-1714638976", "jane.doe").unwrap(),
        workflows::delete(user, "atlan-snowflake-1714638976").unwrap(),
        workflows::find_schedule_query("5f1c2a9e", 5).unwrap(),
        workflows::rerun_schedule_query("asq-5f1c2a9e-1700759120").unwrap(),
        workflows::missed_schedule_query_runs(start, end).unwrap(),
        runs::get("atlan-snowflake-1714638976-k2x7q").unwrap(),
        runs::of_workflow(
            "atlan-snowflake-1714638976",
            Some(&WorkflowPhase::Running),
            0,
            100,
        )
        .unwrap(),
        runs::by_status_and_time(
            &[WorkflowPhase::Succeeded, WorkflowPhase::Failed],
            &TimeBounds::since("now-6h".parse().unwrap()),
            &TimeBounds::since("now-1h".parse().unwrap()),
            0,
            100,
        )
        .unwrap(),
        runs::latest("atlan-snowflake-1714638976").unwrap(),
        runs::current("atlan-snowflake-1714638976").unwrap(),
        runs::stop("atlan-snowflake-1714638976-k2x7q").unwrap(),
        schedules::list(),
        schedules::get("atlan-snowflake-1714638976").unwrap(),
        credentials::create(&credential()).unwrap(),
        credentials::get("972a87c1-28d7-8bf2-896d-ea5bd3e9c691").unwrap(),
        credentials::list(Some(&filter), Some(5), Some(1)),
        credentials::test(&credential()).unwrap(),
        credentials::update(&credential()).unwrap(),
        credentials::purge("972a87c1-28d7-8bf2-896d-ea5bd3e9c691").unwrap(),
        requests::identity::whoami(),
    ]
}

#[test]
fn every_request_as_a_dry_run_prints_it() {
    for request in all() {
        insta::assert_json_snapshot!(request.operation(), request.to_json());
    }
}

#[test]
fn a_listing_in_every_phase_sends_the_query_builders_search() {
    let request = runs::of_workflow("atlan-snowflake-1714638976", None, 100, 50).unwrap();
    assert_eq!(request.operation(), "runs.list");
    assert_eq!(request.path(), "/api/service/runs/indexsearch");
    assert!(request.is_idempotent());
    let expected =
        atlan_workflows::query::workflows::runs_of_workflow("atlan-snowflake-1714638976", 100, 50)
            .unwrap();
    assert_eq!(
        request.redacted_body(),
        Some(&serde_json::to_value(expected).unwrap())
    );
}

#[test]
fn only_reads_may_be_sent_again() {
    for request in all() {
        let read = request.method() == http::Method::GET
            || request.path().ends_with("/indexsearch")
            || request.path() == "/api/service/credentials/test";
        assert_eq!(request.is_read_only(), read, "{}", request.operation());
        assert_eq!(request.is_idempotent(), read, "{}", request.operation());
        let http = request.to_http().unwrap();
        assert_eq!(
            http.extensions()
                .get::<atlan_workflows::transport::Idempotent>()
                .is_some(),
            read
        );
        assert!(request.path().starts_with("/api/service/"));
    }
}

#[test]
fn no_secret_is_ever_shown() {
    for request in all() {
        let shown = format!("{request:?} {}", request.to_json());
        for secret in ["\"password\":\"password\"", "role-here", "warehouse-here"] {
            assert!(
                !shown.contains(secret),
                "{} shows {secret}",
                request.operation()
            );
        }
    }
    let sent = credentials::create(&credential())
        .unwrap()
        .to_http()
        .unwrap();
    let sent = String::from_utf8(sent.body().to_vec()).unwrap();
    assert!(sent.contains("\"password\":\"password\"") && sent.contains("role-here"));
}

#[test]
fn bad_input_is_refused_before_a_request_exists() {
    assert!(workflows::find_by_id("").is_err());
    assert!(workflows::find_by_type(&WorkflowPackage::Snowflake, 0).is_err());
    assert!(workflows::change_owner("w", " ").is_err());
    assert!(runs::of_workflow("w", Some(&WorkflowPhase::Running), 9_950, 100).is_err());
    assert!(runs::by_status_and_time(&[], &TimeBounds::any(), &TimeBounds::any(), 0, 10).is_err());
    // A bound that is not a time is refused where it is read, before any search exists.
    assert!("soon".parse::<atlan_workflows::query::TimeBound>().is_err());
    assert!(
        credentials::create_untested(&credential()).is_err(),
        "an untested login"
    );
    let mut no_id = credential();
    no_id.id = None;
    assert!(credentials::update(&no_id).is_err());
    assert!(workflows::update(WorkflowRoute::Workflows, &Workflow::default()).is_err());
}
