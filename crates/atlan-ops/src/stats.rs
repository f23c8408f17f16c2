//! Health figures per workflow over the runs started in a window: what `atlanctl runs stats`
//! prints and the exporter exposes. [`Stats`] folds run views one at a time and keeps per
//! workflow only counts, a histogram of durations, the few latest runs and the failures since the
//! latest success, so its memory grows with workflows (and distinct durations), not with runs.

use std::collections::{BTreeMap, HashMap};

use jiff::Timestamp;
use serde::Serialize;

use crate::view::{Api, RunState, RunView};
use crate::window::Window;

/// How many of a workflow's latest runs the chart shows.
pub const RECENT: usize = 20;

/// The figures of one workflow. `-o json` of `runs stats` is exactly the serialized fields.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct WorkflowStats {
    /// Its API.
    pub api: Api,
    /// The workflow (name or slug).
    pub workflow: String,
    /// Its package or app.
    pub package: Option<String>,
    /// Runs started in the window.
    pub runs: u64,
    /// Of them, ended successfully.
    pub succeeded: u64,
    /// Ended without success (legacy `Failed` and `Error`; apps every end but `Succeeded`).
    pub failed: u64,
    /// Not ended.
    pub active: u64,
    /// `succeeded / (succeeded + failed)`; `null` when none ended.
    pub success_rate: Option<f64>,
    /// Nearest-rank median of the ended runs' durations, whole seconds.
    pub duration_p50_s: Option<u64>,
    /// Nearest-rank 95th percentile of the ended runs' durations, whole seconds.
    pub duration_p95_s: Option<u64>,
    /// The latest start.
    pub last_run_at: Option<Timestamp>,
    /// The latest finish of a succeeded run.
    pub last_success_at: Option<Timestamp>,
    /// How many of the latest ended runs (newest first by start) failed before the first success.
    pub failure_streak: u64,
    /// The latest runs, oldest first (for the chart; not part of the JSON).
    #[serde(skip)]
    pub recent: Vec<RecentRun>,
}

/// One of a workflow's latest runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecentRun {
    /// When it started.
    pub started: Timestamp,
    /// Its status.
    pub status: RunState,
    /// How long it took, if it ended.
    pub duration_s: Option<u64>,
}

impl RecentRun {
    /// A run that started at `started`, in `status`, that took `duration_s` if it ended.
    pub fn new(started: Timestamp, status: RunState, duration_s: Option<u64>) -> Self {
        Self {
            started,
            status,
            duration_s,
        }
    }
}

/// What the figures read of a run: its status and times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Outcome {
    /// Its status.
    pub(crate) status: RunState,
    /// When it started.
    pub(crate) started: Option<Timestamp>,
    /// When it ended.
    pub(crate) finished: Option<Timestamp>,
}

impl Outcome {
    /// How long it took, if it ended.
    pub(crate) fn duration_s(self) -> Option<u64> {
        if self.status.is_ended() {
            crate::view::seconds_between(self.started?, self.finished?)
        } else {
            None
        }
    }
}

/// The running figures of one workflow.
#[derive(Debug, Default)]
struct Tally {
    package: Option<String>,
    runs: u64,
    succeeded: u64,
    failed: u64,
    active: u64,
    /// Durations of ended runs: seconds → how many.
    durations: BTreeMap<u64, u64>,
    ended: u64,
    last_run_at: Option<Timestamp>,
    last_success_at: Option<Timestamp>,
    /// The start of the latest-started success.
    latest_success_start: Option<Timestamp>,
    /// Failures started after the latest-started success: start → how many.
    failures_since: BTreeMap<Timestamp, u64>,
    /// The latest [`RECENT`] runs, oldest first.
    recent: Vec<RecentRun>,
}

