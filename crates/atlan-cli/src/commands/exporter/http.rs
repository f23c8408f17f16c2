//! The exporter's HTTP server: `GET /metrics` hands out the last snapshot (Prometheus text, or
//! OpenMetrics when the scraper's `Accept` asks for it), `GET /healthz` says the process serves.
//! Hostile clients are bounded: at most [`MAX_CONNECTIONS`] connections at once (more wait in the
//! kernel's backlog), and a connection that sends no request head for [`HEADER_TIMEOUT`] is
//! closed, idle keep-alive ones included.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use prometheus_client::encoding::prometheus_text;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use super::metrics::{OPENMETRICS, Published};

/// The most connections served at once.
pub(crate) const MAX_CONNECTIONS: usize = 256;
/// How long a connection may take to send a request head.
pub(crate) const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// The pause after a failed accept (out of file descriptors), so that the loop does not spin.
const ACCEPT_PAUSE: Duration = Duration::from_millis(50);

/// Serves `published` on `listener` until the task is dropped.
pub(crate) async fn serve(listener: TcpListener, published: Arc<Published>) {
    let router = Router::new()
        .route("/metrics", get(metrics))
        .route("/healthz", get(healthz))
        .with_state(published);
    let permits = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let Ok(permit) = Arc::clone(&permits).acquire_owned().await else {
            return;
        };
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                tokio::time::sleep(ACCEPT_PAUSE).await;
                continue;
            }
        };
        let service = TowerToHyperService::new(router.clone());
        tokio::spawn(async move {
            let _permit = permit;
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT);
            let _ = http.serve_connection(TokioIo::new(stream), service).await;
        });
    }
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
