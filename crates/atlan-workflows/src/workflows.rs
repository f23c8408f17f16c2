//! [`Workflows`]: get, find by package, run, re-run, update, change owner, delete; scheduled
//! queries.

use atlan_model::{
    Workflow, WorkflowPackage, WorkflowResponse, WorkflowRunResponse, WorkflowSchedule,
    WorkflowSearchResponse, WorkflowSearchResult, decode_value,
};
use atlan_query::Timestamp;
use serde_json::Value;

use atlan_query::Search;

use crate::client::AtlanClient;
use crate::error::{Error, Result};
use crate::listing::Listing;
use crate::paging::legacy::legacy_listing;
use crate::requests::workflows as requests;

/// How many workflows a search by package or saved query returns when `max_results` is not set
/// (pyatlan's default).
pub const DEFAULT_MAX_RESULTS: u64 = 10;

/// What [`Workflows::rerun`] runs again: a workflow found by package (the newest of it), a search
/// result, or a workflow id.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum RerunTarget {
    /// The newest workflow of this package.
    Package(WorkflowPackage),
    /// A workflow found before.
    Workflow(Box<WorkflowSearchResult>),
    /// A workflow id, such as `atlan-snowflake-1714638976`.
    Name(String),
}

impl From<WorkflowPackage> for RerunTarget {
    fn from(package: WorkflowPackage) -> Self {
        Self::Package(package)
    }
}

impl From<WorkflowSearchResult> for RerunTarget {
    fn from(result: WorkflowSearchResult) -> Self {
        Self::Workflow(Box::new(result))
    }
}

impl From<&str> for RerunTarget {
    fn from(name: &str) -> Self {
        Self::Name(name.to_owned())
    }
}

impl From<String> for RerunTarget {
    fn from(name: String) -> Self {
        Self::Name(name)
    }
}

/// How many searches of [`Workflows::get_many`] are under way at once.
const GET_MANY_AT_ONCE: usize = 8;

/// Workflow operations; from [`AtlanClient::workflows`].
#[derive(Debug, Clone)]
pub struct Workflows {
    client: AtlanClient,
}

impl Workflows {
    pub(crate) fn new(client: AtlanClient) -> Self {
        Self { client }
    }

    /// The workflow with this id, such as `atlan-snowflake-1714638976`.
    ///
    /// # Errors
    /// [`Error::NotFound`] when there is none; [`Error::InvalidInput`] for an empty id; otherwise
    /// as [`AtlanClient::execute`].
    pub async fn get(&self, id: &str) -> Result<WorkflowSearchResult> {
        let response: WorkflowSearchResponse =
            self.client.execute_json(&requests::find_by_id(id)?).await?;
        response
            .into_hits()
            .into_iter()
            .next()
            .ok_or_else(|| Error::NotFound {
                operation: "workflows.get",
                what: format!("workflow `{id}`"),
                body: None,
            })
    }

    /// The workflow with this id, if there is one.
    ///
    /// # Errors
    /// As [`Workflows::get`], but not [`Error::NotFound`].
    pub async fn get_opt(&self, id: &str) -> Result<Option<WorkflowSearchResult>> {
        Error::not_found_as_none(self.get(id).await)
    }

    /// The workflows with these ids that exist, in any order: one search per
    /// [`atlan_query::workflows::MAX_IDS`] ids (8 at a time), so that reading many workflows
    /// costs a request per 64 rather than one each. An id repeated is looked up once; an id with
    /// no workflow is left out.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty id; otherwise the first failure of a search, as
    /// [`AtlanClient::execute`].
    pub async fn get_many(&self, ids: &[&str]) -> Result<Vec<WorkflowSearchResult>> {
        use futures_util::{StreamExt, TryStreamExt};

        let mut unique: Vec<&str> = ids.to_vec();
        unique.sort_unstable();
        unique.dedup();
        let pages: Vec<Vec<WorkflowSearchResult>> =
            futures_util::stream::iter(unique.chunks(atlan_query::workflows::MAX_IDS))
                .map(|chunk| async move {
                    let response: WorkflowSearchResponse = self
                        .client
                        .execute_json(&requests::find_by_ids(chunk)?)
                        .await?;
                    Ok::<_, Error>(response.into_hits())
                })
                .buffer_unordered(GET_MANY_AT_ONCE)
                .try_collect()
                .await?;
        Ok(pages.into_iter().flatten().collect())
    }

