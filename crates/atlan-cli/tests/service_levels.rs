//! Service levels and policies over real sockets: `doctor` with expectations from options and
//! files, `watch` telling a breach once and acting on a policy through its journal (a kill -9
//! between the decision and the submit included), a deadline passed as the sandbox's clock moves
//! and its schedule fires, and `top` once and on a pseudo-terminal.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Stdio;

use atlan_sandbox::{Clock, FaultRule, SandboxHandle};
use common::hook::Hook;
use common::live::{eventually, facade, idle_crawler_sandbox, live_sandbox, rerun};
use common::terminal;
use common::*;

fn dir(name: &str) -> PathBuf {
    fresh_dir("levels", name)
}

/// Exports `workflow`'s file into `dir/files` and adds `spec` (YAML lines of its `spec`, such as
/// `policy: {...}`).
async fn legacy_file(sandbox: &SandboxHandle, dir: &Path, workflow: &str, spec: &str) -> PathBuf {
    let files = dir.join("files");
    let args = [
        "export",
        "--api",
        "legacy",
        "--workflow",
        workflow,
        "--dir",
        arg(&files),
    ];
    atlan(sandbox, &args).await.ok();
    let file = files.join(format!("legacy-{workflow}.yaml"));
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str(&format!("  {spec}\n"));
    std::fs::write(&file, text).unwrap();
    files
}

#[tokio::test]
async fn doctor_checks_expectations_only_when_asked_and_a_breach_exits_1() {
    let sandbox = live_sandbox().await;
    let plain = atlan_line(&sandbox, "doctor -o json").await;
    assert!(
        !plain.stdout.contains("\"check\":\"late\"")
            && !plain.stdout.contains("\"check\":\"stuck\""),
        "no expectation, no breach: {}",
        plain.stdout
    );
    let asked = atlan_line(&sandbox, "doctor -o json --freshness 1h --max-duration 1m").await;
    asked.exits(1);
    let findings = asked.json_lines();
    let late: Vec<&serde_json::Value> = findings.iter().filter(|f| f["check"] == "late").collect();
    let stuck: Vec<&serde_json::Value> =
        findings.iter().filter(|f| f["check"] == "stuck").collect();
    assert!(!late.is_empty() && !stuck.is_empty(), "{}", asked.stdout);
    assert!(late.iter().all(|f| f["severity"] == "error"));
    // A stuck finding names its running run and how to explain it.
    let run = stuck[0]["run"].as_str().unwrap();
    assert_eq!(stuck[0]["next"], format!("atlanctl runs explain {run}"));
    // A bad option is refused before anything is read.
    fails_with(
        &sandbox,
        "doctor --max-duration '1000x p95'",
        2,
        &["at most 100x"],
    )
    .await;
}

#[tokio::test]
async fn watch_tells_a_breach_once_and_its_clearing_across_runs() {
    let sandbox = live_sandbox().await;
    let (hook, url) = Hook::start(0).await;
    let dir = dir("breach");
    let state = dir.join("state.json");
    let once = |freshness: &'static str| {
        let (sandbox, url, state) = (&sandbox, url.clone(), state.clone());
        async move {
            let mut command = watching(sandbox, &url);
            command
                .args([
                    "--once",
                    "--api",
                    "legacy",
                    "--freshness",
                    freshness,
                    "--state",
                ])
                .arg(&state);
            let out = command.output().await.unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    };
    once("1s").await;
    let late: Vec<String> = hook
        .keys()
        .into_iter()
        .filter(|k| k.starts_with("late:"))
        .collect();
    assert!(!late.is_empty(), "{:?}", hook.keys());
    let crawler = late
        .iter()
        .find(|key| key.contains(CRAWLER))
        .unwrap()
        .clone();
    once("1s").await;
    let again = hook
        .keys()
        .iter()
        .filter(|k| k.starts_with("late:"))
        .count();
    assert_eq!(again, late.len(), "each breach told once");
    // The crawler succeeds now (its runs end at once): its freshness is met again.
    rerun(&sandbox).await;
    once("1h").await;
    let cleared = format!("cleared:{crawler}");
    assert!(hook.keys().contains(&cleared), "{:?}", hook.keys());
}

