//! [`AppRuns`]: the runs of app workflows, as [`crate::Runs`] is for the legacy ones: a run's
//! status, stopping and waiting for one, searching them, and a run's asset with its steps.

use atlan_model::{
    AppRunResponse, AppWorkflowRunAttributes, AtlasSearchResponse, CancelRunResponse,
};
use atlan_query::apps as searches;

use super::run_search::decode_runs;
use super::{AppMonitor, AppRunQuery, AppRunSearch, AppRunWatch, Apps};
use crate::error::{Error, Result};
use crate::listing::Listing;
use crate::monitor::Wait;
use crate::requests::apps as requests;

/// App run operations; from [`Apps::runs`].
#[derive(Debug, Clone)]
pub struct AppRuns {
    apps: Apps,
}

impl AppRuns {
    pub(super) fn new(apps: Apps) -> Self {
        Self { apps }
    }

    /// A run's status.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown run; otherwise as [`crate::AtlanClient::execute`].
    pub async fn get(&self, run_id: &str) -> Result<AppRunResponse> {
        self.apps
            .client
            .execute_json(&requests::get_run(run_id)?)
            .await
    }

    /// Stops (cancels) a run (a finished run is left as it is: `cancelled` is then false).
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown run; otherwise as [`crate::AtlanClient::execute`].
    pub async fn stop(&self, run_id: &str) -> Result<CancelRunResponse> {
        self.apps
            .client
            .execute_json(&requests::cancel_run(run_id)?)
            .await
    }

    /// Polls a run until it ends (any terminal status, `Error` included) or the timeout.
    pub fn monitor(&self, run_id: impl Into<String>) -> AppMonitor {
        Wait::new(AppRunWatch::new(self.clone(), run_id.into()))
    }

    /// Runs, found through the asset search: of one workflow or all, by status and time, a
    /// [`Listing`] like the legacy runs.
    pub fn search(&self) -> AppRunSearch {
        Listing::new(self.apps.client.clone(), AppRunQuery::default())
    }

    /// A run as its `AppWorkflowRun` asset, with its steps and outputs (where each step's error,
    /// exit code and log are): the asset search's view of a run, as the runs listing gives, with
    /// the detail [`AppRuns::get`] does not carry.
    ///
    /// # Errors
    /// [`Error::NotFound`] when the search finds no run with this id; [`Error::InvalidInput`] for
    /// an empty id; otherwise as [`crate::AtlanClient::execute`].
    pub async fn find(&self, run_id: &str) -> Result<AppWorkflowRunAttributes> {
        let search = searches::run_by_id(run_id)?;
        self.searched(&search)
            .await?
            .into_iter()
            .find(|run| run.name.as_deref() == Some(run_id))
            .ok_or_else(|| Error::NotFound {
                operation: "apps.find_run",
                what: format!("app run `{run_id}`"),
                body: None,
            })
    }

    /// A run as its asset, if the search finds it.
    ///
    /// # Errors
    /// As [`AppRuns::find`], but not [`Error::NotFound`].
    pub async fn find_opt(&self, run_id: &str) -> Result<Option<AppWorkflowRunAttributes>> {
        Error::not_found_as_none(self.find(run_id).await)
    }

    /// The Pending or Running run of a workflow, per the asset search.
    pub(crate) async fn active(&self, slug: &str) -> Result<Option<AppWorkflowRunAttributes>> {
        let search = searches::active_runs(slug)?;
        Ok(self.searched(&search).await?.into_iter().next())
    }

    /// The runs an asset search finds.
    async fn searched(
        &self,
        search: &searches::AtlasSearch,
    ) -> Result<Vec<AppWorkflowRunAttributes>> {
        let answer: AtlasSearchResponse = self
            .apps
            .client
            .execute_json(&requests::search(search)?)
            .await?;
        decode_runs(&answer)
    }
}
