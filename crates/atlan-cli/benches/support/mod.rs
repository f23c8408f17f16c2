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

/// The peak resident memory of process `pid` so far (`VmHWM` of `/proc/PID/status`), in MiB.
#[allow(
    dead_code,
    reason = "each bench includes this module; not every one reads it"
)]
pub(crate) fn peak_rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

/// A panic in a bench must not leave the server running.
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
