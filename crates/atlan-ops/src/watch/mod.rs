//! Watching a tenant: a [`Watcher`] polls both APIs' runs and keeps a [`RunBook`] of what it saw,
//! so that the exporter can serve figures and `watch` can notify without a scan per question.
//!
//! The first poll reads every run started in the lookback window; each poll after it reads only
//! the runs that changed since the one before (started or finished since then, minus an overlap
//! for a lagging index, or still active), so that what it asks grows with what changed, not with
//! the window. What a poll finds new becomes [`Transition`]s, and from them [`Event`]s: a run that
//! failed, a workflow that recovered, a schedule that was missed.
//!
//! ```no_run
//! use atlan_ops::watch::{WatchConfig, Watcher};
//! use atlan_ops::ApiChoice;
//!
//! # async fn example(client: atlan_workflows::AtlanClient) -> Result<(), atlan_workflows::Error> {
//! let mut watcher = Watcher::new(WatchConfig::new(ApiChoice::All), jiff::Timestamp::now());
//! let report = watcher.poll(&client, jiff::Timestamp::now()).await?;
//! for event in &report.events {
//!     println!("{}", event.key());
//! }
//! for row in watcher.figures(jiff::Timestamp::now()).rows {
//!     println!("{} failure streak {}", row.workflow, row.failure_streak);
//! }
//! # Ok(())
//! # }
//! ```

use std::collections::{BTreeMap, BTreeSet, HashMap};

use atlan_workflows::{AtlanClient, Result};
use jiff::{SignedDuration, Timestamp};

use crate::fetch;
use crate::selection::{ApiChoice, Selection};
use crate::service_levels::{Assessment, ServiceLevels};
use crate::stats::WorkflowStats;
use crate::view::{Api, RunState};
use crate::window::Window;
use crate::workflow_facts::{self, ScheduleFacts, WorkflowFacts};

pub mod backoff;
pub mod book;
pub mod events;
pub mod levels;
mod missed;

pub use backoff::Backoff;
pub use book::{RunBook, Transition};
pub use events::{Breached, Event};
pub use levels::{OpenBreaches, WorkflowLevel};

/// The default lookback window: seven days.
pub const DEFAULT_LOOKBACK: SignedDuration = SignedDuration::from_hours(7 * 24);
/// The default overlap of a poll with the one before: five minutes, for an index that lags.
pub const DEFAULT_OVERLAP: SignedDuration = SignedDuration::from_mins(5);
/// The default cap on the workflows tracked (and so on the label sets exported).
pub const DEFAULT_MAX_WORKFLOWS: usize = 1_000;
/// Runs per request of the first poll (the whole window: pages of full documents are read ahead,
/// so smaller pages keep the memory down).
const FULL_PAGE: u64 = 100;
/// Runs per request of the polls after it: what changed is usually one page per API.
const CHANGED_PAGE: u64 = 500;
/// How often the schedules are read again.
pub const SCHEDULE_REFRESH: SignedDuration = SignedDuration::from_mins(10);

/// How a [`Watcher`] polls.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct WatchConfig {
    /// The APIs.
    pub api: ApiChoice,
    /// Runs started this long before now are tracked.
    pub lookback: SignedDuration,
    /// How far back of the previous poll each poll reads again.
    pub overlap: SignedDuration,
    /// The most workflows tracked; runs of more are dropped and counted.
    pub max_workflows: usize,
    /// How often schedules are read again.
    pub schedule_refresh: SignedDuration,
    /// Events are made for what happened from this instant on (default: when the watcher
    /// started); a notifier that restarts passes its last poll here so that nothing between is
    /// lost.
    pub events_since: Option<Timestamp>,
    /// What is expected of each workflow.
    pub levels: ServiceLevels,
    /// The breaches open when a watch that restarts last polled.
    pub open_breaches: Vec<Breached>,
}

impl WatchConfig {
    /// The defaults, over `api`.
    pub fn new(api: ApiChoice) -> Self {
        Self {
            api,
            lookback: DEFAULT_LOOKBACK,
            overlap: DEFAULT_OVERLAP,
            max_workflows: DEFAULT_MAX_WORKFLOWS,
            schedule_refresh: SCHEDULE_REFRESH,
            events_since: None,
            levels: ServiceLevels::default(),
            open_breaches: Vec::new(),
        }
    }

    /// Tracks the runs started within `lookback`.
    #[must_use]
    pub fn lookback(mut self, lookback: SignedDuration) -> Self {
        self.lookback = lookback;
        self
    }

    /// Reads `overlap` back of the previous poll.
    #[must_use]
    pub fn overlap(mut self, overlap: SignedDuration) -> Self {
        self.overlap = overlap;
        self
    }

