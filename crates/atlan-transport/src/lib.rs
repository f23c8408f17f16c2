//! The HTTP transport of the Atlan SDK: one place where the SDK meets the network.
//!
//! A [`Transport`] sends `http::Request<Bytes>` and returns `http::Response<Bytes>` (whatever the
//! status: interpreting it is the caller's job) or a [`TransportError`]. Inside, from the outside in:
//!
//! 1. whole-call timeout ([`TimeoutConfig::operation`]);
//! 2. `X-Atlan-Request-Id: <uuid>` for the logical call, the same on every retry of it (a request
//!    that already has one keeps it), copied onto the response when the server does not echo it;
//! 3. retry ([`retry`]): throttling and transient failures, only when re-sending is safe, under a
//!    shared budget; after a transient failure a full-jitter backoff, after throttling the
//!    server's `Retry-After` or an equal-jitter backoff of at least half the ceiling;
//! 4. per-attempt timeout ([`TimeoutConfig::attempt`]), which covers reading the body
//!    ([`TimeoutConfig::body`] bounds that part alone);
//! 5. `authorization: Bearer <key>`, marked sensitive, only for the configured host;
//! 6. the SDK's headers (`User-Agent: atlan-rs/<version>`, `x-atlan-agent: sdk`,
//!    `x-atlan-agent-id: rust`, `x-atlan-client-origin: product_sdk`, JSON `Accept` and
//!    `content-type`) and any extra ones;
//! 7. the base URL for relative request URIs;
//! 8. gzip decompression (tower-http);
//! 9. a tracing span per attempt (tower-http) with method, path, operation, attempt, request id and
//!    status; never headers or bodies;
//! 10. hyper's pooled client over rustls with the ring provider, HTTP/1.1 and HTTP/2, keep-alive; the
//!     scheme follows the base URL (`http` is allowed for in-cluster and loopback use), with the
//!     connect timeout over TCP and TLS.
//!
//! Redirects are not followed: a 3xx comes back to the caller, so the key never follows a redirect
//! to another host.
//!
//! ```no_run
//! use atlan_transport::{Idempotent, Transport, TransportConfig};
//! use bytes::Bytes;
//!
//! # async fn example() -> Result<(), atlan_transport::TransportError> {
//! let transport = Transport::new(TransportConfig::from_env()?)?;
//! let mut request = http::Request::post("/api/service/runs/indexsearch")
//!     .body(Bytes::from_static(br#"{"query":{"match_all":{}}}"#))
//!     .expect("a valid request");
//! request.extensions_mut().insert(Idempotent); // a read-only POST: safe to re-send
//! let response = transport.send(request).await?;
//! println!("{} {} bytes", response.status(), response.body().len());
//! # Ok(())
//! # }
//! ```

mod client;
mod config;
mod error;
mod layers;
mod markers;
pub mod retry;
mod transport;
mod webhook;

pub use config::{
    API_KEY_ENV, BASE_URL_ENV, DEFAULT_MAX_RESPONSE_BYTES, RetryBudget, RetryConfig, TimeoutConfig,
    TransportConfig, default_user_agent,
};
pub use error::{BoxError, TimeoutKind, TransportError};
pub use markers::{Attempt, Idempotent, OperationName, Throttled, is_idempotent};
pub use transport::{REQUEST_ID_HEADER, Transport};
pub use webhook::{WebhookClient, userinfo};

/// Re-exported so that callers can build requests and read responses with the same versions.
pub use {bytes, http};
