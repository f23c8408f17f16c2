//! Every search of the Atlan workflow API, as a pure function returning the exact body to POST.
//!
//! Workflow searches go to `workflows/indexsearch` (the documents are WorkflowTemplates), run searches
//! to `runs/indexsearch` (the documents are Argo Workflows). Each function validates its input and
//! returns a [`Search`] with the sort Atlan's SDKs send, `metadata.creationTimestamp` descending
//! ([`default_sort`]), except [`latest_run`].

use atlan_model::{
    CREATOR_LABEL, PHASE_LABEL, SCHEDULE_QUERY_PACKAGE, WorkflowPackage, WorkflowPhase,
};

use crate::bound::TimeBound;
use crate::query::Query;
use crate::search::{MAX_RESULT_WINDOW, Search, Sort, SortOrder};

/// The nested path of object metadata in both indexes.
pub const METADATA: &str = "metadata";
/// The nested path of the spec in both indexes.
pub const SPEC: &str = "spec";

/// How many runs [`current_run`] looks at (as pyatlan does).
pub const CURRENT_RUN_WINDOW: u64 = 50;

/// A search input that cannot make a valid search.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QueryError {
    /// A required identifier or name is empty (or only white space).
    #[error("{what} must not be empty")]
    Empty {
        /// What was empty, such as `workflow name`.
        what: &'static str,
    },
    /// No phase to search for.
    #[error("at least one phase is required")]
    NoPhases,
    /// A page of zero hits.
    #[error("size must be at least 1")]
    ZeroSize,
    /// The page ends beyond the index's result window.
    #[error("from + size must be at most {max} (the index's result window), got {from} + {size}")]
    ResultWindow {
        /// The requested offset.
        from: u64,
        /// The requested page size.
        size: u64,
        /// The window, 10,000.
        max: u64,
    },
}

/// A bound on a run timestamp: a lower bound (`since`, sent as `gte`) and/or an upper bound (`before`,
/// sent as `lte`), each a [`TimeBound`] (checked once, where it was read).
///
/// Atlan's documented "runs by status and time range" sends `gte` for both `startedAt` and `finishedAt`
/// (`finished_at="now-1h"` means "finished within the last hour"): that is
/// `TimeBounds::since(..)`. pyatlan 8.4.2 and later send `lte` for `finishedAt` ("finished
/// before"): that is `TimeBounds::before(..)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TimeBounds {
    /// Lower bound, inclusive (`gte`).
    pub since: Option<TimeBound>,
    /// Upper bound, inclusive (`lte`).
    pub before: Option<TimeBound>,
}

impl TimeBounds {
    /// No bound.
    pub fn any() -> Self {
        Self::default()
    }

    /// At or after `since`.
    pub fn since(since: TimeBound) -> Self {
        Self {
            since: Some(since),
            before: None,
        }
    }

    /// At or before `before`.
    pub fn before(before: TimeBound) -> Self {
        Self {
            since: None,
            before: Some(before),
        }
    }

    /// Between `since` and `before`, both inclusive.
    pub fn between(since: TimeBound, before: TimeBound) -> Self {
        Self {
            since: Some(since),
            before: Some(before),
        }
    }

    /// Whether there is no bound.
    pub fn is_any(&self) -> bool {
        self.since.is_none() && self.before.is_none()
    }

    /// The range query on `field`, or `None` when unbounded.
    pub(crate) fn to_query(&self, field: &str) -> Option<Query> {
        if self.is_any() {
            return None;
        }
        let mut range = Query::range(field);
        if let Some(since) = &self.since {
            range = range.gte(since.as_str());
        }
        if let Some(before) = &self.before {
            range = range.lte(before.as_str());
        }
        Some(range.into())
    }
}

/// The sort Atlan's SDKs send with every search: newest first by `metadata.creationTimestamp`.
pub fn default_sort() -> Sort {
    Sort::new("metadata.creationTimestamp")
        .order(SortOrder::Desc)
        .nested(METADATA)
}

