//! `atlanctl runs rerun --failed` against a sandbox on a manual clock (in one wave: the clock
//! stands still, so runs never start; the waves are tested in atlan-ops): the plan and its lines,
//! each workflow submitted once, a second pass that submits nothing, `--yes` needed without a
//! terminal, a glob that matches nothing, a journal of another selection refused, and a batch
//! killed with -9 resumed without a duplicate.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::path::PathBuf;
use std::time::Duration;

use atlan_sandbox::SandboxHandle;
use common::*;

/// The window of the default seed's runs (the CLI reads the system clock for `now`).
const SINCE: &str = "2026-06-08T00:00:00Z";

fn journal(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("atlanctl-rerun-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir.join("rerun.jsonl")
}

fn rerun_args<'a>(journal: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "-o",
        "json",
        "runs",
        "rerun",
        "--failed",
        "--api",
        "legacy",
        "--since",
        SINCE,
        "--journal",
        journal,
        // One wave: the sandbox's clock stands still, so a second wave would wait for the first
        // wave's runs to start (the waves are tested in atlan-ops, on the sandbox's clock).
        "--order",
        "none",
    ];
    args.extend_from_slice(extra);
    args
}

fn legacy_runs(sandbox: &SandboxHandle) -> usize {
    sandbox.counts().1
}

#[tokio::test]
async fn each_failed_workflow_is_rerun_once_and_a_second_pass_reruns_nothing() {
    let (_clock, sandbox) = sandbox().await;
    let path = journal("once");
    let path_text = path.display().to_string();
    let before = legacy_runs(&sandbox);
    let out = atlan(&sandbox, &rerun_args(&path_text, &["--yes"])).await;
    out.ok();
    let lines = out.json_lines();
    assert!(lines.len() >= 2, "the planted failures: {}", out.stdout);
    for line in &lines {
        assert_eq!(line["action"], "rerun", "{line}");
        assert_eq!(line["api"], "legacy");
        assert!(
            line["run"]
                .as_str()
                .is_some_and(|run| run.starts_with(line["workflow"].as_str().unwrap()))
        );
        assert_eq!(
            line.as_object().unwrap().len(),
            5,
            "workflow, api, action, reason, run: {line}"
        );
    }
    assert_eq!(legacy_runs(&sandbox), before + lines.len());
    assert!(out.stderr.contains("wave 1:"), "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!("journal: {path_text}")),
        "{}",
        out.stderr
    );
    assert!(!path.exists(), "a finished batch's journal is moved aside");

    // Right after: the runs are active, nothing is submitted.
    let out = atlan(&sandbox, &rerun_args(&path_text, &["--yes"])).await;
    out.ok();
    assert!(
        out.json_lines()
            .iter()
            .all(|line| line["action"] == "skipped"),
        "{}",
        out.stdout
    );
    assert_eq!(legacy_runs(&sandbox), before + lines.len());
}

#[tokio::test]
async fn without_a_terminal_yes_is_needed_and_a_glob_must_match() {
    let (_clock, sandbox) = sandbox().await;
    let path = journal("ask");
    let path_text = path.display().to_string();
    let before = legacy_runs(&sandbox);
    let out = atlan(&sandbox, &rerun_args(&path_text, &[])).await;
    out.exits(2).mentions("--yes");
    assert_eq!(legacy_runs(&sandbox), before, "nothing was sent");
    assert!(!path.exists());
    let out = atlan(
        &sandbox,
        &rerun_args(&path_text, &["--yes", "--workflow", "nothing-like-this-*"]),
    )
    .await;
    out.exits(3).mentions("nothing-like-this-*");
    let out = atlan(
        &sandbox,
        &rerun_args(
            &path_text,
            &["--yes", "--workflow", "atlan-snowflake-1714638976"],
        ),
    )
    .await;
    out.ok();
    let lines = out.json_lines();
    assert!(
        lines.len() <= 1 && lines.iter().all(|line| line["workflow"] == CRAWLER),
        "{}",
        out.stdout
    );
}

#[tokio::test]
async fn a_batch_killed_mid_way_resumes_without_a_duplicate_and_refuses_another_selection() {
    let (_clock, sandbox, path, before) = killed_batch("kill").await;
    let path_text = path.display().to_string();
    let submitted = legacy_runs(&sandbox) - before;
    assert!(submitted >= 1, "{submitted}");

    // Another selection's resume is refused, and sends nothing.
    let out = atlan(
        &sandbox,
        &rerun_args(
            &path_text,
            &["--yes", "--resume", "--package", "atlan-snowflake"],
        ),
    )
    .await;
    out.exits(1).mentions("selection");
    assert_eq!(legacy_runs(&sandbox) - before, submitted);

    // The same selection resumes: what was submitted is not submitted again.
    let out = atlan(&sandbox, &rerun_args(&path_text, &["--yes", "--resume"])).await;
    let lines = out.json_lines();
    let count = |action: &str| lines.iter().filter(|line| line["action"] == action).count();
    let (reruns, maybe_sent) = (count("rerun"), count("maybe_sent"));
    assert_eq!(reruns + maybe_sent, lines.len(), "{}", out.stdout);
    assert!(
        maybe_sent <= 1,
        "at most the one cut between its decision and its answer"
    );
    assert_eq!(
        out.code,
        if maybe_sent > 0 { 1 } else { 0 },
        "{}",
        out.stderr
    );
    let mut workflows: Vec<&str> = lines
        .iter()
        .map(|line| line["workflow"].as_str().unwrap())
        .collect();
    workflows.sort_unstable();
    workflows.dedup();
    assert_eq!(
        workflows.len(),
        lines.len(),
        "each workflow once: {}",
        out.stdout
    );
    // One run per workflow re-run; the one maybe sent made one run or none, never two.
    let total = legacy_runs(&sandbox) - before;
    assert!(
        total >= reruns && total <= reruns + maybe_sent,
        "{total} runs for {reruns} re-runs and {maybe_sent} maybe sent: a duplicate"
    );
}

