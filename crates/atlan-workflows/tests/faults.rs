//! The facade under injected faults, over real sockets to a sandbox: throttling with `Retry-After`
//! in both forms, connections reset before and after the server read the request, slow answers,
//! truncated JSON, a 5xx storm against the retry budget; writes that are never duplicated when
//! answers are lost; a monitor that keeps its deadline.
//!
//! Time is tokio's paused clock (backoffs, `Retry-After` and timeouts pass without waiting); the
//! figures of a run are in RELIABILITY.md.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::time::{Duration, SystemTime};

use atlan_sandbox::{FaultRule, SandboxHandle};
use atlan_workflows::transport::{RetryConfig, TimeoutConfig};
use atlan_workflows::{AtlanClient, Error};
use common::{CRAWLER, MINER, clock, sandbox_with};
use tokio::time::Instant;

const SEARCH: &str = "POST /api/service/workflows/indexsearch";

/// A client with the default retries (their backoffs cost nothing on the paused clock).
fn client(sandbox: &SandboxHandle, adjust: impl FnOnce(&mut RetryConfig)) -> AtlanClient {
    let mut retry = RetryConfig::default();
    adjust(&mut retry);
    AtlanClient::builder()
        .base_url(sandbox.base_url())
        .api_key(sandbox.api_key())
        .retry(retry)
        .build()
        .unwrap()
}

async fn sandbox() -> SandboxHandle {
    sandbox_with(&clock(), |builder| builder.random_seed(5)).await
}

/// How many times a rule added with `times(LOTS)` fired.
const LOTS: u64 = 1_000_000;

fn fired(sandbox: &SandboxHandle, id: u64) -> u64 {
    sandbox
        .faults()
        .list()
        .iter()
        .find(|rule| rule.id == id)
        .and_then(|rule| rule.count)
        .map_or(0, |left| LOTS - left)
}

#[tokio::test(start_paused = true)]
async fn retry_after_in_seconds_and_as_a_date_is_waited_then_the_read_succeeds() {
    let sandbox = sandbox().await;
    let client = client(&sandbox, |_| {});
    sandbox
        .faults()
        .add(FaultRule::status(SEARCH, 429).retry_after("2").times(1))
        .unwrap();
    let started = Instant::now();
    assert!(client.workflows().get(MINER).await.is_ok());
    let waited = started.elapsed();
    assert!(waited >= Duration::from_secs(2), "{waited:?}");

    let in_four_seconds = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(4));
    sandbox
        .faults()
        .add(
            FaultRule::status(SEARCH, 503)
                .retry_after(in_four_seconds)
                .times(1),
        )
        .unwrap();
    let started = Instant::now();
    assert!(client.workflows().get(MINER).await.is_ok());
    let waited = started.elapsed();
    // The date has a one-second resolution and the wall clock moved on a little.
    assert!(waited >= Duration::from_secs(2), "{waited:?}");
    assert!(waited <= Duration::from_secs(5), "{waited:?}");
    sandbox.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn reads_survive_resets_slow_answers_and_truncated_json_when_a_retry_can() {
    let sandbox = sandbox().await;
    let client = AtlanClient::builder()
        .base_url(sandbox.base_url())
        .api_key(sandbox.api_key())
        .timeouts(TimeoutConfig::default().with_attempt(Duration::from_secs(5)))
        .build()
        .unwrap();
    for rule in [
        FaultRule::drop_before(SEARCH).times(1),
        FaultRule::drop_after(SEARCH).times(1),
        FaultRule::latency(SEARCH, Duration::from_secs(30)).times(1),
        FaultRule::truncate(SEARCH).times(1),
        FaultRule::status(SEARCH, 502).times(2),
    ] {
        let shown = format!("{rule:?}");
        sandbox.faults().add(rule).unwrap();
        let found = client.workflows().get(MINER).await;
        assert!(found.is_ok(), "{shown}: {:?}", found.err());
        sandbox.faults().clear();
    }
    sandbox.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn reads_stop_within_their_attempts_and_their_time() {
    let sandbox = sandbox().await;
    let client = AtlanClient::builder()
        .base_url(sandbox.base_url())
        .api_key(sandbox.api_key())
        .timeouts(TimeoutConfig::default().with_operation(Duration::from_secs(60)))
        .build()
        .unwrap();
    let id = sandbox
        .faults()
        .add(FaultRule::status(SEARCH, 503).times(LOTS))
        .unwrap();
    let started = Instant::now();
    let error = client.workflows().get(MINER).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503), "{error}");
    assert_eq!(fired(&sandbox, id), 3, "the default max_attempts");
    assert!(started.elapsed() <= Duration::from_secs(60));

    // A server that never answers: the operation timeout ends the call, whatever the retries.
    sandbox.faults().clear();
    sandbox
        .faults()
        .add(FaultRule::latency(SEARCH, Duration::from_secs(500)))
        .unwrap();
    let started = Instant::now();
    let error = client.workflows().get(MINER).await.unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error}");
    let waited = started.elapsed();
    assert!(
        (Duration::from_secs(60)..Duration::from_secs(61)).contains(&waited),
        "{waited:?}"
    );
    sandbox.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn a_5xx_storm_is_held_to_the_retry_budget() {
    let sandbox = sandbox().await;
    let client = client(&sandbox, |_| {});
    let id = sandbox
        .faults()
        .add(FaultRule::status(SEARCH, 503).times(LOTS))
        .unwrap();
    let calls = 200;
    let results = futures_util::future::join_all((0..calls).map(|_| {
        let client = client.clone();
        async move { client.workflows().get(MINER).await }
    }))
    .await;
    assert!(results.iter().all(Result::is_err));
    let attempts = fired(&sandbox, id);
    // Without a budget: 3 attempts each, 600. The budget (10 retries a second over 10 s, plus 20%
    // of the calls) lets through at most 100 + 40.
    eprintln!("{calls} calls in a 503 storm: {attempts} attempts reached the server");
    assert!(attempts >= calls, "{attempts}");
    assert!(attempts <= calls + 140, "{attempts}");
    sandbox.shutdown().await;
}

