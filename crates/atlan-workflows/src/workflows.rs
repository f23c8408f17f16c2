//! [`Workflows`]: find, run, re-run, update, change owner, delete; scheduled queries.

use atlan_model::{
    Workflow, WorkflowPackage, WorkflowResponse, WorkflowRunResponse, WorkflowSchedule,
    WorkflowSearchResponse, WorkflowSearchResult, decode_value,
};
use atlan_query::Timestamp;
use serde_json::Value;

use crate::client::AtlanClient;
use crate::error::{Error, Result};
use crate::requests::workflows as requests;

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

/// Workflow operations; from [`AtlanClient::workflows`].
#[derive(Debug, Clone)]
pub struct Workflows {
    client: AtlanClient,
}

impl Workflows {
    pub(crate) fn new(client: AtlanClient) -> Self {
        Self { client }
    }

    /// The workflow with this id, if there is one.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty id; otherwise as [`AtlanClient::execute`].
    pub async fn find_by_id(&self, id: &str) -> Result<Option<WorkflowSearchResult>> {
        let response: WorkflowSearchResponse =
            self.client.execute_json(&requests::find_by_id(id)?).await?;
        Ok(response.into_hits().into_iter().next())
    }

    /// Up to `max_results` workflows of a package, newest first. Matches the package exactly:
    /// `atlan-snowflake` does not find `atlan-snowflake-miner-…` workflows.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for `max_results` 0 or over 10,000; otherwise as
    /// [`AtlanClient::execute`].
    pub async fn find_by_type(
        &self,
        package: impl Into<WorkflowPackage>,
        max_results: u64,
    ) -> Result<Vec<WorkflowSearchResult>> {
        let response: WorkflowSearchResponse = self
            .client
            .execute_json(&requests::find_by_type(&package.into(), max_results)?)
            .await?;
        Ok(response.into_hits())
    }

    /// Creates a workflow and starts its first run, on a schedule when one is given (its cron and
    /// time zone annotations are set).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a workflow without a name; otherwise as
    /// [`AtlanClient::execute`].
    pub async fn run(
        &self,
        mut workflow: Workflow,
        schedule: Option<&WorkflowSchedule>,
    ) -> Result<WorkflowResponse> {
        if let Some(schedule) = schedule {
            schedule.apply_to(&mut workflow);
        }
        let route = self.client.workflow_route().await?;
        self.client
            .execute_json(&requests::run(route, &workflow)?)
            .await
    }

    /// [`Workflows::run`] for a workflow given as JSON (such as a file exported from Atlan); it is
    /// read losslessly, unknown fields included.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the JSON path when it is not a workflow; otherwise as
    /// [`Workflows::run`].
    pub async fn run_json(
        &self,
        workflow: Value,
        schedule: Option<&WorkflowSchedule>,
    ) -> Result<WorkflowResponse> {
        let workflow: Workflow = decode_value(workflow)
            .map_err(|error| Error::invalid(format!("not a workflow: {error}")))?;
        self.run(workflow, schedule).await
    }

    /// Runs a workflow again. With `idempotent`, a run that is already Pending or Running is
    /// returned instead of starting another.
    ///
    /// # Errors
    /// [`Error::NotFound`] when no workflow matches the target; otherwise as
    /// [`AtlanClient::execute`].
    pub async fn rerun(
        &self,
        target: impl Into<RerunTarget>,
        idempotent: bool,
    ) -> Result<WorkflowRunResponse> {
        let workflow = match target.into() {
            RerunTarget::Workflow(result) => *result,
            RerunTarget::Name(name) => {
                self.find_by_id(&name)
                    .await?
                    .ok_or_else(|| Error::NotFound {
                        operation: "workflows.rerun",
                        what: format!("workflow `{name}`"),
                        body: None,
                    })?
            }
            RerunTarget::Package(package) => self
                .find_by_type(package.clone(), 1)
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
        if idempotent && let Some(run) = self.client.runs().current(&name).await? {
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

    /// The scheduled-query workflows of a saved query.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty id; otherwise as [`AtlanClient::execute`].
    pub async fn find_schedule_query(
        &self,
        saved_query_id: &str,
        max_results: u64,
    ) -> Result<Vec<WorkflowSearchResult>> {
        let response: WorkflowSearchResponse = self
            .client
            .execute_json(&requests::find_schedule_query(saved_query_id, max_results)?)
            .await?;
        Ok(response.into_hits())
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

    /// The runs of scheduled queries created between two instants; with `missed`, only those
    /// that did not succeed.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when `end` is before `start`; otherwise as
    /// [`AtlanClient::execute`].
    pub async fn schedule_query_runs(
        &self,
        start: Timestamp,
        end: Timestamp,
        missed: bool,
    ) -> Result<Vec<WorkflowRunResponse>> {
        self.client
            .execute_json(&requests::schedule_query_runs(start, end, missed)?)
            .await
    }
}

/// A run found by a search, in the shape a re-run answers.
pub(crate) fn run_response(run: WorkflowSearchResult) -> WorkflowRunResponse {
    let source = run.source;
    let mut response = WorkflowRunResponse::default();
    response.metadata = Some(source.metadata);
    response.spec = Some(source.spec);
    response.status = source.status;
    response
}
