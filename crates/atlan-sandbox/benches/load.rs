//! The sandbox under load (run with `cargo xtask bench`): 10,000 workflows and 100,000 runs, 32
//! concurrent loopback clients, each on its own keep-alive connection.
//!
//! Targets, on the 2-core machine with clients and server sharing the cores:
//! - `find_by_id` at least 5,000 requests/s;
//! - a runs-by-status-and-time search p99 under 50 ms;
//! - 32 clients × 500 mixed writes: no lost update and no 5xx (none is injected);
//! - the asset search an idempotent submit sends, over 11,000 app assets (1,000 app
//!   workflows with 10 runs each), p99 under 50 ms.
//!
//! Prints the figures, and exits non-zero when a target is missed or a write is lost. Arguments
//! after `--bench` pick steps: `find_by_id`, `runs`, `wide`, `writes`, `persisted` (all by default),
//! `assets`, e.g. `cargo bench -p atlan-sandbox --bench load -- runs`.

#![allow(
    missing_docs,
    clippy::print_stdout,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "../tests/load/mod.rs"]
mod load;

use std::process::ExitCode;
use std::time::{Duration, Instant};

use atlan_sandbox::{Sandbox, Seed};
use common::Api;

const WORKFLOWS: usize = 10_000;
const RUNS: usize = 100_000;
const CLIENTS: usize = 32;

fn main() -> ExitCode {
    common::bench_main(run)
}

/// Whether the step `name` was asked for (every step when none is named).
fn wants(name: &str) -> bool {
    let named: Vec<String> = std::env::args()
        .skip(1)
        .filter(|argument| !argument.starts_with('-'))
        .collect();
    named.is_empty() || named.iter().any(|wanted| wanted == name)
}

struct Verdict {
    missed: Vec<String>,
}

impl Verdict {
    fn check(&mut self, what: &str, ok: bool, figure: String) {
        println!(
            "  {:<44} {figure:<28} {}",
            what,
            if ok { "ok" } else { "MISSED" }
        );
        if !ok {
            self.missed.push(format!("{what}: {figure}"));
        }
    }
}

async fn run() -> ExitCode {
    let mut verdict = Verdict { missed: Vec::new() };
    let loading = Instant::now();
    let sandbox = Sandbox::builder()
        .seed(Seed::Synthetic {
            workflows: WORKFLOWS,
            runs: RUNS,
        })
        .start()
        .await
        .unwrap();
    println!(
        "sandbox: {WORKFLOWS} workflows, {RUNS} runs, started in {:.2?}",
        loading.elapsed()
    );
    let base = sandbox.base_url();
    let key = sandbox.api_key().to_owned();
    let api = Api::new(&base, &key);
    let names = load::workflow_names(&api, WORKFLOWS).await;
    assert_eq!(names.len(), WORKFLOWS);
    if wants("find_by_id") {
        find_by_id(&base, &key, names, &mut verdict).await;
    }
    if wants("runs") {
        runs_by_status(&base, &key, &mut verdict).await;
    }
    if wants("wide") {
        wide_runs_by_status(&base, &key).await;
    }
    if wants("writes") {
        mixed_writes(&base, &key, &api, &mut verdict).await;
    }
    sandbox.shutdown().await;
    if wants("assets") {
        asset_search(&mut verdict).await;
    }
    if wants("persisted") {
        persisted_writes(&mut verdict).await;
    }
    println!("peak resident memory: {}", peak_memory());

    if verdict.missed.is_empty() {
        ExitCode::SUCCESS
    } else {
        println!("missed: {:#?}", verdict.missed);
        ExitCode::FAILURE
    }
}

async fn find_by_id(base: &str, key: &str, names: Vec<String>, verdict: &mut Verdict) {
    let found = load::read_load(
        base,
        key,
        CLIENTS,
        500,
        "/api/service/workflows/indexsearch",
        move |client, request| load::find_by_id_body(&names, client, request),
    )
    .await;
    println!("find_by_id ({CLIENTS} clients × 500): {}", found.summary());
    verdict.check(
        "find_by_id at least 5,000 req/s",
        found.failed.is_empty() && found.per_second() >= 5_000.0,
        format!("{:.0} req/s", found.per_second()),
    );
}

async fn runs_by_status(base: &str, key: &str, verdict: &mut Verdict) {
    let runs = load::read_load(
        base,
        key,
        CLIENTS,
        50,
        "/api/service/runs/indexsearch",
        load::runs_by_status_body,
    )
    .await;
    println!(
        "runs by status and time, Atlan's documented search ({CLIENTS} clients × 50): {}",
        runs.summary()
    );
    verdict.check(
        "runs-by-status search p99 under 50 ms",
        runs.failed.is_empty() && runs.quantile(0.99) < Duration::from_millis(50),
        format!("p99 {:.2?}", runs.quantile(0.99)),
    );
}

/// Not a target: thousands of matches each, to show where the time goes as results grow.
async fn wide_runs_by_status(base: &str, key: &str) {
    let wide = load::read_load(
        base,
        key,
        CLIENTS,
        20,
        "/api/service/runs/indexsearch",
        load::wide_runs_by_status_body,
    )
    .await;
    println!(
        "runs by status, started in the last 1-48 h, no finish bound ({CLIENTS} clients × 20): {}",
        wide.summary()
    );
}

