//! How failures surface: auth, throttling after retries, broken answers, bad configuration; and
//! that the API key never shows.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use atlan_sandbox::FaultRule;
use atlan_workflows::transport::RetryConfig;
use atlan_workflows::{AtlanClient, Error};
use common::{MINER, Recorder, builder, start};

#[tokio::test]
async fn a_wrong_key_is_an_api_error_with_the_servers_body() {
    let (_clock, sandbox, _client) = start().await;
    let client = AtlanClient::builder()
        .base_url(sandbox.base_url())
        .api_key("sentinel-wrong-key")
        .build()
        .unwrap();
    let error = client.workflows().get(MINER).await.unwrap_err();
    match &error {
        Error::Api { status, body, .. } => {
            assert_eq!(status.as_u16(), 401);
            assert!(body.code().is_some() && body.message().is_some(), "{body}");
        }
        other => panic!("expected an API error, got {other}"),
    }
    let shown = format!("{error} {error:?} {client:?}");
    assert!(!shown.contains("sentinel-wrong-key"), "{shown}");
}

#[tokio::test]
async fn a_503_after_the_retries_is_an_error_never_an_empty_result() {
    let (_clock, sandbox, client) = start().await;
    sandbox
        .faults()
        .add(FaultRule::status(
            "POST /api/service/workflows/indexsearch",
            503,
        ))
        .unwrap();
    let recorder = Recorder::default();
    let counted = builder(&sandbox)
        .with_layer(recorder.clone())
        .build()
        .unwrap();
    let error = counted.workflows().get(MINER).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503), "{error}");
    assert_eq!(
        recorder.requests().len(),
        1,
        "one call (the transport retried it inside)"
    );
    sandbox.faults().clear();
    assert!(client.workflows().get_opt(MINER).await.unwrap().is_some());
}

#[tokio::test]
async fn throttled_searches_are_retried_and_succeed() {
    let (_clock, sandbox, client) = start().await;
    sandbox
        .faults()
        .add(
            FaultRule::status("POST /api/service/runs/indexsearch", 429)
                .retry_after("0")
                .times(2),
        )
        .unwrap();
    let run = client.runs().get(&format!("{MINER}-mzdza")).await.unwrap();
    assert_eq!(run.name(), format!("{MINER}-mzdza"));
}

#[tokio::test]
async fn a_stop_is_not_sent_twice_when_the_answer_is_lost() {
    let (clock, sandbox, client) = start().await;
    let id = common::running_miner_run(&client).await;
    sandbox
        .faults()
        .add(FaultRule::drop_after(format!("POST /api/service/runs/{id}/stop")).times(1))
        .unwrap();
    let error = client.runs().stop(&id).await.unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error}");
    // The stop was made once: the run is Failed after the controller's moment.
    clock.advance(atlan_sandbox::DEFAULT_STOP_DELAY);
    let run = client.runs().get(&id).await.unwrap();
    assert_eq!(run.phase(), Some(&atlan_workflows::WorkflowPhase::Failed));
}

#[tokio::test]
async fn a_truncated_answer_is_a_transport_error_after_retries() {
    let (_clock, sandbox, _client) = start().await;
    sandbox
        .faults()
        .add(FaultRule::truncate(
            "POST /api/service/workflows/indexsearch",
        ))
        .unwrap();
    let client = builder(&sandbox)
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    let error = client.workflows().get(MINER).await.unwrap_err();
    assert!(
        matches!(error, Error::Transport { .. } | Error::Decode { .. }),
        "{error}"
    );
}

#[tokio::test]
async fn configuration_errors_are_typed() {
    let error = AtlanClient::builder()
        .base_url("not a url")
        .api_key("k")
        .build()
        .unwrap_err();
    assert!(matches!(error, Error::Config { .. }), "{error}");
    let error = AtlanClient::builder()
        .base_url("https://t.example.com")
        .api_key("k")
        .header("bad header", "v")
        .build()
        .unwrap_err();
    assert!(matches!(error, Error::Config { .. }), "{error}");
}

#[tokio::test]
async fn an_unexpected_body_is_a_decode_error_naming_the_json_path() {
    let service = tower::service_fn(|_request: http::Request<bytes::Bytes>| async {
        let body = r#"{"hits": {"hits": [{"_id": "r-1", "_source": {"metadata": {}, "spec": {}, "status": {"phase": 5}}}]}}"#;
        Ok::<_, atlan_workflows::transport::TransportError>(http::Response::new(
            bytes::Bytes::from(body),
        ))
    });
    let client = AtlanClient::from_service(service);
    let error = client.runs().get("r-1").await.unwrap_err();
    match &error {
        Error::Decode { operation, source } => {
            assert_eq!(*operation, "runs.get");
            assert_eq!(source.path(), "hits.hits[0]._source.status.phase");
        }
        other => panic!("expected a decode error, got {other}"),
    }
}

#[test]
fn clients_and_streams_cross_threads() {
    fn shareable<T: Clone + Send + Sync + 'static>() {}
    fn sendable<T: Send + 'static>(_: &T) {}
    shareable::<AtlanClient>();
    shareable::<atlan_workflows::Runs>();
    let client = AtlanClient::builder()
        .base_url("https://t.example.com")
        .api_key("k")
        .build()
        .unwrap();
    let stream = client
        .runs()
        .list("wf")
        .phase(atlan_workflows::WorkflowPhase::Running)
        .stream();
    sendable(&stream);
}
