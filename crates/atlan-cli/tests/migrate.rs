//! `atlanctl migrate plan | apply | verify` rehearsed on the sandbox (which serves both APIs):
//! the demo tenant's plan and its report, an apply that creates each ready workflow once (a
//! second creates nothing), a verify of each pair, the legacy workflows archived only once their
//! app workflows exist, and a name taken by an app workflow with other inputs reported as a
//! conflict, never reused.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::path::PathBuf;

use std::time::Duration;

use atlan_sandbox::{Sandbox, SandboxHandle};
use common::*;
use serde_json::Value;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("atlanctl-migrate-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The app workflows named `name`, as `apps list --name` prints them.
async fn apps_named(sandbox: &SandboxHandle, name: &str) -> Vec<Value> {
    let out = atlan(
        sandbox,
        &["-o", "json", "apps", "list", "--name", name, "--all"],
    )
    .await;
    out.ok();
    out.json_lines()
}

#[tokio::test]
async fn the_demo_tenant_plans_with_a_report_and_each_line_names_its_fields() {
    let (_clock, sandbox) = sandbox().await;
    let dir = scratch("plan");
    let report = dir.join("plan.md");
    let report_text = report.display().to_string();
    let out = atlan_line(
        &sandbox,
        &format!("-o json migrate plan --report {report_text}"),
    )
    .await;
    assert_eq!(
        out.code, 1,
        "not every demo workflow is ready: {}",
        out.stderr
    );
    let lines = out.json_lines();
    assert!(lines.len() >= 60, "{}", lines.len());
    let count = |status: &str| lines.iter().filter(|l| l["status"] == status).count();
    assert!(count("ready") > 0 && count("needs_input") > 0 && count("unsupported") > 0);
    for line in &lines {
        for field in [
            "workflow",
            "package",
            "app_id",
            "entrypoint",
            "status",
            "inputs",
            "unmapped",
            "schedule",
            "provenance",
        ] {
            assert!(line.get(field).is_some(), "{field}: {line}");
        }
        for input in line["inputs"].as_object().unwrap().keys() {
            assert!(
                line["provenance"].get(input).is_some(),
                "{input} has its source: {line}"
            );
        }
    }
    let snowflake = lines
        .iter()
        .find(|l| l["workflow"] == "atlan-snowflake-1714638976")
        .unwrap();
    assert_eq!(snowflake["status"], "ready", "{snowflake}");
    assert_eq!(snowflake["app_id"], "snowflake-crawler");
    assert_eq!(snowflake["entrypoint"], "crawler");
    assert!(snowflake["inputs"]["credential_guid"].is_string());
    let report = std::fs::read_to_string(&report).unwrap();
    assert!(
        report.contains(&format!(
            "| {} | {} | {} | {} |",
            count("ready"),
            count("needs_input"),
            count("unsupported"),
            lines.len()
        )),
        "{report}"
    );
    assert!(report.contains("## `atlan-snowflake-1714638976`: ready"));

    let one = atlan_line(
        &sandbox,
        "migrate plan --workflow atlan-snowflake-1714638976",
    )
    .await;
    one.ok();
    let unknown = atlan_line(&sandbox, "migrate plan --workflow atlan-nothing-1000000000").await;
    assert_eq!(unknown.code, 3, "{}", unknown.stderr);
}

#[tokio::test]
async fn apply_creates_once_verify_compares_and_archive_waits_for_the_app_workflow() {
    let (_clock, sandbox) = sandbox().await;
    let dir = scratch("apply");
    let journal = dir.join("migrate.jsonl").display().to_string();
    let select = ["--package", "atlan-snowflake"];
    let apply = |extra: &'static [&'static str]| {
        let mut args = vec![
            "-o",
            "json",
            "migrate",
            "apply",
            "--journal",
            journal.as_str(),
        ];
        args.extend_from_slice(&select);
        args.extend_from_slice(extra);
        args
    };
    let refused = atlan(&sandbox, &apply(&[])).await;
    assert_eq!(
        refused.code, 2,
        "--yes is needed without a terminal: {}",
        refused.stderr
    );
    let before = sandbox.counts();

    let out = atlan(&sandbox, &apply(&["--yes"])).await;
    out.ok();
    let lines = out.json_lines();
    assert_eq!(lines.len(), 2, "{}", out.stdout);
    assert!(
        lines.iter().all(|l| l["action"] == "created"),
        "{}",
        out.stdout
    );
    let created = apps_named(&sandbox, "atlan-snowflake-1714638976").await;
    assert_eq!(created.len(), 1);
    assert!(
        created[0]["schedules"]
            .as_array()
            .is_some_and(|s| !s.is_empty()),
        "the schedule is carried: {}",
        created[0]
    );
    assert_eq!(sandbox.counts().1, before.1, "run: false: no run started");

    let again = atlan(&sandbox, &apply(&["--yes"])).await;
    again.ok();
    assert!(
        again.json_lines().iter().all(|l| l["action"] == "reused"),
        "{}",
        again.stdout
    );
    assert_eq!(
        apps_named(&sandbox, "atlan-snowflake-1714638976")
            .await
            .len(),
        1,
        "nothing created twice"
    );

    let verify = atlan_line(&sandbox, "-o json migrate verify --package atlan-snowflake").await;
    verify.ok();
    assert!(
        verify
            .json_lines()
            .iter()
            .all(|l| l["status"] == "verified"),
        "{}",
        verify.stdout
    );

    // An archive the tenant refuses is not a success: exit 1, and nothing is lost (the next
    // apply archives it).
    sandbox
        .faults()
        .add(
            atlan_sandbox::FaultRule::status("POST /api/service/workflows/*/archive", 500).times(1),
        )
        .unwrap();
    let refused = atlan(&sandbox, &apply(&["--yes", "--archive-legacy", "--verify"])).await;
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert!(
        refused
            .stderr
            .contains("legacy workflow(s) were not archived"),
        "{}",
        refused.stderr
    );
    assert!(
        refused
            .json_lines()
            .iter()
            .any(|line| line["action"] != "archived"),
        "{}",
        refused.stdout
    );

    let archived = atlan(&sandbox, &apply(&["--yes", "--archive-legacy", "--verify"])).await;
    archived.ok();
    for line in archived.json_lines() {
        assert_eq!(line["action"], "archived", "{line}");
        assert!(
            line["reason"]
                .as_str()
                .unwrap()
                .contains("atlanctl workflows run"),
            "{line}"
        );
    }
    let gone = atlan_line(&sandbox, "workflows find --id atlan-snowflake-1714638976").await;
    assert_ne!(gone.code, 0, "archived: {}", gone.stdout);
    assert_eq!(
        apps_named(&sandbox, "atlan-snowflake-1714638976")
            .await
            .len(),
        1
    );
}

