//! Source credentials: `credentials/…`.

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use bytes::Bytes;
use http::StatusCode;

use super::state::{ServerState, Work};
use crate::envelope;
use crate::error::{ApiError, ApiResult};

/// The routes under `/api/service` for credentials.
pub(super) fn routes() -> Router<ServerState> {
    Router::new()
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
}

async fn create_credential(
    State(state): State<ServerState>,
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
        .answer(state.write_work(&body), move |state| {
            let body = crate::body::json_object(&body)?;
            let created =
                state
                    .write()?
                    .create_credential(body, test, &state.identity.creator.username)?;
            Ok(created)
        })
        .await
}

async fn list_credentials(
    State(state): State<ServerState>,
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
        .answer(Work::Light, move |state| {
            let records = state.read()?.list_credentials(
                query.get("filter").map(String::as_str),
                limit,
                offset,
            )?;
            Ok(envelope::credential_list(records))
        })
        .await
}

async fn get_credential(
    State(state): State<ServerState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    state
        .answer(Work::Light, move |state| state.read()?.get_credential(&id))
        .await
}

async fn test_credential(State(state): State<ServerState>, body: Bytes) -> ApiResult<Response> {
    state
        .answer(ServerState::read_work(&body), move |state| {
            let body = crate::body::json_object(&body)?;
            state.read()?.test_credential(body)
        })
        .await
}

async fn test_stored_credential(
    State(state): State<ServerState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    state
        .answer(Work::Light, move |state| {
            state.read()?.test_stored_credential(&id)
        })
        .await
}

async fn update_credential(
    State(state): State<ServerState>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    state
        .answer(state.write_work(&body), move |state| {
            let body = crate::body::json_object(&body)?;
            state.write()?.update_credential(&id, body)
        })
        .await
}

async fn purge_credential(
    State(state): State<ServerState>,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state
        .run(state.write_work(&[]), move |state| {
            state.write()?.purge_credential(&id)?;
            Ok(StatusCode::OK)
        })
        .await
}
