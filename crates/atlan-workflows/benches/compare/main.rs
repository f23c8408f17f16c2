//! atlan side by side with the official Python SDK, in one run (`cargo xtask bench`, or
//! `cargo xtask bench --quick` for a short version): listing a status search of ~10,000 runs in
//! pages of 100 with 0 and 100 ms added to each search answer (the facade's stream, the CLI with
//! `--all -o json`, pyatlan 10.0.0, and the floor: the facade's requests from a bare hyper
//! client at the same concurrency, bodies discarded); typed decode against `serde_json::Value`
//! and pyatlan's parse; streaming 100,000 runs; the sandbox under 32 clients; and a chart of
//! listing time against latency (0, 25, 50, 100, 200 ms).
//!
//! Every client runs as a process of its own under a measuring wrapper (wall, CPU and peak RSS
//! from the OS). Writes `target/bench/report.md` and `target/bench/listing-latency.svg`, prints
//! the report, and exits non-zero when a target is missed.

#![allow(
    missing_docs,
    unreachable_pub,
    clippy::print_stdout,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::cast_precision_loss
)]

mod clients;
mod python;
mod report;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode};
use std::time::{Duration, Instant};

use atlan_testkit::Recorder;
use atlan_workflows::model::WorkflowSearchResponse;
use atlan_workflows::{AtlanClient, DryRun, WorkflowPhase, WorkflowRoute};
use bytes::Bytes;
use futures_util::TryStreamExt;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use plotters::style::RGBColor;
use python::Python;
use report::{Figures, Report, Sample, Series, cpu, listing, rss, wall};

const KEY: &str = "bench-key";
/// Runs in the listing tenant: about 10,000 of them Succeeded with a creator label.
const LISTING_TENANT: &str = "50,13600";
/// Runs in the streaming tenant: about 100,000 listed.
const STREAM_TENANT: &str = "50,110000";
const PAGE: usize = 100;
const CONCURRENCY: usize = atlan_workflows::DEFAULT_CONCURRENCY;
const SEARCH_ROUTE: &str = "POST /api/service/runs/indexsearch";

struct Settings {
    quick: bool,
    /// Measured runs of the 0 and 100 ms cases (after one warm-up).
    rounds: usize,
    /// The chart's latencies (ms); 0 and 100 are always measured in full.
    latencies: Vec<u64>,
    stream_tenant: &'static str,
    load_for: Duration,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("client") {
        clients::main(&args[1..]);
        return ExitCode::SUCCESS;
    }
    if !args.iter().any(|argument| argument == "--bench") {
        return ExitCode::SUCCESS;
    }
    let quick = args.iter().any(|argument| argument == "--quick");
    let settings = if quick {
        Settings {
            quick,
            rounds: 1,
            latencies: vec![0, 100],
            stream_tenant: "20,33000",
            load_for: Duration::from_secs(1),
        }
    } else {
        Settings {
            quick,
            rounds: 3,
            latencies: vec![0, 25, 50, 100, 200],
            stream_tenant: STREAM_TENANT,
            load_for: Duration::from_secs(3),
        }
    };
    let missed = run(&settings);
    if missed.is_empty() {
        ExitCode::SUCCESS
    } else {
        println!("missed: {missed:#?}");
        ExitCode::FAILURE
    }
}

