//! What the transport is configured with, and its defaults.

use std::fmt;
use std::time::Duration;

use http::{HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

use crate::error::TransportError;

/// The environment variable holding the tenant's base URL.
pub const BASE_URL_ENV: &str = "ATLAN_BASE_URL";
/// The environment variable holding the API key.
pub const API_KEY_ENV: &str = "ATLAN_API_KEY";

/// Everything the transport needs.
///
/// ```
/// use std::time::Duration;
/// use atlan_transport::TransportConfig;
///
/// let mut config = TransportConfig::new("https://tenant.atlan.com", "an-api-key")?;
/// config.timeouts.operation = Duration::from_secs(60);
/// config.retry.max_attempts = 5;
/// assert!(!format!("{config:?}").contains("an-api-key"));
/// # Ok::<(), atlan_transport::TransportError>(())
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct TransportConfig {
    /// Where requests go: scheme, host, optional port and path prefix, such as
    /// `https://tenant.atlan.com`. `http` is allowed (for in-cluster and loopback use).
    pub base_url: http::Uri,
    /// The API key, sent as `authorization: Bearer <key>` to the base URL's host only.
    pub api_key: SecretString,
    /// Timeouts.
    pub timeouts: TimeoutConfig,
    /// Retries.
    pub retry: RetryConfig,
    /// `User-Agent` (default `atlan-rs/<version>`).
    pub user_agent: String,
    /// Headers added to every request (after the SDK's own; a header already on the request wins).
    pub extra_headers: Vec<(HeaderName, HeaderValue)>,
    /// Whether to ask for gzip responses and decompress them (default on).
    pub gzip: bool,
    /// How long an idle pooled connection is kept (default 90 s).
    pub pool_idle_timeout: Duration,
    /// How many idle connections are kept per host (default 16).
    pub pool_max_idle_per_host: usize,
    /// The largest response body read, after decompression (default 256 MiB: a search page of
    /// 10,000 large workflow documents fits). A larger one fails with
    /// [`TransportError::BodyTooLarge`] instead of growing memory without bound.
    pub max_response_bytes: usize,
}

/// The default of [`TransportConfig::max_response_bytes`]: 256 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 256 * 1024 * 1024;

impl fmt::Debug for TransportConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportConfig")
            .field("base_url", &self.base_url.to_string())
            .field("api_key", &"[REDACTED]")
            .field("timeouts", &self.timeouts)
            .field("retry", &self.retry)
            .field("user_agent", &self.user_agent)
            .field(
                "extra_headers",
                &self
                    .extra_headers
                    .iter()
                    .map(|(name, _)| name)
                    .collect::<Vec<_>>(),
            )
            .field("gzip", &self.gzip)
            .field("pool_idle_timeout", &self.pool_idle_timeout)
            .field("pool_max_idle_per_host", &self.pool_max_idle_per_host)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish()
    }
}

impl TransportConfig {
    /// A configuration with the defaults for `base_url` and `api_key`.
    ///
    /// # Errors
    /// [`TransportError::Construction`] when the URL is not `http(s)://host[:port][/prefix]` or the key
    /// is empty or not a valid header value.
    pub fn new(base_url: &str, api_key: impl Into<String>) -> Result<Self, TransportError> {
        let base_url = parse_base_url(base_url)?;
        let api_key = SecretString::from(api_key.into());
        check_api_key(&api_key)?;
        Ok(Self::with_defaults(base_url, api_key))
    }

