//! The exporter's metric families (prometheus-client) and the snapshot a scrape serves: after
//! each poll the families are set from the watcher's figures and encoded once in both text
//! formats, so a scrape only hands out the last encoding and never waits on the tenant (or on a
//! poll).
//!
//! The workflow families carry `api`, `workflow` and `package` (empty when unknown); label values
//! are cut to [`LABEL_LIMIT`] bytes (a cut one ends with a hash of the whole, so two names stay
//! two series), and the workflows are capped by the watcher (`--max-workflows`, scheduled ones
//! first, the schedule families within the same cap), so the series are bounded.

use std::collections::HashSet;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use atlan_ops::RunState;
use atlan_ops::watch::{Figures, PollReport};
use bytes::Bytes;
use jiff::Timestamp;
use prometheus_client::encoding::{EncodeLabelSet, prometheus_text, text};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// The longest label value exported.
pub(crate) const LABEL_LIMIT: usize = 128;
/// The buckets of run durations, in seconds: 30 s to a day.
const RUN_BUCKETS: [f64; 12] = [
    30.0, 60.0, 120.0, 300.0, 600.0, 1200.0, 1800.0, 3600.0, 7200.0, 14400.0, 28800.0, 86400.0,
];
/// The buckets of poll durations, in seconds.
const POLL_BUCKETS: [f64; 10] = [0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 120.0];
/// The statuses `atlan_workflow_runs` always has a series for (0 when none), so that a ratio of
/// them sees a zero rather than nothing; other statuses have a series when they have runs.
const STATUSES: [RunState; 2] = [RunState::Succeeded, RunState::Failed];

/// The OpenMetrics text format's content type.
pub(crate) const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// A workflow's labels.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct WorkflowLabels {
    api: String,
    workflow: String,
    package: String,
}

/// A workflow's labels and a run status.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RunLabels {
    api: String,
    workflow: String,
    package: String,
    status: String,
}

/// A workflow's labels and one of its expectations.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ExpectationLabels {
    api: String,
    workflow: String,
    expectation: String,
}

/// The outcome of a poll.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PollLabels {
    result: String,
}

/// The last encoding of every family, in both formats.
#[derive(Debug, Default)]
pub(crate) struct Snapshot {
    /// Prometheus text format 0.0.4.
    pub(crate) text: Bytes,
    /// OpenMetrics 1.0 text.
    pub(crate) openmetrics: Bytes,
    /// Whether a poll has succeeded yet.
    pub(crate) ready: bool,
}

/// Where the last snapshot is published: the poll loop replaces it, scrapes take it (a clone
/// of an `Arc`, under a lock held for no longer than that).
#[derive(Debug, Default)]
pub(crate) struct Published(RwLock<Arc<Snapshot>>);

