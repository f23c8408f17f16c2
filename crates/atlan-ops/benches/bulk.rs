//! Re-running in bulk (run with `cargo xtask bench`), 200 failed workflows of
//! a synthetic tenant re-run by `atlan_ops::bulk::execute` (the re-check, the journal, 4 at once)
//! against a sequential loop of single re-runs, both with 100 ms added to every answer: time and
//! requests per workflow; then the same batch with 20% of the submit answers dropped after the
//! server acted, counting the runs each workflow got on the sandbox (zero duplicates is the
//! target, and a miss fails the bench).

#![allow(
    missing_docs,
    clippy::print_stdout,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::process::ExitCode;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use atlan_ops::bulk::{self, Header, Journal, Order, Outcome, Pace, Plan, WaveWait};
use atlan_ops::{ApiChoice, Selection, Window};
use atlan_sandbox::{Clock, FaultRule, ManualClock, SandboxHandle, Seed};
use atlan_testkit::{Recorder, clock, sandbox_with};
use atlan_workflows::AtlanClient;
use futures_util::TryStreamExt;

/// Workflows re-run.
const TARGETS: usize = 200;
/// The synthetic tenant: enough workflows for 200 whose latest run failed.
const WORKFLOWS: usize = 3_000;
const RUNS: usize = 9_000;
const SUBMIT: &str = "POST /api/service/workflows/submit";

#[path = "../tests/common/mod.rs"]
mod common;

use common::client;

async fn tenant(clock: &ManualClock) -> SandboxHandle {
    sandbox_with(clock, |builder| {
        builder.seed(Seed::Synthetic {
            workflows: WORKFLOWS,
            runs: RUNS,
        })
    })
    .await
}

/// The first 200 workflows of the plan of what failed, in one wave.
async fn plan(client: &AtlanClient, clock: &ManualClock) -> Plan {
    let window = Window::parse("now-30d", None, clock.now()).unwrap();
    let report = atlan_ops::stats_report(client, &Selection::new(ApiChoice::Legacy), &window)
        .await
        .unwrap();
    let mut plan = bulk::plan::failed(&report.rows, Order::None);
    let mut targets: Vec<_> = plan.waves.concat();
    assert!(
        targets.len() >= TARGETS,
        "the synthetic tenant has {} failed workflows, fewer than {TARGETS}",
        targets.len()
    );
    targets.truncate(TARGETS);
    plan.waves = vec![targets];
    plan
}

