//! The accept loop: hyper serves each connection; faults are applied around the router (they can
//! close a connection, which a router cannot); shutdown stops accepting and lets requests finish.

use std::error::Error;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use bytes::Bytes;
use http::{HeaderValue, Request, Response, StatusCode};
use http_body::Frame;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower::ServiceExt;

use crate::faults::{FaultAction, FaultControl, Plan};

/// How long shutdown waits for requests under way.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Closing the connection on purpose (a fault).
#[derive(Debug)]
struct Dropped;

impl fmt::Display for Dropped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection dropped by a sandbox fault")
    }
}

impl Error for Dropped {}

/// Serves until `shutdown` turns true.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    faults: FaultControl,
    mut shutdown: watch::Receiver<bool>,
) {
    let graceful = GracefulShutdown::new();
    let builder = auto::Builder::new(TokioExecutor::new());
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                let router = router.clone();
                let faults = faults.clone();
                let service = hyper::service::service_fn(move |request| handle(request, router.clone(), faults.clone()));
                let connection = builder.serve_connection(TokioIo::new(stream), service).into_owned();
                let watched = graceful.watch(connection);
                tokio::spawn(async move {
                    let _ = watched.await;
                });
            }
            changed = shutdown.changed() => {
                if changed.is_err() || *shutdown.borrow() {
                    break;
                }
            }
        }
    }
    drop(listener);
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown()).await;
}

async fn handle(
    request: Request<Incoming>,
    router: Router,
    faults: FaultControl,
) -> Result<Response<Body>, Dropped> {
    let plan = if request.uri().path().starts_with("/_sandbox/") {
        Plan::default()
    } else {
        faults.plan(request.method().as_str(), request.uri().path())
    };
    if !plan.latency.is_zero() {
        tokio::time::sleep(plan.latency).await;
    }
    match &plan.terminal {
        Some(FaultAction::DropBefore) => return Err(Dropped),
        Some(FaultAction::Status {
            status,
            retry_after,
        }) => return Ok(fault_response(*status, retry_after.as_deref())),
        _ => {}
    }
    let response = match router.oneshot(request.map(Body::new)).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    match plan.terminal {
        Some(FaultAction::DropAfter) => Err(Dropped),
        Some(FaultAction::Truncate) => Ok(truncate(response).await),
        _ => Ok(response),
    }
}

/// An Atlan-shaped error answer for a status fault.
fn fault_response(status: u16, retry_after: Option<&str>) -> Response<Body> {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let body = json!({
        "errorCode": format!("ATLAN-SANDBOX-{}-900", status.as_u16()),
        "errorMessage": format!("injected fault: {}", status.canonical_reason().unwrap_or("error")),
        "errorId": crate::ids::uuid(),
    });
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Some(value) = retry_after.and_then(|value| HeaderValue::from_str(value).ok()) {
        response
            .headers_mut()
            .insert(http::header::RETRY_AFTER, value);
    }
    response
}

/// The same response with only half of its body, announced at full length: the client sees the
/// connection end mid-body.
async fn truncate(response: Response<Body>) -> Response<Body> {
    let (mut parts, body) = response.into_parts();
    let bytes = body
        .collect()
        .await
        .map(|collected| collected.to_bytes())
        .unwrap_or_default();
    parts.headers.insert(
        http::header::CONTENT_LENGTH,
        HeaderValue::from(bytes.len().max(1)),
    );
    let half = bytes.slice(..bytes.len() / 2);
    Response::from_parts(parts, Body::new(Truncated { first: Some(half) }))
}

/// A body that yields its first part, then fails.
struct Truncated {
    first: Option<Bytes>,
}

impl http_body::Body for Truncated {
    type Data = Bytes;
    type Error = Box<dyn Error + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        match self.first.take() {
            Some(first) => Poll::Ready(Some(Ok(Frame::data(first)))),
            None => Poll::Ready(Some(Err(Box::new(Dropped)))),
        }
    }
}
