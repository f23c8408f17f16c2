//! Who the key is (`/api/service/whoami`), the tenant's roles and users, and the sandbox's own controls under `/_sandbox/`:
//! fault rules, failures, the clock, the schedules, health and the recording of requests.

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::{delete, get};
use bytes::Bytes;
use http::StatusCode;
use serde_json::{Value, json};

use super::state::{ServerState, Work};
use crate::error::{ApiError, ApiResult};
use crate::faults::FaultRule;

type Json = axum::Json<Value>;

/// `/api/service/whoami`, `/api/service/roles` and `/api/service/users`.
pub(super) fn identity() -> Router<ServerState> {
    Router::new()
        .route("/whoami", get(whoami))
        .route("/roles", get(roles))
        .route("/users", get(users))
}

type Params = axum::extract::Query<std::collections::HashMap<String, String>>;

async fn roles(axum::extract::Query(query): Params) -> ApiResult<Json> {
    crate::directory::list_roles(&query).map(axum::Json)
}

async fn users(axum::extract::Query(query): Params) -> ApiResult<Json> {
    crate::directory::list_users(&query).map(axum::Json)
}

/// The routes under `/_sandbox`.
pub(super) fn control() -> Router<ServerState> {
    Router::new()
        .route(
            "/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route("/faults/{id}", delete(remove_fault))
        .route("/failures", axum::routing::post(add_failures))
        .route("/clock", get(clock).post(move_clock))
        .route("/schedules", get(schedules))
        .route("/health", get(health))
        .route(
            "/recording",
            get(recording).post(start_recording).delete(stop_recording),
        )
}

/// `POST /_sandbox/failures`: the next `runs` runs of `workflow` (a name, slug or `*` glob) fail
/// at `step` for `cause` (a `fail_runs` fault rule with a count).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Failures {
    workflow: String,
    #[serde(default = "one")]
    runs: u64,
    #[serde(default)]
    step: Option<String>,
    #[serde(default)]
    cause: Option<crate::FailureCause>,
    #[serde(default)]
    retries: u32,
    #[serde(default)]
    exit_code: Option<i32>,
    #[serde(default)]
    message: Option<String>,
}

fn one() -> u64 {
    1
}

async fn add_failures(State(state): State<ServerState>, body: Bytes) -> ApiResult<Json> {
    let failures: Failures = serde_json::from_slice(&body)
        .map_err(|error| ApiError::bad_request(format!("invalid failures: {error}")))?;
    if failures.runs == 0 {
        return Err(ApiError::bad_request("runs must be at least 1"));
    }
    let rule = FaultRule::runs(
        failures.workflow,
        crate::FaultAction::FailRuns {
            phase: None,
            message: failures.message,
            cause: failures.cause,
            step: failures.step,
            retries: failures.retries,
            exit_code: failures.exit_code,
        },
    )
    .times(failures.runs);
    let id = state
        .faults
        .add(rule)
        .map_err(|error| ApiError::bad_request(error.to_string()))?;
    Ok(axum::Json(json!({"id": id})))
}

fn clock_answer(state: &ServerState) -> Json {
    axum::Json(json!({"now": state.clock.now().to_string(), "speed": state.clock.speed()}))
}

async fn clock(State(state): State<ServerState>) -> Json {
    clock_answer(&state)
}

/// `POST /_sandbox/clock`: `{"advance": "24h"}` (a duration: `90s`, `1h30m`, `PT24H`) or
/// `{"to": RFC 3339}`; never backwards. The schedules due meanwhile fire before it answers.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct MoveClock {
    #[serde(default)]
    advance: Option<String>,
    #[serde(default)]
    to: Option<String>,
}

async fn move_clock(State(state): State<ServerState>, body: Bytes) -> ApiResult<Json> {
    let request: MoveClock = serde_json::from_slice(&body)
        .map_err(|error| ApiError::bad_request(format!("invalid clock move: {error}")))?;
    let moved = match (request.advance, request.to) {
        (Some(by), None) => {
            let by: jiff::SignedDuration = by.trim().parse().map_err(|error| {
                ApiError::bad_request(format!("advance {by:?} is not a duration: {error}"))
            })?;
            let millis = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
            state.clock.advance(millis)
        }
        (None, Some(to)) => {
            let to: jiff::Timestamp = to.trim().parse().map_err(|error| {
                ApiError::bad_request(format!("to {to:?} is not an RFC 3339 instant: {error}"))
            })?;
            state.clock.move_to(to)
        }
        _ => return Err(ApiError::bad_request("give exactly one of advance and to")),
    };
    moved.map_err(ApiError::bad_request)?;
    state
        .run(Work::Heavy, |state| state.write().map(drop))
        .await?;
    Ok(clock_answer(&state))
}

async fn schedules(State(state): State<ServerState>) -> ApiResult<Json> {
    state
        .run(Work::Light, |state| {
            Ok(axum::Json(state.read()?.schedules_report()))
        })
        .await
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

/// `GET /_sandbox/recording`: the requests recorded since the last `POST`, the most in flight at
/// once and how many were past the limit.
async fn recording(State(state): State<ServerState>) -> Json {
    axum::Json(state.faults.recording().report())
}

/// `POST /_sandbox/recording`: records every API request from now on (what was recorded before
/// is forgotten).
async fn start_recording(State(state): State<ServerState>) -> Json {
    state.faults.recording().start();
    axum::Json(json!({"on": true}))
}

/// `DELETE /_sandbox/recording`: stops and forgets.
async fn stop_recording(State(state): State<ServerState>) -> Json {
    state.faults.recording().stop();
    axum::Json(json!({"on": false}))
}
