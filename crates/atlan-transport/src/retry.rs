//! When to try a request again, and how long to wait first.
//!
//! - Throttling (429, 503) and transient failures (500, 502, 504, connect errors, attempt and body
//!   timeouts, broken connections) are retried; anything else is returned as it is.
//! - A request is re-sent only when that is safe: it is idempotent ([`crate::is_idempotent`]), or it
//!   certainly never reached the server (the connection was never established). A POST whose bytes
//!   may have reached the server is never sent twice.
//! - The two classes wait differently, as the AWS SDKs' standard retry mode does. After a
//!   transient failure the wait is full-jitter exponential (`random(0, min(max, initial × 2^n))`):
//!   it may be short, since the failure was probably passing. After throttling the client must
//!   slow down: it waits what the server's `Retry-After` asks (seconds or an HTTP date, capped by
//!   `max_backoff`), or else an equal-jitter backoff (`ceiling/2 + random(0, ceiling/2)`), never
//!   less than half the ceiling. `Retry-After` on a transient failure (a 500) is not consulted:
//!   HTTP defines it for 503, 429 and redirects.
//! - Retries draw on a budget shared by every call of a client (tower's `TpsBudget`), so that an
//!   outage does not multiply the traffic.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{HeaderMap, Request, Response, StatusCode};
use tower::retry::budget::{Budget, TpsBudget};

use crate::config::RetryConfig;
use crate::error::TransportError;
use crate::markers::{Attempt, Throttled, is_idempotent};

/// What kind of failure a response or error is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FailureClass {
    /// The server asks to slow down (429, 503).
    Throttling,
    /// Probably passing (500, 502, 504, network failures, attempt timeouts).
    Transient,
    /// Not worth trying again.
    Permanent,
}

/// The class of a response status.
pub fn classify_status(status: StatusCode) -> FailureClass {
    match status.as_u16() {
        429 | 503 => FailureClass::Throttling,
        500 | 502 | 504 => FailureClass::Transient,
        _ => FailureClass::Permanent,
    }
}

/// The class of a transport error.
pub fn classify_error(error: &TransportError) -> FailureClass {
    if error.is_retryable() {
        FailureClass::Transient
    } else {
        FailureClass::Permanent
    }
}

/// Whether a failed attempt may be sent again: the failure is worth retrying, and re-sending is safe.
pub fn may_resend<B>(
    request: &Request<B>,
    outcome: &Result<Response<Bytes>, TransportError>,
) -> bool {
    match outcome {
        Ok(response) => {
            classify_status(response.status()) != FailureClass::Permanent && is_idempotent(request)
        }
        Err(error) => {
            classify_error(error) != FailureClass::Permanent
                && (error.is_unsent() || is_idempotent(request))
        }
    }
}

/// The wait a `Retry-After` header asks for: delta-seconds or an HTTP date (relative to `now`).
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The full-jitter backoff before attempt `retry` (1 for the first retry) after a transient
/// failure: a uniform random wait between zero and `min(max, initial × 2^(retry-1))`.
pub fn backoff(config: &RetryConfig, retry: u32, random: f64) -> Duration {
    ceiling(config, retry).mul_f64(random.clamp(0.0, 1.0))
}

/// The equal-jitter backoff before attempt `retry` after throttling without a `Retry-After`: half
/// the ceiling, plus a uniform random wait up to the other half.
pub fn throttling_backoff(config: &RetryConfig, retry: u32, random: f64) -> Duration {
    let half = ceiling(config, retry) / 2;
    half + half.mul_f64(random.clamp(0.0, 1.0))
}

/// `min(max, initial × 2^(retry-1))`.
fn ceiling(config: &RetryConfig, retry: u32) -> Duration {
    let exponent = retry.saturating_sub(1).min(31);
    config
        .initial_backoff
        .saturating_mul(1 << exponent)
        .min(config.max_backoff)
}

/// How long to wait before re-sending after `outcome`, by its class.
fn wait_after(
    config: &RetryConfig,
    retry: u32,
    outcome: &Result<Response<Bytes>, TransportError>,
    random: f64,
) -> Duration {
    let Ok(response) = outcome else {
        return backoff(config, retry, random);
    };
    match classify_status(response.status()) {
        FailureClass::Throttling => retry_after(response.headers(), SystemTime::now()).map_or_else(
            || throttling_backoff(config, retry, random),
            |asked| asked.min(config.max_backoff),
        ),
        _ => backoff(config, retry, random),
    }
}

