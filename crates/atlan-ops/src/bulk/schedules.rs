//! Suspending and resuming schedules in bulk: [`select`] reads which workflows of a selection
//! have schedules to suspend (or suspended ones to resume), [`execute_schedules`] carries the
//! plan out with a [`Journal`].
//!
//! Each change is the facade's [`atlan_workflows::Schedules::suspend`] (or `resume`, or their
//! app forms), which keeps what the schedules were on the tenant and is idempotent: doing it again
//! finishes an interrupted attempt and changes nothing that is done. So a target the journal
//! decided without an outcome (the process died mid-request) is simply done again on
//! `--resume`; one with an outcome is not touched.

use std::sync::Mutex;

use atlan_workflows::model::{
    SUSPENDED_SCHEDULES_INPUT, SuspendedSchedules, WorkflowPackage, WorkflowSchedule,
};
use atlan_workflows::{AtlanClient, Error, ScheduleSuspension};
use futures_util::{StreamExt, TryStreamExt};
use jiff::Timestamp;
use serde::Serialize;

use super::journal::{Journal, JournalError, Outcome};
use super::step::{Entry, Interrupted, Step};
use crate::preview::{Preview, check_dry_run, first_write};
use crate::selection::Selection;
use crate::view::Api;

/// Suspend or resume.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScheduleAction {
    /// Stop the schedules firing, keeping what they were on the tenant.
    Suspend,
    /// Restore what was suspended.
    Resume,
}

impl ScheduleAction {
    /// `suspend` or `resume`: the journal's operation.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Suspend => "suspend",
            Self::Resume => "resume",
        }
    }
}

/// A workflow whose schedules a plan changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ScheduleTarget {
    /// Its API.
    pub api: Api,
    /// The workflow (name or slug).
    pub workflow: String,
    /// Its package or app.
    pub package: Option<String>,
    /// The schedules that would stop (suspend) or come back (resume).
    pub schedules: Vec<WorkflowSchedule>,
}

impl ScheduleTarget {
    /// `workflow` of `api`, its package and schedules not known.
    pub fn new(api: Api, workflow: &str) -> Self {
        Self {
            api,
            workflow: workflow.to_owned(),
            package: None,
            schedules: Vec::new(),
        }
    }
}

/// What a bulk suspend or resume would do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SchedulePlan {
    /// The workflows to change, by API and name.
    pub targets: Vec<ScheduleTarget>,
    /// Workflows of the selection left out, with why (such as a record that cannot be read).
    pub skipped: Vec<(ScheduleTarget, String)>,
}

/// What was done for one workflow. `-o json` prints one per line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ScheduleReport {
    /// The workflow.
    pub workflow: String,
    /// Its API.
    pub api: Api,
    /// `suspended`, `resumed`, `skipped` (nothing left to do) or `failed`.
    pub action: Outcome,
    /// Why, in a sentence.
    pub reason: Option<String>,
    /// The schedules suspended or restored.
    pub schedules: Vec<WorkflowSchedule>,
}

/// The legacy package of a workflow name: its prefix before the ten-digit suffix.
fn legacy_package(name: &str) -> Option<String> {
    WorkflowPackage::of_workflow_id(name).map(|package| package.prefix().to_owned())
}