/// A sandbox in which a batch with the journal `name` was killed with -9 mid-way; answers the
/// sandbox, the journal and how many legacy runs there were before the batch.
async fn killed_batch(name: &str) -> (atlan_sandbox::ManualClock, SandboxHandle, PathBuf, usize) {
    let (clock, sandbox) = sandbox().await;
    let path = journal(name);
    let before = legacy_runs(&sandbox);
    killed_mid_way(&sandbox, &path.display().to_string()).await;
    (clock, sandbox, path, before)
}

/// Starts a batch on `path` with slow submits, one at a time, and kills it with -9 once its
/// journal holds a first outcome.
async fn killed_mid_way(sandbox: &SandboxHandle, path: &str) {
    // Submits that take 700 ms: the batch is under way long enough to be caught.
    batch::slow(sandbox, "POST /api/service/workflows/submit", 700);
    let child = spawn_rerun(sandbox, path, &["--yes", "--concurrency", "1"]);
    batch::until_done(std::path::Path::new(path), 1).await;
    batch::kill_9(child).await;
}

/// `runs rerun` on `path` as a child process, its output piped.
fn spawn_rerun(sandbox: &SandboxHandle, path: &str, extra: &[&str]) -> tokio::process::Child {
    batch::spawn(sandbox, &rerun_args(path, extra))
}

#[tokio::test]
async fn two_resumes_started_at_once_on_one_journal_submit_each_workflow_once() {
    let (_clock, sandbox, path, before) = killed_batch("two-resumes").await;
    let path_text = path.display().to_string();
    // Two processes resume the one journal at the same moment: one holds it, the other is
    // refused with the holder's pid and sends nothing.
    let first = spawn_rerun(&sandbox, &path_text, &["--yes", "--resume"]);
    let second = spawn_rerun(&sandbox, &path_text, &["--yes", "--resume"]);
    let pids = [first.id().unwrap(), second.id().unwrap()];
    let (first, second) = tokio::join!(first.wait_with_output(), second.wait_with_output());
    let outputs = [first.unwrap(), second.unwrap()];
    let refused: Vec<usize> = (0..2)
        .filter(|at| String::from_utf8_lossy(&outputs[*at].stderr).contains("is in use by process"))
        .collect();
    assert_eq!(refused.len(), 1, "exactly one is refused: {outputs:?}");
    let (loser, winner) = (refused[0], 1 - refused[0]);
    let told = String::from_utf8_lossy(&outputs[loser].stderr).into_owned();
    assert!(
        told.contains(&format!("process {}", pids[winner])),
        "{told}"
    );
    assert!(told.contains("nothing was sent"), "{told}");
    assert_eq!(outputs[loser].status.code(), Some(1), "{told}");
    assert!(outputs[loser].stdout.is_empty());
    // Each workflow of the batch made one run, whoever submitted it.
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&outputs[winner].stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let maybe_sent = lines
        .iter()
        .filter(|line| line["action"] == "maybe_sent")
        .count();
    let reruns = lines
        .iter()
        .filter(|line| line["action"] == "rerun")
        .count();
    let total = legacy_runs(&sandbox) - before;
    assert!(
        total >= reruns && total <= reruns + maybe_sent,
        "{total} runs for {reruns} re-runs and {maybe_sent} maybe sent: a duplicate"
    );
    assert!(
        !path.with_extension("jsonl.lock").exists(),
        "the lock is let go"
    );
}

#[tokio::test]
async fn a_lagging_index_does_not_make_a_second_pass_submit_twice() {
    let clock = clock();
    // Searches see a run a minute after it is submitted (on the sandbox's clock, which stays).
    let sandbox = sandbox_with(&clock, |builder| builder.index_lag(Duration::from_secs(60))).await;
    let path = journal("lag");
    let path_text = path.display().to_string();
    let before = legacy_runs(&sandbox);
    let out = atlan(&sandbox, &rerun_args(&path_text, &["--yes"])).await;
    out.ok();
    let first = out.json_lines().len();
    assert!(first >= 2, "the planted failures: {}", out.stdout);
    assert_eq!(legacy_runs(&sandbox), before + first);

    // The index shows neither the new runs nor that they are active: the earlier batch's journal
    // holds them back.
    let out = atlan(&sandbox, &rerun_args(&path_text, &["--yes"])).await;
    out.ok();
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(
        out.stderr.contains("submitted by an earlier batch"),
        "{}",
        out.stderr
    );
    assert_eq!(legacy_runs(&sandbox), before + first, "no duplicate");
}

#[cfg(unix)]
#[tokio::test]
async fn a_fifo_given_as_the_journal_is_refused_at_once() {
    let (_clock, sandbox) = sandbox().await;
    let path = journal("fifo");
    batch::fifo(&path);
    let path_text = path.display().to_string();
    let before = legacy_runs(&sandbox);
    // Before the fix the resume blocked in `open` for ever: the guard fails the test instead.
    let resume = rerun_args(&path_text, &["--yes", "--resume"]);
    let out = tokio::time::timeout(Duration::from_secs(60), atlan(&sandbox, &resume))
        .await
        .expect("the resume blocked on a FIFO");
    out.exits(1).mentions("not a regular file");
    let out = atlan(&sandbox, &rerun_args(&path_text, &["--yes"])).await;
    out.exits(1);
    assert_eq!(legacy_runs(&sandbox), before, "nothing was sent");
}
