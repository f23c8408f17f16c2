//! Listings with several pages in flight, over real HTTP against a sandbox: every result in order
//! and once while runs are created, stopped or throttled under the listing; a short page, a failed
//! page and a bad concurrency are errors, never a silent gap.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use atlan_sandbox::{FaultRule, ManualClock, Seed};
use atlan_workflows::transport::{Throttled, Transport, TransportError};
use atlan_workflows::{AtlanClient, Error, MAX_CONCURRENCY, WorkflowPhase, WorkflowSearchResult};
use bytes::Bytes;
use common::{builder, clock, sandbox_with};
use futures_util::{StreamExt, TryStreamExt};
use tower::{Layer, Service, ServiceExt};

const SEARCH: &str = "POST /api/service/runs/indexsearch";

/// What a hook does before request `n` (0 for the first) goes out.
type Hook = Arc<dyn Fn(usize) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;
/// What a hook may do to an answer of request `n`.
type Rewrite = Arc<dyn Fn(usize, Bytes) -> Bytes + Send + Sync>;

/// A layer around the whole transport (one call per page, retries inside): runs a hook before
/// each search, rewrites answers, and records the request bodies and how many pages were in
/// flight when each started, and which answers came after throttling.
#[derive(Clone)]
struct Watch {
    hook: Option<Hook>,
    rewrite: Option<Rewrite>,
    log: Arc<Mutex<Log>>,
    in_flight: Arc<AtomicUsize>,
}

#[derive(Default)]
struct Log {
    bodies: Vec<serde_json::Value>,
    /// Pages in flight as each request started, this one included.
    started_with: Vec<usize>,
    /// Index (in `started_with`) of the first request started after a throttled answer came back.
    throttled_at: Option<usize>,
}

/// Every run of the tenant, newest first, in pages of `size`.
fn every_run(client: &AtlanClient, size: u64) -> atlan_workflows::RunSearch {
    client.runs().search().phases(EVERY_PHASE).size(size)
}

impl Watch {
    fn new() -> Self {
        Self {
            hook: None,
            rewrite: None,
            log: Arc::default(),
            in_flight: Arc::default(),
        }
    }

    fn hook<F, Fut>(mut self, hook: F) -> Self
    where
        F: Fn(usize) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.hook = Some(Arc::new(move |n| Box::pin(hook(n))));
        self
    }

    /// Adds `rule` to `faults` as request `at` of the listing starts.
    fn fault_at(self, at: usize, faults: &atlan_sandbox::FaultControl, rule: FaultRule) -> Self {
        let faults = faults.clone();
        self.hook(move |n| {
            if n == at {
                faults.add(rule.clone()).unwrap();
            }
            async {}
        })
    }

    fn rewrite(mut self, rewrite: impl Fn(usize, Bytes) -> Bytes + Send + Sync + 'static) -> Self {
        self.rewrite = Some(Arc::new(rewrite));
        self
    }

    fn bodies(&self) -> Vec<serde_json::Value> {
        self.log.lock().unwrap().bodies.clone()
    }
}

impl Layer<Transport> for Watch {
    type Service = Watched;

    fn layer(&self, inner: Transport) -> Watched {
        Watched {
            inner,
            watch: self.clone(),
        }
    }
}

#[derive(Clone)]
struct Watched {
    inner: Transport,
    watch: Watch,
}

type Answer = Result<http::Response<Bytes>, TransportError>;

impl Service<http::Request<Bytes>> for Watched {
    type Response = http::Response<Bytes>;
    type Error = TransportError;
    type Future = Pin<Box<dyn Future<Output = Answer> + Send>>;