/// The plan of `action` over `selection`: for a suspend, each workflow with a schedule (legacy:
/// the tenant's cron workflows; apps: each workflow's triggers); for a resume, each workflow with
/// a suspended record on the tenant.
///
/// # Errors
/// The first failed read.
pub async fn select(
    client: &AtlanClient,
    selection: &Selection,
    action: ScheduleAction,
) -> atlan_workflows::Result<SchedulePlan> {
    let mut plan = SchedulePlan::default();
    match action {
        ScheduleAction::Suspend => {
            let (facts, _) =
                crate::workflow_facts::schedules(client, selection.api, Timestamp::now()).await?;
            for fact in facts {
                let package = match fact.api {
                    Api::Legacy => legacy_package(&fact.workflow),
                    _ => fact.package.clone(),
                };
                let schedules: Vec<WorkflowSchedule> = fact
                    .schedules
                    .iter()
                    .filter(|schedule| !schedule.suspended)
                    .filter_map(|s| WorkflowSchedule::new(s.cron.clone(), s.timezone.clone()).ok())
                    .collect();
                if schedules.is_empty()
                    || !selection.keeps(fact.api, &fact.workflow, package.as_deref())
                {
                    continue;
                }
                plan.targets.push(ScheduleTarget {
                    api: fact.api,
                    workflow: fact.workflow,
                    package,
                    schedules,
                });
            }
        }
        ScheduleAction::Resume => {
            if selection.api.includes(Api::Legacy) {
                for (name, record) in client.schedules().suspended().await? {
                    let package = legacy_package(&name);
                    if selection.keeps(Api::Legacy, &name, package.as_deref()) {
                        plan.add_suspended(Api::Legacy, name, package, record);
                    }
                }
            }
            if selection.api.includes(Api::Apps) {
                let mut workflows = crate::fetch::every_app_workflow(client).stream();
                while let Some(workflow) = workflows.try_next().await? {
                    let (Some(slug), Some(record)) = (
                        workflow.slug.clone(),
                        workflow
                            .stored_inputs()
                            .and_then(|inputs| inputs.get(SUSPENDED_SCHEDULES_INPUT).cloned()),
                    ) else {
                        continue;
                    };
                    let package = workflow.app().map(str::to_owned);
                    if selection.keeps(Api::Apps, &slug, package.as_deref()) {
                        let record = SuspendedSchedules::parse(&record);
                        plan.add_suspended(Api::Apps, slug, package, record);
                    }
                }
            }
        }
    }
    plan.targets
        .sort_by(|a, b| (a.api, &a.workflow).cmp(&(b.api, &b.workflow)));
    Ok(plan)
}

impl SchedulePlan {
    /// How many workflows it changes.
    pub fn len(&self) -> usize {
        self.targets.len()
    }

    /// Whether it changes nothing.
    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }

    fn add_suspended(
        &mut self,
        api: Api,
        workflow: String,
        package: Option<String>,
        record: Result<SuspendedSchedules, atlan_workflows::model::InvalidSuspension>,
    ) {
        let mut target = ScheduleTarget {
            api,
            workflow,
            package,
            schedules: Vec::new(),
        };
        match record {
            Ok(record) => {
                target.schedules = record.schedules;
                self.targets.push(target);
            }
            Err(error) => self.skipped.push((target, error.to_string())),
        }
    }
}

/// Carries out `plan` (`action` of each target) with `journal`, `concurrency` at once, the time
/// read from `now`; `on_report` sees each outcome as it is known. Targets the journal has done are
/// reported as it recorded them, without a request; targets it decided without an outcome are
/// done again (the change is idempotent).
///
/// # Errors
/// [`JournalError`] when the journal cannot be written: the batch stops there (nothing is changed
/// that was not decided first).
pub async fn execute_schedules(
    client: &AtlanClient,
    plan: &SchedulePlan,
    action: ScheduleAction,
    journal: &Mutex<Journal>,
    concurrency: usize,
    now: impl Fn() -> Timestamp,
    mut on_report: impl FnMut(&ScheduleReport),
) -> Result<Vec<ScheduleReport>, JournalError> {
    let mut reports = Vec::with_capacity(plan.len());
    let mut done = futures_util::stream::iter(&plan.targets)
        .map(|target| one(client, target, action, journal, &now))
        .buffer_unordered(concurrency.max(1));
    while let Some(report) = done.next().await {
        let report = report?;
        on_report(&report);
        reports.push(report);
    }
    Ok(reports)
}

