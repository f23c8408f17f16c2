//! `atlanctl exporter` and `atlanctl watch` as processes over real sockets, against a sandbox on
//! the system clock whose runs end as soon as they are submitted (so that nothing waits for a run):
//! the exporter's metrics in both formats, a failing workflow's streak, the last values kept
//! through an outage; the watch's notifications told once across a kill -9, and retried.
//!
//! These commands poll on the wall clock (`--interval`): the tests wait for what they expect with
//! a deadline, never for a fixed time.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::future::Future;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use atlan_sandbox::{FaultRule, Sandbox, SandboxHandle};
use atlan_workflows::AtlanClient;
use common::*;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// How long a test waits for what it expects.
const DEADLINE: Duration = Duration::from_secs(60);

/// A sandbox on the system clock whose runs end when submitted.
async fn live_sandbox() -> SandboxHandle {
    Sandbox::builder()
        .api_key(KEY)
        .run_durations(Duration::ZERO, Duration::ZERO)
        .stop_delay(Duration::ZERO)
        .start()
        .await
        .unwrap()
}

fn facade(sandbox: &SandboxHandle) -> AtlanClient {
    AtlanClient::builder()
        .base_url(sandbox.base_url())
        .api_key(KEY)
        .build()
        .unwrap()
}

/// Re-runs the crawler; answers its run's name.
async fn rerun(sandbox: &SandboxHandle) -> String {
    let run = facade(sandbox).workflows().rerun(CRAWLER).await.unwrap();
    run.metadata.unwrap().name().unwrap().to_owned()
}