    fn poll_ready(
        &mut self,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), TransportError>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Bytes>) -> Self::Future {
        let watch = self.watch.clone();
        let inner = self.inner.clone();
        let n = {
            let mut log = watch.log.lock().unwrap();
            log.bodies
                .push(serde_json::from_slice(request.body()).unwrap_or_default());
            let in_flight = watch.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            log.started_with.push(in_flight);
            log.bodies.len() - 1
        };
        Box::pin(async move {
            if let Some(hook) = &watch.hook {
                hook(n).await;
            }
            let answer = inner.oneshot(request).await;
            watch.in_flight.fetch_sub(1, Ordering::SeqCst);
            let mut answer = answer?;
            if answer.extensions().get::<Throttled>().is_some() {
                let mut log = watch.log.lock().unwrap();
                if log.throttled_at.is_none() {
                    log.throttled_at = Some(log.started_with.len());
                }
            }
            if let Some(rewrite) = &watch.rewrite {
                let body = std::mem::take(answer.body_mut());
                *answer.body_mut() = rewrite(n, body);
            }
            Ok(answer)
        })
    }
}

/// A sandbox of synthetic runs (runs it starts stay Running an hour) and a plain client for it.
async fn synthetic(runs: usize) -> (ManualClock, atlan_sandbox::SandboxHandle, AtlanClient) {
    let clock = clock();
    let sandbox = sandbox_with(&clock, |builder| {
        builder
            .seed(Seed::Synthetic { workflows: 4, runs })
            .run_durations(Duration::from_secs(1), Duration::from_secs(3600))
            // Stopped runs leave the search at once: what is tested is the listing, not the stop.
            .stop_delay(Duration::ZERO)
    })
    .await;
    let client = builder(&sandbox).build().unwrap();
    (clock, sandbox, client)
}

fn names(runs: &[WorkflowSearchResult]) -> Vec<String> {
    runs.iter().map(|run| run.name().to_owned()).collect()
}

const EVERY_PHASE: [WorkflowPhase; 5] = [
    WorkflowPhase::Succeeded,
    WorkflowPhase::Failed,
    WorkflowPhase::Error,
    WorkflowPhase::Running,
    WorkflowPhase::Pending,
];

/// Every run of the search, in one request: what the listing must give.
async fn snapshot(client: &AtlanClient) -> Vec<String> {
    let page = every_run(client, 10_000).page().await.unwrap();
    assert!(page.is_last(), "the snapshot is one page");
    names(&page.items)
}

/// A synthetic workflow's name.
async fn a_workflow(client: &AtlanClient) -> String {
    every_run(client, 1).page().await.unwrap().items[0]
        .workflow_template_name()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn runs_created_during_a_concurrent_listing_neither_shift_it_nor_appear() {
    let (clock, sandbox, client) = synthetic(3_000).await;
    let workflow = a_workflow(&client).await;
    let expected = snapshot(&client).await;
    assert!(expected.len() > 2_500, "{} runs", expected.len());

    let creator = builder(&sandbox).build().unwrap();
    let created = Arc::new(Mutex::new(Vec::new()));
    let watch = Watch::new().hook({
        let created = created.clone();
        move |n| {
            let (creator, clock, workflow, created) = (
                creator.clone(),
                clock.clone(),
                workflow.clone(),
                created.clone(),
            );
            async move {
                // Two new runs before each of the first pages goes out.
                if (1..=6).contains(&n) {
                    for _ in 0..2 {
                        clock.advance(Duration::from_secs(1));
                        let run = creator.workflows().rerun(workflow.as_str()).await.unwrap();
                        created
                            .lock()
                            .unwrap()
                            .push(run.metadata.and_then(|m| m.name).unwrap_or_default());
                    }
                }
            }
        }
    });
    let client = builder(&sandbox).with_layer(watch.clone()).build().unwrap();
    let listed: Vec<WorkflowSearchResult> = every_run(&client, 50)
        .concurrency(8)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        created.lock().unwrap().len(),
        12,
        "runs were created during the listing"
    );
    assert_eq!(
        names(&listed),
        expected,
        "the listing is the snapshot at its first page: same runs, same order, each once"
    );
    let started = watch.log.lock().unwrap().started_with.clone();
    assert_eq!(
        started.len(),
        expected.len().div_ceil(50),
        "pages of 50, nothing fetched twice"
    );
    assert_eq!(
        started.iter().max(),
        Some(&8),
        "eight pages were in flight at once: {started:?}"
    );
    // Every page after the first is pinned to the first run's creation time.
    let bodies = watch.bodies();
    assert!(
        bodies[1..]
            .iter()
            .all(|body| body.to_string().contains("metadata.creationTimestamp")),
        "later pages are pinned"
    );
    assert_eq!(
        snapshot(&client).await.len(),
        expected.len() + 12,
        "the new runs exist"
    );
}

