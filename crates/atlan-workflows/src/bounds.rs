//! Time bounds of the run searches, set the same way on both (legacy runs and app runs):
//! `started_since`, `started_before`, `finished_since`, `finished_before` and `changed_since`,
//! each given as text (checked once, here), an instant or an [`atlan_query::TimeBound`] already
//! checked (taken as it is). `*_since` bounds are inclusive lower bounds, `*_before` inclusive upper
//! bounds.

use atlan_query::workflows::TimeBounds;
use atlan_query::{IntoTimeBound, TimeBound};

use crate::error::{Error, Result};
use crate::listing::{Listing, ListingQuery};

/// Remembers the first bound that was not a time, to fail the search with before anything is
/// built or sent.
#[derive(Debug, Clone, Default)]
pub(crate) struct BoundCheck {
    invalid: Option<String>,
}

impl BoundCheck {
    /// `time` as a bound; when it is neither a date nor date math, `None`, remembered as the error
    /// (the first such bound is the one named).
    pub(crate) fn check(&mut self, time: impl IntoTimeBound) -> Option<TimeBound> {
        match time.into_time_bound() {
            Ok(bound) => Some(bound),
            Err(error) => {
                if self.invalid.is_none() {
                    self.invalid = Some(format!(
                        "`{}` is not a time such as now-6h or 2026-01-31T00:00:00Z: {error}",
                        error.input()
                    ));
                }
                None
            }
        }
    }

    /// Whether every bound set was a time.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the first that was not.
    pub(crate) fn result(&self) -> Result<()> {
        match &self.invalid {
            Some(invalid) => Err(Error::invalid(invalid)),
            None => Ok(()),
        }
    }
}

/// The time bounds of a run search, and whether each was a time.
#[derive(Debug, Clone, Default)]
pub struct RunBounds {
    pub(crate) started: TimeBounds,
    pub(crate) finished: TimeBounds,
    pub(crate) changed_since: Option<TimeBound>,
    pub(crate) check: BoundCheck,
}

/// A run search with time bounds: [`crate::RunsByStatus`] and [`crate::AppRunQuery`]. Sealed.
pub trait TimeBounded: ListingQuery {
    /// Its bounds.
    #[doc(hidden)]
    fn run_bounds(&mut self) -> &mut RunBounds;

    /// What else setting `changed_since` means for this search.
    #[doc(hidden)]
    fn on_changed_since(&mut self) {}
}

impl<Q: TimeBounded> Listing<Q> {
    /// Started at or after `time` (RFC 3339, date math such as `now-1d`, or a
    /// [`TimeBound`]).
    pub fn started_since(self, time: impl IntoTimeBound) -> Self {
        self.bound(time, |bounds| &mut bounds.started.since)
    }

    /// Started at or before `time`.
    pub fn started_before(self, time: impl IntoTimeBound) -> Self {
        self.bound(time, |bounds| &mut bounds.started.before)
    }

    /// Finished at or after `time` (Atlan's documented "finished in the last hour" is
    /// `finished_since("now-1h")`).
    pub fn finished_since(self, time: impl IntoTimeBound) -> Self {
        self.bound(time, |bounds| &mut bounds.finished.since)
    }

    /// Finished at or before `time` (what pyatlan 8.4.2 and later send for `finished_at`).
    pub fn finished_before(self, time: impl IntoTimeBound) -> Self {
        self.bound(time, |bounds| &mut bounds.finished.before)
    }

    /// Only the runs that changed at or after `time`: started then, finished then, or still
    /// active (Pending or Running). On the legacy search, scheduled runs are found too. A monitor
    /// polls with this so that each poll returns what changed since the one before, not the whole
    /// window.
    pub fn changed_since(self, time: impl IntoTimeBound) -> Self {
        let mut listing = self.bound(time, |bounds| &mut bounds.changed_since);
        listing.query.on_changed_since();
        listing
    }

    /// `time`, checked, as the bound `slot` picks.
    fn bound(
        mut self,
        time: impl IntoTimeBound,
        slot: impl FnOnce(&mut RunBounds) -> &mut Option<TimeBound>,
    ) -> Self {
        let bounds = self.query.run_bounds();
        let bound = bounds.check.check(time);
        *slot(bounds) = bound;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_bound_that_is_not_a_time_is_named() {
        let mut check = BoundCheck::default();
        assert_eq!(check.check(" now-1d ").unwrap().as_str(), "now-1d");
        assert!(check.result().is_ok());
        assert!(check.check("yesterday").is_none());
        check.check("tomorrow");
        let error = check.result().unwrap_err().to_string();
        assert!(error.contains("`yesterday`"), "{error}");
        assert!(!error.contains("tomorrow"), "{error}");
    }
}