fn run(settings: &Settings) -> Vec<String> {
    let target = target_dir();
    let out = target.join("bench");
    std::fs::create_dir_all(&out).unwrap();
    build(&[
        "-p",
        "atlan-sandbox",
        "--bin",
        "atlan-sandbox",
        "-p",
        "atlan-cli",
        "--bin",
        "atlanctl",
    ]);
    let python = Python::install(&target, &out);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut report = Report::default();
    report.line(&format!(
        "# atlan vs pyatlan {}{}\n\nMachine: {}. Listing tenant: synthetic `{LISTING_TENANT}` \
         (workflows,runs), status search `Succeeded`, pages of {PAGE}, atlan's default concurrency \
         {CONCURRENCY}. Times are medians of {} runs after a warm-up (min–max in brackets); CPU and \
         peak RSS are the client process's, from the OS.",
        python::PYATLAN,
        if settings.quick { " (quick)" } else { "" },
        machine(),
        settings.rounds
    ));

    let sandbox = Sandbox::start(&target, LISTING_TENANT);
    let recorded = runtime.block_on(record(&sandbox.url));
    let requests_file = out.join("floor-requests.jsonl");
    std::fs::write(
        &requests_file,
        recorded
            .iter()
            .map(|(uri, body)| {
                serde_json::to_string(&(uri, String::from_utf8_lossy(body))).unwrap()
            })
            .collect::<Vec<_>>()
            .join("\n"),
    )
    .unwrap();
    let bench = std::env::current_exe().unwrap();
    let cli = target.join("release/atlanctl");
    let measured = |client: &str| -> Sample {
        let mut command = Command::new(&python.python);
        command
            .arg(&python.measure)
            .env("ATLAN_BASE_URL", &sandbox.url)
            .env("ATLAN_API_KEY", KEY);
        let concurrency = CONCURRENCY.to_string();
        match client {
            "facade" => command.arg(&bench).args([
                "client",
                "facade",
                &sandbox.url,
                KEY,
                &PAGE.to_string(),
                &concurrency,
                "succeeded",
            ]),
            "floor" => command
                .arg(&bench)
                .args(["client", "floor", &sandbox.url, KEY, &concurrency])
                .arg(&requests_file),
            "cli" => command.arg(&cli).args([
                "-o",
                "json",
                "runs",
                "search",
                "--api",
                "legacy",
                "--status",
                "Succeeded",
                "--all",
                "--size",
                "100",
            ]),
            "pyatlan" => command.arg(&python.python).arg(&python.list),
            other => panic!("{other}"),
        };
        measure(&mut command)
    };

    let clients = ["facade", "cli", "pyatlan", "floor"];
    let mut by_latency: Vec<(u64, Vec<Figures>)> = Vec::new();
    for &latency in &settings.latencies {
        runtime.block_on(set_latency(&sandbox.url, latency));
        let full = latency == 0 || latency == 100;
        let rounds = if full { settings.rounds } else { 1 };
        let warm_up = full && !settings.quick;
        let mut figures = vec![Figures::default(); clients.len()];
        for round in 0..rounds + usize::from(warm_up) {
            for (client, figures) in clients.iter().zip(&mut figures) {
                let sample = measured(client);
                if !(warm_up && round == 0) {
                    figures.0.push(sample);
                }
            }
        }
        println!(
            "latency {latency} ms: facade {:.2} s, cli {:.2} s, pyatlan {:.2} s, floor {:.2} s",
            figures[0].median(listing),
            figures[1].median(listing),
            figures[2].median(listing),
            figures[3].median(listing)
        );
        by_latency.push((latency, figures));
    }
    runtime.block_on(set_latency(&sandbox.url, 0));
    listing_sections(&mut report, &by_latency);
    chart_section(&mut report, &out, &by_latency);

    let (runs_page, workflows_page) = runtime.block_on(pages(&sandbox.url, &recorded));
    decode_section(&mut report, &python, &out, &runs_page, &workflows_page);
    runtime.block_on(load_section(
        &mut report,
        &sandbox.url,
        &recorded,
        settings.load_for,
    ));
    drop(sandbox);

    stream_section(
        &mut report,
        &target,
        &python,
        &bench,
        settings.stream_tenant,
    );

    let text = report.render();
    std::fs::write(out.join("report.md"), &text).unwrap();
    println!("{text}\nwritten to {}", out.join("report.md").display());
    report.missed()
}

