//! The App workflows API (`/api/service/v1/app…`, `/api/service/v1/apps/…`) and the Atlas search
//! that finds app runs (`/api/meta/search/indexsearch`). Every id in a path is one segment: axum
//! decodes it, so `a%2Fb` is the slug `a/b` (unknown: 404), never another route.
//!
//! Bodies are read and checked before the store is locked, reads take shared records under the
//! lock and render them after; heavy work (a state file to sync, a large body) runs on the
//! blocking pool ([`Work`]). The asset search reads indexed documents, as the legacy searches do.

use std::collections::HashMap;

use atlan_query::apps::AtlasSearch;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{delete, get, post};
use bytes::Bytes;

use super::state::{ServerState, Work, bytes_response, json_stream, rendered};
use crate::app_request::{self, CreateApp, UpdateApp};
use crate::envelope;
use crate::error::{ApiError, ApiResult};
use crate::store::views::ListBody;

/// The routes under `/api/service`.
pub(super) fn service() -> Router<ServerState> {
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
pub(super) fn meta() -> Router<ServerState> {
    Router::new().route("/search/indexsearch", post(search))
}

fn username(state: &ServerState) -> String {
    state.identity.creator.username.clone()
}

async fn describe(
    State(state): State<ServerState>,
    Path(app_id): Path<String>,
) -> ApiResult<Response> {
    state
        .answer(Work::Light, move |state| state.read()?.app_info(&app_id))
        .await
}

async fn contract(
    State(state): State<ServerState>,
    Path(app_id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    state
        .answer(Work::Light, move |state| {
            let entrypoint = query.get("entrypoint").map(String::as_str);
            state.read()?.app_contract(&app_id, entrypoint)
        })
        .await
}

async fn create(State(state): State<ServerState>, body: Bytes) -> ApiResult<Response> {
    state
        .answer(state.write_work(&body), move |state| {
            let request = CreateApp::parse(&body)?;
            let owner = username(state);
            let created = state.write()?.create_app(request, &owner)?;
            Ok(created)
        })
        .await
}

async fn list(
    State(state): State<ServerState>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    state
        .run(Work::Light, move |state| {
            let get = |key: &str| query.get(key).map(String::as_str);
            let page = state
                .read()?
                .list_apps(get("limit"), get("cursor"), get("name"))?;
            Ok(json_stream(ListBody::new(page)))
        })
        .await
}

async fn get_one(
    State(state): State<ServerState>,
    Path(slug): Path<String>,
) -> ApiResult<Response> {
    state
        .run(Work::Light, move |state| {
            let record = state.read()?.app_workflow(&slug)?;
            rendered(&record.summary(), record.summary_len())
        })
        .await
}

async fn update(
    State(state): State<ServerState>,
    Path(slug): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    state
        .answer(state.write_work(&body), move |state| {
            let request = UpdateApp::parse(&body)?;
            let owner = username(state);
            state.write()?.update_app(&slug, request, &owner)
        })
        .await
}

async fn remove(State(state): State<ServerState>, Path(slug): Path<String>) -> ApiResult<Response> {
    state
        .answer(state.write_work(&[]), move |state| {
            state.write()?.delete_app(&slug)
        })
        .await
}

async fn submit(State(state): State<ServerState>, Path(slug): Path<String>) -> ApiResult<Response> {
    state
        .answer(state.write_work(&[]), move |state| {
            let by = username(state);
            state.write()?.submit_app(&slug, &by)
        })
        .await
}

async fn get_run(
    State(state): State<ServerState>,
    Path(run_id): Path<String>,
) -> ApiResult<Response> {
    state
        .answer(Work::Light, move |state| {
            let now = state.clock.now();
            state.read()?.get_app_run(&run_id, now)
        })
        .await
}

async fn cancel(
    State(state): State<ServerState>,
    Path(run_id): Path<String>,
) -> ApiResult<Response> {
    state
        .answer(state.write_work(&[]), move |state| {
            let by = username(state);
            state.write()?.cancel_app_run(&run_id, &by)
        })
        .await
}

async fn add_schedule(
    State(state): State<ServerState>,
    Path(slug): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    state
        .answer(state.write_work(&body), move |state| {
            let schedule = app_request::parse_schedule(&body)?;
            state.write()?.add_app_schedule(&slug, schedule)
        })
        .await
}

async fn remove_schedule(
    State(state): State<ServerState>,
    Path((slug, trigger_id)): Path<(String, String)>,
) -> ApiResult<Response> {
    state
        .answer(state.write_work(&[]), move |state| {
            state.write()?.remove_app_schedule(&slug, &trigger_id)
        })
        .await
}

async fn search(State(state): State<ServerState>, body: Bytes) -> ApiResult<Response> {
    state
        .run(ServerState::read_work(&body), move |state| {
            let body = crate::body::json_object(&body)?;
            let search: AtlasSearch = serde_json::from_value(body).map_err(|error| {
                ApiError::bad_request(format!("[x_content_parse_exception] {error}")).cause(
                    "x_content_parse_exception",
                    error.to_string(),
                    "dsl",
                )
            })?;
            let now = state.clock.now();
            let store = state.read()?;
            let page = store.atlas_search(&search, now)?;
            let body = envelope::atlas_search(&page, &search.attributes)
                .map_err(|error| ApiError::internal(error.to_string()))?;
            Ok(bytes_response(body))
        })
        .await
}
