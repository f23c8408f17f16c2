//! [`UpdateAppWorkflow`] (replace the inputs) and [`ChangeInputs`] (read, change some, replace).

use std::fmt;

use atlan_model::{AppResponse, UpdateApp};
use serde_json::Value;

use super::Apps;
use crate::error::{Error, Result};
use crate::requests::apps as requests;

/// An update; from [`super::AppWorkflows::update`].
#[must_use = "an update does nothing until it is awaited"]
pub struct UpdateAppWorkflow {
    pub(super) apps: Apps,
    pub(super) slug: String,
    pub(super) request: UpdateApp,
}

impl fmt::Debug for UpdateAppWorkflow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpdateAppWorkflow")
            .field("slug", &self.slug)
            .field("request", &self.request)
            .finish_non_exhaustive()
    }
}

impl UpdateAppWorkflow {
    /// The app's operation.
    pub fn entrypoint(mut self, entrypoint: impl Into<String>) -> Self {
        self.request.entrypoint = Some(entrypoint.into());
        self
    }

    /// Sends the update.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown slug; otherwise as [`crate::AtlanClient::execute`].
    pub async fn send(self) -> Result<AppResponse> {
        self.apps
            .client
            .execute_json(&requests::update(&self.slug, &self.request)?)
            .await
    }
}

awaitable!(UpdateAppWorkflow, AppResponse);

/// A read-modify-write of some inputs; from [`super::AppWorkflows::change`].
#[derive(Debug)]
#[must_use = "a change does nothing until it is awaited"]
pub struct ChangeInputs {
    pub(super) apps: Apps,
    pub(super) slug: String,
    pub(super) changes: Vec<(String, Value)>,
}

impl ChangeInputs {
    /// Sets one input (it must be a field of the app's contract or of the stored inputs).
    pub fn set(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.changes.push((name.into(), value.into()));
        self
    }

    /// Reads the stored inputs, applies the changes, and replaces the whole set.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a name the app does not know (listing the known ones), before
    /// anything is changed; [`Error::NotFound`] for an unknown slug; otherwise as
    /// [`crate::AtlanClient::execute`].
    pub async fn send(self) -> Result<AppResponse> {
        let apps = &self.apps;
        let summary = apps.workflows().get(&self.slug).await?;
        let mut inputs = summary.stored_inputs().unwrap_or_default();
        let entrypoint = summary
            .entrypoint()
            .filter(|entrypoint| !entrypoint.is_empty())
            .map(str::to_owned);
        let mut known: Vec<String> = inputs.as_map().keys().cloned().collect();
        if let Some(app_id) = summary.app() {
            let mut query = apps.input_contract(app_id);
            if let Some(entrypoint) = &entrypoint {
                query = query.entrypoint(entrypoint.clone());
            }
            let contract = query.send().await?;
            known.extend(contract.field_names().map(str::to_owned));
        }
        known.sort();
        known.dedup();
        for (name, value) in self.changes {
            if !known.contains(&name) {
                return Err(Error::invalid(format!(
                    "`{name}` is not an input of app workflow `{}`; its inputs are: {}",
                    self.slug,
                    known.join(", ")
                )));
            }
            inputs.set(name, value);
        }
        let mut update = apps.workflows().update(self.slug.clone(), inputs);
        if let Some(entrypoint) = entrypoint {
            update = update.entrypoint(entrypoint);
        }
        update.send().await
    }
}

awaitable!(ChangeInputs, AppResponse);