#[tokio::test]
async fn runs_that_leave_the_search_mid_listing_make_it_resume_without_a_duplicate_or_a_gap() {
    let (clock, sandbox, client) = synthetic(200).await;
    let workflow = a_workflow(&client).await;
    for _ in 0..300 {
        clock.advance(Duration::from_secs(1));
        client.workflows().rerun(workflow.as_str()).await.unwrap();
    }
    let running = || {
        client
            .runs()
            .list(&workflow)
            .phase(WorkflowPhase::Running)
            .size(1_000)
    };
    let expected = names(&running().page().await.unwrap().items);
    assert!(expected.len() >= 299, "{} running", expected.len());

    let stopper = builder(&sandbox).build().unwrap();
    let victims: Vec<String> = expected[5..15].to_vec();
    let watch = Watch::new().hook({
        let victims = victims.clone();
        move |n| {
            let (stopper, victims) = (stopper.clone(), victims.clone());
            async move {
                // Before the third page goes out, ten runs the first page held stop running.
                if n == 2 {
                    for run in &victims {
                        stopper.runs().stop(run).await.unwrap();
                    }
                }
            }
        }
    });
    let watched = builder(&sandbox).with_layer(watch.clone()).build().unwrap();
    let listed: Vec<String> = watched
        .runs()
        .list(&workflow)
        .phase(WorkflowPhase::Running)
        .size(20)
        .concurrency(8)
        .stream()
        .map_ok(|run| run.name().to_owned())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        listed, expected,
        "each run once, in order: the stopped ones were yielded before they left"
    );
    let after = names(&running().page().await.unwrap().items);
    assert_eq!(after.len(), expected.len() - 10, "the ten stopped");
    // The listing noticed the shift and went on from its last run, in a window of its own.
    let pins: HashSet<String> = watch.bodies()[1..].iter().map(pin_of).collect();
    assert!(pins.len() >= 2, "a second window was anchored: {pins:?}");

    // A listing that cannot resume (it starts at 1) says so instead.
    let (clock2, sandbox2, client2) = synthetic(200).await;
    let workflow2 = a_workflow(&client2).await;
    for _ in 0..100 {
        clock2.advance(Duration::from_secs(1));
        client2.workflows().rerun(workflow2.as_str()).await.unwrap();
    }
    let snapshot2 = names(
        &client2
            .runs()
            .list(&workflow2)
            .phase(WorkflowPhase::Running)
            .size(1_000)
            .page()
            .await
            .unwrap()
            .items,
    );
    let stopper2 = builder(&sandbox2).build().unwrap();
    let victims2: Vec<String> = snapshot2[2..6].to_vec();
    let watch2 = Watch::new().hook(move |n| {
        let (stopper, victims) = (stopper2.clone(), victims2.clone());
        async move {
            if n == 1 {
                for run in &victims {
                    stopper.runs().stop(run).await.unwrap();
                }
            }
        }
    });
    let watched2 = builder(&sandbox2).with_layer(watch2).build().unwrap();
    let mut stream = watched2
        .runs()
        .list(&workflow2)
        .phase(WorkflowPhase::Running)
        .from(1)
        .size(10)
        .concurrency(4)
        .stream();
    let (got, error) = until_error(&mut stream, "the shift went unnoticed").await;
    assert!(matches!(error, Error::ListingChanged { .. }), "{error}");
    assert_eq!(
        got,
        snapshot2[1..=got.len()],
        "what came before the error is right"
    );
    assert!(stream.next().await.is_none(), "the error ends the stream");
}

