//! The Atlas entity endpoints under `/api/meta/entity/` for `Connection` assets: save in bulk,
//! read by guid, delete or purge in bulk.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use bytes::Bytes;

use super::state::{ServerState, Work};
use crate::error::ApiResult;

/// `/api/meta/entity/bulk` and `/api/meta/entity/guid/{guid}`.
pub(super) fn routes() -> Router<ServerState> {
    Router::new()
        .route("/entity/bulk", post(save).delete(remove))
        // pyatlan writes the path with a trailing slash.
        .route("/entity/bulk/", post(save).delete(remove))
        .route("/entity/guid/{guid}", get(get_one))
        .route("/entity/uniqueAttribute/type/{type_name}", get(get_by_name))
}

/// `GET entity/uniqueAttribute/type/Connection?attr:qualifiedName=…`.
async fn get_by_name(
    State(state): State<ServerState>,
    Path(type_name): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> ApiResult<Response> {
    state
        .answer(Work::Light, move |state| {
            let qualified_name = query
                .iter()
                .find(|(key, _)| key == "attr:qualifiedName")
                .map_or("", |(_, name)| name.as_str());
            state.read()?.get_entity_by_name(&type_name, qualified_name)
        })
        .await
}

async fn save(State(state): State<ServerState>, body: Bytes) -> ApiResult<Response> {
    state
        .answer(state.write_work(&body), move |state| {
            let body = crate::body::json_object(&body)?;
            let by = state.identity.creator.username.clone();
            state.write()?.save_entities(&body, &by)
        })
        .await
}

async fn get_one(
    State(state): State<ServerState>,
    Path(guid): Path<String>,
) -> ApiResult<Response> {
    state
        .answer(Work::Light, move |state| state.read()?.get_entity(&guid))
        .await
}

async fn remove(
    State(state): State<ServerState>,
    Query(query): Query<Vec<(String, String)>>,
) -> ApiResult<Response> {
    state
        .answer(state.write_work(&[]), move |state| {
            let guids: Vec<String> = query
                .iter()
                .filter(|(key, _)| key == "guid")
                .map(|(_, guid)| guid.clone())
                .collect();
            let kind = query
                .iter()
                .find(|(key, _)| key == "deleteType")
                .map_or("", |(_, kind)| kind.as_str());
            state.write()?.delete_entities(&guids, kind)
        })
        .await
}
