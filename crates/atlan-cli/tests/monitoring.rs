//! `atlanctl exporter` as a process over real sockets, against a sandbox on the system clock whose
//! runs end as soon as they are submitted (so that nothing waits for a run): the metrics in both
//! formats, a failing workflow's streak, the last values kept through an outage, the workflow cap.
//!
//! The exporter polls on the wall clock (`--interval`): the tests wait for what they expect with
//! a deadline, never for a fixed time.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::time::Duration;

use atlan_sandbox::{FaultRule, SandboxHandle};
use common::live::{eventually, live_sandbox, rerun};
use common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

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
    let out = atlan_alone(&shell_words(
        "watch --notify ftp://hooks.example.com/secret-token-1",
    ))
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

#[tokio::test]
async fn three_hundred_slow_or_silent_sockets_do_not_hold_up_a_scrape() {
    let sandbox = live_sandbox().await;
    let (child, url) = exporter(&sandbox, &["--api", "legacy"]);
    let _child = Killed(child);
    polled(&url).await;
    let addr = url.trim_start_matches("http://").to_owned();
    // Half send the first byte of a request head and stall (a slow client), half send nothing.
    let mut sockets = Vec::new();
    for index in 0..300 {
        let mut socket = TcpStream::connect(&addr).await.unwrap();
        if index % 2 == 0 {
            socket.write_all(b"G").await.unwrap();
        }
        sockets.push(socket);
    }
    let scraped = std::time::Instant::now();
    let (status, _, body) = get(&url, "/metrics", "text/plain").await;
    eprintln!(
        "a scrape beside 300 stalled sockets: {:?}",
        scraped.elapsed()
    );
    assert!(status.contains("200"), "{status}");
    assert!(body.contains("atlan_exporter_poll_success"));
    // The scrape did not wait for a slot to be freed: every stalled socket is still open. (With
    // 256 slots, the scrape waited for the header timeout to close some, 10 s.)
    let mut open = 0;
    for socket in &sockets {
        let mut byte = [0; 1];
        if matches!(socket.try_read(&mut byte), Err(error) if error.kind() == std::io::ErrorKind::WouldBlock)
        {
            open += 1;
        }
    }
    assert_eq!(
        open,
        sockets.len(),
        "stalled sockets were closed before the scrape was served"
    );
}

#[tokio::test]
async fn the_exporter_exports_each_files_drift_from_the_tenant() {
    let (_clock, sandbox) = sandbox().await;
    let files = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("exporter-drift");
    let _ = std::fs::remove_dir_all(&files);
    atlan_line(
        &sandbox,
        &format!(
            "export --dir {} --package snowflake-crawler",
            files.display()
        ),
    )
    .await
    .ok();
    let text = drift_prod_file(&files);
    let same = text.replace(
        "metadata:\n  name: prod-snowflake\n",
        "metadata:\n  name: not-there-yet\n",
    );
    std::fs::write(files.join("missing.yaml"), same).unwrap();
    let (child, url) = exporter(&sandbox, &["--desired", files.to_str().unwrap()]);
    let _exporter = Killed(child);
    let metrics = eventually("the drift of the files", || async {
        let (_, _, body) = get(&url, "/metrics", "text/plain").await;
        body.contains("atlan_workflow_drift{").then_some(body)
    })
    .await;
    let drift = |workflow: &str| {
        sample(
            &metrics,
            "atlan_workflow_drift",
            &format!("workflow=\"{workflow}\""),
        )
    };
    assert_eq!(drift("prod-snowflake"), Some(1.0), "{metrics}");
    assert_eq!(drift("not-there-yet"), Some(1.0), "{metrics}");
    assert_eq!(drift("bq-prod-crawl"), None, "only the files' workflows");

    // A file with a problem stops the exporter before it serves.
    std::fs::write(files.join("bad.yaml"), "kind: [").unwrap();
    let out = atlan_line(
        &sandbox,
        &format!(
            "exporter --listen 127.0.0.1:0 --desired {}",
            files.display()
        ),
    )
    .await;
    out.exits(1).mentions("bad.yaml:1");
}
