//! [`AppRunSearch`]: app runs found through the asset search, a [`Listing`] like every other: the
//! query, its page fetch for the engine (its [`ListingQuery`]) and the decoding of the asset
//! search's answer into runs.

use atlan_model::{AppRunStatus, AppWorkflowRunAttributes, AtlasSearchResponse, TotalHits};
use atlan_query::apps::{self as searches, RUN_TYPE, RunFilter};
use atlan_query::{TimeBound, Timestamp};
use futures_util::FutureExt;

use crate::bounds::{RunBounds, TimeBounded};
use crate::client::AtlanClient;
use crate::error::{Error, Result};
use crate::listing::{Listing, ListingQuery};
use crate::paging::ahead::{Anchor, Fetched, Fetching};
use crate::sealed::Sealed;

/// App runs by workflow, status and time: the query of an [`AppRunSearch`].
#[derive(Debug, Clone, Default)]
pub struct AppRunQuery {
    pub(crate) filter: RunFilter,
    /// The time bounds, checked.
    pub(crate) bounds: RunBounds,
}

/// App runs, newest first by start time; from [`crate::AppRuns::search`]. Set the workflow, statuses,
/// bounds and page, then fetch `.page()`, `.pages()` or `.stream()` (see [`Listing`]): from the
/// first run the listing is pinned to the runs started up to it, and goes on by start time when
/// a run enters or leaves the search under it.
///
/// Each time bound is checked when it is set, as on [`crate::RunSearch`]: one that is neither a
/// date nor date math fails the listing with [`crate::Error::InvalidInput`] before anything is
/// sent. `since` bounds are inclusive lower bounds, `before` bounds inclusive upper bounds.
pub type AppRunSearch = Listing<AppRunQuery>;

impl Listing<AppRunQuery> {
    /// Runs of this workflow only.
    pub fn slug(mut self, slug: impl Into<String>) -> Self {
        self.query.filter = self.query.filter.slug(slug);
        self
    }

    /// Runs in one of these statuses (replacing any set before; default: every status).
    pub fn statuses(mut self, statuses: impl IntoIterator<Item = AppRunStatus>) -> Self {
        self.query.filter = self.query.filter.statuses(statuses);
        self
    }
}

/// The operation's name.
pub(crate) const OPERATION: &str = "apps.search_runs";

impl Sealed for AppRunQuery {}

impl TimeBounded for AppRunQuery {
    fn run_bounds(&mut self) -> &mut RunBounds {
        &mut self.bounds
    }
}

/// The runs an [`AppRunQuery`] query finds, newest first by start time (then by GUID): of the filter
/// itself, or (with an anchor) of the runs started at or before the anchor.
impl ListingQuery for AppRunQuery {
    type Item = AppWorkflowRunAttributes;
    type Ready = RunFilter;

    fn operation(&self) -> &'static str {
        OPERATION
    }

    fn ready(&self, from: u64, size: u64) -> Result<RunFilter> {
        self.bounds.check.result()?;
        let mut filter = self
            .filter
            .clone()
            .started(self.bounds.started.clone())
            .completed(self.bounds.finished.clone())
            .page(from, size);
        filter.changed_since.clone_from(&self.bounds.changed_since);
        searches::runs(&filter)?;
        Ok(filter)
    }

    fn anchored(_: &RunFilter) -> bool {
        true
    }

    fn fetch(
        client: &AtlanClient,
        _operation: &'static str,
        filter: &RunFilter,
        anchor: Option<Anchor>,
        from: u64,
        size: u64,
    ) -> Fetching<AppWorkflowRunAttributes> {
        let mut filter = filter.clone();
        if let Some(anchor) = anchor {
            // At or before the anchor, which is itself within any bound the caller set.
            filter.started.before = Some(TimeBound::at(anchor.created));
        }
        filter.from = from;
        filter.size = size;
        let client = client.clone();
        async move {
            let search = searches::runs(&filter)?;
            let (answer, throttled): (AtlasSearchResponse, bool) = client
                .execute_json_noting_throttling(&crate::requests::apps::search(&search)?)
                .await?;
            let items = decode_runs(&answer)?;
            Ok(Fetched {
                items,
                total: Some(TotalHits::exact(
                    answer.approximate_count.unwrap_or_default(),
                )),
                throttled,
            })
        }
        .boxed()
    }

    /// A run's id: its qualified name.
    fn id(run: &AppWorkflowRunAttributes) -> Option<&str> {
        run.qualified_name.as_deref()
    }

    /// When a run started.
    fn created(run: &AppWorkflowRunAttributes) -> Option<Timestamp> {
        run.started_at
            .and_then(|millis| Timestamp::from_millisecond(millis).ok())
    }
}

/// The runs of an asset search's answer.
///
/// # Errors
/// [`Error::Decode`] for a run whose attributes do not read.
pub(crate) fn decode_runs(answer: &AtlasSearchResponse) -> Result<Vec<AppWorkflowRunAttributes>> {
    answer
        .entities_of(RUN_TYPE)
        .map(|entity| {
            entity.run_attributes().map_err(|source| Error::Decode {
                operation: OPERATION,
                source,
            })
        })
        .collect()
}
