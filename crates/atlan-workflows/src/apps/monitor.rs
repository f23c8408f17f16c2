//! [`AppMonitor`]: waiting for an app run to end, a [`Wait`] like the legacy [`crate::Monitor`].

use std::fmt;
use std::time::Duration;

use atlan_model::{AppRunResponse, AppRunStatus};
use futures_util::future::BoxFuture;

use super::AppRuns;
use crate::error::{ApiStatus, Result};
use crate::monitor::{Callback, Wait, Watched};
use crate::sealed::Sealed;

/// A callback with each state of a monitored app run.
pub type AppProgressCallback = Callback<AppRunResponse>;

/// A wait for an app run to end; from [`AppRuns::monitor`]. Every terminal status ends it, `Error`
/// included; its timeout names the status last seen ([`ApiStatus::App`]).
pub type AppMonitor = Wait<AppRunWatch>;

/// An app run waited for, by id.
#[derive(Clone)]
pub struct AppRunWatch {
    runs: AppRuns,
    run_id: String,
}

impl AppRunWatch {
    pub(super) fn new(runs: AppRuns, run_id: String) -> Self {
        Self { runs, run_id }
    }
}

impl fmt::Debug for AppRunWatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppRunWatch")
            .field("run_id", &self.run_id)
            .finish_non_exhaustive()
    }
}

impl Sealed for AppRunWatch {}

impl Watched for AppRunWatch {
    type State = AppRunResponse;

    const OPERATION: &'static str = "apps.monitor";
    const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);

    fn what(&self) -> String {
        format!("app run `{}`", self.run_id)
    }

    fn fetch(&self) -> BoxFuture<'_, Result<Option<AppRunResponse>>> {
        Box::pin(async move { self.runs.get(&self.run_id).await.map(Some) })
    }

    fn status(run: &AppRunResponse) -> (Option<ApiStatus>, bool) {
        (
            run.status.clone().map(ApiStatus::App),
            run.status.as_ref().is_some_and(AppRunStatus::is_terminal),
        )
    }
}
