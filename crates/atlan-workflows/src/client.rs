//! [`AtlanClient`]: configuration, sending requests, reading answers, and the workflow route.

use std::fmt;
use std::sync::Arc;

use atlan_model::{ApiErrorBody, decode};
use atlan_transport::{
    REQUEST_ID_HEADER, RetryConfig, TimeoutConfig, Transport, TransportConfig, TransportError,
};
use bytes::Bytes;
use http::{HeaderName, HeaderValue, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use tokio::sync::OnceCell;
use tower::{Layer, Service};

use crate::dry_run::DryRun;
use crate::error::{Error, Result};
use crate::request::ApiRequest;
use crate::requests::{self, WorkflowRoute};
use crate::{Credentials, Runs, Schedules, Workflows};

/// The roles that make a user an API-token user, whose workflow calls go to `workflows/…`.
const API_TOKEN_ROLES: [&str; 2] = ["$api-token-default-access", "$admin"];

/// A client of the Atlan workflow API: cheap to clone (clones share connections, the retry budget
/// and the workflow route), `Send` and `Sync`. Its `Debug` never shows the API key.
///
/// ```no_run
/// use atlan_workflows::AtlanClient;
///
/// # async fn example() -> atlan_workflows::Result<()> {
/// let client = AtlanClient::from_env()?; // ATLAN_BASE_URL, ATLAN_API_KEY
/// if let Some(workflow) = client.workflows().get_opt("atlan-snowflake-1714638976").await? {
///     println!("{}", workflow.name());
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct AtlanClient {
    inner: Arc<Inner>,
}

struct Inner {
    /// `None` only for a [`DryRun::All`] client built without a tenant: it sends nothing.
    transport: Option<Transport>,
    target: String,
    route: OnceCell<WorkflowRoute>,
    dry_run: DryRun,
}

impl fmt::Debug for AtlanClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AtlanClient")
            .field("target", &self.inner.target)
            .field("route", &self.inner.route.get())
            .field("dry_run", &self.inner.dry_run)
            .finish_non_exhaustive()
    }
}

impl AtlanClient {
    /// A builder, to set the base URL, key, timeouts, retries, user agent, layers, route and
    /// dry-run mode.
    pub fn builder() -> AtlanClientBuilder {
        AtlanClientBuilder::default()
    }

    /// A client from `ATLAN_BASE_URL` and `ATLAN_API_KEY`, with the default timeouts and retries.
    ///
    /// # Errors
    /// [`Error::Config`] naming the variable that is missing or invalid.
    pub fn from_env() -> Result<Self> {
        AtlanClientBuilder::from_env()?.build()
    }

    /// A client over any service that answers `http::Request<Bytes>` with `http::Response<Bytes>`:
    /// for tests, or a stack of your own. Requests reach it with relative URIs
    /// (`/api/service/…`); nothing is added to them.
    pub fn from_service<S>(service: S) -> Self
    where
        S: Service<http::Request<Bytes>, Response = http::Response<Bytes>, Error = TransportError>
            + Clone
            + Send
            + Sync
            + 'static,
        S::Future: Send + 'static,
    {
        Self::from_parts(
            Some(Transport::from_service(service)),
            "a custom service",
            None,
            DryRun::Off,
        )
    }

