//! [`Schedules`]: add, remove, list, get.

use atlan_model::{
    WorkflowResponse, WorkflowSchedule, WorkflowScheduleList, WorkflowScheduleResponse,
    WorkflowSearchResult,
};

use crate::client::AtlanClient;
use crate::error::{Error, Result};
use crate::requests::schedules as requests;

/// Schedule operations; from [`AtlanClient::schedules`]. A schedule is two annotations on the
/// workflow (`orchestration.atlan.com/schedule` and `…/timezone`): adding or removing one updates
/// the workflow.
#[derive(Debug, Clone)]
pub struct Schedules {
    client: AtlanClient,
}

impl Schedules {
    pub(crate) fn new(client: AtlanClient) -> Self {
        Self { client }
    }

    /// Runs a workflow on a schedule (replacing any it had).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a schedule whose cron expression or time zone does not check (one
    /// deserialized rather than made with [`WorkflowSchedule::new`]), before anything is sent;
    /// [`Error::NotFound`] for an unknown workflow; otherwise as [`AtlanClient::execute`].
    pub async fn add(
        &self,
        workflow_name: &str,
        schedule: &WorkflowSchedule,
    ) -> Result<WorkflowResponse> {
        schedule.check()?;
        let mut workflow = self.workflow(workflow_name).await?.to_workflow();
        schedule.apply_to(&mut workflow);
        self.client.workflows().update(&workflow).await
    }

    /// Stops running a workflow on a schedule. The time zone annotation stays, as the server
    /// expects.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown workflow; otherwise as [`AtlanClient::execute`].
    pub async fn remove(&self, workflow_name: &str) -> Result<WorkflowResponse> {
        let mut workflow = self.workflow(workflow_name).await?.to_workflow();
        WorkflowSchedule::remove_from(&mut workflow);
        self.client.workflows().update(&workflow).await
    }

    /// Every scheduled workflow's CronWorkflow.
    ///
    /// # Errors
    /// As [`AtlanClient::execute`].
    pub async fn list(&self) -> Result<Vec<WorkflowScheduleResponse>> {
        let list: WorkflowScheduleList = self.client.execute_json(&requests::list()).await?;
        Ok(list.items().to_vec())
    }

    /// One workflow's CronWorkflow.
    ///
    /// # Errors
    /// [`Error::NotFound`] when the workflow does not exist or has no schedule; otherwise as
    /// [`AtlanClient::execute`].
    pub async fn get(&self, workflow_name: &str) -> Result<WorkflowScheduleResponse> {
        self.client
            .execute_json(&requests::get(workflow_name)?)
            .await
    }

    /// One workflow's CronWorkflow, if it has a schedule.
    ///
    /// # Errors
    /// As [`Schedules::get`], but not [`Error::NotFound`].
    pub async fn get_opt(&self, workflow_name: &str) -> Result<Option<WorkflowScheduleResponse>> {
        Error::not_found_as_none(self.get(workflow_name).await)
    }

    pub(crate) async fn workflow(&self, name: &str) -> Result<WorkflowSearchResult> {
        self.client.workflows().get(name).await
    }

    pub(crate) async fn update(
        &self,
        workflow: &atlan_model::Workflow,
    ) -> Result<WorkflowResponse> {
        self.client.workflows().update(workflow).await
    }

    pub(crate) fn client(&self) -> &AtlanClient {
        &self.client
    }
}
