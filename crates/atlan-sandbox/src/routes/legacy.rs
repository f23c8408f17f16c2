//! The legacy workflow API: `workflows/…` (and `package-workflows/…`), `runs/…` and the
//! schedule-query reports.

use std::collections::HashMap;
use std::time::Instant;

use atlan_query::{Index, Search};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use bytes::Bytes;
use http::StatusCode;

use super::state::{ServerState, Work, bytes_response};
use crate::envelope;
use crate::error::{ApiError, ApiResult};

/// The routes under `/api/service` for workflows and runs.
pub(super) fn routes() -> Router<ServerState> {
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
        .route("/runs/{id}/stop", post(stop_run));
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
    api
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
fn search(state: &ServerState, index: Index, body: &Bytes) -> ApiResult<Response> {
    let started = Instant::now();
    let search = parse_search(body)?;
    let now = state.clock.now();
    let store = state.read()?;
    let page = store.search(index, &search, now)?;
    let body = envelope::search(index, &page, started.elapsed())
        .map_err(|error| ApiError::internal(error.to_string()))?;
    Ok(bytes_response(body))
}

async fn search_workflows(State(state): State<ServerState>, body: Bytes) -> ApiResult<Response> {
    state
        .run(ServerState::read_work(&body), move |state| {
            search(state, Index::Workflows, &body)
        })
        .await
}

async fn search_runs(State(state): State<ServerState>, body: Bytes) -> ApiResult<Response> {
    state
        .run(ServerState::read_work(&body), move |state| {
            search(state, Index::Runs, &body)
        })
        .await
}

async fn submit_workflow(
    State(state): State<ServerState>,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> ApiResult<Response> {
    if query.get("submit").map(String::as_str) != Some("true") {
        return Err(ApiError::bad_request(
            "creating a workflow needs ?submit=true",
        ));
    }
    state
        .answer(state.write_work(&body), move |state| {
            let body = crate::body::json_object(&body)?;
            let submitted = state
                .write()?
                .submit_workflow(body, &state.identity.creator)?;
            Ok(submitted)
        })
        .await
}

async fn rerun(State(state): State<ServerState>, body: Bytes) -> ApiResult<Response> {
    state
        .answer(state.write_work(&body), move |state| {
            let body = crate::body::json_object(&body)?;
            let run = state.write()?.rerun(body, &state.identity.creator)?;
            Ok(run)
        })
        .await
}

async fn update_workflow(
    State(state): State<ServerState>,
    Path(name): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    state
        .answer(state.write_work(&body), move |state| {
            let body = crate::body::json_object(&body)?;
            state.write()?.update_workflow(&name, body)
        })
        .await
}

async fn change_owner(
    State(state): State<ServerState>,
    Path(name): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let username = query.get("username").cloned().unwrap_or_default();
    state
        .answer(state.write_work(&[]), move |state| {
            state.write()?.change_owner(&name, &username)
        })
        .await
}

async fn archive_workflow(
    State(state): State<ServerState>,
    Path(name): Path<String>,
) -> ApiResult<StatusCode> {
    state
        .run(state.write_work(&[]), move |state| {
            state.write()?.archive_workflow(&name)?;
            Ok(StatusCode::OK)
        })
        .await
}

async fn stop_run(State(state): State<ServerState>, Path(id): Path<String>) -> ApiResult<Response> {
    state
        .answer(state.write_work(&[]), move |state| {
            state.write()?.stop_run(&id)
        })
        .await
}

async fn cron_workflows(State(state): State<ServerState>) -> ApiResult<Response> {
    state
        .answer(Work::Light, move |state| {
            Ok(envelope::cron_list(state.read()?.cron_workflows()))
        })
        .await
}

async fn cron_workflow(
    State(state): State<ServerState>,
    Path(name): Path<String>,
) -> ApiResult<Response> {
    state
        .answer(Work::Light, move |state| state.read()?.cron_workflow(&name))
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
    State(state): State<ServerState>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    scheduled_runs(state, query, false).await
}

async fn missed_schedule_queries(
    State(state): State<ServerState>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    scheduled_runs(state, query, true).await
}

async fn scheduled_runs(
    state: ServerState,
    query: HashMap<String, String>,
    missed: bool,
) -> ApiResult<Response> {
    state
        .answer(Work::Light, move |state| {
            let (start, end) = date_range(&query)?;
            let runs = state.read()?.schedule_query_runs(start, end, missed)?;
            Ok(runs)
        })
        .await
}
