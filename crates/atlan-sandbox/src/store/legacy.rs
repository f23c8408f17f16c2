//! [`LegacyStore`]: the legacy workflows and runs, their searchable documents, the run records
//! behind them, and when each run's document changes next: what filing a run and finding the
//! next due change take, apart from the rest of the store.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::index::Collection;
use super::loading::RunView;
use super::runs::RunRecord;

/// The legacy part of the store.
#[derive(Default)]
pub(super) struct LegacyStore {
    pub(super) workflows: Collection,
    pub(super) runs: Collection,
    /// Run records by name, boxed: a B-tree node then holds pointers, not 448-byte records.
    pub(super) records: BTreeMap<String, Box<RunRecord>>,
    /// Runs whose document changes at a future instant: (instant, run name).
    changes: BTreeSet<(i64, String)>,
    /// The instant each run of `changes` is filed under, to find its entry without a scan.
    change_of: HashMap<String, i64>,
    /// Runs a lagging index does not show yet (in `records`, not in `runs`).
    pub(super) unindexed: BTreeSet<String>,
}

impl LegacyStore {
    /// How many runs there are, those a lagging index does not show yet included.
    pub(super) fn run_count(&self) -> usize {
        self.runs.len() + self.unindexed.len()
    }

    /// Files a run's view: its document in the runs index (or out of it, while a lagging index
    /// does not show it yet) and its next change.
    pub(super) fn file_run(&mut self, name: &str, view: RunView) {
        if let Some(at) = self.change_of.remove(name) {
            self.changes.remove(&(at, name.to_owned()));
        }
        if let Some(next) = view.next {
            self.changes.insert((next, name.to_owned()));
            self.change_of.insert(name.to_owned(), next);
        }
        match view.document {
            Some(document) => {
                self.unindexed.remove(name);
                self.runs.put_prepared(document);
            }
            None => {
                self.unindexed.insert(name.to_owned());
                self.runs.remove(name);
            }
        }
    }

    /// Whether some run's change is due at or before `now`.
    pub(super) fn is_due(&self, now: i64) -> bool {
        self.changes.first().is_some_and(|(at, _)| *at <= now)
    }

    /// The run whose change is due first, at or before `now`, taken off the schedule of changes.
    pub(super) fn next_due(&mut self, now: i64) -> Option<String> {
        let (at, _) = self.changes.first()?;
        if *at > now {
            return None;
        }
        let (_, name) = self.changes.pop_first()?;
        self.change_of.remove(&name);
        Some(name)
    }
}
