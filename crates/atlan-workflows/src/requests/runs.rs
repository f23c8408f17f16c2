//! Runs: get, list, search by status and time, latest, current, stop.

use atlan_model::WorkflowPhase;
use atlan_query::Index;
use atlan_query::workflows::{self, TimeBounds, non_empty};

use super::index_search;
use crate::error::Result;
use crate::request::ApiRequest;

/// `POST runs/indexsearch`: the run with this id.
///
/// # Errors
/// [`crate::Error::InvalidInput`] for an empty id.
pub fn get(run_id: &str) -> Result<ApiRequest> {
    index_search("runs.get", Index::Runs, &workflows::find_run_by_id(run_id)?)
}

/// `POST runs/indexsearch`: a page of a workflow's runs, in one phase or in every phase, newest
/// first.
///
/// # Errors
/// [`crate::Error::InvalidInput`] for an empty name, a size of 0 or a page past 10,000 results.
pub fn of_workflow(
    workflow_name: &str,
    phase: Option<&WorkflowPhase>,
    from: u64,
    size: u64,
) -> Result<ApiRequest> {
    let search = match phase {
        Some(phase) => workflows::runs_by_phase(workflow_name, phase, from, size)?,
        None => workflows::runs_of_workflow(workflow_name, from, size)?,
    };
    index_search("runs.list", Index::Runs, &search)
}

/// `POST runs/indexsearch`: a page of runs in these phases, started and finished within bounds
/// (Atlan's documented "status and time range" search), newest first.
///
/// # Errors
/// [`crate::Error::InvalidInput`] for no phase, a bound that is not a date, or a bad page.
pub fn by_status_and_time(
    phases: &[WorkflowPhase],
    started: &TimeBounds,
    finished: &TimeBounds,
    from: u64,
    size: u64,
) -> Result<ApiRequest> {
    index_search(
        "runs.search",
        Index::Runs,
        &workflows::runs_by_status_and_time(phases, started, finished, from, size)?,
    )
}

/// `POST runs/indexsearch`: a workflow's latest run (by start time; a run not yet started first).
///
/// # Errors
/// [`crate::Error::InvalidInput`] for an empty name.
pub fn latest(workflow_name: &str) -> Result<ApiRequest> {
    index_search(
        "runs.latest",
        Index::Runs,
        &workflows::latest_run(workflow_name)?,
    )
}

/// `POST runs/indexsearch`: a workflow's newest runs, to find the one that is Pending or Running.
///
/// # Errors
/// [`crate::Error::InvalidInput`] for an empty name.
pub fn current(workflow_name: &str) -> Result<ApiRequest> {
    index_search(
        "runs.current",
        Index::Runs,
        &workflows::current_run(workflow_name)?,
    )
}

/// `POST runs/{run_id}/stop`.
///
/// # Errors
/// [`crate::Error::InvalidInput`] for an empty id.
pub fn stop(run_id: &str) -> Result<ApiRequest> {
    non_empty(run_id, "run id")?;
    Ok(ApiRequest::post("runs.stop", &["runs", run_id, "stop"]))
}