impl Published {
    /// The last snapshot.
    pub(crate) fn get(&self) -> Arc<Snapshot> {
        match self.0.read() {
            Ok(snapshot) => Arc::clone(&snapshot),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    fn set(&self, snapshot: Snapshot) {
        match self.0.write() {
            Ok(mut slot) => *slot = Arc::new(snapshot),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(snapshot),
        }
    }
}

/// Every family, and the snapshot scrapes read.
pub(crate) struct Metrics {
    registry: Registry,
    runs: Family<RunLabels, Gauge>,
    last_run: Family<WorkflowLabels, Gauge<f64, AtomicU64>>,
    last_success: Family<WorkflowLabels, Gauge<f64, AtomicU64>>,
    streak: Family<WorkflowLabels, Gauge>,
    scheduled: Family<WorkflowLabels, Gauge>,
    missed: Family<WorkflowLabels, Gauge>,
    last_missed: Family<WorkflowLabels, Gauge<f64, AtomicU64>>,
    durations: Family<WorkflowLabels, Histogram>,
    drift: Family<WorkflowLabels, Gauge>,
    levels: LevelFamilies,
    /// The label sets `durations` has, bounded by the workflow cap.
    duration_series: HashSet<WorkflowLabels>,
    max_series: usize,
    /// The exporter's own families: its polls, requests and what it tracks.
    poll: PollFamilies,
    requests_seen: u64,
    dropped_seen: u64,
    published: Arc<Published>,
    ready: bool,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Metrics {
    /// Every family registered, none set, published to `published`; at most `max_series`
    /// workflows get a duration histogram.
    pub(crate) fn new(max_series: usize, published: Arc<Published>) -> Self {
        let mut registry = Registry::default();
        let runs = Family::<RunLabels, Gauge>::default();
        registry.register(
            "atlan_workflow_runs",
            "Runs started in the lookback window, by status",
            runs.clone(),
        );
        let last_run = Family::<WorkflowLabels, Gauge<f64, AtomicU64>>::default();
        registry.register(
            "atlan_workflow_last_run_timestamp_seconds",
            "When the latest run in the lookback window started (Unix time)",
            last_run.clone(),
        );
        let last_success = Family::<WorkflowLabels, Gauge<f64, AtomicU64>>::default();
        registry.register(
            "atlan_workflow_last_success_timestamp_seconds",
            "The latest finish of a succeeded run in the lookback window (Unix time); absent when none",
            last_success.clone(),
        );
        let streak = Family::<WorkflowLabels, Gauge>::default();
        registry.register(
            "atlan_workflow_failure_streak",
            "How many of the latest ended runs failed since the latest success (as runs stats)",
            streak.clone(),
        );
        let scheduled = Family::<WorkflowLabels, Gauge>::default();
        registry.register(
            "atlan_workflow_scheduled",
            "1 for a workflow with a schedule that is not suspended",
            scheduled.clone(),
        );
        let missed = Family::<WorkflowLabels, Gauge>::default();
        registry.register(
            "atlan_workflow_missed_schedules",
            "Due times of its schedules in the lookback window with no run started (10 minutes grace)",
            missed.clone(),
        );
        let last_missed = Family::<WorkflowLabels, Gauge<f64, AtomicU64>>::default();
        registry.register(
            "atlan_workflow_last_missed_schedule_timestamp_seconds",
            "The latest due time of its schedules in the lookback window with no run (Unix time); absent when none",
            last_missed.clone(),
        );
        let durations = Family::<WorkflowLabels, Histogram>::new_with_constructor(
            (|| Histogram::new(RUN_BUCKETS)) as fn() -> Histogram,
        );
        registry.register(
            "atlan_workflow_run_duration_seconds",
            "Durations of the runs that ended since the exporter started",
            durations.clone(),
        );
        let drift = drift_family(&mut registry);
        let levels = LevelFamilies::register(&mut registry);
        let poll = PollFamilies::register(&mut registry);
        let metrics = Self {
            registry,
            runs,
            last_run,
            last_success,
            streak,
            scheduled,
            missed,
            last_missed,
            durations,
            drift,
            levels,
            duration_series: HashSet::new(),
            max_series,
            poll,
            requests_seen: 0,
            dropped_seen: 0,
            published,
            ready: false,
        };
        metrics.publish();
        metrics
    }

    /// A poll at `at` succeeded in `took`: the workflow families are set anew from `figures`
    /// (a workflow that left the window leaves the output), the ended runs observed, and the
    /// snapshot encoded.
    pub(crate) fn succeeded(
        &mut self,
        at: Timestamp,
        took: Duration,
        figures: &Figures,
        report: &PollReport,
        requests: u64,
    ) {
        self.runs.clear();
        self.last_run.clear();
        self.last_success.clear();
        self.streak.clear();
        self.scheduled.clear();
        self.missed.clear();
        self.last_missed.clear();
        self.set_workflows(figures);
        self.levels.set(figures, at);
        for ended in &report.ended {
            let Some(duration) = ended.duration_s() else {
                continue;
            };
            let labels = labels(ended.api, &ended.workflow, ended.package.as_deref());
            if !self.duration_series.contains(&labels) {
                if self.duration_series.len() >= self.max_series {
                    self.poll.dropped_runs.inc();
                    continue;
                }
                self.duration_series.insert(labels.clone());
            }
            self.durations
                .get_or_create(&labels)
                .observe(duration as f64);
        }
        self.poll.poll_success.set(1);
        self.poll.last_poll.set(seconds(at));
        self.poll.poll_duration.observe(took.as_secs_f64());
        self.poll
            .polls
            .get_or_create(&PollLabels {
                result: "success".into(),
            })
            .inc();
        self.count_requests(requests);
        let dropped = figures.dropped_runs.saturating_sub(self.dropped_seen);
        self.poll.dropped_runs.inc_by(dropped);
        self.dropped_seen = figures.dropped_runs.max(self.dropped_seen);
        self.poll.workflows.set(gauge(figures.workflows as u64));
        self.poll.tracked_runs.set(gauge(figures.runs as u64));
        self.poll.poll_runs.set(gauge(report.runs as u64));
        self.ready = true;
        self.publish();
    }

    /// The workflow families of `figures`: each workflow's runs by status, last run, last success
    /// and failure streak, and each schedule's missed due times.
    fn set_workflows(&mut self, figures: &Figures) {
        for row in &figures.rows {
            let labels = labels(row.api, &row.workflow, row.package.as_deref());
            let counts = figures.statuses.get(&(row.api, row.workflow.clone()));
            for status in STATUSES {
                let count = counts.and_then(|c| c.get(&status)).copied().unwrap_or(0);
                self.runs
                    .get_or_create(&with_status(&labels, status))
                    .set(gauge(count));
            }
            for (status, count) in counts.into_iter().flatten() {
                if !STATUSES.contains(status) {
                    self.runs
                        .get_or_create(&with_status(&labels, *status))
                        .set(gauge(*count));
                }
            }
            if let Some(at) = row.last_run_at {
                self.last_run.get_or_create(&labels).set(seconds(at));
            }
            if let Some(at) = row.last_success_at {
                self.last_success.get_or_create(&labels).set(seconds(at));
            }
            self.streak
                .get_or_create(&labels)
                .set(gauge(row.failure_streak));
        }
        for schedule in &figures.schedules {
            let labels = labels(
                schedule.api,
                &schedule.workflow,
                schedule.package.as_deref(),
            );
            self.scheduled.get_or_create(&labels).set(1);
            self.missed
                .get_or_create(&labels)
                .set(gauge(schedule.missed as u64));
            if let Some(at) = schedule.last_missed {
                self.last_missed.get_or_create(&labels).set(seconds(at));
            }
        }
    }

    /// The drift of each workflow a file names (and of each in the files' selector with none),
    /// from a plan of the files against the tenant.
    pub(crate) fn drifted(&mut self, planned: &[atlan_ops::as_code::Planned]) {
        self.drift.clear();
        for one in planned {
            let package = one.desired.as_ref().map(|spec| spec.app.as_str());
            let package = package.or_else(|| one.legacy.as_ref().map(|spec| spec.package.as_str()));
            let drifted = one.action != atlan_ops::as_code::Action::Unchanged;
            self.drift
                .get_or_create(&labels(one.api, &one.workflow, package))
                .set(i64::from(drifted));
        }
        self.publish();
    }

    /// A poll failed after `took`: the workflow families keep their last values.
    pub(crate) fn failed(&mut self, took: Duration, requests: u64) {
        self.poll.poll_success.set(0);
        self.poll.poll_duration.observe(took.as_secs_f64());
        self.poll
            .polls
            .get_or_create(&PollLabels {
                result: "failure".into(),
            })
            .inc();
        self.count_requests(requests);
        self.publish();
    }

    fn count_requests(&mut self, requests: u64) {
        self.poll
            .requests
            .inc_by(requests.saturating_sub(self.requests_seen));
        self.requests_seen = requests.max(self.requests_seen);
    }

    /// Encodes the families in both formats as the snapshot scrapes get.
    fn publish(&self) {
        let (mut plain, mut open) = (String::new(), String::new());
        // Writing to a String cannot fail; an encoder error would leave that format empty.
        let _ = prometheus_text::encode(&mut plain, &self.registry);
        let _ = text::encode(&mut open, &self.registry);
        self.published.set(Snapshot {
            text: Bytes::from(plain),
            openmetrics: Bytes::from(open),
            ready: self.ready,
        });
    }
}

/// A count as a gauge's value.
/// The service-level families: each expectation met or not, and the ages they are measured by.
struct LevelFamilies {
    breach: Family<ExpectationLabels, Gauge>,
    last_success_age: Family<WorkflowLabels, Gauge<f64, AtomicU64>>,
    active_run_age: Family<WorkflowLabels, Gauge<f64, AtomicU64>>,
}

impl LevelFamilies {
    fn register(registry: &mut Registry) -> Self {
        let families = Self {
            breach: Family::default(),
            last_success_age: Family::default(),
            active_run_age: Family::default(),
        };
        registry.register(
            "atlan_workflow_sla_breach",
            "1 while the workflow does not meet the expectation (freshness, deadline, max_duration, max_pending), 0 while it does",
            families.breach.clone(),
        );
        registry.register(
            "atlan_workflow_last_success_age_seconds",
            "Seconds since the workflow's latest success in the lookback window ended",
            families.last_success_age.clone(),
        );
        registry.register(
            "atlan_workflow_active_run_age_seconds",
            "Seconds since the workflow's oldest active run started (0 when none is active)",
            families.active_run_age.clone(),
        );
        families
    }

    /// Set anew from `figures` at `at`: every workflow tracked has its ages, every expectation
    /// it has a 0 or a 1.
    fn set(&mut self, figures: &Figures, at: Timestamp) {
        self.breach.clear();
        self.last_success_age.clear();
        self.active_run_age.clear();
        let age = |since: Timestamp| at.duration_since(since).as_secs_f64().max(0.0);
        for level in &figures.levels {
            let workflow = labels(level.api, &level.workflow, level.package.as_deref());
            if let Some(success) = level.last_success {
                self.last_success_age
                    .get_or_create(&workflow)
                    .set(age(success));
            }
            self.active_run_age
                .get_or_create(&workflow)
                .set(level.oldest_active.map_or(0.0, age));
            for expectation in &level.expected {
                let breached = level
                    .breaches
                    .iter()
                    .any(|breach| breach.expectation == *expectation);
                let series = ExpectationLabels {
                    api: workflow.api.clone(),
                    workflow: workflow.workflow.clone(),
                    expectation: (*expectation).to_owned(),
                };
                self.breach.get_or_create(&series).set(i64::from(breached));
            }
        }
    }
}

/// `atlan_workflow_drift`, registered.
fn drift_family(registry: &mut Registry) -> Family<WorkflowLabels, Gauge> {
    let drift = Family::<WorkflowLabels, Gauge>::default();
    registry.register(
        "atlan_workflow_drift",
        "1 when a workflow is not as its file of --desired says (or is missing), 0 when it is",
        drift.clone(),
    );
    drift
}

fn gauge(count: u64) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}

fn labels(api: atlan_ops::Api, workflow: &str, package: Option<&str>) -> WorkflowLabels {
    WorkflowLabels {
        api: api.as_str().to_owned(),
        workflow: cut(workflow).into_owned(),
        package: cut(package.unwrap_or_default()).into_owned(),
    }
}

fn with_status(labels: &WorkflowLabels, status: RunState) -> RunLabels {
    RunLabels {
        api: labels.api.clone(),
        workflow: labels.workflow.clone(),
        package: labels.package.clone(),
        status: status.as_str().to_owned(),
    }
}

/// `value`, or a longer one cut to [`LABEL_LIMIT`] bytes with a hash of the whole, so that two
/// names that share their start are two series.
fn cut(value: &str) -> std::borrow::Cow<'_, str> {
    atlan_ops::watch::book::bounded_name(value, LABEL_LIMIT)
}

/// Unix time in seconds, with the fraction.
fn seconds(at: Timestamp) -> f64 {
    at.as_millisecond() as f64 / 1000.0
}

/// The exporter's own families: how its polls went, the requests it sent, what it tracks.
struct PollFamilies {
    poll_success: Gauge,
    last_poll: Gauge<f64, AtomicU64>,
    poll_duration: Histogram,
    polls: Family<PollLabels, Counter>,
    requests: Counter,
    dropped_runs: Counter,
    workflows: Gauge,
    tracked_runs: Gauge,
    poll_runs: Gauge,
}

impl PollFamilies {
    /// Every one registered in `registry`, none set.
    fn register(registry: &mut Registry) -> Self {
        let poll_success = Gauge::default();
        registry.register(
            "atlan_exporter_poll_success",
            "1 when the latest poll of the tenant succeeded, 0 when it failed",
            poll_success.clone(),
        );
        let last_poll = Gauge::<f64, AtomicU64>::default();
        registry.register(
            "atlan_exporter_last_poll_timestamp_seconds",
            "When the latest successful poll started (Unix time)",
            last_poll.clone(),
        );
        let poll_duration = Histogram::new(POLL_BUCKETS);
        registry.register(
            "atlan_exporter_poll_duration_seconds",
            "How long polls took, successful or not",
            poll_duration.clone(),
        );
        let polls = Family::<PollLabels, Counter>::default();
        registry.register(
            "atlan_exporter_polls",
            "Polls of the tenant, by result (success, failure)",
            polls.clone(),
        );
        let requests = Counter::default();
        registry.register(
            "atlan_exporter_requests",
            "Requests sent to the tenant",
            requests.clone(),
        );
        let dropped_runs = Counter::default();
        registry.register(
            "atlan_exporter_dropped_runs",
            "Run observations dropped because their workflow was over the --max-workflows cap",
            dropped_runs.clone(),
        );
        let workflows = Gauge::default();
        registry.register(
            "atlan_exporter_workflows",
            "Workflows tracked",
            workflows.clone(),
        );
        let tracked_runs = Gauge::default();
        registry.register(
            "atlan_exporter_tracked_runs",
            "Runs tracked (started in the lookback window)",
            tracked_runs.clone(),
        );
        let poll_runs = Gauge::default();
        registry.register(
        "atlan_exporter_last_poll_runs",
        "Runs the latest successful poll read (the whole window the first time, what changed after)",
        poll_runs.clone(),
    );
        Self {
            poll_success,
            last_poll,
            poll_duration,
            polls,
            requests,
            dropped_runs,
            workflows,
            tracked_runs,
            poll_runs,
        }
    }
}