#[tokio::test]
async fn a_name_taken_by_other_inputs_is_a_conflict_and_never_reused() {
    let (_clock, sandbox) = sandbox().await;
    let dir = scratch("conflict");
    let inputs = dir.join("inputs.json");
    std::fs::write(
        &inputs,
        r#"{"connection": {"typeName": "Connection", "attributes": {"qualifiedName": "default/snowflake/9"}},
            "credential_guid": "972a87c1-28d7-8bf2-896d-ea5bd3e9c691", "extraction_method": "direct"}"#,
    )
    .unwrap();
    atlan(
        &sandbox,
        &[
            "apps",
            "create",
            "snowflake-crawler",
            "--name",
            "atlan-snowflake-1714638976",
            "--inputs",
            &inputs.display().to_string(),
        ],
    )
    .await
    .ok();
    let out = atlan_line(
        &sandbox,
        "-o json migrate plan --workflow atlan-snowflake-1714638976",
    )
    .await;
    assert_eq!(out.code, 1, "{}", out.stderr);
    let line = &out.json_lines()[0];
    assert_eq!(line["status"], "needs_input", "{line}");
    assert!(line["problems"].to_string().contains("conflict"), "{line}");
    let journal = dir.join("migrate.jsonl").display().to_string();
    let apply = atlan_line(
        &sandbox,
        &format!(
            "-o json migrate apply --workflow atlan-snowflake-1714638976 --yes --journal {journal}"
        ),
    )
    .await;
    apply.ok();
    assert!(
        apply.stderr.contains("nothing to migrate"),
        "{}",
        apply.stderr
    );
    assert_eq!(
        apps_named(&sandbox, "atlan-snowflake-1714638976")
            .await
            .len(),
        1,
        "not reused, not created"
    );
}

#[tokio::test]
async fn verify_with_a_test_run_submits_the_app_workflow_and_monitors_it_to_its_end() {
    // On the system clock, with runs that end when submitted, so that the run does end.
    let sandbox = Sandbox::builder()
        .api_key(KEY)
        .run_durations(Duration::ZERO, Duration::ZERO)
        .start()
        .await
        .unwrap();
    let dir = scratch("test-run");
    let journal = dir.join("migrate.jsonl").display().to_string();
    let workflow = "atlan-snowflake-1714638976";
    atlan_line(
        &sandbox,
        &format!("migrate apply --workflow {workflow} --yes --journal {journal}"),
    )
    .await
    .ok();
    let out = atlan_line(
        &sandbox,
        &format!("-o json migrate verify --workflow {workflow} --test-run --timeout 1m"),
    )
    .await;
    out.ok();
    let line = &out.json_lines()[0];
    assert_eq!(line["status"], "verified", "{line}");
    assert_eq!(line["run_status"], "Succeeded", "{line}");
    assert!(
        line["run"].as_str().is_some_and(|run| !run.is_empty()),
        "{line}"
    );
}

