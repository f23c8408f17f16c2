//! The stack's tracing: every attempt is a span naming method, path, operation, attempt and status,
//! and neither the API key nor a body nor the query string ever reaches the logs.
//!
//! This is the only test in its binary and installs a *global* subscriber: tracing caches each
//! callsite's interest process-wide, so a test on another thread that hit the span callsite first
//! with no subscriber would silence it here (that is how this test once failed in CI).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;
use std::time::Duration;

use atlan_transport::{Idempotent, Transport, TransportConfig};
use bytes::Bytes;
use common::{Seen, Server, json};
use http::{Method, Request};

/// A writer that keeps everything tracing prints.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn traces_name_the_attempt_but_never_the_key_or_the_body() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let server = Server::start(|seen: Seen| {
        if seen.number == 1 {
            json(503, "{}")
        } else {
            json(200, "{\"secret\":\"response-sentinel\"}")
        }
    })
    .await;
    let mut config = TransportConfig::new(&server.url(), "loopback-key").unwrap();
    config.retry.initial_backoff = Duration::ZERO;
    config.retry.max_backoff = Duration::ZERO;
    let transport = Transport::new(config).unwrap();
    let mut search = Request::builder()
        .method(Method::POST)
        .uri("/api/service/runs/indexsearch?sentinel-query=1")
        .body(Bytes::from_static(b"{\"password\":\"body-sentinel\"}"))
        .unwrap();
    search.extensions_mut().insert(Idempotent);
    search
        .extensions_mut()
        .insert(atlan_transport::OperationName("runs.search"));
    transport.send(search).await.unwrap();

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    for secret in [
        "loopback-key",
        "body-sentinel",
        "response-sentinel",
        "sentinel-query",
    ] {
        assert!(
            !logs.contains(secret),
            "`{secret}` appears in the logs:\n{logs}"
        );
    }
    for expected in [
        "method=POST",
        "path=\"/api/service/runs/indexsearch\"",
        "operation=\"runs.search\"",
        "attempt=1",
        "attempt=2",
        "status=503",
        "status=200",
    ] {
        assert!(
            logs.contains(expected),
            "`{expected}` missing from the logs:\n{logs}"
        );
    }
}
