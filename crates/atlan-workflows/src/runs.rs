//! [`Runs`]: get, list, search, latest, current, stop, monitor.

use atlan_model::{
    WorkflowPhase, WorkflowRunResponse, WorkflowSearchResponse, WorkflowSearchResult,
};
use atlan_query::Search;
use atlan_query::workflows::{self, RunFilter};

use crate::bounds::{RunBounds, TimeBounded};
use crate::client::AtlanClient;
use crate::error::{Error, Result};
use crate::listing::Listing;
use crate::paging::legacy::legacy_listing;
use crate::request::ApiRequest;
use crate::requests::runs as requests;
use crate::requests::workflows as workflow_requests;

/// Run operations; from [`AtlanClient::runs`].
#[derive(Debug, Clone)]
pub struct Runs {
    client: AtlanClient,
}

impl Runs {
    pub(crate) fn new(client: AtlanClient) -> Self {
        Self { client }
    }

    /// The run with this id.
    ///
    /// # Errors
    /// [`Error::NotFound`] when there is none; [`Error::InvalidInput`] for an empty id; otherwise
    /// as [`AtlanClient::execute`].
    pub async fn get(&self, run_id: &str) -> Result<WorkflowSearchResult> {
        let found = self.first(&requests::get(run_id)?).await?;
        found.ok_or_else(|| not_found("runs.get", format!("run `{run_id}`")))
    }

    /// The run with this id, if there is one.
    ///
    /// # Errors
    /// As [`Runs::get`], but not [`Error::NotFound`].
    pub async fn get_opt(&self, run_id: &str) -> Result<Option<WorkflowSearchResult>> {
        Error::not_found_as_none(self.get(run_id).await)
    }

    /// A workflow's runs, newest first: in every phase, or in one with `.phase(..)`; `.page()` for
    /// one page, `.stream()` for all.
    ///
    /// ```no_run
    /// use atlan_workflows::{AtlanClient, WorkflowPhase};
    ///
    /// # async fn example(client: AtlanClient) -> atlan_workflows::Result<()> {
    /// let running = client
    ///     .runs()
    ///     .list("atlan-snowflake-1714638976")
    ///     .phase(WorkflowPhase::Running)
    ///     .page()
    ///     .await?;
    /// let every = client.runs().list("atlan-snowflake-1714638976").size(20).page().await?;
    /// println!("{} running, {} runs on the first page", running.items.len(), every.items.len());
    /// # Ok(())
    /// # }
    /// ```
    pub fn list(&self, workflow_name: impl Into<String>) -> RunList {
        Listing::new(
            self.client.clone(),
            WorkflowRuns {
                workflow_name: workflow_name.into(),
                phase: None,
            },
        )
    }