    /// The newest workflows of a package (up to [`FindByType::max_results`], default 10). Matches
    /// the package exactly: `atlan-snowflake` does not find `atlan-snowflake-miner-…` workflows.
    ///
    /// ```no_run
    /// use atlan_workflows::{AtlanClient, WorkflowPackage};
    ///
    /// # async fn example(client: AtlanClient) -> atlan_workflows::Result<()> {
    /// let crawlers = client.workflows().find_by_type(WorkflowPackage::Snowflake).max_results(5).await?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// Awaited, it answers the first page (pyatlan's `find_by_type(prefix, max_results)`); as the
    /// [`Listing`] it is, `.stream()` walks every workflow of the package.
    pub fn find_by_type(&self, package: impl Into<WorkflowPackage>) -> FindByType {
        Listing::new(
            self.client.clone(),
            WorkflowsOf {
                package: Some(package.into()),
            },
        )
        .size(DEFAULT_MAX_RESULTS)
    }

    /// The workflows of every package, newest first: `.page()`, `.pages()`, `.stream()` or
    /// `.all()` (see [`Listing`]), past the 10,000-result window too.
    pub fn every(&self) -> WorkflowList {
        Listing::new(self.client.clone(), WorkflowsOf { package: None })
    }

    /// Creates a workflow and starts its first run (on a schedule with `.schedule(..)`).
    pub fn run(&self, workflow: Workflow) -> RunWorkflow {
        RunWorkflow {
            client: self.client.clone(),
            workflow: Ok(workflow),
            schedule: None,
        }
    }

    /// [`Workflows::run`] for a workflow given as JSON (such as a file exported from Atlan); it is
    /// read losslessly, unknown fields included, and checked before anything is sent.
    pub fn run_json(&self, workflow: Value) -> RunWorkflow {
        RunWorkflow {
            client: self.client.clone(),
            workflow: decode_value(workflow).map_err(|error| format!("not a workflow: {error}")),
            schedule: None,
        }
    }

    /// Runs a workflow again; `.idempotent()` returns a run that is already Pending or Running
    /// instead of starting another.
    ///
    /// ```no_run
    /// use atlan_workflows::AtlanClient;
    ///
    /// # async fn example(client: AtlanClient) -> atlan_workflows::Result<()> {
    /// let run = client.workflows().rerun("atlan-snowflake-1714638976").idempotent().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn rerun(&self, target: impl Into<RerunTarget>) -> Rerun {
        Rerun {
            client: self.client.clone(),
            target: target.into(),
            idempotent: false,
        }
    }

    /// Replaces a workflow (its metadata and spec), such as after
    /// [`Workflow::set_parameter`]`("enable-lineage", true)`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a workflow without a name; otherwise as
    /// [`AtlanClient::execute`].
    pub async fn update(&self, workflow: &Workflow) -> Result<WorkflowResponse> {
        let route = self.client.workflow_route().await?;
        self.client
            .execute_json(&requests::update(route, workflow)?)
            .await
    }

    /// Makes `username` the owner of a workflow.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty name or username; otherwise as
    /// [`AtlanClient::execute`].
    pub async fn update_owner(&self, name: &str, username: &str) -> Result<WorkflowResponse> {
        self.client
            .execute_json(&requests::change_owner(name, username)?)
            .await
    }

    /// Deletes (archives) a workflow.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown workflow; otherwise as [`AtlanClient::execute`].
    pub async fn delete(&self, name: &str) -> Result<()> {
        let route = self.client.workflow_route().await?;
        self.client.execute(&requests::delete(route, name)?).await?;
        Ok(())
    }

    /// The scheduled-query workflows of a saved query (up to
    /// [`FindScheduleQuery::max_results`], default 10).
    pub fn find_schedule_query(&self, saved_query_id: impl Into<String>) -> FindScheduleQuery {
        FindScheduleQuery {
            client: self.client.clone(),
            saved_query_id: saved_query_id.into(),
            max_results: DEFAULT_MAX_RESULTS,
        }
    }

    /// Runs a scheduled query again, as its owner.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty name; otherwise as [`AtlanClient::execute`].
    pub async fn rerun_schedule_query(&self, name: &str) -> Result<WorkflowRunResponse> {
        self.client
            .execute_json(&requests::rerun_schedule_query(name)?)
            .await
    }

    /// The runs of scheduled queries created between two instants; `.missed()` keeps those that
    /// did not succeed.
    pub fn schedule_query_runs(&self, start: Timestamp, end: Timestamp) -> ScheduleQueryRuns {
        ScheduleQueryRuns {
            client: self.client.clone(),
            start,
            end,
            missed: false,
        }
    }
}