/// `watch --once --act` with the files of `files`, posting to `url`, state in `dir`.
fn act(sandbox: &SandboxHandle, url: &str, dir: &Path, files: &Path) -> tokio::process::Command {
    let mut command = watching(sandbox, url);
    command
        .args(["--once", "--act", "--api", "legacy", "--desired"])
        .arg(files)
        .arg("--state")
        .arg(dir.join("state.json"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    command
}

/// How many runs of the crawler the tenant has.
/// The crawler's line of `schedules list --api legacy -o json`.
async fn crawler_schedule(sandbox: &SandboxHandle) -> serde_json::Value {
    let listed = atlan_line(sandbox, "schedules list --api legacy -o json").await;
    listed
        .json_lines()
        .into_iter()
        .find(|row| row["workflow"] == CRAWLER)
        .unwrap()
}

async fn crawler_runs(sandbox: &SandboxHandle) -> usize {
    let line = format!("runs list --api legacy --workflow {CRAWLER} --all -o json");
    atlan_line(sandbox, &line).await.json_lines().len()
}

#[tokio::test]
async fn a_policy_retries_a_failure_of_its_cause_once_and_says_what_it_would_do_without_act() {
    let sandbox = idle_crawler_sandbox().await;
    let (hook, url) = Hook::start(0).await;
    let dir = dir("retry");
    let files = legacy_file(
        &sandbox,
        &dir,
        CRAWLER,
        "policy: {retry: {causes: [connectivity], max: 1}}",
    )
    .await;
    sandbox
        .faults()
        .add(FaultRule::fail_runs(CRAWLER, "connection refused").times(1))
        .unwrap();
    let failed = rerun(&sandbox).await;

    // Without --act: said, not done.
    let before = crawler_runs(&sandbox).await;
    let mut plain = watching(&sandbox, &url);
    plain
        .args(["--once", "--api", "legacy", "--desired"])
        .arg(&files)
        .arg("--state")
        .arg(dir.join("plain.json"));
    let out = plain.output().await.unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("would re-run it"), "{stderr}");
    assert_eq!(crawler_runs(&sandbox).await, before, "nothing was done");
    assert!(
        hook.keys()
            .contains(&format!("policy:would:retry:{failed}"))
    );

    // With --act: re-run once, and never again for the same failure.
    let out = act(&sandbox, &url, &dir, &files).output().await.unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(crawler_runs(&sandbox).await, before + 1);
    assert!(
        hook.keys().contains(&format!("policy:retry:{failed}")),
        "{:?}",
        hook.keys()
    );
    act(&sandbox, &url, &dir, &files).output().await.unwrap();
    assert_eq!(crawler_runs(&sandbox).await, before + 1, "never twice");
}

#[tokio::test]
async fn a_watch_killed_between_the_decision_and_the_submit_never_submits_again() {
    let sandbox = idle_crawler_sandbox().await;
    let (_hook, url) = Hook::start(0).await;
    let dir = dir("kill");
    let policy = "policy: {retry: {causes: [infrastructure], max: 3}}";
    let files = legacy_file(&sandbox, &dir, CRAWLER, policy).await;
    sandbox
        .faults()
        .add(FaultRule::fail_runs(CRAWLER, "pod deleted").times(1))
        .unwrap();
    rerun(&sandbox).await;
    let before = crawler_runs(&sandbox).await;
    // The submit hangs: the watch has written its decision and waits for the answer.
    let hold = sandbox
        .faults()
        .add(FaultRule::latency(
            "POST /api/service/workflows/submit",
            std::time::Duration::from_secs(60),
        ))
        .unwrap();
    let mut child = act(&sandbox, &url, &dir, &files).spawn().unwrap();
    let journal = dir.join("state.journal.jsonl");
    eventually("the decision in the journal", || async {
        std::fs::read_to_string(&journal)
            .ok()
            .filter(|text| text.contains("\"decided\""))
    })
    .await;
    child.start_kill().unwrap();
    child.wait().await.unwrap();
    sandbox.faults().remove(hold);

    let out = act(&sandbox, &url, &dir, &files).output().await.unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&journal).unwrap();
    assert!(text.contains("maybe_sent"), "{text}");
    assert!(
        crawler_runs(&sandbox).await <= before + 1,
        "at most the one held submit"
    );
    assert_eq!(
        text.matches("\"decided\"").count(),
        1,
        "decided once: {text}"
    );
}