    /// Runs of every workflow by phase and by when they started and finished, newest first (Atlan's
    /// documented "status and time range" search). Runs without a creator label
    /// (`workflows.argoproj.io/creator`, which Argo Server sets on the runs it submits for a user
    /// or a token) are left out: the search requires the label, as Atlan's SDKs' does.
    ///
    /// ```no_run
    /// use atlan_workflows::{AtlanClient, WorkflowPhase};
    /// use futures_util::TryStreamExt;
    ///
    /// # async fn example(client: AtlanClient) -> atlan_workflows::Result<()> {
    /// let runs: Vec<_> = client
    ///     .runs()
    ///     .search()
    ///     .phases([WorkflowPhase::Succeeded, WorkflowPhase::Failed])
    ///     .started_since("now-6h")
    ///     .finished_before("now")
    ///     .size(100)
    ///     .stream()
    ///     .try_collect()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn search(&self) -> RunSearch {
        Listing::new(self.client.clone(), RunsByStatus::default())
    }

    /// A workflow's latest run: the newest by start time, a run that has not started yet first.
    ///
    /// # Errors
    /// [`Error::NotFound`] when the workflow has no run; [`Error::InvalidInput`] for an empty
    /// name; otherwise as [`AtlanClient::execute`].
    pub async fn latest(&self, workflow_name: &str) -> Result<WorkflowSearchResult> {
        let found = self.first(&requests::latest(workflow_name)?).await?;
        found.ok_or_else(|| {
            not_found(
                "runs.latest",
                format!("a run of workflow `{workflow_name}`"),
            )
        })
    }

    /// A workflow's latest run, if it has one.
    ///
    /// # Errors
    /// As [`Runs::latest`], but not [`Error::NotFound`].
    pub async fn latest_opt(&self, workflow_name: &str) -> Result<Option<WorkflowSearchResult>> {
        Error::not_found_as_none(self.latest(workflow_name).await)
    }

    /// A workflow's run that is Pending or Running (among its 50 newest).
    ///
    /// # Errors
    /// [`Error::NotFound`] when none is; [`Error::InvalidInput`] for an empty name; otherwise as
    /// [`AtlanClient::execute`].
    pub async fn current(&self, workflow_name: &str) -> Result<WorkflowSearchResult> {
        let response: WorkflowSearchResponse = self
            .client
            .execute_json(&requests::current(workflow_name)?)
            .await?;
        workflows::pick_current_run(response.hits())
            .cloned()
            .ok_or_else(|| {
                not_found(
                    "runs.current",
                    format!("a Pending or Running run of workflow `{workflow_name}`"),
                )
            })
    }

    /// A workflow's run that is Pending or Running, if one is.
    ///
    /// # Errors
    /// As [`Runs::current`], but not [`Error::NotFound`].
    pub async fn current_opt(&self, workflow_name: &str) -> Result<Option<WorkflowSearchResult>> {
        Error::not_found_as_none(self.current(workflow_name).await)
    }

    /// Stops a running run: it ends Failed, "Stopped with strategy 'Stop'".
    ///
    /// # Errors
    /// [`Error::Api`] when the run has finished already (the server's 4xx), [`Error::NotFound`] for
    /// an unknown run; otherwise as [`AtlanClient::execute`].
    pub async fn stop(&self, run_id: &str) -> Result<WorkflowRunResponse> {
        self.client.execute_json(&requests::stop(run_id)?).await
    }

    /// The workflow a run's name says it is a run of, if that workflow exists: Argo names a run
    /// `{workflow}-{suffix}` (and a scheduled one `{workflow}-cron-{unix seconds}`), so each part
    /// of the name before a `-` is a candidate, looked up in one search. `None` means no
    /// workflow could have started a run of that name (a name without a `-` sends nothing).
    ///
    /// # Errors
    /// As [`AtlanClient::execute`].
    pub async fn workflow_of(&self, run_name: &str) -> Result<Option<WorkflowSearchResult>> {
        let candidates: Vec<&str> = run_name
            .match_indices('-')
            .filter_map(|(at, _)| run_name.get(..at))
            .filter(|candidate| !candidate.is_empty())
            .rev()
            .take(workflows::MAX_IDS)
            .collect();
        if candidates.is_empty() {
            return Ok(None);
        }
        let response: WorkflowSearchResponse = self
            .client
            .execute_json(&workflow_requests::find_by_ids(&candidates)?)
            .await?;
        // The longest name that matches: the workflow closest to the run's own name.
        Ok(response
            .into_hits()
            .into_iter()
            .max_by_key(|hit| hit.name().len()))
    }

    /// Whether a workflow with this id exists (one search).
    pub(crate) async fn workflow_exists(&self, workflow_id: &str) -> Result<bool> {
        Ok(self
            .first(&workflow_requests::find_by_id(workflow_id)?)
            .await?
            .is_some())
    }

    async fn first(&self, request: &ApiRequest) -> Result<Option<WorkflowSearchResult>> {
        let response: WorkflowSearchResponse = self.client.execute_json(request).await?;
        Ok(response.into_hits().into_iter().next())
    }
}

