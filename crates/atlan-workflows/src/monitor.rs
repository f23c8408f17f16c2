//! [`Monitor`]: waiting for a run to finish.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use atlan_model::{WorkflowPhase, WorkflowSearchResult};

use crate::error::{Error, Result, RunStatus};
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
        let poller = Poller {
            operation: "runs.monitor",
            what: self.target.to_string(),
            interval: self.interval,
            timeout: self.timeout,
        };
        let (runs, target) = (&self.runs, &self.target);
        poller
            .until_done(
                move || async move {
                    match target {
                        MonitorTarget::Workflow(name) => runs.latest_opt(name).await,
                        MonitorTarget::Run(id) => runs.get_opt(id).await,
                    }
                },
                self.on_progress.as_deref(),
                |run: &WorkflowSearchResult| {
                    let phase = run.phase();
                    (
                        phase.cloned().map(RunStatus::Phase),
                        phase.is_some_and(WorkflowPhase::is_terminal),
                    )
                },
            )
            .await
    }
}

awaitable!(Monitor, WorkflowSearchResult);

/// The one poll loop under both monitors, of legacy runs and of app runs.
#[derive(Debug)]
pub(crate) struct Poller {
    /// The monitor's operation, for errors.
    pub(crate) operation: &'static str,
    /// What is waited for, for errors.
    pub(crate) what: String,
    /// Time between two polls (at least [`MIN_INTERVAL`]).
    pub(crate) interval: Duration,
    /// The longest wait.
    pub(crate) timeout: Duration,
}

impl Poller {
    /// Fetches until `state` says the fetched value is final, and returns it. `None` (not there
    /// yet) is waited for; never there by the timeout is [`Error::NotFound`]; there but not final
    /// by the timeout is [`Error::Timeout`] with the status last seen. The pause between polls
    /// never goes past the timeout, and is measured on tokio's clock (paused in tests).
    ///
    /// # Errors
    /// Those, and any error of `fetch`.
    pub(crate) async fn until_done<T, Fetch>(
        self,
        mut fetch: impl FnMut() -> Fetch,
        on_progress: Option<&(dyn Fn(&T) + Send + Sync)>,
        state: impl Fn(&T) -> (Option<RunStatus>, bool),
    ) -> Result<T>
    where
        Fetch: Future<Output = Result<Option<T>>>,
    {
        let started = tokio::time::Instant::now();
        let mut seen = false;
        let mut last_status = None;
        loop {
            if let Some(value) = fetch().await? {
                seen = true;
                if let Some(on_progress) = on_progress {
                    on_progress(&value);
                }
                let (status, done) = state(&value);
                if done {
                    return Ok(value);
                }
                last_status = status;
            }
            let waited = started.elapsed();
            if waited >= self.timeout {
                if !seen {
                    return Err(Error::NotFound {
                        operation: self.operation,
                        what: self.what,
                        body: None,
                    });
                }
                return Err(Error::Timeout {
                    operation: self.operation,
                    what: self.what,
                    waited,
                    last_status,
                });
            }
            let pause = self.interval.max(MIN_INTERVAL);
            tokio::time::sleep(pause.min(self.timeout.saturating_sub(waited))).await;
        }
    }
}
