//! What the CLI's benches share: the binary, the key of their sandboxes, and a sandbox server
//! process (`atlanctl sandbox serve`) with its fault controls, killed when dropped.

use std::process::{Child, Command};

/// The binary.
pub(crate) const ATLAN: &str = env!("CARGO_BIN_EXE_atlanctl");
/// The key every bench sandbox accepts.
pub(crate) const KEY: &str = "bench-key";

/// `atlanctl sandbox serve` in its own process.
pub(crate) struct Server {
    child: Child,
    /// Where it listens.
    pub(crate) base_url: String,
}

impl Server {
    /// A server with [`KEY`] and `args` (such as `--synthetic 8,1000`).
    pub(crate) fn spawn(args: &[&str]) -> Self {
        let mut command = Command::new(ATLAN);
        command
            .args(["sandbox", "serve", "--api-key", KEY])
            .args(args);
        let (child, base_url) = atlan_testkit::server::spawn(&mut command).unwrap();
        Self { child, base_url }
    }

    /// Adds a fault rule (its JSON), as `POST /_sandbox/faults` over a loopback socket.
    pub(crate) fn fault(&self, rule: &str) {
        let (status, answer) = self.faults("POST", Some(rule));
        assert_eq!(status, 200, "the fault is set: {answer}");
    }

    /// The server process's id.
    #[allow(
        dead_code,
        reason = "each bench includes this module; not every one reads it"
    )]
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// A request to the fault controls: its status and body.
    pub(crate) fn faults(&self, method: &str, body: Option<&str>) -> (u16, String) {
        atlan_testkit::http::exchange(&self.base_url, method, "/_sandbox/faults", Some(KEY), body)
            .unwrap()
    }
}

/// The most answers a counting fault applies to.
#[allow(
    dead_code,
    reason = "each bench includes this module; not every one counts"
)]
const COUNTED: u64 = 100_000_000;

#[allow(
    dead_code,
    reason = "each bench includes this module; not every one counts"
)]
impl Server {
    /// Adds `ms` to every answer, counting them.
    pub(crate) fn latency(&self, ms: u64) {
        self.fault(&format!(
            r#"{{"route": "*", "action": {{"kind": "latency", "ms": {ms}}}, "count": {COUNTED}}}"#
        ));
    }

    /// How many more answers the latency fault applies to.
    pub(crate) fn remaining(&self) -> u64 {
        let (_, answer) = self.faults("GET", None);
        let faults: serde_json::Value = serde_json::from_str(&answer).unwrap();
        faults["faults"][0]["count"].as_u64().unwrap()
    }
}

/// The peak resident memory of process `pid` so far (`VmHWM`), in MiB.
#[allow(
    dead_code,
    reason = "each bench includes this module; not every one reads it"
)]
pub(crate) fn peak_rss_mib(pid: u32) -> f64 {
    atlan_testkit::process::status_kib(pid, "VmHWM:") as f64 / 1024.0
}

/// An `atlanctl exporter` process on a loopback port, killed when dropped.
#[allow(
    dead_code,
    reason = "each bench includes this module; not every one runs the exporter"
)]
pub(crate) struct Exporter {
    child: Child,
    /// Where its metrics are.
    pub(crate) base_url: String,
}

#[allow(
    dead_code,
    reason = "each bench includes this module; not every one runs the exporter"
)]
impl Exporter {
    /// `atlanctl exporter --listen 127.0.0.1:0 ARGS` on `server`, once it says where it listens.
    pub(crate) fn spawn(server: &Server, args: &[&str]) -> Self {
        let mut child = Command::new(ATLAN)
            .args(["exporter", "--listen", "127.0.0.1:0"])
            .args(args)
            .env("ATLAN_BASE_URL", &server.base_url)
            .env("ATLAN_API_KEY", KEY)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.as_mut().unwrap()),
            &mut line,
        )
        .unwrap();
        let base_url = line.trim().trim_start_matches("listening on ").to_owned();
        Self { child, base_url }
    }

    /// The process's id.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Its successful polls and its requests so far (its own counters).
    pub(crate) fn counters(&self) -> (f64, f64) {
        let body = atlan_testkit::http::exchange(&self.base_url, "GET", "/metrics", None, None)
            .map(|(_, body)| body)
            .unwrap_or_default();
        let value = |name: &str| {
            body.lines()
                .find_map(|line| line.strip_prefix(name))
                .and_then(|rest| rest.trim().parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        (
            value("atlan_exporter_polls_total{result=\"success\"}"),
            value("atlan_exporter_requests_total"),
        )
    }

    /// Waits (checking every 50 ms, at most 5 minutes) until it has polled `polls` times
    /// successfully; its counters then.
    pub(crate) fn wait_for_polls(&self, polls: f64) -> (f64, f64) {
        let started = std::time::Instant::now();
        loop {
            let counters = self.counters();
            if counters.0 >= polls {
                return counters;
            }
            assert!(
                started.elapsed() < std::time::Duration::from_secs(300),
                "the exporter never polled {polls} times"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
}

impl Drop for Exporter {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A panic in a bench must not leave the server running.
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
