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
//! one package over one connection); and, for what is expected of a workflow (`levels.rs`),
//! `late` (no success within its freshness), `overdue` (not succeeded by its deadline) and
//! `stuck` (a run over its duration or its wait).
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

use crate::service_levels::ServiceLevels;
use crate::stats::WorkflowStats;
use crate::view::Api;
use crate::window::Window;
use crate::workflow_facts::{RunSpan, WorkflowFacts};

mod gather;
mod health;
mod levels;
mod timing;

pub use gather::{DoctorReport, gather, run};
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
    /// `owner_disabled`, `schedule_order`, `schedule_overlap`, `double_schedule`, `late`,
    /// `overdue`, `stuck`, `coverage`).
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

    /// The same finding, about `run` (if any), with the command that explains it next.
    #[must_use]
    fn about(mut self, run: Option<&str>) -> Self {
        if let Some(run) = run {
            self.run = Some(run.to_owned());
            self.next = Some(explain(run));
        }
        self
    }

    /// The same finding, with the command to type next.
    #[must_use]
    fn next(mut self, command: String) -> Self {
        self.next = Some(command);
        self
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
    /// What is expected of each workflow.
    pub levels: ServiceLevels,
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
            levels: ServiceLevels::default(),
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
    levels::breaches(tenant, &mut findings);
    findings.sort_by(|a, b| {
        (a.severity, a.check, &a.workflow).cmp(&(b.severity, b.check, &b.workflow))
    });
    findings
}

/// The command that explains `run`.
fn explain(run: &str) -> String {
    format!("atlanctl runs explain {run}")
}

/// `detail`, naming the latest ended run and how it ended, if there is one.
fn with_latest(mut detail: String, latest: Option<&RunSpan>) -> String {
    if let Some(run) = latest {
        detail.push_str(&format!(
            "; the latest, {}, ended {}",
            run.run,
            run.status.as_str()
        ));
    }
    detail
}

#[cfg(test)]
mod tests;
