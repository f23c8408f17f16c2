//! Service levels as a watcher sees them: each workflow's expectations assessed after a poll
//! ([`WorkflowLevel`]), and the breaches open from one poll to the next ([`OpenBreaches`]), so
//! that a breach is told when it opens (`late`, `overdue`, `stuck`) and when it clears
//! (`cleared`), once each. The open breaches can be saved and given back after a restart.

use std::collections::BTreeMap;

use jiff::Timestamp;

use super::events::{Breached, Event};
use crate::expectations::Breach;
use crate::view::Api;

/// A workflow's expectations as assessed at an instant.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WorkflowLevel {
    /// Its API.
    pub api: Api,
    /// The workflow.
    pub workflow: String,
    /// Its package or app.
    pub package: Option<String>,
    /// The expectations it has (`freshness`, `deadline`, `max_duration`, `max_pending`).
    pub expected: Vec<&'static str>,
    /// The expectations it does not meet.
    pub breaches: Vec<Breach>,
    /// When its latest success in the window ended.
    pub last_success: Option<Timestamp>,
    /// When its oldest active run started.
    pub oldest_active: Option<Timestamp>,
}

/// The breach `breach` of `level`'s workflow, as events carry it.
fn breached(level: &WorkflowLevel, breach: &Breach) -> Breached {
    Breached {
        api: level.api,
        workflow: level.workflow.clone(),
        package: level.package.clone(),
        expectation: breach.expectation.to_owned(),
        run: breach.run.clone(),
        since: breach.since,
        detail: breach.detail.clone(),
    }
}

/// The breaches open after the last assessment.
#[derive(Debug, Clone, Default)]
pub struct OpenBreaches {
    open: BTreeMap<String, Breached>,
}

/// The most breaches kept open (beyond it, the newest are not tracked).
const MAX_OPEN: usize = 10_000;

impl OpenBreaches {
    /// The breaches open before (saved by a watch that restarted).
    pub fn from_saved(saved: Vec<Breached>) -> Self {
        Self {
            open: saved
                .into_iter()
                .take(MAX_OPEN)
                .map(|breached| (breached.identity(), breached))
                .collect(),
        }
    }

    /// The breaches open now, to save.
    pub fn saved(&self) -> Vec<Breached> {
        self.open.values().cloned().collect()
    }

    /// Takes `levels` (every workflow assessed at `now`) as what is open now: an event for each
    /// breach that opened, and a `cleared` one for each that closed (at `now`). A breach still
    /// open keeps what it was opened with.
    pub fn update(&mut self, levels: &[WorkflowLevel], now: Timestamp) -> Vec<Event> {
        let mut current: BTreeMap<String, Breached> = BTreeMap::new();
        for level in levels {
            for breach in &level.breaches {
                let breached = breached(level, breach);
                if current.len() < MAX_OPEN {
                    current.insert(breached.identity(), breached);
                }
            }
        }
        let mut events = Vec::new();
        for (identity, breached) in &mut current {
            match self.open.get(identity) {
                Some(before) => *breached = before.clone(),
                None => events.push(Event::opened(breached.clone())),
            }
        }
        for (identity, breached) in std::mem::take(&mut self.open) {
            if !current.contains_key(&identity) {
                events.push(Event::Cleared {
                    breach: breached,
                    at: now,
                });
            }
        }
        self.open = current;
        events
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;

    fn level(breaches: Vec<Breach>) -> WorkflowLevel {
        WorkflowLevel {
            api: Api::Apps,
            workflow: "nightly".into(),
            package: None,
            expected: vec!["freshness"],
            breaches,
            last_success: None,
            oldest_active: None,
        }
    }

    fn late(since: &str) -> Breach {
        Breach {
            kind: "late",
            expectation: "freshness",
            run: None,
            since: since.parse().unwrap(),
            detail: "no success".into(),
        }
    }

    #[test]
    fn a_breach_is_told_when_it_opens_and_when_it_clears_once_each_even_after_a_restart() {
        let now: Timestamp = "2026-12-07T12:00:00Z".parse().unwrap();
        let mut open = OpenBreaches::default();
        let first = open.update(&[level(vec![late("2026-12-07T06:00:00Z")])], now);
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].key(), "late:apps:nightly:2026-12-07T06:00:00Z");
        assert_eq!(first[0].kind(), "late");
        // The window moved: the same breach, its since computed again, is not told again.
        let again = open.update(&[level(vec![late("2026-12-07T07:00:00Z")])], now);
        assert!(again.is_empty(), "{again:?}");
        // A restart with what was saved.
        let mut restarted = OpenBreaches::from_saved(open.saved());
        assert!(
            restarted
                .update(&[level(vec![late("2026-12-07T08:00:00Z")])], now)
                .is_empty()
        );
        let cleared = restarted.update(&[level(Vec::new())], now);
        assert_eq!(cleared.len(), 1);
        assert_eq!(cleared[0].kind(), "cleared");
        assert_eq!(
            cleared[0].key(),
            "cleared:late:apps:nightly:2026-12-07T06:00:00Z"
        );
        assert!(restarted.saved().is_empty());
    }
}