/// Figures per workflow, folded from run views.
///
/// ```
/// use atlan_ops::{Stats, Window};
///
/// let now: jiff::Timestamp = "2026-12-01T12:00:00Z".parse()?;
/// let stats = Stats::new(Window::parse("now-7d", None, now)?);
/// assert!(stats.finish().is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Stats {
    window: Window,
    tallies: HashMap<(Api, String), Tally>,
}

impl Stats {
    /// No runs yet, counting those started in `window`.
    pub fn new(window: Window) -> Self {
        Self {
            window,
            tallies: HashMap::new(),
        }
    }

    /// Counts `run`, if it started in the window (a run that has not started is not counted).
    pub fn add(&mut self, run: &RunView) {
        self.add_run(
            (run.api, &run.workflow),
            run.package.as_deref(),
            Outcome {
                status: run.status,
                started: run.started,
                finished: run.finished,
            },
        );
    }

    /// Counts a run of `workflow` with this outcome, as [`add`](Self::add).
    pub(crate) fn add_run(
        &mut self,
        (api, workflow): (Api, &str),
        package: Option<&str>,
        run: Outcome,
    ) {
        let Some(started) = run.started else {
            return;
        };
        if !self.window.contains(started) {
            return;
        }
        let tally = match self.tallies.get_mut(&(api, workflow.to_owned())) {
            Some(tally) => tally,
            None => self.tallies.entry((api, workflow.to_owned())).or_default(),
        };
        if tally.package.is_none() {
            tally.package = package.map(str::to_owned);
        }
        tally.add(run, started);
    }

    /// Adds the figures of `other` (another API's, say) to these.
    pub fn merge(&mut self, other: Stats) {
        for (key, tally) in other.tallies {
            match self.tallies.get_mut(&key) {
                None => {
                    self.tallies.insert(key, tally);
                }
                Some(mine) => mine.merge(tally),
            }
        }
    }

    /// One row per workflow, worst first: the longest failure streak, then the lowest success
    /// rate (workflows with no ended run after those with one), then the most failures, then by
    /// name.
    pub fn finish(self) -> Vec<WorkflowStats> {
        let mut rows: Vec<WorkflowStats> = self
            .tallies
            .into_iter()
            .map(|((api, workflow), tally)| tally.finish(api, workflow))
            .collect();
        rows.sort_by(worst_first);
        rows
    }
}

/// The order of [`Stats::finish`]: the longest failure streak first, then the lowest success
/// rate (workflows with no ended run after those with one), then the most failures, then by name.
pub(crate) fn worst_first(a: &WorkflowStats, b: &WorkflowStats) -> std::cmp::Ordering {
    b.failure_streak
        .cmp(&a.failure_streak)
        .then_with(|| match (a.success_rate, b.success_rate) {
            (Some(x), Some(y)) => x.total_cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        })
        .then_with(|| b.failed.cmp(&a.failed))
        .then_with(|| a.workflow.cmp(&b.workflow))
        .then_with(|| a.api.cmp(&b.api))
}

impl Tally {
    fn add(&mut self, run: Outcome, started: Timestamp) {
        self.runs += 1;
        self.last_run_at = self.last_run_at.max(Some(started));
        let duration = run.duration_s();
        if run.status.is_success() {
            self.succeeded += 1;
            self.last_success_at = self.last_success_at.max(run.finished);
            self.success_started(started);
        } else if run.status.is_failure() {
            self.failed += 1;
            if self
                .latest_success_start
                .is_none_or(|success| started > success)
            {
                *self.failures_since.entry(started).or_default() += 1;
            }
        } else {
            self.active += 1;
        }
        if let Some(duration) = duration {
            *self.durations.entry(duration).or_default() += 1;
            self.ended += 1;
        }
        self.remember(RecentRun {
            started,
            status: run.status,
            duration_s: duration,
        });
    }

    fn success_started(&mut self, started: Timestamp) {
        if self
            .latest_success_start
            .is_none_or(|latest| started > latest)
        {
            self.latest_success_start = Some(started);
            // Failures at or before the new latest success no longer count.
            self.failures_since = self.failures_since.split_off(
                &started
                    .checked_add(jiff::SignedDuration::from_nanos(1))
                    .unwrap_or(started),
            );
        }
    }

