//! Monitor's polling on tokio's paused clock, over a scripted service (no sockets, no real waits).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use atlan_workflows::transport::TransportError;
use atlan_workflows::{ApiStatus, AtlanClient, Error, MonitorTarget, WorkflowPhase};
use bytes::Bytes;
use serde_json::json;

/// A service that answers every run search with the next phase of `phases` (the last repeats);
/// an empty phase is a run whose status has no phase yet.
fn scripted(phases: &'static [&'static str]) -> (AtlanClient, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let service = tower::service_fn(move |request: http::Request<Bytes>| {
        let index = counter.fetch_add(1, Ordering::SeqCst);
        async move {
            assert_eq!(request.uri().path(), "/api/service/runs/indexsearch");
            let phase = phases[index.min(phases.len() - 1)];
            let status = if phase.is_empty() {
                json!({})
            } else {
                json!({"phase": phase, "progress": format!("{index}/3")})
            };
            let body = json!({"hits": {"total": {"value": 1, "relation": "eq"}, "hits": [{
                "_id": "wf-1-abcde",
                "_source": {"metadata": {"name": "wf-1-abcde"}, "spec": {}, "status": status},
            }]}});
            Ok::<_, TransportError>(http::Response::new(Bytes::from(body.to_string())))
        }
    });
    (AtlanClient::from_service(service), calls)
}

