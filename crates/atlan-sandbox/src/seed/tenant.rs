//! `tenant.json`: workflows (each scheduled one with its history), runs and credentials. A run of
//! a workflow without a schedule is placed `ageSeconds` before the load; a run of a scheduled
//! workflow is placed relative to one of its due times (`due`, `afterDueSeconds`), and the
//! schedule's own runs are made at its due times (`history.rs`).

use std::collections::{HashMap, HashSet};

use serde::Deserialize;
use serde_json::Value;

use super::history::{self, History};
use super::{SeedError, credential_event, seed_template, unique_name};
use crate::failure::{Failure, FailureCause};
use crate::ids;
use crate::store::{Event, Outcome, RunRecord};

/// A day, in milliseconds.
const DAY_MS: i64 = 86_400_000;
/// How far back the due times of a scheduled workflow are read, to place its runs by hand (some
/// from before its schedule was added, when people ran it by hand only).
const PLACING_DAYS: i64 = 60;

/// `tenant.json`: workflows, runs and credentials.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Tenant {
    #[serde(default)]
    workflows: Vec<SeedWorkflow>,
    #[serde(default)]
    runs: Vec<SeedRun>,
    #[serde(default)]
    credentials: Vec<SeedCredential>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SeedWorkflow {
    age_seconds: i64,
    #[serde(default)]
    creator: Option<String>,
    /// A scheduled workflow's past: a run at each due time since its schedule was added.
    #[serde(default)]
    history: Option<History>,
    workflow: Value,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SeedRun {
    workflow: String,
    #[serde(default)]
    name: Option<String>,
    /// Started this long before the load (a workflow without a schedule).
    #[serde(default)]
    age_seconds: Option<i64>,
    /// Started relative to this due time of its workflow's schedule (1 is the latest).
    #[serde(default)]
    due: Option<usize>,
    /// How long after that due time it started (negative: before).
    #[serde(default)]
    after_due_seconds: i64,
    #[serde(default = "default_pending")]
    pending_seconds: i64,
    running_seconds: i64,
    #[serde(default = "default_outcome")]
    outcome: Outcome,
    #[serde(default)]
    message: Option<String>,
    /// How it failed (by default a cause drawn from its name).
    #[serde(default)]
    failure: Option<Failure>,
    /// Who submitted it; absent for runs started by a schedule without a creator.
    #[serde(default)]
    creator: Option<String>,
    #[serde(default)]
    stopped_after_seconds: Option<i64>,
}

fn default_pending() -> i64 {
    5
}

fn default_outcome() -> Outcome {
    Outcome::Succeeded
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SeedCredential {
    age_seconds: i64,
    credential: Value,
}

/// A workflow of the tenant as its runs need it.
struct Known {
    name: String,
    template: Value,
    /// Its due times, newest first (none without a schedule).
    due: Vec<i64>,
    history: Option<History>,
    /// When its runs placed by hand ran: (start, end) in epoch milliseconds.
    busy: Vec<(i64, i64)>,
}

/// The events of `text` (a `tenant.json`) loaded at `now`.
pub(super) fn events(
    source_name: &str,
    text: &str,
    now: i64,
    rng: &mut fastrand::Rng,
) -> Result<Vec<Event>, SeedError> {
    let tenant: Tenant = serde_json::from_str(text)
        .map_err(|error| SeedError::new(source_name, error.to_string()))?;
    let error = |reason: String| SeedError::new(source_name, reason);
    let mut events = Vec::new();
    let mut known: Vec<Known> = Vec::new();
    for entry in tenant.workflows {
        let (event, workflow) = workflow_event(entry, now, rng).map_err(error)?;
        events.push(event);
        known.push(workflow);
    }
    let index: HashMap<String, usize> = known
        .iter()
        .enumerate()
        .map(|(at, workflow)| (workflow.name.clone(), at))
        .collect();
    let mut names = HashSet::new();
    for run in tenant.runs {
        let slot = index
            .get(&run.workflow)
            .and_then(|at| known.get_mut(*at))
            .ok_or_else(|| error(format!("run of unknown workflow {}", run.workflow)))?;
        let record = run_record(run, slot, now, &mut names, rng).map_err(error)?;
        let end = record
            .stopped_at
            .unwrap_or(record.created + record.pending_ms + record.running_ms);
        slot.busy.push((record.created, end));
        events.push(Event::PutRun {
            record: Box::new(record),
        });
    }
    for workflow in &known {
        let Some(history) = &workflow.history else {
            continue;
        };
        let since = now - history.days * DAY_MS;
        let due: Vec<i64> = workflow
            .due
            .iter()
            .copied()
            .filter(|at| *at > since)
            .collect();
        let busy = |due: i64| {
            workflow
                .busy
                .iter()
                .any(|(from, to)| *from < due && *to > due)
        };
        for run in history::scheduled_runs(&workflow.name, history, &due, busy) {
            let mut record = base_record(&workflow.name, &workflow.template, run.name, rng);
            record.created = run.due;
            record.scheduled = Some(run.due);
            record.pending_ms = run.pending_ms;
            record.running_ms = run.running_ms;
            record.outcome = run.outcome;
            record.message = run.failure.as_ref().and_then(|f| f.message.clone());
            record.failure = run.failure;
            events.push(Event::PutRun {
                record: Box::new(record),
            });
        }
    }
    for entry in tenant.credentials {
        events.push(
            credential_event(entry.credential, now - entry.age_seconds * 1000, rng)
                .map_err(error)?,
        );
    }
    Ok(events)
}

/// A workflow's event and what its runs need of it: its due times over [`PLACING_DAYS`] (its
/// schedule's own runs are made at those since the schedule was added, its history's days).
fn workflow_event(
    entry: SeedWorkflow,
    now: i64,
    rng: &mut fastrand::Rng,
) -> Result<(Event, Known), String> {
    let document = seed_template(
        entry.workflow,
        now - entry.age_seconds * 1000,
        entry.creator.as_deref().map(super::creator),
        rng,
    )?;
    let name = document
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let annotation = |key: &str| crate::store::annotation(&document, key);
    let since = entry
        .history
        .as_ref()
        .map(|history| now - history.days * DAY_MS);
    let due = match annotation(atlan_model::SCHEDULE_ANNOTATION) {
        Some(cron) => {
            let timezone = annotation(atlan_model::TIMEZONE_ANNOTATION).unwrap_or("UTC");
            history::due_times(cron, timezone, now - PLACING_DAYS * DAY_MS, now)
                .map_err(|reason| format!("workflow {name}: {reason}"))?
        }
        None if entry.history.is_some() => {
            return Err(format!("workflow {name} has a history but no schedule"));
        }
        None => Vec::new(),
    };
    let event = Event::PutWorkflow {
        name: name.clone(),
        document: document.clone(),
        schedule_since: since,
    };
    Ok((
        event,
        Known {
            name,
            template: document,
            due,
            history: entry.history,
            busy: Vec::new(),
        },
    ))
}

/// The record of a run of `tenant.json`.
fn run_record(
    run: SeedRun,
    workflow: &Known,
    now: i64,
    names: &mut HashSet<String>,
    rng: &mut fastrand::Rng,
) -> Result<RunRecord, String> {
    let created = match (run.due, run.age_seconds) {
        (Some(due), None) => history::placed(&workflow.due, due, run.after_due_seconds * 1000, now)
            .map_err(|reason| format!("run of {}: {reason}", run.workflow))?,
        (None, Some(age)) => now - age * 1000,
        _ => {
            return Err(format!(
                "a run of {} needs either ageSeconds or due",
                run.workflow
            ));
        }
    };
    let name = run
        .name
        .unwrap_or_else(|| unique_name(&run.workflow, names, rng));
    names.insert(name.clone());
    let failure = match run.outcome {
        Outcome::Succeeded => None,
        Outcome::Error => Some(run.failure.unwrap_or(Failure::of(FailureCause::PodDeleted))),
        Outcome::Failed => Some(
            run.failure
                .unwrap_or_else(|| history::drawn_failure(&name, 0)),
        ),
    };
    let mut record = base_record(&run.workflow, &workflow.template, name, rng);
    record.created = created;
    record.pending_ms = run.pending_seconds * 1000;
    record.running_ms = run.running_seconds * 1000;
    record.outcome = run.outcome;
    record.message = run
        .message
        .or_else(|| failure.as_ref().and_then(|f| f.message.clone()));
    record.stopped_at = run
        .stopped_after_seconds
        .map(|after| created + after * 1000);
    record.creator = run.creator.as_deref().map(super::creator);
    record.failure = failure;
    Ok(record)
}

/// A run of `workflow` named `name` that succeeds at once, to be filled in.
fn base_record(
    workflow: &str,
    template: &Value,
    name: String,
    rng: &mut fastrand::Rng,
) -> RunRecord {
    RunRecord {
        name,
        workflow: workflow.to_owned(),
        namespace: "default".into(),
        uid: ids::uuid_from(rng),
        created: 0,
        pending_ms: 0,
        running_ms: 0,
        outcome: Outcome::Succeeded,
        message: None,
        stopped_at: None,
        stop_requested: None,
        creator: None,
        package: crate::store::package_of(template),
        package_name: crate::store::annotation(template, atlan_model::PACKAGE_NAME_KEY)
            .map(str::to_owned),
        steps: crate::store::package_steps(&crate::store::package_of(template)),
        failure: None,
        lag_ms: 0,
        scheduled: None,
        light: false,
        template_spec: Some(template["spec"].clone()),
    }
}
