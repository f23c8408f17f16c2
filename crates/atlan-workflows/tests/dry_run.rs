//! Dry runs as a mode of the client: `DryRun::All` sends nothing and returns the first request;
//! `DryRun::Writes` sends the reads for real and returns the first write, which is never sent.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use atlan_workflows::model::decode_value;
use atlan_workflows::{
    ApiRequest, AtlanClient, Credential, DryRun, Error, MonitorTarget, Result, WorkflowPhase,
    WorkflowRoute, WorkflowSchedule,
};
use common::{CRAWLER, Recorder, SNOWFLAKE_CREDENTIAL, builder, fixture, start};
use serde_json::json;

/// The request a dry run stopped at.
#[track_caller]
fn stopped_at<T: std::fmt::Debug>(result: Result<T>) -> ApiRequest {
    match result {
        Err(Error::DryRun { request }) => *request,
        other => panic!("expected a dry run to stop, got {other:?}"),
    }
}

fn offline(route: Option<WorkflowRoute>) -> AtlanClient {
    let mut builder = AtlanClient::builder().dry_run(DryRun::All);
    if let Some(route) = route {
        builder = builder.route(route);
    }
    builder.build().unwrap()
}

fn credential() -> Credential {
    let mut credential: Credential =
        decode_value(fixture("requests/credential/create-snowflake.json")).unwrap();
    credential.id = Some(SNOWFLAKE_CREDENTIAL.into());
    credential
}

#[tokio::test]
async fn all_needs_no_tenant_and_returns_the_first_request_of_each_operation() {
    let client = offline(None);
    assert_eq!(client.dry_run(), DryRun::All);
    let workflow = decode_value(fixture("requests/workflow/snowflake_basic.json")).unwrap();
    let cases: Vec<(ApiRequest, &str, &str)> = vec![
        (
            stopped_at(client.workflows().get(CRAWLER).await),
            "POST",
            "/api/service/workflows/indexsearch",
        ),
        (
            stopped_at(client.workflows().run(workflow).await),
            "POST",
            "/api/service/workflows",
        ),
        (
            // A re-run finds the workflow first.
            stopped_at(client.workflows().rerun(CRAWLER).idempotent().await),
            "POST",
            "/api/service/workflows/indexsearch",
        ),
        (
            stopped_at(client.workflows().delete(CRAWLER).await),
            "POST",
            "/api/service/workflows/atlan-snowflake-1714638976/archive",
        ),
        (
            stopped_at(client.runs().stop("r-1").await),
            "POST",
            "/api/service/runs/r-1/stop",
        ),
        (
            stopped_at(
                client
                    .runs()
                    .monitor(MonitorTarget::Run("r-1".into()))
                    .await,
            ),
            "POST",
            "/api/service/runs/indexsearch",
        ),
        (
            stopped_at(
                client
                    .runs()
                    .search()
                    .phase(WorkflowPhase::Failed)
                    .page()
                    .await,
            ),
            "POST",
            "/api/service/runs/indexsearch",
        ),
        (
            stopped_at(client.credentials().list().size(5).page().await),
            "GET",
            "/api/service/credentials",
        ),
        (
            // Test and update tests first.
            stopped_at(client.credentials().test_and_update(&credential()).await),
            "POST",
            "/api/service/credentials/test",
        ),
        (
            stopped_at(client.schedules().list().await),
            "GET",
            "/api/service/runs/cron",
        ),
    ];
    for (request, method, path) in cases {
        assert_eq!(request.method().as_str(), method, "{request:?}");
        assert_eq!(request.path(), path, "{request:?}");
    }
    let shown = stopped_at(client.credentials().create(&credential()).await).to_json();
    assert_eq!(shown["body"]["password"], "[REDACTED]");
    assert_eq!(shown["query"]["testCredential"], "true");
    let error = client.runs().stop("r-1").await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "runs.stop: dry run: POST /api/service/runs/r-1/stop was not sent"
    );
}

#[tokio::test]
async fn all_takes_the_route_from_the_builder() {
    let client = offline(Some(WorkflowRoute::PackageWorkflows));
    let request = stopped_at(client.workflows().delete(CRAWLER).await);
    assert_eq!(
        request.path(),
        "/api/service/package-workflows/atlan-snowflake-1714638976/archive"
    );
}

#[tokio::test]
async fn all_still_refuses_bad_input_first() {
    let client = offline(None);
    let error = client
        .runs()
        .search()
        .phase(WorkflowPhase::Failed)
        .started_since("yesterday")
        .page()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidInput { .. }), "{error}");
    let error = client.runs().stop(" ").await.unwrap_err();
    assert!(matches!(error, Error::InvalidInput { .. }), "{error}");
}

#[tokio::test]
async fn writes_reads_for_real_and_stops_at_the_first_change() {
    let (_clock, sandbox, _client) = start().await;
    let recorder = Recorder::default();
    let client = builder(&sandbox)
        .dry_run(DryRun::Writes)
        .with_layer(recorder.clone())
        .build()
        .unwrap();

    // A read completes.
    let found = client.workflows().get(CRAWLER).await.unwrap();
    assert_eq!(found.name(), CRAWLER);

    // Adding a schedule reads the workflow and the route, then stops at the update: its body is
    // the workflow with the new schedule.
    recorder.clear();
    let schedule = WorkflowSchedule::new("0 2 * * *", "UTC").unwrap();
    let update = stopped_at(client.schedules().add(CRAWLER, &schedule).await);
    assert_eq!(update.path(), format!("/api/service/workflows/{CRAWLER}"));
    let body = update.redacted_body().unwrap();
    assert_eq!(
        body["metadata"]["annotations"]["orchestration.atlan.com/schedule"],
        json!("0 2 * * *")
    );
    assert_eq!(
        recorder.requests(),
        [
            "POST /api/service/workflows/indexsearch",
            "GET /api/service/whoami",
        ],
        "only reads were sent"
    );

    // A credential test changes nothing: it is sent, and the update after it is not.
    recorder.clear();
    let request = stopped_at(client.credentials().test_and_update(&credential()).await);
    assert_eq!(
        request.path(),
        format!("/api/service/credentials/{SNOWFLAKE_CREDENTIAL}")
    );
    assert_eq!(recorder.requests(), ["POST /api/service/credentials/test"]);

    // Nothing was changed: the crawler keeps its schedule, a run is not stopped.
    let unchanged = builder(&sandbox).build().unwrap();
    let cron = unchanged.schedules().get(CRAWLER).await.unwrap();
    assert_eq!(
        cron.schedule(),
        Some(WorkflowSchedule::new("37 15 * * *", "America/New_York").unwrap())
    );
    let id = common::running_miner_run(&unchanged).await;
    stopped_at(client.runs().stop(&id).await);
    let still = unchanged.runs().get(&id).await.unwrap();
    assert_eq!(still.phase(), Some(&WorkflowPhase::Running));
}
