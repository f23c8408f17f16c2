//! App workflows, the connectors of newer Atlan tenants (`/api/service/v1/app…`): describe an app
//! and its input contract; create, list, get, change, delete workflows; submit, watch and cancel
//! runs; find runs through the asset search; add and remove schedules.
//!
//! The handle is [`Apps`] (this file): an app's description and input contract, and three
//! sub-handles that mirror the legacy ones: [`Apps::workflows`] ([`AppWorkflows`], as
//! [`crate::Workflows`]), [`Apps::runs`] ([`AppRuns`], as [`crate::Runs`]) and [`Apps::schedules`]
//! ([`AppSchedules`], as [`crate::Schedules`]), with the same verb for the same idea on both sides
//! (`run`, `stop`, `monitor`, `search`, `suspend`, `resume`). Each operation with options has its
//! builder in a file of its own: [`contract`](GetInputContract), [`create`](CreateAppWorkflow),
//! [`list`](AppWorkflowList), [`update`](UpdateAppWorkflow), [`submit`](SubmitAppRun),
//! [`monitor`](AppMonitor), [`run_search`](AppRunSearch) and [`schedule`](AddAppSchedule).
//!
//! What this does that pyatlan 11.6.0 does not: ids are encoded as one path segment (and empty or
//! dot-segment ids refused); create, submit and cancel are never re-sent once they may have reached
//! the server; creating sends `"run": false` unless [`CreateAppWorkflow::run`] is called; a name
//! conflict is a typed error unless reuse is asked for ([`CreateAppWorkflow::or_reuse`]), and the
//! answer says whether it reused; an idempotent submit reports the active run's id; `Error` is a
//! terminal status, and [`AppMonitor`] has a timeout.

use atlan_model::AppInfo;

use crate::client::AtlanClient;
use crate::error::Result;
use crate::requests::apps as requests;

mod contract;
mod create;
mod list;
mod monitor;
mod run_search;
mod runs;
mod schedule;
mod schedules;
mod submit;
mod update;
mod workflows;

pub use contract::{GetInputContract, check_inputs};
pub use create::{CreateAppWorkflow, CreatedApp};
pub use list::{AppWorkflowList, MAX_APP_LISTING};
pub use monitor::{AppMonitor, AppProgressCallback, AppRunWatch};
pub use run_search::{AppRunQuery, AppRunSearch};
pub use runs::AppRuns;
pub use schedule::AddAppSchedule;
pub use schedules::AppSchedules;
pub use submit::SubmitAppRun;
pub use update::{ChangeInputs, UpdateAppWorkflow};
pub use workflows::{AppWorkflowTimes, AppWorkflows, MAX_WORKFLOW_ASSETS};

/// App operations; from [`AtlanClient::apps`]: an app's description and contract here, the
/// workflows, runs and schedules through their sub-handles.
#[derive(Debug, Clone)]
pub struct Apps {
    pub(crate) client: AtlanClient,
}

impl Apps {
    pub(crate) fn new(client: AtlanClient) -> Self {
        Self { client }
    }

    /// What an app is: its name, how it runs, its entrypoints.
    ///
    /// # Errors
    /// [`crate::Error::InvalidInput`] for an empty id; [`crate::Error::NotFound`] for an unknown
    /// app; otherwise as [`AtlanClient::execute`].
    pub async fn describe(&self, app_id: &str) -> Result<AppInfo> {
        self.client.execute_json(&requests::describe(app_id)?).await
    }

    /// The JSON Schema an app's inputs must satisfy (for its default entrypoint, or
    /// [`GetInputContract::entrypoint`]).
    pub fn input_contract(&self, app_id: impl Into<String>) -> GetInputContract {
        GetInputContract {
            client: self.client.clone(),
            app_id: app_id.into(),
            entrypoint: None,
        }
    }

    /// The app workflows: create, list, get, update, delete, run.
    pub fn workflows(&self) -> AppWorkflows {
        AppWorkflows::new(self.clone())
    }

    /// The app runs: get, stop, monitor, search, find.
    pub fn runs(&self) -> AppRuns {
        AppRuns::new(self.clone())
    }

    /// The app workflows' schedules (triggers): add, remove, suspend, resume.
    pub fn schedules(&self) -> AppSchedules {
        AppSchedules::new(self.clone())
    }
}
