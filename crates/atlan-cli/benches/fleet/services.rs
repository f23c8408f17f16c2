//! The commands that poll all day, at fleet size: the exporter's first poll and its steady poll
//! with ten runs changed before each, and a steady `watch --once`; and the official SDK's way of
//! doing what `runs stats` does (pyatlan listing the window's legacy runs and counting them).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::replay;
use crate::support::{Exporter, KEY, Server};

/// How many seconds (and rounds of ten submitted runs) the steady poll is measured over.
const ROUNDS: u32 = 10;

/// The exporter's first poll: its wall time, requests and floor.
pub(crate) fn exporter_first_poll(server: &Server) -> String {
    replay::start(server);
    let started = Instant::now();
    let exporter = Exporter::spawn(server, &["--interval", "1h"]);
    let (_, requests) = exporter.wait_for_polls(1.0);
    let wall = started.elapsed().as_secs_f64();
    let recorded = replay::take(server);
    let floor = replay::floor(server, &recorded);
    format!(
        "{wall:>7.2} s wall {:>6.1} MiB peak RSS {requests:>6} requests  floor {floor:.2} s ({:.2}x, {} at once)",
        crate::support::peak_rss_mib(exporter.pid()),
        wall / floor,
        recorded.concurrency
    )
}

/// The exporter's steady poll, ten legacy runs submitted before each: requests and CPU per poll.
/// The exporter polls every second; ten runs are submitted each second for [`ROUNDS`] seconds,
/// and its counters and CPU are read once before and once after (a scrape renders every
/// workflow's series: scraping while waiting would be measured too).
pub(crate) fn exporter_steady_poll(server: &Server) -> String {
    let workflows = legacy_workflows(server, 10);
    let exporter = Exporter::spawn(server, &["--interval", "1s"]);
    let (polls, _) = exporter.wait_for_polls(2.0);
    let (polls, requests) = exporter.wait_for_polls(polls + 1.0);
    let cpu = atlan_testkit::process::cpu_time(exporter.pid());
    for _ in 0..ROUNDS {
        let round = Instant::now();
        for workflow in &workflows {
            rerun(server, workflow);
        }
        std::thread::sleep(Duration::from_secs(1).saturating_sub(round.elapsed()));
    }
    let cpu = atlan_testkit::process::cpu_time(exporter.pid()) - cpu;
    let (after_polls, after) = exporter.counters();
    let polls = after_polls - polls;
    format!(
        "{:>6.1} requests {:>6.1} ms CPU per poll (over {polls} polls at 1 s, ten runs submitted each second)",
        (after - requests) / polls,
        cpu.as_secs_f64() * 1000.0 / polls
    )
}

/// `watch --once` with a state file from the run before, ten runs changed in between: its
/// arguments, posting notifications to a webhook that takes everything.
pub(crate) fn steady_watch(server: &Server, work: &Path) -> Vec<String> {
    let state = work.join("watch-state.json");
    let state_arg = state.to_str().unwrap().to_owned();
    let hook = webhook();
    let args = [
        "watch",
        "--once",
        "--state",
        state_arg.as_str(),
        "--notify",
        hook.as_str(),
    ];
    crate::measure(server, "setup watch", &args);
    for workflow in legacy_workflows(server, 10) {
        rerun(server, &workflow);
    }
    args.iter().map(|arg| (*arg).to_owned()).collect()
}

/// A webhook on a loopback port that answers 200 to every request, for as long as the bench runs.
fn webhook() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            answer_ok(stream);
        }
    });
    format!("http://{address}/hook")
}

/// Reads one request (its head, then as many bytes as it announced) and answers 200.
fn answer_ok(mut stream: std::net::TcpStream) {
    use std::io::{Read, Write};
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut seen = Vec::new();
    let mut buffer = [0u8; 8192];
    while let Ok(read) = stream.read(&mut buffer) {
        if read == 0 {
            break;
        }
        seen.extend_from_slice(&buffer[..read]);
        let text = String::from_utf8_lossy(&seen);
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head
                .lines()
                .find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            if body.len() >= length {
                break;
            }
        }
    }
    let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
}

