//! The runs a watcher has seen, per workflow, within its lookback window: what each run's status
//! and times were at the last poll, so that a poll can tell what changed (a run that ended, a run
//! that recovered its workflow) and the figures can be taken without asking the tenant again.
//!
//! Memory is bounded by the workflows tracked (at most `max_workflows`, the cardinality cap) times
//! the runs each started in the window (at most [`MAX_RUNS_PER_WORKFLOW`], the oldest forgotten
//! first); a run costs its id and a few words.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use jiff::Timestamp;

use crate::stats::{Outcome, Stats, WorkflowStats};
use crate::view::{Api, RunState, RunView};
use crate::window::Window;
use crate::workflow_facts::RunSpan;

/// The most runs kept per workflow (the oldest started are forgotten first).
pub const MAX_RUNS_PER_WORKFLOW: usize = 20_000;
/// The longest workflow, package or run name kept (a longer one is cut: [`bounded_name`]).
pub const MAX_NAME: usize = 256;

/// What the book knows of one workflow.
#[derive(Debug, Default)]
struct Tracked {
    package: Option<String>,
    runs: HashMap<Box<str>, Outcome>,
    /// Kept without runs: it is scheduled ([`RunBook::track_scheduled`]).
    scheduled: bool,
}

/// A run whose status the book had not seen before: a new run, or one that changed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Transition {
    /// Its API.
    pub api: Api,
    /// Its workflow.
    pub workflow: String,
    /// Its package or app.
    pub package: Option<String>,
    /// The run.
    pub run: String,
    /// Its status now.
    pub status: RunState,
    /// When it started.
    pub started: Option<Timestamp>,
    /// When it ended.
    pub finished: Option<Timestamp>,
    /// Its status before (`None`: not seen before).
    pub was: Option<RunState>,
}

impl Transition {
    /// Whether the run ended with this change (it was not seen ended before).
    pub fn ended(&self) -> bool {
        self.status.is_ended() && !self.was.is_some_and(RunState::is_ended)
    }

    /// How long it took, if it ended.
    pub fn duration_s(&self) -> Option<u64> {
        Outcome {
            status: self.status,
            started: self.started,
            finished: self.finished,
        }
        .duration_s()
    }
}

/// The runs seen, per workflow.
#[derive(Debug)]
pub struct RunBook {
    max_workflows: usize,
    workflows: HashMap<(Api, String), Tracked>,
    dropped_runs: u64,
}

impl RunBook {
    /// An empty book that tracks at most `max_workflows` workflows.
    pub fn new(max_workflows: usize) -> Self {
        Self {
            max_workflows,
            workflows: HashMap::new(),
            dropped_runs: 0,
        }
    }

    /// Records `run`; returns its transition when its status (or an end time) is new to the book.
    /// A run of a workflow beyond the cap is dropped and counted.
    pub fn observe(&mut self, run: &RunView) -> Option<Transition> {
        let workflow = bounded(&run.workflow);
        let key = (run.api, workflow.clone().into_owned());
        if !self.workflows.contains_key(&key) && self.workflows.len() >= self.max_workflows {
            self.dropped_runs = self.dropped_runs.saturating_add(1);
            return None;
        }
        let tracked = self.workflows.entry(key).or_default();
        if tracked.package.is_none() {
            tracked.package = run.package.as_deref().map(|p| bounded(p).into_owned());
        }
        let outcome = Outcome {
            status: run.status,
            started: run.started,
            finished: run.finished,
        };
        let id = bounded(&run.run);
        let was = tracked.runs.get(&*id).copied();
        if was == Some(outcome) {
            return None;
        }
        // An ended run does not come back to life because a lagging replica says so.
        if was.is_some_and(|was| was.status.is_ended()) && !outcome.status.is_ended() {
            return None;
        }
        tracked.runs.insert((*id).into(), outcome);
        if tracked.runs.len() > MAX_RUNS_PER_WORKFLOW {
            forget_oldest(&mut tracked.runs);
        }
        Some(Transition {
            api: run.api,
            workflow: workflow.into_owned(),
            package: tracked.package.clone(),
            run: id.into_owned(),
            status: outcome.status,
            started: outcome.started,
            finished: outcome.finished,
            was: was.map(|was| was.status),
        })
    }