/// Listing tables at 0 and 100 ms, and their targets.
fn listing_sections(report: &mut Report, by_latency: &[(u64, Vec<Figures>)]) {
    for (latency, figures) in by_latency
        .iter()
        .filter(|(latency, _)| *latency == 0 || *latency == 100)
    {
        let [facade, cli, pyatlan, floor] = &figures[..] else {
            continue;
        };
        report.section(&format!(
            "Listing {} runs, {latency} ms added per search answer",
            facade.0[0].items
        ));
        report.line("| client | listing time | vs pyatlan | CPU | peak RSS |");
        report.line("|---|---|---|---|---|");
        let py = pyatlan.median(listing);
        for (name, figures) in [
            ("atlan facade (stream)", facade),
            ("atlan CLI (`--all -o json`)", cli),
            ("pyatlan 10.0.0", pyatlan),
            ("floor (bare hyper, bodies discarded)", floor),
        ] {
            report.line(&format!(
                "| {name} | {} | {:.1}x | {} | {} |",
                figures.cell(listing, " s", 1.0),
                py / figures.median(listing),
                figures.cell(cpu, " s", 1.0),
                figures.cell(rss, " MiB", 1.0 / 1024.0),
            ));
        }
        let speedup = py / facade.median(listing);
        let need = if *latency == 0 { 10.0 } else { 5.0 };
        report.target(
            format!("{latency} ms: atlan ≥ {need}x faster than pyatlan"),
            format!("{speedup:.1}x"),
            speedup >= need,
        );
        // The CLI keeps what the facade wins.
        let cli_speedup = py / cli.median(listing);
        report.target(
            format!("{latency} ms: atlan CLI ≥ {need}x faster than pyatlan"),
            format!("{cli_speedup:.1}x"),
            cli_speedup >= need,
        );
        let over_facade = cli.median(listing) / facade.median(listing);
        report.target(
            format!("{latency} ms: atlan CLI within 1.3x of the facade"),
            format!("{over_facade:.2}x"),
            over_facade <= 1.3,
        );
        // For scale, not a target: the CLI's figure is its whole process, the facade's its
        // listing alone; process to process, both pay a start.
        report.line(&format!(
            "\nProcess to process (start and exit included): facade {}, CLI {}: the CLI {:.2}x the \
             facade.",
            facade.cell(wall, " s", 1.0),
            cli.cell(wall, " s", 1.0),
            cli.median(wall) / facade.median(wall),
        ));
        if *latency == 100 {
            let over_floor = facade.median(listing) / floor.median(listing);
            report.target(
                "100 ms: atlan within 1.3x of the floor",
                format!("{over_floor:.2}x"),
                over_floor <= 1.3,
            );
        } else {
            let cpu_ratio = pyatlan.median(cpu) / facade.median(cpu);
            let rss_ratio = pyatlan.median(rss) / facade.median(rss);
            report.target(
                "client CPU ≥ 10x lower than pyatlan's",
                format!("{cpu_ratio:.1}x"),
                cpu_ratio >= 10.0,
            );
            report.target(
                "peak RSS ≥ 8x lower than pyatlan's",
                format!("{rss_ratio:.1}x"),
                rss_ratio >= 8.0,
            );
        }
    }
}

/// The chart of listing time against latency.
fn chart_section(report: &mut Report, out: &Path, by_latency: &[(u64, Vec<Figures>)]) {
    let line = |index: usize, name: &'static str, color: RGBColor| Series {
        name,
        color,
        points: by_latency
            .iter()
            .map(|(latency, figures)| (*latency as f64, figures[index].median(listing)))
            .collect(),
    };
    let series = [
        line(0, "atlan facade", RGBColor(0xd9, 0x48, 0x1c)),
        line(1, "atlan CLI", RGBColor(0xf2, 0x9e, 0x4c)),
        line(2, "pyatlan 10.0.0", RGBColor(0x30, 0x69, 0x98)),
        line(3, "floor (bare hyper)", RGBColor(0x70, 0x70, 0x70)),
    ];
    let path = out.join("listing-latency.svg");
    report::chart(&path, "Listing ~10,000 runs in pages of 100", &series).unwrap();
    report.section("Listing time against latency");
    report.line("| added latency | atlan facade | atlan CLI | pyatlan 10.0.0 | floor |");
    report.line("|---|---|---|---|---|");
    for (latency, figures) in by_latency {
        report.line(&format!(
            "| {latency} ms | {:.2} s | {:.2} s | {:.2} s | {:.2} s |",
            figures[0].median(listing),
            figures[1].median(listing),
            figures[2].median(listing),
            figures[3].median(listing)
        ));
    }
    report.line(&format!("\nChart: `{}`", path.display()));
}

