//! The checks of what schedules mean: `missed_schedule` (due times no run answered),
//! `schedule_order` and `schedule_overlap` (lineage order, and runs that are still going), and
//! `double_schedule` (two scheduled workflows that do one job). None of them depends on the time
//! of day the check runs at: each compares due times with due times and runs.

use std::collections::BTreeMap;

use atlan_workflows::human_duration;
use atlan_workflows::model::CronSchedule;
use jiff::{SignedDuration, Timestamp};

use super::{Finding, SCHEDULE_GRACE, Severity, Tenant};
use crate::lineage;
use crate::migrate::pairs;
use crate::view::Api;
use crate::window::Window;
use crate::workflow_facts::{ScheduleFacts, WorkflowFacts};

/// The most due times looked at per schedule.
const MAX_DUE: usize = 1_000;
/// How many upstream workflows a `schedule_order` finding names.
const MAX_NAMED: usize = 5;
/// A downstream due this shortly before its upstream reads the upstream's data of the cycle before.
const ORDER_GAP: SignedDuration = SignedDuration::from_hours(6);
/// Only upstreams on a cycle at least this long have an order (an hourly one is always fresh).
const ORDER_CYCLE: SignedDuration = SignedDuration::from_hours(12);

/// The due times of a workflow's schedules that no run answered, and the schedules that cannot be
/// read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct MissedSchedules {
    /// Due times in the window (up to [`SCHEDULE_GRACE`] before `now`), after the schedule existed,
    /// with no run started from a minute before to [`SCHEDULE_GRACE`] after.
    pub missed: Vec<Timestamp>,
    /// The run that was still under way at a missed due time, where one was.
    pub held_by: BTreeMap<Timestamp, String>,
    /// Schedules whose cron or time zone cannot be read (they never fire).
    pub unreadable: Vec<ScheduleFacts>,
}

/// Which due times of `workflow`'s schedules (not suspended) in `window`, after each schedule (and
/// the workflow) existed, no run of `workflow.runs` answered, at `now`.
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
        let from = [Some(window.since), schedule.since, workflow.created]
            .into_iter()
            .flatten()
            .max()
            .unwrap_or(window.since);
        // Due times strictly after the start: one at the very instant a schedule was made (or
        // the window opens) has no run to look for yet.
        for due in cron.due_between(from, until, MAX_DUE) {
            let early = due
                .saturating_sub(SignedDuration::from_mins(1))
                .unwrap_or(due);
            let late = due.saturating_add(SCHEDULE_GRACE).unwrap_or(due);
            if workflow
                .runs
                .iter()
                .any(|run| run.started >= early && run.started <= late)
            {
                continue;
            }
            result.missed.push(due);
            if let Some(run) = workflow.runs.iter().find(|run| run.active_at(due)) {
                result.held_by.insert(due, run.run.clone());
            }
        }
    }
    result
}

/// `missed_schedule`: due times no run answered (a warning), naming the run that held the latest
/// one when a run did; a schedule that cannot be read.
pub(super) fn missed(tenant: &Tenant, findings: &mut Vec<Finding>) {
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
        let Some(latest) = due.missed.iter().max() else {
            continue;
        };
        let held = due.held_by.iter().next_back();
        let mut detail = format!(
            "{} scheduled run(s) did not start (the latest was due {latest})",
            due.missed.len()
        );
        if let Some((at, run)) = held {
            detail.push_str(&format!(
                "; {run} was still running when it was due at {at}, so the schedule skipped it"
            ));
        }
        findings.push(
            Finding::new("missed_schedule", Severity::Warning, workflow, detail)
                .about(held.map(|(_, run)| run.as_str())),
        );
    }
}

/// A scheduled connector: its readable schedules (not suspended) and package.
struct Scheduled<'a> {
    facts: &'a WorkflowFacts,
    package: &'a str,
    crons: Vec<CronSchedule>,
}

