//! Posting a JSON document to a URL that is not the tenant's: a webhook (Slack, a chat bridge, an
//! incident tool). The same hyper client over rustls (ring) as the transport, but none of its
//! layers: no API key (it must never leave for another host), no retries (the caller decides when
//! to try again, so that a notification is not sent twice by a layer it cannot see) and one
//! timeout over the whole exchange.
//!
//! A URL's userinfo (`https://user:password@host/…`) is sent as Basic authentication, in a
//! header marked sensitive, and never as part of the address the connection pool and its logs
//! see: those show the host and port only.

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
        let (bare, authorization) = split_userinfo(url)?;
        let url = &bare;
        let mut request = Request::post(bare.clone())
            .body(Full::new(body))
            .map_err(|_| TransportError::construction("the webhook URL is not a valid URI"))?;
        if let Some(authorization) = authorization {
            request
                .headers_mut()
                .insert(header::AUTHORIZATION, authorization);
        }
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

/// The userinfo of `url` (`user:password`, as written) and the host and port after it, if it has
/// any: what [`WebhookClient`] sends as Basic authentication, and what a caller that prints or
/// logs must keep secret.
pub fn userinfo(url: &Uri) -> Option<(&str, &str)> {
    url.authority()?.as_str().rsplit_once('@')
}

/// `url` without its userinfo, and the userinfo as a sensitive `Authorization: Basic` value (its
/// user and password percent-decoded, as RFC 3986 writes them).
///
/// # Errors
/// [`TransportError::Construction`] when the address left is not a URI (never quoting it).
fn split_userinfo(url: &Uri) -> Result<(Uri, Option<HeaderValue>), TransportError> {
    let Some((userinfo, host)) = userinfo(url) else {
        return Ok((url.clone(), None));
    };
    let invalid = || TransportError::construction("the webhook URL is not a valid URI");
    let mut parts = url.clone().into_parts();
    parts.authority = Some(host.parse().map_err(|_| invalid())?);
    let bare = Uri::from_parts(parts).map_err(|_| invalid())?;
    let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
    let decode = |text: &str| percent_encoding::percent_decode_str(text).collect::<Vec<u8>>();
    let mut pair = decode(user);
    pair.push(b':');
    pair.extend(decode(password));
    let encoded = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &pair);
    let mut value = HeaderValue::try_from(format!("Basic {encoded}")).map_err(|_| invalid())?;
    value.set_sensitive(true);
    Ok((bare, Some(value)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn userinfo_becomes_basic_authentication_and_leaves_the_address() {
        let url: Uri = "https://bot:p%40ss:word@hooks.example.com:8443/T0/B0?x=1"
            .parse()
            .unwrap();
        let (bare, authorization) = split_userinfo(&url).unwrap();
        assert_eq!(bare.to_string(), "https://hooks.example.com:8443/T0/B0?x=1");
        let authorization = authorization.unwrap();
        assert!(authorization.is_sensitive());
        // base64("bot:p@ss:word")
        assert_eq!(authorization, "Basic Ym90OnBAc3M6d29yZA==");
        let plain: Uri = "http://hooks.example.com/T0".parse().unwrap();
        assert_eq!(split_userinfo(&plain).unwrap(), (plain, None));
    }
}