/// The names of `count` legacy workflows.
fn legacy_workflows(server: &Server, count: usize) -> Vec<String> {
    let search = json!({"from": 0, "size": count}).to_string();
    let (status, answer) = atlan_testkit::http::exchange(
        &server.base_url,
        "POST",
        "/api/service/workflows/indexsearch",
        Some(KEY),
        Some(&search),
    )
    .unwrap();
    assert_eq!(status, 200, "{answer}");
    let answer: Value = serde_json::from_str(&answer).unwrap();
    answer["hits"]["hits"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|hit| {
            hit["_source"]["metadata"]["name"]
                .as_str()
                .map(str::to_owned)
        })
        .collect()
}

/// Submits a run of a legacy workflow.
fn rerun(server: &Server, workflow: &str) {
    let body = json!({"namespace": "default", "resourceKind": "WorkflowTemplate", "resourceName": workflow})
        .to_string();
    let (status, answer) = atlan_testkit::http::exchange(
        &server.base_url,
        "POST",
        "/api/service/workflows/submit",
        Some(KEY),
        Some(&body),
    )
    .unwrap();
    assert_eq!(status, 200, "{answer}");
}

/// pyatlan 10.0.0 (the last with the workflow client) listing every legacy run started since
/// its argument (`now-2d`), page after page as its search walks them (100 a page, `from` growing:
/// the tenant refuses a page past 10,000 results), and counting them by workflow and phase: what
/// `runs stats --api legacy --since now-2d` does.
const PYATLAN_STATS: &str = r#"
import collections, json, os, sys, time
from pyatlan.client.atlan import AtlanClient
from pyatlan.model.enums import AtlanWorkflowPhase
client = AtlanClient(base_url=os.environ["ATLAN_BASE_URL"], api_key=os.environ["ATLAN_API_KEY"])
started = time.perf_counter()
counts = collections.Counter()
phases = [AtlanWorkflowPhase.SUCCESS, AtlanWorkflowPhase.FAILED, AtlanWorkflowPhase.ERROR,
          AtlanWorkflowPhase.RUNNING, AtlanWorkflowPhase.PENDING]
def key(run):
    source = getattr(run, "source", None)
    template = getattr(getattr(source, "spec", None), "workflow_template_ref", None) or {}
    name = template.get("name") if isinstance(template, dict) else None
    return (name, getattr(getattr(source, "status", None), "phase", None))
for run in client.workflow.find_runs_by_status_and_time_range(status=phases, started_at=sys.argv[1], size=100):
    counts[key(run)] += 1
print(json.dumps({"runs": sum(counts.values()), "workflows": len({w for w, _ in counts}),
                  "seconds": time.perf_counter() - started}))
"#;

/// The pyatlan script's answer (runs counted, seconds) for the runs started since `since`, with
/// pyatlan installed under `target/`.
pub(crate) fn pyatlan_stats(server: &Server, work: &Path, since: &str) -> String {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap();
    let python = atlan_testkit::pyatlan::install(target, atlan_testkit::pyatlan::LEGACY).unwrap();
    let script = work.join("pyatlan_stats.py");
    std::fs::write(&script, PYATLAN_STATS).unwrap();
    let started = Instant::now();
    let output = Command::new(python)
        .arg(&script)
        .arg(since)
        .env("ATLAN_BASE_URL", &server.base_url)
        .env("ATLAN_API_KEY", KEY)
        .output()
        .unwrap();
    let wall = started.elapsed().as_secs_f64();
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr.lines().last().unwrap_or("");
        return format!(
            "failed after {wall:.2} s: {}",
            last.chars().take(160).collect::<String>()
        );
    }
    format!("{wall:>7.2} s wall (the process), {}", stdout.trim())
}
