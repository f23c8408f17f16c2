//! [`SubmitAppRun`]: starting a run of an app workflow, at most once.

use std::time::Duration;

use atlan_model::{AppRunResponse, AppWorkflowRunAttributes};

use super::Apps;
use crate::error::{Error, Result};
use crate::requests::apps as requests;

/// How many times a submit that answered 5xx checks the asset search for the active run.
const RECHECKS: u32 = 3;
/// The pause between those checks (the index may lag the run by seconds).
const RECHECK_PAUSE: Duration = Duration::from_secs(1);

/// A submit; from [`super::AppWorkflows::run`].
#[derive(Debug)]
#[must_use = "a submit does nothing until it is awaited"]
pub struct SubmitAppRun {
    pub(super) apps: Apps,
    pub(super) slug: String,
    pub(super) idempotent: bool,
}

impl SubmitAppRun {
    /// Refuses to start a run while one is Pending or Running: checks the asset search first
    /// ([`Error::AlreadyRunning`] with the active run's id), and when the submit answers 5xx,
    /// checks again (three times, a second apart) and reports the active run instead.
    ///
    /// The race that remains: the check and the submit are two calls, so two clients can both pass
    /// the check; and the asset index may lag a run just started by another client. The server's
    /// own refusal (a 500 while a run is active) is what prevents a second run on a tenant that
    /// enforces it.
    pub fn idempotent(mut self) -> Self {
        self.idempotent = true;
        self
    }

    /// Submits.
    ///
    /// # Errors
    /// [`Error::AlreadyRunning`] (idempotent only); [`Error::NotFound`] for an unknown slug;
    /// otherwise as [`crate::AtlanClient::execute`]. A submit whose connection failed after it may have
    /// arrived is not re-sent: [`Error::Transport`] says so.
    pub async fn send(self) -> Result<AppRunResponse> {
        if self.idempotent
            && let Some(active) = self.apps.runs().active(&self.slug).await?
        {
            return Err(already_running(&self.slug, &active));
        }
        let submitted = self
            .apps
            .client
            .execute_json(&requests::submit(&self.slug)?)
            .await;
        match submitted {
            Err(Error::Api { status, .. }) if self.idempotent && status.is_server_error() => {
                for attempt in 0..RECHECKS {
                    if attempt > 0 {
                        tokio::time::sleep(RECHECK_PAUSE).await;
                    }
                    if let Some(active) = self.apps.runs().active(&self.slug).await? {
                        return Err(already_running(&self.slug, &active));
                    }
                }
                submitted
            }
            other => other,
        }
    }
}

awaitable!(SubmitAppRun, AppRunResponse);

fn already_running(slug: &str, active: &AppWorkflowRunAttributes) -> Error {
    let run_id = active.name.clone().or_else(|| {
        active
            .qualified_name
            .as_deref()
            .and_then(|name| name.rsplit('/').next())
            .map(str::to_owned)
    });
    Error::AlreadyRunning {
        slug: slug.to_owned(),
        run_id,
    }
}
