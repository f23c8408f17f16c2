//! A health check of a tenant's automation: one [`Finding`] per problem. The checks are pure
//! functions over a [`Tenant`] (what [`gather`] read through the facade, or what a test built),
//! one function each below; a new check is a function here, a line in [`check`], and what it needs
//! gathered in `gather.rs`.
//!
//! Checks: `failing` (a failure streak), `stale` (scheduled, no success in the window),
//! `missed_schedule` (due times with no run), `credential` (the credential no longer passes its
//! test), `owner_disabled` (the owner the workflow runs as is disabled), `schedule_order` (a
//! schedule due before the upstream it reads, for lineage) and `schedule_overlap` (a run still
//! going when the next, or the downstream, is due).

use std::collections::{BTreeMap, BTreeSet};

use atlan_workflows::model::CronSchedule;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use crate::lineage;
use crate::stats::WorkflowStats;
use crate::view::Api;
use crate::window::Window;

mod gather;

pub(crate) use gather::is_guid;

pub use gather::{DoctorReport, gather, run, schedules};

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

/// One finding. `-o json` of `atlanctl doctor` prints one per line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Finding {
    /// The check that found it (`failing`, `stale`, `missed_schedule`, `credential`,
    /// `owner_disabled`, `schedule_order`, `schedule_overlap`, `coverage`).
    pub check: &'static str,
    /// How bad it is.
    pub severity: Severity,
    /// The workflow (name or slug), if the finding is about one.
    pub workflow: Option<String>,
    /// Its API.
    pub api: Option<Api>,
    /// What was found, in a sentence.
    pub detail: String,
}

impl Finding {
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
            detail,
        }
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
    /// When the schedule was made (due times before it are not missed).
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

/// What the checks know of a workflow.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WorkflowFacts {
    /// Its API.
    pub api: Api,
    /// Its name or slug.
    pub workflow: String,
    /// Its package or app.
    pub package: Option<String>,
    /// Who it runs as.
    pub owner: Option<String>,
    /// The GUID of the credential it uses.
    pub credential: Option<String>,
    /// Its schedules.
    pub schedules: Vec<ScheduleFacts>,
    /// When its runs in the window started (kept for scheduled workflows only).
    pub run_starts: Vec<Timestamp>,
}

impl WorkflowFacts {
    /// A workflow with nothing known of it yet.
    pub fn new(api: Api, workflow: impl Into<String>) -> Self {
        Self {
            api,
            workflow: workflow.into(),
            package: None,
            owner: None,
            credential: None,
            schedules: Vec::new(),
            run_starts: Vec::new(),
        }
    }