    fn remember(&mut self, run: RecentRun) {
        let at = self
            .recent
            .partition_point(|known| known.started <= run.started);
        if self.recent.len() == RECENT && at == 0 {
            return;
        }
        self.recent.insert(at, run);
        if self.recent.len() > RECENT {
            self.recent.remove(0);
        }
    }

    fn merge(&mut self, other: Tally) {
        self.runs += other.runs;
        self.succeeded += other.succeeded;
        self.failed += other.failed;
        self.active += other.active;
        self.ended += other.ended;
        for (duration, count) in other.durations {
            *self.durations.entry(duration).or_default() += count;
        }
        self.last_run_at = self.last_run_at.max(other.last_run_at);
        self.last_success_at = self.last_success_at.max(other.last_success_at);
        if let Some(started) = other.latest_success_start {
            self.success_started(started);
        }
        let since = self.latest_success_start;
        for (started, count) in other.failures_since {
            if since.is_none_or(|success| started > success) {
                *self.failures_since.entry(started).or_default() += count;
            }
        }
        for run in other.recent {
            self.remember(run);
        }
        if self.package.is_none() {
            self.package = other.package;
        }
    }

    fn finish(self, api: Api, workflow: String) -> WorkflowStats {
        let ended = self.succeeded + self.failed;
        WorkflowStats {
            api,
            workflow,
            package: self.package,
            runs: self.runs,
            succeeded: self.succeeded,
            failed: self.failed,
            active: self.active,
            success_rate: (ended > 0).then(|| self.succeeded as f64 / ended as f64),
            duration_p50_s: percentile(&self.durations, self.ended, 50),
            duration_p95_s: percentile(&self.durations, self.ended, 95),
            last_run_at: self.last_run_at,
            last_success_at: self.last_success_at,
            failure_streak: self.failures_since.values().sum(),
            recent: self.recent,
        }
    }
}

