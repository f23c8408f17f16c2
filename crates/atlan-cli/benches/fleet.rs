//! The operations commands at fleet size (run with `cargo xtask bench --fleet`, also in the full
//! bench): a sandbox server process with a fleet of both APIs (`--synthetic
//! 500,100000,500,100000`), and each command at 0 and at 100 ms per answer (a latency fault on
//! every route, whose remaining count gives the requests each made): its wall time, requests,
//! CPU (user + system) and peak RSS, measured by GNU time (`/usr/bin/time`).
//!
//! Prints one line per command and latency, and the server's load time and peak RSS. The
//! floors (the same requests replayed by a bare client) and the pyatlan comparison are not here
//! yet: it reports, it sets no target.

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
        server.peak_rss_mib()
    );
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-fleet");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    let files = work.join("files");
    let export_dir = work.join("exported");
    let files_arg = files.to_str().unwrap().to_owned();
    let export_arg = export_dir.to_str().unwrap().to_owned();
    // The files `plan` compares: the fleet as exported (nothing to change).
    server.measure("setup export", &["export", "--dir", &files_arg]);
    let commands: Vec<(&str, Vec<&str>)> = vec![
        (
            "runs stats --since now-30d",
            vec!["runs", "stats", "--since", "now-30d", "-o", "json"],
        ),
        ("doctor", vec!["doctor", "-o", "json"]),
        ("export", vec!["export", "--dir", &export_arg]),
        ("plan (no change)", vec!["plan", "-f", &files_arg]),
        ("top --once", vec!["top", "--once"]),
    ];
    for latency in [0, 100] {
        server.latency(latency);
        for (name, args) in &commands {
            let figures = server.measure(name, args);
            println!("{latency:>3} ms  {name:<28} {figures}");
        }
        server.faults("DELETE", None);
    }
    ExitCode::SUCCESS
}

/// What one command cost.
struct Figures {
    wall_s: f64,
    cpu_s: f64,
    rss_mib: f64,
    requests: u64,
    exit: i32,
}

impl std::fmt::Display for Figures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:>7.2} s wall {:>6.2} s CPU {:>6.1} MiB peak RSS {:>6} requests (exit {})",
            self.wall_s, self.cpu_s, self.rss_mib, self.requests, self.exit
        )
    }
}

trait Measured {
    fn measure(&self, name: &str, args: &[&str]) -> Figures;
    fn peak_rss_mib(&self) -> f64;
}

impl Measured for Server {
    /// Runs `atlanctl ARGS` under GNU time, its requests counted by the latency fault (when one
    /// is set).
    fn measure(&self, name: &str, args: &[&str]) -> Figures {
        let counting = self.faults("GET", None).1.contains("\"count\"");
        let before = if counting { self.remaining() } else { 0 };
        let output = Command::new("/usr/bin/time")
            .args(["-f", "TIME %e %U %S %M"])
            .arg(ATLAN)
            .args(args)
            .env("ATLAN_BASE_URL", &self.base_url)
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
                before - self.remaining()
            } else {
                0
            },
            exit: output.status.code().unwrap_or(-1),
        }
    }

    fn peak_rss_mib(&self) -> f64 {
        support::peak_rss_mib(self.pid())
    }
}
