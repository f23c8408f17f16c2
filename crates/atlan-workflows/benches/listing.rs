//! Listing runs through the facade (run with `cargo xtask bench`), against the `atlan-sandbox`
//! binary in its own process, so that this process's memory is the client's alone.
//!
//! Targets, on the 2-core machine:
//! - listing 10,000 runs in pages of 100 through the facade (typed, decoded) takes at most 1.3x the
//!   time a bare hyper client takes to send the same requests and discard the bodies;
//! - streaming 100,000 runs keeps memory flat: peak RSS under 64 MiB.
//!
//! Prints the figures, and exits non-zero when a target is missed.

#![allow(
    missing_docs,
    clippy::print_stdout,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::PathBuf;
use std::process::{Child, Command, ExitCode};
use std::time::{Duration, Instant};

use atlan_workflows::{AtlanClient, WorkflowPhase, WorkflowRoute};
use bytes::Bytes;
use futures_util::{StreamExt, TryStreamExt};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use atlan_testkit::Recorder;

const KEY: &str = "bench-key";
const WORKFLOWS: usize = 8;
const RUNS: usize = 120_000;
const LISTED: usize = 10_000;
const STREAMED: usize = 100_000;
const ROUNDS: usize = 5;
/// Runs per page while streaming: the server searches every remaining run for each page, so
/// fewer, larger pages keep the bench short; memory stays one page deep either way.
const STREAM_PAGE: u64 = 500;

fn main() -> ExitCode {
    if !std::env::args().any(|argument| argument == "--bench") {
        return ExitCode::SUCCESS;
    }
    let sandbox = Sandbox::start();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let missed = runtime.block_on(run(&sandbox.base_url));
    drop(sandbox);
    if missed.is_empty() {
        ExitCode::SUCCESS
    } else {
        println!("missed: {missed:#?}");
        ExitCode::FAILURE
    }
}

async fn run(base_url: &str) -> Vec<String> {
    let mut missed = Vec::new();
    let recorder = Recorder::default();
    let client = AtlanClient::builder()
        .base_url(base_url)
        .api_key(KEY)
        .route(WorkflowRoute::Workflows)
        .with_layer(recorder.clone())
        .build()
        .unwrap();
    let workflow = client
        .runs()
        .search()
        .phase(WorkflowPhase::Succeeded)
        .size(1)
        .page()
        .await
        .unwrap()
        .items[0]
        .workflow_template_name()
        .unwrap()
        .to_owned();
    let list = || {
        client
            .runs()
            .list(&workflow)
            .phase(WorkflowPhase::Succeeded)
            .size(100)
            .stream()
            .take(LISTED)
    };
    recorder.clear();
    let count = list()
        .try_fold(0, |n, _| async move { Ok(n + 1) })
        .await
        .unwrap();
    assert_eq!(count, LISTED, "the workflow has enough succeeded runs");
    let requests = recorder.take();
    println!(
        "listing {LISTED} runs of {workflow} in pages of 100: {} requests",
        requests.len()
    );

    let bare = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let mut facade_times = Vec::new();
    let mut bare_times = Vec::new();
    for _ in 0..ROUNDS {
        let started = Instant::now();
        let count = list()
            .try_fold(0, |n, _| async move { Ok(n + 1) })
            .await
            .unwrap();
        facade_times.push(started.elapsed());
        assert_eq!(count, LISTED);
        let started = Instant::now();
        for atlan_testkit::Recorded { uri, body, .. } in &requests {
            let request = http::Request::post(format!("{base_url}{uri}"))
                .header("authorization", format!("Bearer {KEY}"))
                .header("content-type", "application/json")
                .body(Full::new(body.clone()))
                .unwrap();
            let response = bare.request(request).await.unwrap();
            assert!(response.status().is_success());
            drop(response.into_body().collect().await.unwrap());
        }
        bare_times.push(started.elapsed());
    }
    let facade = median(&mut facade_times);
    let bare = median(&mut bare_times);
    let ratio = facade.as_secs_f64() / bare.as_secs_f64();
    println!(
        "  facade (typed, decoded) {facade:.2?} median · bare hyper (bodies discarded) {bare:.2?} median · {ratio:.2}x (target ≤ 1.3x)"
    );
    if ratio > 1.3 {
        missed.push(format!("listing: {ratio:.2}x a bare client"));
    }

    let before = memory("VmRSS");
    let started = Instant::now();
    let streamed = client
        .runs()
        .search()
        .phases([
            WorkflowPhase::Succeeded,
            WorkflowPhase::Failed,
            WorkflowPhase::Error,
            WorkflowPhase::Running,
            WorkflowPhase::Pending,
        ])
        .size(STREAM_PAGE)
        .stream()
        .take(STREAMED)
        .try_fold(0, |n, _| async move { Ok(n + 1) })
        .await
        .unwrap();
    let peak = memory("VmHWM");
    println!(
        "streaming {streamed} runs in pages of {STREAM_PAGE}: {:.2?}; RSS {} KiB before, peak {} KiB (target < 65,536 KiB)",
        started.elapsed(),
        before,
        peak
    );
    if streamed != STREAMED {
        missed.push(format!("streamed {streamed} runs, not {STREAMED}"));
    }
    if peak >= 64 * 1024 {
        missed.push(format!("peak RSS {peak} KiB"));
    }
    missed
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// A field of `/proc/self/status`, in KiB (0 where there is none).
fn memory(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status.lines().find_map(|line| {
                line.strip_prefix(field)?
                    .trim_start_matches(':')
                    .trim()
                    .trim_end_matches(" kB")
                    .parse()
                    .ok()
            })
        })
        .unwrap_or(0)
}

/// The `atlan-sandbox` binary, serving a synthetic tenant on a free port.
struct Sandbox {
    child: Child,
    base_url: String,
}

impl Sandbox {
    fn start() -> Self {
        let binary = sandbox_binary();
        let (child, base_url) = atlan_testkit::server::spawn(Command::new(&binary).args([
            "--api-key",
            KEY,
            "--synthetic",
            &format!("{WORKFLOWS},{RUNS}"),
        ]))
        .unwrap();
        println!(
            "sandbox {} with {WORKFLOWS} workflows and {RUNS} runs at {base_url}",
            binary.display()
        );
        Self { child, base_url }
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A panic in the bench must not leave the server running.
impl Drop for Sandbox {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `target/release/atlan-sandbox`, built first when it is missing.
fn sandbox_binary() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"),
        PathBuf::from,
    );
    let binary = target.join("release/atlan-sandbox");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args([
            "build",
            "--release",
            "--locked",
            "-p",
            "atlan-sandbox",
            "--bin",
            "atlan-sandbox",
        ])
        .status()
        .unwrap();
    assert!(status.success(), "cannot build the sandbox");
    binary
}
