//! Every endpoint of the Atlan workflow API under `/api/service/`, and the sandbox's own
//! `/_sandbox/` controls.

use std::collections::HashMap;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Instant;

use atlan_query::{Index, Search};
use axum::Router;
use axum::extract::{Path, Query, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use bytes::Bytes;
use http::StatusCode;
use serde_json::{Value, json};

use crate::clock::Clock;
use crate::envelope;
use crate::error::{ApiError, ApiResult};
use crate::faults::{FaultControl, FaultRule};
use crate::store::{Creator, Store};

/// Who the API key belongs to.
#[derive(Debug, Clone)]
pub(crate) struct Identity {
    pub(crate) creator: Creator,
    /// Whether the key is an API token (`$api-token-default-access`), which decides between the
    /// `workflows/` and `package-workflows/` endpoints in the SDKs.
    pub(crate) api_token_user: bool,
}

/// What every handler shares.
#[derive(Clone)]
pub(crate) struct AppState {
    pub(crate) store: Arc<RwLock<Store>>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) faults: FaultControl,
    pub(crate) api_key: Arc<str>,
    pub(crate) identity: Arc<Identity>,
    /// The store's counts, published after every change.
    pub(crate) health: Arc<crate::store::Health>,
    /// Whether changes are synced to a state file (so every write waits on the disk).
    pub(crate) persisted: bool,
}

/// The largest body whose parse is light work.
const LIGHT_BODY: usize = 64 * 1024;

/// Where a request's store work runs ([`AppState::run`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Work {
    /// Small and in memory: on the async worker that serves the connection, the fastest place.
    Light,
    /// A state file to sync, a body over 64 KiB to parse, or work that grows with the whole
    /// store: on tokio's blocking pool, so that the async workers, which accept connections and
    /// answer `/_sandbox/health`, are never held up.
    Heavy,
}

impl AppState {
    /// The store for reading, with run documents brought up to the clock first.
    pub(crate) fn read(&self) -> ApiResult<RwLockReadGuard<'_, Store>> {
        let now = self.clock.now();
        let needs = self
            .store
            .read()
            .map_err(|_| poisoned())?
            .needs_advance(now);
        if needs {
            self.store.write().map_err(|_| poisoned())?.advance(now);
        }
        self.store.read().map_err(|_| poisoned())
    }

    /// Runs `work` where [`Work`] says: here, or on tokio's blocking pool.
    ///
    /// # Errors
    /// What `work` returns; a 500 if heavy work panicked (it must not) or the runtime is shutting
    /// down.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        kind: Work,
        work: impl FnOnce(&AppState) -> ApiResult<T> + Send + 'static,
    ) -> ApiResult<T> {
        match kind {
            Work::Light => work(self),
            Work::Heavy => {
                let state = self.clone();
                tokio::task::spawn_blocking(move || work(&state))
                    .await
                    .map_err(|_| ApiError::internal("the request could not be completed"))?
            }
        }
    }

    /// A write: heavy when it syncs a state file or parses a body over 64 KiB.
    pub(crate) fn write_work(&self, body: &[u8]) -> Work {
        if self.persisted {
            Work::Heavy
        } else {
            Self::read_work(body)
        }
    }

    /// A read with a body (a search, a credential test): heavy when the body is over 64 KiB.
    pub(crate) fn read_work(body: &[u8]) -> Work {
        if body.len() > LIGHT_BODY {
            Work::Heavy
        } else {
            Work::Light
        }
    }

    /// The store for writing, brought up to the clock.
    pub(crate) fn write(&self) -> ApiResult<RwLockWriteGuard<'_, Store>> {
        let mut store = self.store.write().map_err(|_| poisoned())?;
        store.advance(self.clock.now());
        Ok(store)
    }
}

fn poisoned() -> ApiError {
    ApiError::internal("the sandbox's state is unavailable after a failure")
}

