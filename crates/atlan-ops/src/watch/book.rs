//! The runs a watcher has seen, per workflow, within its lookback window: what each run's status
//! and times were at the last poll, so that a poll can tell what changed (a run that ended, a run
//! that recovered its workflow) and the figures can be taken without asking the tenant again.
//!
//! Memory is bounded by the workflows tracked (at most `max_workflows`, the cardinality cap) times
//! the runs each started in the window (at most [`MAX_RUNS_PER_WORKFLOW`], the oldest forgotten
//! first); a run costs its id and a few words.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

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
    /// Its figures over a window, kept until its runs change (each change empties it): a steady
    /// poll counts again only the workflows whose runs it saw change.
    summary: Mutex<Option<Summary>>,
}

/// A workflow's figures over a window.
#[derive(Debug, Clone)]
struct Summary {
    window: Window,
    /// When its oldest run started, if every run that started is in the window (the figures
    /// then hold for any window open at the end that still holds them all: the window of a
    /// watch slides at each poll, and the book is pruned to it).
    all_since: Option<Option<Timestamp>>,
    stats: Option<WorkflowStats>,
    statuses: BTreeMap<RunState, u64>,
    /// [`RunBook::ages`], which no window bounds.
    ages: (Option<Timestamp>, Option<Timestamp>),
}

impl Summary {
    /// Whether these figures are those of `window`: the same window, or one open at the end that
    /// still holds every run these counted, as they held every run.
    fn holds_for(&self, window: Window) -> bool {
        self.window == window
            || window.before.is_none()
                && self
                    .all_since
                    .is_some_and(|oldest| oldest.is_none_or(|oldest| oldest >= window.since))
    }
}

impl Tracked {
    /// When its latest success ended (or started, when it has no end) and when its oldest active
    /// run started, over the runs that started.
    fn ages(&self) -> (Option<Timestamp>, Option<Timestamp>) {
        let started = || self.runs.values().filter(|run| run.started.is_some());
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

    /// Its runs changed: its figures are counted again when next asked for.
    fn changed(&mut self) {
        *self
            .summary
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
    }

    /// Its figures over `window`, counted once for each change of its runs.
    fn summary(&self, (api, workflow): (Api, &str), window: Window) -> Summary {
        let mut kept = self
            .summary
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(summary) = kept.as_ref().filter(|summary| summary.holds_for(window)) {
            return summary.clone();
        }
        let mut stats = Stats::new(window);
        let mut statuses: BTreeMap<RunState, u64> = BTreeMap::new();
        let (mut all_in, mut oldest) = (true, None::<Timestamp>);
        for run in self.runs.values() {
            stats.add_run((api, workflow), self.package.as_deref(), *run);
            let Some(started) = run.started else { continue };
            oldest = Some(oldest.map_or(started, |oldest| oldest.min(started)));
            if window.contains(started) {
                *statuses.entry(run.status).or_default() += 1;
            } else {
                all_in = false;
            }
        }
        let summary = Summary {
            window,
            all_since: (all_in && window.before.is_none()).then_some(oldest),
            stats: stats.finish().pop(),
            statuses,
            ages: self.ages(),
        };
        *kept = Some(summary.clone());
        summary
    }
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
        if tracked.package.is_none() && run.package.is_some() {
            tracked.package = run.package.as_deref().map(|p| bounded(p).into_owned());
            tracked.changed();
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
        tracked.changed();
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
            let before = tracked.runs.len();
            tracked.runs.retain(|_, run| match run.started {
                Some(started) => started >= since,
                None => !run.status.is_ended(),
            });
            if tracked.runs.len() != before {
                tracked.changed();
            }
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
                if tracked.package.is_none() && package.is_some() {
                    tracked.package = package.map(|p| bounded(p).into_owned());
                    tracked.changed();
                }
                true
            })
            .collect()
    }

    /// The figures of every workflow over the runs started in `window` (as `runs stats`).
    pub fn stats(&self, window: Window) -> Vec<WorkflowStats> {
        let mut rows: Vec<WorkflowStats> = self
            .workflows
            .iter()
            .filter_map(|((api, workflow), tracked)| {
                tracked.summary((*api, workflow), window).stats
            })
            .collect();
        rows.sort_by(crate::stats::worst_first);
        rows
    }

    /// How many runs of each workflow started at or after `since`, by status.
    pub fn statuses(&self, since: Timestamp) -> HashMap<(Api, String), BTreeMap<RunState, u64>> {
        let window = Window::between(since, None);
        self.workflows
            .iter()
            .map(|(key, tracked)| {
                let counts = tracked.summary((key.0, &key.1), window).statuses;
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
        let kept = tracked
            .summary
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .as_ref()
            .map(|summary| summary.ages);
        kept.unwrap_or_else(|| tracked.ages())
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
mod tests;