/// The retry policy of one call; clones share the budget.
#[derive(Clone)]
pub(crate) struct RetryPolicy {
    config: Arc<RetryConfig>,
    budget: Arc<TpsBudget>,
    /// Attempts made so far by this call.
    attempts: u32,
    /// Whether this call has deposited into the budget yet.
    deposited: bool,
    /// How many of this call's attempts were answered 429 or 503.
    throttled: u32,
}

impl RetryPolicy {
    pub(crate) fn new(config: RetryConfig) -> Self {
        let budget = TpsBudget::new(
            config.budget.ttl,
            config.budget.min_per_sec,
            config.budget.retry_percent,
        );
        Self {
            config: Arc::new(config),
            budget: Arc::new(budget),
            attempts: 1,
            deposited: false,
            throttled: 0,
        }
    }
}

impl std::fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RetryPolicy")
            .field("config", &self.config)
            .field("attempts", &self.attempts)
            .finish()
    }
}

impl tower::retry::Policy<Request<Bytes>, Response<Bytes>, TransportError> for RetryPolicy {
    type Future = Pin<Box<dyn Future<Output = ()> + Send>>;

    fn retry(
        &mut self,
        request: &mut Request<Bytes>,
        outcome: &mut Result<Response<Bytes>, TransportError>,
    ) -> Option<Self::Future> {
        if !self.deposited {
            self.budget.deposit();
            self.deposited = true;
        }
        if let Ok(response) = outcome {
            if classify_status(response.status()) == FailureClass::Throttling {
                self.throttled += 1;
            } else if self.throttled > 0 {
                response.extensions_mut().insert(Throttled(self.throttled));
            }
        }
        if self.attempts >= self.config.max_attempts || !may_resend(request, outcome) {
            return None;
        }
        if !self.budget.withdraw() {
            tracing::debug!(
                attempts = self.attempts,
                "retry budget exhausted: not retrying"
            );
            return None;
        }
        let wait = wait_after(&self.config, self.attempts, outcome, fastrand::f64());
        self.attempts += 1;
        request.extensions_mut().insert(Attempt(self.attempts));
        tracing::debug!(
            attempt = self.attempts,
            wait_ms = wait.as_millis() as u64,
            "retrying"
        );
        Some(Box::pin(tokio::time::sleep(wait)))
    }

