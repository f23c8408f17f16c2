//! [`Runs`]: get, list, search, latest, current, stop, monitor.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use atlan_model::{
    WorkflowPhase, WorkflowRunResponse, WorkflowSearchResponse, WorkflowSearchResult,
};
use atlan_query::Search;
use atlan_query::workflows::{self, TimeBounds};
use futures_util::stream::BoxStream;

use crate::client::AtlanClient;
use crate::error::{Error, Result};
use crate::paging::{Page, Pager};
use crate::request::ApiRequest;
use crate::requests::{index_search, runs as requests};

/// Run operations; from [`AtlanClient::runs`].
#[derive(Debug, Clone)]
pub struct Runs {
    client: AtlanClient,
}

impl Runs {
    pub(crate) fn new(client: AtlanClient) -> Self {
        Self { client }
    }

    /// The run with this id, if there is one.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty id; otherwise as [`AtlanClient::execute`].
    pub async fn get(&self, run_id: &str) -> Result<Option<WorkflowSearchResult>> {
        self.first(&requests::get(run_id)?).await
    }

    /// A workflow's runs in one phase (or in any phase, with `None`), newest first: `.page()` for
    /// one page, `.stream()` for all.
    ///
    /// ```no_run
    /// use atlan_workflows::{AtlanClient, WorkflowPhase};
    ///
    /// # async fn example(client: AtlanClient) -> atlan_workflows::Result<()> {
    /// let running = client.runs().list("atlan-snowflake-1714638976", WorkflowPhase::Running).page().await?;
    /// let every = client.runs().list("atlan-snowflake-1714638976", None).size(20).page().await?;
    /// println!("{} running, {} runs on the first page", running.items.len(), every.items.len());
    /// # Ok(())
    /// # }
    /// ```
    pub fn list(&self, workflow_name: &str, phase: impl Into<Option<WorkflowPhase>>) -> RunList {
        RunList {
            client: self.client.clone(),
            kind: RunListKind::OfWorkflow {
                workflow_name: workflow_name.to_owned(),
                phase: phase.into(),
            },
            from: 0,
            size: DEFAULT_PAGE_SIZE,
        }
    }

