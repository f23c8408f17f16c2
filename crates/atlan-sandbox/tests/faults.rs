//! Fault injection over real sockets: statuses with Retry-After, latency (on tokio's paused clock),
//! dropped connections before and after the request is served, truncated bodies, counts,
//! probabilities, failing runs, the `/_sandbox/faults` endpoint, and the recording of requests.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::time::Duration;

use atlan_sandbox::{FaultRule, ManualClock, Sandbox, Seed};
use common::{Api, CREATE_CREDENTIAL, fixture, hit_ids};
use http::{Method, StatusCode};
use serde_json::json;

async fn sandbox() -> (atlan_sandbox::SandboxHandle, Api) {
    let sandbox = Sandbox::builder()
        .seed(Seed::Default)
        .start()
        .await
        .unwrap();
    let api = Api::new(&sandbox.base_url(), sandbox.api_key());
    (sandbox, api)
}

/// The schedules' listing answers 30 s late.
fn slow_schedules(sandbox: &atlan_sandbox::SandboxHandle) {
    sandbox
        .faults()
        .add(FaultRule::latency(
            "GET /api/service/runs/cron",
            Duration::from_secs(30),
        ))
        .unwrap();
}

#[tokio::test]
async fn a_status_fault_with_retry_after_applies_its_count_then_stops() {
    let (sandbox, api) = sandbox().await;
    sandbox
        .faults()
        .add(
            FaultRule::status("POST /api/service/runs/indexsearch", 503)
                .retry_after("7")
                .times(2),
        )
        .unwrap();
    let search = fixture("requests/search/find-run-by-id.json");
    for _ in 0..2 {
        let (status, body) = api.post("/api/service/runs/indexsearch", &search).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(
            body["errorCode"].as_str().unwrap().contains("503"),
            "{body}"
        );
    }
    let (status, body) = api.post("/api/service/runs/indexsearch", &search).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(sandbox.faults().list().is_empty());
    // Other routes were never affected.
    assert_eq!(api.get("/api/service/runs/cron").await.0, StatusCode::OK);
}

#[tokio::test]
async fn retry_after_is_sent() {
    let (sandbox, api) = sandbox().await;
    sandbox
        .faults()
        .add(
            FaultRule::status("GET /api/service/whoami", 429)
                .retry_after("Wed, 21 Oct 2026 07:28:00 GMT"),
        )
        .unwrap();
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<http_body_util::Full<bytes::Bytes>>();
    let request = http::Request::get(format!("{}/api/service/whoami", sandbox.base_url()))
        .header("authorization", format!("Bearer {}", sandbox.api_key()))
        .body(http_body_util::Full::default())
        .unwrap();
    let response = client.request(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        response.headers()["retry-after"],
        "Wed, 21 Oct 2026 07:28:00 GMT"
    );
    drop(api);
}

#[tokio::test]
async fn dropping_before_changes_nothing_and_dropping_after_keeps_the_change() {
    let (sandbox, api) = sandbox().await;
    let credential = fixture("requests/credential/create-snowflake.json");
    sandbox
        .faults()
        .add(FaultRule::drop_before("POST /api/service/credentials").times(1))
        .unwrap();
    let before = sandbox.counts().2;
    let raw = || {
        api.send_raw(
            Method::POST,
            CREATE_CREDENTIAL,
            credential.to_string().into_bytes(),
        )
    };
    let error = raw().await;
    assert!(error.is_err(), "the connection was closed: {error:?}");
    assert_eq!(sandbox.counts().2, before, "not served");

    sandbox
        .faults()
        .add(FaultRule::drop_after("POST /api/service/credentials").times(1))
        .unwrap();
    let error = raw().await;
    assert!(error.is_err(), "no answer: {error:?}");
    assert_eq!(
        sandbox.counts().2,
        before + 1,
        "served: the credential exists although nobody was told"
    );
    let (status, _) = api.post(CREATE_CREDENTIAL, &credential).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a blind retry of a non-idempotent POST conflicts"
    );
}

#[tokio::test]
async fn a_truncated_body_is_cut_mid_way() {
    let (sandbox, api) = sandbox().await;
    sandbox
        .faults()
        .add(FaultRule::truncate("POST /api/service/workflows/indexsearch").times(1))
        .unwrap();
    let result = api
        .send_raw(
            Method::POST,
            "/api/service/workflows/indexsearch",
            fixture("requests/search/find-by-id.json")
                .to_string()
                .into_bytes(),
        )
        .await;
    assert!(result.is_err(), "the body ends early: {result:?}");
    let (status, body) = api
        .post(
            "/api/service/workflows/indexsearch",
            &fixture("requests/search/find-by-id.json"),
        )
        .await;
    assert_eq!((status, hit_ids(&body).len()), (StatusCode::OK, 1));
}

