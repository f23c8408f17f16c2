//! The accept loop: hyper serves each connection; faults are applied around the router (they can
//! close a connection, which a router cannot); shutdown stops accepting and lets requests finish.
//!
//! Hostile or broken clients cannot take the server down ([`ConnectionLimits`]): at most
//! `max_connections` connections are served at once (further ones wait in the kernel's backlog);
//! a connection that has not sent a whole request head within `header_read_timeout` is closed, both
//! for its first request (hyper-util's protocol sniffing has no timeout of its own) and between
//! requests (hyper's header-read timer, which also closes idle keep-alive connections); a request
//! whose body or handling takes longer than `request_timeout` is answered 408; and an accept that
//! fails (out of file descriptors) backs off instead of spinning.

use std::error::Error;
use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use bytes::Bytes;
use http::{HeaderValue, Request, Response, StatusCode};
use http_body::Frame;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use serde_json::json;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tower::ServiceExt;

use crate::faults::{FaultAction, FaultControl, Plan};
use crate::recording::{Recorded, Recording};

/// How long shutdown waits for requests under way.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
/// The first and the longest pause after a failed accept.
const ACCEPT_BACKOFF: (Duration, Duration) = (Duration::from_millis(5), Duration::from_secs(1));

/// What one client may hold of the server.
///
/// ```
/// use std::time::Duration;
/// use atlan_sandbox::ConnectionLimits;
///
/// let limits = ConnectionLimits::default()
///     .max_connections(64)
///     .header_read_timeout(Duration::from_secs(2));
/// assert_eq!(limits.request_timeout, Duration::from_secs(60));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConnectionLimits {
    /// Connections served at once (default 1,024); more wait in the listen backlog.
    pub max_connections: usize,
    /// How long a connection may take to send a request head, first or next (default 10 s); also
    /// how long an idle keep-alive connection is kept.
    pub header_read_timeout: Duration,
    /// How long a request may take, body included, before it is answered 408 (default 60 s).
    pub request_timeout: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            max_connections: 1_024,
            header_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
        }
    }
}

impl ConnectionLimits {
    /// Serves at most `count` connections at once (at least 1).
    #[must_use]
    pub fn max_connections(mut self, count: usize) -> Self {
        self.max_connections = count.max(1);
        self
    }

    /// Closes a connection that takes longer than `timeout` to send a request head.
    #[must_use]
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    /// Answers 408 to a request that takes longer than `timeout`.
    #[must_use]
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }
}

/// Closing the connection on purpose (a fault).
#[derive(Debug)]
struct Dropped;

impl fmt::Display for Dropped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection dropped by a sandbox fault")
    }
}

impl Error for Dropped {}

/// Serves `router` on `listener` within `limits` until `shutdown` turns true (or its sender is
/// dropped), then lets the requests under way finish: the sandbox's accept loop without its
/// faults, for another server that faces the network (atlanctl's exporter).
pub async fn serve_router(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: watch::Receiver<bool>,
) {
    serve(listener, router, None, limits, shutdown).await;
}

