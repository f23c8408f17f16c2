//! The fleet at a glance, as `atlanctl top` shows it: one [`FleetRow`] per workflow a watcher
//! tracks (the status of its latest run, its failure streak, success rate and p95, its next due
//! time, its expectations met or breached), worst first, and a filter over them. Pure over what
//! the watcher saw.

use jiff::Timestamp;
use serde::Serialize;

use crate::view::{Api, RunState};
use crate::watch::{Figures, Watcher};

/// One workflow of the fleet.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct FleetRow {
    /// Its API.
    pub api: Api,
    /// The workflow (name or slug).
    pub workflow: String,
    /// Its package or app.
    pub package: Option<String>,
    /// Its latest run.
    pub latest_run: Option<String>,
    /// That run's status.
    pub status: Option<RunState>,
    /// When that run started.
    pub started: Option<Timestamp>,
    /// Failed runs since its latest success.
    pub failure_streak: u64,
    /// Succeeded of ended, in the window.
    pub success_rate: Option<f64>,
    /// The 95th percentile of its ended runs' durations, in seconds.
    pub p95_s: Option<u64>,
    /// Its next due time, if scheduled.
    pub next_due: Option<Timestamp>,
    /// Whether it has any expectation.
    pub expected: bool,
    /// The breaches open now (`late`, `overdue`, `stuck`).
    pub breaches: Vec<&'static str>,
    /// Whether it has schedules that are all suspended.
    pub suspended: bool,
}

impl FleetRow {
    /// `workflow` of `api`, with nothing known of it yet.
    pub fn new(api: Api, workflow: impl Into<String>) -> Self {
        Self {
            api,
            workflow: workflow.into(),
            package: None,
            latest_run: None,
            status: None,
            started: None,
            failure_streak: 0,
            success_rate: None,
            p95_s: None,
            next_due: None,
            expected: false,
            breaches: Vec::new(),
            suspended: false,
        }
    }

    /// How bad it is, for sorting: breached, then failing (longest streak first), then active,
    /// then the rest.
    fn badness(&self) -> (usize, u64, u8) {
        let status = match self.status {
            Some(status) if status.is_failure() => 3,
            Some(status) if status.is_active() => 2,
            Some(_) => 1,
            None => 0,
        };
        (self.breaches.len(), self.failure_streak, status)
    }

    /// Whether `text` is in its workflow, package, API or status (case-insensitive).
    pub fn matches(&self, text: &str) -> bool {
        let text = text.to_lowercase();
        [
            Some(self.workflow.as_str()),
            self.package.as_deref(),
            Some(self.api.as_str()),
            self.status.map(RunState::as_str),
        ]
        .into_iter()
        .flatten()
        .any(|field| field.to_lowercase().contains(&text))
            || self.breaches.iter().any(|kind| kind.contains(&text))
    }
}

/// Every workflow `watcher` tracks, from its `figures` at `now`, worst first (then by name).
pub fn rows(watcher: &Watcher, figures: &Figures, now: Timestamp) -> Vec<FleetRow> {
    let stats_of: std::collections::HashMap<(Api, &str), &crate::stats::WorkflowStats> = figures
        .rows
        .iter()
        .map(|row| ((row.api, row.workflow.as_str()), row))
        .collect();
    let mut rows: Vec<FleetRow> = figures
        .levels
        .iter()
        .map(|level| {
            let stats = stats_of.get(&(level.api, level.workflow.as_str())).copied();
            let latest = watcher
                .book()
                .run_spans(level.api, &level.workflow)
                .into_iter()
                .max_by(|a, b| (a.started, &a.run).cmp(&(b.started, &b.run)));
            FleetRow {
                api: level.api,
                workflow: level.workflow.clone(),
                package: level.package.clone(),
                status: latest.as_ref().map(|run| run.status),
                started: latest.as_ref().map(|run| run.started),
                latest_run: latest.map(|run| run.run),
                failure_streak: stats.map_or(0, |row| row.failure_streak),
                success_rate: stats.and_then(|row| row.success_rate),
                p95_s: stats.and_then(|row| row.duration_p95_s),
                next_due: watcher.next_due(level.api, &level.workflow, now),
                expected: !level.expected.is_empty(),
                breaches: level.breaches.iter().map(|breach| breach.kind).collect(),
                suspended: watcher.scheduled(level.api, &level.workflow) == Some(false),
            }
        })
        .collect();
    sort(&mut rows);
    rows
}

/// Worst first, then by API and name.
pub fn sort(rows: &mut [FleetRow]) {
    rows.sort_by(|a, b| {
        b.badness()
            .cmp(&a.badness())
            .then_with(|| (a.api, &a.workflow).cmp(&(b.api, &b.workflow)))
    });
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;

    fn row(workflow: &str, status: RunState, streak: u64, breaches: Vec<&'static str>) -> FleetRow {
        let mut row = FleetRow::new(Api::Apps, workflow);
        row.package = Some("snowflake-crawler".into());
        row.latest_run = Some(format!("{workflow}-1"));
        row.status = Some(status);
        row.failure_streak = streak;
        row.expected = !breaches.is_empty();
        row.breaches = breaches;
        row
    }

    #[test]
    fn the_worst_come_first_and_a_filter_finds_any_field() {
        let mut rows = vec![
            row("fine", RunState::Succeeded, 0, vec![]),
            row("failing-twice", RunState::Failed, 2, vec![]),
            row("late-one", RunState::Succeeded, 0, vec!["late"]),
            row("going", RunState::Running, 0, vec![]),
            row("failing-once", RunState::Failed, 1, vec![]),
        ];
        sort(&mut rows);
        let order: Vec<&str> = rows.iter().map(|row| row.workflow.as_str()).collect();
        assert_eq!(
            order,
            ["late-one", "failing-twice", "failing-once", "going", "fine"]
        );
        assert!(rows[0].matches("LATE"));
        assert!(rows[1].matches("failed") && rows[1].matches("snowflake"));
        assert!(!rows[4].matches("bigquery"));
    }
}
