//! Searches for app workflow runs: Atlas searches (`POST /api/meta/search/indexsearch`) over the
//! `AppWorkflowRun` assets, built from the same DSL as the legacy searches.
//!
//! The body is an [`AtlasSearch`]: `{"attributes": [...], "dsl": {...}, "requestMetadata": {...}}`.
//! [`active_runs`] is the search pyatlan 11.6.0 sends before an idempotent submit, field for field;
//! [`runs`] lists runs by workflow, status and time, newest first.

use atlan_model::{APP_WORKFLOWS_PREFIX, AppRunStatus};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::bound::TimeBound;
use crate::query::Query;
use crate::search::{Search, Sort, SortOrder};
use crate::workflows::{QueryError, TimeBounds, non_empty, time_and_page};

/// The asset type of a run.
pub const RUN_TYPE: &str = "AppWorkflowRun";
/// The asset type of a workflow.
pub const WORKFLOW_TYPE: &str = "AtlanAppWorkflow";
/// A run's status attribute.
pub const STATUS: &str = "appWorkflowRunStatus";
/// When a run started (epoch milliseconds).
pub const STARTED_AT: &str = "appWorkflowRunStartedAt";
/// When a run ended (epoch milliseconds).
pub const COMPLETED_AT: &str = "appWorkflowRunCompletedAt";
/// The run attributes [`runs`] asks for.
pub const RUN_ATTRIBUTES: [&str; 10] = [
    "name",
    "qualifiedName",
    STATUS,
    STARTED_AT,
    COMPLETED_AT,
    "appWorkflowRunStartedBy",
    "appWorkflowRunStoppedBy",
    "appWorkflowRunAppWorkflowSlug",
    "appWorkflowRunAppWorkflowVersion",
    "appWorkflowRunAppName",
];

/// An Atlas search body: the Elasticsearch search in `dsl`, the attributes to return, and request
/// metadata. Fields this version does not know are kept.
///
/// ```
/// let search = atlan_query::apps::active_runs("snowflake-crawler-x7k2p")?;
/// let body = serde_json::to_value(&search)?;
/// assert_eq!(body["attributes"], serde_json::json!(["appWorkflowRunStatus"]));
/// assert_eq!(body["dsl"]["size"], 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AtlasSearch {
    /// The attributes each entity carries in the answer.
    #[serde(default)]
    pub attributes: Vec<String>,
    /// The search.
    pub dsl: Search,
    /// Logging and attribution (`saveSearchLog`, `utmTags`).
    #[serde(
        default,
        rename = "requestMetadata",
        skip_serializing_if = "Option::is_none"
    )]
    pub request_metadata: Option<Value>,
    /// Other fields, kept as sent.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl AtlasSearch {
    /// A search with `dsl`, asking for `attributes`, not saved in the search log.
    pub fn new(dsl: Search, attributes: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Self {
            attributes: attributes.into_iter().map(Into::into).collect(),
            dsl,
            request_metadata: Some(
                json!({"saveSearchLog": false, "utmTags": ["project_sdk_rust"]}),
            ),
            other: Map::new(),
        }
    }
}

/// The qualified-name prefix of every run of `slug`: `{workflows}/{slug}/` (the trailing `/`
/// keeps slug `a` from matching runs of `a-2`).
pub fn runs_prefix(slug: &str) -> String {
    format!("{APP_WORKFLOWS_PREFIX}{slug}/")
}

/// The filters every run search starts with: live assets of type `AppWorkflowRun`.
fn live_runs() -> crate::query::BoolQuery {
    Query::bool()
        .filter(Query::term("__state", "ACTIVE").case_insensitive(false))
        .filter(Query::term("__typeName.keyword", RUN_TYPE).case_insensitive(false))
}

/// The search pyatlan 11.6.0 sends before an idempotent submit: is a run of `slug` Pending or
/// Running? One hit (`size 1`), sorted by `__guid`, total tracked, asking for the status only.
///
/// # Errors
/// [`QueryError::Empty`] for an empty slug.
pub fn active_runs(slug: &str) -> Result<AtlasSearch, QueryError> {
    let slug = non_empty(slug, "app workflow slug")?;
    let query = live_runs()
        .filter(Query::prefix("qualifiedName", runs_prefix(slug)).case_insensitive(false))
        .filter(Query::terms(
            STATUS,
            [AppRunStatus::Pending, AppRunStatus::Running]
                .iter()
                .map(AppRunStatus::as_str),
        ));
    let mut dsl = Search::new()
        .query(query)
        .from(0)
        .size(1)
        .track_total_hits(true)
        .sort(Sort::new("__guid").order(SortOrder::Asc));
    dsl.aggregations = Some(Map::new());
    Ok(AtlasSearch::new(dsl, [STATUS]))
}

/// What [`run_by_id`] asks for besides [`RUN_ATTRIBUTES`]: the run's label, workflow name, steps,
/// outputs and error handling.
pub const RUN_DETAIL_ATTRIBUTES: [&str; 5] = [
    "appWorkflowRunLabel",
    "appWorkflowRunAppWorkflowName",
    "appWorkflowRunSteps",
    "appWorkflowRunOutputs",
    "appWorkflowRunErrorHandling",
];

/// The run with this id (its asset's `name`), with its steps and outputs: two hits at most, so
/// that an id that is not unique shows.
///
/// # Errors
/// [`QueryError::Empty`] for an empty id.
pub fn run_by_id(run_id: &str) -> Result<AtlasSearch, QueryError> {
    let run_id = non_empty(run_id, "app run id")?;
    let query = live_runs().filter(Query::term("name.keyword", run_id).case_insensitive(false));
    let dsl = Search::new()
        .query(query)
        .from(0)
        .size(2)
        .track_total_hits(true)
        .sort(Sort::new(STARTED_AT).order(SortOrder::Desc));
    Ok(AtlasSearch::new(
        dsl,
        RUN_ATTRIBUTES.into_iter().chain(RUN_DETAIL_ATTRIBUTES),
    ))
}