impl Scheduled<'_> {
    /// The first due time strictly after `at`.
    fn next_after(&self, at: Timestamp) -> Option<Timestamp> {
        self.crons
            .iter()
            .filter_map(|cron| cron.next_after(at))
            .min()
    }

    /// The last due time at or before `at` (within 32 days).
    fn last_at_or_before(&self, at: Timestamp) -> Option<Timestamp> {
        self.crons
            .iter()
            .filter_map(|cron| last_due(cron, at))
            .max()
    }
}

/// The last due time of `cron` at or before `at`, looking back at most 32 days.
fn last_due(cron: &CronSchedule, at: Timestamp) -> Option<Timestamp> {
    for hours in [1, 26, 8 * 24, 32 * 24] {
        let from = at.saturating_sub(SignedDuration::from_hours(hours)).ok()?;
        let due = cron.due_between(from, at, MAX_DUE);
        if due.len() < MAX_DUE
            && let Some(last) = due.last()
        {
            return Some(*last);
        }
    }
    None
}

/// `schedule_order` and `schedule_overlap`: for each scheduled connector and its next due time,
/// the upstreams it reads for lineage that are due shortly after it (it reads their data of the
/// cycle before), those whose run of this cycle is typically still going, and runs of its own
/// longer than its interval.
pub(super) fn order(tenant: &Tenant, findings: &mut Vec<Finding>) {
    let scheduled: Vec<Scheduled<'_>> = tenant
        .workflows
        .iter()
        .filter_map(|facts| {
            let package = facts.package.as_deref()?;
            lineage::stage(package)?;
            let crons: Vec<CronSchedule> = facts
                .schedules
                .iter()
                .filter(|s| !s.suspended)
                .filter_map(|s| CronSchedule::parse(&s.cron, &s.timezone).ok())
                .collect();
            (!crons.is_empty()).then_some(Scheduled {
                facts,
                package,
                crons,
            })
        })
        .collect();
    for downstream in &scheduled {
        let Some(due) = downstream.next_after(tenant.now) else {
            continue;
        };
        let stats = tenant.stats_of(downstream.facts.api, &downstream.facts.workflow);
        if let (Some(p95), Some(after)) = (
            stats.and_then(|row| row.duration_p95_s),
            downstream.next_after(due),
        ) {
            let interval = after.duration_since(due);
            let p95 = SignedDuration::from_secs(i64::try_from(p95).unwrap_or(i64::MAX));
            if interval > SignedDuration::ZERO && p95 > interval {
                findings.push(Finding::new(
                    "schedule_overlap",
                    Severity::Warning,
                    downstream.facts,
                    format!(
                        "its runs take up to {} (p95) but it is due every {}: due times will be skipped",
                        human_duration(p95.unsigned_abs()),
                        human_duration(interval.unsigned_abs())
                    ),
                ));
            }
        }
        let (after_it, still_running) = upstream_timing(tenant, &scheduled, downstream, due);
        for (check, list, what) in [
            (
                "schedule_order",
                after_it,
                "shortly before what it reads for lineage, so it reads their data of the cycle before",
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
            findings.push(Finding::new(
                check,
                Severity::Warning,
                downstream.facts,
                format!("it is due {due}, {what}: {}", named(list)),
            ));
        }
    }
}

/// The upstreams of `downstream` due within [`ORDER_GAP`] after `due` (on a cycle of at least
/// [`ORDER_CYCLE`]), and those due at or before it whose typical run is still going then.
fn upstream_timing(
    tenant: &Tenant,
    scheduled: &[Scheduled<'_>],
    downstream: &Scheduled<'_>,
    due: Timestamp,
) -> (Vec<String>, Vec<String>) {
    let mut after_it = Vec::new();
    let mut still_running = Vec::new();
    for upstream in scheduled {
        if !lineage::runs_before(upstream.package, downstream.package) {
            continue;
        }
        let name = &upstream.facts.workflow;
        let (previous, next) = (upstream.last_at_or_before(due), upstream.next_after(due));
        if let (Some(previous), Some(next)) = (previous, next)
            && next.duration_since(previous) >= ORDER_CYCLE
            && next.duration_since(due) <= ORDER_GAP
        {
            after_it.push(format!("{name} (due {next})"));
            continue;
        }
        let typical = tenant
            .stats_of(upstream.facts.api, name)
            .and_then(|row| row.duration_p50_s)
            .and_then(|s| i64::try_from(s).ok())
            .map(SignedDuration::from_secs);
        if let (Some(previous), Some(typical)) = (previous, typical)
            && due.duration_since(previous) < typical
        {
            still_running.push(format!(
                "{name} (due {previous}, typically {})",
                human_duration(typical.unsigned_abs())
            ));
        }
    }
    (after_it, still_running)
}

/// The first [`MAX_NAMED`] of `list`, and how many more.
fn named(list: Vec<String>) -> String {
    let more = list.len().saturating_sub(MAX_NAMED);
    let mut named = list
        .into_iter()
        .take(MAX_NAMED)
        .collect::<Vec<_>>()
        .join(", ");
    if more > 0 {
        named.push_str(&format!(" and {more} more"));
    }
    named
}

/// What a scheduled workflow does, to tell two that do one job: its connection and its package
/// (a legacy package as the app that takes it over).
fn job(facts: &WorkflowFacts) -> Option<(&str, String)> {
    let connection = facts.connection.as_deref()?;
    let package = facts.package.as_deref()?;
    let family = match facts.api {
        Api::Legacy => {
            pairs::app_for(package).map_or_else(|| package.to_owned(), |app| app.app_id.to_owned())
        }
        _ => package.to_owned(),
    };
    Some((connection, family))
}

/// `double_schedule`: two scheduled workflows that do one job (a warning): a legacy workflow and
/// the app workflow migrated from it (named as it), or two of one package over one connection.
/// Each due time then runs the job twice.
pub(super) fn double_schedules(tenant: &Tenant, findings: &mut Vec<Finding>) {
    let scheduled: Vec<(&WorkflowFacts, Option<(&str, String)>)> = tenant
        .workflows
        .iter()
        .filter(|facts| facts.is_scheduled())
        .map(|facts| (facts, job(facts)))
        .collect();
    for (index, (first, first_job)) in scheduled.iter().enumerate() {
        for (second, second_job) in scheduled.iter().skip(index + 1) {
            let migrated = first.api == Api::Legacy
                && second.api == Api::Apps
                && second.name.as_deref() == Some(first.workflow.as_str());
            let same_job = first_job.is_some() && first_job == second_job;
            if !migrated && !same_job {
                continue;
            }
            let why = match first_job {
                Some((connection, _)) if !migrated => {
                    format!("of the same package over connection {connection}")
                }
                _ => "the app workflow migrated from it".to_owned(),
            };
            // Retire the legacy one: through the migration when the app workflow is its own,
            // else by suspending its schedule (restorable); two of one API: the second.
            let next = match (first.api, second.api) {
                (Api::Legacy, Api::Apps) if migrated => format!(
                    "atlanctl migrate apply --workflow {} --archive-legacy",
                    first.workflow
                ),
                (Api::Legacy, Api::Apps) => {
                    format!("atlanctl schedules suspend {}", first.workflow)
                }
                (Api::Legacy, _) => format!("atlanctl schedules suspend {}", second.workflow),
                _ => format!("atlanctl apps schedules suspend {}", second.workflow),
            };
            findings.push(
                Finding::new(
                    "double_schedule",
                    Severity::Warning,
                    first,
                    format!(
                        "it and {} ({} {why}) are both scheduled: each due time runs the job twice",
                        second.workflow,
                        second.api.as_str()
                    ),
                )
                .next(next),
            );
        }
    }
}