/// The workflows of one package, or of every package: the query of a [`WorkflowList`].
#[derive(Debug, Clone)]
pub struct WorkflowsOf {
    package: Option<WorkflowPackage>,
}

legacy_listing!(WorkflowsOf, Workflows, {
    fn operation(&self) -> &'static str {
        if self.package.is_some() {
            "workflows.find_by_type"
        } else {
            "workflows.every"
        }
    }

    fn ready(&self, from: u64, size: u64) -> Result<Search> {
        Ok(atlan_query::workflows::workflows_page(
            self.package.as_ref(),
            from,
            size,
        )?)
    }
});

/// Workflows newest first; from [`Workflows::every`] and [`Workflows::find_by_type`]. Fetch
/// `.page()`, `.pages()`, `.stream()` or `.all()` (see [`Listing`]).
pub type WorkflowList = Listing<WorkflowsOf>;

/// The newest workflows of a package; from [`Workflows::find_by_type`]. Await it for the first
/// page (pyatlan's semantics), or walk it as any [`Listing`].
pub type FindByType = WorkflowList;

impl Listing<WorkflowsOf> {
    /// At most this many when awaited, the page size of a walk (1 to 10,000; default 10 from
    /// [`Workflows::find_by_type`], 100 from [`Workflows::every`]).
    pub fn max_results(self, max_results: u64) -> Self {
        self.size(max_results)
    }

    /// The first page's workflows.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for `max_results` 0 or over 10,000; otherwise as
    /// [`Listing::page`].
    pub async fn send(self) -> Result<Vec<WorkflowSearchResult>> {
        Ok(self.page().await?.items)
    }
}

awaitable!(FindByType, Vec<WorkflowSearchResult>);

/// A workflow to create and run; from [`Workflows::run`]. Await it.
#[derive(Debug, Clone)]
#[must_use = "a workflow is not created until this is awaited"]
pub struct RunWorkflow {
    client: AtlanClient,
    /// The workflow, or why the JSON given is not one.
    workflow: Result<Workflow, String>,
    schedule: Option<WorkflowSchedule>,
}

impl RunWorkflow {
    /// Runs it on this schedule too (its cron and time zone annotations are set).
    pub fn schedule(mut self, schedule: WorkflowSchedule) -> Self {
        self.schedule = Some(schedule);
        self
    }

    /// Creates the workflow and starts its first run.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for JSON that is not a workflow, a workflow without a name, or a
    /// schedule that does not check; otherwise as [`AtlanClient::execute`].
    pub async fn send(self) -> Result<WorkflowResponse> {
        let mut workflow = self.workflow.map_err(Error::invalid)?;
        if let Some(schedule) = &self.schedule {
            schedule.check()?;
            schedule.apply_to(&mut workflow);
        }
        let route = self.client.workflow_route().await?;
        self.client
            .execute_json(&requests::run(route, &workflow)?)
            .await
    }
}

awaitable!(RunWorkflow, WorkflowResponse);

/// A re-run; from [`Workflows::rerun`]. Await it.
#[derive(Debug, Clone)]
#[must_use = "nothing runs until this is awaited"]
pub struct Rerun {
    client: AtlanClient,
    target: RerunTarget,
    idempotent: bool,
}