/// The Lucene regular expression that matches the ids of a package's workflows: the prefix, escaped
/// (each `-` as `[-]`, every other operator character with `\`), then `[-][0-9]{10}`.
///
/// ```
/// use atlan_model::WorkflowPackage;
/// assert_eq!(
///     atlan_query::workflows::workflow_id_pattern(&WorkflowPackage::SnowflakeMiner),
///     "atlan[-]snowflake[-]miner[-][0-9]{10}"
/// );
/// ```
pub fn workflow_id_pattern(package: &WorkflowPackage) -> String {
    let mut pattern = String::with_capacity(package.prefix().len() * 2 + 16);
    for c in package.prefix().chars() {
        match c {
            '-' => pattern.push_str("[-]"),
            '.' | '?' | '+' | '*' | '|' | '{' | '}' | '[' | ']' | '(' | ')' | '"' | '\\' | '#'
            | '@' | '&' | '<' | '>' | '~' | '^' | '$' => {
                pattern.push('\\');
                pattern.push(c);
            }
            _ => pattern.push(c),
        }
    }
    pattern.push_str("[-][0-9]{10}");
    pattern
}

/// `workflows/indexsearch`: the workflow with this id (`size 1`).
///
/// # Errors
/// [`QueryError::Empty`] for an empty id.
pub fn find_by_id(id: &str) -> Result<Search, QueryError> {
    let id = non_empty(id, "workflow id")?;
    let by_name = Query::nested(
        METADATA,
        Query::bool().must(Query::term("metadata.name.keyword", id)),
    );
    Ok(atlan_search(Query::bool().filter(by_name), 0, 1)?.sort(default_sort()))
}

/// The most ids [`find_by_ids`] takes.
pub const MAX_IDS: usize = 64;

/// `workflows/indexsearch`: the workflows with any of these ids (one hit each at most).
///
/// # Errors
/// [`QueryError::Empty`] without an id or for an empty one; [`QueryError::ResultWindow`] for more
/// than [`MAX_IDS`].
pub fn find_by_ids(ids: &[&str]) -> Result<Search, QueryError> {
    if ids.is_empty() {
        return Err(QueryError::Empty {
            what: "workflow ids",
        });
    }
    if ids.len() > MAX_IDS {
        return Err(QueryError::ResultWindow {
            from: 0,
            size: ids.len() as u64,
            max: MAX_IDS as u64,
        });
    }
    for id in ids {
        non_empty(id, "workflow id")?;
    }
    let by_name = Query::nested(
        METADATA,
        Query::terms("metadata.name.keyword", ids.iter().copied()),
    );
    Ok(atlan_search(Query::bool().filter(by_name), 0, ids.len() as u64)?.sort(default_sort()))
}

/// `workflows/indexsearch`: up to `max_results` workflows of a package, newest first: the first
/// page of [`workflows_page`] for the package.
///
/// # Errors
/// [`QueryError::Empty`] for an empty prefix, [`QueryError::ZeroSize`], [`QueryError::ResultWindow`].
pub fn find_by_type(
    package: impl Into<WorkflowPackage>,
    max_results: u64,
) -> Result<Search, QueryError> {
    workflows_page(Some(&package.into()), 0, max_results)
}

/// `workflows/indexsearch`: a page of the workflows of one package (or of every package), newest
/// first. A package matches ids that are exactly its prefix, a dash and ten digits, so
/// `atlan-snowflake` does not find `atlan-snowflake-miner-…` (the Go SDK's prefix query does).
///
/// # Errors
/// [`QueryError::Empty`] for an empty prefix, [`QueryError::ZeroSize`], [`QueryError::ResultWindow`].
pub fn workflows_page(
    package: Option<&WorkflowPackage>,
    from: u64,
    size: u64,
) -> Result<Search, QueryError> {
    let query: Query = match package {
        Some(package) => {
            non_empty(package.prefix(), "package prefix")?;
            Query::regexp("metadata.name.keyword", workflow_id_pattern(package)).into()
        }
        None => Query::exists("metadata.name").into(),
    };
    let query = Query::bool().filter(Query::nested(METADATA, query));
    Ok(atlan_search(query, from, size)?.sort(default_sort()))
}