fn journal(name: &str, clock: &ManualClock) -> Mutex<Journal> {
    let dir = std::env::temp_dir().join(format!("atlan-bench-bulk-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let header = Header::new("rerun", "bench", "--failed", clock.now());
    Mutex::new(Journal::create(&dir.join("rerun.jsonl"), header).unwrap())
}

async fn execute(client: &AtlanClient, plan: &Plan, journal: &Mutex<Journal>) -> Vec<bulk::Report> {
    let pace = Pace::new(
        WaveWait::Answered,
        Duration::from_secs(1),
        Duration::from_secs(60),
        |_| std::future::ready(()),
    );
    bulk::execute(
        client,
        plan,
        journal,
        bulk::rerun::DEFAULT_CONCURRENCY,
        &pace,
        jiff::Timestamp::now,
        |_| {},
    )
    .await
    .unwrap()
    .reports
}

/// How many runs each target has.
async fn runs_per_workflow(client: &AtlanClient, plan: &Plan) -> Vec<usize> {
    let mut counts = Vec::new();
    for target in plan.waves.iter().flatten() {
        let runs: Vec<_> = client
            .runs()
            .list(target.workflow.clone())
            .stream()
            .try_collect()
            .await
            .unwrap();
        counts.push(runs.len());
    }
    counts
}

#[tokio::main]
async fn main() -> ExitCode {
    if !std::env::args().any(|argument| argument == "--bench") {
        return ExitCode::SUCCESS;
    }
    let mut missed = Vec::new();

    // The batch, 100 ms added to every answer.
    let clock = clock();
    let sandbox = tenant(&clock).await;
    let recorder = Recorder::default();
    let client = client(&sandbox, &recorder);
    let plan = plan(&client, &clock).await;
    sandbox
        .faults()
        .add(FaultRule::latency("*", Duration::from_millis(100)))
        .unwrap();
    let journal_of_batch = journal("batch", &clock);
    recorder.clear();
    let started = Instant::now();
    let reports = execute(&client, &plan, &journal_of_batch).await;
    let batch = started.elapsed();
    let batch_requests = recorder.requests().len();
    let rerun = reports
        .iter()
        .filter(|r| r.action == Outcome::Rerun)
        .count();
    assert_eq!(rerun, TARGETS, "{reports:?}");
    drop(sandbox);

    // A sequential loop of single re-runs, on the same tenant afresh.
    let clock = self::clock();
    let sandbox = tenant(&clock).await;
    let recorder = Recorder::default();
    let client = common::client(&sandbox, &recorder);
    let plan = self::plan(&client, &clock).await;
    sandbox
        .faults()
        .add(FaultRule::latency("*", Duration::from_millis(100)))
        .unwrap();
    recorder.clear();
    let started = Instant::now();
    for target in plan.waves.iter().flatten() {
        client
            .workflows()
            .rerun(target.workflow.clone())
            .send()
            .await
            .unwrap();
    }
    let sequential = started.elapsed();
    let sequential_requests = recorder.requests().len();
    drop(sandbox);
    println!(
        "re-run {TARGETS} failed workflows at 100 ms per answer: bulk (re-check, journal, {} at once) {batch:.2?}, {:.2} requests per workflow; sequential loop of single re-runs {sequential:.2?}, {:.2} requests per workflow: bulk {:.1}x faster",
        bulk::rerun::DEFAULT_CONCURRENCY,
        batch_requests as f64 / TARGETS as f64,
        sequential_requests as f64 / TARGETS as f64,
        sequential.as_secs_f64() / batch.as_secs_f64(),
    );
    if batch >= sequential {
        missed.push(format!(
            "bulk {batch:.2?} is not faster than the loop {sequential:.2?}"
        ));
    }

    // 20% of submit answers dropped after the server acted.
    let clock = self::clock();
    let sandbox = tenant(&clock).await;
    let recorder = Recorder::default();
    let client = common::client(&sandbox, &recorder);
    let plan = self::plan(&client, &clock).await;
    let before = runs_per_workflow(&client, &plan).await;
    sandbox
        .faults()
        .add(FaultRule::drop_after(SUBMIT).probability(0.2))
        .unwrap();
    let journal_of_drops = journal("drops", &clock);
    let reports = execute(&client, &plan, &journal_of_drops).await;
    // The same batch resumed, and a fresh plan: neither may submit again.
    recorder.clear();
    let again = execute(&client, &plan, &journal_of_drops).await;
    assert_eq!(again.len(), TARGETS);
    let second = plan_or_empty(&client, &clock, &plan).await;
    let journal_of_second = journal("second", &clock);
    let second_reports = execute(&client, &second, &journal_of_second).await;
    let after = runs_per_workflow(&client, &plan).await;
    let maybe_sent = reports
        .iter()
        .filter(|r| r.action == Outcome::MaybeSent)
        .count();
    let new_runs: usize = after.iter().zip(&before).map(|(a, b)| a - b).sum();
    let duplicates: usize = after
        .iter()
        .zip(&before)
        .map(|(a, b)| (a - b).saturating_sub(1))
        .sum();
    let resent = recorder
        .requests()
        .iter()
        .filter(|request| request.starts_with(SUBMIT))
        .count();
    let rechecked = second_reports
        .iter()
        .filter(|r| r.action == Outcome::Skipped)
        .count();
    println!(
        "20% of submit answers dropped: {maybe_sent} of {TARGETS} reported maybe_sent (not sent again), {new_runs} runs made for {TARGETS} workflows, {duplicates} duplicates; the batch resumed and a second plan ({} workflows, {rechecked} held back by the re-check: their runs are Pending) sent {resent} submits (target: 0 duplicates)",
        second.len()
    );
    if duplicates > 0 || resent > 0 {
        missed.push(format!(
            "{duplicates} duplicate runs, {resent} re-sent under dropped answers"
        ));
    }
    if maybe_sent == 0 {
        missed.push("no answer was dropped: the fault did not apply".into());
    }
    drop(sandbox);

    if missed.is_empty() {
        ExitCode::SUCCESS
    } else {
        println!("missed: {missed:#?}");
        ExitCode::FAILURE
    }
}

/// A fresh plan of what failed, limited to the first batch's workflows (none, when each has a run
/// active as it should).
async fn plan_or_empty(client: &AtlanClient, clock: &ManualClock, first: &Plan) -> Plan {
    let window = Window::parse("now-30d", None, clock.now()).unwrap();
    let report = atlan_ops::stats_report(client, &Selection::new(ApiChoice::Legacy), &window)
        .await
        .unwrap();
    let mut plan = bulk::plan::failed(&report.rows, Order::None);
    let chosen: Vec<&str> = first
        .waves
        .iter()
        .flatten()
        .map(|target| target.workflow.as_str())
        .collect();
    plan.waves = vec![
        plan.waves
            .concat()
            .into_iter()
            .filter(|target| chosen.contains(&target.workflow.as_str()))
            .collect(),
    ];
    plan
}