impl Rerun {
    /// When a run of the workflow is already Pending or Running, return it instead of starting
    /// another.
    pub fn idempotent(mut self) -> Self {
        self.idempotent = true;
        self
    }

    /// Runs the workflow again (or, idempotent, finds the run under way).
    ///
    /// # Errors
    /// [`Error::NotFound`] when no workflow matches the target; otherwise as
    /// [`AtlanClient::execute`].
    pub async fn send(self) -> Result<WorkflowRunResponse> {
        let workflows = self.client.workflows();
        let workflow = match self.target {
            RerunTarget::Workflow(result) => *result,
            RerunTarget::Name(name) => workflows.get(&name).await?,
            RerunTarget::Package(package) => workflows
                .find_by_type(package.clone())
                .max_results(1)
                .send()
                .await?
                .into_iter()
                .next()
                .ok_or_else(|| Error::NotFound {
                    operation: "workflows.rerun",
                    what: format!("a workflow of package `{}`", package.prefix()),
                    body: None,
                })?,
        };
        let name = workflow.name().to_owned();
        if self.idempotent
            && let Some(run) = self.client.runs().current_opt(&name).await?
        {
            tracing::debug!(workflow = name, run = run.name(), "already running");
            return Ok(run_response(run));
        }
        let namespace = workflow
            .source
            .metadata
            .namespace
            .clone()
            .unwrap_or_default();
        let route = self.client.workflow_route().await?;
        self.client
            .execute_json(&requests::rerun(route, &namespace, &name)?)
            .await
    }
}

awaitable!(Rerun, WorkflowRunResponse);

/// The scheduled-query workflows of a saved query; from [`Workflows::find_schedule_query`].
/// Await it.
#[derive(Debug, Clone)]
#[must_use = "a search does nothing until it is awaited"]
pub struct FindScheduleQuery {
    client: AtlanClient,
    saved_query_id: String,
    max_results: u64,
}

impl FindScheduleQuery {
    /// At most this many (1 to 10,000; default 10).
    pub fn max_results(mut self, max_results: u64) -> Self {
        self.max_results = max_results;
        self
    }

    /// Searches.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty id or a bad `max_results`; otherwise as
    /// [`AtlanClient::execute`].
    pub async fn send(self) -> Result<Vec<WorkflowSearchResult>> {
        let request = requests::find_schedule_query(&self.saved_query_id, self.max_results)?;
        let response: WorkflowSearchResponse = self.client.execute_json(&request).await?;
        Ok(response.into_hits())
    }
}

awaitable!(FindScheduleQuery, Vec<WorkflowSearchResult>);

/// Runs of scheduled queries between two instants; from [`Workflows::schedule_query_runs`].
/// Await it.
#[derive(Debug, Clone)]
#[must_use = "a search does nothing until it is awaited"]
pub struct ScheduleQueryRuns {
    client: AtlanClient,
    start: Timestamp,
    end: Timestamp,
    missed: bool,
}

impl ScheduleQueryRuns {
    /// Only the runs that did not succeed (`missedScheduleQueriesBetweenDuration`).
    pub fn missed(mut self) -> Self {
        self.missed = true;
        self
    }

    /// Fetches the runs.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when the end is before the start; otherwise as
    /// [`AtlanClient::execute`].
    pub async fn send(self) -> Result<Vec<WorkflowRunResponse>> {
        let request = if self.missed {
            requests::missed_schedule_query_runs(self.start, self.end)?
        } else {
            requests::schedule_query_runs(self.start, self.end)?
        };
        self.client.execute_json(&request).await
    }
}

awaitable!(ScheduleQueryRuns, Vec<WorkflowRunResponse>);

/// A run found by a search, in the shape a re-run answers.
pub(crate) fn run_response(run: WorkflowSearchResult) -> WorkflowRunResponse {
    let source = run.source;
    let mut response = WorkflowRunResponse::default();
    response.metadata = Some(source.metadata);
    response.spec = Some(source.spec);
    response.status = source.status;
    response
}
