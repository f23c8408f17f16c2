//! [`AppWorkflows`]: the app workflows of a tenant, as [`crate::Workflows`] is for the legacy ones:
//! create, list, get, update, change, delete, run, and when each was created and last changed.

use atlan_model::{
    AppInputs, AppSummary, AtlasSearchResponse, CreateApp, DeleteAppResponse, UpdateApp,
};
use atlan_query::apps as searches;

use super::{
    AppWorkflowList, Apps, ChangeInputs, CreateAppWorkflow, SubmitAppRun, UpdateAppWorkflow,
};
use crate::error::{Error, Result};
use crate::requests::apps as requests;

/// The most app workflow assets [`AppWorkflows::times`] reads (the search's result window).
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

/// App workflow operations; from [`Apps::workflows`].
#[derive(Debug, Clone)]
pub struct AppWorkflows {
    apps: Apps,
}

impl AppWorkflows {
    pub(super) fn new(apps: Apps) -> Self {
        Self { apps }
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
            apps: self.apps.clone(),
            request: CreateApp::new(app_id, name, inputs),
            reuse: false,
            validate: false,
        }
    }

    /// The workflows, a page at a time ([`AppWorkflowList::page`], [`AppWorkflowList::pages`])
    /// or one by one ([`AppWorkflowList::stream`]), following `next_cursor`.
    pub fn list(&self) -> AppWorkflowList {
        AppWorkflowList::new(self.apps.client.clone())
    }

    /// One workflow.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown (or archived) slug; [`Error::InvalidInput`] for an empty
    /// or dot-segment slug; otherwise as [`crate::AtlanClient::execute`].
    pub async fn get(&self, slug: &str) -> Result<AppSummary> {
        self.apps.client.execute_json(&requests::get(slug)?).await
    }

    /// One workflow, or `None` when there is none with this slug.
    ///
    /// # Errors
    /// As [`AppWorkflows::get`], except not found.
    pub async fn get_opt(&self, slug: &str) -> Result<Option<AppSummary>> {
        Error::not_found_as_none(self.get(slug).await)
    }

    /// Replaces a workflow's inputs (the whole set, as the server does); a new version.
    pub fn update(&self, slug: impl Into<String>, inputs: AppInputs) -> UpdateAppWorkflow {
        UpdateAppWorkflow {
            apps: self.apps.clone(),
            slug: slug.into(),
            request: UpdateApp::new(inputs),
        }
    }

    /// Changes some inputs of a workflow: reads the stored ones, sets these, replaces the whole
    /// set (such as `.set("enable_lineage", true)`).
    pub fn change(&self, slug: impl Into<String>) -> ChangeInputs {
        ChangeInputs {
            apps: self.apps.clone(),
            slug: slug.into(),
            changes: Vec::new(),
        }
    }

    /// Deletes (archives) a workflow.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown slug; otherwise as [`crate::AtlanClient::execute`].
    pub async fn delete(&self, slug: &str) -> Result<DeleteAppResponse> {
        self.apps
            .client
            .execute_json(&requests::delete(slug)?)
            .await
    }

    /// Starts a run of a workflow (never re-sent once it may have reached the server).
    pub fn run(&self, slug: impl Into<String>) -> SubmitAppRun {
        SubmitAppRun {
            apps: self.apps.clone(),
            slug: slug.into(),
            idempotent: false,
        }
    }

    /// When each app workflow was created and last changed, from its `AtlanAppWorkflow` asset
    /// (`GET v1/app` does not say), in pages of 1,000 read one after another, at most
    /// [`MAX_WORKFLOW_ASSETS`]: a schedule's due times before its workflow existed (or was last
    /// changed, which a trigger added or removed is) cannot have been missed.
    ///
    /// # Errors
    /// As [`crate::AtlanClient::execute`].
    pub async fn times(&self) -> Result<Vec<AppWorkflowTimes>> {
        const PAGE: u64 = 1_000;
        let mut times = Vec::new();
        let mut from = 0;
        while from < MAX_WORKFLOW_ASSETS {
            let search = searches::workflow_assets(from, PAGE)?;
            let answer: AtlasSearchResponse = self
                .apps
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
}