    fn with_defaults(base_url: http::Uri, api_key: SecretString) -> Self {
        Self {
            base_url,
            api_key,
            timeouts: TimeoutConfig::default(),
            retry: RetryConfig::default(),
            user_agent: default_user_agent(),
            extra_headers: Vec::new(),
            gzip: true,
            pool_idle_timeout: Duration::from_secs(90),
            pool_max_idle_per_host: 16,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }

    /// A configuration from `ATLAN_BASE_URL` and `ATLAN_API_KEY`.
    ///
    /// # Errors
    /// [`TransportError::Environment`] naming the variable that is missing or invalid.
    pub fn from_env() -> Result<Self, TransportError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`TransportConfig::from_env`] over any source of variables. Each variable is checked on its
    /// own, so an error names the one that failed.
    fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, TransportError> {
        let read = |variable: &'static str| {
            lookup(variable)
                .map(|value| value.trim().to_owned())
                .filter(|value| !value.is_empty())
                .ok_or_else(|| TransportError::Environment {
                    variable,
                    reason: "is not set".into(),
                })
        };
        let in_variable = |variable: &'static str| {
            move |error: TransportError| match error {
                TransportError::Construction { message } => TransportError::Environment {
                    variable,
                    reason: message,
                },
                other => other,
            }
        };
        let base_url = parse_base_url(&read(BASE_URL_ENV)?).map_err(in_variable(BASE_URL_ENV))?;
        let api_key = SecretString::from(read(API_KEY_ENV)?);
        check_api_key(&api_key).map_err(in_variable(API_KEY_ENV))?;
        Ok(Self::with_defaults(base_url, api_key))
    }

    /// Reads response bodies of at most `bytes` (after decompression).
    #[must_use]
    pub fn with_max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// With these timeouts.
    #[must_use]
    pub fn with_timeouts(mut self, timeouts: TimeoutConfig) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// With these retries.
    #[must_use]
    pub fn with_retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// With this `User-Agent`.
    #[must_use]
    pub fn with_user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// With one more header on every request.
    #[must_use]
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.extra_headers.push((name, value));
        self
    }

    /// Asking for gzip responses, or not.
    #[must_use]
    pub fn with_gzip(mut self, gzip: bool) -> Self {
        self.gzip = gzip;
        self
    }

    /// Keeping idle pooled connections this long.
    #[must_use]
    pub fn with_pool_idle_timeout(mut self, timeout: Duration) -> Self {
        self.pool_idle_timeout = timeout;
        self
    }

    /// Keeping at most this many idle connections per host.
    #[must_use]
    pub fn with_pool_max_idle_per_host(mut self, connections: usize) -> Self {
        self.pool_max_idle_per_host = connections;
        self
    }

    /// The host (and port) requests are sent to, the only one that gets the API key.
    pub fn authority(&self) -> Option<&http::uri::Authority> {
        self.base_url.authority()
    }

    /// Checks the values that can be set after construction.
    pub(crate) fn validate(&self) -> Result<(), TransportError> {
        check_api_key(&self.api_key)?;
        self.retry.validate()?;
        self.timeouts.validate()?;
        if self.max_response_bytes == 0 {
            return Err(TransportError::construction(
                "max_response_bytes must be at least 1",
            ));
        }
        HeaderValue::from_str(&self.user_agent).map_err(|_| {
            TransportError::construction("the user agent is not a valid header value")
        })?;
        Ok(())
    }
}

fn check_api_key(key: &SecretString) -> Result<(), TransportError> {
    let key = key.expose_secret();
    if key.trim().is_empty() {
        return Err(TransportError::construction("the API key is empty"));
    }
    HeaderValue::from_str(&format!("Bearer {key}"))
        .map(drop)
        .map_err(|_| {
            TransportError::construction("the API key contains characters a header cannot carry")
        })
}

/// Parses and checks a base URL: `http` or `https`, a host, no query or fragment.
fn parse_base_url(text: &str) -> Result<http::Uri, TransportError> {
    let uri: http::Uri = text.parse().map_err(|error| {
        TransportError::construction(format!("the base URL `{text}` is not a URL: {error}"))
    })?;
    match uri.scheme_str() {
        Some("http" | "https") => {}
        _ => {
            return Err(TransportError::construction(format!(
                "the base URL `{text}` must start with http:// or https://"
            )));
        }
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err(TransportError::construction(format!(
            "the base URL `{text}` has no host"
        )));
    }
    if uri.query().is_some() {
        return Err(TransportError::construction(format!(
            "the base URL `{text}` must not have a query"
        )));
    }
    Ok(uri)
}

/// `atlan-rs/<version of this crate>`.
pub fn default_user_agent() -> String {
    format!("atlan-rs/{}", env!("CARGO_PKG_VERSION"))
}

/// Timeouts. Each is a bound on a different wait; all of them apply.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TimeoutConfig {
    /// Establishing a connection (TCP and TLS). Default 10 s.
    pub connect: Duration,
    /// One attempt: sending the request and reading the whole response. Default 60 s.
    pub attempt: Duration,
    /// The whole call, all attempts and backoff included. Default 180 s.
    pub operation: Duration,
    /// Reading the response body once the headers have arrived. Default 60 s.
    pub body: Duration,
}

impl Default for TimeoutConfig {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            attempt: Duration::from_secs(60),
            operation: Duration::from_secs(180),
            body: Duration::from_secs(60),
        }
    }
}

