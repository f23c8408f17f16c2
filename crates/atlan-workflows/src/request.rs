//! Requests as plain values, built without IO: method, path, query, body, whether they change
//! anything (and so whether re-sending is safe), and the operation's name. [`crate::requests`]
//! builds one per operation; the client sends them, or, in a dry run, returns the one it stopped
//! at ([`crate::Error::DryRun`]), which `atlanctl --dry-run` prints.

use std::fmt;

use atlan_transport::{Idempotent, OperationName};
use bytes::Bytes;
use http::Method;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use serde_json::Value;

/// Where every endpoint lives.
pub const API_PREFIX: &str = "/api/service";
/// Where the asset search lives.
pub const META_PREFIX: &str = "/api/meta";

/// What a path segment may hold unescaped: RFC 3986's unreserved characters.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A request that cannot be built, and why (the value is never quoted). It converts into
/// [`crate::Error::InvalidInput`], as every call answers it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidRequest(pub(crate) String);

/// One request to the Atlan API, before it is sent.
///
/// Its `Debug` and [`ApiRequest::redacted_body`] hide secrets (credential passwords, `extra`
/// values, a workflow's credential payload); only [`ApiRequest::to_http`] writes them, to send them.
///
/// ```
/// use atlan_workflows::requests;
///
/// let request = requests::runs::stop("atlan-snowflake-1714638976-k2x7q")?;
/// assert_eq!(request.method().as_str(), "POST");
/// assert_eq!(request.path(), "/api/service/runs/atlan-snowflake-1714638976-k2x7q/stop");
/// assert!(!request.is_read_only() && !request.is_idempotent());
/// # Ok::<(), atlan_workflows::Error>(())
/// ```
#[derive(Clone)]
pub struct ApiRequest {
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    body: Option<Body>,
    read_only: bool,
    operation: &'static str,
}

/// A JSON body: the bytes to send, and what may be shown of them.
#[derive(Clone)]
struct Body {
    bytes: Bytes,
    shown: Value,
}

impl ApiRequest {
    /// A request to `API_PREFIX` + `segments` joined by `/`, each percent-encoded.
    pub(crate) fn new(method: Method, operation: &'static str, segments: &[&str]) -> Self {
        Self::under(API_PREFIX, method, operation, segments)
    }

    /// A request to `prefix` + `segments` joined by `/`, each percent-encoded.
    pub(crate) fn under(
        prefix: &str,
        method: Method,
        operation: &'static str,
        segments: &[&str],
    ) -> Self {
        let mut path = String::from(prefix);
        for segment in segments {
            path.push('/');
            path.extend(utf8_percent_encode(segment, SEGMENT));
        }
        Self {
            method,
            path,
            query: Vec::new(),
            body: None,
            read_only: false,
            operation,
        }
    }

    /// `GET`: changes nothing, safe to re-send.
    pub(crate) fn get(operation: &'static str, segments: &[&str]) -> Self {
        Self::new(Method::GET, operation, segments).read_only()
    }

    /// `POST`: not re-sent once it may have reached the server, unless [`Self::read_only`].
    pub(crate) fn post(operation: &'static str, segments: &[&str]) -> Self {
        Self::new(Method::POST, operation, segments)
    }

    /// Marks a request that changes nothing (GETs, the `indexsearch` searches, credential
    /// tests): safe to re-send, and sent for real by [`crate::DryRun::Writes`].
    #[must_use]
    pub(crate) fn read_only(mut self) -> Self {
        self.read_only = true;
        self
    }

    /// Adds a query parameter.
    #[must_use]
    pub(crate) fn query(mut self, name: &str, value: impl Into<String>) -> Self {
        self.query.push((name.to_owned(), value.into()));
        self
    }

    /// Sets a JSON body with no secret in it.
    pub(crate) fn json(self, body: &impl Serialize) -> Result<Self, InvalidRequest> {
        self.json_redacted(body, |_| {})
    }

    /// Sets a JSON body; `redact` edits the copy that may be shown (the bytes keep every secret).
    pub(crate) fn json_redacted(
        mut self,
        body: &impl Serialize,
        redact: impl FnOnce(&mut Value),
    ) -> Result<Self, InvalidRequest> {
        let unencodable = |error: serde_json::Error| {
            InvalidRequest(format!("cannot encode the request body: {error}"))
        };
        let bytes = serde_json::to_vec(body).map_err(unencodable)?;
        let mut shown = serde_json::from_slice(&bytes).map_err(unencodable)?;
        redact(&mut shown);
        self.body = Some(Body {
            bytes: Bytes::from(bytes),
            shown,
        });
        Ok(self)
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path, such as `/api/service/runs/indexsearch`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The query parameters, decoded.
    pub fn query_pairs(&self) -> &[(String, String)] {
        &self.query
    }

    /// The body with secrets replaced by `"[REDACTED]"`, as JSON.
    pub fn redacted_body(&self) -> Option<&Value> {
        self.body.as_ref().map(|body| &body.shown)
    }

    /// Whether it changes nothing on the server: GETs, the `indexsearch` searches and credential
    /// tests. [`crate::DryRun::Writes`] sends these and stops at the first request that is not.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// Whether sending it twice does what sending it once does, so that the transport may re-send
    /// it: a read-only request, a `PUT` or a `DELETE`. A POST that changes something is not.
    pub fn is_idempotent(&self) -> bool {
        self.read_only || self.method == Method::PUT || self.method == Method::DELETE
    }

    /// The operation's name, such as `runs.search`.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The path and encoded query, relative to the base URL.
    pub fn path_and_query(&self) -> String {
        if self.query.is_empty() {
            return self.path.clone();
        }
        let query = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&self.query)
            .finish();
        format!("{}?{query}", self.path)
    }