/// Typed decode against `serde_json::Value` and pyatlan's parse, in MB/s.
fn decode_section(
    report: &mut Report,
    python: &Python,
    out: &Path,
    runs: &Bytes,
    workflows: &Bytes,
) {
    report.section("Decoding a 100-hit search answer (MB/s)");
    report.line("| page | bytes | atlan-model (typed) | serde_json::Value | pyatlan parse | typed vs pyatlan |");
    report.line("|---|---|---|---|---|---|");
    for (name, body) in [("runs", runs), ("workflows", workflows)] {
        let typed = throughput(body, |bytes| {
            atlan_workflows::model::decode::<WorkflowSearchResponse>(bytes).unwrap();
        });
        let value = throughput(body, |bytes| {
            serde_json::from_slice::<serde_json::Value>(bytes).unwrap();
        });
        let file = out.join(format!("{name}-page.json"));
        std::fs::write(&file, body).unwrap();
        let output = Command::new(&python.python)
            .arg(&python.decode)
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let parsed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let pyatlan = parsed["mb_s"].as_f64().unwrap();
        report.line(&format!(
            "| {name} | {} | {typed:.0} | {value:.0} | {pyatlan:.1} | {:.0}x |",
            body.len(),
            typed / pyatlan
        ));
        report.target(
            format!("{name} page: typed decode ≥ 20x pyatlan's parse"),
            format!("{:.0}x", typed / pyatlan),
            typed >= 20.0 * pyatlan,
        );
        report.target(
            format!("{name} page: typed decode no slower than serde_json::Value"),
            format!("{typed:.0} vs {value:.0} MB/s"),
            typed >= value,
        );
    }
}

/// MB/s of `decode` over `body`, repeated for about a second after a warm-up.
fn throughput(body: &Bytes, decode: impl Fn(&[u8])) -> f64 {
    for _ in 0..50 {
        decode(body);
    }
    let started = Instant::now();
    let mut count = 0_u64;
    while started.elapsed() < Duration::from_secs(1) {
        for _ in 0..20 {
            decode(std::hint::black_box(body));
        }
        count += 20;
    }
    body.len() as f64 * count as f64 / started.elapsed().as_secs_f64() / 1e6
}

/// Streaming ~100,000 runs through the facade in a process of its own: its peak RSS.
fn stream_section(report: &mut Report, target: &Path, python: &Python, bench: &Path, tenant: &str) {
    let sandbox = Sandbox::start(target, tenant);
    let sample = measure(
        Command::new(&python.python)
            .arg(&python.measure)
            .arg(bench)
            .args([
                "client",
                "facade",
                &sandbox.url,
                KEY,
                &PAGE.to_string(),
                &CONCURRENCY.to_string(),
                "every",
            ]),
    );
    report.section("Streaming every run through the facade");
    report.line(&format!(
        "{} runs (tenant `{tenant}`) in pages of {PAGE}: {:.2} s, CPU {:.2} s, peak RSS {:.1} MiB.",
        sample.items,
        sample.listing,
        sample.cpu,
        sample.rss_kib / 1024.0
    ));
    report.target(
        format!("streaming {} runs under 64 MiB peak RSS", sample.items),
        format!("{:.1} MiB", sample.rss_kib / 1024.0),
        sample.rss_kib < 64.0 * 1024.0,
    );
}

