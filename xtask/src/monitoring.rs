//! `cargo xtask monitoring`: the Prometheus side of `atlanctl exporter`, with the real tools.
//!
//! 1. Installs Debian's `prometheus` package (promtool and the server) when either is missing:
//!    `apt-get update`, then `apt-get install` (as root, or through sudo).
//! 2. `promtool check rules` and `promtool test rules` on `deploy/prometheus/`.
//! 3. Starts `atlanctl sandbox serve` (runs end at once) and `atlanctl exporter` in front of it,
//!    reads the crawler's failure streak, makes its next run fail with the sandbox's failure
//!    control and re-runs it, waits for the exporter to show the longer streak, and runs
//!    `promtool check metrics` on that scrape.
//! 4. Starts a Prometheus server (`promtool check config` first) scraping the exporter every
//!    second with the shipped rules, and asserts through its HTTP query API that the failed
//!    workflow shows the longer streak, that every query of the Grafana dashboard is valid PromQL, and
//!    that the rules loaded.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The API key of the sandbox it starts.
const KEY: &str = "monitoring-key";
/// The crawler of the sandbox's default seed that is made to fail.
const CRAWLER: &str = atlan_testkit::CRAWLER;
/// How long it waits for Prometheus to see the failure.
const DEADLINE: Duration = Duration::from_secs(120);

/// Kills a child when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs the step.
pub(crate) fn run(root: &Path, target: &Path, atlanctl: &Path) -> Result<(), String> {
    crate::debian::ensure("prometheus", &["promtool", "prometheus"])?;
    let deploy = root.join("deploy/prometheus");
    crate::run(
        Command::new("promtool")
            .arg("check")
            .arg("rules")
            .arg(deploy.join("alerts.yml")),
    )?;
    crate::run(
        Command::new("promtool")
            .arg("test")
            .arg("rules")
            .arg(deploy.join("alerts_test.yml")),
    )?;

    let (sandbox, tenant) = atlan_testkit::server::spawn(
        Command::new(atlanctl)
            .args([
                "sandbox",
                "serve",
                "--addr",
                "127.0.0.1:0",
                "--api-key",
                KEY,
            ])
            .args(["--pending-seconds", "0", "--running-seconds", "0"]),
    )?;
    let _sandbox = Running(sandbox);
    let (exporter, metrics_url) = atlan_testkit::server::spawn(
        Command::new(atlanctl)
            .args(["exporter", "--listen", "127.0.0.1:0", "--interval", "1s"])
            .args(["--freshness", "30d", "--max-duration", "3x p95"])
            .env("ATLAN_BASE_URL", &tenant)
            .env("ATLAN_API_KEY", KEY),
    )?;
    let _exporter = Running(exporter);
    let scrape = wait_for("the exporter's first poll", || {
        let (_, body) = http(&metrics_url, "GET", "/metrics", None).ok()?;
        body.lines()
            .any(|line| line == "atlan_exporter_poll_success 1")
            .then_some(body)
    })?;
    let label = format!("workflow=\"{CRAWLER}\"");
    let before = streak_in(&scrape, &label).unwrap_or(0.0);
    let failures = format!(
        r#"{{"workflow":"{CRAWLER}","runs":1,"message":"Authentication failed for user ETL"}}"#
    );
    let (status, body) = http(&tenant, "POST", "/_sandbox/failures", Some(&failures))?;
    if status != 200 {
        return Err(format!("the sandbox refused the failure: {status} {body}"));
    }
    crate::run(
        Command::new(atlanctl)
            .args(["workflows", "rerun", CRAWLER])
            .env("ATLAN_BASE_URL", &tenant)
            .env("ATLAN_API_KEY", KEY)
            .stdout(Stdio::null()),
    )?;

    let scrape = wait_for("the exporter to see the failure", || {
        let (_, body) = http(&metrics_url, "GET", "/metrics", None).ok()?;
        streak_in(&body, &label)
            .filter(|streak| *streak > before)
            .map(|_| body)
    })?;
    let dir = target.join("monitoring");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let scraped = dir.join("scrape.prom");
    std::fs::write(&scraped, &scrape).map_err(|e| e.to_string())?;
    let file = std::fs::File::open(&scraped).map_err(|e| e.to_string())?;
    crate::run(
        Command::new("promtool")
            .args(["check", "metrics"])
            .stdin(file),
    )?;

    let port = free_port()?;
    let config = dir.join("prometheus.yml");
    let exporter_addr = metrics_url.trim_start_matches("http://");
    std::fs::write(
        &config,
        format!(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - {}\n\
             scrape_configs:\n  - job_name: atlan-workflows\n    static_configs:\n      - targets: [\"{exporter_addr}\"]\n",
            deploy.join("alerts.yml").display()
        ),
    )
    .map_err(|e| e.to_string())?;
    crate::run(
        Command::new("promtool")
            .arg("check")
            .arg("config")
            .arg(&config),
    )?;
    let prometheus = Command::new("prometheus")
        .arg(format!("--config.file={}", config.display()))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.join("data").display()
        ))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join("prometheus.log")).map_err(|e| e.to_string())?)
        .spawn()
        .map_err(|e| format!("cannot start prometheus: {e}"))?;
    let _prometheus = Running(prometheus);
    let prometheus_url = format!("http://127.0.0.1:{port}");

    let query = format!("atlan_workflow_failure_streak{{workflow=\"{CRAWLER}\"}}");
    let streak = wait_for("Prometheus to scrape the failure streak", || {
        let answer = prometheus_query(&prometheus_url, &query).ok()?;
        first_value(&answer).filter(|value| *value > before)
    })?;
    println!("prometheus: {query} = {streak} (it was {before} before the failure)");

    for expr in dashboard_queries(&root.join("deploy/grafana/atlan-workflows.json"))? {
        let answer = prometheus_query(&prometheus_url, &expr)?;
        if !answer.contains("\"status\":\"success\"") {
            return Err(format!("the dashboard's query `{expr}` fails: {answer}"));
        }
    }
    let (_, rules) = http(&prometheus_url, "GET", "/api/v1/rules", None)?;
    for alert in [
        "AtlanWorkflowFailing",
        "AtlanExporterPollsFailing",
        "AtlanWorkflowMissedSchedule",
        "AtlanWorkflowLate",
        "AtlanWorkflowStuck",
    ] {
        if !rules.contains(alert) {
            return Err(format!("Prometheus did not load the rule {alert}: {rules}"));
        }
    }
    println!("prometheus: the dashboard's queries run and the rules are loaded");
    Ok(())
}