    /// Tracks at most `max` workflows.
    #[must_use]
    pub fn max_workflows(mut self, max: usize) -> Self {
        self.max_workflows = max;
        self
    }

    /// Makes events for what happened from `since` on.
    #[must_use]
    pub fn events_since(mut self, since: Timestamp) -> Self {
        self.events_since = Some(since);
        self
    }

    /// Assesses each workflow against `levels`.
    #[must_use]
    pub fn levels(mut self, levels: ServiceLevels) -> Self {
        self.levels = levels;
        self
    }

    /// Takes `open` as the breaches already told (a watch that restarts saved them).
    #[must_use]
    pub fn open_breaches(mut self, open: Vec<Breached>) -> Self {
        self.open_breaches = open;
        self
    }
}

/// What one poll found.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct PollReport {
    /// Whether it read the whole window (the first poll) rather than what changed.
    pub full: bool,
    /// How many runs it read.
    pub runs: usize,
    /// The runs that ended since the watcher started, first seen ended by this poll (or by a
    /// failed one before it).
    pub ended: Vec<Transition>,
    /// The events, in the order found.
    pub events: Vec<Event>,
    /// The APIs left out because the tenant does not serve them.
    pub skipped: Vec<Api>,
}

/// A scheduled workflow's figures.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ScheduleFigures {
    /// Its API.
    pub api: Api,
    /// The workflow.
    pub workflow: String,
    /// Its package or app.
    pub package: Option<String>,
    /// Due times in the window with no run.
    pub missed: usize,
    /// The latest of them.
    pub last_missed: Option<Timestamp>,
}

/// The figures of everything tracked, at an instant.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Figures {
    /// Each workflow with runs in the window, worst first (as `runs stats`).
    pub rows: Vec<WorkflowStats>,
    /// How many runs of each workflow started in the window, by status.
    pub statuses: HashMap<(Api, String), BTreeMap<RunState, u64>>,
    /// Each workflow with a schedule that is not suspended.
    pub schedules: Vec<ScheduleFigures>,
    /// Workflows tracked.
    pub workflows: usize,
    /// Runs tracked.
    pub runs: usize,
    /// Run observations dropped because their workflow was over the cap.
    pub dropped_runs: u64,
    /// Each workflow tracked, its expectations assessed (and its ages, expected or not).
    pub levels: Vec<WorkflowLevel>,
}

/// Polls a tenant and remembers what it saw.
#[derive(Debug)]
pub struct Watcher {
    config: WatchConfig,
    book: RunBook,
    started: Timestamp,
    cursor: Option<Timestamp>,
    pending: Vec<Transition>,
    schedules: Vec<WorkflowFacts>,
    schedules_read: Option<Timestamp>,
    missed_reported: BTreeSet<(Api, String, Timestamp)>,
    /// The due times up to this instant were judged missed or not (none yet: the whole window).
    missed_judged: Option<Timestamp>,
    /// The due times of the window judged missed.
    missed: BTreeSet<(Api, String, Timestamp)>,
    /// The crons of the schedules, each read once when they are read.
    crons: missed::Crons,
    open: OpenBreaches,
    suspended: BTreeSet<(Api, String)>,
}

impl Watcher {
    /// A watcher that starts at `now` and has seen nothing. Tenants give times in whole seconds,
    /// so the start counts from the whole second at or before `now` (a run that ended in the
    /// same second is not taken for an older one).
    pub fn new(config: WatchConfig, now: Timestamp) -> Self {
        Self {
            book: RunBook::new(config.max_workflows),
            open: OpenBreaches::from_saved(config.open_breaches.clone()),
            config,
            started: whole_second(now),
            cursor: None,
            pending: Vec::new(),
            schedules: Vec::new(),
            schedules_read: None,
            missed_reported: BTreeSet::new(),
            missed_judged: None,
            missed: BTreeSet::new(),
            crons: missed::Crons::new(),
            suspended: BTreeSet::new(),
        }
    }

    /// The instant of the last successful poll.
    pub fn cursor(&self) -> Option<Timestamp> {
        self.cursor
    }

    /// The runs seen.
    pub fn book(&self) -> &RunBook {
        &self.book
    }

