//! A synthetic fleet of both APIs, for benchmarks at fleet size: the synthetic legacy tenant
//! ([`super::synthetic`]) and, after it, shared credentials, app workflows across the catalog's
//! apps (crawlers, miners, BI: every lineage stage) and their runs over the last 30 days. Generated
//! from a fixed random seed, one event at a time: the same counts give the same fleet.
//!
//! What a fleet has that a tenant's operators meet: nine app workflows in ten scheduled (one of
//! those ten suspended, its schedule kept as the suspension record `schedules suspend` writes),
//! one credential per twenty workflows shared among them, failures of every cause `runs explain`
//! names, a workflow in twenty-five failing every run (a streak), a few long runs and a few
//! active ones.

use atlan_model::{SUSPENDED_SCHEDULES_INPUT, SuspendedSchedules, WorkflowSchedule};
use serde_json::json;

use crate::catalog::APPS;
use crate::failure::{Failure, FailureCause};
use crate::ids;
use crate::store::{AppRunRecord, AppWorkflowRecord, Event, ScheduleRecord, StoredInputs};

/// A day, in milliseconds.
const DAY: i64 = 86_400_000;
/// Workflows per shared credential.
const PER_CREDENTIAL: usize = 20;
/// Owners of the fleet's app workflows.
const OWNERS: [&str; 4] = ["jane.doe", "john.roe", "sam.lee", "ana.diaz"];

/// The app half of a fleet: `workflows` app workflows and `runs` runs of them, and the
/// credentials of `credentials` workflows (shared with the legacy half: its `index`th workflow
/// uses [`credential_guid`]`(index)` too).
pub(super) fn events(workflows: usize, runs: usize, credentials: usize, now: i64) -> AppFleet {
    AppFleet {
        rng: fastrand::Rng::with_seed(4242),
        credentials: 0,
        sharing: credentials.max(workflows),
        made: Vec::with_capacity(workflows),
        workflows,
        runs,
        run_number: 0,
        now,
    }
}

/// The app half's events, in order: the credentials, every app workflow, then every run.
pub(crate) struct AppFleet {
    rng: fastrand::Rng,
    /// Credentials made so far.
    credentials: usize,
    /// How many workflows (of either API) share the credentials.
    sharing: usize,
    /// The workflows made so far (their slug, name, app and whether every run fails).
    made: Vec<Made>,
    workflows: usize,
    /// Runs left to make.
    runs: usize,
    run_number: usize,
    now: i64,
}

/// What a run needs of its workflow.
struct Made {
    slug: String,
    name: String,
    app_id: String,
    version: i64,
    owner: String,
    trigger: Option<String>,
    failing: bool,
}

impl AppFleet {
    fn credentials_wanted(&self) -> usize {
        self.sharing.div_ceil(PER_CREDENTIAL)
    }
}

impl Iterator for AppFleet {
    type Item = Event;

