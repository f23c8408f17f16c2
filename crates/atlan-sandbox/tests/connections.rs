//! Hostile connections and requests over real sockets: idle and half-sent connections are closed,
//! a flood of them cannot starve a real client, and every 4xx is Atlan-shaped JSON.
//!
//! Time is tokio's paused clock: the timeouts pass without waiting.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::time::Duration;

use atlan_sandbox::{ConnectionLimits, Sandbox, SandboxHandle, Seed};
use common::Api;
use http::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn start(limits: ConnectionLimits) -> SandboxHandle {
    Sandbox::builder()
        .seed(Seed::Empty)
        .connection_limits(limits)
        .start()
        .await
        .unwrap()
}

fn limits() -> ConnectionLimits {
    ConnectionLimits::default()
        .header_read_timeout(Duration::from_secs(5))
        .max_connections(8)
}

/// Everything the server sends until it closes the connection (which it must within a minute of
/// the paused clock: before the fix it never did).
async fn until_closed(stream: &mut TcpStream) -> String {
    let mut received = Vec::new();
    tokio::time::timeout(Duration::from_secs(60), stream.read_to_end(&mut received))
        .await
        .expect("the server closes the connection")
        .ok();
    String::from_utf8_lossy(&received).into_owned()
}

#[tokio::test(start_paused = true)]
async fn silent_half_sent_and_idle_connections_are_closed() {
    let sandbox = start(limits()).await;
    let addr = sandbox.addr();

    let mut silent = TcpStream::connect(addr).await.unwrap();
    assert_eq!(until_closed(&mut silent).await, "", "closed without a word");

    let mut half = TcpStream::connect(addr).await.unwrap();
    half.write_all(b"GET /_sandbox/health HTTP/1.1\r\nhost: sandbox\r\n")
        .await
        .unwrap();
    assert!(!until_closed(&mut half).await.contains("200"));

    let mut idle = TcpStream::connect(addr).await.unwrap();
    idle.write_all(b"GET /_sandbox/health HTTP/1.1\r\nhost: sandbox\r\nauthorization: Bearer atlan-sandbox-key\r\n\r\n")
        .await
        .unwrap();
    let answered = until_closed(&mut idle).await;
    assert!(answered.starts_with("HTTP/1.1 200"), "{answered}");
    sandbox.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn a_flood_of_idle_connections_does_not_starve_a_real_client() {
    let sandbox = start(limits()).await;
    let mut flood = Vec::new();
    for _ in 0..200 {
        flood.push(TcpStream::connect(sandbox.addr()).await.unwrap());
    }
    let api = Api::new(&sandbox.base_url(), sandbox.api_key());
    let (status, body) = api.get("/api/service/whoami").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    drop(flood);
    sandbox.shutdown().await;
}

fn assert_atlan_shaped(status: StatusCode, body: &Value, expected: StatusCode) {
    assert_eq!(status, expected, "{body}");
    assert!(
        body["errorCode"]
            .as_str()
            .is_some_and(|code| code.starts_with(&format!("ATLAN-SANDBOX-{}", expected.as_u16()))),
        "{body}"
    );
    assert!(
        body["errorMessage"].is_string() && body["errorId"].is_string(),
        "{body}"
    );
}

#[tokio::test]
async fn every_client_error_is_atlan_shaped_json() {
    let sandbox = start(ConnectionLimits::default()).await;
    let api = Api::new(&sandbox.base_url(), sandbox.api_key());

    let (status, body) = api.get("/api/service/runs/indexsearch").await;
    assert_atlan_shaped(status, &body, StatusCode::METHOD_NOT_ALLOWED);

    let huge = json!({"query": {"match_all": {}}, "padding": "x".repeat(3 * 1024 * 1024)});
    let (status, body) = api.post("/api/service/runs/indexsearch", &huge).await;
    assert_atlan_shaped(status, &body, StatusCode::PAYLOAD_TOO_LARGE);

    let long = format!("/api/service/credentials?filter={}", "a".repeat(10_000));
    let (status, body) = api.get(&long).await;
    assert_atlan_shaped(status, &body, StatusCode::URI_TOO_LONG);

    for not_an_object in [json!([]), json!([{"query": {"match_all": {}}}]), json!(3)] {
        let (status, body) = api
            .post("/api/service/runs/indexsearch", &not_an_object)
            .await;
        assert_atlan_shaped(status, &body, StatusCode::BAD_REQUEST);
        let (status, body) = api
            .post(
                "/api/service/credentials?testCredential=false",
                &not_an_object,
            )
            .await;
        assert_atlan_shaped(status, &body, StatusCode::BAD_REQUEST);
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn hostile_searches_are_refused_as_elasticsearch_refuses_them() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let api = Api::new(&sandbox.base_url(), sandbox.api_key());
    let regexp =
        |value: String| json!({"query": {"regexp": {"metadata.name.keyword": {"value": value}}}});

    // Each of these aborted the process or stalled it for a minute: refused with the limit
    // named, or answered.
    let mut backtracking = String::from(".");
    for _ in 0..22 {
        backtracking = format!("({backtracking}+)");
    }
    for (pattern, refusal) in [
        (
            format!("{}a{}", "(".repeat(2_100), ")".repeat(2_100)),
            Some("index.max_regex_length"),
        ),
        ("~".repeat(999) + "a", None),
        (backtracking + "x", None),
        ("[ab]*a[ab]{20}".into(), Some("10000 states")),
    ] {
        let (status, body) = api
            .post("/api/service/runs/indexsearch", &regexp(pattern))
            .await;
        match refusal {
            Some(limit) => {
                assert_atlan_shaped(status, &body, StatusCode::BAD_REQUEST);
                assert!(
                    body["errorMessage"].as_str().unwrap().contains(limit),
                    "{body}"
                );
            }
            None => assert_eq!(status, StatusCode::OK, "{body}"),
        }
    }

    let (status, _) = api.get("/_sandbox/health").await;
    assert_eq!(status, StatusCode::OK);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn fault_rules_are_validated() {
    let sandbox = start(ConnectionLimits::default()).await;
    let api = Api::new(&sandbox.base_url(), sandbox.api_key());
    for (rule, says) in [
        (
            json!({"route": "*", "action": {"kind": "status", "status": 503}, "probability": 2}),
            "probability",
        ),
        (
            json!({"route": "*", "action": {"kind": "latency", "ms": 1_000_000_000_000u64}}),
            "latency",
        ),
        // An empty route names no route, or every one: refused, as a missing one is.
        (
            json!({"route": "", "action": {"kind": "status", "status": 503}}),
            "route",
        ),
        (
            json!({"route": "  ", "action": {"kind": "status", "status": 503}}),
            "route",
        ),
    ] {
        let (status, body) = api
            .send(Method::POST, "/_sandbox/faults", Some(&rule))
            .await;
        assert_atlan_shaped(status, &body, StatusCode::BAD_REQUEST);
        assert!(
            body["errorMessage"].as_str().unwrap().contains(says),
            "{body}"
        );
    }
    sandbox.shutdown().await;
}