    /// Polls at `now`: the whole window the first time, what changed since the last successful
    /// poll (minus the overlap) after. A failed poll keeps what it saw and gives its changes with
    /// the next successful one; the cursor stays where it was.
    ///
    /// # Errors
    /// The first failure of a read (other than an API the tenant does not serve, with
    /// [`ApiChoice::All`]).
    pub async fn poll(&mut self, client: &AtlanClient, now: Timestamp) -> Result<PollReport> {
        let since = now.saturating_sub(self.config.lookback).unwrap_or(now);
        let window = Window::between(since, None);
        let changed = self
            .cursor
            .map(|cursor| cursor.saturating_sub(self.config.overlap).unwrap_or(cursor));
        let mut skipped = self.refresh_schedules(client, now).await?;
        let baseline = self.baseline();
        let keep_from = baseline.min(self.started);
        let mut runs = 0;
        let mut found = Vec::new();
        let book = &mut self.book;
        let read = fetch::each_changed_run(
            client,
            &Selection::new(self.config.api),
            &window,
            changed,
            if changed.is_some() {
                CHANGED_PAGE
            } else {
                FULL_PAGE
            },
            |view| {
                runs += 1;
                if let Some(transition) = book.observe(&view)
                    && transition.ended()
                    && transition.finished.is_some_and(|at| at >= keep_from)
                {
                    found.push(transition);
                }
            },
        )
        .await;
        let left_out = match read {
            Ok(left_out) => left_out,
            Err(error) => {
                self.pending.append(&mut found);
                return Err(error);
            }
        };
        for api in left_out {
            if !skipped.contains(&api) {
                skipped.push(api);
            }
        }
        let mut transitions = std::mem::take(&mut self.pending);
        transitions.append(&mut found);
        self.book.prune(window.since);
        self.cursor = Some(now);

        let mut events = self.run_events(&transitions, baseline);
        self.missed_events(now, window.since.max(baseline), &mut events);
        self.missed_reported
            .retain(|(_, _, due)| *due >= window.since);
        let levels = self.levels(now);
        events.extend(self.open.update(&levels, now));
        let ended = transitions
            .into_iter()
            .filter(|transition| transition.finished.is_some_and(|at| at >= self.started))
            .collect();
        Ok(PollReport {
            full: changed.is_none(),
            runs,
            ended,
            events,
            skipped,
        })
    }

    /// The breaches open after the last poll (to save, and give back after a restart).
    pub fn open_breaches(&self) -> Vec<Breached> {
        self.open.saved()
    }

    /// Whether `workflow` has a schedule that is not suspended (`Some(true)`), only suspended
    /// ones (`Some(false)`), or none (`None`), as last read.
    pub fn scheduled(&self, api: Api, workflow: &str) -> Option<bool> {
        if self
            .schedules
            .iter()
            .any(|facts| facts.api == api && facts.workflow == workflow)
        {
            Some(true)
        } else if self.suspended.contains(&(api, workflow.to_owned())) {
            Some(false)
        } else {
            None
        }
    }

    /// The next due time of `workflow`'s schedules after `now` (those not suspended that read).
    pub fn next_due(&self, api: Api, workflow: &str, now: Timestamp) -> Option<Timestamp> {
        self.schedules
            .iter()
            .filter(|facts| facts.api == api && facts.workflow == workflow)
            .flat_map(|facts| &facts.schedules)
            .filter(|schedule| !schedule.suspended)
            .filter_map(|schedule| {
                self.crons
                    .get(&(schedule.cron.clone(), schedule.timezone.clone()))?
                    .as_ref()?
                    .next_after(now)
            })
            .min()
    }

    /// What is expected of each workflow.
    pub fn service_levels(&self) -> &ServiceLevels {
        &self.config.levels
    }

    /// Each workflow tracked (with runs in the window, or scheduled), its expectations assessed
    /// at `now` over the runs seen.
    pub fn levels(&self, now: Timestamp) -> Vec<WorkflowLevel> {
        let since = now.saturating_sub(self.config.lookback).unwrap_or(now);
        let mut keys: BTreeMap<(Api, &str), Option<&str>> = self
            .book
            .tracked()
            .map(|(api, workflow, package)| ((api, workflow), package))
            .collect();
        let mut schedules: HashMap<(Api, &str), &[ScheduleFacts]> = HashMap::new();
        for facts in &self.schedules {
            keys.entry((facts.api, &facts.workflow))
                .or_insert(facts.package.as_deref());
            schedules.insert((facts.api, &facts.workflow), &facts.schedules);
        }
        keys.into_iter()
            .map(|((api, workflow), package)| {
                let schedules = schedules.get(&(api, workflow)).copied().unwrap_or_default();
                let assessment = if self.config.levels.expectations(api, workflow).is_empty() {
                    // Nothing to check: its ages, without a copy of each run.
                    let (last_success, oldest_active) = self.book.ages(api, workflow);
                    Assessment {
                        last_success,
                        oldest_active,
                        ..Assessment::default()
                    }
                } else {
                    let runs = self.book.run_spans(api, workflow);
                    self.config
                        .levels
                        .assess(api, workflow, &runs, schedules, since, now)
                };
                WorkflowLevel {
                    api,
                    workflow: workflow.to_owned(),
                    package: package.map(str::to_owned),
                    expected: assessment.expected,
                    breaches: assessment.breaches,
                    last_success: assessment.last_success,
                    oldest_active: assessment.oldest_active,
                }
            })
            .collect()
    }

