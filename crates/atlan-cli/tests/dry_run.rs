//! `--dry-run` for every command: one line of JSON per request it would send first, nothing sent
//! (no Atlan is configured at all), secrets redacted, bodies equal to what `atlan-query` builds.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use atlan_workflows::query::workflows::{self as searches, TimeBounds};
use atlan_workflows::{WorkflowPackage, WorkflowPhase};
use common::{
    CRAWLER, CREDENTIAL, MINER, arg, atlan, atlan_alone, atlan_line, fixture, sandbox, scratch,
    shell_words,
};
use serde_json::{Value, json};

/// The request `atlanctl --dry-run LINE` prints, checked for shape.
async fn dry_run(line: &str) -> Value {
    let output = atlan_alone(&shell_words(&format!("--dry-run {line}"))).await;
    assert_eq!(output.code, 0, "{line}: {}", output.stderr);
    assert_eq!(output.stderr, "", "{line}");
    assert_eq!(
        output.stdout.lines().count(),
        1,
        "one line: {}",
        output.stdout
    );
    assert!(
        output.stdout.starts_with("{\"method\":"),
        "method, path, query, body in that order: {}",
        output.stdout
    );
    let request: Value = serde_json::from_str(&output.stdout).unwrap();
    let keys: Vec<_> = request.as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys.len(), 4, "{request}");
    assert!(
        request["path"]
            .as_str()
            .unwrap()
            .starts_with("/api/service/")
    );
    request
}

#[tokio::test]
async fn every_command_prints_its_first_request() {
    let workflow = fixture("requests/workflow/snowflake_basic.json");
    let credential = fixture("requests/credential/create-snowflake.json");
    let mut update: Value = serde_json::from_slice(&std::fs::read(&credential).unwrap()).unwrap();
    update["id"] = json!(CREDENTIAL);
    let update = scratch("dry-run-update.json", &update.to_string());
    let succeeded = format!("{MINER}-mzdza");
    let commands: Vec<(&str, String)> = vec![
        (
            "workflows_find_id",
            format!("workflows find --id {CRAWLER}"),
        ),
        (
            "workflows_find_type",
            "workflows find --type atlan-snowflake-miner --max 3".to_owned(),
        ),
        (
            "workflows_update",
            format!("workflows update {CRAWLER} --set enable-lineage=true"),
        ),
        ("workflows_run", format!("workflows run {}", arg(&workflow))),
        (
            "workflows_run_scheduled",
            format!("workflows run {} --cron '0 2 * * *' --timezone UTC", arg(&workflow)),
        ),
        (
            "workflows_rerun",
            format!("workflows rerun {CRAWLER} --allow-concurrent"),
        ),
        ("workflows_delete", format!("workflows delete {CRAWLER}")),
        (
            "workflows_change_owner",
            format!("workflows change-owner {CRAWLER} --username jane.doe"),
        ),
        ("runs_get", format!("runs get {succeeded} --api legacy")),
        ("runs_list", format!("runs list --workflow {MINER} --api legacy")),
        (
            "runs_list_phase",
            format!("runs list --workflow {MINER} --api legacy --phase Running --from 10 --size 5"),
        ),
        (
            "runs_search",
            "runs search --status Succeeded,Failed --started-since now-6h --finished-since now-1h".to_owned(),
        ),
        (
            "runs_search_before",
            "runs search --status Error --started-since 2026-01-01T00:00:00Z --started-before now/d --finished-before now-1h --all".to_owned(),
        ),
        ("runs_latest", format!("runs latest --workflow {MINER} --api legacy")),
        ("runs_current", format!("runs current --workflow {MINER} --api legacy")),
        ("runs_stop", format!("runs stop {succeeded}")),
        (
            "runs_monitor_workflow",
            format!("runs monitor --workflow {MINER} --api legacy"),
        ),
        ("runs_monitor_run", format!("runs monitor {succeeded} --api legacy")),
        (
            "schedules_add",
            format!("schedules add {CRAWLER} --cron '0 2 * * *' --timezone UTC"),
        ),
        ("schedules_remove", format!("schedules remove {CRAWLER}")),
        ("schedules_list", "schedules list".to_owned()),
        ("schedules_get", format!("schedules get {CRAWLER}")),
        (
            "credentials_create",
            format!("credentials create --file {}", arg(&credential)),
        ),
        ("credentials_get", format!("credentials get {CREDENTIAL}")),
        (
            "credentials_list",
            format!(
                r#"credentials list --filter '{{"connector":"snowflake"}}' --limit 5 --offset 10 --workflow {CRAWLER}"#
            ),
        ),
        (
            "credentials_test",
            format!("credentials test --file {}", arg(&credential)),
        ),
        (
            "credentials_test_id",
            format!("credentials test --id {CREDENTIAL}"),
        ),
        (
            "credentials_update",
            format!("credentials update --file {}", arg(&update)),
        ),
        (
            "credentials_purge",
            format!("credentials purge {CREDENTIAL} --force"),
        ),
        (
            "workflows_rerun_default",
            format!("workflows rerun {CRAWLER}"),
        ),
    ];
    for (name, args) in commands {
        let request = dry_run(&args).await;
        let shown = request.to_string();
        for secret in ["\"password\":\"password\"", "role-here", "warehouse-here"] {
            assert!(!shown.contains(secret), "{name} shows {secret}");
        }
        insta::assert_json_snapshot!(name, request);
    }
}

