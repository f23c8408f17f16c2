//! A health check of a tenant's automation: one [`Finding`] per problem. The checks are pure
//! functions over a [`Tenant`] (what [`gather`] read through the facade, or what a test built):
//! the health of each workflow in `health.rs`, what its schedules mean in `timing.rs`; a new check
//! is a function there, a line in [`check`], and what it needs gathered in `gather.rs`.
//!
//! Checks: `failing` (a failure streak), `stale` (scheduled, no success in the window),
//! `missed_schedule` (due times no run answered), `credential` (the credential no longer passes
//! its test), `owner_disabled` (the owner the workflow runs as is disabled), `schedule_order` (a
//! schedule due shortly before the upstream it reads, for lineage), `schedule_overlap` (a run
//! still going when the next, or the downstream, is due) and `double_schedule` (two scheduled
//! workflows that do one job: a legacy workflow and the app workflow migrated from it, or two of
//! one package over one connection).
//!
//! **No false alarms.** A due time is missed only when no run of the workflow started from a
//! minute before it to [`SCHEDULE_GRACE`] after (a tenant starts a scheduled run within
//! seconds), and only due times after the schedule existed (a legacy workflow's CronWorkflow was
//! created; an app workflow was last changed, which adding a trigger is) and while it is not
//! suspended count. A workflow made (or scheduled) inside the window that has not ended a run yet
//! is not `stale`.

use std::collections::{BTreeMap, BTreeSet};

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use crate::stats::WorkflowStats;
use crate::view::{Api, Status};
use crate::window::Window;

mod gather;
mod health;
mod timing;

pub use gather::{DoctorReport, gather, run, schedules};
pub use timing::{MissedSchedules, missed_due};

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Severity {
    /// Broken now, or about to be: `doctor` exits 1.
    Error,
    /// Worth a look.
    Warning,
    /// For the record.
    Info,
}

impl Severity {
    /// The word, as JSON shows it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Info => "info",
        }
    }
}

/// One finding. `-o json` of `atlanctl doctor` prints one per line, with these fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Finding {
    /// The check that found it (`failing`, `stale`, `missed_schedule`, `credential`,
    /// `owner_disabled`, `schedule_order`, `schedule_overlap`, `double_schedule`, `coverage`).
    pub check: &'static str,
    /// How bad it is.
    pub severity: Severity,
    /// The workflow (name or slug), if the finding is about one.
    pub workflow: Option<String>,
    /// Its API.
    pub api: Option<Api>,
    /// The run the finding is about (the latest failed run, the run that held a due time), if
    /// one is.
    pub run: Option<String>,
    /// What was found, in a sentence.
    pub detail: String,
    /// The command to type next, if there is one.
    pub next: Option<String>,
}

impl Finding {
    /// A finding about `workflow`, about no run, with no next command.
    fn new(
        check: &'static str,
        severity: Severity,
        workflow: &WorkflowFacts,
        detail: String,
    ) -> Self {
        Self {
            check,
            severity,
            workflow: Some(workflow.workflow.clone()),
            api: Some(workflow.api),
            run: None,
            detail,
            next: None,
        }
    }

    /// A finding about no workflow.
    pub(crate) fn general(check: &'static str, severity: Severity, detail: String) -> Self {
        Self {
            check,
            severity,
            workflow: None,
            api: None,
            run: None,
            detail,
            next: None,
        }
    }

    /// The same finding, about `run`.
    #[must_use]
    fn about(mut self, run: Option<&str>) -> Self {
        self.run = run.map(str::to_owned);
        self
    }

    /// The same finding, with the command to type next.
    #[must_use]
    fn next(mut self, command: String) -> Self {
        self.next = Some(command);
        self
    }
}

/// A schedule of a workflow.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ScheduleFacts {
    /// The cron expression.
    pub cron: String,
    /// Its time zone.
    pub timezone: String,
    /// Since when it has been due: when it was made (due times before it are not missed).
    pub since: Option<Timestamp>,
    /// Whether it is suspended.
    pub suspended: bool,
}

impl ScheduleFacts {
    /// A schedule made at an unknown time, not suspended.
    pub fn new(cron: impl Into<String>, timezone: impl Into<String>) -> Self {
        Self {
            cron: cron.into(),
            timezone: timezone.into(),
            since: None,
            suspended: false,
        }
    }
}

/// One run of a workflow, as far as its schedule's checks need it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RunSpan {
    /// The run (a legacy run's name, an app run's id).
    pub run: String,
    /// When it started.
    pub started: Timestamp,
    /// When it ended (`None` while it has not).
    pub finished: Option<Timestamp>,
    /// Its status.
    pub status: Status,
}

impl RunSpan {
    /// A run that started at `started`, in `status`, ended at `finished` if it did.
    pub fn new(
        run: impl Into<String>,
        started: Timestamp,
        finished: Option<Timestamp>,
        status: Status,
    ) -> Self {
        Self {
            run: run.into(),
            started,
            finished,
            status,
        }
    }

