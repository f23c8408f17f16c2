//! `atlanctl top` and the watcher under it at fleet size (run with `cargo xtask bench`): a sandbox
//! server process with 1,000 legacy workflows and 100,000 runs (and the seed's app workflows),
//! `top` live on a pseudo-terminal at its 5 s refresh for 30 s: its CPU (user + system, from
//! `/proc`), its peak resident memory, how long its first frame took, and how long a key takes
//! to show; `top --once`; and the requests a steady poll of the same watcher makes with
//! expectations on every workflow (the exporter's own counters, `--freshness 1d --max-duration
//! "3x p95"`).
//!
//! Targets: `top` under 2% of a core and 64 MiB; a key shown within 100 ms; a steady poll at most
//! 3 requests. Prints the figures, and exits non-zero when a target is missed.

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

use std::io::{Read, Write};
use std::process::{Command, ExitCode};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use support::{ATLAN, KEY, Server};

/// How long `top` is watched at its refresh.
const WATCHED: Duration = Duration::from_secs(30);

fn main() -> ExitCode {
    if !std::env::args().any(|argument| argument == "--bench") {
        return ExitCode::SUCCESS;
    }
    let server = Server::spawn(&["--synthetic", "1000,100000"]);
    let mut missed = Vec::new();
    top_live(&server, &mut missed);
    top_once(&server);
    steady_poll(&server, &mut missed);
    if missed.is_empty() {
        ExitCode::SUCCESS
    } else {
        println!("missed: {}", missed.join("; "));
        ExitCode::FAILURE
    }
}

/// `top` on a 40x160 pseudo-terminal: what it shows, read as it comes.
struct Live {
    child: std::process::Child,
    pty: Arc<pty_process::blocking::Pty>,
    seen: Arc<Mutex<Vec<u8>>>,
}

impl Live {
    fn start(server: &Server) -> Self {
        let (pty, pts) = pty_process::blocking::open().unwrap();
        pty.resize(pty_process::Size::new(40, 160)).unwrap();
        let child = pty_process::blocking::Command::new(ATLAN)
            .args(["top", "--interval", "5s", "--freshness", "1d"])
            .env("ATLAN_BASE_URL", &server.base_url)
            .env("ATLAN_API_KEY", KEY)
            .spawn(pts)
            .unwrap();
        let pty = Arc::new(pty);
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (reader, sink) = (Arc::clone(&pty), Arc::clone(&seen));
        std::thread::spawn(move || {
            let mut buffer = [0_u8; 65_536];
            while let Ok(read) = (&*reader).read(&mut buffer) {
                if read == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buffer[..read]);
            }
        });
        Self { child, pty, seen }
    }

    fn shows(&self, text: &str) -> bool {
        let mut parser = vt100::Parser::new(
            std::num::NonZero::new(40).unwrap(),
            std::num::NonZero::new(160).unwrap(),
            0,
        );
        parser.process(&self.seen.lock().unwrap());
        parser.screen().contents().contains(text)
    }

    fn wait_for(&self, text: &str) -> Duration {
        let started = Instant::now();
        while !self.shows(text) {
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "top never showed {text}"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        started.elapsed()
    }

    /// The process's CPU time so far (user + system), from `/proc/PID/stat`.
    fn cpu(&self) -> Duration {
        atlan_testkit::process::cpu_time(self.child.id())
    }

    /// Its peak resident memory, from `/proc/PID/status`.
    fn peak_rss_mib(&self) -> f64 {
        support::peak_rss_mib(self.child.id())
    }
}

fn top_live(server: &Server, missed: &mut Vec<String>) {
    server.latency(0);
    let mut live = Live::start(server);
    live.wait_for("workflows,");
    let first = live.wait_for("polled");
    let before = live.cpu();
    let answered = server.remaining();
    let started = Instant::now();
    std::thread::sleep(WATCHED);
    let share = (live.cpu() - before).as_secs_f64() / started.elapsed().as_secs_f64() * 100.0;
    let requests = answered - server.remaining();
    let polls = (WATCHED.as_secs() / 5).max(1);
    let rss = live.peak_rss_mib();
    let typed = Instant::now();
    (&*live.pty).write_all(b"/zzz-no-such").unwrap();
    live.wait_for("0 match /zzz-no-such");
    let key = typed.elapsed();
    (&*live.pty).write_all(b"\rq").unwrap();
    let _ = live.child.wait();
    println!(
        "top, 1,000+ workflows at a 5 s refresh: first poll shown {first:.2?} after the first frame; {share:.2}% of a core over {WATCHED:?} (target < 2%); peak RSS {rss:.1} MiB (target < 64 MiB); {requests} requests in {polls} refreshes; a filter typed shows in {key:.2?} (target < 100 ms)"
    );
    if share >= 2.0 {
        missed.push(format!("top CPU {share:.2}%"));
    }
    if rss >= 64.0 {
        missed.push(format!("top RSS {rss:.1} MiB"));
    }
    if key >= Duration::from_millis(100) {
        missed.push(format!("top key {key:.2?}"));
    }
}

fn top_once(server: &Server) {
    let started = Instant::now();
    let out = Command::new(ATLAN)
        .args(["top", "--once"])
        .env("ATLAN_BASE_URL", &server.base_url)
        .env("ATLAN_API_KEY", KEY)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = String::from_utf8_lossy(&out.stdout).lines().count();
    println!("top --once: {:.2?}, {lines} lines", started.elapsed());
}

/// An `atlanctl exporter` with expectations on every workflow: its requests per steady poll.
fn steady_poll(server: &Server, missed: &mut Vec<String>) {
    let exporter = support::Exporter::spawn(
        server,
        &[
            "--interval",
            "1s",
            "--freshness",
            "1d",
            "--max-duration",
            "3x p95",
        ],
    );
    let (polls, requests) = exporter.wait_for_polls(2.0);
    let (now, requests_now) = exporter.wait_for_polls(polls + 5.0);
    let (more_polls, more_requests) = (now - polls, requests_now - requests);
    drop(exporter);
    let per_poll = more_requests / more_polls;
    println!(
        "the watcher with expectations on every workflow: {per_poll:.1} requests per steady poll over {more_polls} polls (target at most 3)"
    );
    if per_poll > 3.0 {
        missed.push(format!("steady poll {per_poll:.1} requests"));
    }
}
