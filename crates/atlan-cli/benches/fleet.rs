//! The operations commands at fleet size (run with `cargo xtask bench --fleet`, also in the full
//! bench): a sandbox server process with a fleet of both APIs (`--synthetic
//! 500,100000,500,100000`), and each command at 0 and at 100 ms per answer (a latency fault on
//! every route, whose remaining count gives the requests each made): its wall time, requests,
//! CPU (user + system) and peak RSS, measured by GNU time (`/usr/bin/time`), and beside it its
//! floor: the requests it made (recorded by the sandbox) replayed by a bare client with as many
//! in flight as the command had at once. Then the exporter's first and steady polls, a steady
//! `watch --once`, and pyatlan listing the legacy runs of two days (and of a month, which it
//! cannot: its search pages past the 10,000-result window) to count them, against `runs stats
//! --api legacy` doing the same.
//!
//! Prints one line per command and latency, and the server's load time and peak RSS. It
//! reports; the targets are read from its lines (BENCHMARKS.md).

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

#[path = "fleet/replay.rs"]
mod replay;

#[path = "fleet/services.rs"]
mod services;

use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Instant;

use support::{ATLAN, KEY, Server};

/// The fleet: legacy workflows, legacy runs, app workflows, app runs.
const FLEET: &str = "500,100000,500,100000";

fn main() -> ExitCode {
    if !std::env::args().any(|argument| argument == "--bench") {
        return ExitCode::SUCCESS;
    }
    let started = Instant::now();
    let server = Server::spawn(&["--synthetic", FLEET]);
    println!(
        "fleet {FLEET}: the server listening after {:.2?}, peak RSS {:.0} MiB",
        started.elapsed(),
        support::peak_rss_mib(server.pid())
    );
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-fleet");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    let files = work.join("files");
    let export_dir = work.join("exported");
    let files_arg = files.to_str().unwrap().to_owned();
    let export_arg = export_dir.to_str().unwrap().to_owned();
    // The files `plan` compares: the fleet as exported (nothing to change).
    measure(&server, "setup export", &["export", "--dir", &files_arg]);
    let commands: Vec<(&str, Vec<&str>)> = vec![
        (
            "runs stats --since now-30d",
            vec!["runs", "stats", "--since", "now-30d", "-o", "json"],
        ),
        (
            "runs stats --api legacy (30d)",
            vec![
                "runs", "stats", "--api", "legacy", "--since", "now-30d", "-o", "json",
            ],
        ),
        (
            "runs stats --api legacy (2d)",
            vec![
                "runs", "stats", "--api", "legacy", "--since", "now-2d", "-o", "json",
            ],
        ),
        ("doctor", vec!["doctor", "-o", "json"]),
        ("export", vec!["export", "--dir", &export_arg]),
        ("plan (no change)", vec!["plan", "-f", &files_arg]),
        ("top --once", vec!["top", "--once"]),
    ];
    for latency in [0, 100] {
        server.latency(latency);
        for (name, args) in &commands {
            let figures = measured_with_floor(&server, name, args);
            println!("{latency:>3} ms  {name:<30} {figures}");
        }
        let watch = services::steady_watch(&server, &work);
        let watch: Vec<&str> = watch.iter().map(String::as_str).collect();
        let figures = measured_with_floor(&server, "watch --once (steady)", &watch);
        println!("{latency:>3} ms  {:<30} {figures}", "watch --once (steady)");
        println!(
            "{latency:>3} ms  {:<30} {}",
            "exporter: first poll",
            services::exporter_first_poll(&server)
        );
        println!(
            "{latency:>3} ms  {:<30} {}",
            "exporter: steady poll",
            services::exporter_steady_poll(&server)
        );
        for since in ["now-2d", "now-30d"] {
            println!(
                "{latency:>3} ms  {:<30} {}",
                format!("pyatlan: legacy runs, {since}"),
                services::pyatlan_stats(&server, &work, since)
            );
        }
        server.faults("DELETE", None);
    }
    ExitCode::SUCCESS
}

/// What one command cost, and its floor.
struct Figures {
    wall_s: f64,
    cpu_s: f64,
    rss_mib: f64,
    requests: u64,
    exit: i32,
    floor: Option<Floor>,
}

/// A command's requests replayed by a bare client.
struct Floor {
    /// The replay's wall time.
    wall_s: f64,
    /// The most requests the command had in flight at once, and so the replay.
    concurrency: usize,
    /// The server's CPU while the command ran, and while the replay did.
    server_cpu_s: (f64, f64),
}

impl std::fmt::Display for Figures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:>7.2} s wall {:>6.2} s CPU {:>6.1} MiB peak RSS {:>6} requests (exit {})",
            self.wall_s, self.cpu_s, self.rss_mib, self.requests, self.exit
        )?;
        if let Some(floor) = &self.floor {
            write!(
                f,
                "  floor {:.2} s ({:.2}x, {} at once; server CPU {:.2} s, replayed {:.2} s)",
                floor.wall_s,
                self.wall_s / floor.wall_s,
                floor.concurrency,
                floor.server_cpu_s.0,
                floor.server_cpu_s.1
            )?;
        }
        Ok(())
    }
}

/// [`measure`], the requests recorded and replayed for its floor.
fn measured_with_floor(server: &Server, name: &str, args: &[&str]) -> Figures {
    let server_cpu = || atlan_testkit::process::cpu_time(server.pid()).as_secs_f64();
    replay::start(server);
    let before = server_cpu();
    let mut figures = measure(server, name, args);
    let during = server_cpu() - before;
    let recorded = replay::take(server);
    let before = server_cpu();
    let wall_s = replay::floor(server, &recorded);
    figures.floor = Some(Floor {
        wall_s,
        concurrency: recorded.concurrency,
        server_cpu_s: (during, server_cpu() - before),
    });
    figures
}

/// Runs `atlanctl ARGS` under GNU time, its requests counted by the latency fault (when one is
/// set).
fn measure(server: &Server, name: &str, args: &[&str]) -> Figures {
    let counting = server.faults("GET", None).1.contains("\"count\"");
    let before = if counting { server.remaining() } else { 0 };
    let output = Command::new("/usr/bin/time")
        .args(["-f", "TIME %e %U %S %M"])
        .arg(ATLAN)
        .args(args)
        .env("ATLAN_BASE_URL", &server.base_url)
        .env("ATLAN_API_KEY", KEY)
        .output()
        .unwrap_or_else(|error| panic!("{name}: GNU time (/usr/bin/time): {error}"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let line = stderr
        .lines()
        .rev()
        .find_map(|line| line.strip_prefix("TIME "))
        .unwrap_or_else(|| panic!("{name}: no figures from GNU time: {stderr}"));
    let numbers: Vec<f64> = line
        .split_whitespace()
        .filter_map(|number| number.parse().ok())
        .collect();
    Figures {
        wall_s: numbers[0],
        cpu_s: numbers[1] + numbers[2],
        rss_mib: numbers[3] / 1024.0,
        requests: if counting {
            before - server.remaining()
        } else {
            0
        },
        exit: output.status.code().unwrap_or(-1),
        floor: None,
    }
}
