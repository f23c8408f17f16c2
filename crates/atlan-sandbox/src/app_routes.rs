//! The App workflows API (`/api/service/v1/app…`, `/api/service/v1/apps/…`) and the Atlas search
//! that finds app runs (`/api/meta/search/indexsearch`). Every id in a path is one segment: axum
//! decodes it, so `a%2Fb` is the slug `a/b` (unknown: 404), never another route.

use std::collections::HashMap;

use atlan_query::apps::AtlasSearch;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::routing::{delete, get, post};
use bytes::Bytes;
use serde_json::Value;

use crate::error::{ApiError, ApiResult};
use crate::routes::{AppState, json_body};

type Json = axum::Json<Value>;

/// The routes under `/api/service`.
pub(crate) fn service() -> Router<AppState> {
    Router::new()
        .route("/v1/apps/{app_id}", get(describe))
        .route("/v1/apps/{app_id}/inputs", get(contract))
        .route("/v1/app", post(create).get(list))
        .route("/v1/app/{slug}", get(get_one).put(update).delete(remove))
        .route("/v1/app/{slug}/submit", post(submit))
        .route("/v1/app/{slug}/schedule", post(add_schedule))
        .route(
            "/v1/app/{slug}/schedule/{trigger_id}",
            delete(remove_schedule),
        )
        .route("/v1/app/runs/{run_id}", get(get_run))
        .route("/v1/app/runs/{run_id}/cancel", post(cancel))
}

/// The routes under `/api/meta`.
pub(crate) fn meta() -> Router<AppState> {
    Router::new().route("/search/indexsearch", post(search))
}

fn username(state: &AppState) -> String {
    state.identity.creator.username.clone()
}

async fn describe(State(state): State<AppState>, Path(app_id): Path<String>) -> ApiResult<Json> {
    Ok(axum::Json(state.read()?.app_info(&app_id)?))
}

async fn contract(
    State(state): State<AppState>,
    Path(app_id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json> {
    let entrypoint = query.get("entrypoint").map(String::as_str);
    Ok(axum::Json(state.read()?.app_contract(&app_id, entrypoint)?))
}

async fn create(State(state): State<AppState>, body: Bytes) -> ApiResult<Json> {
    let body = json_body(&body)?;
    let faults = state.faults.clone();
    let owner = username(&state);
    Ok(axum::Json(state.write()?.create_app(
        &body,
        &owner,
        |slug| faults.run_outcome(slug).0 != crate::store::Outcome::Succeeded,
    )?))
}

async fn list(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json> {
    let get = |key: &str| query.get(key).map(String::as_str);
    Ok(axum::Json(state.read()?.list_apps(
        get("limit"),
        get("cursor"),
        get("name"),
    )?))
}

async fn get_one(State(state): State<AppState>, Path(slug): Path<String>) -> ApiResult<Json> {
    Ok(axum::Json(state.read()?.get_app(&slug)?))
}

async fn update(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    body: Bytes,
) -> ApiResult<Json> {
    let body = json_body(&body)?;
    let owner = username(&state);
    Ok(axum::Json(state.write()?.update_app(&slug, &body, &owner)?))
}

async fn remove(State(state): State<AppState>, Path(slug): Path<String>) -> ApiResult<Json> {
    Ok(axum::Json(state.write()?.delete_app(&slug)?))
}

async fn submit(State(state): State<AppState>, Path(slug): Path<String>) -> ApiResult<Json> {
    let fails = state.faults.run_outcome(&slug).0 != crate::store::Outcome::Succeeded;
    let by = username(&state);
    Ok(axum::Json(state.write()?.submit_app(&slug, &by, fails)?))
}

async fn get_run(State(state): State<AppState>, Path(run_id): Path<String>) -> ApiResult<Json> {
    let now = state.clock.now();
    Ok(axum::Json(state.read()?.get_app_run(&run_id, now)?))
}

async fn cancel(State(state): State<AppState>, Path(run_id): Path<String>) -> ApiResult<Json> {
    let by = username(&state);
    Ok(axum::Json(state.write()?.cancel_app_run(&run_id, &by)?))
}

async fn add_schedule(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    body: Bytes,
) -> ApiResult<Json> {
    let body = json_body(&body)?;
    Ok(axum::Json(state.write()?.add_app_schedule(&slug, &body)?))
}

async fn remove_schedule(
    State(state): State<AppState>,
    Path((slug, trigger_id)): Path<(String, String)>,
) -> ApiResult<Json> {
    Ok(axum::Json(
        state.write()?.remove_app_schedule(&slug, &trigger_id)?,
    ))
}

async fn search(State(state): State<AppState>, body: Bytes) -> ApiResult<Json> {
    let body = json_body(&body)?;
    let search: AtlasSearch = serde_json::from_value(body).map_err(|error| {
        ApiError::bad_request(format!("[x_content_parse_exception] {error}")).cause(
            "x_content_parse_exception",
            error.to_string(),
            "dsl",
        )
    })?;
    let now = state.clock.now();
    Ok(axum::Json(state.read()?.atlas_search(&search, now)?))
}
