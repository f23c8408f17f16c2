//! [`CreateAppWorkflow`]: creating an app workflow, with a name conflict answered as asked.

use std::fmt;

use atlan_model::{ApiErrorBody, AppConflict, AppResponse, AppSchedule, CreateApp, decode_value};
use futures_util::StreamExt;
use http::StatusCode;

use super::{Apps, check_inputs};
use crate::error::{Error, Result};
use crate::requests::apps as requests;

/// The most workflows (and pages) the name lookup of a create's 409 walks.
const NAME_LOOKUP_BOUND: u64 = 100;

/// What [`CreateAppWorkflow`] did.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CreatedApp {
    /// The answer: the slug, version, and the run or schedule started.
    pub response: AppResponse,
    /// Whether an existing workflow of the same name was reused ([`CreateAppWorkflow::or_reuse`]):
    /// its inputs, entrypoint and schedules were then left as they were.
    pub reused: bool,
}

/// A create; from [`super::AppWorkflows::create`].
#[must_use = "a create does nothing until it is awaited"]
pub struct CreateAppWorkflow {
    pub(super) apps: Apps,
    pub(super) request: CreateApp,
    pub(super) reuse: bool,
    pub(super) validate: bool,
}

impl fmt::Debug for CreateAppWorkflow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreateAppWorkflow")
            .field("request", &self.request)
            .field("reuse", &self.reuse)
            .finish_non_exhaustive()
    }
}

impl CreateAppWorkflow {
    /// The app's operation (the server's default when not set).
    pub fn entrypoint(mut self, entrypoint: impl Into<String>) -> Self {
        self.request.entrypoint = Some(entrypoint.into());
        self
    }

    /// Adds a schedule (checked before sending: a cron expression Argo reads, an IANA zone).
    pub fn schedule(mut self, cron: impl Into<String>, timezone: impl Into<String>) -> Self {
        self.request.schedule = Some(AppSchedule::new(cron, timezone));
        self
    }

    /// Starts a run once created (`"run": true`).
    pub fn run(mut self) -> Self {
        self.request.run = Some(true);
        self
    }

    /// On a name conflict, returns the existing workflow (when exactly one has the name) instead of
    /// [`Error::AppExists`]; [`CreatedApp::reused`] says so. Its inputs are not changed.
    pub fn or_reuse(mut self) -> Self {
        self.reuse = true;
        self
    }

    /// Checks the inputs against the app's input contract before sending (one more request, for
    /// the contract); a failure names every failing field, never a value, and sends nothing.
    pub fn validate(mut self) -> Self {
        self.validate = true;
        self
    }

    /// Sends the create.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a bad schedule, an empty app id or name, or (with
    /// [`CreateAppWorkflow::validate`]) inputs that break the contract: nothing is sent;
    /// [`Error::AppExists`] on a name conflict (unless reusing); otherwise as
    /// [`crate::AtlanClient::execute`].
    pub async fn send(self) -> Result<CreatedApp> {
        if let Some(schedule) = &self.request.schedule {
            atlan_model::check_cron(&schedule.cron)?;
            atlan_model::check_timezone(schedule.timezone.as_deref().unwrap_or("UTC"))?;
        }
        let request = requests::create(&self.request)?;
        if self.validate {
            let mut query = self.apps.input_contract(self.request.app_id.clone());
            if let Some(entrypoint) = &self.request.entrypoint {
                query = query.entrypoint(entrypoint.clone());
            }
            check_inputs(
                &self.request.app_id,
                &query.send().await?,
                &self.request.inputs,
            )?;
        }
        match self.apps.client.execute_json::<AppResponse>(&request).await {
            Ok(response) => Ok(CreatedApp {
                response,
                reused: false,
            }),
            Err(Error::Api { status, body, .. }) if status == StatusCode::CONFLICT => {
                let slugs = self.existing_slugs(&body).await?;
                self.on_conflict(slugs).await
            }
            Err(other) => Err(other),
        }
    }

    /// The slugs of the live workflows with the name asked for: those the 409 names, else those a
    /// lookup by name finds (bounded: a name is unique on a sane server).
    async fn existing_slugs(&self, body: &ApiErrorBody) -> Result<Vec<String>> {
        let conflict: AppConflict = serde_json::to_value(body)
            .ok()
            .and_then(|value| decode_value(value).ok())
            .unwrap_or_default();
        let mut slugs: Vec<String> = conflict
            .existing_slugs()
            .into_iter()
            .map(str::to_owned)
            .collect();
        if slugs.is_empty() {
            let mut found = self
                .apps
                .workflows()
                .list()
                .name(&self.request.name)
                .bound(NAME_LOOKUP_BOUND)
                .stream();
            while let Some(workflow) = found.next().await {
                slugs.extend(workflow?.slug);
            }
        }
        Ok(slugs)
    }

    /// What a name conflict answers: the one existing workflow when reuse was asked for, else
    /// [`Error::AppExists`].
    async fn on_conflict(self, slugs: Vec<String>) -> Result<CreatedApp> {
        match (self.reuse, slugs.as_slice()) {
            (true, [slug]) => {
                let existing = self.apps.workflows().get(slug).await?;
                let mut response = AppResponse::default();
                response.slug = slug.clone();
                response.version = existing.version;
                Ok(CreatedApp {
                    response,
                    reused: true,
                })
            }
            _ => Err(Error::AppExists {
                name: self.request.name,
                slugs,
            }),
        }
    }
}

awaitable!(CreateAppWorkflow, CreatedApp);