/// Runs `command` (the measuring wrapper around a client) and reads its figures.
fn measure(command: &mut Command) -> Sample {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let outer: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let inner: serde_json::Value =
        serde_json::from_str(outer["last"].as_str().unwrap_or("{}")).unwrap_or_default();
    Sample {
        listing: inner["listing_s"]
            .as_f64()
            .unwrap_or_else(|| outer["wall"].as_f64().unwrap()),
        wall: outer["wall"].as_f64().unwrap(),
        cpu: outer["cpu"].as_f64().unwrap(),
        rss_kib: outer["rss_kib"].as_f64().unwrap(),
        items: inner["items"]
            .as_u64()
            .unwrap_or_else(|| outer["lines"].as_u64().unwrap()),
    }
}

/// The facade's requests for the status search (URI and body each), to replay as the floor.
async fn record(url: &str) -> Vec<(String, Bytes)> {
    let recorder = Recorder::default();
    let client = AtlanClient::builder()
        .base_url(url)
        .api_key(KEY)
        .route(WorkflowRoute::Workflows)
        .with_layer(recorder.clone())
        .build()
        .unwrap();
    let count = client
        .runs()
        .search()
        .phase(WorkflowPhase::Succeeded)
        .size(PAGE as u64)
        .concurrency(CONCURRENCY)
        .stream()
        .try_fold(0_u64, |n, _| async move { Ok(n + 1) })
        .await
        .unwrap();
    println!("the status search lists {count} runs");
    recorder
        .take()
        .into_iter()
        .map(|request| (request.uri, request.body))
        .collect()
}

/// A bare HTTP client's answer to `POST {url}{uri}`.
async fn post(url: &str, uri: &str, body: Bytes) -> Bytes {
    let bare = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let request = http::Request::post(format!("{url}{uri}"))
        .header("authorization", format!("Bearer {KEY}"))
        .header("content-type", "application/json")
        .body(Full::new(body))
        .unwrap();
    let response = bare.request(request).await.unwrap();
    assert!(
        response.status().is_success(),
        "{uri}: {}",
        response.status()
    );
    response.into_body().collect().await.unwrap().to_bytes()
}

/// Adds `latency` ms to every search answer of the sandbox (none for 0).
async fn set_latency(url: &str, latency: u64) {
    let bare = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let clear = http::Request::delete(format!("{url}/_sandbox/faults"))
        .header("authorization", format!("Bearer {KEY}"))
        .body(Full::new(Bytes::new()))
        .unwrap();
    assert!(bare.request(clear).await.unwrap().status().is_success());
    if latency > 0 {
        let rule = serde_json::json!({"route": SEARCH_ROUTE, "action": {"kind": "latency", "ms": latency}});
        post(url, "/_sandbox/faults", Bytes::from(rule.to_string())).await;
    }
}

