//! Suspending and resuming schedules over a sandbox, both APIs, every request recorded: a
//! suspended schedule stops firing and what it was is kept on the workflow itself, so a resume by
//! another client restores it exactly; an interrupted suspend or resume finishes when done again;
//! what would lose a schedule is refused with nothing changed; a bulk batch is journalled and
//! resumes without redoing what it recorded.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::sync::Mutex;
use std::time::Duration;

use atlan_ops::bulk::{
    self, Header, Journal, Outcome, ScheduleAction, SchedulePlan, ScheduleReport, ScheduleTarget,
};
use atlan_ops::{ApiChoice, Glob, Selection};
use atlan_sandbox::{Clock, FaultRule, ManualClock, SandboxHandle};
use atlan_testkit::Recorder;
use atlan_workflows::model::{
    SUSPENDED_SCHEDULE_ANNOTATION, SUSPENDED_SCHEDULES_INPUT, WorkflowSchedule,
};
use atlan_workflows::{AtlanClient, Error, ScheduleRefusal};
use futures_util::TryStreamExt;

mod common;

use common::{client, tenant};

/// A second client of the same tenant: "another machine" with nothing in memory.
fn other_machine(sandbox: &SandboxHandle) -> AtlanClient {
    client(sandbox, &Recorder::default())
}

/// Every legacy schedule: workflow → (cron, time zone).
async fn legacy_schedules(client: &AtlanClient) -> Vec<(String, String, String)> {
    let mut all: Vec<_> = client
        .schedules()
        .list()
        .await
        .unwrap()
        .iter()
        .filter_map(|schedule| {
            let spec = schedule.spec.as_ref()?;
            let name = schedule.metadata.as_ref()?.name()?;
            Some((
                name.strip_suffix("-cron").unwrap_or(name).to_owned(),
                spec.schedule.clone()?,
                spec.timezone.clone().unwrap_or_default(),
            ))
        })
        .collect();
    all.sort();
    all
}

/// An app workflow's triggers as (cron, time zone), sorted.
async fn triggers(client: &AtlanClient, slug: &str) -> Vec<(String, String)> {
    let summary = client.apps().workflows().get(slug).await.unwrap();
    let mut all: Vec<_> = summary
        .schedules
        .iter()
        .flatten()
        .map(|entry| {
            (
                entry.cron.clone().unwrap_or_default(),
                entry.timezone.clone().unwrap_or_default(),
            )
        })
        .collect();
    all.sort();
    all
}

async fn runs_of(client: &AtlanClient, workflow: &str) -> usize {
    client
        .runs()
        .list(workflow)
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap()
        .len()
}

fn updates(recorder: &Recorder) -> usize {
    recorder
        .requests()
        .iter()
        .filter(|request| {
            !request.starts_with("GET")
                && !request.contains("indexsearch")
                && !request.contains("/runs/cron")
        })
        .count()
}

#[tokio::test]
async fn a_legacy_schedule_suspended_stops_firing_and_another_machine_restores_it_exactly() {
    let (clock, sandbox, recorder, client) = tenant().await;
    let before = legacy_schedules(&client).await;
    let (workflow, cron, timezone) = before
        .iter()
        .find(|(_, cron, _)| cron == "0 * * * *")
        .cloned()
        .expect("the default tenant has an hourly legacy workflow");

    let suspended = client.schedules().suspend(&workflow).await.unwrap();
    assert!(suspended.changed);
    assert_eq!(
        suspended.record.schedules,
        [WorkflowSchedule::new(cron.clone(), timezone.clone()).unwrap()]
    );
    assert!(
        client
            .schedules()
            .get_opt(&workflow)
            .await
            .unwrap()
            .is_none()
    );
    let stored = client.workflows().get(&workflow).await.unwrap();
    assert!(
        stored
            .source
            .metadata
            .annotation(SUSPENDED_SCHEDULE_ANNOTATION)
            .is_some_and(|record| record.contains(&cron)),
        "the record is on the workflow itself"
    );

    // A day passes: the hourly schedule does not fire.
    let runs = runs_of(&client, &workflow).await;
    clock.advance(Duration::from_secs(24 * 3600));
    assert_eq!(
        runs_of(&client, &workflow).await,
        runs,
        "no run while suspended"
    );

    // Suspending again changes nothing and sends no update.
    recorder.clear();
    let again = client.schedules().suspend(&workflow).await.unwrap();
    assert!(!again.changed);
    assert_eq!(updates(&recorder), 0, "{:?}", recorder.requests());

    // Another machine finds it and resumes it.
    let other = other_machine(&sandbox);
    let found = other.schedules().suspended().await.unwrap();
    assert!(
        found
            .iter()
            .any(|(name, record)| name == &workflow && record.is_ok()),
        "{found:?}"
    );
    let resumed = other.schedules().resume(&workflow).await.unwrap();
    assert_eq!(resumed.record.schedules, suspended.record.schedules);
    assert_eq!(legacy_schedules(&client).await, before, "restored exactly");
    let stored = client.workflows().get(&workflow).await.unwrap();
    assert!(
        stored
            .source
            .metadata
            .annotation(SUSPENDED_SCHEDULE_ANNOTATION)
            .is_none()
    );
    clock.advance(Duration::from_secs(3 * 3600));
    assert!(runs_of(&client, &workflow).await > runs, "it fires again");

    // A resume of what is not suspended: refused, nothing changed.
    recorder.clear();
    let refused = client.schedules().resume(&workflow).await.unwrap_err();
    assert!(
        matches!(
            &refused,
            Error::ScheduleUnchanged {
                refusal: ScheduleRefusal::NotSuspended,
                ..
            }
        ),
        "{refused}"
    );
    assert!(
        refused.to_string().contains("nothing was changed"),
        "{refused}"
    );
    assert_eq!(updates(&recorder), 0);
    assert_eq!(legacy_schedules(&client).await, before);
}