    /// Runs in these phases that started and finished within bounds, newest first (the seed
    /// page's "status and time range" search): `.page()` for one page, `.stream()` for all.
    ///
    /// ```no_run
    /// use atlan_workflows::{AtlanClient, WorkflowPhase};
    /// use atlan_workflows::TimeBounds;
    /// use futures_util::TryStreamExt;
    ///
    /// # async fn example(client: AtlanClient) -> atlan_workflows::Result<()> {
    /// let finished = client
    ///     .runs()
    ///     .search(
    ///         &[WorkflowPhase::Succeeded, WorkflowPhase::Failed],
    ///         TimeBounds::since("now-6h"),
    ///         TimeBounds::since("now-1h"),
    ///     )
    ///     .stream();
    /// let runs: Vec<_> = finished.try_collect().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn search(
        &self,
        phases: &[WorkflowPhase],
        started: TimeBounds,
        finished: TimeBounds,
    ) -> RunList {
        RunList {
            client: self.client.clone(),
            kind: RunListKind::ByStatus {
                phases: phases.to_vec(),
                started,
                finished,
            },
            from: 0,
            size: DEFAULT_PAGE_SIZE,
        }
    }

    /// A workflow's latest run: the newest by start time, a run that has not started yet first.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty name; otherwise as [`AtlanClient::execute`].
    pub async fn latest(&self, workflow_name: &str) -> Result<Option<WorkflowSearchResult>> {
        self.first(&requests::latest(workflow_name)?).await
    }

    /// A workflow's run that is Pending or Running, if any (among its 50 newest).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty name; otherwise as [`AtlanClient::execute`].
    pub async fn current(&self, workflow_name: &str) -> Result<Option<WorkflowSearchResult>> {
        let response: WorkflowSearchResponse = self
            .client
            .execute_json(&requests::current(workflow_name)?)
            .await?;
        Ok(workflows::pick_current_run(response.hits()).cloned())
    }

    /// Stops a running run: it ends Failed, "Stopped with strategy 'Stop'".
    ///
    /// # Errors
    /// [`Error::Api`] when the run has finished already (the server's 4xx), [`Error::NotFound`] for
    /// an unknown run; otherwise as [`AtlanClient::execute`].
    pub async fn stop(&self, run_id: &str) -> Result<WorkflowRunResponse> {
        self.client.execute_json(&requests::stop(run_id)?).await
    }

    /// Waits until a run finishes and returns it, whatever its final phase (Succeeded, Failed or
    /// Error): for a workflow, its latest run; for a run id, that run. Polls every
    /// `options.interval`, calling `options.on_progress` with each state seen.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use atlan_workflows::{AtlanClient, MonitorOptions, MonitorTarget};
    ///
    /// # async fn example(client: AtlanClient) -> atlan_workflows::Result<()> {
    /// let options = MonitorOptions::new(Duration::from_secs(10), Duration::from_secs(3600))
    ///     .on_progress(|run| println!("{:?} {:?}", run.phase(), run.source.status.as_ref().and_then(|s| s.progress())));
    /// let run = client
    ///     .runs()
    ///     .monitor(MonitorTarget::Workflow("atlan-snowflake-1714638976".into()), options)
    ///     .await?;
    /// println!("finished {:?}", run.phase());
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// [`Error::Timeout`] when it has not finished within `options.timeout` (with the phase last
    /// seen); [`Error::NotFound`] when the run (or any run of the workflow) never appeared.
    pub async fn monitor(
        &self,
        target: impl Into<MonitorTarget>,
        options: MonitorOptions,
    ) -> Result<WorkflowSearchResult> {
        let target = target.into();
        let started = tokio::time::Instant::now();
        let mut last_phase = None;
        loop {
            let run = match &target {
                MonitorTarget::Workflow(name) => self.latest(name).await?,
                MonitorTarget::Run(id) => self.get(id).await?,
            };
            if let Some(run) = run {
                if let Some(on_progress) = &options.on_progress {
                    on_progress(&run);
                }
                last_phase = run.phase().cloned();
                if run.phase().is_some_and(WorkflowPhase::is_terminal) {
                    return Ok(run);
                }
            }
            let waited = started.elapsed();
            if waited >= options.timeout {
                if last_phase.is_none() {
                    return Err(Error::NotFound {
                        operation: "runs.monitor",
                        what: target.to_string(),
                        body: None,
                    });
                }
                return Err(Error::Timeout {
                    what: target.to_string(),
                    waited,
                    last_phase,
                });
            }
            let pause = options.interval.max(MIN_INTERVAL);
            tokio::time::sleep(pause.min(options.timeout - waited)).await;
        }
    }

    async fn first(&self, request: &ApiRequest) -> Result<Option<WorkflowSearchResult>> {
        let response: WorkflowSearchResponse = self.client.execute_json(request).await?;
        Ok(response.into_hits().into_iter().next())
    }
}

/// The shortest time between two polls of [`Runs::monitor`].
const MIN_INTERVAL: Duration = Duration::from_millis(100);

/// Results per page when none is set.
pub const DEFAULT_PAGE_SIZE: u64 = 100;

/// A listing of runs: set `from` and `size`, then fetch `.page()` or walk `.stream()`.
#[derive(Debug, Clone)]
#[must_use = "a listing does nothing until .page() or .stream()"]
pub struct RunList {
    client: AtlanClient,
    kind: RunListKind,
    from: u64,
    size: u64,
}

#[derive(Debug, Clone)]
enum RunListKind {
    OfWorkflow {
        workflow_name: String,
        phase: Option<WorkflowPhase>,
    },
    ByStatus {
        phases: Vec<WorkflowPhase>,
        started: TimeBounds,
        finished: TimeBounds,
    },
}