/// Calls `check` every 200 ms until it answers, for at most [`DEADLINE`].
fn wait_for<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> Result<T, String> {
    let started = Instant::now();
    loop {
        if let Some(found) = check() {
            return Ok(found);
        }
        if started.elapsed() > DEADLINE {
            return Err(format!("timed out waiting for {what}"));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// One HTTP/1.1 exchange with the sandbox's key as bearer: the status and the body.
fn http(base: &str, method: &str, path: &str, body: Option<&str>) -> Result<(u16, String), String> {
    atlan_testkit::http::exchange(base, method, path, Some(KEY), body)
}

/// `GET /api/v1/query?query=…` on Prometheus.
fn prometheus_query(base: &str, query: &str) -> Result<String, String> {
    let mut encoded = String::new();
    for byte in query.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    let (_, body) = http(base, "GET", &format!("/api/v1/query?query={encoded}"), None)?;
    Ok(body)
}

/// The value of the first sample of a query answer (`"value":[TIME,"VALUE"]`).
fn first_value(answer: &str) -> Option<f64> {
    let after = answer.split("\"value\":[").nth(1)?;
    let value = after.split(',').nth(1)?;
    value
        .trim_matches(|c| c == '"' || c == ']' || c == '}')
        .parse()
        .ok()
}

/// Every `"expr"` of the Grafana dashboard, unescaped.
fn dashboard_queries(path: &Path) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut queries = Vec::new();
    for part in text.split("\"expr\": \"").skip(1) {
        let mut expr = String::new();
        let mut chars = part.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    if let Some(next) = chars.next() {
                        expr.push(next);
                    }
                }
                '"' => break,
                c => expr.push(c),
            }
        }
        queries.push(
            expr.replace("$__rate_interval", "5m")
                .replace("$api", ".*")
                .replace("$workflow", ".*"),
        );
    }
    if queries.is_empty() {
        return Err(format!("{} has no queries", path.display()));
    }
    Ok(queries)
}

/// The failure streak of the workflow with `label` in a scrape.
fn streak_in(scrape: &str, label: &str) -> Option<f64> {
    scrape
        .lines()
        .find(|line| line.starts_with("atlan_workflow_failure_streak{") && line.contains(label))
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|value| value.parse().ok())
}

/// A free TCP port on 127.0.0.1 (bound, then released for the server to take).
fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    listener
        .local_addr()
        .map(|addr| addr.port())
        .map_err(|e| e.to_string())
}