/// `workflows/indexsearch`: up to `max_results` workflows whose schedule is suspended (they hold
/// the annotation [`atlan_model::SUSPENDED_SCHEDULE_ANNOTATION`]), newest first.
///
/// # Errors
/// [`QueryError::ZeroSize`], [`QueryError::ResultWindow`].
pub fn suspended_schedules(max_results: u64) -> Result<Search, QueryError> {
    let suspended = Query::nested(
        METADATA,
        Query::exists(format!(
            "metadata.annotations.{}",
            atlan_model::SUSPENDED_SCHEDULE_ANNOTATION
        )),
    );
    Ok(atlan_search(Query::bool().filter(suspended), 0, max_results)?.sort(default_sort()))
}

/// `workflows/indexsearch`: up to `max_results` workflows of every package, newest first: the
/// first page of [`workflows_page`] without a package.
///
/// # Errors
/// [`QueryError::ZeroSize`], [`QueryError::ResultWindow`].
pub fn every_workflow(max_results: u64) -> Result<Search, QueryError> {
    workflows_page(None, 0, max_results)
}

/// `runs/indexsearch`: the run with this id (`size 1`).
///
/// # Errors
/// [`QueryError::Empty`] for an empty id.
pub fn find_run_by_id(run_id: &str) -> Result<Search, QueryError> {
    let run_id = non_empty(run_id, "run id")?;
    Ok(atlan_search(Query::bool().filter(Query::term("_id", run_id)), 0, 1)?.sort(default_sort()))
}

/// `runs/indexsearch`: a page of one workflow's runs in one phase, newest first.
///
/// # Errors
/// [`QueryError::Empty`] for an empty name, [`QueryError::ZeroSize`], [`QueryError::ResultWindow`].
pub fn runs_by_phase(
    workflow_name: &str,
    phase: &WorkflowPhase,
    from: u64,
    size: u64,
) -> Result<Search, QueryError> {
    let query = Query::bool()
        .must(of_workflow(workflow_name)?)
        .filter(Query::term("status.phase.keyword", phase.as_str()));
    Ok(atlan_search(query, from, size)?.sort(default_sort()))
}

/// `runs/indexsearch`: a page of one workflow's runs in every phase, newest first (what
/// `atlanctl runs list --workflow NAME` shows without `--phase`).
///
/// # Errors
/// [`QueryError::Empty`] for an empty name, [`QueryError::ZeroSize`], [`QueryError::ResultWindow`].
pub fn runs_of_workflow(workflow_name: &str, from: u64, size: u64) -> Result<Search, QueryError> {
    let query = Query::bool().must(of_workflow(workflow_name)?);
    Ok(atlan_search(query, from, size)?.sort(default_sort()))
}

/// `runs/indexsearch`: a page of runs (of any workflow, started by a user) in any of `phases`,
/// started and finished within the given bounds, newest first: Atlan's documented "runs by status
/// and time range". See [`TimeBounds`] for how the documented `gte` and pyatlan's `lte` on
/// `finishedAt` are both expressed, and [`RunFilter`] for the rest of what a run search can ask.
///
/// # Errors
/// [`QueryError::NoPhases`], [`QueryError::ZeroSize`], [`QueryError::ResultWindow`].
pub fn runs_by_status_and_time(
    phases: &[WorkflowPhase],
    started: &TimeBounds,
    finished: &TimeBounds,
    from: u64,
    size: u64,
) -> Result<Search, QueryError> {
    let filter = RunFilter::new(phases.iter().cloned())
        .started(started.clone())
        .finished(finished.clone())
        .page(from, size);
    runs(&filter)
}

