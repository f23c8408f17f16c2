//! Waiting for a run to end, of either API: [`Wait`] over what it watches ([`Monitor`] for a
//! legacy run, [`crate::AppMonitor`] for an app run), and the one [`Poller`] under both.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use atlan_model::{WorkflowPhase, WorkflowSearchResult};
use futures_util::future::BoxFuture;

use crate::error::{ApiStatus, Error, Result};
use crate::runs::Runs;
use crate::sealed::Sealed;

/// The shortest time between two polls of a [`Wait`].
const MIN_INTERVAL: Duration = Duration::from_millis(100);
/// How long a [`Wait`] waits for a run it does not find yet to appear (a lagging index), by
/// default.
pub const DEFAULT_APPEAR_WITHIN: Duration = Duration::from_secs(30);

/// What a [`Monitor`] waits for: a workflow's latest run, or a run.
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

/// A callback with each state of a monitored run of either API.
pub(crate) type Callback<S> = Arc<dyn Fn(&S) + Send + Sync>;

/// A callback with each state of a monitored run.
pub type ProgressCallback = Callback<WorkflowSearchResult>;

/// What a [`Wait`] polls: a legacy run ([`RunWatch`]) or an app run
/// ([`crate::apps::AppRunWatch`]). Sealed; its hidden methods are the poller's and may change.
pub trait Watched: Sealed + fmt::Debug + Send + Sync + 'static {
    /// What each poll answers, and what the wait returns.
    type State: Send + Sync + 'static;

    /// The monitor's operation, for errors.
    #[doc(hidden)]
    const OPERATION: &'static str;
    /// The time between two polls when none is set.
    #[doc(hidden)]
    const DEFAULT_INTERVAL: Duration;

    /// What is waited for, for errors.
    #[doc(hidden)]
    fn what(&self) -> String;

    /// One poll: the state, or `None` when the run is not there yet.
    #[doc(hidden)]
    fn fetch(&self) -> BoxFuture<'_, Result<Option<Self::State>>>;

    /// The status a state shows, and whether it is final.
    #[doc(hidden)]
    fn status(state: &Self::State) -> (Option<ApiStatus>, bool);
}

/// A wait for a run to end, of either API: [`Monitor`] (from [`Runs::monitor`]) or
/// [`crate::AppMonitor`] (from [`crate::AppRuns::monitor`]). Set the poll interval, the timeout and a
/// progress callback, then await it (or call [`Wait::send`]).
#[must_use = "a monitor does nothing until it is awaited"]
pub struct Wait<W: Watched> {
    watched: W,
    interval: Duration,
    timeout: Duration,
    appear_within: Duration,
    on_progress: Option<Callback<W::State>>,
}

/// A wait for a legacy run to finish; from [`Runs::monitor`]. It polls until the run reaches a
/// final phase (Succeeded, Failed or Error) and returns it.
pub type Monitor = Wait<RunWatch>;

impl<W: Watched> fmt::Debug for Wait<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wait")
            .field("watched", &self.watched)
            .field("interval", &self.interval)
            .field("timeout", &self.timeout)
            .field("appear_within", &self.appear_within)
            .field("on_progress", &self.on_progress.is_some())
            .finish_non_exhaustive()
    }
}

impl<W: Watched> Wait<W> {
    pub(crate) fn new(watched: W) -> Self {
        Self {
            watched,
            interval: W::DEFAULT_INTERVAL,
            timeout: Duration::from_secs(3600),
            appear_within: DEFAULT_APPEAR_WITHIN,
            on_progress: None,
        }
    }

    /// Time between two polls (default 10 s for a legacy run, 5 s for an app run; at least
    /// 100 ms).
    pub fn interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// The longest wait (default 1 hour); then [`Error::Timeout`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long a run that is not there yet is waited for (default [`DEFAULT_APPEAR_WITHIN`],
    /// never longer than the timeout): a search index may show a run just submitted a moment
    /// late. A run whose workflow does not exist is not waited for at all.
    pub fn appear_within(mut self, appear_within: Duration) -> Self {
        self.appear_within = appear_within;
        self
    }

    /// Calls `callback` with each state of the run seen.
    pub fn on_progress(mut self, callback: impl Fn(&W::State) + Send + Sync + 'static) -> Self {
        self.on_progress = Some(Arc::new(callback));
        self
    }

    /// Polls until the run ends and returns it, whatever its final phase or status (`Error` and
    /// unknown terminal statuses included). A legacy run that exists but has no phase yet is
    /// waited for like a Pending one.
    ///
    /// # Errors
    /// [`Error::Timeout`] when it has not ended within the timeout (with the operation and the
    /// status last seen, if any); [`Error::NotFound`] at once when the run cannot exist (a legacy
    /// run whose name is no run of an existing workflow, a workflow that does not exist, an app
    /// run the server does not know), or when it has not appeared within
    /// [`Wait::appear_within`]; otherwise as [`crate::AtlanClient::execute`].
    pub async fn send(self) -> Result<W::State> {
        let poller = Poller {
            operation: W::OPERATION,
            what: self.watched.what(),
            interval: self.interval,
            timeout: self.timeout,
            appear_within: self.appear_within,
        };
        let watched = &self.watched;
        poller
            .until_done(|| watched.fetch(), self.on_progress.as_deref(), W::status)
            .await
    }
}