    /// Forgets the runs that started before `since` (and ended runs that never started), and the
    /// workflows left with none.
    pub fn prune(&mut self, since: Timestamp) {
        for tracked in self.workflows.values_mut() {
            tracked.runs.retain(|_, run| match run.started {
                Some(started) => started >= since,
                None => !run.status.is_ended(),
            });
        }
        self.workflows
            .retain(|_, tracked| tracked.scheduled || !tracked.runs.is_empty());
    }

    /// Tracks the scheduled workflows first, so that every schedule exported has its runs: each
    /// of `workflows` (API, name, package) is kept, with or without runs, while it stays
    /// scheduled and the cap leaves room. Those of the call before are let go first. Answers,
    /// for each, whether it is tracked.
    pub fn track_scheduled<'a>(
        &mut self,
        workflows: impl IntoIterator<Item = (Api, &'a str, Option<&'a str>)>,
    ) -> Vec<bool> {
        for tracked in self.workflows.values_mut() {
            tracked.scheduled = false;
        }
        self.workflows.retain(|_, tracked| !tracked.runs.is_empty());
        workflows
            .into_iter()
            .map(|(api, workflow, package)| {
                let key = (api, bounded(workflow).into_owned());
                if !self.workflows.contains_key(&key) && self.workflows.len() >= self.max_workflows
                {
                    return false;
                }
                let tracked = self.workflows.entry(key).or_default();
                tracked.scheduled = true;
                if tracked.package.is_none() {
                    tracked.package = package.map(|p| bounded(p).into_owned());
                }
                true
            })
            .collect()
    }

    /// The figures of every workflow over the runs started in `window` (as `runs stats`).
    pub fn stats(&self, window: Window) -> Vec<WorkflowStats> {
        let mut stats = Stats::new(window);
        for ((api, workflow), tracked) in &self.workflows {
            for run in tracked.runs.values() {
                stats.add_run((*api, workflow), tracked.package.as_deref(), *run);
            }
        }
        stats.finish()
    }

    /// How many runs of each workflow started at or after `since`, by status.
    pub fn statuses(&self, since: Timestamp) -> HashMap<(Api, String), BTreeMap<RunState, u64>> {
        self.workflows
            .iter()
            .map(|(key, tracked)| {
                let mut counts: BTreeMap<RunState, u64> = BTreeMap::new();
                for run in tracked.runs.values() {
                    if run.started.is_some_and(|started| started >= since) {
                        *counts.entry(run.status).or_default() += 1;
                    }
                }
                (key.clone(), counts)
            })
            .filter(|(_, counts)| !counts.is_empty())
            .collect()
    }

    /// The runs of a workflow that started: each with its times and status.
    pub fn run_spans(&self, api: Api, workflow: &str) -> Vec<RunSpan> {
        self.workflows
            .get(&(api, bounded(workflow).into_owned()))
            .map(|tracked| {
                tracked
                    .runs
                    .iter()
                    .filter_map(|(id, run)| {
                        Some(RunSpan::new(&**id, run.started?, run.finished, run.status))
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// When a workflow's latest success ended (or started, when it has no end) and when its
    /// oldest active run started, over the runs that started: what [`RunBook::run_spans`] would
    /// give [`crate::expectations::last_success`], without a copy of each run.
    pub fn ages(&self, api: Api, workflow: &str) -> (Option<Timestamp>, Option<Timestamp>) {
        let Some(tracked) = self.workflows.get(&(api, bounded(workflow).into_owned())) else {
            return (None, None);
        };
        let started = || tracked.runs.values().filter(|run| run.started.is_some());
        let last_success = started()
            .filter(|run| run.status == RunState::Succeeded)
            .filter_map(|run| run.finished.or(run.started))
            .max();
        let oldest_active = started()
            .filter(|run| run.status.is_active())
            .filter_map(|run| run.started)
            .min();
        (last_success, oldest_active)
    }

    /// How many ended runs of a workflow started before `before` failed since the latest success
    /// among them: the failure streak a success at `before` ends.
    pub fn failures_before(&self, api: Api, workflow: &str, before: Timestamp) -> u64 {
        let Some(tracked) = self.workflows.get(&(api, bounded(workflow).into_owned())) else {
            return 0;
        };
        let mut ended: Vec<(Timestamp, RunState)> = tracked
            .runs
            .values()
            .filter(|run| run.status.is_ended())
            .filter_map(|run| Some((run.started?, run.status)))
            .filter(|(started, _)| *started < before)
            .collect();
        ended.sort_unstable();
        ended
            .iter()
            .rev()
            .take_while(|(_, status)| !status.is_success())
            .count() as u64
    }

    /// The package of a workflow, if known.
    pub fn package(&self, api: Api, workflow: &str) -> Option<&str> {
        self.workflows
            .get(&(api, workflow.to_owned()))
            .and_then(|tracked| tracked.package.as_deref())
    }

    /// The workflows tracked, each with its package if known.
    pub fn tracked(&self) -> impl Iterator<Item = (Api, &str, Option<&str>)> {
        self.workflows
            .iter()
            .map(|((api, workflow), tracked)| (*api, workflow.as_str(), tracked.package.as_deref()))
    }

    /// How many workflows are tracked.
    pub fn workflows(&self) -> usize {
        self.workflows.len()
    }

    /// How many runs are tracked.
    pub fn runs(&self) -> usize {
        self.workflows
            .values()
            .map(|tracked| tracked.runs.len())
            .sum()
    }

    /// How many run observations were dropped because their workflow was over the cap.
    pub fn dropped_runs(&self) -> u64 {
        self.dropped_runs
    }
}

/// `name`, or a longer one cut to [`MAX_NAME`] bytes ([`bounded_name`]).
pub fn bounded(name: &str) -> Cow<'_, str> {
    bounded_name(name, MAX_NAME)
}

/// `name` when it has at most `max` bytes; otherwise its start, cut on a character boundary,
/// then `~` and eight hex digits of a hash of the whole name, `max` bytes at most (for a `max`
/// of 9 or more): two long
/// names that share their first `max` bytes stay two names (two workflows, two metric series).
pub fn bounded_name(name: &str, max: usize) -> Cow<'_, str> {
    if name.len() <= max {
        return Cow::Borrowed(name);
    }
    let mut end = max.saturating_sub(9);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    // FNV-1a, 32 bits: the same name gives the same hash in every process and version.
    let hash = name.bytes().fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    });
    Cow::Owned(format!(
        "{}~{hash:08x}",
        name.get(..end).unwrap_or_default()
    ))
}