/// What `plan` would send, without a journal, on a `client` in a dry-run mode: each change reads
/// what it needs, then stops at its first request that would change something (a change that
/// has nothing to do sends none). In plan order.
///
/// # Errors
/// [`Error::InvalidInput`] for a client that would send writes; the first failed read.
pub async fn preview_schedules(
    client: &AtlanClient,
    plan: &SchedulePlan,
    action: ScheduleAction,
) -> atlan_workflows::Result<Vec<Preview>> {
    check_dry_run(client)?;
    let mut previews = Vec::with_capacity(plan.len());
    for target in &plan.targets {
        let request = first_write(change(client, target, action)).await?;
        let note = request
            .is_none()
            .then(|| format!("nothing to {}", action.as_str()));
        previews.push(Preview::new(target.api, &target.workflow, request, note));
    }
    Ok(previews)
}

/// One target: what the journal says, or the decision, the change and its outcome.
async fn one(
    client: &AtlanClient,
    target: &ScheduleTarget,
    action: ScheduleAction,
    journal: &Mutex<Journal>,
    now: &impl Fn() -> Timestamp,
) -> Result<ScheduleReport, JournalError> {
    let report = |step: Step, schedules: Vec<WorkflowSchedule>| ScheduleReport {
        workflow: target.workflow.clone(),
        api: target.api,
        action: step.outcome,
        reason: step.reason,
        schedules,
    };
    let entry = Entry::new(journal, target.api, &target.workflow, now);
    if let Some(step) = entry.resumed(Interrupted::Redo, |_| false)? {
        return Ok(report(step, target.schedules.clone()));
    }
    entry.decide()?;
    let (step, schedules) = match change(client, target, action).await {
        Ok(change) if !change.changed => (
            Step::new(Outcome::Skipped, None, Some("already suspended".to_owned())),
            change.record.schedules,
        ),
        Ok(change) => {
            let outcome = match action {
                ScheduleAction::Suspend => Outcome::Suspended,
                ScheduleAction::Resume => Outcome::Resumed,
            };
            (Step::new(outcome, None, None), change.record.schedules)
        }
        Err(error) => (
            Step::new(Outcome::Failed, None, Some(error.to_string())),
            target.schedules.clone(),
        ),
    };
    Ok(report(entry.finish(step)?, schedules))
}

/// The facade's change of one workflow (it keeps what the schedules were, so a resume restores
/// them exactly).
///
/// # Errors
/// The facade's.
pub async fn change(
    client: &AtlanClient,
    target: &ScheduleTarget,
    action: ScheduleAction,
) -> Result<ScheduleSuspension, Error> {
    match (target.api, action) {
        (Api::Legacy, ScheduleAction::Suspend) => {
            client.schedules().suspend(&target.workflow).await
        }
        (Api::Legacy, ScheduleAction::Resume) => client.schedules().resume(&target.workflow).await,
        (_, ScheduleAction::Suspend) => client.apps().schedules().suspend(&target.workflow).await,
        (_, ScheduleAction::Resume) => client.apps().schedules().resume(&target.workflow).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::glob::Glob;
    use crate::selection::ApiChoice;

    #[test]
    fn a_legacy_name_gives_its_package() {
        assert_eq!(
            legacy_package("atlan-snowflake-1714638976").as_deref(),
            Some("atlan-snowflake")
        );
        assert_eq!(legacy_package("atlan-snowflake"), None);
        assert_eq!(legacy_package("nightly-12345"), None);
    }

    #[test]
    fn a_selection_keeps_its_api_package_and_pattern() {
        let selection = Selection::new(ApiChoice::Legacy)
            .package("atlan-snowflake")
            .workflow(Glob::new("atlan-*").unwrap());
        assert!(selection.keeps(Api::Legacy, "atlan-snowflake-1", Some("atlan-snowflake")));
        assert!(!selection.keeps(Api::Apps, "atlan-snowflake-1", Some("atlan-snowflake")));
        assert!(!selection.keeps(Api::Legacy, "atlan-snowflake-1", Some("atlan-dbt")));
        assert!(!selection.keeps(Api::Legacy, "x-1", Some("atlan-snowflake")));
    }
}
