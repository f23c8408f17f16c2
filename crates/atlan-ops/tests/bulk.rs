//! Re-running what failed over a sandbox, every request recorded: each selected workflow is
//! submitted once, a second pass right after submits nothing (the runs are active), a submit whose
//! answer is dropped after the server acted is `maybe_sent` and never sent again, and a resumed
//! journal does not repeat what it recorded.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::sync::Mutex;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use atlan_ops::bulk::{self, Header, Journal, Order, Outcome, Pace, Plan, WaveWait};
use atlan_ops::{ApiChoice, Selection, Window};
use atlan_sandbox::{Clock, FaultRule, ManualClock};
use atlan_testkit::Recorder;
use atlan_workflows::AtlanClient;

mod common;

use common::failing_tenant as tenant;

/// The legacy submit of a re-run.
const SUBMIT: &str = "POST /api/service/workflows/submit";

async fn plan(client: &AtlanClient, clock: &ManualClock) -> Plan {
    let window = Window::parse("now-7d", None, clock.now()).unwrap();
    let report = atlan_ops::stats_report(client, &Selection::new(ApiChoice::Legacy), &window)
        .await
        .unwrap();
    bulk::plan::failed(&report.rows, Order::Lineage)
}

/// Waves that wait for nothing but their answers.
fn answered(clock: &ManualClock) -> Pace<impl Fn(Duration) -> std::future::Ready<()> + '_> {
    paced(clock, WaveWait::Answered)
}

/// Waves that wait as `wait` says, each wait moving the sandbox's clock instead of sleeping.
fn paced(
    clock: &ManualClock,
    wait: WaveWait,
) -> Pace<impl Fn(Duration) -> std::future::Ready<()> + '_> {
    Pace::new(
        wait,
        Duration::from_secs(1),
        Duration::from_secs(120),
        move |by| {
            clock.advance(by);
            std::future::ready(())
        },
    )
}

/// Executes `plan` with waves that wait only for their answers; answers the reports.
async fn answer_all(
    client: &AtlanClient,
    plan: &Plan,
    journal: &Mutex<Journal>,
    concurrency: usize,
    clock: &ManualClock,
) -> Vec<bulk::Report> {
    bulk::execute(
        client,
        plan,
        journal,
        concurrency,
        &answered(clock),
        || clock.now(),
        |_| {},
    )
    .await
    .unwrap()
    .reports
}

fn submits(recorder: &Recorder) -> usize {
    recorder
        .requests()
        .iter()
        .filter(|request| request.starts_with(SUBMIT))
        .count()
}