async fn mixed_writes(base: &str, key: &str, api: &Api, verdict: &mut Verdict) {
    let hot = load::workflow_names(api, 8).await;
    let before = load::before(api, &hot).await;
    let writes = load::mixed_writes(base, key, CLIENTS, 500, &hot).await;
    println!(
        "mixed writes ({CLIENTS} clients × 500, in memory): {} writes in {:.2?}, {:.0} writes/s",
        writes.writes,
        writes.elapsed,
        writes.writes as f64 / writes.elapsed.as_secs_f64()
    );
    let lost = load::lost_updates(api, &before, &writes).await;
    verdict.check(
        "mixed writes: no 5xx, no other failure",
        writes.failures.is_empty(),
        format!("{} failed", writes.failures.len()),
    );
    verdict.check(
        "mixed writes: no lost update",
        lost.is_empty(),
        format!("{} lost", lost.len()),
    );
    for failure in writes.failures.iter().take(5) {
        println!("    {failure:?}");
    }
    for missing in lost.iter().take(5) {
        println!("    {missing}");
    }
}

const APP_WORKFLOWS: usize = 1_000;
const RUNS_PER_APP: usize = 10;

/// The Atlas search of an idempotent submit (is a run of this workflow Pending or Running?), over
/// 1,000 app workflows and 10,000 runs, on a sandbox of its own.
async fn asset_search(verdict: &mut Verdict) {
    let sandbox = Sandbox::builder()
        .seed(Seed::Empty)
        .run_durations(Duration::ZERO, Duration::ZERO)
        .start()
        .await
        .unwrap();
    let (base, key) = (sandbox.base_url(), sandbox.api_key().to_owned());
    let loading = Instant::now();
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|client| {
            let api = Api::new(&base, &key);
            tokio::spawn(async move {
                let mut slugs = Vec::new();
                for index in (client..APP_WORKFLOWS).step_by(CLIENTS) {
                    let body = serde_json::json!({"app_id": "atlan-athena", "name": format!("w{index}"),
                        "run": false, "inputs": {"extraction_method": "direct", "credential_guid": "g",
                        "connection": {"typeName": "Connection", "attributes": {"qualifiedName": "default/athena/1"}}}});
                    let (status, created) = api.post("/api/service/v1/app", &body).await;
                    assert!(status.is_success(), "{created}");
                    slugs.push(created["slug"].as_str().unwrap().to_owned());
                }
                // Round after round, so that a workflow's run (1 ms long) has ended before its
                // next submit; a submit that still meets it is sent again, a bounded number of
                // times.
                for _ in 0..RUNS_PER_APP {
                    for slug in &slugs {
                        let path = format!("/api/service/v1/app/{slug}/submit");
                        let mut attempts = 0;
                        loop {
                            let (status, run) = api.post_empty(&path).await;
                            if status.is_success() {
                                break;
                            }
                            attempts += 1;
                            assert!(attempts < 1_000, "{run}");
                            tokio::task::yield_now().await;
                        }
                    }
                }
                slugs
            })
        })
        .collect();
    let mut slugs = Vec::new();
    for task in tasks {
        slugs.extend(task.await.unwrap());
    }
    println!(
        "{APP_WORKFLOWS} app workflows and {} runs made in {:.2?}",
        APP_WORKFLOWS * RUNS_PER_APP,
        loading.elapsed()
    );
    let searched = load::read_load(
        &base,
        &key,
        CLIENTS,
        50,
        "/api/meta/search/indexsearch",
        move |client, request| {
            let slug = &slugs[(client * 50 + request) % slugs.len()];
            serde_json::to_value(atlan_query::apps::active_runs(slug).unwrap()).unwrap()
        },
    )
    .await;
    println!(
        "asset search of an idempotent submit over 11,000 assets ({CLIENTS} clients × 50): {}",
        searched.summary()
    );
    verdict.check(
        "asset search p99 under 50 ms",
        searched.failed.is_empty() && searched.quantile(0.99) < Duration::from_millis(50),
        format!("p99 {:.2?}", searched.quantile(0.99)),
    );
    sandbox.shutdown().await;
}

/// The same writes with `--state`: every acknowledged write is fsynced first.
async fn persisted_writes(verdict: &mut Verdict) {
    let directory = std::env::temp_dir().join(format!("atlan-sandbox-load-{}", std::process::id()));
    std::fs::create_dir_all(&directory).unwrap();
    let state = directory.join("state.jsonl");
    let sandbox = Sandbox::builder()
        .seed(Seed::Synthetic {
            workflows: 1_000,
            runs: 10_000,
        })
        .state(&state)
        .start()
        .await
        .unwrap();
    let api = Api::new(&sandbox.base_url(), sandbox.api_key());
    let hot = load::workflow_names(&api, 8).await;
    let before = load::before(&api, &hot).await;
    let writes =
        load::mixed_writes(&sandbox.base_url(), sandbox.api_key(), CLIENTS, 100, &hot).await;
    println!(
        "mixed writes ({CLIENTS} clients × 100, --state, fsync per write): {} writes in {:.2?}, {:.0} writes/s",
        writes.writes,
        writes.elapsed,
        writes.writes as f64 / writes.elapsed.as_secs_f64()
    );
    let lost = load::lost_updates(&api, &before, &writes).await;
    verdict.check(
        "persisted writes: none failed or lost",
        writes.failures.is_empty() && lost.is_empty(),
        format!("{} failed, {} lost", writes.failures.len(), lost.len()),
    );
    sandbox.shutdown().await;
    let _ = std::fs::remove_dir_all(&directory);
}

/// The process's peak resident set, from `/proc/self/status` (Linux); "unknown" elsewhere.
fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmHWM:"))
                .map(|line| line.trim_start_matches("VmHWM:").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}