/// Serves until `shutdown` turns true, applying `faults` when there are.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    faults: Option<FaultControl>,
    limits: ConnectionLimits,
    mut shutdown: watch::Receiver<bool>,
) {
    let graceful = GracefulShutdown::new();
    let builder = connection_builder(&limits);
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let mut backoff = ACCEPT_BACKOFF.0;
    loop {
        let accepted = tokio::select! {
            biased;
            changed = shutdown.changed() => {
                if changed.is_err() || *shutdown.borrow() {
                    break;
                }
                continue;
            }
            permit = slots.clone().acquire_owned() => {
                let Ok(permit) = permit else { break };
                tokio::select! {
                    biased;
                    changed = shutdown.changed() => {
                        if changed.is_err() || *shutdown.borrow() {
                            break;
                        }
                        continue;
                    }
                    accepted = listener.accept() => accepted.map(|accepted| (accepted, permit)),
                }
            }
        };
        let ((stream, _), permit) = match accepted {
            Ok(accepted) => {
                backoff = ACCEPT_BACKOFF.0;
                accepted
            }
            Err(error) => {
                // Out of file descriptors, most often: retrying at once would spin.
                tracing::warn!(%error, pause_ms = backoff.as_millis(), "accept failed; pausing");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(ACCEPT_BACKOFF.1);
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let connection = Connection {
            router: router.clone(),
            faults: faults.clone(),
            limits,
        };
        connection.spawn(&builder, &graceful, stream, permit);
    }
    drop(listener);
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown()).await;
}

async fn handle(
    request: Request<Incoming>,
    router: Router,
    faults: Option<FaultControl>,
    request_timeout: Duration,
) -> Result<Response<Body>, Dropped> {
    let api = !request.uri().path().starts_with("/_sandbox/");
    let (plan, _in_flight, request) = match faults {
        Some(faults) if api => {
            let in_flight = faults.recording().enter();
            let request = recorded(request, faults.recording()).await;
            let plan = faults.plan(request.method().as_str(), request.uri().path());
            (plan, Some(in_flight), request)
        }
        _ => (Plan::default(), None, request.map(Body::new)),
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
    let response = match tokio::time::timeout(request_timeout, router.oneshot(request)).await {
        Ok(Ok(response)) => response,
        Ok(Err(never)) => match never {},
        Err(_) => {
            axum::response::IntoResponse::into_response(crate::error::ApiError::request_timeout())
        }
    };
    match plan.terminal {
        Some(FaultAction::DropAfter) => Err(Dropped),
        Some(FaultAction::Truncate) => Ok(truncate(response).await),
        _ => Ok(response),
    }
}

/// The request, recorded when a recording is on (its body read whole to be kept, as the router
/// would, up to the largest body it reads); as it came otherwise.
async fn recorded(request: Request<Incoming>, recording: &Recording) -> Request<Body> {
    if !recording.is_on() {
        return request.map(Body::new);
    }
    let (parts, body) = request.into_parts();
    let limited = http_body_util::Limited::new(body, crate::body::MAX_BODY_BYTES);
    // A body too large or cut short goes on empty, and the router refuses it.
    let bytes = limited
        .collect()
        .await
        .map(|collected| collected.to_bytes())
        .unwrap_or_default();
    let target = parts
        .uri
        .path_and_query()
        .map_or("", |target| target.as_str());
    let accept_encoding = parts
        .headers
        .get(http::header::ACCEPT_ENCODING)
        .and_then(|value| value.to_str().ok());
    recording.record(Recorded::new(
        parts.method.as_str(),
        target,
        &bytes,
        accept_encoding,
    ));
    Request::from_parts(parts, Body::from(bytes))
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

/// HTTP/1 and HTTP/2 with the limits' header read timeout (and keep-alive pings at that pace).
fn connection_builder(limits: &ConnectionLimits) -> auto::Builder<TokioExecutor> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(limits.header_read_timeout)
        .keep_alive_timeout(limits.header_read_timeout);
    builder
}

/// What serves one accepted connection.
struct Connection {
    router: Router,
    faults: Option<FaultControl>,
    limits: ConnectionLimits,
}

impl Connection {
    /// Serves `stream` on a task of its own, holding its connection slot (`permit`) until it
    /// closes; a connection that sends nothing within the header read timeout is closed.
    fn spawn(
        self,
        builder: &auto::Builder<TokioExecutor>,
        graceful: &GracefulShutdown,
        stream: TcpStream,
        permit: OwnedSemaphorePermit,
    ) {
        let Connection {
            router,
            faults,
            limits,
        } = self;
        let started = Arc::new(AtomicBool::new(false));
        let seen = started.clone();
        let service = hyper::service::service_fn(move |request| {
            seen.store(true, Ordering::Release);
            handle(
                request,
                router.clone(),
                faults.clone(),
                limits.request_timeout,
            )
        });
        let connection = builder
            .serve_connection(TokioIo::new(stream), service)
            .into_owned();
        let watched = graceful.watch(connection);
        tokio::spawn(async move {
            let _permit = permit;
            let mut watched = std::pin::pin!(watched);
            tokio::select! {
                _ = &mut watched => return,
                () = tokio::time::sleep(limits.header_read_timeout) => {}
            }
            if started.load(Ordering::Acquire) {
                let _ = watched.await;
            }
            // Otherwise nothing came in time: dropping the connection closes it.
        });
    }
}
