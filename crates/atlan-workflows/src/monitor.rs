//! [`Monitor`]: waiting for a run to finish.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use atlan_model::{WorkflowPhase, WorkflowSearchResult};

use crate::error::{Error, Result};
use crate::runs::Runs;

/// The shortest time between two polls of a [`Monitor`].
const MIN_INTERVAL: Duration = Duration::from_millis(100);

/// What a [`Monitor`] waits for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MonitorTarget {
    /// The latest run of this workflow.
    Workflow(String),
    /// This run.
    Run(String),
}

impl fmt::Display for MonitorTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Workflow(name) => write!(f, "the latest run of workflow `{name}`"),
            Self::Run(id) => write!(f, "run `{id}`"),
        }
    }
}

/// A callback with each state of a monitored run.
pub type ProgressCallback = Arc<dyn Fn(&WorkflowSearchResult) + Send + Sync>;

/// A wait for a run to finish; from [`Runs::monitor`]. Await it (or call [`Monitor::send`]) to
/// poll until the run reaches a final phase (Succeeded, Failed or Error) and get it.
#[must_use = "a monitor does nothing until it is awaited"]
pub struct Monitor {
    runs: Runs,
    target: MonitorTarget,
    interval: Duration,
    timeout: Duration,
    on_progress: Option<ProgressCallback>,
}

impl fmt::Debug for Monitor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Monitor")
            .field("target", &self.target)
            .field("interval", &self.interval)
            .field("timeout", &self.timeout)
            .field("on_progress", &self.on_progress.is_some())
            .finish_non_exhaustive()
    }
}

impl Monitor {
    pub(crate) fn new(runs: Runs, target: MonitorTarget) -> Self {
        Self {
            runs,
            target,
            interval: Duration::from_secs(10),
            timeout: Duration::from_secs(3600),
            on_progress: None,
        }
    }

    /// Time between two polls (default 10 s; at least 100 ms).
    pub fn interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// The longest wait (default 1 hour); then [`Error::Timeout`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Calls `callback` with each state of the run seen.
    pub fn on_progress(
        mut self,
        callback: impl Fn(&WorkflowSearchResult) + Send + Sync + 'static,
    ) -> Self {
        self.on_progress = Some(Arc::new(callback));
        self
    }

    /// Polls until the run finishes and returns it, whatever its final phase. A run that exists
    /// but has no phase yet is waited for like a Pending one.
    ///
    /// # Errors
    /// [`Error::Timeout`] when it has not finished within the timeout (with the phase last seen,
    /// if any); [`Error::NotFound`] when the run (or any run of the workflow) never appeared;
    /// otherwise as [`crate::AtlanClient::execute`].
    pub async fn send(self) -> Result<WorkflowSearchResult> {
        let started = tokio::time::Instant::now();
        let mut seen = false;
        let mut last_phase = None;
        loop {
            let run = match &self.target {
                MonitorTarget::Workflow(name) => self.runs.latest_opt(name).await?,
                MonitorTarget::Run(id) => self.runs.get_opt(id).await?,
            };
            if let Some(run) = run {
                seen = true;
                if let Some(on_progress) = &self.on_progress {
                    on_progress(&run);
                }
                last_phase = run.phase().cloned();
                if run.phase().is_some_and(WorkflowPhase::is_terminal) {
                    return Ok(run);
                }
            }
            let waited = started.elapsed();
            if waited >= self.timeout {
                if !seen {
                    return Err(Error::NotFound {
                        operation: "runs.monitor",
                        what: self.target.to_string(),
                        body: None,
                    });
                }
                return Err(Error::Timeout {
                    what: self.target.to_string(),
                    waited,
                    last_phase,
                });
            }
            wait_before_next_poll(self.interval, self.timeout, waited).await;
        }
    }
}

awaitable!(Monitor, WorkflowSearchResult);

/// Waits until the next poll of a monitor: `interval` (at least [`MIN_INTERVAL`]), but never past
/// `timeout`, of which `waited` has gone. Both monitors, of legacy runs and of app runs, poll so.
pub(crate) async fn wait_before_next_poll(interval: Duration, timeout: Duration, waited: Duration) {
    let pause = interval.max(MIN_INTERVAL);
    tokio::time::sleep(pause.min(timeout.saturating_sub(waited))).await;
}