/// What [`runs`] looks for: the runs of one workflow (or of every app workflow), in some statuses
/// (or any), started and completed within bounds, one page of them.
///
/// ```
/// use atlan_model::AppRunStatus;
/// use atlan_query::apps::{RunFilter, runs};
/// use atlan_query::workflows::TimeBounds;
///
/// let filter = RunFilter::default()
///     .slug("prod-snowflake-0c4f9a1e")
///     .statuses([AppRunStatus::Failed, AppRunStatus::Error])
///     .started(TimeBounds::since("now-1d".parse()?));
/// let search = runs(&filter)?;
/// assert_eq!(search.dsl.size, 100);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RunFilter {
    /// Runs of this workflow only.
    pub slug: Option<String>,
    /// Runs in one of these statuses (any status when empty).
    pub statuses: Vec<AppRunStatus>,
    /// Bounds on `appWorkflowRunStartedAt`.
    pub started: TimeBounds,
    /// Bounds on `appWorkflowRunCompletedAt`.
    pub completed: TimeBounds,
    /// Only runs that changed at or after this time: started or completed then, or still active
    /// (Pending or Running), as [`crate::workflows::RunFilter::changed_since`] for legacy runs.
    pub changed_since: Option<TimeBound>,
    /// The first hit.
    pub from: u64,
    /// The page size (default 100).
    pub size: u64,
}

impl Default for RunFilter {
    fn default() -> Self {
        Self {
            slug: None,
            statuses: Vec::new(),
            started: TimeBounds::any(),
            completed: TimeBounds::any(),
            changed_since: None,
            from: 0,
            size: 100,
        }
    }
}

impl RunFilter {
    /// Runs of this workflow only.
    #[must_use]
    pub fn slug(mut self, slug: impl Into<String>) -> Self {
        self.slug = Some(slug.into());
        self
    }

    /// Runs in one of these statuses.
    #[must_use]
    pub fn statuses(mut self, statuses: impl IntoIterator<Item = AppRunStatus>) -> Self {
        self.statuses = statuses.into_iter().collect();
        self
    }

    time_and_page!(completed);
}

/// App workflow runs as `filter` says, newest first (by start, then `__guid`); total tracked.
///
/// # Errors
/// [`QueryError::Empty`] for an empty slug, [`QueryError::ZeroSize`],
/// [`QueryError::ResultWindow`].
pub fn runs(filter: &RunFilter) -> Result<AtlasSearch, QueryError> {
    let mut query = live_runs();
    if let Some(slug) = &filter.slug {
        let slug = non_empty(slug, "app workflow slug")?;
        query = query.filter(Query::prefix("qualifiedName", runs_prefix(slug)));
    }
    if !filter.statuses.is_empty() {
        query = query.filter(Query::terms(
            STATUS,
            filter.statuses.iter().map(AppRunStatus::as_str),
        ));
    }
    if let Some(range) = filter.started.to_query(STARTED_AT) {
        query = query.filter(range);
    }
    if let Some(range) = filter.completed.to_query(COMPLETED_AT) {
        query = query.filter(range);
    }
    if let Some(since) = &filter.changed_since {
        let active = [AppRunStatus::Pending, AppRunStatus::Running];
        let since = TimeBounds::since(since.clone());
        query = query.filter(crate::workflows::changed_query(
            since.to_query(STARTED_AT),
            since.to_query(COMPLETED_AT),
            Query::terms(STATUS, active.iter().map(AppRunStatus::as_str)),
        ));
    }
    if filter.size == 0 {
        return Err(QueryError::ZeroSize);
    }
    let dsl = Search::new()
        .query(query)
        .from(filter.from)
        .size(filter.size)
        .track_total_hits(true)
        .sort(Sort::new(STARTED_AT).order(SortOrder::Desc))
        .sort(Sort::new("__guid").order(SortOrder::Asc));
    if !dsl.within_result_window() {
        return Err(QueryError::ResultWindow {
            from: filter.from,
            size: filter.size,
            max: crate::search::MAX_RESULT_WINDOW,
        });
    }
    Ok(AtlasSearch::new(dsl, RUN_ATTRIBUTES))
}

/// The slug attribute of an `AtlanAppWorkflow` asset.
pub const WORKFLOW_SLUG: &str = "atlanAppWorkflowSlug";

/// Live app workflow assets (`AtlanAppWorkflow`), a page of `size` from `from`, in `__guid`
/// order (stable across pages), asking for their slug: each entity carries when the workflow was
/// created and last changed (`createTime`, `updateTime`), which `GET v1/app` does not say.
///
/// # Errors
/// [`QueryError::ZeroSize`], [`QueryError::ResultWindow`].
pub fn workflow_assets(from: u64, size: u64) -> Result<AtlasSearch, QueryError> {
    if size == 0 {
        return Err(QueryError::ZeroSize);
    }
    let query = Query::bool()
        .filter(Query::term("__state", "ACTIVE").case_insensitive(false))
        .filter(Query::term("__typeName.keyword", WORKFLOW_TYPE).case_insensitive(false));
    let dsl = Search::new()
        .query(query)
        .from(from)
        .size(size)
        .track_total_hits(true)
        .sort(Sort::new("__guid").order(SortOrder::Asc));
    if !dsl.within_result_window() {
        return Err(QueryError::ResultWindow {
            from,
            size,
            max: crate::search::MAX_RESULT_WINDOW,
        });
    }
    Ok(AtlasSearch::new(dsl, ["qualifiedName", WORKFLOW_SLUG]))
}