#[tokio::test]
async fn top_once_prints_the_fleet_worst_first_with_its_expectations() {
    let sandbox = live_sandbox().await;
    let out = atlan_line(&sandbox, "top --once --freshness 1d").await;
    let text = out.ok();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("atlanctl top: 67 workflows"), "{text}");
    assert!(
        lines[1].contains("WORKFLOW") && lines[1].contains("EXPECTATIONS"),
        "{text}"
    );
    // Worst first: a breach or a failing one on top, a workflow meeting everything below it.
    assert!(
        lines[2].contains("late") || lines[2].contains("Failed"),
        "{text}"
    );
    assert!(lines.len() >= 67 + 2, "{text}");
    assert!(
        lines.iter().all(|line| line.chars().count() <= 120),
        "fits 120 columns"
    );
}

#[tokio::test]
async fn top_draws_on_a_terminal_filters_and_quits_and_says_when_it_is_too_small() {
    let sandbox = live_sandbox().await;
    let terminal = terminal::Terminal::start(&sandbox, &["top", "--interval", "1s"]);
    terminal.wait_to_show("67 workflows", 24, 100).await;
    terminal.type_keys("/snowflake\r");
    let shown = terminal.wait_to_show("match /snowflake", 24, 100).await;
    let rows: Vec<&str> = shown
        .lines()
        .skip(2)
        .filter(|l| l.starts_with("legacy") || l.starts_with("apps"))
        .collect();
    assert!(
        !rows.is_empty() && rows.iter().all(|row| row.contains("snowflake")),
        "{shown}"
    );
    // Enter explains the selected workflow's latest run; any key closes it.
    terminal.type_keys("\r");
    terminal.wait_to_show("runs explain", 24, 100).await;
    terminal.type_keys("x");
    // It fits the terminal as it resizes: too narrow, a one-line message; wide again, the table.
    terminal.resize(24, 50);
    terminal
        .wait_to_show("terminal too small for top (50x24)", 24, 50)
        .await;
    terminal.resize(24, 100);
    terminal.wait_to_show("EXPECTATIONS", 24, 100).await;
    terminal.type_keys("q");
    let (code, _) = terminal.finish().await;
    assert_eq!(code, 0);

    let small = terminal::Terminal::start_with(&sandbox, &["top"], 40, &[]);
    small.wait_to_show("terminal too small", 24, 40).await;
    small.type_keys("q");
    let (code, _) = small.finish().await;
    assert_eq!(code, 0);
}

#[tokio::test]
async fn top_keeps_its_last_data_and_says_so_when_the_tenant_goes_away() {
    let sandbox = live_sandbox().await;
    let terminal = terminal::Terminal::start(&sandbox, &["top", "--interval", "200ms"]);
    terminal.wait_to_show("67 workflows", 24, 100).await;
    sandbox.faults().add(FaultRule::status("*", 400)).unwrap();
    let shown = terminal
        .wait_to_show("the tenant does not answer", 24, 100)
        .await;
    assert!(
        shown.contains("67 workflows"),
        "the last data stays: {shown}"
    );
    terminal.type_keys("q");
    let (code, _) = terminal.finish().await;
    assert_eq!(code, 0);
}

