//! Posting a JSON document to a URL that is not the tenant's: a webhook (Slack, a chat bridge, an
//! incident tool). The same hyper client over rustls (ring) as the transport, but none of its
//! layers: no API key (it must never leave for another host), no retries (the caller decides when
//! to try again, so that a notification is not sent twice by a layer it cannot see) and one
//! timeout over the whole exchange.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderValue, Request, StatusCode, Uri, header};
use http_body_util::{BodyExt, Full, Limited};

use crate::client::{self, HyperClient};
use crate::error::{TimeoutKind, TransportError};

/// The most of a webhook's answer that is read (it is only drained, never shown).
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// Posts JSON documents to webhooks. Cheap to clone (clones share the connection pool).
///
/// Its `Debug` shows nothing of the URLs it was given: they carry tokens.
#[derive(Clone)]
pub struct WebhookClient {
    client: HyperClient,
    timeout: Duration,
}

impl fmt::Debug for WebhookClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookClient")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl WebhookClient {
    /// A client whose every post (connecting, sending, reading the answer) ends within `timeout`.
    ///
    /// # Errors
    /// [`TransportError::Construction`] when TLS cannot be set up.
    pub fn new(timeout: Duration) -> Result<Self, TransportError> {
        Ok(Self {
            client: client::build_with(timeout, Duration::from_secs(60), 2)?,
            timeout,
        })
    }

    /// Posts `body` (JSON) to `url` and returns the status of the answer, whatever it is.
    ///
    /// # Errors
    /// [`TransportError::Timeout`] when the timeout expired, [`TransportError::Connect`] or
    /// [`TransportError::Dispatch`] when the exchange failed (their messages name the host and
    /// port, never the URL: its path and userinfo can be secrets).
    pub async fn post_json(&self, url: &Uri, body: Bytes) -> Result<StatusCode, TransportError> {
        let mut request = Request::post(url.clone())
            .body(Full::new(body))
            .map_err(|_| TransportError::construction("the webhook URL is not a valid URI"))?;
        request.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        request.headers_mut().insert(
            header::USER_AGENT,
            HeaderValue::from_static(concat!("atlan-rs/", env!("CARGO_PKG_VERSION"))),
        );
        let exchange = async {
            let response = self
                .client
                .request(request)
                .await
                .map_err(|error| TransportError::from_client(error).talking_to(url))?;
            let status = response.status();
            // Drain a bounded part of the answer so that the connection can be reused.
            let _ = Limited::new(response.into_body(), MAX_ANSWER_BYTES)
                .collect()
                .await;
            Ok(status)
        };
        tokio::time::timeout(self.timeout, exchange)
            .await
            .unwrap_or(Err(TransportError::Timeout {
                which: TimeoutKind::Operation,
                to: crate::error::host_and_port(url),
            }))
    }
}
