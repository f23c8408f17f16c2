//! Workflows as code at fleet size (run with `cargo xtask bench`): a sandbox server process with
//! 1,000 app workflows, 100 ms added to every answer; `export` and `plan` of all of them (time and
//! requests, counted by the sandbox), and `apply` of 200 changes at `--concurrency 8` against the
//! same changes one at a time (`--concurrency 1`, what a loop of updates does).
//!
//! Targets: `export` and `plan` each under 60 s; the concurrent apply at least 4x the sequential.
//! Prints the figures, and exits non-zero when a target is missed.

#![allow(
    missing_docs,
    clippy::print_stdout,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/mod.rs"]
mod support;

use std::path::Path;
use std::process::{Command, ExitCode, Output};
use std::time::{Duration, Instant};

use support::{ATLAN, KEY, Server};

/// App workflows on the tenant.
const WORKFLOWS: usize = 1_000;
/// Changes applied.
const CHANGES: usize = 200;

fn main() -> ExitCode {
    if !std::env::args().any(|argument| argument == "--bench") {
        return ExitCode::SUCCESS;
    }
    let server = Server::spawn(&[]);
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-as-code");
    let _ = std::fs::remove_dir_all(&work);
    let files = work.join("files");
    std::fs::create_dir_all(&files).unwrap();
    let template = template(&server, &work);
    for n in 0..WORKFLOWS {
        std::fs::write(
            files.join(format!("bench-{n:04}.yaml")),
            named(&template, n, true),
        )
        .unwrap();
    }
    let started = Instant::now();
    server.ok(&[
        "apply",
        "-f",
        path(&files),
        "--yes",
        "--concurrency",
        "16",
        "--journal",
        path(&work.join("setup.jsonl")),
    ]);
    println!(
        "setup: {WORKFLOWS} app workflows created by apply at 0 ms in {:.1?}",
        started.elapsed()
    );

    let mut missed = Vec::new();
    server.latency(100);
    let out = work.join("out");
    let (export, requests) = server.counted(&["export", "--dir", path(&out)]);
    println!(
        "export of {WORKFLOWS} app workflows at 100 ms per answer: {export:.2?}, {requests} requests (target < 60 s)"
    );
    let (plan, requests) = server.counted(&["plan", "-f", path(&files)]);
    println!(
        "plan of {WORKFLOWS} files, nothing to change, at 100 ms per answer: {plan:.2?}, {requests} requests (target < 60 s)"
    );
    for (what, took) in [("export", export), ("plan", plan)] {
        if took >= Duration::from_secs(60) {
            missed.push(format!("{what} {took:.1?}"));
        }
    }

    // 200 changes applied at --concurrency 8, then 200 back one at a time.
    let apply = |lineage: bool, concurrency: &str, journal: &str| {
        for n in 0..CHANGES {
            std::fs::write(
                files.join(format!("bench-{n:04}.yaml")),
                named(&template, n, lineage),
            )
            .unwrap();
        }
        server.counted(&[
            "apply",
            "-f",
            path(&files),
            "--yes",
            "--concurrency",
            concurrency,
            "--journal",
            path(&work.join(journal)),
        ])
    };
    let (concurrent, requests) = apply(false, "8", "concurrent.jsonl");
    let (sequential, sequential_requests) = apply(true, "1", "sequential.jsonl");
    let ratio = sequential.as_secs_f64() / concurrent.as_secs_f64();
    println!(
        "apply of {CHANGES} changes at 100 ms per answer: {concurrent:.2?} at --concurrency 8 ({requests} requests), {sequential:.2?} one at a time ({sequential_requests} requests): {ratio:.1}x (target >= 4x)"
    );
    if ratio < 4.0 {
        missed.push(format!("apply {ratio:.1}x a sequential loop"));
    }
    if missed.is_empty() {
        ExitCode::SUCCESS
    } else {
        println!("missed: {missed:#?}");
        ExitCode::FAILURE
    }
}

fn path(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// The seed's `prod-snowflake` as exported: the file every bench workflow is made from.
fn template(server: &Server, work: &Path) -> String {
    let dir = work.join("template");
    server.ok(&[
        "export",
        "--dir",
        path(&dir),
        "--workflow",
        "prod-snowflake",
    ]);
    std::fs::read_to_string(dir.join("apps-prod-snowflake.yaml")).unwrap()
}

/// `template` as workflow `n`, with lineage on or off.
fn named(template: &str, n: usize, lineage: bool) -> String {
    template
        .replace(
            "metadata:\n  name: prod-snowflake\n",
            &format!("metadata:\n  name: bench-{n:04}\n"),
        )
        .replace(
            "enable_lineage: true",
            &format!("enable_lineage: {lineage}"),
        )
}

/// The bench's use of a sandbox server: commands against it, counted by a fault rule.
trait Counted {
    fn run(&self, args: &[&str]) -> Output;
    fn ok(&self, args: &[&str]);
    fn counted(&self, args: &[&str]) -> (Duration, u64);
}

impl Counted for Server {
    fn run(&self, args: &[&str]) -> Output {
        Command::new(ATLAN)
            .env("ATLAN_BASE_URL", &self.base_url)
            .env("ATLAN_API_KEY", KEY)
            .args(args)
            .output()
            .unwrap()
    }

    fn ok(&self, args: &[&str]) {
        let output = self.run(args);
        assert!(
            output.status.success(),
            "atlanctl {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Runs `args` (it must succeed): how long it took and how many requests the sandbox served.
    fn counted(&self, args: &[&str]) -> (Duration, u64) {
        let before = self.remaining();
        let started = Instant::now();
        self.ok(args);
        (started.elapsed(), before - self.remaining())
    }
}