/// A runs page (the status search's first, 100 hits) and a workflows page of 100, as sent.
async fn pages(url: &str, recorded: &[(String, Bytes)]) -> (Bytes, Bytes) {
    let (uri, body) = recorded[0].clone();
    let runs = post(url, &uri, body).await;
    let workflows = post(
        url,
        "/api/service/workflows/indexsearch",
        Bytes::from_static(br#"{"from":0,"size":100,"sort":[{"metadata.creationTimestamp":{"nested":{"path":"metadata"},"order":"desc"}}]}"#),
    )
    .await;
    (runs, workflows)
}

/// 32 clients, each on its own connection, sending `find_by_id` and then the status search for
/// `duration` each: requests/s, p50, p99.
async fn load_section(
    report: &mut Report,
    url: &str,
    recorded: &[(String, Bytes)],
    duration: Duration,
) {
    let dry = AtlanClient::builder()
        .dry_run(DryRun::All)
        .route(WorkflowRoute::Workflows)
        .build()
        .unwrap();
    let workflow = {
        let page: WorkflowSearchResponse =
            serde_json::from_slice(&post(url, &recorded[0].0, recorded[0].1.clone()).await)
                .unwrap();
        page.into_hits()[0]
            .workflow_template_name()
            .unwrap()
            .to_owned()
    };
    let error = dry.workflows().get(&workflow).await.unwrap_err();
    let by_id = error.dry_run_request().unwrap().to_http().unwrap();
    let cases = [
        ("find_by_id", by_id.uri().to_string(), by_id.body().clone()),
        (
            "status search (100 hits)",
            recorded[0].0.clone(),
            recorded[0].1.clone(),
        ),
    ];
    report.section("The sandbox under 32 concurrent clients");
    report.line(&format!("Each client on its own keep-alive connection, {duration:?} per request kind, clients and server sharing the 2 cores.\n"));
    report.line("| request | requests/s | p50 | p99 |");
    report.line("|---|---|---|---|");
    for (name, uri, body) in cases {
        let started = Instant::now();
        let tasks: Vec<_> = (0..32)
            .map(|_| {
                let (url, uri, body) = (url.to_owned(), uri.clone(), body.clone());
                tokio::spawn(async move {
                    let bare = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
                    let mut latencies = Vec::new();
                    while started.elapsed() < duration {
                        let request = http::Request::post(format!("{url}{uri}"))
                            .header("authorization", format!("Bearer {KEY}"))
                            .header("content-type", "application/json")
                            .body(Full::new(body.clone()))
                            .unwrap();
                        let sent = Instant::now();
                        let response = bare.request(request).await.unwrap();
                        assert!(response.status().is_success());
                        drop(response.into_body().collect().await.unwrap());
                        latencies.push(sent.elapsed());
                    }
                    latencies
                })
            })
            .collect();
        let mut latencies = Vec::new();
        for task in tasks {
            latencies.extend(task.await.unwrap());
        }
        let elapsed = started.elapsed().as_secs_f64();
        latencies.sort();
        let at = |quantile: f64| {
            latencies[((latencies.len() as f64 * quantile) as usize).min(latencies.len() - 1)]
        };
        let rate = latencies.len() as f64 / elapsed;
        report.line(&format!(
            "| {name} | {rate:.0} | {:.1?} | {:.1?} |",
            at(0.5),
            at(0.99)
        ));
        if name == "find_by_id" {
            report.target(
                "sandbox find_by_id ≥ 5,000 req/s (32 clients)",
                format!("{rate:.0} req/s"),
                rate >= 5_000.0,
            );
        } else {
            report.target(
                "sandbox status search p99 < 50 ms (32 clients)",
                format!("{:.1?}", at(0.99)),
                at(0.99) < Duration::from_millis(50),
            );
        }
    }
}

/// The machine, for the report.
fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split(':').nth(1))
                .map(|name| name.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    format!("{cores} cores ({cpu}), Linux")
}

/// `cargo build --release --locked` of these packages' binaries.
fn build(args: &[&str]) {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--release", "--locked", "--quiet"])
        .args(args)
        .status()
        .unwrap();
    assert!(status.success(), "cannot build {args:?}");
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"),
        PathBuf::from,
    )
}

/// The `atlan-sandbox` binary serving a synthetic tenant on a free port.
struct Sandbox {
    child: Child,
    url: String,
}

impl Sandbox {
    fn start(target: &Path, tenant: &str) -> Self {
        let binary = target.join("release/atlan-sandbox");
        let started = Instant::now();
        let (child, url) = atlan_testkit::server::spawn(Command::new(&binary).args([
            "--api-key",
            KEY,
            "--synthetic",
            tenant,
        ]))
        .unwrap();
        println!(
            "sandbox with synthetic {tenant} at {url} (loaded in {:.1?})",
            started.elapsed()
        );
        Self { child, url }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
