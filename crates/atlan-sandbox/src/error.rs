//! Errors as Atlan answers them: a status and `{"errorCode", "errorMessage", "errorId", "causes"}`.

use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde_json::json;

/// An error answer.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    code: u16,
    pub(crate) message: String,
    causes: Vec<(String, String, String)>,
    /// A body in another shape than the legacy API's (the app API's `{"code", "message"}`, its
    /// 409 with the existing slug).
    body: Option<serde_json::Value>,
}

impl ApiError {
    fn new(status: StatusCode, code: u16, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            causes: Vec::new(),
            body: None,
        }
    }

    /// An error of the app API: `{"code": code, "message": message}` (`code` a number, as the app
    /// services send it).
    pub(crate) fn app(status: StatusCode, code: u16, message: impl Into<String>) -> Self {
        let message = message.into();
        let body = json!({"code": code, "message": message.clone()});
        Self::new(status, code, message).with_body(body)
    }

    /// An error of the Atlas metastore (`/api/meta/`), in its shape:
    /// `{"errorCode": "ATLAS-404-00-005", "errorMessage": ...}`.
    pub(crate) fn atlas(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let body = json!({"errorCode": code, "errorMessage": message.clone(), "errorCause": message.clone()});
        Self::new(status, status.as_u16(), message).with_body(body)
    }

    /// The same error with this exact body.
    pub(crate) fn with_body(mut self, body: serde_json::Value) -> Self {
        self.body = Some(body);
        self
    }

    /// 400: the request cannot be understood.
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, 0, message)
    }

    /// 400 for a body that is not valid JSON.
    pub(crate) fn malformed_json(error: &serde_json::Error) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            1,
            format!("request body is not valid JSON: {error}"),
        )
    }

    /// 401: no or wrong API key.
    pub(crate) fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            0,
            "Server responded with 401 Unauthorized: the API token is invalid or has expired.",
        )
    }

    /// 404: no such thing.
    pub(crate) fn not_found(what: &str, name: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, 0, format!("{what} {name} not found"))
    }

    /// 404 for a path the sandbox does not serve.
    pub(crate) fn no_route(method: &http::Method, path: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            1,
            format!("no endpoint {method} {path}"),
        )
    }

    /// 409: the operation conflicts with the current state.
    pub(crate) fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, 0, message)
    }

    /// 500: a failure of the sandbox itself (such as its state file).
    pub(crate) fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, 0, message)
    }

    /// 408: the request took longer than the server waits.
    pub(crate) fn request_timeout() -> Self {
        Self::new(
            StatusCode::REQUEST_TIMEOUT,
            0,
            "the request was not received and handled in time",
        )
    }

    /// The Atlan-shaped answer for a status the framework chose (405, 413, 414, 415, …), whose own
    /// body is empty or plain text.
    pub(crate) fn for_status(status: StatusCode, detail: &str) -> Self {
        let reason = status.canonical_reason().unwrap_or("error");
        let message = if detail.trim().is_empty() {
            reason.to_owned()
        } else {
            format!("{reason}: {}", detail.trim())
        };
        Self::new(status, 0, message)
    }

    /// Adds a cause.
    pub(crate) fn cause(mut self, kind: &str, message: impl Into<String>, location: &str) -> Self {
        self.causes
            .push((kind.to_owned(), message.into(), location.to_owned()));
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Some(body) = self.body {
            return (self.status, axum::Json(body)).into_response();
        }
        let mut body = json!({
            "errorCode": format!("ATLAN-SANDBOX-{}-{:03}", self.status.as_u16(), self.code),
            "errorMessage": self.message,
            "errorId": crate::ids::uuid(),
        });
        if !self.causes.is_empty() {
            crate::json::set(&mut body, "causes", self
                .causes
                .iter()
                .map(|(kind, message, location)| json!({"errorType": kind, "errorMessage": message, "location": location}))
                .collect());
        }
        (self.status, axum::Json(body)).into_response()
    }
}

/// A change that could not be persisted is a failure of the sandbox: 500, nothing changed.
impl From<crate::persist::StateError> for ApiError {
    fn from(error: crate::persist::StateError) -> Self {
        Self::internal(format!("could not persist the change: {error}"))
    }
}

/// The result of a handler.
pub(crate) type ApiResult<T> = Result<T, ApiError>;
