//! App workflows (`/api/service/v1/app…`) and the asset search of their runs
//! (`/api/meta/search/indexsearch`).
//!
//! Every id is one path segment: percent-encoded (`a/b` is sent as `a%2Fb`), and an empty id, or
//! `.` and `..` (which servers and proxies may resolve as dot segments), is refused before anything
//! is built — unlike pyatlan, which pastes ids into paths as they are.
//!
//! ```
//! use atlan_workflows::requests;
//!
//! let request = requests::apps::get("a/b?c")?;
//! assert_eq!(request.path(), "/api/service/v1/app/a%2Fb%3Fc");
//! assert!(requests::apps::get("..").is_err() && requests::apps::get("").is_err());
//! # Ok::<(), atlan_workflows::Error>(())
//! ```

use atlan_model::{AppSchedule, CreateApp, UpdateApp};
use atlan_query::apps::AtlasSearch;
use http::Method;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::request::{ApiRequest, META_PREFIX};

/// An id as one path segment: not empty, not a dot segment.
fn id<'a>(value: &'a str, what: &str) -> Result<&'a str> {
    if value.trim().is_empty() {
        return Err(Error::invalid(format!("{what} must not be empty")));
    }
    if value == "." || value == ".." {
        return Err(Error::invalid(format!(
            "{what} `{value}` is a dot segment, which a server may resolve to another path"
        )));
    }
    Ok(value)
}

/// Redacts the raw credential (and agent settings) inside a body's `inputs`.
fn redact_inputs(body: &mut Value) {
    if let Some(inputs) = body.get_mut("inputs") {
        let shown: atlan_model::AppInputs =
            serde_json::from_value(inputs.clone()).unwrap_or_default();
        *inputs = shown.redacted();
    }
}

/// `GET v1/apps/{app_id}`.
///
/// # Errors
/// [`Error::InvalidInput`] for an empty or dot-segment id.
pub fn describe(app_id: &str) -> Result<ApiRequest> {
    Ok(ApiRequest::get(
        "apps.describe",
        &["v1", "apps", id(app_id, "app id")?],
    ))
}

/// `GET v1/apps/{app_id}/inputs[?entrypoint=]` (the entrypoint only when not empty).
///
/// # Errors
/// [`Error::InvalidInput`] for an empty or dot-segment id.
pub fn input_contract(app_id: &str, entrypoint: Option<&str>) -> Result<ApiRequest> {
    let mut request = ApiRequest::get(
        "apps.input_contract",
        &["v1", "apps", id(app_id, "app id")?, "inputs"],
    );
    if let Some(entrypoint) = entrypoint.filter(|entrypoint| !entrypoint.is_empty()) {
        request = request.query("entrypoint", entrypoint);
    }
    Ok(request)
}

/// `POST v1/app`: never re-sent once it may have reached the server.
///
/// # Errors
/// [`Error::InvalidInput`] for an empty app id or name, or a body that cannot be encoded.
pub fn create(request: &CreateApp) -> Result<ApiRequest> {
    id(&request.app_id, "app id")?;
    if request.name.trim().is_empty() {
        return Err(Error::invalid("an app workflow's name must not be empty"));
    }
    Ok(ApiRequest::post("apps.create", &["v1", "app"]).json_redacted(request, redact_inputs)?)
}

/// `GET v1/app[?limit=&cursor=&name=]`.
pub fn list(limit: Option<u32>, cursor: Option<&str>, name: Option<&str>) -> ApiRequest {
    let mut request = ApiRequest::get("apps.list", &["v1", "app"]);
    if let Some(limit) = limit {
        request = request.query("limit", limit.to_string());
    }
    if let Some(cursor) = cursor {
        request = request.query("cursor", cursor);
    }
    if let Some(name) = name {
        request = request.query("name", name);
    }
    request
}

/// `GET v1/app/{slug}`.
///
/// # Errors
/// [`Error::InvalidInput`] for an empty or dot-segment slug.
pub fn get(slug: &str) -> Result<ApiRequest> {
    Ok(ApiRequest::get(
        "apps.get",
        &["v1", "app", id(slug, "slug")?],
    ))
}

/// `PUT v1/app/{slug}`: a full replace of the inputs.
///
/// # Errors
/// [`Error::InvalidInput`] for an empty or dot-segment slug.
pub fn update(slug: &str, request: &UpdateApp) -> Result<ApiRequest> {
    Ok(ApiRequest::new(
        Method::PUT,
        "apps.update",
        &["v1", "app", id(slug, "slug")?],
    )
    .json_redacted(request, redact_inputs)?)
}

/// `DELETE v1/app/{slug}` (archive).
///
/// # Errors
/// [`Error::InvalidInput`] for an empty or dot-segment slug.
pub fn delete(slug: &str) -> Result<ApiRequest> {
    Ok(ApiRequest::new(
        Method::DELETE,
        "apps.delete",
        &["v1", "app", id(slug, "slug")?],
    ))
}

/// `POST v1/app/{slug}/submit` (no body): never re-sent once it may have reached the server.
///
/// # Errors
/// [`Error::InvalidInput`] for an empty or dot-segment slug.
pub fn submit(slug: &str) -> Result<ApiRequest> {
    Ok(ApiRequest::post(
        "apps.submit",
        &["v1", "app", id(slug, "slug")?, "submit"],
    ))
}

/// `GET v1/app/runs/{run_id}`.
///
/// # Errors
/// [`Error::InvalidInput`] for an empty or dot-segment run id.
pub fn get_run(run_id: &str) -> Result<ApiRequest> {
    Ok(ApiRequest::get(
        "apps.get_run",
        &["v1", "app", "runs", id(run_id, "run id")?],
    ))
}

/// `POST v1/app/runs/{run_id}/cancel`.
///
/// # Errors
/// [`Error::InvalidInput`] for an empty or dot-segment run id.
pub fn cancel_run(run_id: &str) -> Result<ApiRequest> {
    Ok(ApiRequest::post(
        "apps.cancel_run",
        &["v1", "app", "runs", id(run_id, "run id")?, "cancel"],
    ))
}

/// `POST v1/app/{slug}/schedule`.
///
/// # Errors
/// [`Error::InvalidInput`] for an empty or dot-segment slug.
pub fn add_schedule(slug: &str, schedule: &AppSchedule) -> Result<ApiRequest> {
    Ok(ApiRequest::post(
        "apps.add_schedule",
        &["v1", "app", id(slug, "slug")?, "schedule"],
    )
    .json(schedule)?)
}

/// `DELETE v1/app/{slug}/schedule/{trigger_id}`.
///
/// # Errors
/// [`Error::InvalidInput`] for an empty or dot-segment slug or trigger id.
pub fn remove_schedule(slug: &str, trigger_id: &str) -> Result<ApiRequest> {
    Ok(ApiRequest::new(
        Method::DELETE,
        "apps.remove_schedule",
        &[
            "v1",
            "app",
            id(slug, "slug")?,
            "schedule",
            id(trigger_id, "trigger id")?,
        ],
    ))
}

/// `POST /api/meta/search/indexsearch`: an asset search (read-only, so safe to re-send).
///
/// # Errors
/// [`Error::InvalidInput`] when the body cannot be encoded.
pub fn search(search: &AtlasSearch) -> Result<ApiRequest> {
    Ok(ApiRequest::under(
        META_PREFIX,
        Method::POST,
        "apps.search_runs",
        &["search", "indexsearch"],
    )
    .read_only()
    .json(search)?)
}