#[tokio::test]
async fn a_legacy_schedule_added_while_suspended_is_not_overwritten() {
    let (_clock, _sandbox, recorder, client) = tenant().await;
    let (workflow, _, _) = legacy_schedules(&client).await[0].clone();
    client.schedules().suspend(&workflow).await.unwrap();
    let new = WorkflowSchedule::new("15 4 * * *", "Asia/Tokyo").unwrap();
    client.schedules().add(&workflow, &new).await.unwrap();
    recorder.clear();
    for refused in [
        client.schedules().resume(&workflow).await.unwrap_err(),
        client.schedules().suspend(&workflow).await.unwrap_err(),
    ] {
        assert!(
            matches!(
                &refused,
                Error::ScheduleUnchanged {
                    refusal: ScheduleRefusal::Conflict { .. },
                    ..
                }
            ),
            "{refused}"
        );
        assert!(refused.to_string().contains("15 4 * * *"), "{refused}");
    }
    assert_eq!(updates(&recorder), 0);
    let live = client.schedules().get(&workflow).await.unwrap();
    assert_eq!(live.spec.unwrap().schedule.as_deref(), Some("15 4 * * *"));
}

#[tokio::test]
async fn every_trigger_of_an_app_workflow_is_suspended_and_restored_even_after_an_interruption() {
    let (_clock, sandbox, recorder, client) = tenant().await;
    let slug = client
        .apps()
        .workflows()
        .list()
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap()
        .into_iter()
        .find(|workflow| workflow.schedules.as_ref().is_some_and(|s| !s.is_empty()))
        .and_then(|workflow| workflow.slug)
        .expect("the default tenant has a scheduled app workflow");
    client
        .apps()
        .schedules()
        .add(slug.clone(), "30 6 * * 1-5")
        .timezone("Europe/Paris")
        .await
        .unwrap();
    let before = triggers(&client, &slug).await;
    assert!(before.len() >= 2, "{before:?}");
    let inputs_before = client
        .apps()
        .workflows()
        .get(&slug)
        .await
        .unwrap()
        .stored_inputs();

    // A trigger's removal is refused: the suspend stops half way.
    sandbox
        .faults()
        .add(FaultRule::status("DELETE /api/service/v1/app/*/schedule/*", 400).times(1))
        .unwrap();
    let first = client.apps().schedules().suspend(&slug).await;
    assert!(first.is_err(), "{first:?}");
    let left = triggers(&client, &slug).await;
    assert!(!left.is_empty(), "interrupted with triggers left");
    let summary = client.apps().workflows().get(&slug).await.unwrap();
    assert!(
        summary
            .stored_inputs()
            .unwrap()
            .get(SUSPENDED_SCHEDULES_INPUT)
            .is_some(),
        "the record is written before any trigger is removed"
    );

    // Done again, the suspend finishes; the record still has every trigger.
    let done = client.apps().schedules().suspend(&slug).await.unwrap();
    assert!(done.changed);
    let mut recorded: Vec<_> = done
        .record
        .schedules
        .iter()
        .map(|s| (s.cron.clone(), s.timezone.clone()))
        .collect();
    recorded.sort();
    assert_eq!(recorded, before);
    assert!(triggers(&client, &slug).await.is_empty());
    recorder.clear();
    assert!(
        !client
            .apps()
            .schedules()
            .suspend(&slug)
            .await
            .unwrap()
            .changed
    );
    assert_eq!(updates(&recorder), 0);

    // Another machine resumes: every trigger comes back, and the inputs are as they were.
    let other = other_machine(&sandbox);
    let resumed = other.apps().schedules().resume(&slug).await.unwrap();
    assert_eq!(resumed.record.schedules.len(), before.len());
    assert_eq!(triggers(&client, &slug).await, before);
    assert_eq!(
        client
            .apps()
            .workflows()
            .get(&slug)
            .await
            .unwrap()
            .stored_inputs(),
        inputs_before
    );
    let refused = other.apps().schedules().resume(&slug).await.unwrap_err();
    assert!(
        matches!(
            &refused,
            Error::ScheduleUnchanged {
                refusal: ScheduleRefusal::NotSuspended,
                ..
            }
        ),
        "{refused}"
    );
}

