//! The watcher over a sandbox, every request recorded: after the first poll a poll reads only what
//! changed (its requests do not grow with the window), a failure and a recovery are each told
//! once, and a failed poll keeps the figures and loses no change.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::time::Duration;

use atlan_ops::watch::{Event, WatchConfig, Watcher};
use atlan_ops::{Api, ApiChoice};
use atlan_sandbox::{Clock, FaultRule, ManualClock, SandboxHandle};
use atlan_testkit::{CRAWLER, Recorder, clock, sandbox_with};
use atlan_workflows::AtlanClient;

mod common;

use common::client;

/// A sandbox on a manual clock, a recording client of it, and a watcher of `api` that has seen
/// nothing.
struct Tenant {
    clock: ManualClock,
    sandbox: SandboxHandle,
    recorder: Recorder,
    client: AtlanClient,
    watcher: Watcher,
}

async fn tenant(api: ApiChoice) -> Tenant {
    let clock = clock();
    let sandbox = sandbox_with(&clock, |builder| builder).await;
    let recorder = Recorder::default();
    let client = client(&sandbox, &recorder);
    let watcher = Watcher::new(WatchConfig::new(api), clock.now());
    Tenant {
        clock,
        sandbox,
        recorder,
        client,
        watcher,
    }
}

/// Re-runs the crawler and lets its run end.
async fn rerun(client: &AtlanClient, clock: &ManualClock) -> String {
    let run = client.workflows().rerun(CRAWLER).await.unwrap();
    clock.advance(Duration::from_secs(60));
    run.metadata.unwrap().name().unwrap().to_owned()
}

fn row(watcher: &Watcher, clock: &ManualClock) -> atlan_ops::WorkflowStats {
    watcher
        .figures(clock.now())
        .rows
        .into_iter()
        .find(|row| row.workflow == CRAWLER)
        .unwrap()
}

fn searches(recorder: &Recorder) -> usize {
    recorder
        .requests()
        .iter()
        .filter(|request| request.contains("indexsearch"))
        .count()
}

#[tokio::test]
async fn polls_after_the_first_read_what_changed_and_tell_each_event_once() {
    let Tenant {
        clock,
        sandbox,
        recorder,
        client,
        mut watcher,
    } = tenant(ApiChoice::All).await;

    let first = watcher.poll(&client, clock.now()).await.unwrap();
    assert!(first.full);
    assert!(
        first.runs > 10,
        "the default tenant has runs: {}",
        first.runs
    );
    assert!(
        first.events.is_empty(),
        "nothing happened since the start: {:?}",
        first.events
    );
    let tracked = watcher.figures(clock.now()).runs;
    assert!(tracked > 10);
    // The demo tenant's latest crawler runs may have failed already.
    let streak = row(&watcher, &clock).failure_streak;

    // Nothing changed: a poll is one search per API (the schedules are not read again yet).
    recorder.clear();
    clock.advance(Duration::from_secs(60));
    let quiet = watcher.poll(&client, clock.now()).await.unwrap();
    assert!(!quiet.full);
    assert!(quiet.runs < first.runs, "{} of {}", quiet.runs, first.runs);
    assert_eq!(recorder.requests().len(), 2, "{:?}", recorder.requests());

    // A failure is one event, with the run; the figures show the streak.
    sandbox
        .faults()
        .add(FaultRule::fail_runs(CRAWLER, "Authentication failed").times(1))
        .unwrap();
    let failed = rerun(&client, &clock).await;
    let report = watcher.poll(&client, clock.now()).await.unwrap();
    let failures: Vec<&Event> = report
        .events
        .iter()
        .filter(|event| matches!(event, Event::RunFailed { .. }))
        .collect();
    assert_eq!(failures.len(), 1, "{:?}", report.events);
    assert_eq!(failures[0].run(), Some(failed.as_str()));
    assert_eq!(failures[0].workflow(), (Api::Legacy, CRAWLER));
    assert!(report.ended.iter().any(|ended| ended.run == failed));
    assert_eq!(row(&watcher, &clock).failure_streak, streak + 1);

    // Polled again within the overlap, the same failure is not told again.
    clock.advance(Duration::from_secs(30));
    let again = watcher.poll(&client, clock.now()).await.unwrap();
    assert!(again.events.is_empty(), "{:?}", again.events);

    // A success after it: the workflow recovered from one failure.
    let succeeded = rerun(&client, &clock).await;
    let report = watcher.poll(&client, clock.now()).await.unwrap();
    assert_eq!(
        report.events,
        vec![Event::Recovered {
            api: Api::Legacy,
            workflow: CRAWLER.into(),
            package: row(&watcher, &clock).package,
            run: succeeded.clone(),
            finished: report.events[0].at(),
            failures: streak + 1,
        }]
    );
    assert_eq!(row(&watcher, &clock).failure_streak, 0);
}

