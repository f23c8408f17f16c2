//! Schedules: list and get (adding and removing one is a workflow update).

use atlan_query::workflows::non_empty;

use crate::error::Result;
use crate::request::ApiRequest;

/// `GET runs/cron`: every scheduled workflow's CronWorkflow.
pub fn list() -> ApiRequest {
    ApiRequest::get("schedules.list", &["runs", "cron"])
}

/// `GET runs/cron/{workflow_name}-cron`: one workflow's CronWorkflow.
///
/// # Errors
/// [`crate::Error::InvalidInput`] for an empty name.
pub fn get(workflow_name: &str) -> Result<ApiRequest> {
    non_empty(workflow_name, "workflow name")?;
    Ok(ApiRequest::get(
        "schedules.get",
        &["runs", "cron", &format!("{workflow_name}-cron")],
    ))
}
