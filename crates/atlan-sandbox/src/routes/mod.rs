//! Every endpoint of the Atlan workflow API under `/api/service/` and `/api/meta/`, and the
//! sandbox's own `/_sandbox/` controls, by area: [`legacy`] (workflows and runs), [`credentials`],
//! [`apps`] (the App workflows API and the asset search), [`entities`] (`Connection` assets) and
//! [`control`] (identity, roles, users and the sandbox's controls); what they share is in
//! [`state`]. Area modules import only [`state`], never each other.

use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use http::StatusCode;

use crate::error::ApiError;

mod apps;
mod control;
mod credentials;
mod entities;
mod legacy;
mod state;

pub(crate) use state::{Identity, ServerState};

/// The router.
pub(crate) fn router(state: ServerState) -> Router {
    let api = legacy::routes()
        .merge(credentials::routes())
        .merge(control::identity())
        .merge(apps::service());
    Router::new()
        .nest("/api/service", api)
        .nest("/api/meta", apps::meta().merge(entities::routes()))
        .nest("/_sandbox", control::control())
        .fallback(|request: Request| async move {
            ApiError::no_route(request.method(), request.uri().path())
        })
        .layer(axum::extract::DefaultBodyLimit::max(
            crate::body::MAX_BODY_BYTES,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), authenticate))
        .layer(middleware::from_fn(limit_uri))
        .layer(middleware::map_response(atlan_shaped))
        .with_state(state)
}

/// The longest request target the sandbox reads (as a proxy in front of Atlan would: 8 KiB).
const MAX_URI: usize = 8 * 1024;

/// 414 for a request target longer than [`MAX_URI`] (hyper itself refuses those over 64 KiB,
/// with an empty body).
async fn limit_uri(request: Request, next: Next) -> Response {
    let length = request
        .uri()
        .path_and_query()
        .map_or(0, |target| target.as_str().len());
    if length > MAX_URI {
        return ApiError::for_status(
            StatusCode::URI_TOO_LONG,
            &format!("the request target is {length} bytes; at most {MAX_URI} are read"),
        )
        .into_response();
    }
    next.run(request).await
}

/// Gives every error answer Atlan's JSON shape, including those the framework makes itself
/// (405 without a body, 413 and 415 in plain text).
async fn atlan_shaped(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (parts, body) = response.into_parts();
    let detail = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
    let mut shaped =
        ApiError::for_status(status, &String::from_utf8_lossy(&detail)).into_response();
    if let Some(allow) = parts.headers.get(http::header::ALLOW) {
        shaped
            .headers_mut()
            .insert(http::header::ALLOW, allow.clone());
    }
    shaped
}

/// Every request needs `authorization: Bearer <key>` (the scheme in any case, as RFC 9110 reads
/// it: `bearer` and `BEARER` too).
async fn authenticate(State(state): State<ServerState>, request: Request, next: Next) -> Response {
    let presented = request
        .headers()
        .get(http::header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, key)| key.trim_start_matches(' '));
    match presented {
        Some(key) if same(key.as_bytes(), state.api_key.as_bytes()) => next.run(request).await,
        _ => ApiError::unauthorized().into_response(),
    }
}

/// Compares without stopping at the first difference.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