/// The names a stream yields before its error, and the error (`unnoticed` when it ends without).
async fn until_error(
    stream: &mut (
             impl futures_util::Stream<Item = atlan_workflows::Result<WorkflowSearchResult>> + Unpin
         ),
    unnoticed: &str,
) -> (Vec<String>, Error) {
    let mut got = Vec::new();
    loop {
        match stream.next().await {
            Some(Ok(run)) => got.push(run.name().to_owned()),
            Some(Err(error)) => return (got, error),
            None => panic!("{unnoticed}: {} runs and no error", got.len()),
        }
    }
}

/// The creation-time bound a page was pinned to (empty for an unpinned page).
fn pin_of(body: &serde_json::Value) -> String {
    let text = body.to_string();
    text.find("\"lte\":")
        .map(|at| text[at..].chars().take(40).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_429_halves_the_pages_in_flight_for_the_rest_of_the_listing() {
    let (_clock, sandbox, client) = synthetic(3_000).await;
    let expected = snapshot(&client).await;
    // The tenant starts to throttle once the listing is under way.
    let throttling = FaultRule::status(SEARCH, 429).retry_after("0").times(2);
    let watch = Watch::new().fault_at(4, sandbox.faults(), throttling);
    let watched = builder(&sandbox).with_layer(watch.clone()).build().unwrap();
    let listed: Vec<WorkflowSearchResult> = every_run(&watched, 25)
        .concurrency(8)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(names(&listed), expected, "every run once, in order");
    let log = watch.log.lock().unwrap();
    let throttled_at = log.throttled_at.expect("an answer came after a 429");
    let before = &log.started_with[..throttled_at];
    assert_eq!(
        before.iter().max(),
        Some(&8),
        "eight in flight before: {before:?}"
    );
    // Requests already asked for may still start; after them, at most four are ever in flight.
    let settled = &log.started_with[(throttled_at + 8).min(log.started_with.len())..];
    assert!(settled.len() > 40, "most of the listing ran after the 429");
    assert!(
        settled.iter().all(|&in_flight| in_flight <= 4),
        "at most four in flight after the 429: {settled:?}"
    );
}

#[tokio::test]
async fn a_failed_page_ends_the_stream_after_every_result_before_it() {
    let (_clock, sandbox, client) = synthetic(1_000).await;
    let expected = snapshot(&client).await;
    let watch = Watch::new().fault_at(5, sandbox.faults(), FaultRule::status(SEARCH, 400));
    let watched = builder(&sandbox).with_layer(watch).build().unwrap();
    let mut stream = every_run(&watched, 20).concurrency(8).stream();
    let (got, error) = until_error(&mut stream, "the failure went unnoticed").await;
    assert_eq!(
        error.status().map(|status| status.as_u16()),
        Some(400),
        "{error}"
    );
    assert!(
        got.len() >= 20 && got.len() < 1_000,
        "{} runs before the error",
        got.len()
    );
    assert_eq!(got.len() % 20, 0, "whole pages only");
    assert_eq!(
        got,
        expected[..got.len()],
        "a prefix of the listing: no gap"
    );
    assert!(stream.next().await.is_none());
}

#[tokio::test]
async fn a_server_that_answers_fewer_runs_than_it_counts_is_an_error() {
    let (_clock, sandbox, client) = synthetic(500).await;
    let expected = snapshot(&client).await;
    // The third answer loses its last hit but keeps its total.
    let watch = Watch::new().rewrite(|n, body| {
        if n != 2 {
            return body;
        }
        let mut value: serde_json::Value = serde_json::from_slice(&body).unwrap();
        value["hits"]["hits"].as_array_mut().unwrap().pop();
        Bytes::from(serde_json::to_vec(&value).unwrap())
    });
    let watched = builder(&sandbox).with_layer(watch).build().unwrap();
    let mut stream = every_run(&watched, 50).concurrency(1).stream();
    let (got, error) =
        until_error(&mut stream, "a short page ended the listing without a word").await;
    assert!(
        matches!(error, Error::InconsistentListing { total, .. } if total == expected.len() as u64),
        "{error}"
    );
    assert_eq!(got, expected[..100], "the two pages before it");
}

#[tokio::test]
async fn a_concurrent_listing_goes_past_ten_thousand_runs_and_equals_a_sequential_one() {
    let (_clock, _sandbox, client) = synthetic(13_000).await;
    let list = |concurrency| {
        every_run(&client, 500)
            .concurrency(concurrency)
            .stream()
            .map_ok(|run| run.name().to_owned())
            .try_collect::<Vec<_>>()
    };
    let sequential = list(1).await.unwrap();
    let concurrent = list(8).await.unwrap();
    let total = every_run(&client, 1)
        .page()
        .await
        .unwrap()
        .total
        .unwrap()
        .value;
    assert!(total > 11_000, "{total} runs");
    assert_eq!(sequential.len() as u64, total);
    assert_eq!(
        sequential.iter().collect::<HashSet<_>>().len() as u64,
        total,
        "each run once"
    );
    assert_eq!(concurrent, sequential);
}

#[tokio::test]
async fn a_new_window_asks_for_its_pages_together() {
    let (_clock, sandbox, client) = synthetic(13_000).await;
    let list = |client: AtlanClient, concurrency| async move {
        every_run(&client, 500)
            .concurrency(concurrency)
            .stream()
            .map_ok(|run| run.name().to_owned())
            .try_collect::<Vec<String>>()
            .await
            .unwrap()
    };
    let expected = list(client, 1).await;
    let watch = Watch::new();
    let watched = builder(&sandbox).with_layer(watch.clone()).build().unwrap();
    assert_eq!(list(watched, 8).await, expected);
    let bodies = watch.bodies();
    let started_with = watch.log.lock().unwrap().started_with.clone();
    let first_pin = pin_of(&bodies[1]);
    let second_window: Vec<usize> = (1..bodies.len())
        .filter(|&index| pin_of(&bodies[index]) != first_pin)
        .collect();
    assert!(
        second_window.len() >= 3,
        "the runs past the first 10,000 take pages of a second window: {second_window:?}"
    );
    // Its second page went out with its first, not after the first's answer.
    let together = started_with[second_window[1]];
    assert!(
        together >= 2,
        "pages in flight as the second went out: {together}"
    );
}

#[tokio::test]
async fn a_concurrency_of_zero_or_over_the_maximum_is_invalid_input() {
    let (_clock, _sandbox, client) = synthetic(10).await;
    for concurrency in [0, MAX_CONCURRENCY + 1] {
        let error = client
            .runs()
            .search()
            .phases(EVERY_PHASE)
            .concurrency(concurrency)
            .stream()
            .try_collect::<Vec<_>>()
            .await
            .unwrap_err();
        assert!(matches!(error, Error::InvalidInput { .. }), "{error}");
        assert!(error.to_string().contains("between 1 and 32"), "{error}");
    }
    let all = client
        .runs()
        .search()
        .phases(EVERY_PHASE)
        .concurrency(MAX_CONCURRENCY)
        .size(3)
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    assert_eq!(all.len(), 10);
}

#[tokio::test]
async fn app_runs_stream_concurrently_in_order_and_ignore_runs_started_meanwhile() {
    let (clock, sandbox, client) = common::start().await;
    let apps = client.apps();
    let slug = apps
        .workflows()
        .create("snowflake-crawler", "paged", common::app_inputs())
        .entrypoint("crawler")
        .await
        .unwrap()
        .response
        .slug;
    for _ in 0..40 {
        apps.workflows().run(&slug).await.unwrap();
        clock.advance(Duration::from_secs(40));
    }
    let qualified = |runs: Vec<atlan_workflows::model::AppWorkflowRunAttributes>| -> Vec<String> {
        runs.into_iter()
            .map(|run| run.qualified_name.unwrap())
            .collect()
    };
    let expected = qualified(apps.runs().search().slug(&slug).page().await.unwrap().items);
    assert_eq!(expected.len(), 40);

    let submitter = builder(&sandbox).build().unwrap();
    let hooked = slug.clone();
    let watch = Watch::new().hook(move |n| {
        let (submitter, clock, slug) = (submitter.clone(), clock.clone(), hooked.clone());
        async move {
            if n == 1 {
                submitter.apps().workflows().run(&slug).await.unwrap();
                clock.advance(Duration::from_secs(40));
            }
        }
    });
    let watched = builder(&sandbox).with_layer(watch.clone()).build().unwrap();
    let listed = qualified(
        watched
            .apps()
            .runs()
            .search()
            .slug(&slug)
            .size(4)
            .concurrency(4)
            .stream()
            .try_collect()
            .await
            .unwrap(),
    );
    assert_eq!(
        listed, expected,
        "each run once, in order, none started meanwhile"
    );
    let started = watch.log.lock().unwrap().started_with.clone();
    assert_eq!(started.len(), 10);
    assert_eq!(started.iter().max(), Some(&4));
    assert_eq!(
        apps.runs()
            .search()
            .slug(&slug)
            .page()
            .await
            .unwrap()
            .total
            .map(|total| total.value),
        Some(41),
        "a run was started during the listing"
    );
}

/// Waits (yielding, at most 10,000 times) until `done` holds.
async fn until(what: &str, done: impl Fn() -> bool) {
    for _ in 0..10_000 {
        if done() {
            return;
        }
        tokio::task::yield_now().await;
    }
    panic!("{what}");
}

/// Each page in flight is a task of its own: dropping the listing stops them, and none goes on
/// with nobody to read it.
#[tokio::test]
async fn a_dropped_listing_stops_its_pages_in_flight() {
    let (_clock, sandbox, _) = synthetic(1_000).await;
    let held = Arc::new(());
    let token = held.clone();
    // Every page after the first waits for ever, holding a clone of the token.
    let watch = Watch::new().hook(move |n| {
        let token = (n >= 1).then(|| token.clone());
        async move {
            if let Some(_held) = token {
                std::future::pending::<()>().await;
            }
        }
    });
    let watched = builder(&sandbox).with_layer(watch).build().unwrap();
    let mut pages = every_run(&watched, 20).concurrency(8).pages();
    assert_eq!(pages.next().await.unwrap().unwrap().items.len(), 20);
    // The hook holds one; each of the 8 pages in flight one more.
    tokio::select! {
        _ = pages.next() => panic!("a page that waits for ever came"),
        () = until("8 pages in flight", || Arc::strong_count(&held) == 10) => {}
    }
    drop(pages);
    until("the pages in flight stopped", || {
        Arc::strong_count(&held) == 2
    })
    .await;
}

/// A page's fetch that panics panics the listing's reader, as it would without a task of its own.
#[tokio::test]
#[should_panic(expected = "the fetch of page 2 panicked")]
async fn a_fetch_that_panics_panics_the_reader() {
    let (_clock, sandbox, _) = synthetic(1_000).await;
    let watch = Watch::new().hook(|n| async move {
        assert_ne!(n, 2, "the fetch of page 2 panicked");
    });
    let watched = builder(&sandbox).with_layer(watch).build().unwrap();
    let _ = every_run(&watched, 20)
        .concurrency(8)
        .stream()
        .try_collect::<Vec<_>>()
        .await;
}
