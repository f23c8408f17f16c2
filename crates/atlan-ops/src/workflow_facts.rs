//! What is known of a workflow of either API: its schedules (since when each has been due),
//! its runs as far as schedules need them, who it runs as and what it uses; and [`schedules`],
//! which reads every schedule of a tenant. Doctor's checks, `watch` and the bulk schedule
//! commands all start from these.

use std::collections::HashMap;

use atlan_workflows::Paginated;
use atlan_workflows::model::{AppSummary, WorkflowScheduleResponse};
use atlan_workflows::{AppWorkflowTimes, AtlanClient, Result};
use jiff::Timestamp;

use crate::fetch::not_served;
use crate::selection::ApiChoice;
use crate::uses;
use crate::view::{Api, RunState};

/// The annotation with a scheduled legacy workflow's name.
const ATLAN_NAME: &str = "orchestration.atlan.com/atlanName";

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
    pub status: RunState,
}

impl RunSpan {
    /// A run that started at `started`, in `status`, ended at `finished` if it did.
    pub fn new(
        run: impl Into<String>,
        started: Timestamp,
        finished: Option<Timestamp>,
        status: RunState,
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
    /// Its runs in the window (kept for scheduled workflows, and for all when something is
    /// expected of them; at most [`MAX_RUNS`]).
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
        if !self.schedules.is_empty() {
            self.keep(run);
        }
    }

    /// Keeps `run` among its runs (at most [`MAX_RUNS`]), scheduled or not: for the checks of
    /// what is expected of it.
    pub fn keep(&mut self, run: RunSpan) {
        if self.runs.len() < MAX_RUNS {
            self.runs.push(run);
        }
    }

    /// Takes what `seen` (the same workflow's runs, read apart from its schedules, every one
    /// kept) holds: its last ended run, and its runs when it is scheduled or `keep_all`, as
    /// [`WorkflowFacts::saw`] and [`WorkflowFacts::keep`] would have taken them one by one.
    pub fn take_runs(&mut self, seen: WorkflowFacts, keep_all: bool) {
        if let Some(run) = seen.last_ended
            && self
                .last_ended
                .as_ref()
                .is_none_or(|last| last.started <= run.started)
        {
            self.last_ended = Some(run);
        }
        if keep_all || !self.schedules.is_empty() {
            for run in seen.runs {
                self.keep(run);
            }
        }
    }
}

/// Every schedule of the chosen APIs: each legacy workflow with a schedule (its CronWorkflows) and
/// each app workflow (with its triggers, its owner and its credential), and the APIs left out
/// because the tenant does not serve them (with [`ApiChoice::All`]).
///
/// # Errors
/// The first failure of a read, other than an API the tenant does not serve.
pub async fn schedules(
    client: &AtlanClient,
    api: ApiChoice,
    now: Timestamp,
) -> Result<(Vec<WorkflowFacts>, Vec<Api>)> {
    let mut skipped = Vec::new();
    let (schedules, app_workflows) = futures_util::future::join(
        async {
            if api.includes(Api::Legacy) {
                client.schedules().list().await
            } else {
                Ok(Vec::new())
            }
        },
        async {
            if !api.includes(Api::Apps) {
                return Ok((Vec::new(), Vec::new()));
            }
            futures_util::future::try_join(
                crate::fetch::every_app_workflow(client).all(),
                client.apps().workflows().times(),
            )
            .await
        },
    )
    .await;
    let mut facts: HashMap<(Api, String), WorkflowFacts> = HashMap::new();
    match schedules {
        Ok(schedules) => {
            for schedule in &schedules {
                if let Some((name, schedule)) = legacy_schedule(schedule) {
                    facts
                        .entry((Api::Legacy, name.clone()))
                        .or_insert_with(|| WorkflowFacts::new(Api::Legacy, name))
                        .schedules
                        .push(schedule);
                }
            }
        }
        Err(error) if api == ApiChoice::All && not_served(&error) => skipped.push(Api::Legacy),
        Err(error) => return Err(error),
    }
    match app_workflows {
        Ok((workflows, times)) => {
            let times: HashMap<String, AppWorkflowTimes> = times
                .into_iter()
                .map(|times| (times.slug.clone(), times))
                .collect();
            for workflow in workflows {
                if let Some(known) = app_facts(&workflow, &times, now) {
                    facts.insert((Api::Apps, known.workflow.clone()), known);
                }
            }
        }
        Err(error) if api == ApiChoice::All && not_served(&error) => skipped.push(Api::Apps),
        Err(error) => return Err(error),
    }
    let mut found: Vec<WorkflowFacts> = facts.into_values().collect();
    found.sort_by(|a, b| (a.api, &a.workflow).cmp(&(b.api, &b.workflow)));
    Ok((found, skipped))
}

