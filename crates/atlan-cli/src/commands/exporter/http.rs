//! The exporter's HTTP server: `GET /metrics` hands out the last snapshot (Prometheus text, or
//! OpenMetrics when the scraper's `Accept` asks for it), `GET /healthz` says the process serves.
//! Hostile clients are bounded as they are by the sandbox, whose accept loop serves it
//! ([`ConnectionLimits`]' defaults): at most 1,024 connections at once (more wait in the kernel's
//! backlog); a connection that has not sent a whole request head within 10 s is closed, silent,
//! slow and idle keep-alive ones alike; a request that takes over 60 s is answered 408.

use std::sync::Arc;

use atlan_sandbox::ConnectionLimits;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use prometheus_client::encoding::prometheus_text;
use tokio::net::TcpListener;

use super::metrics::{OPENMETRICS, Published};

/// Serves `published` on `listener` until the task is dropped, within the sandbox's connection
/// limits.
pub(crate) async fn serve(listener: TcpListener, published: Arc<Published>) {
    let router = Router::new()
        .route("/metrics", get(metrics))
        .route("/healthz", get(healthz))
        .with_state(published);
    // Never told to stop: the task is dropped with the process.
    let (_never, shutdown) = tokio::sync::watch::channel(false);
    atlan_sandbox::serve_router(listener, router, ConnectionLimits::default(), shutdown).await;
}

async fn metrics(State(published): State<Arc<Published>>, headers: HeaderMap) -> Response {
    let snapshot = published.get();
    let openmetrics = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|accept| accept.contains("application/openmetrics-text"));
    let (body, content_type) = if openmetrics {
        (snapshot.openmetrics.clone(), OPENMETRICS)
    } else {
        (snapshot.text.clone(), prometheus_text::CONTENT_TYPE)
    };
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        body,
    )
        .into_response()
}

async fn healthz(State(published): State<Arc<Published>>) -> Response {
    let ready = published.get().ready;
    let body = if ready {
        "ok\n"
    } else {
        "ok (no successful poll yet)\n"
    };
    (StatusCode::OK, body).into_response()
}
