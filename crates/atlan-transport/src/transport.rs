//! The assembled stack.

use std::fmt;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{HeaderName, HeaderValue, Request, Response};
use http_body_util::Full;
use secrecy::ExposeSecret;
use tower::timeout::TimeoutLayer;
use tower::timeout::error::Elapsed;
use tower::util::BoxCloneSyncService;
use tower::{Service, ServiceBuilder, ServiceExt};
use tower_http::decompression::DecompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::trace::{DefaultOnFailure, TraceLayer};
use tracing::{Level, Span};

use crate::client;
use crate::config::TransportConfig;
use crate::error::{BoxError, TimeoutKind, TransportError};
use crate::layers::{
    BaseUriLayer, BearerAuthLayer, CollectBodyLayer, DefaultHeadersLayer, MapRequestLayer,
};
use crate::markers::{Attempt, OperationName};
use crate::retry::RetryPolicy;

/// The header that carries the id of a logical call.
pub const REQUEST_ID_HEADER: &str = "x-atlan-request-id";

/// The transport: cheap to clone (clones share the connection pool and the retry budget), `Send` and
/// `Sync`.
#[derive(Clone)]
pub struct Transport {
    service: BoxCloneSyncService<Request<Bytes>, Response<Bytes>, TransportError>,
    description: String,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("to", &self.description)
            .finish_non_exhaustive()
    }
}

impl Transport {
    /// Builds the stack for `config` over hyper's client.
    ///
    /// # Errors
    /// [`TransportError::Construction`] for a setting that cannot work.
    pub fn new(config: TransportConfig) -> Result<Self, TransportError> {
        config.validate()?;
        let client = client::build(&config)?;
        Self::over(config, client)
    }

    /// Builds the same stack (timeouts, retries, auth, headers, base URL, decompression, tracing)
    /// over another HTTP service instead of hyper's client: an in-process server, a recording
    /// double, or a mock in layer tests.
    ///
    /// # Errors
    /// [`TransportError::Construction`] for a setting that cannot work.
    pub fn over<S, B>(config: TransportConfig, service: S) -> Result<Self, TransportError>
    where
        S: Service<Request<Full<Bytes>>, Response = Response<B>> + Clone + Send + Sync + 'static,
        S::Error: Into<BoxError> + fmt::Display,
        S::Future: Send + 'static,
        B: http_body::Body + Send + 'static,
        B::Data: Send,
        B::Error: Into<BoxError> + fmt::Display + Send + Sync,
    {
        config.validate()?;
        let trace = TraceLayer::new_for_http()
            .make_span_with(make_span)
            .on_request(())
            .on_response(|response: &Response<_>, latency: std::time::Duration, span: &Span| {
                span.record("status", response.status().as_u16());
                tracing::debug!(parent: span, status = response.status().as_u16(), latency_ms = latency.as_millis() as u64, "response");
            })
            .on_failure(DefaultOnFailure::new().level(Level::WARN));
        let decompression = if config.gzip {
            DecompressionLayer::new()
        } else {
            DecompressionLayer::new().no_gzip()
        };
        let attempt = ServiceBuilder::new()
            .map_err(|error: BoxError| timeout_or(error, TimeoutKind::Attempt))
            .layer(TimeoutLayer::new(config.timeouts.attempt))
            .layer(CollectBodyLayer::new(
                config.timeouts.body,
                config.max_response_bytes,
            ))
            .layer(MapRequestLayer::new(BearerAuthLayer::new(
                config.api_key.expose_secret(),
                &config.base_url,
            )?))
            .layer(MapRequestLayer::new(DefaultHeadersLayer::new(
                default_headers(&config)?,
            )))
            .layer(MapRequestLayer::new(BaseUriLayer::new(&config.base_url)?))
            .layer(SetSensitiveRequestHeadersLayer::new([
                http::header::AUTHORIZATION,
            ]))
            .layer(decompression)
            .layer(trace)
            .service(service);
        // A connection error or a timeout names the tenant's host and port.
        let tenant = config.base_url.clone();
        let call = ServiceBuilder::new()
            .map_err(move |error: TransportError| error.talking_to(&tenant))
            .map_err(|error: BoxError| timeout_or(error, TimeoutKind::Operation))
            .layer(TimeoutLayer::new(config.timeouts.operation))
            .layer(SetRequestIdLayer::new(
                HeaderName::from_static(REQUEST_ID_HEADER),
                MakeRequestUuid,
            ))
            // The response carries the call's id too, so errors can name it.
            .layer(PropagateRequestIdLayer::new(HeaderName::from_static(
                REQUEST_ID_HEADER,
            )))
            .layer(tower::retry::RetryLayer::new(RetryPolicy::new(
                config.retry.clone(),
            )))
            .service(attempt);
        Ok(Self {
            service: BoxCloneSyncService::new(call),
            description: config.base_url.to_string(),
        })
    }