/// Waits until `check` answers something, polling every 50 ms, for at most [`DEADLINE`].
async fn eventually<T, F: Future<Output = Option<T>>>(
    what: &str,
    mut check: impl FnMut() -> F,
) -> T {
    let start = Instant::now();
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(start.elapsed() < DEADLINE, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// `GET path` with `accept`: the status line, the headers and the body.
async fn get(base: &str, path: &str, accept: &str) -> (String, String, String) {
    let addr = base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: {accept}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    let (status, headers) = head.split_once("\r\n").unwrap_or((head, ""));
    (status.to_owned(), headers.to_lowercase(), body.to_owned())
}

/// The value of the sample `name{labels…}` whose labels contain `label`.
fn sample(metrics: &str, name: &str, label: &str) -> Option<f64> {
    metrics
        .lines()
        .filter(|line| !line.starts_with('#'))
        .find(|line| {
            line.starts_with(&format!("{name}{{")) && line.contains(label) || *line == name
        })
        .or_else(|| {
            metrics
                .lines()
                .find(|line| line.split(' ').next() == Some(name))
        })
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|value| value.parse().ok())
}

/// `atlanctl ARGS` against `sandbox`, running; answers the child and the URL it listens on.
fn exporter(sandbox: &SandboxHandle, args: &[&str]) -> (std::process::Child, String) {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_atlanctl"));
    command
        .env_remove("ATLAN_API_KEY")
        .env("ATLAN_BASE_URL", sandbox.base_url())
        .env("ATLAN_API_KEY", KEY)
        .arg("exporter")
        .args(["--listen", "127.0.0.1:0", "--interval", "200ms"])
        .args(args);
    atlan_testkit::server::spawn(&mut command).unwrap()
}

/// The exporter's metrics once its latest poll succeeded.
async fn polled(url: &str) -> String {
    eventually("a successful poll", || async {
        let (_, _, body) = get(url, "/metrics", "text/plain").await;
        (sample(&body, "atlan_exporter_poll_success", "") == Some(1.0)).then_some(body)
    })
    .await
}

struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_exporter_serves_a_failing_workflows_streak_in_both_formats() {
    let sandbox = live_sandbox().await;
    sandbox
        .faults()
        .add(FaultRule::fail_runs(CRAWLER, "Authentication failed").times(2))
        .unwrap();
    rerun(&sandbox).await;
    rerun(&sandbox).await;
    let (child, url) = exporter(&sandbox, &[]);
    let _child = Killed(child);
    let label = format!("workflow=\"{CRAWLER}\"");
    let metrics = polled(&url).await;
    assert!(
        sample(&metrics, "atlan_workflow_failure_streak", &label).unwrap() >= 2.0,
        "{metrics}"
    );
    assert!(metrics.contains("# TYPE atlan_exporter_requests_total counter"));
    assert!(sample(&metrics, "atlan_exporter_requests_total", "").unwrap() >= 2.0);
    assert!(metrics.contains(&format!(
        "atlan_workflow_runs{{api=\"legacy\",{label},package=\"atlan-snowflake\",status=\"Failed\"}}"
    )));
    assert!(!metrics.contains("# EOF"));

    let (status, headers, body) = get(&url, "/metrics", "text/plain").await;
    assert!(status.contains("200"), "{status}");
    assert!(
        headers.contains("content-type: text/plain; version=0.0.4"),
        "{headers}"
    );
    assert!(!body.contains(KEY));
    let (_, headers, open) = get(
        &url,
        "/metrics",
        "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5",
    )
    .await;
    assert!(
        headers.contains("content-type: application/openmetrics-text"),
        "{headers}"
    );
    assert!(open.ends_with("# EOF\n"), "{open}");
    let (status, _, health) = get(&url, "/healthz", "*/*").await;
    assert!(
        status.contains("200") && health.starts_with("ok"),
        "{status} {health}"
    );
    let (status, _, _) = get(&url, "/nothing", "*/*").await;
    assert!(status.contains("404"), "{status}");
}

#[tokio::test]
async fn an_outage_keeps_the_last_values_and_says_the_polls_fail() {
    let sandbox = live_sandbox().await;
    sandbox
        .faults()
        .add(FaultRule::fail_runs(CRAWLER, "connection refused").times(1))
        .unwrap();
    rerun(&sandbox).await;
    let (child, url) = exporter(&sandbox, &["--api", "legacy"]);
    let _child = Killed(child);
    let label = format!("workflow=\"{CRAWLER}\"");
    polled(&url).await;
    sandbox
        .faults()
        .add(FaultRule::status("POST /api/service/runs/indexsearch", 500))
        .unwrap();
    let metrics = eventually("a failed poll", || async {
        let (_, _, body) = get(&url, "/metrics", "text/plain").await;
        (sample(&body, "atlan_exporter_poll_success", "") == Some(0.0)).then_some(body)
    })
    .await;
    assert!(sample(&metrics, "atlan_workflow_failure_streak", &label).unwrap() >= 1.0);
    assert!(metrics.contains("atlan_exporter_polls_total{result=\"failure\"}"));
}

#[tokio::test]
async fn an_address_in_use_is_exit_1_and_a_zero_interval_a_usage_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = atlan_alone(&["exporter", "--listen", &addr]).await;
    out.exits(1).mentions(&format!("cannot listen on {addr}"));
    let out = atlan_alone(&["exporter", "--interval", "0s"]).await;
    out.exits(2).mentions("shorter than 100ms");
    let out = atlan_alone(&["exporter", "--interval", "-5s"]).await;
    out.exits(2);
    let out = atlan_alone(&["--dry-run", "exporter"]).await;
    out.exits(2).mentions("--dry-run");
    let out = atlan_alone(&[
        "watch",
        "--notify",
        "ftp://hooks.example.com/secret-token-1",
    ])
    .await;
    out.exits(2);
    assert!(!out.stderr.contains("secret-token-1"), "{}", out.stderr);
}

#[tokio::test]
async fn the_workflow_cap_bounds_the_series_and_counts_what_it_left_out() {
    let sandbox = live_sandbox().await;
    let (child, url) = exporter(&sandbox, &["--api", "legacy", "--max-workflows", "3"]);
    let _child = Killed(child);
    let metrics = polled(&url).await;
    assert_eq!(sample(&metrics, "atlan_exporter_workflows", ""), Some(3.0));
    assert!(sample(&metrics, "atlan_exporter_dropped_runs_total", "").unwrap() > 0.0);
    let streaks = metrics
        .lines()
        .filter(|line| line.starts_with("atlan_workflow_failure_streak{"))
        .count();
    assert_eq!(streaks, 3, "{metrics}");
}

/// A webhook receiver: records each document posted, and answers 500 to the first `fail` posts.
#[derive(Clone, Default)]
struct Hook {
    documents: Arc<Mutex<Vec<Value>>>,
    fail: Arc<AtomicUsize>,
}