    /// The figures at `now` over the lookback window.
    pub fn figures(&self, now: Timestamp) -> Figures {
        let since = now.saturating_sub(self.config.lookback).unwrap_or(now);
        let window = Window::between(since, None);
        let schedules = self
            .schedules
            .iter()
            .map(|facts| {
                let missed: Vec<Timestamp> = self
                    .missed
                    .range((facts.api, facts.workflow.clone(), since)..)
                    .take_while(|(api, workflow, _)| {
                        *api == facts.api && *workflow == facts.workflow
                    })
                    .map(|(_, _, due)| *due)
                    .collect();
                ScheduleFigures {
                    api: facts.api,
                    package: facts.package.clone().or_else(|| {
                        self.book
                            .package(facts.api, &facts.workflow)
                            .map(str::to_owned)
                    }),
                    missed: missed.len(),
                    last_missed: missed.iter().max().copied(),
                    workflow: facts.workflow.clone(),
                }
            })
            .collect();
        Figures {
            rows: self.book.stats(window),
            statuses: self.book.statuses(window.since),
            schedules,
            workflows: self.book.workflows(),
            runs: self.book.runs(),
            dropped_runs: self.book.dropped_runs(),
            levels: self.levels(now),
        }
    }

    /// The events of `transitions` that ended at or after `baseline`: a run that failed, and a
    /// success that ended a streak of failures (a recovery).
    fn run_events(&self, transitions: &[Transition], baseline: Timestamp) -> Vec<Event> {
        let mut events = Vec::new();
        for transition in transitions {
            if transition.finished.is_none_or(|at| at < baseline) {
                continue;
            }
            if transition.status.is_failure() {
                events.push(Event::RunFailed {
                    api: transition.api,
                    workflow: transition.workflow.clone(),
                    package: transition.package.clone(),
                    run: transition.run.clone(),
                    status: transition.status,
                    finished: transition.finished,
                });
            } else if transition.status.is_success()
                && let Some(started) = transition.started
            {
                let failures =
                    self.book
                        .failures_before(transition.api, &transition.workflow, started);
                if failures > 0 {
                    events.push(Event::Recovered {
                        api: transition.api,
                        workflow: transition.workflow.clone(),
                        package: transition.package.clone(),
                        run: transition.run.clone(),
                        finished: transition.finished,
                        failures,
                    });
                }
            }
        }
        events
    }

    /// Reads the schedules again when they are due to be (every `schedule_refresh`, or when the
    /// clock went back), tracked in the book first, within its one cap: each schedule exported
    /// has its runs, and the workflows are `max_workflows` at most. Answers the APIs left out.
    async fn refresh_schedules(
        &mut self,
        client: &AtlanClient,
        now: Timestamp,
    ) -> Result<Vec<Api>> {
        let due = self.schedules_read.is_none_or(|read| {
            now < read
                || now
                    >= read
                        .saturating_add(self.config.schedule_refresh)
                        .unwrap_or(read)
        });
        if !due {
            return Ok(Vec::new());
        }
        let (facts, left_out) = workflow_facts::schedules(client, self.config.api, now).await?;
        self.suspended = facts
            .iter()
            .filter(|facts| !facts.schedules.is_empty() && !facts.is_scheduled())
            .map(|facts| (facts.api, facts.workflow.clone()))
            .collect();
        let scheduled: Vec<WorkflowFacts> = facts
            .into_iter()
            .filter(WorkflowFacts::is_scheduled)
            .collect();
        let tracked = self.book.track_scheduled(
            scheduled
                .iter()
                .map(|facts| (facts.api, facts.workflow.as_str(), facts.package.as_deref())),
        );
        self.schedules = scheduled
            .into_iter()
            .zip(tracked)
            .filter_map(|(facts, tracked)| tracked.then_some(facts))
            .collect();
        self.crons = missed::read_crons(&self.schedules);
        self.schedules_read = Some(now);
        Ok(left_out)
    }

    /// Events are made for what happened from this instant on.
    fn baseline(&self) -> Timestamp {
        self.config.events_since.map_or(self.started, whole_second)
    }

    /// A schedule's facts with the runs seen.
    fn with_starts(&self, facts: &WorkflowFacts) -> WorkflowFacts {
        let mut facts = facts.clone();
        facts.runs = self.book.run_spans(facts.api, &facts.workflow);
        facts
    }
}

/// `at`, without its fraction of a second.
fn whole_second(at: Timestamp) -> Timestamp {
    Timestamp::from_second(at.as_second()).unwrap_or(at)
}

#[cfg(test)]
mod tests;
