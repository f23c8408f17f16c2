//! App workflows, the connectors of newer Atlan tenants (`/api/service/v1/app…`): describe an app
//! and its input contract; create, list, get, change, delete workflows; submit, watch and cancel
//! runs; find runs through the asset search; add and remove schedules.
//!
//! The handle is [`Apps`] (this file); each operation with options has its builder in a file of
//! its own: [`contract`](GetInputContract), [`create`](CreateAppWorkflow), [`list`](AppWorkflowList),
//! [`update`](UpdateAppWorkflow), [`submit`](SubmitAppRun), [`monitor`](AppMonitor),
//! [`runs`](AppRunSearch) and [`schedule`](AddAppSchedule).
//!
//! What this does that pyatlan 11.6.0 does not: ids are encoded as one path segment (and empty or
//! dot-segment ids refused); create, submit and cancel are never re-sent once they may have reached
//! the server; creating sends `"run": false` unless [`CreateAppWorkflow::run`] is called; a name
//! conflict is a typed error unless reuse is asked for ([`CreateAppWorkflow::or_reuse`]), and the
//! answer says whether it reused; an idempotent submit reports the active run's id; `Error` is a
//! terminal status, and [`AppMonitor`] has a timeout.

use atlan_model::{
    AppInfo, AppInputs, AppRunResponse, AppSummary, AppWorkflowRunAttributes, AtlasSearchResponse,
    CancelRunResponse, CreateApp, DeleteAppResponse, ScheduleRemoved, UpdateApp,
};
use atlan_query::apps as searches;

use crate::client::AtlanClient;
use crate::error::{Error, Result};
use crate::listing::Listing;
use crate::monitor::Wait;
use crate::requests::apps as requests;

mod contract;
mod create;
mod list;
mod monitor;
mod runs;
mod schedule;
mod submit;
mod update;

pub use contract::{GetInputContract, check_inputs};
pub use create::{CreateAppWorkflow, CreatedApp};
pub use list::{AppWorkflowList, MAX_APP_LISTING};
pub use monitor::{AppMonitor, AppProgressCallback, AppRunWatch};
pub use runs::{AppRunSearch, AppRuns};
pub use schedule::AddAppSchedule;
pub use submit::SubmitAppRun;
pub use update::{ChangeInputs, UpdateAppWorkflow};

/// The most app workflow assets [`Apps::workflow_times`] reads (the search's result window).
pub const MAX_WORKFLOW_ASSETS: u64 = 10_000;

/// When an app workflow was created and last changed (its asset's `createTime` and
/// `updateTime`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AppWorkflowTimes {
    /// The workflow.
    pub slug: String,
    /// When it was created.
    pub created: Option<jiff::Timestamp>,
    /// When it was last changed (inputs, schedules).
    pub updated: Option<jiff::Timestamp>,
}

/// An instant from epoch milliseconds, if it is one.
fn instant(millis: i64) -> Option<jiff::Timestamp> {
    jiff::Timestamp::from_millisecond(millis).ok()
}

