//! `runs explain`, `runs stats` and `doctor` against a sandbox whose runs are made to fail with its
//! failure control and moved on with its clock, and `doctor --desired`'s drift from workflow files.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::time::Duration;

use atlan_sandbox::{
    Clock, CredentialTestRule, FailureCause, FaultRule, ManualClock, SandboxHandle,
};
use common::*;
use serde_json::Value;

/// The app workflow of the default seed that uses [`CREDENTIAL`].
const APP: &str = "prod-snowflake-0c4f9a1e";

async fn tenant() -> (ManualClock, SandboxHandle) {
    let clock = clock();
    let sandbox = sandbox_with(&clock, |builder| {
        builder.stop_delay(Duration::ZERO).credential_rules(vec![
            CredentialTestRule::new("id", "token has expired").equals(CREDENTIAL),
        ])
    })
    .await;
    (clock, sandbox)
}

/// Re-runs the crawler and lets the run end; answers its name.
async fn rerun(sandbox: &SandboxHandle, clock: &ManualClock) -> String {
    let out = atlan(sandbox, &["-o", "json", "workflows", "rerun", CRAWLER]).await;
    out.ok();
    let name = out.json_lines()[0]["metadata"]["name"]
        .as_str()
        .expect("the run's name")
        .to_owned();
    clock.advance(Duration::from_secs(60));
    name
}

fn now(clock: &ManualClock) -> String {
    clock.now().to_string()
}