#[tokio::test(start_paused = true)]
async fn latency_is_added_on_the_runtime_clock() {
    let (sandbox, api) = sandbox().await;
    slow_schedules(&sandbox);
    let started = tokio::time::Instant::now();
    assert_eq!(api.get("/api/service/runs/cron").await.0, StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_secs(30));
    let started = tokio::time::Instant::now();
    assert_eq!(api.get("/api/service/whoami").await.0, StatusCode::OK);
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[tokio::test]
async fn probabilities_are_reproducible() {
    let failures = || async {
        let sandbox = Sandbox::builder()
            .seed(Seed::Empty)
            .random_seed(3)
            .fault(FaultRule::status("GET *", 500).probability(0.3))
            .start()
            .await
            .unwrap();
        let api = Api::new(&sandbox.base_url(), sandbox.api_key());
        let mut failed = 0;
        for _ in 0..50 {
            if api.get("/api/service/whoami").await.0 == StatusCode::INTERNAL_SERVER_ERROR {
                failed += 1;
            }
        }
        failed
    };
    let first = failures().await;
    assert_eq!(first, failures().await);
    assert!((5..30).contains(&first), "{first} of 50");
}

#[tokio::test]
async fn failing_runs_and_the_control_endpoint() {
    let clock = ManualClock::new("2026-06-15T12:00:00Z".parse().unwrap());
    let sandbox = Sandbox::builder()
        .clock(clock.clone())
        .run_durations(Duration::from_secs(1), Duration::from_secs(10))
        .start()
        .await
        .unwrap();
    let api = Api::new(&sandbox.base_url(), sandbox.api_key());
    let (status, added) = api
        .post("/_sandbox/faults", &json!({"workflow": "atlan-snowflake-*", "action": {"kind": "fail_runs", "phase": "Failed", "message": "warehouse suspended"}, "count": 1}))
        .await;
    assert_eq!(status, StatusCode::OK, "{added}");
    let (_, listed) = api.get("/_sandbox/faults").await;
    assert_eq!(listed["faults"].as_array().unwrap().len(), 1);
    let rerun = json!({"namespace": "default", "resourceKind": "WorkflowTemplate", "resourceName": "atlan-snowflake-1714638976"});
    let (_, run) = api.post("/api/service/workflows/submit", &rerun).await;
    let id = run["metadata"]["name"].as_str().unwrap().to_owned();
    clock.advance(Duration::from_secs(20));
    let (_, found) = api
        .post(
            "/api/service/runs/indexsearch",
            &serde_json::to_value(atlan_query::workflows::find_run_by_id(&id).unwrap()).unwrap(),
        )
        .await;
    let status = &found["hits"]["hits"][0]["_source"]["status"];
    assert_eq!(status["phase"], "Failed", "{status}");
    assert_eq!(status["message"], "warehouse suspended");

    let (status, bad) = api
        .post(
            "/_sandbox/faults",
            &json!({"route": "*", "action": {"kind": "status", "status": 42}}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    let (_, added) = api
        .post(
            "/_sandbox/faults",
            &json!({"route": "*", "action": {"kind": "status", "status": 500}}),
        )
        .await;
    assert_eq!(
        api.get("/api/service/whoami").await.0,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    assert_eq!(
        api.get("/_sandbox/faults").await.0,
        StatusCode::OK,
        "controls are never faulted"
    );
    let id = added["id"].as_u64().unwrap();
    assert_eq!(
        api.send(Method::DELETE, &format!("/_sandbox/faults/{id}"), None)
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(api.get("/api/service/whoami").await.0, StatusCode::OK);
    assert_eq!(
        api.send(Method::DELETE, "/_sandbox/faults", None).await.0,
        StatusCode::OK
    );
    assert!(sandbox.faults().list().is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_recording_keeps_each_request_and_the_most_in_flight() {
    let (sandbox, api) = sandbox().await;
    // Off: nothing kept.
    api.get("/api/service/whoami").await;
    assert_eq!(
        api.post_empty("/_sandbox/recording").await.0,
        StatusCode::OK
    );
    slow_schedules(&sandbox);
    let search = fixture("requests/search/find-run-by-id.json");
    let (status, _) = api.post("/api/service/runs/indexsearch", &search).await;
    assert_eq!(status, StatusCode::OK);
    let (a, b, c) = tokio::join!(
        api.get("/api/service/runs/cron"),
        api.get("/api/service/runs/cron"),
        api.get("/api/service/runs/cron"),
    );
    assert!(
        [a.0, b.0, c.0]
            .iter()
            .all(|status| *status == StatusCode::OK)
    );
    assert_eq!(
        api.create_credential("recorded").await.as_u16() / 100,
        2,
        "the credential is made"
    );
    let (_, report) = api.get("/_sandbox/recording").await;
    let requests = report["requests"].as_array().unwrap();
    let targets: Vec<&str> = requests
        .iter()
        .map(|request| request["target"].as_str().unwrap())
        .collect();
    assert_eq!(targets.len(), 5, "{targets:?}");
    assert_eq!(targets[0], "/api/service/runs/indexsearch");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(requests[0]["body"].as_str().unwrap()).unwrap(),
        search,
        "a search's body is kept as sent"
    );
    assert_eq!(report["peak_in_flight"], 3, "{report}");
    assert_eq!(
        requests[4]["withheld"], true,
        "a credential's body is not kept"
    );
    assert!(requests[4]["body"].is_null());
    assert_eq!(
        api.send(Method::DELETE, "/_sandbox/recording", None)
            .await
            .0,
        StatusCode::OK
    );
    let (_, report) = api.get("/_sandbox/recording").await;
    assert_eq!(report["requests"], json!([]));
}