impl TimeoutConfig {
    /// With this connect timeout.
    #[must_use]
    pub fn with_connect(mut self, timeout: Duration) -> Self {
        self.connect = timeout;
        self
    }

    /// With this timeout on one attempt.
    #[must_use]
    pub fn with_attempt(mut self, timeout: Duration) -> Self {
        self.attempt = timeout;
        self
    }

    /// With this timeout on the whole call.
    #[must_use]
    pub fn with_operation(mut self, timeout: Duration) -> Self {
        self.operation = timeout;
        self
    }

    /// With this timeout on reading a body.
    #[must_use]
    pub fn with_body(mut self, timeout: Duration) -> Self {
        self.body = timeout;
        self
    }

    fn validate(&self) -> Result<(), TransportError> {
        for (name, value) in [
            ("connect", self.connect),
            ("attempt", self.attempt),
            ("operation", self.operation),
            ("body", self.body),
        ] {
            if value.is_zero() {
                return Err(TransportError::construction(format!(
                    "the {name} timeout must be above zero"
                )));
            }
        }
        Ok(())
    }
}

/// Retries: which requests, how many times, how long to wait, and how many retries the client may
/// spend overall.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RetryConfig {
    /// Attempts per call, the first included (1 turns retries off). Default 3.
    pub max_attempts: u32,
    /// The first backoff's upper bound; it doubles each attempt (full jitter). Default 200 ms.
    pub initial_backoff: Duration,
    /// The largest backoff, and the cap on a server's `Retry-After`. Default 20 s.
    pub max_backoff: Duration,
    /// The retry budget shared by all calls of a client.
    pub budget: RetryBudget,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(20),
            budget: RetryBudget::default(),
        }
    }
}

impl RetryConfig {
    /// No retries.
    pub fn disabled() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// With this many attempts per call, the first included.
    #[must_use]
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// With this ceiling on the first backoff.
    #[must_use]
    pub fn with_initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// With this largest backoff (and cap on `Retry-After`).
    #[must_use]
    pub fn with_max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// With this retry budget.
    #[must_use]
    pub fn with_budget(mut self, budget: RetryBudget) -> Self {
        self.budget = budget;
        self
    }

    fn validate(&self) -> Result<(), TransportError> {
        if self.max_attempts == 0 {
            return Err(TransportError::construction(
                "max_attempts must be at least 1",
            ));
        }
        if self.initial_backoff > self.max_backoff {
            return Err(TransportError::construction(
                "initial_backoff must not exceed max_backoff",
            ));
        }
        self.budget.validate()
    }
}

/// A retry budget (tower's `TpsBudget`): retries may be at most `retry_percent` of the calls of the
/// last `ttl`, plus `min_per_sec` retries per second, so that an outage does not multiply traffic.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RetryBudget {
    /// The window calls are counted over (1 to 60 s). Default 10 s.
    pub ttl: Duration,
    /// Retries allowed per second whatever the traffic. Default 10.
    pub min_per_sec: u32,
    /// Retries allowed per call (0.2 = one retry per five calls). Default 0.2.
    pub retry_percent: f32,
}

impl Default for RetryBudget {
    fn default() -> Self {
        Self {
            ttl: Duration::from_secs(10),
            min_per_sec: 10,
            retry_percent: 0.2,
        }
    }
}

impl RetryBudget {
    /// Counting calls over this window (1 to 60 s).
    #[must_use]
    pub fn with_ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// Allowing this many retries per second whatever the traffic.
    #[must_use]
    pub fn with_min_per_sec(mut self, retries: u32) -> Self {
        self.min_per_sec = retries;
        self
    }

    /// Allowing this many retries per call (0.2 = one per five calls).
    #[must_use]
    pub fn with_retry_percent(mut self, percent: f32) -> Self {
        self.retry_percent = percent;
        self
    }