    /// Whether it was under way at `at` (started before, not ended by then).
    pub fn active_at(&self, at: Timestamp) -> bool {
        self.started < at && self.finished.is_none_or(|finished| finished > at)
    }
}

/// What the checks know of a workflow.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WorkflowFacts {
    /// Its API.
    pub api: Api,
    /// Its name or slug.
    pub workflow: String,
    /// Its display name (an app workflow's name; a legacy workflow's is its name).
    pub name: Option<String>,
    /// Its package or app.
    pub package: Option<String>,
    /// Who it runs as.
    pub owner: Option<String>,
    /// The GUID of the credential it uses.
    pub credential: Option<String>,
    /// The qualified name of the connection it crawls or mines.
    pub connection: Option<String>,
    /// When it was created, if known.
    pub created: Option<Timestamp>,
    /// Its schedules.
    pub schedules: Vec<ScheduleFacts>,
    /// Its runs in the window (kept for scheduled workflows only, at most [`MAX_RUNS`]).
    pub runs: Vec<RunSpan>,
    /// Its latest ended run in the window (by start).
    pub last_ended: Option<RunSpan>,
}

/// The most runs of a workflow the schedule checks keep.
pub const MAX_RUNS: usize = 10_000;

impl WorkflowFacts {
    /// A workflow with nothing known of it yet.
    pub fn new(api: Api, workflow: impl Into<String>) -> Self {
        Self {
            api,
            workflow: workflow.into(),
            name: None,
            package: None,
            owner: None,
            credential: None,
            connection: None,
            created: None,
            schedules: Vec::new(),
            runs: Vec::new(),
            last_ended: None,
        }
    }

    /// Whether it has a schedule that is not suspended.
    pub fn is_scheduled(&self) -> bool {
        self.schedules.iter().any(|schedule| !schedule.suspended)
    }

    /// Takes note of a run of it: its latest ended run, and (for a scheduled workflow) the run
    /// itself, at most [`MAX_RUNS`].
    pub fn saw(&mut self, run: RunSpan) {
        if run.status.is_ended()
            && self
                .last_ended
                .as_ref()
                .is_none_or(|last| last.started <= run.started)
        {
            self.last_ended = Some(run.clone());
        }
        if !self.schedules.is_empty() && self.runs.len() < MAX_RUNS {
            self.runs.push(run);
        }
    }
}

/// The result of testing a stored credential.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialCheck {
    /// It passed.
    Passed,
    /// It failed, with the server's reason.
    Failed(String),
    /// There is no credential with that GUID.
    Missing,
}

/// Everything the checks look at.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Tenant {
    /// The instant of the check.
    pub now: Timestamp,
    /// The window figures are taken over.
    pub window: Window,
    /// The figures of each workflow with runs in the window.
    pub stats: Vec<WorkflowStats>,
    /// What is known of each workflow (with runs, or scheduled).
    pub workflows: Vec<WorkflowFacts>,
    /// Each credential tested, by GUID.
    pub credentials: BTreeMap<String, CredentialCheck>,
    /// Disabled users (`None` when the tenant would not say).
    pub disabled_users: Option<BTreeSet<String>>,
}

impl Tenant {
    /// A tenant at `now` with nothing in it.
    pub fn new(now: Timestamp, window: Window) -> Self {
        Self {
            now,
            window,
            stats: Vec::new(),
            workflows: Vec::new(),
            credentials: BTreeMap::new(),
            disabled_users: None,
        }
    }

    fn stats_of(&self, api: Api, workflow: &str) -> Option<&WorkflowStats> {
        self.stats
            .iter()
            .find(|row| row.api == api && row.workflow == workflow)
    }

    fn facts_of(&self, api: Api, workflow: &str) -> Option<&WorkflowFacts> {
        self.workflows
            .iter()
            .find(|facts| facts.api == api && facts.workflow == workflow)
    }
}

/// How late a scheduled run may start and still count for its due time (a tenant starts one
/// within seconds; a run up to a minute early counts too).
pub const SCHEDULE_GRACE: SignedDuration = SignedDuration::from_mins(10);

/// Every finding, errors first, then by check and workflow.
pub fn check(tenant: &Tenant) -> Vec<Finding> {
    let mut findings = Vec::new();
    health::failing(tenant, &mut findings);
    health::stale(tenant, &mut findings);
    health::credentials(tenant, &mut findings);
    health::owners(tenant, &mut findings);
    timing::missed(tenant, &mut findings);
    timing::order(tenant, &mut findings);
    timing::double_schedules(tenant, &mut findings);
    findings.sort_by(|a, b| {
        (a.severity, a.check, &a.workflow).cmp(&(b.severity, b.check, &b.workflow))
    });
    findings
}

/// The command that explains `run`.
fn explain(run: &str) -> String {
    format!("atlanctl runs explain {run}")
}

#[cfg(test)]
mod tests;