/// A JSON answer (a 500 in the impossible case that it cannot be written).
pub(crate) fn json_response(value: &impl serde::Serialize) -> Response {
    rendered(value, 0).unwrap_or_else(IntoResponse::into_response)
}

/// A JSON answer written from a view of shared records (after the store's lock is released)
/// into a buffer of about `size` bytes (so that a 32 MB answer is not copied as it grows).
///
/// # Errors
/// A 500 when the view cannot be written (it always can).
pub(crate) fn rendered(view: &impl serde::Serialize, size: usize) -> ApiResult<Response> {
    let mut bytes = Vec::with_capacity(size);
    serde_json::to_writer(&mut bytes, view)
        .map_err(|error| ApiError::internal(error.to_string()))?;
    Ok(bytes_response(bytes))
}

/// A JSON answer whose body is written as the connection takes it.
pub(crate) fn json_stream(
    body: impl http_body::Body<Data = Bytes, Error = std::convert::Infallible> + Send + 'static,
) -> Response {
    (
        [(http::header::CONTENT_TYPE, "application/json")],
        axum::body::Body::new(body),
    )
        .into_response()
}

fn bytes_response(bytes: Vec<u8>) -> Response {
    ([(http::header::CONTENT_TYPE, "application/json")], bytes).into_response()
}

/// The longest request target the sandbox reads (as a proxy in front of Atlan would: 8 KiB).
const MAX_URI: usize = 8 * 1024;

type Json = axum::Json<Value>;

