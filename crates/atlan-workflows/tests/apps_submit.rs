//! The idempotent submit's recovery path, over a scripted service on tokio's paused clock: when the
//! asset index has not caught up with a run started elsewhere, the pre-check finds nothing, the
//! submit answers 500, and the re-checks name the active run instead of a bare 500.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::sync::{Arc, Mutex};

use atlan_workflows::transport::TransportError;
use atlan_workflows::{AtlanClient, Error};
use bytes::Bytes;
use serde_json::json;

const SLUG: &str = "prod-snowflake-0c4f9a1e";

/// Answers in order: the pre-check (nothing), the submit (500), an empty re-check, then the run.
fn lagging_index() -> (AtlanClient, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let service = tower::service_fn(move |request: http::Request<Bytes>| {
        let log = Arc::clone(&log);
        async move {
            let line = format!("{} {}", request.method(), request.uri().path());
            let searches_before = log
                .lock()
                .unwrap()
                .iter()
                .filter(|line: &&String| line.contains("indexsearch"))
                .count();
            log.lock().unwrap().push(line.clone());
            let (status, body) = if line.ends_with("/submit") {
                (
                    500,
                    json!({"message": format!("workflow {SLUG} already has an active run")}),
                )
            } else if searches_before < 2 {
                (200, json!({"approximateCount": 0}))
            } else {
                (
                    200,
                    json!({"approximateCount": 1, "entities": [{"typeName": "AppWorkflowRun", "guid": "g",
                    "attributes": {"name": "run-elsewhere", "appWorkflowRunStatus": "Running"}}]}),
                )
            };
            let mut response = http::Response::new(Bytes::from(body.to_string()));
            *response.status_mut() = http::StatusCode::from_u16(status).unwrap();
            Ok::<_, TransportError>(response)
        }
    });
    (AtlanClient::from_service(service), seen)
}

#[tokio::test(start_paused = true)]
async fn a_500_on_an_idempotent_submit_reports_the_active_run_found_on_recheck() {
    let (client, seen) = lagging_index();
    let error = client
        .apps()
        .workflows()
        .run(SLUG)
        .idempotent()
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::AlreadyRunning { run_id: Some(run), .. } if run == "run-elsewhere"),
        "{error}"
    );
    let seen = seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        [
            "POST /api/meta/search/indexsearch",
            &format!("POST /api/service/v1/app/{SLUG}/submit"),
            "POST /api/meta/search/indexsearch",
            "POST /api/meta/search/indexsearch",
        ],
        "one submit, never re-sent"
    );
}

#[tokio::test(start_paused = true)]
async fn without_idempotent_a_500_is_the_servers_error() {
    let (client, seen) = lagging_index();
    let error = client.apps().workflows().run(SLUG).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500), "{error}");
    assert_eq!(seen.lock().unwrap().len(), 1);
}