    /// Whether it has a schedule that is not suspended.
    pub fn is_scheduled(&self) -> bool {
        self.schedules.iter().any(|schedule| !schedule.suspended)
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

    fn stats_of(&self, workflow: &WorkflowFacts) -> Option<&WorkflowStats> {
        self.stats
            .iter()
            .find(|row| row.api == workflow.api && row.workflow == workflow.workflow)
    }
}

/// How late a scheduled run may start and still count for its due time.
pub const SCHEDULE_GRACE: SignedDuration = SignedDuration::from_mins(10);
/// The most due times looked at per schedule.
const MAX_DUE: usize = 1_000;
/// How many upstream workflows a `schedule_order` finding names.
const MAX_NAMED: usize = 5;

/// Every finding, errors first, then by check and workflow.
pub fn check(tenant: &Tenant) -> Vec<Finding> {
    let mut findings = Vec::new();
    failing(tenant, &mut findings);
    stale(tenant, &mut findings);
    missed(tenant, &mut findings);
    credentials(tenant, &mut findings);
    owners(tenant, &mut findings);
    order(tenant, &mut findings);
    findings.sort_by(|a, b| {
        (a.severity, a.check, &a.workflow).cmp(&(b.severity, b.check, &b.workflow))
    });
    findings
}

fn failing(tenant: &Tenant, findings: &mut Vec<Finding>) {
    for row in tenant.stats.iter().filter(|row| row.failure_streak > 0) {
        let since = row.last_success_at.map_or_else(
            || "no success in the window".to_owned(),
            |at| format!("last success {at}"),
        );
        findings.push(Finding {
            check: "failing",
            severity: Severity::Error,
            workflow: Some(row.workflow.clone()),
            api: Some(row.api),
            detail: format!(
                "the last {} ended run(s) failed ({since}); see `atlanctl runs explain` on the latest",
                row.failure_streak
            ),
        });
    }
}

fn stale(tenant: &Tenant, findings: &mut Vec<Finding>) {
    for workflow in tenant.workflows.iter().filter(|w| w.is_scheduled()) {
        let succeeded = tenant
            .stats_of(workflow)
            .is_some_and(|row| row.last_success_at.is_some());
        if !succeeded {
            findings.push(Finding::new(
                "stale",
                Severity::Warning,
                workflow,
                format!(
                    "scheduled, but no run succeeded since {}",
                    tenant.window.since
                ),
            ));
        }
    }
}

fn missed(tenant: &Tenant, findings: &mut Vec<Finding>) {
    for workflow in tenant.workflows.iter().filter(|w| w.is_scheduled()) {
        let due = missed_due(workflow, &tenant.window, tenant.now);
        for schedule in &due.unreadable {
            findings.push(Finding::new(
                "missed_schedule",
                Severity::Warning,
                workflow,
                format!(
                    "its schedule `{}` in `{}` cannot be read, so it never runs",
                    schedule.cron, schedule.timezone
                ),
            ));
        }
        if let Some(latest) = due.missed.iter().max() {
            findings.push(Finding::new(
                "missed_schedule",
                Severity::Warning,
                workflow,
                format!(
                    "{} scheduled run(s) did not start (the latest was due {latest})",
                    due.missed.len()
                ),
            ));
        }
    }
}

/// The due times of a workflow's schedules that no run answered, and the schedules that cannot be
/// read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct MissedSchedules {
    /// Due times in the window (up to [`SCHEDULE_GRACE`] before `now`) with no run started from a
    /// minute before to [`SCHEDULE_GRACE`] after.
    pub missed: Vec<Timestamp>,
    /// Schedules whose cron or time zone cannot be read (they never fire).
    pub unreadable: Vec<ScheduleFacts>,
}

/// Which due times of `workflow`'s schedules (not suspended) in `window` no run in
/// `workflow.run_starts` answered, at `now`.
pub fn missed_due(workflow: &WorkflowFacts, window: &Window, now: Timestamp) -> MissedSchedules {
    let until = window
        .end(now)
        .min(now.saturating_sub(SCHEDULE_GRACE).unwrap_or(now));
    let mut result = MissedSchedules::default();
    for schedule in workflow.schedules.iter().filter(|s| !s.suspended) {
        let Ok(cron) = CronSchedule::parse(&schedule.cron, &schedule.timezone) else {
            result.unreadable.push(schedule.clone());
            continue;
        };
        let from = schedule
            .since
            .map_or(window.since, |since| since.max(window.since));
        // Due times strictly after the start: one at the very instant a schedule was made (or
        // the window opens) has no run to look for yet.
        for due in cron.due_between(from, until, MAX_DUE) {
            let early = due
                .saturating_sub(SignedDuration::from_mins(1))
                .unwrap_or(due);
            let late = due.saturating_add(SCHEDULE_GRACE).unwrap_or(due);
            if !workflow
                .run_starts
                .iter()
                .any(|at| *at >= early && *at <= late)
            {
                result.missed.push(due);
            }
        }
    }
    result
}

fn credentials(tenant: &Tenant, findings: &mut Vec<Finding>) {
    for workflow in &tenant.workflows {
        let Some(guid) = &workflow.credential else {
            continue;
        };
        let detail = match tenant.credentials.get(guid) {
            Some(CredentialCheck::Failed(reason)) => {
                format!("its credential {guid} no longer passes its test: {reason}")
            }
            Some(CredentialCheck::Missing) => format!("its credential {guid} does not exist"),
            _ => continue,
        };
        findings.push(Finding::new(
            "credential",
            Severity::Error,
            workflow,
            detail,
        ));
    }
}