/// App workflow operations; from [`AtlanClient::apps`].
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
    /// [`Error::InvalidInput`] for an empty id; [`Error::NotFound`] for an unknown app; otherwise as
    /// [`AtlanClient::execute`].
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

    /// Creates a workflow of `app_id` named `name` (the server mints its slug). It does not start a
    /// run unless [`CreateAppWorkflow::run`] is called: `"run": false` is always sent.
    pub fn create(
        &self,
        app_id: impl Into<String>,
        name: impl Into<String>,
        inputs: AppInputs,
    ) -> CreateAppWorkflow {
        CreateAppWorkflow {
            apps: self.clone(),
            request: CreateApp::new(app_id, name, inputs),
            reuse: false,
            validate: false,
        }
    }

    /// The workflows, a page at a time ([`AppWorkflowList::page`], [`AppWorkflowList::pages`])
    /// or one by one ([`AppWorkflowList::stream`]), following `next_cursor`.
    pub fn list(&self) -> AppWorkflowList {
        AppWorkflowList::new(self.client.clone())
    }

    /// One workflow.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown (or archived) slug; [`Error::InvalidInput`] for an empty
    /// or dot-segment slug; otherwise as [`AtlanClient::execute`].
    pub async fn get(&self, slug: &str) -> Result<AppSummary> {
        self.client.execute_json(&requests::get(slug)?).await
    }

    /// One workflow, or `None` when there is none with this slug.
    ///
    /// # Errors
    /// As [`Apps::get`], except not found.
    pub async fn get_opt(&self, slug: &str) -> Result<Option<AppSummary>> {
        Error::not_found_as_none(self.get(slug).await)
    }

    /// Replaces a workflow's inputs (the whole set, as the server does); a new version.
    pub fn update(&self, slug: impl Into<String>, inputs: AppInputs) -> UpdateAppWorkflow {
        UpdateAppWorkflow {
            apps: self.clone(),
            slug: slug.into(),
            request: UpdateApp::new(inputs),
        }
    }

    /// Changes some inputs of a workflow: reads the stored ones, sets these, replaces the whole
    /// set (such as `.set("enable_lineage", true)`).
    pub fn change(&self, slug: impl Into<String>) -> ChangeInputs {
        ChangeInputs {
            apps: self.clone(),
            slug: slug.into(),
            changes: Vec::new(),
        }
    }

    /// Deletes (archives) a workflow.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown slug; otherwise as [`AtlanClient::execute`].
    pub async fn delete(&self, slug: &str) -> Result<DeleteAppResponse> {
        self.client.execute_json(&requests::delete(slug)?).await
    }

    /// Starts a run of a workflow (never re-sent once it may have reached the server).
    pub fn submit(&self, slug: impl Into<String>) -> SubmitAppRun {
        SubmitAppRun {
            apps: self.clone(),
            slug: slug.into(),
            idempotent: false,
        }
    }

    /// A run's status.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown run; otherwise as [`AtlanClient::execute`].
    pub async fn get_run(&self, run_id: &str) -> Result<AppRunResponse> {
        self.client.execute_json(&requests::get_run(run_id)?).await
    }

    /// Cancels a run (a finished run is left as it is: `cancelled` is then false).
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown run; otherwise as [`AtlanClient::execute`].
    pub async fn cancel_run(&self, run_id: &str) -> Result<CancelRunResponse> {
        self.client
            .execute_json(&requests::cancel_run(run_id)?)
            .await
    }

    /// Polls a run until it ends (any terminal status, `Error` included) or the timeout.
    pub fn monitor(&self, run_id: impl Into<String>) -> AppMonitor {
        Wait::new(AppRunWatch::new(self.clone(), run_id.into()))
    }

    /// Runs, found through the asset search: of one workflow or all, by status and time, a
    /// [`Listing`] like the legacy runs.
    pub fn runs(&self) -> AppRunSearch {
        Listing::new(self.client.clone(), AppRuns::default())
    }

    /// Adds a schedule; the time zone is `UTC` unless [`AddAppSchedule::timezone`] says otherwise
    /// (it is always sent).
    pub fn add_schedule(&self, slug: impl Into<String>, cron: impl Into<String>) -> AddAppSchedule {
        AddAppSchedule {
            client: self.client.clone(),
            slug: slug.into(),
            cron: cron.into(),
            timezone: "UTC".to_owned(),
        }
    }

    /// Removes a schedule.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown slug or trigger; otherwise as [`AtlanClient::execute`].
    pub async fn remove_schedule(&self, slug: &str, trigger_id: &str) -> Result<ScheduleRemoved> {
        self.client
            .execute_json(&requests::remove_schedule(slug, trigger_id)?)
            .await
    }

    /// A run as its `AppWorkflowRun` asset, with its steps and outputs (where each step's error,
    /// exit code and log are): the asset search's view of a run, as the runs listing gives, with
    /// the detail [`Apps::get_run`] does not carry.
    ///
    /// # Errors
    /// [`Error::NotFound`] when the search finds no run with this id; [`Error::InvalidInput`] for
    /// an empty id; otherwise as [`AtlanClient::execute`].
    pub async fn find_run(&self, run_id: &str) -> Result<AppWorkflowRunAttributes> {
        let search = searches::run_by_id(run_id)?;
        let answer: AtlasSearchResponse = self
            .client
            .execute_json(&requests::search(&search)?)
            .await?;
        runs::decode_runs(&answer)?
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
    /// As [`Apps::find_run`], but not [`Error::NotFound`].
    pub async fn find_run_opt(&self, run_id: &str) -> Result<Option<AppWorkflowRunAttributes>> {
        Error::not_found_as_none(self.find_run(run_id).await)
    }

    /// When each app workflow was created and last changed, from its `AtlanAppWorkflow` asset
    /// (`GET v1/app` does not say), in pages of 1,000 read one after another, at most
    /// [`MAX_WORKFLOW_ASSETS`]: a schedule's due times before its workflow existed (or was last
    /// changed, which a trigger added or removed is) cannot have been missed.
    ///
    /// # Errors
    /// As [`AtlanClient::execute`].
    pub async fn workflow_times(&self) -> Result<Vec<AppWorkflowTimes>> {
        const PAGE: u64 = 1_000;
        let mut times = Vec::new();
        let mut from = 0;
        while from < MAX_WORKFLOW_ASSETS {
            let search = searches::workflow_assets(from, PAGE)?;
            let answer: AtlasSearchResponse = self
                .client
                .execute_json(&requests::search(&search)?)
                .await?;
            let mut count = 0;
            for entity in answer.entities_of(searches::WORKFLOW_TYPE) {
                count += 1;
                let slug = entity
                    .workflow_attributes()
                    .ok()
                    .and_then(|attributes| attributes.slug);
                if let Some(slug) = slug {
                    times.push(AppWorkflowTimes {
                        slug,
                        created: entity.create_time.and_then(instant),
                        updated: entity.update_time.and_then(instant),
                    });
                }
            }
            if count < PAGE {
                break;
            }
            from += PAGE;
        }
        Ok(times)
    }

    /// The Pending or Running run of a workflow, per the asset search.
    pub(crate) async fn active_run(&self, slug: &str) -> Result<Option<AppWorkflowRunAttributes>> {
        let search = searches::active_runs(slug)?;
        let answer: AtlasSearchResponse = self
            .client
            .execute_json(&requests::search(&search)?)
            .await?;
        Ok(runs::decode_runs(&answer)?.into_iter().next())
    }
}