    fn validate(&self) -> Result<(), TransportError> {
        if !(Duration::from_secs(1)..=Duration::from_secs(60)).contains(&self.ttl) {
            return Err(TransportError::construction(
                "the retry budget's ttl must be between 1 and 60 seconds",
            ));
        }
        if !(0.0..=1000.0).contains(&self.retry_percent) {
            return Err(TransportError::construction(
                "the retry budget's retry_percent must be between 0 and 1000",
            ));
        }
        if self.min_per_sec >= i32::MAX as u32 {
            return Err(TransportError::construction(
                "the retry budget's min_per_sec is too large",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_checked() {
        assert!(TransportConfig::new("https://tenant.atlan.com", "k").is_ok());
        assert!(TransportConfig::new("http://127.0.0.1:8080/prefix", "k").is_ok());
        for bad in [
            "tenant.atlan.com",
            "ftp://x",
            "https://",
            "https://x/?a=1",
            "not a url",
        ] {
            let error = TransportConfig::new(bad, "k").unwrap_err();
            assert!(
                matches!(error, TransportError::Construction { .. }),
                "{bad}: {error}"
            );
        }
    }

    #[test]
    fn api_keys_are_checked_and_never_shown() {
        assert!(TransportConfig::new("https://x", " ").is_err());
        assert!(TransportConfig::new("https://x", "bad\nkey").is_err());
        let config = TransportConfig::new("https://x", "sentinel-key").unwrap();
        assert!(!format!("{config:?} {config:#?}").contains("sentinel-key"));
    }

    #[test]
    fn environment_errors_name_the_variable_that_failed() {
        let lookup = |url: Option<&'static str>, key: Option<&'static str>| {
            move |name: &str| match name {
                BASE_URL_ENV => url.map(str::to_owned),
                API_KEY_ENV => key.map(str::to_owned),
                _ => None,
            }
        };
        let variable = |result: Result<TransportConfig, TransportError>| match result {
            Err(TransportError::Environment { variable, reason }) => (variable, reason),
            other => panic!("expected an environment error, got {other:?}"),
        };
        let ok = TransportConfig::from_lookup(lookup(Some(" https://t.example.com "), Some("k")))
            .unwrap();
        assert_eq!(ok.base_url.host(), Some("t.example.com"));
        let (name, reason) = variable(TransportConfig::from_lookup(lookup(None, Some("k"))));
        assert_eq!((name, reason.as_str()), (BASE_URL_ENV, "is not set"));
        let (name, _) = variable(TransportConfig::from_lookup(lookup(
            Some("https://x"),
            Some(" "),
        )));
        assert_eq!(name, API_KEY_ENV);
        let (name, reason) = variable(TransportConfig::from_lookup(lookup(
            Some("ftp://x"),
            Some("k"),
        )));
        assert_eq!(name, BASE_URL_ENV, "{reason}");
        // A key error whose text says "URL" is still the key's: the variable is known, not guessed.
        let (name, reason) = variable(TransportConfig::from_lookup(lookup(
            Some("https://x"),
            Some("URL\nkey-sentinel"),
        )));
        assert_eq!(name, API_KEY_ENV);
        assert!(
            !reason.contains("key-sentinel"),
            "the key is never repeated: {reason}"
        );
        let shown = TransportError::Environment {
            variable: BASE_URL_ENV,
            reason: "is not set".into(),
        };
        assert_eq!(shown.to_string(), "ATLAN_BASE_URL: is not set");
    }

    #[test]
    fn with_setters_chain() {
        let config = TransportConfig::new("https://x", "k")
            .unwrap()
            .with_timeouts(TimeoutConfig::default().with_operation(Duration::from_secs(7)))
            .with_retry(
                RetryConfig::default()
                    .with_max_attempts(5)
                    .with_budget(RetryBudget::default().with_min_per_sec(2)),
            )
            .with_user_agent("me/1")
            .with_gzip(false)
            .with_header(
                HeaderName::from_static("x-team"),
                HeaderValue::from_static("data"),
            );
        assert_eq!(config.timeouts.operation, Duration::from_secs(7));
        assert_eq!(config.retry.max_attempts, 5);
        assert_eq!(config.retry.budget.min_per_sec, 2);
        assert_eq!(config.user_agent, "me/1");
        assert!(!config.gzip);
        assert_eq!(config.extra_headers.len(), 1);
        assert!(config.validate().is_ok());
    }

    #[test]
    fn invalid_settings_are_construction_errors_not_panics() {
        let mut config = TransportConfig::new("https://x", "k").unwrap();
        config.retry.budget.ttl = Duration::from_secs(0);
        assert!(config.validate().is_err());
        let mut config = TransportConfig::new("https://x", "k").unwrap();
        config.retry.max_attempts = 0;
        assert!(config.validate().is_err());
        let mut config = TransportConfig::new("https://x", "k").unwrap();
        config.timeouts.attempt = Duration::ZERO;
        assert!(config.validate().is_err());
    }
}