#[tokio::test(start_paused = true)]
async fn polls_at_the_interval_until_the_run_finishes() {
    let (client, calls) = scripted(&["Pending", "Running", "Running", "Failed"]);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    let started = tokio::time::Instant::now();
    let run = client
        .runs()
        .monitor(MonitorTarget::Workflow("wf-1".into()))
        .interval(Duration::from_secs(5))
        .timeout(Duration::from_secs(60))
        .on_progress(move |run| record.lock().unwrap().push(run.phase().cloned().unwrap()))
        .await
        .unwrap();
    assert_eq!(
        run.phase(),
        Some(&WorkflowPhase::Failed),
        "a failed run is returned, not an error"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 4);
    assert_eq!(
        started.elapsed(),
        Duration::from_secs(15),
        "three waits of 5 s"
    );
    assert_eq!(
        *seen.lock().unwrap(),
        [
            WorkflowPhase::Pending,
            WorkflowPhase::Running,
            WorkflowPhase::Running,
            WorkflowPhase::Failed
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn the_timeout_fires_with_the_last_phase() {
    let (client, calls) = scripted(&["Running"]);
    let started = tokio::time::Instant::now();
    let error = client
        .runs()
        .monitor(MonitorTarget::Run("wf-1-abcde".into()))
        .interval(Duration::from_secs(10))
        .timeout(Duration::from_secs(25))
        .await
        .unwrap_err();
    match error {
        Error::Timeout {
            operation,
            waited,
            last_status,
            what,
            ..
        } => {
            assert_eq!(operation, "runs.monitor");
            assert_eq!(waited, Duration::from_secs(25));
            assert_eq!(last_status, Some(ApiStatus::Phase(WorkflowPhase::Running)));
            assert!(what.contains("wf-1-abcde"));
        }
        other => panic!("expected a timeout, got {other}"),
    }
    assert_eq!(
        started.elapsed(),
        Duration::from_secs(25),
        "the last wait is cut to the deadline"
    );
    assert_eq!(
        calls.load(Ordering::SeqCst),
        4,
        "polls at 0, 10, 20 and 25 s"
    );
}

#[tokio::test(start_paused = true)]
async fn a_zero_interval_still_waits_a_little() {
    let (client, calls) = scripted(&["Running", "Running", "Succeeded"]);
    let started = tokio::time::Instant::now();
    client
        .runs()
        .monitor(MonitorTarget::Run("wf-1-abcde".into()))
        .interval(Duration::ZERO)
        .timeout(Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    assert_eq!(started.elapsed(), Duration::from_millis(200));
}

#[tokio::test(start_paused = true)]
async fn a_run_without_a_phase_yet_is_waited_for() {
    let (client, calls) = scripted(&["", "", "Succeeded"]);
    let run = client
        .runs()
        .monitor(MonitorTarget::Run("wf-1-abcde".into()))
        .interval(Duration::from_secs(1))
        .timeout(Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(run.phase(), Some(&WorkflowPhase::Succeeded));
    assert_eq!(calls.load(Ordering::SeqCst), 3);

    // A run that exists but never gets a phase times out: it is not "not found".
    let (client, _) = scripted(&[""]);
    let error = client
        .runs()
        .monitor(MonitorTarget::Run("wf-1-abcde".into()))
        .interval(Duration::from_secs(1))
        .timeout(Duration::from_secs(5))
        .await
        .unwrap_err();
    match error {
        Error::Timeout {
            last_status,
            waited,
            ..
        } => {
            assert_eq!(last_status, None);
            assert_eq!(waited, Duration::from_secs(5));
        }
        other => panic!("expected a timeout, got {other}"),
    }
}

/// A service whose run searches find nothing and whose workflow search finds `workflows`; counts
/// each search by path.
fn missing_run(workflows: &'static [&'static str]) -> (AtlanClient, Arc<Mutex<Vec<String>>>) {
    let asked = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&asked);
    let service = tower::service_fn(move |request: http::Request<Bytes>| {
        let path = request.uri().path().to_owned();
        record.lock().unwrap().push(path.clone());
        async move {
            let hits: Vec<_> = if path.ends_with("/workflows/indexsearch") {
                workflows
                    .iter()
                    .map(|name| json!({"_id": name, "_source": {"metadata": {"name": name}, "spec": {}}}))
                    .collect()
            } else {
                Vec::new()
            };
            let body =
                json!({"hits": {"total": {"value": hits.len(), "relation": "eq"}, "hits": hits}});
            Ok::<_, TransportError>(http::Response::new(Bytes::from(body.to_string())))
        }
    });
    (AtlanClient::from_service(service), asked)
}

#[tokio::test(start_paused = true)]
async fn a_run_no_workflow_could_have_started_is_not_found_at_once() {
    let (client, asked) = missing_run(&[]);
    let started = tokio::time::Instant::now();
    let error = client
        .runs()
        .monitor(MonitorTarget::Run("nope-run-123".into()))
        .timeout(Duration::from_secs(3600))
        .await
        .unwrap_err();
    assert!(error.is_not_found(), "{error}");
    assert!(error.to_string().contains("nope-run-123"), "{error}");
    assert_eq!(started.elapsed(), Duration::ZERO, "no wait at all");
    assert_eq!(
        *asked.lock().unwrap(),
        [
            "/api/service/runs/indexsearch",
            "/api/service/workflows/indexsearch"
        ],
        "the run, then every workflow it could be a run of, in one search"
    );
    let error = client
        .runs()
        .monitor(MonitorTarget::Workflow("nope".into()))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("workflow `nope`"), "{error}");
    assert_eq!(started.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn a_run_of_an_existing_workflow_is_waited_for_while_the_index_may_lag_only() {
    let (client, asked) = missing_run(&["wf-1"]);
    let started = tokio::time::Instant::now();
    let error = client
        .runs()
        .monitor(MonitorTarget::Run("wf-1-abcde".into()))
        .interval(Duration::from_secs(10))
        .appear_within(Duration::from_secs(25))
        .timeout(Duration::from_secs(3600))
        .await
        .unwrap_err();
    assert!(error.is_not_found(), "{error}");
    assert_eq!(started.elapsed(), Duration::from_secs(25));
    let asked = asked.lock().unwrap();
    assert_eq!(
        asked
            .iter()
            .filter(|path| path.ends_with("/workflows/indexsearch"))
            .count(),
        1,
        "the workflow is looked up once: {asked:?}"
    );
}