/// What 500 re-runs saw, with 20% of their answers lost after the server acted.
#[tokio::test(start_paused = true)]
async fn lost_answers_never_duplicate_a_submit() {
    let sandbox = sandbox().await;
    let client = client(&sandbox, |_| {});
    let runs = |client: AtlanClient| async move {
        client
            .runs()
            .list(CRAWLER)
            .size(1)
            .page()
            .await
            .unwrap()
            .total
            .unwrap()
            .value
    };
    let before = runs(client.clone()).await;
    sandbox
        .faults()
        .add(FaultRule::drop_after("POST /api/service/workflows/submit").probability(0.2))
        .unwrap();
    let (mut succeeded, mut maybe_sent) = (0u64, 0u64);
    for _ in 0..500 {
        match client.workflows().rerun(CRAWLER).await {
            Ok(_) => succeeded += 1,
            Err(Error::Transport { source, .. }) if !source.is_unsent() => maybe_sent += 1,
            Err(other) => panic!("{other}"),
        }
    }
    sandbox.faults().clear();
    let created = runs(client.clone()).await - before;
    eprintln!(
        "500 re-runs, 20% of answers dropped: {succeeded} succeeded, {maybe_sent} maybe sent, {created} runs created"
    );
    assert!(maybe_sent > 50, "the fault fired: {maybe_sent}");
    // Every dropped answer was dropped after the server acted, and none was re-sent.
    assert_eq!(created, succeeded + maybe_sent);
    sandbox.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn a_monitor_returns_within_its_timeout_plus_one_interval() {
    let sandbox = sandbox().await;
    let client = client(&sandbox, |_| {});
    let id = common::running_miner_run(&client).await;
    // Slow answers as well: each poll takes 3 s.
    sandbox
        .faults()
        .add(FaultRule::latency(
            "POST /api/service/runs/indexsearch",
            Duration::from_secs(3),
        ))
        .unwrap();
    let (timeout, interval) = (Duration::from_secs(20), Duration::from_secs(7));
    let started = Instant::now();
    let error = client
        .runs()
        .monitor(atlan_workflows::MonitorTarget::Run(id))
        .interval(interval)
        .timeout(timeout)
        .await
        .unwrap_err();
    let waited = started.elapsed();
    assert!(matches!(error, Error::Timeout { .. }), "{error}");
    assert!(
        waited >= timeout && waited <= timeout + interval,
        "{waited:?}"
    );
    sandbox.shutdown().await;
}