/// Forgets the run that started first (one that never started counts as the oldest).
fn forget_oldest(runs: &mut HashMap<Box<str>, Outcome>) {
    let oldest = runs
        .iter()
        .min_by_key(|(_, run)| run.started)
        .map(|(id, _)| id.clone());
    if let Some(oldest) = oldest {
        runs.remove(&oldest);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn run(
        workflow: &str,
        id: &str,
        status: RunState,
        started: &str,
        took: Option<i64>,
    ) -> RunView {
        let started = at(started);
        let mut view = RunView::new(Api::Legacy, id, workflow);
        view.status = status;
        view.started = Some(started);
        view.finished = took.map(|s| started + jiff::SignedDuration::from_secs(s));
        view.package = Some("atlan-snowflake".into());
        view
    }

    #[test]
    fn a_run_is_a_transition_once_per_status() {
        let mut book = RunBook::new(10);
        let running = run("wf", "r1", RunState::Running, "2026-06-15T10:00:00Z", None);
        let first = book.observe(&running).unwrap();
        assert_eq!(first.was, None);
        assert!(!first.ended());
        assert_eq!(book.observe(&running), None);
        let failed = run(
            "wf",
            "r1",
            RunState::Failed,
            "2026-06-15T10:00:00Z",
            Some(90),
        );
        let ended = book.observe(&failed).unwrap();
        assert!(ended.ended());
        assert_eq!(ended.was, Some(RunState::Running));
        assert_eq!(ended.duration_s(), Some(90));
        assert_eq!(book.observe(&failed), None);
        // A stale replica saying it still runs is not believed.
        assert_eq!(book.observe(&running), None);
        assert_eq!(
            book.stats(Window::between(at("2026-06-01T00:00:00Z"), None))[0].failed,
            1
        );
    }

    #[test]
    fn workflows_beyond_the_cap_are_dropped_and_counted() {
        let mut book = RunBook::new(2);
        for (index, workflow) in ["a", "b", "c", "c"].iter().enumerate() {
            let id = format!("r{index}");
            book.observe(&run(
                workflow,
                &id,
                RunState::Succeeded,
                "2026-06-15T10:00:00Z",
                Some(1),
            ));
        }
        assert_eq!(book.workflows(), 2);
        assert_eq!(book.dropped_runs(), 2);
        // A tracked workflow still takes new runs.
        assert!(
            book.observe(&run(
                "a",
                "r9",
                RunState::Failed,
                "2026-06-15T11:00:00Z",
                Some(1)
            ))
            .is_some()
        );
    }

    #[test]
    fn pruning_forgets_runs_before_the_window_and_empty_workflows() {
        let mut book = RunBook::new(10);
        book.observe(&run(
            "old",
            "r1",
            RunState::Failed,
            "2026-06-01T10:00:00Z",
            Some(5),
        ));
        book.observe(&run(
            "new",
            "r2",
            RunState::Failed,
            "2026-06-14T10:00:00Z",
            Some(5),
        ));
        book.prune(at("2026-06-08T00:00:00Z"));
        assert_eq!(book.workflows(), 1);
        assert_eq!(book.runs(), 1);
        assert!(book.run_spans(Api::Legacy, "old").is_empty());
    }

    #[test]
    fn the_streak_a_success_ends_counts_failures_since_the_success_before() {
        let mut book = RunBook::new(10);
        book.observe(&run(
            "wf",
            "r1",
            RunState::Succeeded,
            "2026-06-15T01:00:00Z",
            Some(5),
        ));
        book.observe(&run(
            "wf",
            "r2",
            RunState::Failed,
            "2026-06-15T02:00:00Z",
            Some(5),
        ));
        book.observe(&run(
            "wf",
            "r3",
            RunState::Error,
            "2026-06-15T03:00:00Z",
            Some(5),
        ));
        book.observe(&run(
            "wf",
            "r4",
            RunState::Succeeded,
            "2026-06-15T04:00:00Z",
            Some(5),
        ));
        assert_eq!(
            book.failures_before(Api::Legacy, "wf", at("2026-06-15T04:00:00Z")),
            2
        );
        assert_eq!(
            book.failures_before(Api::Legacy, "wf", at("2026-06-15T02:00:00Z")),
            0
        );
        assert_eq!(
            book.failures_before(Api::Legacy, "other", at("2026-06-15T04:00:00Z")),
            0
        );
    }

    #[test]
    fn names_are_bounded_on_a_character_boundary_and_stay_apart() {
        let long = "é".repeat(MAX_NAME);
        let cut = bounded(&long);
        assert!(cut.len() <= MAX_NAME);
        let (start, hash) = cut.rsplit_once('~').unwrap();
        assert!(start.chars().all(|c| c == 'é'));
        assert_eq!(hash.len(), 8);
        let other = format!("{long}x");
        assert_ne!(
            bounded(&other),
            cut,
            "two names sharing their start stay two"
        );
        assert_eq!(bounded("short"), "short");
        let cut = &*cut;
        let mut book = RunBook::new(10);
        book.observe(&run(
            &long,
            &long,
            RunState::Running,
            "2026-06-15T01:00:00Z",
            None,
        ));
        assert_eq!(book.run_spans(Api::Legacy, cut).len(), 1);
    }

    #[test]
    fn a_workflow_keeps_at_most_its_newest_runs() {
        let mut runs = HashMap::new();
        for minute in 0..3 {
            let started = at("2026-06-15T01:00:00Z") + jiff::SignedDuration::from_mins(minute);
            runs.insert(
                format!("r{minute}").into_boxed_str(),
                Outcome {
                    status: RunState::Succeeded,
                    started: Some(started),
                    finished: None,
                },
            );
        }
        forget_oldest(&mut runs);
        assert_eq!(runs.len(), 2);
        assert!(!runs.contains_key("r0"));
    }
}