/// The nearest-rank `p`th percentile of `count` values held as value → how many: the value at
/// rank `ceil(p / 100 * count)` (at least 1) in ascending order.
pub fn percentile(values: &BTreeMap<u64, u64>, count: u64, p: u64) -> Option<u64> {
    if count == 0 {
        return None;
    }
    let rank = (p.saturating_mul(count)).div_ceil(100).max(1);
    let mut seen = 0;
    for (value, how_many) in values {
        seen += how_many;
        if seen >= rank {
            return Some(*value);
        }
    }
    values.keys().next_back().copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_second(1_764_590_400 + seconds).unwrap()
    }

    fn window() -> Window {
        Window::between(at(0), Some(at(1_000_000)))
    }

    fn run(workflow: &str, status: RunState, start: i64, duration: Option<i64>) -> RunView {
        RunView {
            api: Api::Legacy,
            run: format!("{workflow}-{start}"),
            workflow: workflow.into(),
            package: Some("atlan-snowflake".into()),
            status,
            started: Some(at(start)),
            finished: duration.map(|d| at(start + d)),
            message: None,
            started_by: None,
            stopped_by: None,
            steps: Vec::new(),
        }
    }

    fn values(list: &[u64]) -> BTreeMap<u64, u64> {
        let mut map = BTreeMap::new();
        for value in list {
            *map.entry(*value).or_default() += 1;
        }
        map
    }

    #[test]
    fn nearest_rank_percentiles() {
        let ten: Vec<u64> = (1..=10).collect();
        assert_eq!(percentile(&values(&ten), 10, 50), Some(5));
        assert_eq!(percentile(&values(&ten), 10, 95), Some(10));
        assert_eq!(percentile(&values(&[7]), 1, 50), Some(7));
        assert_eq!(percentile(&values(&[3, 1, 2]), 3, 50), Some(2));
        assert_eq!(percentile(&values(&[]), 0, 50), None);
        let twenty: Vec<u64> = (1..=20).collect();
        assert_eq!(percentile(&values(&twenty), 20, 95), Some(19));
    }

    #[test]
    fn a_known_mix_gives_every_figure() {
        let mut stats = Stats::new(window());
        // Oldest to newest: success, failure, success, failure, error, running; arrival shuffled.
        for view in [
            run("w", RunState::Failed, 400, Some(40)),
            run("w", RunState::Succeeded, 100, Some(10)),
            run("w", RunState::Running, 600, None),
            run("w", RunState::Succeeded, 300, Some(30)),
            run("w", RunState::Error, 500, Some(50)),
            run("w", RunState::Failed, 200, Some(20)),
            run("outside", RunState::Failed, -10, Some(5)),
        ] {
            stats.add(&view);
        }
        let rows = stats.finish();
        assert_eq!(rows.len(), 1, "the run before the window is not counted");
        let w = &rows[0];
        assert_eq!((w.runs, w.succeeded, w.failed, w.active), (6, 2, 3, 1));
        assert_eq!(w.success_rate, Some(0.4));
        assert_eq!((w.duration_p50_s, w.duration_p95_s), (Some(30), Some(50)));
        assert_eq!(w.last_run_at, Some(at(600)));
        assert_eq!(w.last_success_at, Some(at(330)));
        assert_eq!(
            w.failure_streak, 2,
            "the failure at 400 and the error at 500"
        );
        let statuses: Vec<RunState> = w.recent.iter().map(|run| run.status).collect();
        assert_eq!(statuses.first(), Some(&RunState::Succeeded));
        assert_eq!(statuses.last(), Some(&RunState::Running));
        let json = serde_json::to_value(w).unwrap();
        let mut keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "active",
                "api",
                "duration_p50_s",
                "duration_p95_s",
                "failed",
                "failure_streak",
                "last_run_at",
                "last_success_at",
                "package",
                "runs",
                "succeeded",
                "success_rate",
                "workflow"
            ]
        );
    }

    #[test]
    fn none_ended_means_null_figures_and_rows_are_worst_first() {
        let mut stats = Stats::new(window());
        stats.add(&run("only-running", RunState::Running, 10, None));
        stats.add(&run("healthy", RunState::Succeeded, 10, Some(5)));
        stats.add(&run("broken", RunState::Failed, 10, Some(5)));
        stats.add(&run("broken", RunState::Failed, 20, Some(5)));
        stats.add(&run("flaky", RunState::Failed, 10, Some(5)));
        stats.add(&run("flaky", RunState::Succeeded, 20, Some(5)));
        let rows = stats.finish();
        let order: Vec<&str> = rows.iter().map(|row| row.workflow.as_str()).collect();
        assert_eq!(order, ["broken", "flaky", "healthy", "only-running"]);
        let running = rows.last().unwrap();
        assert_eq!(
            (
                running.success_rate,
                running.duration_p50_s,
                running.last_success_at
            ),
            (None, None, None)
        );
        assert_eq!(rows[1].failure_streak, 0, "the newest run succeeded");
    }

    #[test]
    fn merged_tallies_equal_one_tally_of_everything() {
        let views = [
            run("w", RunState::Failed, 400, Some(40)),
            run("w", RunState::Succeeded, 100, Some(10)),
            run("w", RunState::Succeeded, 300, Some(30)),
            run("w", RunState::Failed, 200, Some(20)),
        ];
        let mut whole = Stats::new(window());
        let mut left = Stats::new(window());
        let mut right = Stats::new(window());
        for (i, view) in views.iter().enumerate() {
            whole.add(view);
            if i % 2 == 0 {
                left.add(view)
            } else {
                right.add(view)
            }
        }
        left.merge(right);
        assert_eq!(left.finish(), whole.finish());
    }
}