impl Hook {
    async fn start(fail: usize) -> (Self, String) {
        let hook = Self::default();
        hook.fail.store(fail, Ordering::SeqCst);
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!(
            "http://{}/hooks/T000/B000/secret-token-7c1d",
            listener.local_addr().unwrap()
        );
        let serving = hook.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let hook = serving.clone();
                tokio::spawn(async move { hook.answer(stream).await });
            }
        });
        (hook, url)
    }

    async fn answer(&self, stream: TcpStream) {
        let mut reader = BufReader::new(stream);
        let mut length = 0;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                return;
            }
            if let Some(value) = line.to_lowercase().strip_prefix("content-length:") {
                length = value.trim().parse().unwrap();
            }
            if line == "\r\n" {
                break;
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).await.unwrap();
        let failing = self
            .fail
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        let status = if failing {
            "500 Internal Server Error"
        } else {
            self.documents
                .lock()
                .unwrap()
                .push(serde_json::from_slice(&body).unwrap());
            "200 OK"
        };
        let answer =
            format!("HTTP/1.1 {status}\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        let _ = reader.into_inner().write_all(answer.as_bytes()).await;
    }

    fn keys(&self) -> Vec<String> {
        self.documents
            .lock()
            .unwrap()
            .iter()
            .map(|document| document["key"].as_str().unwrap().to_owned())
            .collect()
    }
}

fn state_file(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("atlanctl-watch-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir.join("state.json")
}

/// `atlanctl watch` against `sandbox`, posting to `url`, running.
fn watch(sandbox: &SandboxHandle, url: &str, state: &PathBuf) -> tokio::process::Child {
    let mut command = command();
    command
        .env("ATLAN_BASE_URL", sandbox.base_url())
        .env("ATLAN_API_KEY", KEY)
        .env("ATLAN_NOTIFY_URL", url)
        .args([
            "watch",
            "--interval",
            "200ms",
            "--cooldown",
            "0s",
            "--api",
            "legacy",
            "--state",
        ])
        .arg(state)
        .stdout(Stdio::null())
        .stderr(if std::env::var_os("WATCH_DEBUG").is_some() {
            Stdio::inherit()
        } else {
            Stdio::piped()
        });
    command.spawn().unwrap()
}

/// The state file's last poll, once it has one.
fn cursor(state: &PathBuf) -> Option<String> {
    let text = std::fs::read_to_string(state).ok()?;
    let state: Value = serde_json::from_str(&text).ok()?;
    state["cursor"].as_str().map(str::to_owned)
}

/// Waits for the watch to poll (its state file gets a newer cursor) after `since`.
async fn next_poll(state: &PathBuf, since: Option<String>) -> String {
    eventually("a poll", || async {
        cursor(state).filter(|cursor| Some(cursor) != since.as_ref())
    })
    .await
}

#[tokio::test]
async fn watch_tells_each_failure_once_across_a_kill_9_and_loses_none() {
    let sandbox = live_sandbox().await;
    let (hook, url) = Hook::start(0).await;
    let state = state_file("kill");
    let mut watcher = watch(&sandbox, &url, &state);
    let first = next_poll(&state, None).await;

    sandbox
        .faults()
        .add(FaultRule::fail_runs(CRAWLER, "Authentication failed for user ETL").times(1))
        .unwrap();
    let failed = rerun(&sandbox).await;
    let key = format!("run_failed:legacy:{failed}");
    eventually("the failure's notification", || async {
        hook.keys().contains(&key).then_some(())
    })
    .await;
    let document = hook.documents.lock().unwrap()[0].clone();
    assert_eq!(document["event"], "run_failed");
    assert_eq!(document["workflow"], CRAWLER);
    assert_eq!(document["cause"], "credential", "{document}");
    assert!(document["text"].as_str().unwrap().contains(CRAWLER));

    // Delivery is at least once: a kill between the webhook's answer and the state file's write
    // would deliver it again. So the kill waits for the delivery to be recorded.
    eventually("the delivery recorded", || async {
        let text = std::fs::read_to_string(&state).ok()?;
        let saved: Value = serde_json::from_str(&text).ok()?;
        saved["outbox"]
            .as_array()
            .is_some_and(Vec::is_empty)
            .then_some(())
    })
    .await;
    // Killed, a failure happens while it is down; restarted, it tells that one and not the first.
    watcher.start_kill().unwrap();
    watcher.wait().await.unwrap();
    sandbox
        .faults()
        .add(FaultRule::fail_runs(CRAWLER, "connection refused").times(1))
        .unwrap();
    let missed_while_down = rerun(&sandbox).await;
    let down_key = format!("run_failed:legacy:{missed_while_down}");
    let before_restart = cursor(&state);
    let mut watcher = watch(&sandbox, &url, &state);
    eventually("the failure while down", || async {
        hook.keys().contains(&down_key).then_some(())
    })
    .await;
    // Two more polls of the restarted watch tell nothing new.
    let after = next_poll(&state, before_restart).await;
    next_poll(&state, Some(after)).await;
    watcher.start_kill().unwrap();
    let output = watcher.wait_with_output().await.unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("secret-token-7c1d"), "{stderr}");
    assert!(!stderr.contains(KEY), "{stderr}");
    let keys = hook.keys();
    let mut unique = keys.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        keys.len(),
        unique.len(),
        "a notification was repeated: {keys:?}"
    );
    assert!(
        keys.contains(&key) && keys.contains(&down_key),
        "{keys:?} ({first})"
    );
}

