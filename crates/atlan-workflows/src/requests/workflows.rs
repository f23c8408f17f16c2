//! Workflows: find, run, re-run, update, change owner, delete; scheduled queries.

use atlan_model::{Workflow, WorkflowPackage};
use atlan_query::workflows::{self, non_empty};
use atlan_query::{Index, Timestamp};
use serde_json::json;

use super::{WorkflowRoute, index_search};
use crate::error::{Error, Result};
use crate::request::{ApiRequest, redact_workflow};

/// `POST workflows/indexsearch`: the workflow with this id.
///
/// # Errors
/// [`Error::InvalidInput`] for an empty id.
pub fn find_by_id(id: &str) -> Result<ApiRequest> {
    index_search(
        "workflows.get",
        Index::Workflows,
        &workflows::find_by_id(id)?,
    )
}

/// `POST workflows/indexsearch`: the workflows with any of these ids.
///
/// # Errors
/// As [`workflows::find_by_ids`].
pub fn find_by_ids(ids: &[&str]) -> Result<ApiRequest> {
    index_search(
        "runs.workflow_of",
        Index::Workflows,
        &workflows::find_by_ids(ids)?,
    )
}

/// `POST workflows/indexsearch`: up to `max_results` workflows of a package, newest first.
///
/// # Errors
/// [`Error::InvalidInput`] for `max_results` 0 or over 10,000.
pub fn find_by_type(package: &WorkflowPackage, max_results: u64) -> Result<ApiRequest> {
    index_search(
        "workflows.find_by_type",
        Index::Workflows,
        &workflows::find_by_type(package.clone(), max_results)?,
    )
}

/// `POST workflows/indexsearch`: the newest workflows of every package.
///
/// # Errors
/// [`Error::InvalidInput`] for `max_results` 0 or over 10,000.
pub fn every(max_results: u64) -> Result<ApiRequest> {
    index_search(
        "workflows.every",
        Index::Workflows,
        &workflows::every_workflow(max_results)?,
    )
}

/// `POST workflows/indexsearch`: the workflows whose schedule is suspended.
///
/// # Errors
/// [`Error::InvalidInput`] for `max_results` 0 or over 10,000.
pub fn suspended_schedules(max_results: u64) -> Result<ApiRequest> {
    index_search(
        "schedules.suspended",
        Index::Workflows,
        &workflows::suspended_schedules(max_results)?,
    )
}

/// `POST {route}?submit=true`: creates the workflow and starts its first run.
///
/// # Errors
/// [`Error::InvalidInput`] for a workflow without a name.
pub fn run(route: WorkflowRoute, workflow: &Workflow) -> Result<ApiRequest> {
    named(workflow)?;
    Ok(ApiRequest::post("workflows.run", &[route.segment()])
        .query("submit", "true")
        .json_redacted(workflow, redact_workflow)?)
}

/// `POST {route}/submit`: a new run of an existing workflow.
///
/// # Errors
/// [`Error::InvalidInput`] for an empty name.
pub fn rerun(route: WorkflowRoute, namespace: &str, name: &str) -> Result<ApiRequest> {
    non_empty(name, "workflow name")?;
    let namespace = if namespace.is_empty() {
        "default"
    } else {
        namespace
    };
    Ok(
        ApiRequest::post("workflows.rerun", &[route.segment(), "submit"]).json(&json!({
            "namespace": namespace,
            "resourceKind": "WorkflowTemplate",
            "resourceName": name,
        }))?,
    )
}

/// `POST {route}/{name}`: replaces the workflow (metadata and spec).
///
/// # Errors
/// [`Error::InvalidInput`] for a workflow without a name.
pub fn update(route: WorkflowRoute, workflow: &Workflow) -> Result<ApiRequest> {
    let name = named(workflow)?;
    Ok(
        ApiRequest::post("workflows.update", &[route.segment(), name])
            .json_redacted(workflow, redact_workflow)?,
    )
}

/// `POST workflows/{name}/changeownership?username=`: makes `username` the workflow's owner. The
/// username is a query parameter, as the API defines it (pyatlan sends a JSON body instead).
///
/// # Errors
/// [`Error::InvalidInput`] for an empty name or username.
pub fn change_owner(name: &str, username: &str) -> Result<ApiRequest> {
    non_empty(name, "workflow name")?;
    non_empty(username, "username")?;
    Ok(ApiRequest::post(
        "workflows.change_owner",
        &["workflows", name, "changeownership"],
    )
    .query("username", username))
}

/// `POST {route}/{name}/archive`: deletes the workflow.
///
/// # Errors
/// [`Error::InvalidInput`] for an empty name.
pub fn delete(route: WorkflowRoute, name: &str) -> Result<ApiRequest> {
    non_empty(name, "workflow name")?;
    Ok(ApiRequest::post(
        "workflows.delete",
        &[route.segment(), name, "archive"],
    ))
}

/// `POST workflows/indexsearch`: the scheduled-query workflows of a saved query.
///
/// # Errors
/// [`Error::InvalidInput`] for an empty id or a bad `max_results`.
pub fn find_schedule_query(saved_query_id: &str, max_results: u64) -> Result<ApiRequest> {
    index_search(
        "workflows.find_schedule_query",
        Index::Workflows,
        &workflows::schedule_query(saved_query_id, max_results)?,
    )
}

/// `POST workflows/triggerAsOwner`: re-runs a scheduled query as its owner.
///
/// # Errors
/// [`Error::InvalidInput`] for an empty name.
pub fn rerun_schedule_query(name: &str) -> Result<ApiRequest> {
    non_empty(name, "scheduled query workflow name")?;
    Ok(ApiRequest::post(
        "workflows.rerun_schedule_query",
        &["workflows", "triggerAsOwner"],
    )
    .json(
        &json!({"namespace": "default", "resourceKind": "WorkflowTemplate", "resourceName": name}),
    )?)
}

/// `GET runs/cron/scheduleQueriesBetweenDuration`: runs of scheduled queries between two
/// instants.
///
/// # Errors
/// [`Error::InvalidInput`] when `end` is before `start`.
pub fn schedule_query_runs(start: Timestamp, end: Timestamp) -> Result<ApiRequest> {
    schedule_query_runs_at("scheduleQueriesBetweenDuration", start, end)
}

/// `GET runs/cron/missedScheduleQueriesBetweenDuration`: runs of scheduled queries between two
/// instants that did not succeed.
///
/// # Errors
/// [`Error::InvalidInput`] when `end` is before `start`.
pub fn missed_schedule_query_runs(start: Timestamp, end: Timestamp) -> Result<ApiRequest> {
    schedule_query_runs_at("missedScheduleQueriesBetweenDuration", start, end)
}

fn schedule_query_runs_at(endpoint: &str, start: Timestamp, end: Timestamp) -> Result<ApiRequest> {
    if end < start {
        return Err(Error::invalid(format!(
            "the end ({end}) is before the start ({start})"
        )));
    }
    Ok(
        ApiRequest::get("workflows.schedule_query_runs", &["runs", "cron", endpoint])
            .query("startDate", start.to_string())
            .query("endDate", end.to_string()),
    )
}

fn named(workflow: &Workflow) -> Result<&str> {
    workflow
        .name()
        .filter(|name| !name.trim().is_empty())
        .ok_or_else(|| Error::invalid("the workflow has no metadata.name"))
}
