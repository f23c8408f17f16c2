//! [`AppRunSearch`]: app runs found through the asset search, a [`Listing`] like every other (its
//! page fetch is in `paging/app_runs.rs`).

use atlan_model::AppRunStatus;
use atlan_query::apps::RunFilter;

use crate::bounds::BoundCheck;
use crate::listing::Listing;

/// App runs by workflow, status and time: the query of an [`AppRunSearch`].
#[derive(Debug, Clone, Default)]
pub struct AppRuns {
    pub(crate) filter: RunFilter,
    /// The bounds set, checked.
    pub(crate) bounds: BoundCheck,
}

/// App runs, newest first by start time; from [`crate::Apps::runs`]. Set the workflow, statuses,
/// bounds and page, then fetch `.page()`, `.pages()` or `.stream()` (see [`Listing`]): from the
/// first run the listing is pinned to the runs started up to it, and goes on by start time when
/// a run enters or leaves the search under it.
///
/// Each time bound is checked when it is set, as on [`crate::RunSearch`]: one that is neither a
/// date nor date math fails the listing with [`crate::Error::InvalidInput`] before anything is
/// sent. `since` bounds are inclusive lower bounds, `before` bounds inclusive upper bounds.
pub type AppRunSearch = Listing<AppRuns>;

impl Listing<AppRuns> {
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

    /// Started at or after `time` (RFC 3339 or date math such as `now-1d`).
    pub fn started_since(mut self, time: impl Into<String>) -> Self {
        self.query.filter.started.since = Some(self.query.bounds.check(time));
        self
    }

    /// Started at or before `time`.
    pub fn started_before(mut self, time: impl Into<String>) -> Self {
        self.query.filter.started.before = Some(self.query.bounds.check(time));
        self
    }

    /// Finished (completed) at or after `time`.
    pub fn finished_since(mut self, time: impl Into<String>) -> Self {
        self.query.filter.completed.since = Some(self.query.bounds.check(time));
        self
    }

    /// Only the runs that changed at or after `time`: started or completed then, or still active
    /// (Pending or Running), as [`crate::RunSearch::changed_since`].
    pub fn changed_since(mut self, time: impl Into<String>) -> Self {
        self.query.filter.changed_since = Some(self.query.bounds.check(time));
        self
    }

    /// Finished (completed) at or before `time`.
    pub fn finished_before(mut self, time: impl Into<String>) -> Self {
        self.query.filter.completed.before = Some(self.query.bounds.check(time));
        self
    }
}