#[tokio::test]
async fn a_failing_webhook_is_retried_and_what_it_missed_survives_a_kill_9() {
    let sandbox = live_sandbox().await;
    // The webhook fails for a long while: the notification waits in the state file.
    let (hook, url) = Hook::start(1_000).await;
    let state = state_file("retry");
    let mut watcher = watch(&sandbox, &url, &state);
    next_poll(&state, None).await;
    sandbox
        .faults()
        .add(FaultRule::fail_runs(CRAWLER, "Authentication failed").times(1))
        .unwrap();
    let failed = rerun(&sandbox).await;
    let key = format!("run_failed:legacy:{failed}");
    eventually("the notification in the outbox", || async {
        std::fs::read_to_string(&state)
            .ok()
            .filter(|text| text.contains(&key) && text.contains("\"attempts\":1"))
            .map(|_| ())
    })
    .await;
    watcher.start_kill().unwrap();
    watcher.wait().await.unwrap();
    assert!(hook.keys().is_empty());

    // The webhook works again; a single run of `--once` delivers it, and only once.
    hook.fail.store(0, Ordering::SeqCst);
    let once = |state: PathBuf| {
        let sandbox = &sandbox;
        let url = url.clone();
        async move {
            let mut command = command();
            command
                .env("ATLAN_BASE_URL", sandbox.base_url())
                .env("ATLAN_API_KEY", KEY)
                .env("ATLAN_NOTIFY_URL", &url)
                .args(["watch", "--once", "--api", "legacy", "--state"])
                .arg(&state);
            command.output().await.unwrap()
        }
    };
    let out = once(state.clone()).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(hook.keys(), vec![key.clone()]);
    let out = once(state.clone()).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(hook.keys(), vec![key]);
}

#[tokio::test]
async fn a_slow_tenant_fails_the_poll_and_the_exporter_stays_up() {
    let sandbox = live_sandbox().await;
    let route = "POST /api/service/runs/indexsearch";
    let slow = sandbox
        .faults()
        .add(FaultRule::latency(route, Duration::from_secs(3)))
        .unwrap();
    let (child, url) = exporter(&sandbox, &["--api", "legacy", "--poll-timeout", "300ms"]);
    let mut child = Killed(child);
    eventually("a poll that timed out", || async {
        let (_, _, body) = get(&url, "/metrics", "text/plain").await;
        body.contains("atlan_exporter_polls_total{result=\"failure\"}")
            .then_some(())
    })
    .await;
    let (_, _, health) = get(&url, "/healthz", "*/*").await;
    assert!(health.contains("no successful poll yet"), "{health}");
    sandbox.faults().remove(slow);
    polled(&url).await;
    assert!(
        child.0.try_wait().unwrap().is_none(),
        "the exporter is still up"
    );
}