fn owners(tenant: &Tenant, findings: &mut Vec<Finding>) {
    let Some(disabled) = &tenant.disabled_users else {
        findings.push(Finding {
            check: "owner_disabled",
            severity: Severity::Info,
            workflow: None,
            api: None,
            detail: "the tenant's users could not be read: owners were not checked".to_owned(),
        });
        return;
    };
    for workflow in &tenant.workflows {
        if let Some(owner) = workflow
            .owner
            .as_ref()
            .filter(|owner| disabled.contains(*owner))
        {
            findings.push(Finding::new(
                "owner_disabled",
                Severity::Error,
                workflow,
                format!(
                    "it runs as {owner}, who is disabled: its runs will fail when they publish"
                ),
            ));
        }
    }
}

/// The next due time of each scheduled connector, and its typical duration.
fn order(tenant: &Tenant, findings: &mut Vec<Finding>) {
    let next: Vec<(&WorkflowFacts, &str, Timestamp, Option<Timestamp>)> = tenant
        .workflows
        .iter()
        .filter_map(|workflow| {
            let package = workflow.package.as_deref()?;
            lineage::stage(package)?;
            let cron = workflow
                .schedules
                .iter()
                .filter(|s| !s.suspended)
                .filter_map(|s| CronSchedule::parse(&s.cron, &s.timezone).ok())
                .filter_map(|cron| {
                    let first = cron.next_after(tenant.now)?;
                    Some((first, cron.next_after(first)))
                })
                .min_by_key(|(first, _)| *first)?;
            Some((workflow, package, cron.0, cron.1))
        })
        .collect();
    let day = SignedDuration::from_hours(24);
    for (downstream, down_package, down_at, down_after) in &next {
        let p95 = tenant
            .stats_of(downstream)
            .and_then(|row| row.duration_p95_s);
        if let (Some(p95), Some(after)) = (p95, down_after) {
            let interval = after.duration_since(*down_at).as_secs();
            if interval > 0 && i64::try_from(p95).unwrap_or(i64::MAX) > interval {
                findings.push(Finding::new(
                    "schedule_overlap",
                    Severity::Warning,
                    downstream,
                    format!(
                        "its runs take up to {p95} s (p95) but it is due every {interval} s: due times will be skipped"
                    ),
                ));
            }
        }
        let mut after_it = Vec::new();
        let mut still_running = Vec::new();
        for (upstream, up_package, up_at, _) in &next {
            if !lineage::runs_before(up_package, down_package) {
                continue;
            }
            let gap = up_at.duration_since(*down_at);
            if gap > SignedDuration::ZERO && gap < day {
                after_it.push(format!("{} (due {up_at})", upstream.workflow));
                continue;
            }
            let typical = tenant
                .stats_of(upstream)
                .and_then(|row| row.duration_p50_s)
                .and_then(|s| i64::try_from(s).ok())
                .map(SignedDuration::from_secs);
            if let Some(typical) = typical
                && gap <= SignedDuration::ZERO
                && -gap < typical
            {
                still_running.push(format!(
                    "{} (due {up_at}, typically {} s)",
                    upstream.workflow,
                    typical.as_secs()
                ));
            }
        }
        for (check, list, what) in [
            (
                "schedule_order",
                after_it,
                "before what it reads for lineage",
            ),
            (
                "schedule_overlap",
                still_running,
                "while what it reads for lineage is typically still running",
            ),
        ] {
            if list.is_empty() {
                continue;
            }
            let more = list.len().saturating_sub(MAX_NAMED);
            let mut named = list
                .into_iter()
                .take(MAX_NAMED)
                .collect::<Vec<_>>()
                .join(", ");
            if more > 0 {
                named.push_str(&format!(" and {more} more"));
            }
            findings.push(Finding::new(
                check,
                Severity::Warning,
                downstream,
                format!("it is due {down_at}, {what}: {named}"),
            ));
        }
    }
}

#[cfg(test)]
mod tests;