fn journal(name: &str, clock: &ManualClock) -> (std::path::PathBuf, Header) {
    let dir = std::env::temp_dir().join(format!("atlan-bulk-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let header = Header::new("rerun", "sandbox", "--failed --api legacy", clock.now());
    (dir.join("rerun.jsonl"), header)
}

#[tokio::test]
async fn each_failed_workflow_is_submitted_once_and_a_second_pass_submits_nothing() {
    let (clock, _sandbox, recorder, client) = tenant().await;
    let plan = plan(&client, &clock).await;
    assert!(
        plan.len() >= 3,
        "the default tenant has failed workflows: {plan:?}"
    );
    let (path, header) = journal("once", &clock);
    let journal = Mutex::new(Journal::create(&path, header).unwrap());
    recorder.clear();
    let mut seen = Vec::new();
    let reports = bulk::execute(
        &client,
        &plan,
        &journal,
        4,
        &answered(&clock),
        || clock.now(),
        |report| {
            seen.push(report.workflow.clone());
        },
    )
    .await
    .unwrap()
    .reports;
    assert_eq!(seen.len(), plan.len());
    let rerun = reports
        .iter()
        .filter(|r| r.action == Outcome::Rerun)
        .count();
    assert_eq!(rerun, plan.len(), "{reports:?}");
    assert_eq!(submits(&recorder), plan.len(), "one submit per workflow");
    assert!(reports.iter().all(|r| r.run.is_some()));

    // Right after, the runs are Pending (not started, so the figures may not count them yet):
    // the re-check before each submit sees them, and nothing is submitted.
    let again = self::plan(&client, &clock).await;
    let (path, header) = self::journal("again", &clock);
    let journal = Mutex::new(Journal::create(&path, header).unwrap());
    recorder.clear();
    let reports = answer_all(&client, &again, &journal, 4, &clock).await;
    assert_eq!(submits(&recorder), 0, "the re-check sees the active runs");
    assert!(
        reports.iter().all(|r| r.action == Outcome::Skipped
            && r.reason
                .as_deref()
                .is_some_and(|why| why.contains("active"))),
        "{reports:?}"
    );

    // Once they run, the figures count them: the plan itself leaves them out.
    clock.advance(Duration::from_secs(5));
    let later = self::plan(&client, &clock).await;
    assert!(later.is_empty(), "{later:?}");
    assert!(later.skipped.len() >= plan.len(), "{:?}", later.skipped);
}

#[tokio::test]
async fn a_dropped_answer_is_maybe_sent_and_never_sent_again() {
    let (clock, sandbox, recorder, client) = tenant().await;
    let mut plan = plan(&client, &clock).await;
    plan.waves.truncate(1);
    plan.waves[0].truncate(1);
    let target = plan.waves[0][0].workflow.clone();
    let (_, runs_before, _) = sandbox.counts();
    let dropped = sandbox.faults().add(FaultRule::drop_after(SUBMIT)).unwrap();
    let (path, header) = journal("dropped", &clock);
    let journal = Mutex::new(Journal::create(&path, header.clone()).unwrap());
    recorder.clear();
    let reports = answer_all(&client, &plan, &journal, 4, &clock).await;
    assert_eq!(reports[0].action, Outcome::MaybeSent, "{reports:?}");
    assert_eq!(submits(&recorder), 1, "sent once, not retried");
    let (_, runs_after, _) = sandbox.counts();
    assert_eq!(runs_after, runs_before + 1, "the server acted");
    sandbox.faults().remove(dropped);

    // Resumed, the journal knows: nothing is sent.
    drop(journal);
    recorder.clear();
    let journal = Mutex::new(Journal::resume(&path, &header).unwrap());
    let reports = answer_all(&client, &plan, &journal, 4, &clock).await;
    assert_eq!(reports[0].workflow, target);
    assert_eq!(reports[0].action, Outcome::MaybeSent);
    assert!(recorder.requests().is_empty(), "{:?}", recorder.requests());
    assert_eq!(sandbox.counts().1, runs_after);
}

#[tokio::test]
async fn a_batch_cut_after_a_decision_resumes_without_sending_it_again() {
    let (clock, sandbox, recorder, client) = tenant().await;
    let plan = plan(&client, &clock).await;
    let first = plan.waves[0][0].clone();
    let (path, header) = journal("cut", &clock);
    // As if killed right after the decision was synced: its submit may have gone out.
    let mut cut = Journal::create(&path, header.clone()).unwrap();
    cut.decide(first.api, &first.workflow, clock.now()).unwrap();
    drop(cut);
    let (_, runs_before, _) = sandbox.counts();
    recorder.clear();
    let journal = Mutex::new(Journal::resume(&path, &header).unwrap());
    let reports = answer_all(&client, &plan, &journal, 2, &clock).await;
    let mine = reports
        .iter()
        .find(|r| r.workflow == first.workflow)
        .unwrap();
    assert_eq!(mine.action, Outcome::MaybeSent);
    assert_eq!(
        submits(&recorder),
        plan.len() - 1,
        "every other workflow, once"
    );
    assert_eq!(sandbox.counts().1, runs_before + plan.len() - 1);

    // Another selection's journal is refused before anything is sent.
    let mut other = header.clone();
    other.selection = "--failed --package atlan-dbt".into();
    let error = Journal::resume(&path, &other).unwrap_err();
    assert!(error.to_string().contains("nothing was sent"), "{error}");
}

#[tokio::test]
async fn a_wave_starts_once_the_runs_of_the_one_before_have_started() {
    let (clock, _sandbox, recorder, client) = tenant().await;
    let plan = plan(&client, &clock).await;
    assert!(plan.waves.len() >= 2, "{plan:?}");
    let first_wave = plan.waves[0].len();
    let (path, header) = journal("waves", &clock);
    let journal = Mutex::new(Journal::create(&path, header).unwrap());
    let waits = AtomicUsize::new(0);
    let pace = Pace::new(
        WaveWait::Started,
        Duration::from_secs(1),
        Duration::from_secs(120),
        |by| {
            waits.fetch_add(1, Ordering::SeqCst);
            clock.advance(by);
            std::future::ready(())
        },
    );
    recorder.clear();
    let executed = bulk::execute(&client, &plan, &journal, 4, &pace, || clock.now(), |_| {})
        .await
        .unwrap();
    assert_eq!(executed.halted, None);
    assert_eq!(executed.reports.len(), plan.len());
    // Runs are Pending for 2 s: the first wave waited two seconds at least before the second.
    assert!(
        waits.load(Ordering::SeqCst) >= 2,
        "{}",
        waits.load(Ordering::SeqCst)
    );
    let requests = recorder.requests();
    let submits: Vec<usize> = requests
        .iter()
        .enumerate()
        .filter(|(_, request)| request.starts_with(SUBMIT))
        .map(|(index, _)| index)
        .collect();
    let reads_between = requests[submits[first_wave - 1]..submits[first_wave]]
        .iter()
        .filter(|request| request.contains("runs/indexsearch"))
        .count();
    assert!(
        reads_between >= first_wave,
        "the first wave's runs were read before the second"
    );
}

#[tokio::test]
async fn with_wait_a_failed_wave_stops_the_batch_before_the_next() {
    let (clock, sandbox, recorder, client) = tenant().await;
    let plan = plan(&client, &clock).await;
    assert!(plan.waves.len() >= 2);
    let failing = plan.waves[0][0].workflow.clone();
    sandbox
        .faults()
        .add(FaultRule::fail_runs(failing.clone(), "connection refused").times(1))
        .unwrap();
    let (path, header) = journal("wait", &clock);
    let journal = Mutex::new(Journal::create(&path, header.clone()).unwrap());
    recorder.clear();
    let executed = bulk::execute(
        &client,
        &plan,
        &journal,
        4,
        &paced(&clock, WaveWait::Ended),
        || clock.now(),
        |_| {},
    )
    .await
    .unwrap();
    let halted = executed.halted.expect("the batch stopped");
    assert!(
        halted.contains("wave 1") && halted.contains(&failing),
        "{halted}"
    );
    assert_eq!(executed.reports.len(), plan.waves[0].len());
    assert_eq!(
        submits(&recorder),
        plan.waves[0].len(),
        "nothing of the next waves was sent"
    );
    // What was not submitted is not in the journal: a resume takes it up.
    drop(journal);
    let journal = Journal::resume(&path, &header).unwrap();
    let next = &plan.waves[1][0];
    assert_eq!(
        journal.progress(next.api, &next.workflow),
        bulk::Progress::Untouched
    );
}