/// What [`runs`] looks for, as [`crate::apps::RunFilter`] for app runs: runs in some phases,
/// started and finished within bounds, started by a user (or by a schedule too), changed since a
/// time, one page of them.
///
/// ```
/// use atlan_model::WorkflowPhase;
/// use atlan_query::workflows::{RunFilter, TimeBounds, runs};
///
/// let filter = RunFilter::new([WorkflowPhase::Failed])
///     .started(TimeBounds::since("now-1d".parse()?))
///     .including_scheduled();
/// let search = runs(&filter)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RunFilter {
    /// Runs in one of these phases (at least one).
    pub phases: Vec<WorkflowPhase>,
    /// Bounds on `status.startedAt`.
    pub started: TimeBounds,
    /// Bounds on `status.finishedAt`.
    pub finished: TimeBounds,
    /// Whether the runs a schedule started (which carry no creator label) are found too: the
    /// search of health figures, where a scheduled run that failed counts as much as any other.
    pub including_scheduled: bool,
    /// Only runs that changed at or after this time: started then, finished then, or still active
    /// (Pending or Running, so that a run seen before is seen again until it ends). This is the
    /// incremental poll of a monitor: what it returns grows with what changed, not with the window.
    pub changed_since: Option<TimeBound>,
    /// The first hit.
    pub from: u64,
    /// The page size (default 100).
    pub size: u64,
}

impl RunFilter {
    /// Runs in these phases, any time, started by a user, the first 100.
    pub fn new(phases: impl IntoIterator<Item = WorkflowPhase>) -> Self {
        Self {
            phases: phases.into_iter().collect(),
            started: TimeBounds::any(),
            finished: TimeBounds::any(),
            including_scheduled: false,
            changed_since: None,
            from: 0,
            size: 100,
        }
    }

    time_and_page!(finished);

    /// The runs a schedule started too.
    #[must_use]
    pub fn including_scheduled(mut self) -> Self {
        self.including_scheduled = true;
        self
    }
}

/// The builder methods both run filters share ([`RunFilter`] and [`crate::apps::RunFilter`]):
/// bounds on when runs started and ended (`$ended`: `finished` or `completed`, as the API names
/// it), `changed_since` and the page.
macro_rules! time_and_page {
    ($ended:ident) => {
        /// Bounds on when runs started.
        #[must_use]
        pub fn started(mut self, bounds: TimeBounds) -> Self {
            self.started = bounds;
            self
        }

        /// Bounds on when runs ended.
        #[must_use]
        pub fn $ended(mut self, bounds: TimeBounds) -> Self {
            self.$ended = bounds;
            self
        }

        /// Only runs that changed at or after `since` (started, ended, or still active).
        #[must_use]
        pub fn changed_since(mut self, since: crate::TimeBound) -> Self {
            self.changed_since = Some(since);
            self
        }

        /// The page: `size` hits from `from`.
        #[must_use]
        pub fn page(mut self, from: u64, size: u64) -> Self {
            self.from = from;
            self.size = size;
            self
        }
    };
}
pub(crate) use time_and_page;

/// Started at or after a time, finished at or after it, or active: at least one of the three.
pub(crate) fn changed_query(
    started: Option<Query>,
    finished: Option<Query>,
    active: impl Into<Query>,
) -> Query {
    let mut changed = Query::bool().minimum_should_match(1);
    for clause in started.into_iter().chain(finished) {
        changed = changed.should(clause);
    }
    changed.should(active).into()
}

/// The query on a run's phase label: one of `phases`.
fn in_phases(phases: &[WorkflowPhase]) -> Query {
    Query::nested(
        METADATA,
        Query::terms(
            format!("metadata.labels.{PHASE_LABEL}.keyword"),
            phases.iter().map(WorkflowPhase::as_str),
        ),
    )
    .into()
}

/// `runs/indexsearch`: runs as `filter` says, newest first.
///
/// # Errors
/// [`QueryError::NoPhases`], [`QueryError::ZeroSize`], [`QueryError::ResultWindow`].
pub fn runs(filter: &RunFilter) -> Result<Search, QueryError> {
    if filter.phases.is_empty() {
        return Err(QueryError::NoPhases);
    }
    let mut query = Query::bool().must(in_phases(&filter.phases));
    if let Some(range) = filter.started.to_query("status.startedAt") {
        query = query.must(range);
    }
    if let Some(range) = filter.finished.to_query("status.finishedAt") {
        query = query.must(range);
    }
    if !filter.including_scheduled {
        query = query.must(Query::nested(
            METADATA,
            Query::exists(format!("metadata.labels.{CREATOR_LABEL}")),
        ));
    }
    if let Some(since) = &filter.changed_since {
        let since = TimeBounds::since(since.clone());
        query = query.must(changed_query(
            since.to_query("status.startedAt"),
            since.to_query("status.finishedAt"),
            in_phases(&[WorkflowPhase::Pending, WorkflowPhase::Running]),
        ));
    }
    Ok(atlan_search(query, filter.from, filter.size)?.sort(default_sort()))
}

