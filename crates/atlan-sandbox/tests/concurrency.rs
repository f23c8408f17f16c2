//! Concurrent clients over real sockets: reads answer, and no acknowledged write is lost when many
//! clients update, re-run and create at once. The full-size version with figures is
//! `benches/load.rs` (`cargo xtask bench`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;
mod load;

use atlan_sandbox::{Sandbox, SandboxHandle, Seed};
use common::Api;

/// A sandbox with 200 synthetic workflows and 2,000 runs, and a client for it.
async fn start() -> (SandboxHandle, Api) {
    let sandbox = Sandbox::builder()
        .seed(Seed::Synthetic {
            workflows: 200,
            runs: 2_000,
        })
        .start()
        .await
        .unwrap();
    let api = Api::new(&sandbox.base_url(), sandbox.api_key());
    (sandbox, api)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writes_lose_nothing_and_never_fail() {
    let (sandbox, api) = start().await;
    let hot = load::workflow_names(&api, 4).await;
    assert_eq!(hot.len(), 4);
    let before = load::before(&api, &hot).await;

    let report = load::mixed_writes(&sandbox.base_url(), sandbox.api_key(), 8, 40, &hot).await;

    assert_eq!(report.writes, 320);
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    assert_eq!(report.updates.values().sum::<u64>(), 160);
    let lost = load::lost_updates(&api, &before, &report).await;
    assert!(lost.is_empty(), "{lost:#?}");
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_reads_all_answer() {
    let (sandbox, api) = start().await;
    let names = load::workflow_names(&api, 200).await;
    assert_eq!(names.len(), 200);
    let base = sandbox.base_url();
    let found = load::read_load(
        &base,
        sandbox.api_key(),
        8,
        25,
        "/api/service/workflows/indexsearch",
        move |client, request| load::find_by_id_body(&names, client, request),
    )
    .await;
    assert_eq!(
        (found.ok, found.failed.len()),
        (200, 0),
        "{:?}",
        found.failed
    );
    let runs = load::read_load(
        &base,
        sandbox.api_key(),
        8,
        10,
        "/api/service/runs/indexsearch",
        load::runs_by_status_body,
    )
    .await;
    assert_eq!((runs.ok, runs.failed.len()), (80, 0), "{:?}", runs.failed);
    sandbox.shutdown().await;
}