impl<W: Watched> IntoFuture for Wait<W> {
    type Output = Result<W::State>;
    type IntoFuture = BoxFuture<'static, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// A legacy run waited for: the latest run of a workflow, or a run by id.
pub struct RunWatch {
    runs: Runs,
    target: MonitorTarget,
    /// Whether the workflow the target belongs to was found to exist.
    exists: AtomicBool,
}

impl Runs {
    /// Waits until a run finishes and returns it, whatever its final phase (Succeeded, Failed or
    /// Error): for a workflow, its latest run; for a run id, that run. Set the poll interval, the
    /// timeout and a progress callback on the [`Monitor`], then await it.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use atlan_workflows::{AtlanClient, MonitorTarget};
    ///
    /// # async fn example(client: AtlanClient) -> atlan_workflows::Result<()> {
    /// let run = client
    ///     .runs()
    ///     .monitor(MonitorTarget::Workflow("atlan-snowflake-1714638976".into()))
    ///     .interval(Duration::from_secs(10))
    ///     .timeout(Duration::from_secs(3600))
    ///     .on_progress(|run| println!("{:?}", run.phase()))
    ///     .await?;
    /// println!("finished {:?}", run.phase());
    /// # Ok(())
    /// # }
    /// ```
    pub fn monitor(&self, target: impl Into<MonitorTarget>) -> Monitor {
        Wait::new(RunWatch::new(self.clone(), target.into()))
    }
}

impl RunWatch {
    pub(crate) fn new(runs: Runs, target: MonitorTarget) -> Self {
        Self {
            runs,
            target,
            exists: AtomicBool::new(false),
        }
    }

    /// When the target is not found: whether it can exist at all (its workflow does), asked
    /// once. The index may show a run just submitted late; it never shows one of a workflow that
    /// does not exist.
    async fn can_exist(&self) -> Result<bool> {
        if self.exists.load(Ordering::Relaxed) {
            return Ok(true);
        }
        let exists = match &self.target {
            MonitorTarget::Workflow(name) => self.runs.workflow_exists(name).await?,
            MonitorTarget::Run(id) => self.runs.workflow_of(id).await?.is_some(),
        };
        self.exists.store(exists, Ordering::Relaxed);
        Ok(exists)
    }
}

impl Clone for RunWatch {
    fn clone(&self) -> Self {
        Self {
            runs: self.runs.clone(),
            target: self.target.clone(),
            exists: AtomicBool::new(self.exists.load(Ordering::Relaxed)),
        }
    }
}

impl fmt::Debug for RunWatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunWatch")
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

impl Sealed for RunWatch {}

impl Watched for RunWatch {
    type State = WorkflowSearchResult;

    const OPERATION: &'static str = "runs.monitor";
    const DEFAULT_INTERVAL: Duration = Duration::from_secs(10);

    fn what(&self) -> String {
        self.target.to_string()
    }

    fn fetch(&self) -> BoxFuture<'_, Result<Option<WorkflowSearchResult>>> {
        Box::pin(async move {
            let found = match &self.target {
                MonitorTarget::Workflow(name) => self.runs.latest_opt(name).await?,
                MonitorTarget::Run(id) => self.runs.get_opt(id).await?,
            };
            if found.is_none() && !self.can_exist().await? {
                let what = match &self.target {
                    MonitorTarget::Workflow(name) => format!("workflow `{name}`"),
                    MonitorTarget::Run(id) => {
                        format!("run `{id}` (and no workflow it could be a run of)")
                    }
                };
                return Err(Error::NotFound {
                    operation: Self::OPERATION,
                    what,
                    body: None,
                });
            }
            Ok(found)
        })
    }

    fn status(run: &WorkflowSearchResult) -> (Option<ApiStatus>, bool) {
        let phase = run.phase();
        (
            phase.cloned().map(ApiStatus::Phase),
            phase.is_some_and(WorkflowPhase::is_terminal),
        )
    }
}

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
    /// The longest wait for what has not appeared yet.
    pub(crate) appear_within: Duration,
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
        state: impl Fn(&T) -> (Option<ApiStatus>, bool),
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
            if !seen && waited >= self.appear_within.min(self.timeout) {
                return Err(Error::NotFound {
                    operation: self.operation,
                    what: self.what,
                    body: None,
                });
            }
            if waited >= self.timeout {
                return Err(Error::Timeout {
                    operation: self.operation,
                    what: self.what,
                    waited,
                    last_status,
                });
            }
            let pause = self.interval.max(MIN_INTERVAL);
            let limit = if seen {
                self.timeout
            } else {
                self.appear_within.min(self.timeout)
            };
            tokio::time::sleep(pause.min(limit.saturating_sub(waited))).await;
        }
    }
}