fn not_found(operation: &'static str, what: String) -> Error {
    Error::NotFound {
        operation,
        what,
        body: None,
    }
}

/// A workflow's runs, in every phase or in one: the query of a [`RunList`].
#[derive(Debug, Clone)]
pub struct WorkflowRuns {
    workflow_name: String,
    phase: Option<WorkflowPhase>,
}

legacy_listing!(WorkflowRuns, Runs, {
    fn operation(&self) -> &'static str {
        "runs.list"
    }

    fn ready(&self, from: u64, size: u64) -> Result<Search> {
        Ok(match &self.phase {
            Some(phase) => workflows::runs_by_phase(&self.workflow_name, phase, from, size)?,
            None => workflows::runs_of_workflow(&self.workflow_name, from, size)?,
        })
    }
});

/// A workflow's runs, newest first; from [`Runs::list`]. Set the phase and the page, then fetch
/// `.page()`, `.pages()` or `.stream()` (see [`Listing`]).
pub type RunList = Listing<WorkflowRuns>;

impl Listing<WorkflowRuns> {
    /// Only runs in this phase (default: every phase).
    pub fn phase(mut self, phase: impl Into<Option<WorkflowPhase>>) -> Self {
        self.query.phase = phase.into();
        self
    }
}

/// Runs of every workflow by phase and time: the query of a [`RunSearch`].
#[derive(Debug, Clone, Default)]
pub struct RunsByStatus {
    phases: Vec<WorkflowPhase>,
    /// Whether runs without a creator (scheduled runs) are found too.
    including_scheduled: bool,
    /// The time bounds, checked.
    bounds: RunBounds,
}

impl TimeBounded for RunsByStatus {
    fn run_bounds(&mut self) -> &mut RunBounds {
        &mut self.bounds
    }

    /// Scheduled runs are found too: a run that changed is one whoever started it.
    fn on_changed_since(&mut self) {
        self.including_scheduled = true;
    }
}

legacy_listing!(RunsByStatus, Runs, {
    fn operation(&self) -> &'static str {
        "runs.search"
    }

    fn ready(&self, from: u64, size: u64) -> Result<Search> {
        self.bounds.check.result()?;
        let mut filter = RunFilter::new(self.phases.iter().cloned())
            .started(self.bounds.started.clone())
            .finished(self.bounds.finished.clone())
            .page(from, size);
        if self.including_scheduled {
            filter = filter.including_scheduled();
        }
        if let Some(changed) = &self.bounds.changed_since {
            filter = filter.changed_since(changed.clone());
        }
        Ok(workflows::runs(&filter)?)
    }
});

/// Runs of every workflow by phase and time, newest first; from [`Runs::search`]. Set the phases,
/// the bounds and the page, then fetch `.page()`, `.pages()` or `.stream()` (see [`Listing`]).
///
/// Each time bound is checked when it is set: a bound that is neither a date nor date math
/// (`now-6h`, `now/d`, `2026-01-31T00:00:00Z`) makes the listing fail with
/// [`Error::InvalidInput`] naming it, before any request is built. `since` bounds are inclusive
/// lower bounds (`gte`), `before` bounds inclusive upper bounds (`lte`). At least one phase is
/// needed.
pub type RunSearch = Listing<RunsByStatus>;

impl Listing<RunsByStatus> {
    /// The phases to find (replacing any set before).
    pub fn phases(mut self, phases: impl IntoIterator<Item = WorkflowPhase>) -> Self {
        self.query.phases = phases.into_iter().collect();
        self
    }

    /// Adds a phase to find.
    pub fn phase(mut self, phase: WorkflowPhase) -> Self {
        self.query.phases.push(phase);
        self
    }

    /// Finds the runs a schedule started too: by default, as Atlan's SDKs, the search leaves out
    /// runs without a creator label, which are the ones the cron controller submits.
    pub fn including_scheduled(mut self) -> Self {
        self.query.including_scheduled = true;
        self
    }
}