    fn from_parts(
        transport: Option<Transport>,
        target: &str,
        route: Option<WorkflowRoute>,
        dry_run: DryRun,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                transport,
                target: target.to_owned(),
                route: route.map_or_else(OnceCell::new, |route| OnceCell::new_with(Some(route))),
                dry_run,
            }),
        }
    }

    /// The dry-run mode it was built with ([`DryRun::Off`] unless the builder set one).
    pub fn dry_run(&self) -> DryRun {
        self.inner.dry_run
    }

    /// Workflows: find, run, re-run, update, change owner, delete, scheduled queries.
    pub fn workflows(&self) -> Workflows {
        Workflows::new(self.clone())
    }

    /// Runs: get, list, search, latest, current, stop, monitor.
    pub fn runs(&self) -> Runs {
        Runs::new(self.clone())
    }

    /// Credentials: create, get, list, test, update, purge.
    pub fn credentials(&self) -> Credentials {
        Credentials::new(self.clone())
    }

    /// Schedules: add, remove, list, get.
    pub fn schedules(&self) -> Schedules {
        Schedules::new(self.clone())
    }

    /// User operations (who is disabled).
    pub fn users(&self) -> crate::Users {
        crate::Users::new(self.clone())
    }

    /// App workflows: the connectors of newer tenants (`/api/service/v1/app…`).
    pub fn apps(&self) -> crate::Apps {
        crate::Apps::new(self.clone())
    }

    /// Sends a request and returns the body of its 2xx answer. Every operation sends through here,
    /// which is where a dry run stops.
    ///
    /// # Errors
    /// [`Error::DryRun`] when the client's [`DryRun`] mode stops before `request`;
    /// [`Error::NotFound`] for a 404, [`Error::Api`] for any other non-2xx status (after the
    /// transport's retries), [`Error::Transport`] when no answer came.
    pub async fn execute(&self, request: &ApiRequest) -> Result<Bytes> {
        self.execute_noting_throttling(request)
            .await
            .map(|(body, _)| body)
    }

    /// [`AtlanClient::execute`], and whether the server asked to slow down (429 or 503) before
    /// it answered, which the transport's retries otherwise hide. Concurrent listings read it.
    pub(crate) async fn execute_noting_throttling(
        &self,
        request: &ApiRequest,
    ) -> Result<(Bytes, bool)> {
        let operation = request.operation();
        if self.inner.dry_run.stops_before(request) {
            tracing::debug!(operation, "dry run: not sent");
            return Err(Error::DryRun {
                request: Box::new(request.clone()),
            });
        }
        let Some(transport) = &self.inner.transport else {
            return Err(Error::config(
                "this client has no tenant to send requests to",
            ));
        };
        let response = transport
            .send(request.to_http()?)
            .await
            .map_err(|source| Error::Transport { operation, source })?;
        let status = response.status();
        if status.is_success() {
            let throttled = response
                .extensions()
                .get::<atlan_transport::Throttled>()
                .is_some();
            return Ok((response.into_body(), throttled));
        }
        let request_id = response
            .headers()
            .get(REQUEST_ID_HEADER)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let body = Box::new(ApiErrorBody::from_bytes(response.body()));
        tracing::debug!(
            operation,
            status = status.as_u16(),
            request_id,
            "error answer"
        );
        if status == StatusCode::NOT_FOUND {
            return Err(Error::NotFound {
                operation,
                what: format!("`{}`", request.path()),
                body: Some(body),
            });
        }
        let retry_after =
            atlan_transport::retry::retry_after(response.headers(), std::time::SystemTime::now());
        Err(Error::Api {
            operation,
            status,
            body,
            request_id,
            retry_after,
        })
    }

    /// Sends a request and decodes its 2xx answer as `T`.
    ///
    /// # Errors
    /// As [`AtlanClient::execute`], and [`Error::Decode`] (naming the JSON path) for a body that is
    /// not a `T`.
    pub async fn execute_json<T: DeserializeOwned>(&self, request: &ApiRequest) -> Result<T> {
        let body = self.execute(request).await?;
        decode(&body).map_err(|source| Error::Decode {
            operation: request.operation(),
            source,
        })
    }

    /// [`AtlanClient::execute_json`], and whether the server asked to slow down first.
    pub(crate) async fn execute_json_noting_throttling<T: DeserializeOwned>(
        &self,
        request: &ApiRequest,
    ) -> Result<(T, bool)> {
        let (body, throttled) = self.execute_noting_throttling(request).await?;
        let value = decode(&body).map_err(|source| Error::Decode {
            operation: request.operation(),
            source,
        })?;
        Ok((value, throttled))
    }

    /// Where workflow runs, re-runs, updates, deletions and schedules go. Decided once per client
    /// (and its clones) from `GET whoami`, unless the builder set it; a [`DryRun::All`] client
    /// without a route set uses [`WorkflowRoute::default`], since asking would be a request.
    ///
    /// # Errors
    /// As [`AtlanClient::execute`], for the `whoami` call.
    pub async fn workflow_route(&self) -> Result<WorkflowRoute> {
        if self.inner.dry_run == DryRun::All && self.inner.route.get().is_none() {
            return Ok(WorkflowRoute::default());
        }
        self.inner
            .route
            .get_or_try_init(|| async {
                let identity: Identity = self.execute_json(&requests::identity::whoami()).await?;
                let route = if identity.is_api_token_user() {
                    WorkflowRoute::Workflows
                } else {
                    WorkflowRoute::PackageWorkflows
                };
                tracing::debug!(?route, "workflow route chosen from whoami");
                Ok(route)
            })
            .await
            .copied()
    }
}

