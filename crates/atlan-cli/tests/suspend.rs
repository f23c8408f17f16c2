//! `atlanctl schedules suspend | resume` and `atlanctl apps schedules suspend | resume` against a
//! sandbox: one workflow by name on each API, `schedules list` marking the suspended ones, a
//! resume of what was never suspended (exit 1, nothing changed), and the bulk form (the plan,
//! `--yes` needed without a terminal, the journal, a glob matching nothing, a journal of another
//! selection refused) restoring every schedule exactly.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::path::PathBuf;

use atlan_sandbox::SandboxHandle;
use common::*;
use serde_json::Value;

fn journal(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("atlanctl-suspend-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("batch.jsonl")
}

/// `schedules list` as (workflow, cron, time zone, suspended), sorted.
async fn listed(sandbox: &SandboxHandle) -> Vec<(String, String, String, bool)> {
    let out = atlan(sandbox, &["-o", "json", "schedules", "list"]).await;
    out.ok();
    let mut all: Vec<_> = out
        .json_lines()
        .iter()
        .map(|line| {
            let text = |key: &str| line[key].as_str().unwrap().to_owned();
            (
                text("workflow"),
                text("cron"),
                text("timezone"),
                line["suspended"] == Value::Bool(true),
            )
        })
        .collect();
    all.sort();
    all
}

/// Whether every schedule `schedules list` shows is suspended.
async fn all_suspended(sandbox: &SandboxHandle) -> bool {
    listed(sandbox)
        .await
        .iter()
        .all(|(_, _, _, suspended)| *suspended)
}

/// `schedules resume --all --yes` with the journal at `path`.
async fn bulk_resume(sandbox: &SandboxHandle, path: &str) -> Output {
    atlan(
        sandbox,
        &["schedules", "resume", "--all", "--yes", "--journal", path],
    )
    .await
}

/// The triggers of an app workflow as (cron, time zone), sorted.
async fn triggers(sandbox: &SandboxHandle, slug: &str) -> Vec<(String, String)> {
    let out = atlan(sandbox, &["-o", "json", "apps", "get", slug]).await;
    out.ok();
    let summary = &out.json_lines()[0];
    let mut all: Vec<_> = summary["schedules"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|entry| {
            (
                entry["cron"].as_str().unwrap().to_owned(),
                entry["timezone"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    all.sort();
    all
}

#[tokio::test]
async fn a_legacy_schedule_suspends_shows_as_suspended_and_resumes_exactly() {
    let (_clock, sandbox) = sandbox().await;
    let before = listed(&sandbox).await;
    let (workflow, cron, timezone, _) = before[0].clone();
    let out = atlan_line(&sandbox, &format!("-o json schedules suspend {workflow}")).await;
    out.ok();
    let line = &out.json_lines()[0];
    assert_eq!(line["action"], "suspended");
    assert_eq!(line["api"], "legacy");
    assert_eq!(line["schedules"][0]["cron"], cron.as_str());
    assert_eq!(line["schedules"][0]["timezone"], timezone.as_str());
    let keys: Vec<&String> = line.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["action", "api", "reason", "schedules", "workflow"]);

    let during = listed(&sandbox).await;
    assert_eq!(
        during.len(),
        before.len(),
        "a suspended schedule is still listed"
    );
    assert!(during.contains(&(workflow.clone(), cron.clone(), timezone.clone(), true)));
    let table = atlan(&sandbox, &["schedules", "list"]).await;
    let row = table
        .ok()
        .lines()
        .find(|row| row.split_whitespace().nth(1) == Some(workflow.as_str()))
        .unwrap()
        .to_owned();
    assert!(
        row.split_whitespace().any(|cell| cell == "suspended"),
        "{row}"
    );

    let out = atlan_line(&sandbox, &format!("schedules resume {workflow}")).await;
    assert!(out.ok().contains("resumed"), "{}", out.stdout);
    assert_eq!(listed(&sandbox).await, before, "restored exactly");

    let again = atlan_line(&sandbox, &format!("schedules resume {workflow}")).await;
    assert_eq!(again.code, 1, "{}", again.stderr);
    assert!(
        again.stderr.contains("no suspended schedule"),
        "{}",
        again.stderr
    );
    assert!(
        again.stderr.contains("nothing was changed"),
        "{}",
        again.stderr
    );
    assert_eq!(listed(&sandbox).await, before);

    let unknown = atlan_line(&sandbox, "schedules suspend atlan-nothing-1000000000").await;
    assert_eq!(unknown.code, 3, "{}", unknown.stderr);
}

#[tokio::test]
async fn every_trigger_of_an_app_workflow_suspends_and_resumes() {
    let (_clock, sandbox) = sandbox().await;
    let list = atlan_line(&sandbox, "-o json apps list").await;
    let slug = list
        .json_lines()
        .iter()
        .find(|workflow| {
            workflow["schedules"]
                .as_array()
                .is_some_and(|s| !s.is_empty())
        })
        .and_then(|workflow| workflow["slug"].as_str().map(str::to_owned))
        .expect("a scheduled app workflow");
    atlan_line(
        &sandbox,
        &format!("apps schedules add {slug} --cron '*/15 * * * *' --timezone Asia/Tokyo"),
    )
    .await
    .ok();
    let before = triggers(&sandbox, &slug).await;
    assert!(before.len() >= 2);
    let out = atlan_line(&sandbox, &format!("-o json apps schedules suspend {slug}")).await;
    out.ok();
    let line = &out.json_lines()[0];
    assert_eq!(line["action"], "suspended");
    assert_eq!(line["schedules"].as_array().unwrap().len(), before.len());
    assert!(triggers(&sandbox, &slug).await.is_empty());
    let out = atlan_line(&sandbox, &format!("apps schedules resume {slug}")).await;
    out.ok();
    assert_eq!(triggers(&sandbox, &slug).await, before);
    let never = atlan_line(&sandbox, &format!("apps schedules resume {slug}")).await;
    assert_eq!(never.code, 1, "{}", never.stderr);
    assert_eq!(triggers(&sandbox, &slug).await, before);
}

#[tokio::test]
async fn a_bulk_suspend_needs_yes_journals_and_a_bulk_resume_restores_everything() {
    let (_clock, sandbox) = sandbox().await;
    let before = listed(&sandbox).await;
    assert!(before.len() >= 3);
    let path = journal("bulk");
    let path_text = path.display().to_string();

    let refused = atlan_line(
        &sandbox,
        &format!("schedules suspend --all --journal {path_text}"),
    )
    .await;
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(refused.stderr.contains("--yes"), "{}", refused.stderr);
    assert!(
        refused.stderr.contains("suspend the schedules of"),
        "the plan: {}",
        refused.stderr
    );
    assert_eq!(
        listed(&sandbox).await,
        before,
        "nothing changed without --yes"
    );
    assert!(!path.exists());

    let nothing = atlan_line(
        &sandbox,
        &format!("schedules suspend --workflow zzz-* --yes --journal {path_text}"),
    )
    .await;
    assert_eq!(nothing.code, 3, "{}", nothing.stderr);
    assert!(nothing.stderr.contains("zzz-*"), "{}", nothing.stderr);

    let out = atlan_line(
        &sandbox,
        &format!("-o json schedules suspend --all --yes --journal {path_text}"),
    )
    .await;
    out.ok();
    assert!(
        out.stderr.contains(&path_text),
        "the journal is named: {}",
        out.stderr
    );
    let lines = out.json_lines();
    assert!(
        lines.iter().any(|line| line["api"] == "apps"),
        "{}",
        out.stdout
    );
    assert!(
        lines.iter().all(|line| line["action"] == "suspended"),
        "{}",
        out.stdout
    );
    assert!(all_suspended(&sandbox).await);
    assert!(!path.exists(), "a finished batch's journal is moved aside");

    // A journal of another selection is refused, with nothing changed.
    let other = atlan_ops::bulk::Header::new(
        "resume",
        sandbox.base_url(),
        "--api all --package atlan-databricks",
        jiff::Timestamp::now(),
    );
    drop(atlan_ops::bulk::Journal::create(&path, other).unwrap());
    let mismatch = atlan_line(
        &sandbox,
        &format!("schedules resume --all --yes --resume --journal {path_text}"),
    )
    .await;
    assert_eq!(mismatch.code, 1, "{}", mismatch.stderr);
    assert!(
        mismatch.stderr.contains("nothing was sent"),
        "{}",
        mismatch.stderr
    );
    assert!(all_suspended(&sandbox).await);
    std::fs::remove_file(&path).unwrap();

    let out = atlan_line(
        &sandbox,
        &format!("-o json schedules resume --all --yes --journal {path_text}"),
    )
    .await;
    out.ok();
    assert!(
        out.json_lines()
            .iter()
            .all(|line| line["action"] == "resumed")
    );
    assert_eq!(
        listed(&sandbox).await,
        before,
        "every schedule restored exactly"
    );
    let second = bulk_resume(&sandbox, &path_text).await;
    second.ok();
    assert!(
        second.stderr.contains("nothing to resume"),
        "{}",
        second.stderr
    );
}

#[tokio::test]
async fn a_bulk_suspend_and_a_bulk_resume_killed_mid_way_are_held_and_restore_exactly() {
    let (_clock, sandbox) = sandbox().await;
    let before = listed(&sandbox).await;
    let path = journal("kill");
    let path_text = path.display().to_string();
    // Slow writes: each batch is under way when it is looked at and killed.
    batch::slow(&sandbox, "POST /api/service/workflows/*", 400);
    let bulk = |verb: &'static str, extra: &'static [&'static str]| {
        let mut args = vec![
            "-o",
            "json",
            "schedules",
            verb,
            "--all",
            "--yes",
            "--journal",
        ];
        args.push(path_text.as_str());
        args.extend_from_slice(extra);
        args
    };
    for (verb, action) in [("suspend", "suspended"), ("resume", "resumed")] {
        batch::held_then_killed(
            &sandbox,
            &path,
            &bulk(verb, &[]),
            &bulk(verb, &["--resume"]),
        )
        .await;
        let resumed = atlan(&sandbox, &bulk(verb, &["--resume"])).await;
        resumed.ok();
        let lines = resumed.json_lines();
        assert!(
            !lines.is_empty() && lines.iter().all(|line| line["action"] == action),
            "{verb}: {}",
            resumed.stdout
        );
        if verb == "suspend" {
            assert!(all_suspended(&sandbox).await);
        }
    }
    assert_eq!(listed(&sandbox).await, before, "every schedule as it was");
}