    fn clone_request(&mut self, request: &Request<Bytes>) -> Option<Request<Bytes>> {
        if self.config.max_attempts <= 1 {
            return None;
        }
        let mut clone = Request::new(request.body().clone());
        *clone.method_mut() = request.method().clone();
        *clone.uri_mut() = request.uri().clone();
        *clone.version_mut() = request.version();
        *clone.headers_mut() = request.headers().clone();
        *clone.extensions_mut() = request.extensions().clone();
        Some(clone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_classified() {
        use FailureClass::{Permanent, Throttling, Transient};
        for (status, class) in [
            (200, Permanent),
            (301, Permanent),
            (400, Permanent),
            (401, Permanent),
            (403, Permanent),
            (404, Permanent),
            (409, Permanent),
            (423, Permanent),
            (429, Throttling),
            (500, Transient),
            (501, Permanent),
            (502, Transient),
            (503, Throttling),
            (504, Transient),
        ] {
            assert_eq!(
                classify_status(StatusCode::from_u16(status).unwrap()),
                class,
                "{status}"
            );
        }
    }

    fn request(method: http::Method, marked: bool) -> Request<Bytes> {
        let mut request = Request::builder()
            .method(method)
            .uri("/x")
            .body(Bytes::new())
            .unwrap();
        if marked {
            request.extensions_mut().insert(crate::Idempotent);
        }
        request
    }

    fn error(kind: &str) -> TransportError {
        let source: crate::error::BoxError = "boom".into();
        match kind {
            "connect" => TransportError::Connect { to: None, source },
            "unsent" => TransportError::Dispatch {
                maybe_sent: false,
                source,
            },
            "sent" => TransportError::Dispatch {
                maybe_sent: true,
                source,
            },
            "body" => TransportError::Body { source },
            "attempt" => TransportError::Timeout {
                which: crate::TimeoutKind::Attempt,
                to: None,
            },
            "connect-timeout" => TransportError::Timeout {
                which: crate::TimeoutKind::Connect,
                to: None,
            },
            "operation" => TransportError::Timeout {
                which: crate::TimeoutKind::Operation,
                to: None,
            },
            _ => TransportError::construction("x"),
        }
    }

    #[test]
    fn only_safe_requests_are_resent() {
        use http::Method;
        let response = |status: u16| {
            Ok(Response::builder()
                .status(status)
                .body(Bytes::new())
                .unwrap())
        };
        // (method, marked idempotent, outcome, may resend)
        type Row = (Method, bool, Result<Response<Bytes>, TransportError>, bool);
        let table: Vec<Row> = vec![
            (Method::GET, false, response(503), true),
            (Method::GET, false, response(500), true),
            (Method::GET, false, response(404), false),
            (Method::PUT, false, response(429), true),
            (Method::DELETE, false, response(502), true),
            (Method::POST, false, response(503), false),
            (Method::POST, true, response(503), true),
            (Method::POST, false, Err(error("connect")), true),
            (Method::POST, false, Err(error("connect-timeout")), true),
            (Method::POST, false, Err(error("unsent")), true),
            (Method::POST, false, Err(error("sent")), false),
            (Method::POST, false, Err(error("attempt")), false),
            (Method::POST, false, Err(error("body")), false),
            (Method::POST, true, Err(error("sent")), true),
            (Method::GET, false, Err(error("attempt")), true),
            (Method::GET, false, Err(error("operation")), false),
            (Method::GET, false, Err(error("construction")), false),
            (Method::PATCH, false, response(503), false),
        ];
        for (method, marked, outcome, expected) in table {
            let request = request(method.clone(), marked);
            assert_eq!(
                may_resend(&request, &outcome),
                expected,
                "{method} marked={marked} {outcome:?}"
            );
        }
    }

    #[test]
    fn backoff_is_full_jitter_within_the_doubling_ceiling() {
        let config = RetryConfig {
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(1),
            ..RetryConfig::default()
        };
        assert_eq!(backoff(&config, 1, 1.0), Duration::from_millis(100));
        assert_eq!(backoff(&config, 2, 1.0), Duration::from_millis(200));
        assert_eq!(backoff(&config, 4, 1.0), Duration::from_millis(800));
        assert_eq!(backoff(&config, 5, 1.0), Duration::from_secs(1));
        assert_eq!(backoff(&config, 60, 1.0), Duration::from_secs(1));
        assert_eq!(backoff(&config, 3, 0.0), Duration::ZERO);
        assert_eq!(backoff(&config, 3, 0.5), Duration::from_millis(200));
    }

    #[test]
    fn throttling_waits_at_least_half_the_ceiling_and_honours_retry_after() {
        let config = RetryConfig {
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(1),
            ..RetryConfig::default()
        };
        assert_eq!(
            throttling_backoff(&config, 1, 0.0),
            Duration::from_millis(50)
        );
        assert_eq!(
            throttling_backoff(&config, 1, 1.0),
            Duration::from_millis(100)
        );
        assert_eq!(
            throttling_backoff(&config, 3, 0.0),
            Duration::from_millis(200)
        );
        assert_eq!(
            throttling_backoff(&config, 60, 0.5),
            Duration::from_millis(750)
        );

        let answer = |status: u16, retry_after: Option<&str>| {
            let mut response = Response::builder().status(status);
            if let Some(value) = retry_after {
                response = response.header(http::header::RETRY_AFTER, value);
            }
            Ok(response.body(Bytes::new()).unwrap())
        };
        // Throttled: the server's wait, capped; without one, never less than half the ceiling.
        assert_eq!(
            wait_after(&config, 1, &answer(429, Some("3")), 0.0),
            Duration::from_secs(1)
        );
        assert_eq!(
            wait_after(&config, 1, &answer(503, Some("0")), 0.9),
            Duration::ZERO
        );
        assert_eq!(
            wait_after(&config, 1, &answer(503, None), 0.0),
            Duration::from_millis(50)
        );
        // Transient: full jitter, and a Retry-After is not consulted.
        assert_eq!(
            wait_after(&config, 1, &answer(500, Some("3")), 0.0),
            Duration::ZERO
        );
        assert_eq!(
            wait_after(&config, 2, &Err(error("connect")), 1.0),
            Duration::from_millis(200)
        );
    }

    #[test]
    fn retry_after_in_both_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers, now), None);
        headers.insert(http::header::RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        headers.insert(http::header::RETRY_AFTER, later.parse().unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(30)));
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(30));
        headers.insert(http::header::RETRY_AFTER, earlier.parse().unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::ZERO));
        headers.insert(http::header::RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&headers, now), None);
    }
}