#[tokio::test]
async fn right_after_a_migration_doctor_warns_of_the_double_schedule_not_of_missed_runs() {
    let (clock, sandbox) = sandbox().await;
    let dir = scratch("doctor");
    let journal = dir.join("migrate.jsonl").display().to_string();
    atlan_line(
        &sandbox,
        &format!("migrate apply --workflow {CRAWLER} --yes --journal {journal}"),
    )
    .await
    .ok();
    let migrated = apps_named(&sandbox, CRAWLER).await;
    let slug = migrated[0]["slug"].as_str().unwrap().to_owned();
    // Two hours later, on the sandbox's clock.
    clock.advance(Duration::from_secs(2 * 3600));
    let at = atlan_sandbox::Clock::now(&clock).to_string();
    let doctor = atlan_line(&sandbox, &format!("-o json doctor --now {at}")).await;
    let findings = doctor.json_lines();
    let about = |check: &str, workflow: &str| {
        findings
            .iter()
            .filter(|f| f["check"] == check && f["workflow"] == workflow)
            .count()
    };
    assert_eq!(about("missed_schedule", &slug), 0, "{findings:?}");
    assert_eq!(about("stale", &slug), 0, "{findings:?}");
    let double = findings
        .iter()
        .find(|f| {
            f["check"] == "double_schedule"
                && f["workflow"] == CRAWLER
                && f["detail"].as_str().unwrap().contains(&slug)
        })
        .unwrap_or_else(|| panic!("the pair is both scheduled: {findings:?}"));
    assert!(
        double["detail"]
            .as_str()
            .unwrap()
            .contains("migrated from it"),
        "{double}"
    );
    assert_eq!(
        double["next"],
        format!("atlanctl migrate apply --workflow {CRAWLER} --archive-legacy")
    );
}

#[tokio::test]
async fn a_report_writes_no_escape_sequence_from_a_parameter_value() {
    let (_clock, sandbox) = sandbox().await;
    let workflow = "atlan-snowflake-1714638976";
    let hostile = "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{202e}gnp.exe";
    let set = format!("extract-strategy={hostile}");
    atlan_line(
        &sandbox,
        &format!("workflows update {workflow} --set {set}"),
    )
    .await
    .ok();
    let dir = scratch("report-escapes");
    let report = dir.join("plan.md");
    let report_text = report.display().to_string();
    let out = atlan_line(
        &sandbox,
        &format!("migrate plan --workflow {workflow} --report {report_text}"),
    )
    .await;
    assert_eq!(
        out.code, 1,
        "a value outside the enum needs input: {}",
        out.stderr
    );
    let report = std::fs::read_to_string(&report).unwrap();
    assert!(report.contains("]0;pwned"), "shown escaped: {report}");
    for bad in ['\u{1b}', '\u{7}', '\u{202e}'] {
        assert!(!report.contains(bad), "{bad:?} written as it is: {report}");
    }
}

#[tokio::test]
async fn an_apply_killed_mid_way_is_held_against_a_second_process_and_creates_each_once() {
    let (_clock, sandbox) = sandbox().await;
    let dir = scratch("kill");
    let journal = dir.join("migrate.jsonl");
    let journal_text = journal.display().to_string();
    // Slow creates: the batch is under way when it is looked at and killed.
    batch::slow(&sandbox, "POST /api/service/v1/app", 400);
    let apply = |extra: &'static [&'static str]| {
        let mut args = vec!["-o", "json", "migrate", "apply", "--yes", "--journal"];
        args.push(journal_text.as_str());
        args.extend_from_slice(extra);
        args
    };
    batch::held_then_killed(&sandbox, &journal, &apply(&[]), &apply(&["--resume"])).await;
    sandbox.faults().clear();

    let resumed = atlan(&sandbox, &apply(&["--resume"])).await;
    assert_eq!(resumed.code, 0, "{}", resumed.stderr);
    let lines = resumed.json_lines();
    assert!(lines.len() >= 2, "{}", resumed.stdout);
    for line in &lines {
        let workflow = line["workflow"].as_str().unwrap();
        assert_eq!(
            apps_named(&sandbox, workflow).await.len(),
            1,
            "{workflow} created once: {line}"
        );
    }
}