/// The router.
pub(crate) fn router(state: AppState) -> Router {
    let mut api = Router::new()
        .route("/workflows/indexsearch", post(search_workflows))
        .route("/runs/indexsearch", post(search_runs))
        .route("/workflows/triggerAsOwner", post(rerun))
        .route("/workflows/{name}/changeownership", post(change_owner))
        .route("/runs/cron", get(cron_workflows))
        .route(
            "/runs/cron/scheduleQueriesBetweenDuration",
            get(schedule_queries),
        )
        .route(
            "/runs/cron/missedScheduleQueriesBetweenDuration",
            get(missed_schedule_queries),
        )
        .route("/runs/cron/{name}", get(cron_workflow))
        .route("/runs/{id}/stop", post(stop_run))
        .route(
            "/credentials",
            post(create_credential).get(list_credentials),
        )
        .route("/credentials/test", post(test_credential))
        .route(
            "/credentials/{id}",
            get(get_credential).post(update_credential),
        )
        .route("/credentials/{id}/test", post(test_stored_credential))
        .route("/credentials/{id}/archive", post(purge_credential))
        .route("/whoami", get(whoami));
    for prefix in ["/workflows", "/package-workflows"] {
        api = api
            .route(prefix, post(submit_workflow))
            .route(&format!("{prefix}/submit"), post(rerun))
            .route(&format!("{prefix}/{{name}}"), post(update_workflow))
            .route(
                &format!("{prefix}/{{name}}/archive"),
                post(archive_workflow),
            );
    }
    let control = Router::new()
        .route(
            "/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route("/faults/{id}", delete(remove_fault))
        .route("/health", get(health));
    let api = api.merge(crate::app_routes::service());
    Router::new()
        .nest("/api/service", api)
        .nest("/api/meta", crate::app_routes::meta())
        .nest("/_sandbox", control)
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

/// Every request needs `authorization: Bearer <key>`.
async fn authenticate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let presented = request
        .headers()
        .get(http::header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    match presented {
        Some(key) if same(key.as_bytes(), state.api_key.as_bytes()) => next.run(request).await,
        _ => ApiError::unauthorized().into_response(),
    }
}

/// Compares without stopping at the first difference.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn parse_search(body: &Bytes) -> ApiResult<Search> {
    let value = crate::body::json_object(body)?;
    serde_json::from_value(value).map_err(|error| {
        ApiError::bad_request(format!("[x_content_parse_exception] {error}")).cause(
            "x_content_parse_exception",
            error.to_string(),
            "body",
        )
    })
}

/// An `indexsearch`: the answer is serialized under the read lock, straight from the store (a page
/// is at most 10,000 documents of a bounded size; the search itself needs the lock anyway).
fn search(state: &AppState, index: Index, body: &Bytes) -> ApiResult<Response> {
    let started = Instant::now();
    let search = parse_search(body)?;
    let now = state.clock.now();
    let store = state.read()?;
    let page = store.search(index, &search, now)?;
    let body = envelope::search(index, &page, started.elapsed())
        .map_err(|error| ApiError::internal(error.to_string()))?;
    Ok(bytes_response(body))
}

async fn search_workflows(State(state): State<AppState>, body: Bytes) -> ApiResult<Response> {
    state
        .run(AppState::read_work(&body), move |state| {
            search(state, Index::Workflows, &body)
        })
        .await
}

async fn search_runs(State(state): State<AppState>, body: Bytes) -> ApiResult<Response> {
    state
        .run(AppState::read_work(&body), move |state| {
            search(state, Index::Runs, &body)
        })
        .await
}

async fn submit_workflow(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> ApiResult<Response> {
    if query.get("submit").map(String::as_str) != Some("true") {
        return Err(ApiError::bad_request(
            "creating a workflow needs ?submit=true",
        ));
    }
    state
        .run(state.write_work(&body), move |state| {
            let body = crate::body::json_object(&body)?;
            let workflow = body
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let outcome = state.faults.run_outcome(&workflow);
            let submitted =
                state
                    .write()?
                    .submit_workflow(body, &state.identity.creator, outcome)?;
            Ok(json_response(&submitted))
        })
        .await
}

async fn rerun(State(state): State<AppState>, body: Bytes) -> ApiResult<Response> {
    state
        .run(state.write_work(&body), move |state| {
            let body = crate::body::json_object(&body)?;
            let workflow = body
                .get("resourceName")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let outcome = state.faults.run_outcome(&workflow);
            let run = state
                .write()?
                .rerun(body, &state.identity.creator, outcome)?;
            Ok(json_response(&run))
        })
        .await
}

async fn update_workflow(
    State(state): State<AppState>,
    Path(name): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    state
        .run(state.write_work(&body), move |state| {
            let body = crate::body::json_object(&body)?;
            Ok(json_response(&state.write()?.update_workflow(&name, body)?))
        })
        .await
}

async fn change_owner(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let username = query.get("username").cloned().unwrap_or_default();
    state
        .run(state.write_work(&[]), move |state| {
            Ok(json_response(
                &state.write()?.change_owner(&name, &username)?,
            ))
        })
        .await
}

async fn archive_workflow(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> ApiResult<StatusCode> {
    state
        .run(state.write_work(&[]), move |state| {
            state.write()?.archive_workflow(&name)?;
            Ok(StatusCode::OK)
        })
        .await
}

async fn stop_run(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Response> {
    state
        .run(state.write_work(&[]), move |state| {
            Ok(json_response(&state.write()?.stop_run(&id)?))
        })
        .await
}

async fn cron_workflows(State(state): State<AppState>) -> ApiResult<Response> {
    state
        .run(Work::Light, move |state| {
            Ok(json_response(&envelope::cron_list(
                state.read()?.cron_workflows(),
            )))
        })
        .await
}

async fn cron_workflow(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> ApiResult<Response> {
    state
        .run(Work::Light, move |state| {
            Ok(json_response(&state.read()?.cron_workflow(&name)?))
        })
        .await
}

fn date_range(query: &HashMap<String, String>) -> ApiResult<(&str, &str)> {
    let get = |key: &str| {
        query
            .get(key)
            .map(String::as_str)
            .ok_or_else(|| ApiError::bad_request(format!("the {key} query parameter is required")))
    };
    Ok((get("startDate")?, get("endDate")?))
}

async fn schedule_queries(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    scheduled_runs(state, query, false).await
}

async fn missed_schedule_queries(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    scheduled_runs(state, query, true).await
}

async fn scheduled_runs(
    state: AppState,
    query: HashMap<String, String>,
    missed: bool,
) -> ApiResult<Response> {
    state
        .run(Work::Light, move |state| {
            let (start, end) = date_range(&query)?;
            let runs = state.read()?.schedule_query_runs(start, end, missed)?;
            Ok(json_response(&runs))
        })
        .await
}

async fn create_credential(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> ApiResult<Response> {
    let test = match query
        .get("testCredential")
        .map(|value| value.to_ascii_lowercase())
    {
        None => true,
        Some(value) if value == "true" => true,
        Some(value) if value == "false" => false,
        Some(value) => {
            return Err(ApiError::bad_request(format!(
                "testCredential must be true or false, got {value}"
            )));
        }
    };
    state
        .run(state.write_work(&body), move |state| {
            let body = crate::body::json_object(&body)?;
            let created =
                state
                    .write()?
                    .create_credential(body, test, &state.identity.creator.username)?;
            Ok(json_response(&created))
        })
        .await
}

async fn list_credentials(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let number = |key: &str| -> ApiResult<Option<usize>> {
        query
            .get(key)
            .map(|value| {
                value.parse().map_err(|_| {
                    ApiError::bad_request(format!(
                        "{key} must be a non-negative integer, got {value}"
                    ))
                })
            })
            .transpose()
    };
    let (limit, offset) = (number("limit")?, number("offset")?);
    state
        .run(Work::Light, move |state| {
            let records = state.read()?.list_credentials(
                query.get("filter").map(String::as_str),
                limit,
                offset,
            )?;
            Ok(json_response(&envelope::credential_list(records)))
        })
        .await
}

async fn get_credential(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    state
        .run(Work::Light, move |state| {
            Ok(json_response(&state.read()?.get_credential(&id)?))
        })
        .await
}

async fn test_credential(State(state): State<AppState>, body: Bytes) -> ApiResult<Response> {
    state
        .run(AppState::read_work(&body), move |state| {
            let body = crate::body::json_object(&body)?;
            Ok(json_response(&state.read()?.test_credential(body)?))
        })
        .await
}

async fn test_stored_credential(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    state
        .run(Work::Light, move |state| {
            Ok(json_response(&state.read()?.test_stored_credential(&id)?))
        })
        .await
}

async fn update_credential(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    state
        .run(state.write_work(&body), move |state| {
            let body = crate::body::json_object(&body)?;
            Ok(json_response(&state.write()?.update_credential(&id, body)?))
        })
        .await
}

async fn purge_credential(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state
        .run(state.write_work(&[]), move |state| {
            state.write()?.purge_credential(&id)?;
            Ok(StatusCode::OK)
        })
        .await
}

async fn whoami(State(state): State<AppState>) -> Json {
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

async fn list_faults(State(state): State<AppState>) -> Json {
    axum::Json(json!({"faults": state.faults.list()}))
}

async fn add_fault(State(state): State<AppState>, body: Bytes) -> ApiResult<Json> {
    let rule: FaultRule = serde_json::from_slice(&body)
        .map_err(|error| ApiError::bad_request(format!("invalid fault rule: {error}")))?;
    let id = state
        .faults
        .add(rule)
        .map_err(|error| ApiError::bad_request(error.to_string()))?;
    Ok(axum::Json(json!({"id": id})))
}

async fn clear_faults(State(state): State<AppState>) -> StatusCode {
    state.faults.clear();
    StatusCode::OK
}

async fn remove_fault(State(state): State<AppState>, Path(id): Path<u64>) -> ApiResult<StatusCode> {
    if state.faults.remove(id) {
        Ok(StatusCode::OK)
    } else {
        Err(ApiError::not_found("fault", &id.to_string()))
    }
}

/// Answered from the counts the store publishes after every change, without its lock: health
/// answers at once whatever runs (a heavy list, a compaction of the state file).
async fn health(State(state): State<AppState>) -> Json {
    axum::Json(state.health.answer())
}