#[tokio::test]
async fn a_failed_poll_keeps_the_figures_and_its_changes_come_with_the_next() {
    let Tenant {
        clock,
        sandbox,
        client,
        mut watcher,
        ..
    } = tenant(ApiChoice::Legacy).await;
    watcher.poll(&client, clock.now()).await.unwrap();
    let cursor = watcher.cursor();
    let before = watcher.figures(clock.now()).rows;

    sandbox
        .faults()
        .add(FaultRule::fail_runs(CRAWLER, "connection refused").times(1))
        .unwrap();
    let failed = rerun(&client, &clock).await;
    let outage = sandbox
        .faults()
        .add(FaultRule::status("POST /api/service/runs/indexsearch", 503))
        .unwrap();
    assert!(watcher.poll(&client, clock.now()).await.is_err());
    assert_eq!(
        watcher.cursor(),
        cursor,
        "a failed poll does not move the cursor"
    );
    assert_eq!(watcher.figures(clock.now()).rows.len(), before.len());

    sandbox.faults().remove(outage);
    clock.advance(Duration::from_secs(60));
    let report = watcher.poll(&client, clock.now()).await.unwrap();
    assert!(
        report
            .events
            .iter()
            .any(|event| event.run() == Some(failed.as_str())),
        "{:?}",
        report.events
    );
}

#[tokio::test]
async fn a_steady_poll_costs_the_same_requests_whatever_the_window_holds() {
    let Tenant {
        clock,
        sandbox: _sandbox,
        recorder,
        client,
        mut watcher,
    } = tenant(ApiChoice::Legacy).await;
    for _ in 0..30 {
        rerun(&client, &clock).await;
    }
    watcher.poll(&client, clock.now()).await.unwrap();
    let first = searches(&recorder);
    recorder.clear();
    for _ in 0..3 {
        rerun(&client, &clock).await;
    }
    recorder.clear();
    let report = watcher.poll(&client, clock.now()).await.unwrap();
    assert_eq!(searches(&recorder), 1, "one page of what changed");
    assert!(report.runs >= 3 && report.runs < 30, "{}", report.runs);
    assert!(first >= 1);
}

#[tokio::test]
async fn a_throttled_poll_carries_the_servers_retry_after() {
    let Tenant {
        clock,
        sandbox,
        client,
        mut watcher,
        ..
    } = tenant(ApiChoice::Legacy).await;
    sandbox
        .faults()
        .add(FaultRule::status("POST /api/service/runs/indexsearch", 429).retry_after("120"))
        .unwrap();
    let error = watcher.poll(&client, clock.now()).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(error.retry_after(), Some(Duration::from_secs(120)));
    let mut backoff = atlan_ops::watch::Backoff::default();
    backoff.failed(true, error.retry_after());
    assert_eq!(
        backoff.delay(Duration::from_secs(10)),
        Duration::from_secs(120)
    );
}

#[tokio::test]
async fn a_truncated_answer_fails_the_poll_and_the_next_one_recovers() {
    let Tenant {
        clock,
        sandbox,
        client,
        mut watcher,
        ..
    } = tenant(ApiChoice::Legacy).await;
    let route = "POST /api/service/runs/indexsearch";
    let broken = sandbox.faults().add(FaultRule::truncate(route)).unwrap();
    assert!(watcher.poll(&client, clock.now()).await.is_err());
    assert_eq!(watcher.cursor(), None);
    sandbox.faults().remove(broken);
    let report = watcher.poll(&client, clock.now()).await.unwrap();
    assert!(
        report.full,
        "the first successful poll reads the whole window"
    );
    assert!(report.runs > 10);
}

#[tokio::test]
async fn one_cap_holds_schedules_and_runs_and_each_schedule_kept_has_all_its_runs() {
    let clock = clock();
    let sandbox = sandbox_with(&clock, |builder| builder).await;
    let client = client(&sandbox, &Recorder::default());
    let now = clock.now();
    let mut whole = Watcher::new(WatchConfig::new(ApiChoice::All), now);
    whole.poll(&client, now).await.unwrap();
    let whole = whole.figures(now);
    assert!(whole.schedules.len() > 3, "the demo has schedules to cap");
    for cap in [1, 3, 5] {
        let mut capped = Watcher::new(WatchConfig::new(ApiChoice::All).max_workflows(cap), now);
        capped.poll(&client, now).await.unwrap();
        let figures = capped.figures(now);
        let mut workflows: std::collections::BTreeSet<(Api, String)> = figures
            .rows
            .iter()
            .map(|row| (row.api, row.workflow.clone()))
            .collect();
        workflows.extend(
            figures
                .schedules
                .iter()
                .map(|schedule| (schedule.api, schedule.workflow.clone())),
        );
        // Before, the schedules took their own first `cap`: up to twice the cap.
        assert!(workflows.len() <= cap, "cap {cap}: {workflows:?}");
        assert_eq!(figures.schedules.len(), cap, "schedules are tracked first");
        // A schedule kept has every run the uncapped watcher saw: its last success is there.
        for schedule in &figures.schedules {
            let row = |rows: &[atlan_ops::WorkflowStats]| {
                rows.iter()
                    .find(|row| row.api == schedule.api && row.workflow == schedule.workflow)
                    .map(|row| (row.runs, row.last_success_at))
            };
            assert_eq!(
                row(&figures.rows),
                row(&whole.rows),
                "{}",
                schedule.workflow
            );
        }
    }
}