/// Executes `plan` with `journal`, four at once, on the sandbox's clock.
async fn batch(
    client: &AtlanClient,
    plan: &SchedulePlan,
    action: ScheduleAction,
    journal: &Mutex<Journal>,
    clock: &ManualClock,
) -> Vec<ScheduleReport> {
    bulk::execute_schedules(client, plan, action, journal, 4, || clock.now(), |_| {})
        .await
        .unwrap()
}

fn journal_at(name: &str, operation: &str) -> (std::path::PathBuf, Header) {
    let dir = std::env::temp_dir().join(format!("atlan-schedules-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let header = Header::new(
        operation,
        "sandbox",
        "--all",
        "2026-06-15T12:00:00Z".parse().unwrap(),
    );
    (dir.join("schedules.jsonl"), header)
}

#[tokio::test]
async fn a_bulk_suspend_and_resume_of_both_apis_restores_every_schedule_and_a_batch_resumes() {
    let (clock, _sandbox, recorder, client) = tenant().await;
    let legacy_before = legacy_schedules(&client).await;
    let selection = Selection::new(ApiChoice::All);
    let plan = bulk::select(&client, &selection, ScheduleAction::Suspend)
        .await
        .unwrap();
    assert!(plan.targets.iter().any(|t| t.api == atlan_ops::Api::Legacy));
    assert!(plan.targets.iter().any(|t| t.api == atlan_ops::Api::Apps));
    let apps: Vec<ScheduleTarget> = plan
        .targets
        .iter()
        .filter(|t| t.api == atlan_ops::Api::Apps)
        .cloned()
        .collect();
    let mut apps_before = Vec::new();
    for target in &apps {
        apps_before.push(triggers(&client, &target.workflow).await);
    }

    // A batch killed after its first decision, before its request: resumed, it does that one
    // and every other, once.
    let (path, header) = journal_at("bulk", "suspend");
    {
        let mut journal = Journal::create(&path, header.clone()).unwrap();
        let first = &plan.targets[0];
        journal
            .decide(first.api, &first.workflow, clock.now())
            .unwrap();
    }
    let journal = Mutex::new(Journal::resume(&path, &header).unwrap());
    let reports = batch(&client, &plan, ScheduleAction::Suspend, &journal, &clock).await;
    assert_eq!(reports.len(), plan.len());
    assert!(
        reports.iter().all(|r| r.action == Outcome::Suspended),
        "{reports:?}"
    );
    assert!(legacy_schedules(&client).await.is_empty());
    for target in &apps {
        assert!(triggers(&client, &target.workflow).await.is_empty());
    }
    // The same batch again: every target is done, nothing is sent.
    recorder.clear();
    let again = batch(&client, &plan, ScheduleAction::Suspend, &journal, &clock).await;
    assert_eq!(again.len(), plan.len());
    assert_eq!(recorder.requests().len(), 0, "{:?}", recorder.requests());

    // The resume plan finds every one of them from the tenant alone.
    let resume = bulk::select(&client, &selection, ScheduleAction::Resume)
        .await
        .unwrap();
    assert_eq!(resume.len(), plan.len(), "{resume:?}");
    let only = Selection::new(ApiChoice::Apps).workflow(Glob::new("zzz-*").unwrap());
    assert!(
        bulk::select(&client, &only, ScheduleAction::Resume)
            .await
            .unwrap()
            .is_empty()
    );
    let (path, header) = journal_at("bulk-resume", "resume");
    let journal = Mutex::new(Journal::create(&path, header).unwrap());
    let reports = batch(&client, &resume, ScheduleAction::Resume, &journal, &clock).await;
    assert!(
        reports.iter().all(|r| r.action == Outcome::Resumed),
        "{reports:?}"
    );
    assert_eq!(legacy_schedules(&client).await, legacy_before);
    for (target, before) in apps.iter().zip(&apps_before) {
        assert_eq!(&triggers(&client, &target.workflow).await, before);
    }
}