    fn next(&mut self) -> Option<Event> {
        if self.credentials < self.credentials_wanted() {
            self.credentials += 1;
            return Some(credential(
                (self.credentials - 1) * PER_CREDENTIAL,
                self.now,
            ));
        }
        let index = self.made.len();
        if index < self.workflows {
            let (made, record) = workflow(index, self.now, &mut self.rng)?;
            self.made.push(made);
            return Some(Event::PutAppWorkflow {
                record: Box::new(record),
            });
        }
        if self.runs == 0 || self.made.is_empty() {
            return None;
        }
        self.runs -= 1;
        self.run_number += 1;
        let made = self.made.get(self.rng.usize(..self.made.len()))?;
        let record = run(made, self.run_number, self.now, &mut self.rng);
        Some(Event::PutAppRun {
            record: Box::new(record),
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.credentials_wanted().saturating_sub(self.credentials)
            + self.workflows.saturating_sub(self.made.len())
            + if self.workflows == 0 { 0 } else { self.runs };
        (left, Some(left))
    }
}

/// The GUID of the credential the `index`th workflow of either API uses (one per
/// [`PER_CREDENTIAL`] workflows).
pub(super) fn credential_guid(index: usize) -> String {
    format!("f1ee7c00-0000-4000-8000-{:012x}", index / PER_CREDENTIAL)
}

/// The credential of the `index`th workflow.
fn credential(index: usize, now: i64) -> Event {
    let body = json!({
        "name": format!("fleet-credential-{:03}", index / PER_CREDENTIAL),
        "authType": "basic",
        "username": "svc-atlan",
        "password": "fleet-secret",
        "connectorConfigName": "atlan-connectors-snowflake",
        "host": "fleet.example.com",
        "port": 443,
        "extra": {},
        "id": credential_guid(index),
    });
    let mut rng = fastrand::Rng::with_seed(index as u64);
    // The body is the sandbox's own, of a known shape: it always reads.
    super::credential_event(body, now - 90 * DAY, &mut rng).unwrap_or(Event::DeleteCredential {
        id: credential_guid(index),
    })
}

/// The `index`th app workflow: of the catalog's `index`th app (round the catalog), a shared
/// credential, created 10 to 200 days ago; nine in ten scheduled, one of those ten suspended.
fn workflow(index: usize, now: i64, rng: &mut fastrand::Rng) -> Option<(Made, AppWorkflowRecord)> {
    let app = APPS.get(index % APPS.len())?;
    let name = format!("fleet-{}-{index:04}", app.id);
    let slug = format!("{name}-{:08x}", ids::fnv32a(&name));
    let created = now - rng.i64(10..200) * DAY;
    let connector = app.id.split('-').next().unwrap_or("fleet");
    let mut inputs = json!({
        "connection": {"typeName": "Connection", "attributes": {
            "qualifiedName": format!("default/{connector}/{}", 1_700_000_000 + index),
            "connectorName": connector, "name": name}},
        "extraction_method": "direct",
        "credential_guid": credential_guid(index),
    });
    let owner = (*OWNERS.get(index % OWNERS.len())?).to_owned();
    let mut record = AppWorkflowRecord {
        slug: slug.clone(),
        guid: format!("f1ee7000-0000-4000-8000-{index:012x}"),
        name: name.clone(),
        app_id: app.id.to_owned(),
        entrypoint: app.entrypoint.unwrap_or_default().to_owned(),
        version: created / 1000,
        owner: owner.clone(),
        inputs: StoredInputs::from_map(serde_json::Map::new()),
        schedules: Vec::new(),
        created,
    };
    let cron = format!("{} {} * * *", index % 60, (index / 60) % 24);
    let mut trigger = None;
    match index % 10 {
        9 => {}
        4 => {
            // Suspended: the schedule kept as `schedules suspend` keeps it.
            let kept = WorkflowSchedule::new(cron, "UTC")
                .ok()
                .into_iter()
                .collect();
            let record = SuspendedSchedules::new(kept, "2026-01-01T00:00:00Z");
            crate::json::set(&mut inputs, SUSPENDED_SCHEDULES_INPUT, record.to_value());
        }
        _ => {
            let id = format!("t-f1ee{index:06x}");
            record.schedules.push(ScheduleRecord {
                trigger_id: id.clone(),
                cron,
                timezone: "UTC".to_owned(),
                added: Some(created),
            });
            trigger = Some(id);
        }
    }
    record.inputs = StoredInputs::from_map(inputs.as_object().cloned().unwrap_or_default());
    let made = Made {
        slug,
        name,
        app_id: app.id.to_owned(),
        version: record.version,
        owner,
        trigger,
        failing: index % 25 == 7,
    };
    Some((made, record))
}

/// A run of `made`: most ended over the last 30 days (80% succeeded; every failure cause), a few
/// running (some for hours) or pending; every run of a failing workflow fails.
fn run(made: &Made, number: usize, now: i64, rng: &mut fastrand::Rng) -> AppRunRecord {
    let roll = rng.f64();
    let (created, pending_ms, running_ms) = if roll < 0.002 {
        let age = rng.i64(60..6 * 3_600) * 1000;
        (now - age, 5_000, age + rng.i64(600..7_200) * 1000)
    } else if roll < 0.0025 {
        (now - rng.i64(1..30) * 1000, 300_000, 600_000)
    } else {
        let long = rng.f64() < 0.01;
        let running = if long {
            rng.i64(3..9) * 3_600
        } else {
            rng.i64(60..3_600)
        };
        (
            now - rng.i64(3_600..30 * 86_400) * 1000,
            rng.i64(2..20) * 1000,
            running * 1000,
        )
    };
    let fails = made.failing || rng.f64() >= 0.8;
    let scheduled = made.trigger.clone().filter(|_| rng.bool());
    AppRunRecord {
        run_id: format!("f1ee0000-{:04x}-7000-8000-{number:012x}", number % 0xffff),
        slug: made.slug.clone(),
        version: made.version,
        workflow_name: made.name.clone(),
        app_id: made.app_id.clone(),
        created,
        pending_ms,
        running_ms,
        fails,
        failure: fails.then(|| failure(number)),
        lag_ms: 0,
        started_by: if scheduled.is_some() {
            "scheduler".to_owned()
        } else {
            made.owner.clone()
        },
        scheduled,
        stopped_at: None,
        stopped_by: None,
        fixed: None,
    }
}

/// Every cause `runs explain` names, in turn: a step's error, memory, a deadline, a lost pod, and
/// a step's own message naming the credential, the network or a privilege.
fn failure(number: usize) -> Failure {
    let (cause, message) = match number % 7 {
        0 => (FailureCause::StepError, None),
        1 => (FailureCause::OutOfMemory, None),
        2 => (FailureCause::Deadline, None),
        3 => (FailureCause::PodDeleted, None),
        4 => (
            FailureCause::StepError,
            Some("Authentication failed: incorrect username or password"),
        ),
        5 => (
            FailureCause::StepError,
            Some("connection refused: fleet.example.com:443"),
        ),
        _ => (
            FailureCause::StepError,
            Some("permission denied: insufficient privileges on the schema"),
        ),
    };
    let mut failure = Failure::of(cause);
    failure.message = message.map(str::to_owned);
    failure.retries = u32::try_from(number % 3).unwrap_or(0);
    failure
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn a_fleet_has_every_cause_streaks_long_and_active_runs() {
        let now = 1_781_524_800_000; // 2026-06-15T12:00:00Z
        let mut causes = BTreeSet::new();
        let (mut long, mut active, mut scheduled) = (0, 0, 0);
        let mut failing: std::collections::HashMap<String, (usize, usize)> = Default::default();
        for event in events(100, 20_000, 0, now) {
            let Event::PutAppRun { record } = event else {
                continue;
            };
            if let Some(failure) = &record.failure {
                causes.insert((failure.cause.as_str(), failure.message.clone()));
            }
            if record.running_ms >= 3 * 3_600_000 {
                long += 1;
            }
            if record.created + record.pending_ms + record.running_ms > now {
                active += 1;
            }
            if record.scheduled.is_some() {
                scheduled += 1;
            }
            let counts = failing.entry(record.slug.clone()).or_default();
            counts.0 += 1;
            counts.1 += usize::from(record.fails);
        }
        assert_eq!(causes.len(), 7, "every cause: {causes:?}");
        assert!(
            long > 10 && active > 10 && scheduled > 5_000,
            "{long} {active} {scheduled}"
        );
        // Workflows 7, 32, 57 and 82 fail every run: a streak as long as their history.
        let streaks = failing
            .values()
            .filter(|(runs, failed)| runs == failed)
            .count();
        assert_eq!(streaks, 4, "{failing:?}");
    }
}