    /// Wraps any service as a transport: for tests, and for callers that bring their own stack.
    pub fn from_service<S>(service: S) -> Self
    where
        S: Service<Request<Bytes>, Response = Response<Bytes>, Error = TransportError>
            + Clone
            + Send
            + Sync
            + 'static,
        S::Future: Send + 'static,
    {
        Self {
            service: BoxCloneSyncService::new(service),
            description: "a custom service".to_owned(),
        }
    }

    /// Sends one request and reads the whole response.
    ///
    /// # Errors
    /// [`TransportError`] when no response was obtained.
    pub async fn send(&self, request: Request<Bytes>) -> Result<Response<Bytes>, TransportError> {
        self.service.clone().oneshot(request).await
    }
}

impl Service<Request<Bytes>> for Transport {
    type Response = Response<Bytes>;
    type Error = TransportError;
    type Future =
        <BoxCloneSyncService<Request<Bytes>, Response<Bytes>, TransportError> as Service<
            Request<Bytes>,
        >>::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.service.poll_ready(cx)
    }

    fn call(&mut self, request: Request<Bytes>) -> Self::Future {
        self.service.call(request)
    }
}

/// An expired tower timeout is the given kind of timeout; anything else keeps its class.
fn timeout_or(error: BoxError, which: TimeoutKind) -> TransportError {
    if error.is::<Elapsed>() {
        TransportError::Timeout { which, to: None }
    } else {
        TransportError::from_box(error)
    }
}

/// The SDK's headers, then the configured extra ones.
fn default_headers(
    config: &TransportConfig,
) -> Result<Vec<(HeaderName, HeaderValue)>, TransportError> {
    let user_agent = HeaderValue::from_str(&config.user_agent)
        .map_err(|_| TransportError::construction("the user agent is not a valid header value"))?;
    let mut headers = vec![
        (http::header::USER_AGENT, user_agent),
        (
            HeaderName::from_static("x-atlan-agent"),
            HeaderValue::from_static("sdk"),
        ),
        (
            HeaderName::from_static("x-atlan-agent-id"),
            HeaderValue::from_static("rust"),
        ),
        (
            HeaderName::from_static("x-atlan-client-origin"),
            HeaderValue::from_static("product_sdk"),
        ),
        (
            http::header::ACCEPT,
            HeaderValue::from_static("application/json"),
        ),
        (
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        ),
    ];
    headers.extend(config.extra_headers.iter().cloned());
    Ok(headers)
}

/// The span of one attempt: method, path (never the query), operation, attempt, request id, status.
fn make_span<B>(request: &Request<B>) -> Span {
    let operation = request
        .extensions()
        .get::<OperationName>()
        .map_or("", |name| name.0);
    let attempt = request
        .extensions()
        .get::<Attempt>()
        .map_or(1, |attempt| attempt.0);
    let request_id = request
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    tracing::debug_span!(
        "atlan.http",
        method = %request.method(),
        path = request.uri().path(),
        operation,
        attempt,
        request_id,
        status = tracing::field::Empty,
    )
}