#[tokio::test]
async fn explain_names_the_failed_step_its_cause_exit_code_and_log() {
    let (clock, sandbox) = tenant().await;
    let succeeded = rerun(&sandbox, &clock).await;
    sandbox
        .faults()
        .add(
            FaultRule::fail_runs(
                CRAWLER,
                "Authentication failed for user ETL: incorrect username or password",
            )
            .retries(2)
            .times(1),
        )
        .unwrap();
    let failed = rerun(&sandbox, &clock).await;

    let out = atlan_line(&sandbox, &format!("-o json runs explain {failed}")).await;
    out.ok();
    let explained = &out.json_lines()[0];
    assert_eq!(explained["run"], failed.as_str());
    assert_eq!(explained["workflow"], CRAWLER);
    assert_eq!(explained["api"], "legacy");
    assert_eq!(explained["status"], "Failed");
    assert_eq!(explained["cause"], "credential");
    assert_eq!(explained["retries"], 2);
    assert_eq!(explained["exit_code"], 1);
    assert_eq!(explained["message"], "main: Error (exit code 1)");
    let step = explained["failed_step"].as_str().expect("a failed step");
    assert!(
        explained["log_artifact"]
            .as_str()
            .is_some_and(|key| key.starts_with(&format!("{failed}/")) && key.ends_with("/main.log")),
        "{explained}"
    );
    assert_eq!(explained["previous_success"]["run"], succeeded.as_str());
    assert!(!explained["steps"].as_array().unwrap().is_empty());
    assert!(
        explained["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|change| change["step"] == step || change["this_s"].is_null()),
        "the failed step is slower or not reached: {explained}"
    );

    // For people: the tree with the failed step marked.
    let table = atlan_line(&sandbox, &format!("runs explain {failed}")).await;
    assert!(table.ok().contains("<- failed step"), "{}", table.stdout);
    assert!(
        table.stdout.contains("cause      credential"),
        "{}",
        table.stdout
    );

    // A success is explained as such; a run that does not exist exits 3 with its name.
    let ok = atlan_line(&sandbox, &format!("-o json runs explain {succeeded}")).await;
    ok.ok();
    let ok = &ok.json_lines()[0];
    assert_eq!(
        (ok["status"].as_str(), &ok["cause"]),
        (Some("Succeeded"), &Value::Null)
    );
    assert_eq!(ok["failed_step"], Value::Null);
    atlan_line(&sandbox, "runs explain no-such-run-abcde")
        .await
        .exits(3)
        .mentions("no-such-run-abcde");
}

#[tokio::test]
async fn explain_reads_an_app_run_through_the_asset_search() {
    let (clock, sandbox) = tenant().await;
    sandbox
        .faults()
        .add(FaultRule::fail_at(APP, "transform", FailureCause::OutOfMemory).times(1))
        .unwrap();
    let submitted = atlan_line(&sandbox, &format!("-o json apps submit {APP}")).await;
    submitted.ok();
    let run_id = submitted.json_lines()[0]["run_id"]
        .as_str()
        .unwrap()
        .to_owned();
    clock.advance(Duration::from_secs(120));
    let out = atlan_line(&sandbox, &format!("-o json runs explain {run_id}")).await;
    out.ok();
    let explained = &out.json_lines()[0];
    assert_eq!(explained["api"], "apps");
    assert_eq!(explained["workflow"], APP);
    assert_eq!(explained["cause"], "out_of_memory");
    assert_eq!(explained["failed_step"], "transform");
    assert_eq!(explained["exit_code"], 137);
    assert!(
        explained["log_artifact"]
            .as_str()
            .is_some_and(|key| key.ends_with("transform/main.log")),
        "{explained}"
    );
}

/// `runs explain --workflow` explains the latest ended run of a workflow of either API, named by
/// its legacy name, its app slug or its app name: the run `runs explain RUN` explains.
#[tokio::test]
async fn explain_a_workflow_explains_its_latest_ended_run_on_either_api() {
    let (clock, sandbox) = tenant().await;
    let failed = rerun(&sandbox, &clock).await;
    let explained = |line: String| {
        let sandbox = &sandbox;
        async move {
            let out = atlan_line(sandbox, &line).await;
            out.ok();
            out.json_lines()[0].clone()
        }
    };
    let by_run = explained(format!("-o json runs explain {failed}")).await;
    let by_workflow = explained(format!("-o json runs explain --workflow {CRAWLER}")).await;
    assert_eq!(by_workflow, by_run);

    let app = explained(format!("-o json runs explain --workflow {APP}")).await;
    assert_eq!(
        (app["api"].as_str(), app["workflow"].as_str()),
        (Some("apps"), Some(APP))
    );
    let latest = atlan_line(&sandbox, &format!("-o json apps runs list {APP}")).await;
    let ended = latest
        .json_lines()
        .into_iter()
        .find(|run| !matches!(run["status"].as_str(), Some("Running" | "Pending")))
        .unwrap();
    assert_eq!(app["run"], ended["name"], "{app}");
    let name = atlan_line(&sandbox, &format!("-o json apps get {APP}"))
        .await
        .json_lines()[0]["name"]
        .as_str()
        .unwrap()
        .to_owned();
    let by_name = explained(format!("-o json runs explain --workflow {name}")).await;
    assert_eq!(by_name["run"], app["run"]);

    atlan_line(
        &sandbox,
        &format!("runs explain --workflow {CRAWLER} --api apps"),
    )
    .await
    .exits(3)
    .mentions(&format!("workflow `{CRAWLER}` not found"));
}

#[tokio::test]
async fn explain_answers_for_an_app_run_the_asset_search_does_not_show_yet() {
    let (_clock, sandbox) = tenant().await;
    sandbox
        .faults()
        .add(FaultRule::index_lag(APP, Duration::from_secs(3600)))
        .unwrap();
    let submitted = atlan_line(&sandbox, &format!("-o json apps submit {APP}")).await;
    submitted.ok();
    let run_id = submitted.json_lines()[0]["run_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let out = atlan_line(&sandbox, &format!("-o json runs explain {run_id}")).await;
    out.ok();
    let explained = &out.json_lines()[0];
    assert_eq!(explained["api"], "apps");
    assert_eq!(explained["workflow"], APP);
    assert_eq!(explained["cause"], Value::Null, "not ended: {explained}");
    assert_eq!(explained["steps"], serde_json::json!([]));
    atlan_line(&sandbox, "runs explain ..").await.exits(3);
}

#[tokio::test]
async fn stats_count_a_known_mix_of_both_apis_in_the_window() {
    let (clock, sandbox) = tenant().await;
    let since = now(&clock);
    rerun(&sandbox, &clock).await;
    sandbox
        .faults()
        .add(FaultRule::fail_runs(CRAWLER, "boom").times(1))
        .unwrap();
    rerun(&sandbox, &clock).await;
    rerun(&sandbox, &clock).await;
    sandbox
        .faults()
        .add(FaultRule::fail_at(APP, "extract", FailureCause::StepError).times(1))
        .unwrap();
    atlan_line(&sandbox, &format!("apps submit {APP}"))
        .await
        .ok();
    clock.advance(Duration::from_secs(120));
    // A run still going at the end of the window.
    atlan_line(&sandbox, &format!("workflows rerun {CRAWLER}"))
        .await
        .ok();
    clock.advance(Duration::from_secs(5));

    let at = now(&clock);
    let out = atlan_line(
        &sandbox,
        &format!("-o json runs stats --since {since} --now {at}"),
    )
    .await;
    out.ok();
    let rows = out.json_lines();
    let row = |api: &str, workflow: &str| -> Value {
        rows.iter()
            .find(|row| row["api"] == api && row["workflow"] == workflow)
            .unwrap_or_else(|| panic!("no row for {workflow}: {rows:?}"))
            .clone()
    };
    let crawler = row("legacy", CRAWLER);
    assert_eq!(
        (
            &crawler["runs"],
            &crawler["succeeded"],
            &crawler["failed"],
            &crawler["active"]
        ),
        (
            &Value::from(4),
            &Value::from(2),
            &Value::from(1),
            &Value::from(1)
        )
    );
    assert!((crawler["success_rate"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-9);
    assert_eq!(crawler["failure_streak"], 0);
    assert_eq!(
        crawler["duration_p50_s"], crawler["duration_p95_s"],
        "{crawler}"
    );
    assert!(crawler["last_success_at"].is_string());
    let app = row("apps", APP);
    assert_eq!(
        (&app["runs"], &app["failed"], &app["failure_streak"]),
        (&Value::from(1), &Value::from(1), &Value::from(1))
    );
    assert_eq!(app["success_rate"], 0.0);
    assert_eq!(rows[0]["failure_streak"], 1, "worst first: {rows:?}");

    // Filters, and what is wrong with them.
    let legacy = atlan_line(
        &sandbox,
        &format!("-o json runs stats --since {since} --now {at} --api legacy"),
    )
    .await;
    legacy.ok();
    assert!(legacy.json_lines().iter().all(|row| row["api"] == "legacy"));
    let table = atlan_line(
        &sandbox,
        &format!("runs stats --since {since} --now {at} --workflow {CRAWLER}"),
    )
    .await;
    assert!(table.ok().contains("✓✗✓·"), "{}", table.stdout);
    let wrong: [(&[&str], i32, &str); 4] = [
        (&["--workflow", "no-such-workflow"], 3, "no-such-workflow"),
        (
            &["--package", "atlan-nothing-here"],
            3,
            "atlan-nothing-here",
        ),
        (
            &["--since", "now-1d", "--before", "now-2d"],
            2,
            "wrong way round",
        ),
        (&["--since", "yesterday"], 2, "yesterday"),
    ];
    for (args, code, named) in wrong {
        let mut line = vec!["runs", "stats"];
        line.extend_from_slice(args);
        atlan(&sandbox, &line).await.exits(code).mentions(named);
    }
}

#[tokio::test]
async fn doctor_finds_each_problem_once_and_tests_each_credential_once() {
    let (clock, sandbox) = tenant().await;
    sandbox
        .faults()
        .add(FaultRule::fail_runs(CRAWLER, "boom").times(1))
        .unwrap();
    rerun(&sandbox, &clock).await;
    let at = now(&clock);
    let out = atlan_line(&sandbox, &format!("-o json doctor --now {at}")).await;
    out.exits(1).mentions("doctor found");
    let findings = out.json_lines();
    let has = |check: &str, workflow: &str| {
        findings
            .iter()
            .any(|f| f["check"] == check && f["workflow"] == workflow)
    };
    assert!(has("failing", CRAWLER), "{findings:?}");
    assert!(has("credential", APP), "{findings:?}");
    assert!(
        findings.iter().any(|f| f["check"] == "owner_disabled"
            && f["detail"].as_str().unwrap().contains("john.roe")),
        "{findings:?}"
    );
    for check in ["missed_schedule", "stale", "schedule_order"] {
        assert!(
            findings.iter().any(|f| f["check"] == check),
            "the default tenant has a {check} finding: {findings:?}"
        );
    }
    for finding in &findings {
        for field in ["check", "severity", "workflow", "api", "detail"] {
            assert!(finding.get(field).is_some(), "{field} in {finding}");
        }
    }
    let coverage = findings.last().unwrap();
    assert_eq!(coverage["check"], "coverage");
    let detail = coverage["detail"].as_str().unwrap();
    assert!(
        detail.contains("each tested once") && detail.contains("request(s)"),
        "{detail}"
    );
    let severities: Vec<&str> = findings
        .iter()
        .map(|f| f["severity"].as_str().unwrap())
        .collect();
    let mut sorted = severities.clone();
    sorted.sort_by_key(|s| match *s {
        "error" => 0,
        "warning" => 1,
        _ => 2,
    });
    assert_eq!(severities, sorted, "errors first");
}

#[tokio::test]
async fn doctor_exits_0_when_nothing_is_an_error() {
    let (clock, sandbox) = sandbox().await;
    let at = now(&clock);
    // The app workflows from now on: nothing has run or failed yet, every credential passes.
    let out = atlan_line(
        &sandbox,
        &format!("-o json doctor --api apps --since {at} --now {at}"),
    )
    .await;
    out.ok();
    let findings = out.json_lines();
    assert!(
        findings.iter().all(|f| f["severity"] != "error"),
        "{findings:?}"
    );
    assert!(
        findings
            .iter()
            .any(|f| f["check"] == "stale" && f["workflow"] == APP)
    );
}

#[tokio::test]
async fn runs_a_schedule_started_count_and_are_not_missed() {
    let (clock, sandbox) = tenant().await;
    let since = now(&clock);
    // The miner reads what the crawler crawls, and is due at the same instants.
    for workflow in [CRAWLER, MINER] {
        atlan_line(
            &sandbox,
            &format!("schedules add {workflow} --cron '*/10 * * * *' --timezone UTC"),
        )
        .await
        .ok();
    }
    // Due at 12:10 … 13:00; the last one has ended a minute later.
    clock.advance(Duration::from_secs(3660));
    let at = now(&clock);
    let stats = atlan_line(
        &sandbox,
        &format!("-o json runs stats --workflow {CRAWLER} --since {since} --now {at}"),
    )
    .await;
    stats.ok();
    let rows = stats.json_lines();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        rows[0]["runs"], 6,
        "one run every 10 minutes, found though no user started them"
    );
    assert_eq!(rows[0]["succeeded"], 6);
    let doctor = atlan_line(
        &sandbox,
        &format!("-o json doctor --api legacy --since {since} --now {at}"),
    )
    .await;
    let findings = doctor.json_lines();
    assert!(
        !findings.iter().any(|f| f["workflow"] == CRAWLER
            && (f["check"] == "missed_schedule" || f["check"] == "stale")),
        "{findings:?}"
    );
    let overlap = findings
        .iter()
        .find(|f| f["check"] == "schedule_overlap" && f["workflow"] == MINER)
        .unwrap_or_else(|| panic!("the miner overlaps the crawler: {findings:?}"));
    assert!(
        overlap["detail"].as_str().unwrap().contains(CRAWLER),
        "{overlap}"
    );
}

#[tokio::test]
async fn doctor_desired_finds_the_workflows_that_drifted_from_their_files() {
    let (_clock, sandbox) = sandbox().await;
    let files = fresh_dir("ops", "drift");
    atlan_line(&sandbox, &format!("export --dir {}", files.display()))
        .await
        .ok();
    let drift = |out: &Output| -> Vec<Value> {
        out.json_lines()
            .into_iter()
            .filter(|finding| finding["check"] == "drift")
            .collect()
    };
    let doctor = format!(
        "-o json doctor --since now-7d --desired {}",
        files.display()
    );
    let same = atlan_line(&sandbox, &doctor).await;
    assert_eq!(drift(&same), Vec::<Value>::new(), "{}", same.stdout);

    drift_prod_file(&files);
    let drifted = drift(&atlan_line(&sandbox, &doctor).await);
    assert_eq!(drifted.len(), 1, "{drifted:?}");
    assert_eq!(drifted[0]["workflow"], "prod-snowflake");
    assert_eq!(drifted[0]["severity"], "warning");
    assert!(
        drifted[0]["detail"]
            .as_str()
            .unwrap()
            .ends_with(": inputs.enable_lineage"),
        "{drifted:?}"
    );
    assert_eq!(
        drifted[0]["next"],
        format!("atlanctl plan -f {}", files.display())
    );

    // With a selector, a workflow in it with no file is drift too; one outside it is not.
    std::fs::remove_file(files.join("apps-athena-analytics.yaml")).unwrap();
    std::fs::remove_file(files.join("apps-bq-prod-crawl.yaml")).unwrap();
    let selected = atlan_line(&sandbox, &format!("{doctor} --workflow 'a*'")).await;
    let orphans: Vec<Value> = drift(&selected)
        .into_iter()
        .filter(|finding| finding["detail"].as_str().unwrap().contains("in no file"))
        .collect();
    assert_eq!(orphans.len(), 1, "{}", selected.stdout);
    assert_eq!(orphans[0]["workflow"], "athena-analytics");
}
