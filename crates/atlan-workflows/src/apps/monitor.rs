//! [`AppMonitor`]: waiting for an app run to end, through the poller of every monitor.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use atlan_model::{AppRunResponse, AppRunStatus};

use super::Apps;
use crate::error::{Result, RunStatus};
use crate::monitor::Poller;

/// A callback with each state of a monitored app run.
pub type AppProgressCallback = Arc<dyn Fn(&AppRunResponse) + Send + Sync>;

/// A wait for an app run to end; from [`Apps::monitor`].
#[must_use = "a monitor does nothing until it is awaited"]
pub struct AppMonitor {
    pub(super) apps: Apps,
    pub(super) run_id: String,
    pub(super) interval: Duration,
    pub(super) timeout: Duration,
    pub(super) on_progress: Option<AppProgressCallback>,
}

impl fmt::Debug for AppMonitor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppMonitor")
            .field("run_id", &self.run_id)
            .field("interval", &self.interval)
            .field("timeout", &self.timeout)
            .field("on_progress", &self.on_progress.is_some())
            .finish_non_exhaustive()
    }
}

impl AppMonitor {
    /// Time between two polls (default 5 s; at least 100 ms).
    pub fn interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// The longest wait (default 1 hour); then [`crate::Error::Timeout`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Calls `callback` with each state of the run seen.
    pub fn on_progress(
        mut self,
        callback: impl Fn(&AppRunResponse) + Send + Sync + 'static,
    ) -> Self {
        self.on_progress = Some(Arc::new(callback));
        self
    }

    /// Polls until the run ends, whatever its final status (`Error` and unknown terminal ones
    /// included), and returns it.
    ///
    /// # Errors
    /// [`crate::Error::Timeout`] (with the status last seen, [`RunStatus::App`]);
    /// [`crate::Error::NotFound`] for an unknown run; otherwise as
    /// [`crate::AtlanClient::execute`].
    pub async fn send(self) -> Result<AppRunResponse> {
        let poller = Poller {
            operation: "apps.monitor",
            what: format!("app run `{}`", self.run_id),
            interval: self.interval,
            timeout: self.timeout,
        };
        let (apps, run_id) = (&self.apps, self.run_id.as_str());
        poller
            .until_done(
                move || async move { apps.get_run(run_id).await.map(Some) },
                self.on_progress.as_deref(),
                |run: &AppRunResponse| {
                    (
                        run.status.clone().map(RunStatus::App),
                        run.status.as_ref().is_some_and(AppRunStatus::is_terminal),
                    )
                },
            )
            .await
    }
}

awaitable!(AppMonitor, AppRunResponse);