/// `runs/indexsearch`: the most recent run of a workflow (`size 1`), by `status.startedAt`
/// descending. A run that has not started yet (Pending, no `startedAt`) sorts first, so the run just
/// submitted is the latest; ties go to the newest by creation.
///
/// # Errors
/// [`QueryError::Empty`] for an empty name.
pub fn latest_run(workflow_name: &str) -> Result<Search, QueryError> {
    let query = Query::bool().filter(of_workflow(workflow_name)?);
    Ok(atlan_search(query, 0, 1)?
        .sort(
            Sort::new("status.startedAt")
                .order(SortOrder::Desc)
                .missing_first(),
        )
        .sort(default_sort()))
}

/// `runs/indexsearch`: the newest [`CURRENT_RUN_WINDOW`] runs of a workflow; the current run is the
/// first hit whose phase is Pending or Running (see [`pick_current_run`]).
///
/// # Errors
/// [`QueryError::Empty`] for an empty name.
pub fn current_run(workflow_name: &str) -> Result<Search, QueryError> {
    let query = Query::bool().filter(of_workflow(workflow_name)?);
    Ok(atlan_search(query, 0, CURRENT_RUN_WINDOW)?.sort(default_sort()))
}

/// The current run among the hits of [`current_run`]: the first that is Pending or Running.
pub fn pick_current_run(
    hits: &[atlan_model::WorkflowSearchResult],
) -> Option<&atlan_model::WorkflowSearchResult> {
    hits.iter()
        .find(|hit| hit.phase().is_some_and(WorkflowPhase::is_active))
}

/// `workflows/indexsearch`: the scheduled-query workflows of a saved query (`asq-<id>…`).
///
/// # Errors
/// [`QueryError::Empty`] for an empty id, [`QueryError::ZeroSize`], [`QueryError::ResultWindow`].
pub fn schedule_query(saved_query_id: &str, max_results: u64) -> Result<Search, QueryError> {
    let saved_query_id = non_empty(saved_query_id, "saved query id")?;
    let query = Query::bool()
        .filter(Query::nested(
            METADATA,
            Query::prefix("metadata.name.keyword", format!("asq-{saved_query_id}")),
        ))
        .filter(Query::nested(
            METADATA,
            Query::term(
                "metadata.annotations.package.argoproj.io/name.keyword",
                SCHEDULE_QUERY_PACKAGE,
            ),
        ));
    Ok(atlan_search(query, 0, max_results)?.sort(default_sort()))
}

/// Runs of `workflow_name`: `nested(spec) term spec.workflowTemplateRef.name.keyword`.
fn of_workflow(workflow_name: &str) -> Result<Query, QueryError> {
    let name = non_empty(workflow_name, "workflow name")?;
    Ok(Query::nested(
        SPEC,
        Query::term("spec.workflowTemplateRef.name.keyword", name),
    )
    .into())
}

/// A search with Atlan's envelope (`from`, `size`, `track_total_hits: true`), checked for paging.
fn atlan_search(query: impl Into<Query>, from: u64, size: u64) -> Result<Search, QueryError> {
    if size == 0 {
        return Err(QueryError::ZeroSize);
    }
    let search = Search::new()
        .query(query)
        .from(from)
        .size(size)
        .track_total_hits(true);
    if !search.within_result_window() {
        return Err(QueryError::ResultWindow {
            from,
            size,
            max: MAX_RESULT_WINDOW,
        });
    }
    Ok(search)
}

/// `value` when it holds more than white space: the check every constructor here makes of the
/// names and ids it is given (the facade makes it of ids that go into paths too).
///
/// # Errors
/// [`QueryError::Empty`] naming `what`.
pub fn non_empty<'a>(value: &'a str, what: &'static str) -> Result<&'a str, QueryError> {
    if value.trim().is_empty() {
        Err(QueryError::Empty { what })
    } else {
        Ok(value)
    }
}