    /// The request to send, secrets included, marked [`Idempotent`] when it is and named with
    /// [`OperationName`] for the transport's traces.
    ///
    /// # Errors
    /// [`InvalidRequest`] when the path cannot be a URI (it always can: segments are encoded).
    pub fn to_http(&self) -> Result<http::Request<Bytes>, InvalidRequest> {
        let mut request = http::Request::builder()
            .method(self.method.clone())
            .uri(self.path_and_query())
            .body(
                self.body
                    .as_ref()
                    .map(|body| body.bytes.clone())
                    .unwrap_or_default(),
            )
            .map_err(|error| InvalidRequest(format!("cannot build the request: {error}")))?;
        if self.is_idempotent() {
            request.extensions_mut().insert(Idempotent);
        }
        request
            .extensions_mut()
            .insert(OperationName(self.operation));
        Ok(request)
    }

    /// The request as JSON for people and scripts, secrets redacted:
    /// `{"method","path","query" (decoded, or null),"body" (or null)}` (its `Serialize` form).
    pub fn to_json(&self) -> Value {
        // Strings and JSON values only: serializing cannot fail.
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// What `atlanctl --dry-run` prints: `method`, `path`, `query` (decoded, or `null`) and `body` (or
/// `null`), in that order, secrets redacted; see [`ApiRequest::to_json`].
impl Serialize for ApiRequest {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;

        /// The query parameters as a JSON object, in the order they are sent.
        struct Query<'a>(&'a [(String, String)]);

        impl Serialize for Query<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_map(self.0.iter().map(|(name, value)| (name, value)))
            }
        }

        let mut shown = serializer.serialize_struct("ApiRequest", 4)?;
        shown.serialize_field("method", self.method.as_str())?;
        shown.serialize_field("path", &self.path)?;
        shown.serialize_field(
            "query",
            &(!self.query.is_empty()).then_some(Query(&self.query)),
        )?;
        shown.serialize_field("body", &self.redacted_body())?;
        shown.end()
    }
}

impl fmt::Debug for ApiRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiRequest")
            .field("operation", &self.operation)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("body", &self.redacted_body())
            .field("read_only", &self.read_only)
            .finish()
    }
}

pub(crate) use atlan_model::{
    redact_credential_json as redact_credential, redact_workflow_json as redact_workflow,
};

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use atlan_model::REDACTED;

    #[test]
    fn segments_and_queries_are_encoded() {
        let request = ApiRequest::get("test", &["credentials", "a b/c?d"])
            .query("filter", r#"{"name":"x y"}"#);
        assert_eq!(request.path(), "/api/service/credentials/a%20b%2Fc%3Fd");
        assert_eq!(
            request.path_and_query(),
            "/api/service/credentials/a%20b%2Fc%3Fd?filter=%7B%22name%22%3A%22x+y%22%7D"
        );
        let http = request.to_http().unwrap();
        assert!(http.extensions().get::<Idempotent>().is_some());
        assert_eq!(
            http.extensions().get::<OperationName>().map(|name| name.0),
            Some("test")
        );
    }

    #[test]
    fn secrets_are_sent_but_never_shown() {
        let body = json!({"name": "c", "password": "hunter2", "extra": {"role": "r-secret"}});
        let request = ApiRequest::post("credentials.create", &["credentials"])
            .json_redacted(&body, redact_credential)
            .unwrap();
        let shown = format!("{request:?} {}", request.to_json());
        assert!(
            !shown.contains("hunter2") && !shown.contains("r-secret"),
            "{shown}"
        );
        assert_eq!(request.to_json()["body"]["password"], REDACTED);
        let sent = request.to_http().unwrap();
        let sent = String::from_utf8(sent.body().to_vec()).unwrap();
        assert!(sent.contains("hunter2") && sent.contains("r-secret"));
        assert!(sent.contains("hunter2") && sent.contains("r-secret"));

        let mut workflow = json!({"payload": [{"parameter": "credentialGuid", "body": {"password": "p", "extra": {"k": "v"}}}]});
        redact_workflow(&mut workflow);
        assert_eq!(workflow["payload"][0]["body"]["password"], REDACTED);
        assert_eq!(workflow["payload"][0]["body"]["extra"]["k"], REDACTED);
    }

    #[test]
    fn dry_run_json_has_a_fixed_shape() {
        let request = ApiRequest::post("workflows.delete", &["workflows", "w", "archive"]);
        assert_eq!(
            request.to_json(),
            json!({"method": "POST", "path": "/api/service/workflows/w/archive", "query": null, "body": null})
        );
    }
}