/// What `whoami` says of the roles (objects with a `name`; plain strings are accepted too).
#[derive(Deserialize)]
struct Identity {
    #[serde(default)]
    roles: Vec<Role>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Role {
    Named { name: String },
    Plain(String),
    Other(serde::de::IgnoredAny),
}

impl Identity {
    fn is_api_token_user(&self) -> bool {
        self.roles.iter().any(|role| {
            let name = match role {
                Role::Named { name } | Role::Plain(name) => name.as_str(),
                Role::Other(_) => "",
            };
            API_TOKEN_ROLES.contains(&name)
        })
    }
}

/// A layer to wrap the transport with, applied in [`AtlanClientBuilder::build`].
type LayerFn = Box<dyn FnOnce(Transport) -> Transport + Send + Sync>;

/// Builds an [`AtlanClient`]. The base URL and the API key are required.
///
/// ```
/// use std::time::Duration;
/// use atlan_workflows::{AtlanClient, WorkflowRoute};
/// use atlan_workflows::transport::RetryConfig;
///
/// let mut retry = RetryConfig::default();
/// retry.max_attempts = 5;
/// let client = AtlanClient::builder()
///     .base_url("https://tenant.atlan.com")
///     .api_key("an-api-key")
///     .operation_timeout(Duration::from_secs(120))
///     .retry(retry)
///     .user_agent("my-app/1.0")
///     .route(WorkflowRoute::Workflows) // skip the `whoami` call
///     .build()?;
/// assert!(!format!("{client:?}").contains("an-api-key"));
/// # Ok::<(), atlan_workflows::Error>(())
/// ```
#[derive(Default)]
pub struct AtlanClientBuilder {
    base_url: Option<String>,
    api_key: Option<SecretString>,
    timeouts: TimeoutConfig,
    retry: RetryConfig,
    user_agent: Option<String>,
    headers: Vec<(String, String)>,
    layers: Vec<LayerFn>,
    route: Option<WorkflowRoute>,
    dry_run: DryRun,
    max_response_bytes: Option<usize>,
}

impl fmt::Debug for AtlanClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AtlanClientBuilder")
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key.as_ref().map(|_| "[REDACTED]"))
            .field("timeouts", &self.timeouts)
            .field("retry", &self.retry)
            .field("user_agent", &self.user_agent)
            .field("layers", &self.layers.len())
            .field("route", &self.route)
            .field("dry_run", &self.dry_run)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish_non_exhaustive()
    }
}

impl AtlanClientBuilder {
    /// A builder with the base URL and key from `ATLAN_BASE_URL` and `ATLAN_API_KEY`.
    ///
    /// # Errors
    /// [`Error::Config`] naming the variable that is missing or invalid.
    pub fn from_env() -> Result<Self> {
        let config = TransportConfig::from_env().map_err(Error::config)?;
        Ok(Self {
            base_url: Some(config.base_url.to_string()),
            api_key: Some(config.api_key),
            ..Self::default()
        })
    }

    /// The tenant, such as `https://tenant.atlan.com` (`http://` is allowed, for a sandbox).
    #[must_use]
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// The API key, sent as a bearer token to the base URL's host only.
    #[must_use]
    pub fn api_key(mut self, api_key: impl Into<String>) -> Self {
        self.api_key = Some(SecretString::from(api_key.into()));
        self
    }

    /// All the timeouts (see [`TimeoutConfig`] for the defaults).
    #[must_use]
    pub fn timeouts(mut self, timeouts: TimeoutConfig) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// The limit on a whole call, retries included (default 180 s).
    #[must_use]
    pub fn operation_timeout(mut self, timeout: std::time::Duration) -> Self {
        self.timeouts.operation = timeout;
        self
    }

    /// Retries (see [`RetryConfig`]; [`RetryConfig::disabled`] for none).
    #[must_use]
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// The `User-Agent` (default `atlan-rs/<version>`).
    #[must_use]
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// A header added to every request.
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Wraps the transport in a tower layer (outermost: it sees each call once, before retries),
    /// for metrics, rate limits or recording. Layers apply in the order given, the first innermost.
    #[must_use]
    pub fn with_layer<L>(mut self, layer: L) -> Self
    where
        L: Layer<Transport> + Send + Sync + 'static,
        L::Service: Service<http::Request<Bytes>, Response = http::Response<Bytes>, Error = TransportError>
            + Clone
            + Send
            + Sync
            + 'static,
        <L::Service as Service<http::Request<Bytes>>>::Future: Send + 'static,
    {
        self.layers.push(Box::new(move |transport| {
            Transport::from_service(layer.layer(transport))
        }));
        self
    }