#[tokio::test]
async fn a_deadline_passed_on_a_day_the_schedule_ran_is_overdue_from_that_days_deadline() {
    let (clock, sandbox) = sandbox().await;
    let dir = dir("deadline");
    // The crawler is due at 15:37 in New York (19:37 UTC in June): no run of it ends in a minute.
    let deadline = "expectations: {deadline: 15:38 America/New_York}";
    let files = legacy_file(&sandbox, &dir, CRAWLER, deadline).await;
    let doctor = || {
        let line = format!(
            "-o json doctor --now {} --desired {}",
            clock.now(),
            files.display()
        );
        let sandbox = &sandbox;
        async move { atlan_line(sandbox, &line).await.json_lines() }
    };
    let overdue = |findings: Vec<serde_json::Value>| -> Vec<String> {
        findings
            .into_iter()
            .filter(|f| f["check"] == "overdue")
            .map(|f| f["detail"].as_str().unwrap().to_owned())
            .collect()
    };
    // Before today's deadline: yesterday's is the one that counts.
    // At noon (UTC) on 2026-06-15, before that day's deadline.
    let before = overdue(doctor().await);
    assert_eq!(before.len(), 1, "{before:?}");
    assert!(
        before[0].contains("since 2026-06-14T19:38:00Z"),
        "{before:?}"
    );
    // Today's scheduled run fails: once the sandbox's clock is past the deadline (19:38 UTC),
    // today's deadline is the one missed.
    sandbox
        .faults()
        .add(FaultRule::fail_runs(CRAWLER, "connection refused").times(1))
        .unwrap();
    clock.advance(std::time::Duration::from_secs(7 * 3_600 + 39 * 60));
    let after = overdue(doctor().await);
    assert_eq!(after.len(), 1, "{after:?}");
    assert!(after[0].contains("since 2026-06-15T19:38:00Z"), "{after:?}");
    assert!(
        after[0].contains("not succeeded by 15:38 America/New_York"),
        "{after:?}"
    );
    // The next day's scheduled run succeeds within the minute: met.
    clock.advance(std::time::Duration::from_secs(24 * 3_600));
    let met = overdue(doctor().await);
    assert_eq!(met, Vec::<String>::new());
}

#[tokio::test]
async fn a_streak_of_failures_suspends_the_schedule_once_and_resume_restores_it() {
    let sandbox = idle_crawler_sandbox().await;
    let (hook, url) = Hook::start(0).await;
    let dir = dir("suspend");
    let files = legacy_file(&sandbox, &dir, CRAWLER, "policy: {suspend_after: 2}").await;
    sandbox
        .faults()
        .add(FaultRule::fail_runs(CRAWLER, "pod deleted").times(2))
        .unwrap();
    let facade = facade(&sandbox);
    for _ in 0..2 {
        facade.workflows().rerun(CRAWLER).await.unwrap();
    }
    let out = act(&sandbox, &url, &dir, &files).output().await.unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let key = hook
        .keys()
        .into_iter()
        .find(|key| key.starts_with(&format!("policy:suspend:{CRAWLER}:")))
        .unwrap_or_else(|| panic!("{:?}", hook.keys()));
    let crawler = crawler_schedule(&sandbox).await;
    assert_eq!(crawler["suspended"], true, "{crawler}");
    // Again: nothing more (it is suspended, and the journal has it).
    act(&sandbox, &url, &dir, &files).output().await.unwrap();
    assert_eq!(
        hook.keys()
            .iter()
            .filter(|k| k.starts_with("policy:suspend"))
            .count(),
        1,
        "{key} {:?}",
        hook.keys()
    );
    // `schedules resume` restores exactly what was there.
    atlan_line(&sandbox, &format!("schedules resume {CRAWLER}"))
        .await
        .ok();
    let resumed = crawler_schedule(&sandbox).await;
    assert_eq!(resumed["suspended"], false, "{resumed}");
    assert_eq!(
        (&resumed["cron"], &resumed["timezone"]),
        (&crawler["cron"], &crawler["timezone"])
    );
}