#[tokio::test]
async fn search_bodies_are_what_the_query_builder_builds() {
    let body = |search: atlan_workflows::query::Search| serde_json::to_value(search).unwrap();
    let cases = [
        (
            dry_run(&format!("workflows find --id {CRAWLER}")).await,
            body(searches::find_by_id(CRAWLER).unwrap()),
        ),
        (
            dry_run("workflows find --type atlan-snowflake --max 7")
            .await,
            body(searches::find_by_type(WorkflowPackage::Snowflake, 7).unwrap()),
        ),
        (
            dry_run("runs get r-abcde --api legacy").await,
            body(searches::find_run_by_id("r-abcde").unwrap()),
        ),
        (
            dry_run(&format!("runs list --workflow {MINER} --api legacy --phase failed --from 4 --size 2"))
            .await,
            body(searches::runs_by_phase(MINER, &WorkflowPhase::Failed, 4, 2).unwrap()),
        ),
        (
            dry_run(&format!("runs list --workflow {MINER} --api legacy")).await,
            body(searches::runs_of_workflow(MINER, 0, 100).unwrap()),
        ),
        (
            dry_run("runs search --status Succeeded,Failed --started-since now-6h --finished-since now-1h")
            .await,
            body(
                searches::runs_by_status_and_time(
                    &[WorkflowPhase::Succeeded, WorkflowPhase::Failed],
                    &TimeBounds::since("now-6h".parse().unwrap()),
                    &TimeBounds::since("now-1h".parse().unwrap()),
                    0,
                    100,
                )
                .unwrap(),
            ),
        ),
        (
            dry_run("runs search --status Running --finished-before now")
            .await,
            body(
                searches::runs_by_status_and_time(
                    &[WorkflowPhase::Running],
                    &TimeBounds::any(),
                    &TimeBounds::before("now".parse().unwrap()),
                    0,
                    100,
                )
                .unwrap(),
            ),
        ),
        (
            dry_run(&format!("runs latest --workflow {MINER} --api legacy")).await,
            body(searches::latest_run(MINER).unwrap()),
        ),
        (
            dry_run(&format!("runs current --workflow {MINER} --api legacy")).await,
            body(searches::current_run(MINER).unwrap()),
        ),
    ];
    for (request, expected) in cases {
        assert_eq!(request["body"], expected, "{request}");
    }
}

#[tokio::test]
async fn a_dry_run_redacts_secrets_and_shows_the_rest() {
    let credential = fixture("requests/credential/create-snowflake.json");
    let output = atlan_alone(&[
        "--dry-run",
        "credentials",
        "test",
        "--file",
        arg(&credential),
    ])
    .await;
    assert_eq!(output.code, 0);
    let request: Value = serde_json::from_str(&output.stdout).unwrap();
    assert_eq!(request["body"]["password"], "[REDACTED]");
    assert_eq!(request["body"]["extra"]["role"], "[REDACTED]");
    assert_eq!(
        request["body"]["username"], "username",
        "what is not secret is shown"
    );
}

#[tokio::test]
async fn the_route_comes_from_the_option() {
    let request = dry_run(&format!(
        "--route package-workflows workflows delete {CRAWLER}"
    ))
    .await;
    assert_eq!(
        request["path"],
        format!("/api/service/package-workflows/{CRAWLER}/archive")
    );
    let request = dry_run(&format!("workflows delete {CRAWLER}")).await;
    assert_eq!(
        request["path"],
        format!("/api/service/workflows/{CRAWLER}/archive"),
        "the API-token route when none is given"
    );
}

#[tokio::test]
async fn writes_reads_for_real_and_prints_the_change_it_would_send() {
    let (_clock, sandbox) = sandbox().await;
    let output = atlan_line(
        &sandbox,
        &format!("--dry-run=writes workflows update {CRAWLER} --set enable-lineage=true"),
    )
    .await;
    let request: Value = serde_json::from_str(output.ok()).unwrap();
    assert_eq!(request["method"], "POST");
    assert_eq!(request["path"], format!("/api/service/workflows/{CRAWLER}"));
    let arguments =
        request["body"]["spec"]["templates"][0]["dag"]["tasks"][0]["arguments"]["parameters"]
            .as_array()
            .unwrap();
    let lineage = arguments
        .iter()
        .find(|parameter| parameter["name"] == "enable-lineage")
        .unwrap();
    assert_eq!(lineage["value"], json!(true), "the body after the change");

    // Nothing was changed.
    let found = atlan(
        &sandbox,
        &["-o", "json", "workflows", "find", "--id", CRAWLER],
    )
    .await;
    assert!(
        !found.ok().contains("\"enable-lineage\",\"value\":true"),
        "{}",
        found.stdout
    );
    let stored: Value = serde_json::from_str(found.stdout.trim()).unwrap();
    let stored = stored["spec"]["templates"][0]["dag"]["tasks"][0]["arguments"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|parameter| parameter["name"] == "enable-lineage")
        .unwrap()["value"]
        .clone();
    assert_eq!(stored, json!("false"));

    // A command that only reads runs as usual.
    let read = atlan(
        &sandbox,
        &["--dry-run=writes", "runs", "latest", "--workflow", MINER],
    )
    .await;
    assert!(read.ok().starts_with("API"), "{}", read.stdout);
}

#[tokio::test]
async fn writes_needs_somewhere_to_read_from() {
    let output = atlan_alone(&["--dry-run=writes", "workflows", "delete", CRAWLER]).await;
    output.exits(2).mentions("ATLAN_BASE_URL");
    let serve = atlan_alone(&["--dry-run", "sandbox", "serve"]).await;
    serve.exits(2).mentions("sends none");
}
