//! Who the key is (`/api/service/whoami`) and the sandbox's own controls under `/_sandbox/`:
//! fault rules and health.

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::{delete, get};
use bytes::Bytes;
use http::StatusCode;
use serde_json::{Value, json};

use super::state::ServerState;
use crate::error::{ApiError, ApiResult};
use crate::faults::FaultRule;

type Json = axum::Json<Value>;

/// `/api/service/whoami`.
pub(super) fn identity() -> Router<ServerState> {
    Router::new().route("/whoami", get(whoami))
}

/// The routes under `/_sandbox`.
pub(super) fn control() -> Router<ServerState> {
    Router::new()
        .route(
            "/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route("/faults/{id}", delete(remove_fault))
        .route("/health", get(health))
}

async fn whoami(State(state): State<ServerState>) -> Json {
    let creator = &state.identity.creator;
    let roles = if state.identity.api_token_user {
        json!([{"id": "2e5a5c63-8a5c-4a6f-b0a1-1f9b3c0e6d01", "name": "$api-token-default-access", "description": "API token default access"},
               {"id": "6b0d6e1e-8d3b-4c2e-9a57-0c8f2c7d3e12", "name": "default-roles-default"}])
    } else {
        json!([{"id": "8f3a2b1c-4d5e-4f60-a718-293a4b5c6d7e", "name": "$member"},
               {"id": "6b0d6e1e-8d3b-4c2e-9a57-0c8f2c7d3e12", "name": "default-roles-default"}])
    };
    axum::Json(json!({
        "id": creator.sub,
        "username": creator.username,
        "email": creator.email.replace(".at.", "@"),
        "firstName": "Sandbox",
        "lastName": "User",
        "enabled": true,
        "roles": roles,
        "groups": [],
    }))
}

async fn list_faults(State(state): State<ServerState>) -> Json {
    axum::Json(json!({"faults": state.faults.list()}))
}

async fn add_fault(State(state): State<ServerState>, body: Bytes) -> ApiResult<Json> {
    let rule: FaultRule = serde_json::from_slice(&body)
        .map_err(|error| ApiError::bad_request(format!("invalid fault rule: {error}")))?;
    let id = state
        .faults
        .add(rule)
        .map_err(|error| ApiError::bad_request(error.to_string()))?;
    Ok(axum::Json(json!({"id": id})))
}

async fn clear_faults(State(state): State<ServerState>) -> StatusCode {
    state.faults.clear();
    StatusCode::OK
}

async fn remove_fault(
    State(state): State<ServerState>,
    Path(id): Path<u64>,
) -> ApiResult<StatusCode> {
    if state.faults.remove(id) {
        Ok(StatusCode::OK)
    } else {
        Err(ApiError::not_found("fault", &id.to_string()))
    }
}

/// Answered from the counts the store publishes after every change, without its lock: health
/// answers at once whatever runs (a heavy list, a compaction of the state file).
async fn health(State(state): State<ServerState>) -> Json {
    axum::Json(state.health.answer())
}