impl RunList {
    /// Starts at this result (default 0).
    pub fn from(mut self, from: u64) -> Self {
        self.from = from;
        self
    }

    /// Results per page (default 100).
    pub fn size(mut self, size: u64) -> Self {
        self.size = size;
        self
    }

    /// The search this listing sends for its first page.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty name, no phase, a bound that is not a date, a size of 0
    /// or a page past 10,000 results.
    pub fn search_body(&self) -> Result<Search> {
        Ok(match &self.kind {
            RunListKind::OfWorkflow {
                workflow_name,
                phase: Some(phase),
            } => workflows::runs_by_phase(workflow_name, phase, self.from, self.size)?,
            RunListKind::OfWorkflow {
                workflow_name,
                phase: None,
            } => workflows::runs_of_workflow(workflow_name, self.from, self.size)?,
            RunListKind::ByStatus {
                phases,
                started,
                finished,
            } => {
                workflows::runs_by_status_and_time(phases, started, finished, self.from, self.size)?
            }
        })
    }

    /// The request of the first page (for a dry run).
    ///
    /// # Errors
    /// As [`RunList::search_body`].
    pub fn request(&self) -> Result<ApiRequest> {
        index_search(self.operation(), true, &self.search_body()?)
    }

    fn operation(&self) -> &'static str {
        match self.kind {
            RunListKind::OfWorkflow { .. } => "runs.list",
            RunListKind::ByStatus { .. } => "runs.search",
        }
    }

    fn pager(&self) -> Result<Pager> {
        Ok(Pager {
            client: self.client.clone(),
            operation: self.operation(),
            runs: true,
            search: self.search_body()?,
        })
    }

    /// One page.
    ///
    /// # Errors
    /// As [`RunList::search_body`] and [`AtlanClient::execute`].
    pub async fn page(&self) -> Result<Page<WorkflowSearchResult>> {
        self.pager()?.page().await
    }

    /// Every run from `from` on, fetched a page at a time as the stream is read; it owns a client
    /// clone, so it can outlive the handler. It ends after a short or empty page, or when the
    /// total is reached.
    ///
    /// The stream is boxed (`Unpin`, `Send`): `while let Some(run) = stream.try_next().await?`
    /// works as is.
    pub fn stream(self) -> BoxStream<'static, Result<WorkflowSearchResult>> {
        use futures_util::StreamExt;
        match self.pager() {
            Ok(pager) => pager.stream(),
            Err(error) => futures_util::stream::once(async move { Err(error) }).boxed(),
        }
    }
}

/// What [`Runs::monitor`] waits for.
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

/// How [`Runs::monitor`] waits.
#[derive(Clone)]
#[non_exhaustive]
pub struct MonitorOptions {
    /// Time between two polls (default 10 s, at least 100 ms).
    pub interval: Duration,
    /// The longest wait (default 1 hour); then [`Error::Timeout`].
    pub timeout: Duration,
    /// Called with each state seen.
    pub on_progress: Option<ProgressCallback>,
}

impl MonitorOptions {
    /// Polls every `interval`, for at most `timeout`.
    pub fn new(interval: Duration, timeout: Duration) -> Self {
        Self {
            interval,
            timeout,
            on_progress: None,
        }
    }

    /// Calls `callback` with each state seen.
    #[must_use]
    pub fn on_progress(
        mut self,
        callback: impl Fn(&WorkflowSearchResult) + Send + Sync + 'static,
    ) -> Self {
        self.on_progress = Some(Arc::new(callback));
        self
    }
}

impl Default for MonitorOptions {
    fn default() -> Self {
        Self::new(Duration::from_secs(10), Duration::from_secs(3600))
    }
}

impl fmt::Debug for MonitorOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MonitorOptions")
            .field("interval", &self.interval)
            .field("timeout", &self.timeout)
            .field("on_progress", &self.on_progress.is_some())
            .finish()
    }
}