/// What is known of an app workflow from its summary and its asset's times. Its schedules date
/// from its last change (the App API does not say when a trigger was added; adding one changes
/// the workflow); one whose asset the search does not show yet is taken as made just now.
fn app_facts(
    workflow: &AppSummary,
    times: &HashMap<String, AppWorkflowTimes>,
    now: Timestamp,
) -> Option<WorkflowFacts> {
    let slug = workflow.slug.clone()?;
    let mut known = WorkflowFacts::new(Api::Apps, slug.clone());
    known.name = workflow.name.clone();
    known.package = workflow.app().map(str::to_owned);
    known.owner = workflow.owner.clone();
    let inputs = workflow.stored_inputs();
    known.credential = inputs.as_ref().and_then(uses::app_credential);
    known.connection = inputs.as_ref().and_then(uses::app_connection);
    let (created, changed) = match times.get(&slug) {
        Some(times) => (times.created, times.updated.or(times.created)),
        None => (Some(now), Some(now)),
    };
    known.created = created;
    known.schedules = workflow
        .schedules
        .iter()
        .flatten()
        .filter_map(|entry| {
            let mut schedule = ScheduleFacts::new(
                entry.cron.clone()?,
                entry.timezone.clone().unwrap_or_default(),
            );
            schedule.since = changed;
            Some(schedule)
        })
        .collect();
    Some(known)
}

/// A legacy CronWorkflow's workflow and schedule.
pub(crate) fn legacy_schedule(
    response: &WorkflowScheduleResponse,
) -> Option<(String, ScheduleFacts)> {
    let metadata = response.metadata.as_ref()?;
    let name = metadata
        .annotation(ATLAN_NAME)
        .map(str::to_owned)
        .or_else(|| {
            metadata
                .name()
                .map(|name| name.strip_suffix("-cron").unwrap_or(name).to_owned())
        })?;
    let spec = response.spec.as_ref()?;
    let mut schedule = ScheduleFacts::new(
        spec.schedule.clone()?,
        spec.timezone.clone().unwrap_or_default(),
    );
    schedule.suspended = spec.suspend == Some(true);
    schedule.since = metadata
        .creation_timestamp
        .as_deref()
        .and_then(|at| at.parse().ok());
    Some((name, schedule))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn fixture_schedule() -> serde_json::Value {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/responses/schedule/get.json"
        );
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    fn parse(document: serde_json::Value) -> Option<(String, ScheduleFacts)> {
        legacy_schedule(&serde_json::from_value(document).unwrap())
    }

    #[test]
    fn a_cron_workflow_is_the_schedule_of_its_workflow_since_it_was_created() {
        let (workflow, schedule) = parse(fixture_schedule()).unwrap();
        assert_eq!(workflow, "atlan-snowflake-miner-1714638976");
        assert_eq!(schedule.cron, "45 5 * * *");
        assert_eq!(schedule.timezone, "Europe/Paris");
        assert!(!schedule.suspended);
        assert_eq!(
            schedule.since,
            Some("2024-05-02T08:40:00Z".parse().unwrap())
        );
    }

    #[test]
    fn the_atlan_name_annotation_names_the_workflow_and_a_suspended_one_says_so() {
        let mut document = fixture_schedule();
        document["metadata"]["annotations"][ATLAN_NAME] = "nightly-crawl".into();
        document["spec"]["suspend"] = true.into();
        document["metadata"]["creationTimestamp"] = "not a time".into();
        let (workflow, schedule) = parse(document).unwrap();
        assert_eq!(workflow, "nightly-crawl");
        assert!(schedule.suspended);
        assert_eq!(schedule.since, None, "an unreadable time is unknown");
    }

    #[test]
    fn a_cron_workflow_without_a_schedule_is_no_schedule() {
        let mut document = fixture_schedule();
        document["spec"].as_object_mut().unwrap().remove("schedule");
        assert_eq!(parse(document), None);
    }

    #[test]
    fn a_workflow_keeps_its_latest_ended_run_and_the_runs_only_of_a_schedule() {
        let at = |at: &str| at.parse::<Timestamp>().unwrap();
        let span = |run: &str, started: &str, status| {
            RunSpan::new(run, at(started), Some(at(started)), status)
        };
        let mut manual = WorkflowFacts::new(Api::Legacy, "manual");
        manual.saw(span("b", "2026-12-02T00:00:00Z", RunState::Failed));
        manual.saw(span("a", "2026-12-01T00:00:00Z", RunState::Succeeded));
        manual.saw(RunSpan::new(
            "c",
            at("2026-12-03T00:00:00Z"),
            None,
            RunState::Running,
        ));
        assert_eq!(manual.last_ended.as_ref().unwrap().run, "b");
        assert!(
            manual.runs.is_empty(),
            "an unscheduled workflow keeps no runs"
        );

        let mut scheduled = WorkflowFacts::new(Api::Apps, "nightly");
        scheduled
            .schedules
            .push(ScheduleFacts::new("0 2 * * *", "UTC"));
        scheduled.saw(span("a", "2026-12-01T00:00:00Z", RunState::Succeeded));
        assert_eq!(scheduled.runs.len(), 1);
        assert!(scheduled.is_scheduled());
        scheduled.schedules[0].suspended = true;
        assert!(!scheduled.is_scheduled(), "a suspended schedule is not one");
    }
}
