//! The Rust clients, each run as a process of its own (this bench re-executed with `client …`)
//! so that its CPU time and peak RSS are its own: the facade's stream, and the floor (the same
//! requests from a bare hyper client at the same concurrency, bodies discarded).

use std::time::Instant;

use atlan_workflows::{AtlanClient, WorkflowPhase, WorkflowRoute};
use bytes::Bytes;
use futures_util::{StreamExt, TryStreamExt, stream};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

/// The phases of the 100,000-run stream: every run.
pub const EVERY_PHASE: [WorkflowPhase; 5] = [
    WorkflowPhase::Succeeded,
    WorkflowPhase::Failed,
    WorkflowPhase::Error,
    WorkflowPhase::Running,
    WorkflowPhase::Pending,
];

/// `client facade URL KEY SIZE CONCURRENCY EVERY` or `client floor URL KEY CONCURRENCY FILE`;
/// prints `{"items": N, "listing_s": S}`.
pub fn main(args: &[String]) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let arg = |n: usize| args.get(n).cloned().unwrap_or_default();
    let number = |n: usize| arg(n).parse::<usize>().unwrap();
    let (items, listing) = runtime.block_on(async {
        match arg(0).as_str() {
            "facade" => facade(&arg(1), &arg(2), number(3), number(4), arg(5) == "every").await,
            "floor" => floor(&arg(1), &arg(2), number(3), &arg(4)).await,
            other => panic!("unknown client {other}"),
        }
    });
    println!("{{\"items\": {items}, \"listing_s\": {listing}}}");
}

/// A client for the bench's sandbox.
pub fn client(url: &str, key: &str) -> AtlanClient {
    AtlanClient::builder()
        .base_url(url)
        .api_key(key)
        .route(WorkflowRoute::Workflows)
        .build()
        .unwrap()
}

/// The status search through the facade's stream: every Succeeded run (or every run).
async fn facade(url: &str, key: &str, size: usize, concurrency: usize, every: bool) -> (u64, f64) {
    let client = client(url, key);
    let phases: &[WorkflowPhase] = if every {
        &EVERY_PHASE
    } else {
        &EVERY_PHASE[..1]
    };
    let started = Instant::now();
    let items = client
        .runs()
        .search()
        .phases(phases.iter().cloned())
        .size(size as u64)
        .concurrency(concurrency)
        .stream()
        .try_fold(0_u64, |n, _| async move { Ok(n + 1) })
        .await
        .unwrap();
    (items, started.elapsed().as_secs_f64())
}

/// The recorded requests (`FILE`: a JSON line `[uri, body]` each), the first alone and the rest
/// with `concurrency` in flight, as the facade sends them; bodies read and dropped.
async fn floor(url: &str, key: &str, concurrency: usize, file: &str) -> (u64, f64) {
    let requests: Vec<(String, Bytes)> = std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .map(|line| {
            let (uri, body): (String, String) = serde_json::from_str(line).unwrap();
            (uri, Bytes::from(body))
        })
        .collect();
    let bare = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let send = |(uri, body): (String, Bytes)| {
        let bare = bare.clone();
        let request = http::Request::post(format!("{url}{uri}"))
            .header("authorization", format!("Bearer {key}"))
            .header("content-type", "application/json")
            .body(Full::new(body))
            .unwrap();
        async move {
            let response = bare.request(request).await.unwrap();
            assert!(response.status().is_success());
            response
                .into_body()
                .collect()
                .await
                .unwrap()
                .to_bytes()
                .len()
        }
    };
    let started = Instant::now();
    let mut requests = requests.into_iter();
    let first = requests.next().unwrap();
    send(first).await;
    let rest = stream::iter(requests)
        .map(send)
        .buffered(concurrency)
        .count()
        .await;
    (rest as u64 + 1, started.elapsed().as_secs_f64())
}