    /// The largest response body read, after decompression (default
    /// [`atlan_transport::DEFAULT_MAX_RESPONSE_BYTES`], 256 MiB); a larger one fails with
    /// [`TransportError::BodyTooLarge`] instead of growing memory without bound.
    #[must_use]
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = Some(bytes);
        self
    }

    /// Where workflow calls go, instead of asking `whoami` once.
    #[must_use]
    pub fn route(mut self, route: WorkflowRoute) -> Self {
        self.route = Some(route);
        self
    }

    /// Whether to send requests, or stop before one and return it (see [`DryRun`]; default
    /// [`DryRun::Off`]).
    #[must_use]
    pub fn dry_run(mut self, dry_run: DryRun) -> Self {
        self.dry_run = dry_run;
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    /// [`Error::Config`] when the base URL or key is missing or invalid, or a setting cannot work.
    /// A [`DryRun::All`] client needs neither: without them it has no transport at all.
    pub fn build(self) -> Result<AtlanClient> {
        if self.dry_run == DryRun::All && (self.base_url.is_none() || self.api_key.is_none()) {
            return Ok(AtlanClient::from_parts(
                None,
                "nothing (a dry run)",
                self.route,
                self.dry_run,
            ));
        }
        let base_url = self
            .base_url
            .ok_or_else(|| Error::config("no base URL: set one, or ATLAN_BASE_URL"))?;
        let api_key = self
            .api_key
            .ok_or_else(|| Error::config("no API key: set one, or ATLAN_API_KEY"))?;
        let mut config = TransportConfig::new(base_url.trim(), api_key.expose_secret())
            .map_err(Error::config)?;
        config.timeouts = self.timeouts;
        config.retry = self.retry;
        if let Some(bytes) = self.max_response_bytes {
            config.max_response_bytes = bytes;
        }
        if let Some(user_agent) = self.user_agent {
            config.user_agent = user_agent;
        }
        for (name, value) in self.headers {
            let name = HeaderName::try_from(name.as_str())
                .map_err(|_| Error::config(format!("`{name}` is not a header name")))?;
            let value = HeaderValue::try_from(value.as_str()).map_err(|_| {
                Error::config(format!("the value of `{name}` is not a header value"))
            })?;
            config.extra_headers.push((name, value));
        }
        let target = config.base_url.to_string();
        let mut transport = Transport::new(config).map_err(Error::config)?;
        for layer in self.layers {
            transport = layer(transport);
        }
        Ok(AtlanClient::from_parts(
            Some(transport),
            &target,
            self.route,
            self.dry_run,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whoami_roles_decide_the_route() {
        let api_token: Identity = serde_json::from_str(
            r#"{"roles": [{"id": "1", "name": "$api-token-default-access"}, {"name": "default-roles-default"}]}"#,
        )
        .unwrap();
        assert!(api_token.is_api_token_user());
        let admin: Identity = serde_json::from_str(r#"{"roles": ["$admin"]}"#).unwrap();
        assert!(admin.is_api_token_user());
        let member: Identity =
            serde_json::from_str(r#"{"roles": [{"name": "$member"}, 42], "username": "u"}"#)
                .unwrap();
        assert!(!member.is_api_token_user());
        let none: Identity = serde_json::from_str("{}").unwrap();
        assert!(!none.is_api_token_user());
    }

    #[test]
    fn the_builder_needs_a_url_and_a_key_and_hides_the_key() {
        let missing = AtlanClient::builder().api_key("k").build().unwrap_err();
        assert!(missing.to_string().contains("no base URL"), "{missing}");
        let missing = AtlanClient::builder()
            .base_url("https://t.example.com")
            .build()
            .unwrap_err();
        assert!(missing.to_string().contains("no API key"), "{missing}");
        let bad = AtlanClient::builder()
            .base_url("ftp://x")
            .api_key("k")
            .build()
            .unwrap_err();
        assert!(matches!(bad, Error::Config { .. }), "{bad}");
        let builder = AtlanClient::builder()
            .base_url("https://t.example.com")
            .api_key("sentinel-key");
        assert!(!format!("{builder:?}").contains("sentinel-key"));
    }
}
