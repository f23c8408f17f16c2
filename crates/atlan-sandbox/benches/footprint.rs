//! The sandbox's footprint (run with `cargo xtask bench`): how long the `atlan-sandbox` process
//! takes to load a synthetic tenant (from its start to its `listening on` line) and its peak RSS
//! then (`VmHWM`), for `10000,100000` (10,000 workflows, 100,000 runs) and `100,100000`.
//!
//! Targets, on the 2-core machine: for `10000,100000`, load under 3 s and peak RSS
//! under 500 MiB. Each tenant is loaded three times; the medians are checked.
//!
//! Prints the figures, and exits non-zero when a target is missed. Linux only (it reads
//! `/proc/PID/status`).

#![allow(
    missing_docs,
    clippy::print_stdout,
    clippy::unwrap_used,
    clippy::indexing_slicing
)]

use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

const RUNS: usize = 3;
const LOAD_TARGET: Duration = Duration::from_secs(3);
const RSS_TARGET_KIB: u64 = 500 * 1024;

fn main() -> ExitCode {
    if !std::env::args().any(|argument| argument == "--bench") {
        return ExitCode::SUCCESS;
    }
    let binary = env!("CARGO_BIN_EXE_atlan-sandbox");
    let mut missed = Vec::new();
    println!("sandbox footprint ({RUNS} loads each, medians; min-max in brackets)");
    for (tenant, targeted) in [("10000,100000", true), ("100,100000", false)] {
        let mut loads = Vec::new();
        let mut peaks = Vec::new();
        for _ in 0..RUNS {
            let (load, peak) = measure(binary, tenant);
            loads.push(load);
            peaks.push(peak);
        }
        loads.sort();
        peaks.sort_unstable();
        let load = loads[RUNS / 2];
        let peak = peaks[RUNS / 2];
        let load_ok = !targeted || load < LOAD_TARGET;
        let rss_ok = !targeted || peak < RSS_TARGET_KIB;
        println!(
            "  {tenant:<14} load {:.2} s [{:.2}-{:.2}]{}  peak RSS {} MiB [{}-{}]{}",
            load.as_secs_f64(),
            loads[0].as_secs_f64(),
            loads[RUNS - 1].as_secs_f64(),
            verdict(targeted, load_ok, "< 3 s"),
            peak / 1024,
            peaks[0] / 1024,
            peaks[RUNS - 1] / 1024,
            verdict(targeted, rss_ok, "< 500 MiB"),
        );
        if !load_ok {
            missed.push(format!("{tenant}: load {load:.2?} (target < 3 s)"));
        }
        if !rss_ok {
            missed.push(format!(
                "{tenant}: peak RSS {} MiB (target < 500 MiB)",
                peak / 1024
            ));
        }
    }
    if missed.is_empty() {
        ExitCode::SUCCESS
    } else {
        println!("MISSED: {}", missed.join("; "));
        ExitCode::FAILURE
    }
}

fn verdict(targeted: bool, ok: bool, target: &str) -> String {
    match (targeted, ok) {
        (false, _) => String::new(),
        (true, true) => format!(" ({target}: ok)"),
        (true, false) => format!(" ({target}: MISSED)"),
    }
}

/// Starts the sandbox on `tenant`; returns how long it took to listen and its peak RSS in KiB.
fn measure(binary: &str, tenant: &str) -> (Duration, u64) {
    let started = Instant::now();
    let (mut child, _url) = atlan_testkit::server::spawn(Command::new(binary).args([
        "--addr",
        "127.0.0.1:0",
        "--api-key",
        "bench",
        "--synthetic",
        tenant,
    ]))
    .unwrap();
    let load = started.elapsed();
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    (load, peak_kib(&status).unwrap())
}

/// `VmHWM` of a `/proc/PID/status`, in KiB.
fn peak_kib(status: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))?
        .trim()
        .strip_suffix("kB")?
        .trim()
        .parse()
        .ok()
}
