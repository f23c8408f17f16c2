//! `atlanctl apps …` against a sandbox over real HTTP, each command's `--dry-run` line, and the usage
//! errors of bad input.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::{arg, atlan, atlan_alone, atlan_line, sandbox, scratch, shell_words};
use serde_json::{Value, json};

fn inputs_file(name: &str) -> std::path::PathBuf {
    let inputs = json!({
        "connection": {"typeName": "Connection", "attributes": {"qualifiedName": "default/snowflake/1767225600", "connectorName": "snowflake"}},
        "extraction_method": "direct", "credential_guid": "", "enable_lineage": false,
        "credential": {"authType": "basic", "name": "c", "connectorConfigName": "atlan-connectors-snowflake",
                       "host": "h", "port": 443, "username": "u", "password": "sentinel-cli-secret"},
    });
    scratch(name, &inputs.to_string())
}

#[tokio::test]
async fn every_apps_command_works_against_the_sandbox() {
    let (_clock, sandbox) = sandbox().await;
    let described = atlan_line(&sandbox, "apps describe snowflake-crawler").await;
    assert!(described.ok().contains("crawler"));
    let contract = atlan_line(&sandbox, "apps inputs snowflake-crawler").await;
    assert!(contract.ok().contains("enable_lineage"));

    let file = inputs_file("apps-cli-inputs.json");
    let created = atlan_line(&sandbox, &format!("-o json apps create snowflake-crawler --name cli-app --inputs {} --cron '0 2 * * *' --timezone UTC", arg(&file)),
    )
    .await;
    let created: Value = serde_json::from_str(created.ok().trim()).unwrap();
    let slug = created["slug"].as_str().unwrap().to_owned();
    assert!(created.get("run_id").is_none(), "no --run: no run");

    let bad = scratch(
        "apps-cli-bad-inputs.json",
        &json!({"enable_lineage": "yes"}).to_string(),
    );
    let refused = atlan_line(
        &sandbox,
        &format!(
            "apps create snowflake-crawler --name bad --inputs {} --validate",
            arg(&bad)
        ),
    )
    .await;
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("inputs.connection is required"),
        "{}",
        refused.stderr
    );
    assert!(
        refused
            .stderr
            .contains("inputs.enable_lineage breaks `type`"),
        "{}",
        refused.stderr
    );

    let listed = atlan_line(&sandbox, "apps list --all --limit 1").await;
    assert!(listed.ok().contains(&slug));
    // One page, with the note every listing prints: where the next page starts.
    let first = atlan_line(&sandbox, "apps list --size 1").await;
    assert_eq!(first.ok().lines().count(), 2, "a header and 1 workflow");
    first.mentions("more with --cursor ");
    let none = atlan_line(&sandbox, "apps list --name 'no such workflow'").await;
    none.ok();
    none.mentions("no app workflows found");
    let got = atlan_line(&sandbox, &format!("-o json apps get {slug}")).await;
    assert!(!got.ok().contains("sentinel"), "{}", got.stdout);

    let changed = atlan_line(
        &sandbox,
        &format!("apps update {slug} --set enable_lineage=true"),
    )
    .await;
    changed.ok();
    let unknown = atlan_line(
        &sandbox,
        &format!("apps update {slug} --set enable_lineages=true"),
    )
    .await;
    assert_eq!(unknown.code, 2, "{}", unknown.stderr);
    assert!(
        unknown.stderr.contains("enable_lineage"),
        "known names listed: {}",
        unknown.stderr
    );

    let submitted = atlan_line(&sandbox, &format!("-o json apps submit {slug}")).await;
    let run: Value = serde_json::from_str(submitted.ok().trim()).unwrap();
    let run_id = run["run_id"].as_str().unwrap().to_owned();
    assert_eq!(run["started"], true, "{run}");
    // A run is under way: nothing is started, that run is shown, and it is not a failure.
    for args in [
        vec!["apps", "submit", &slug],
        vec!["apps", "submit", &slug, "--idempotent"],
    ] {
        let mut line = vec!["-o", "json"];
        line.extend(args);
        let again = atlan(&sandbox, &line).await;
        let shown: Value = serde_json::from_str(again.ok().trim()).unwrap();
        assert_eq!(shown["run_id"], run_id.as_str(), "{shown}");
        assert_eq!(shown["started"], false);
        again.mentions(&run_id).mentions("--allow-concurrent");
    }
    let runs = atlan_line(&sandbox, &format!("apps runs list {slug}")).await;
    assert!(runs.ok().contains(&run_id));
    let paged = atlan_line(&sandbox, "apps runs list --size 1").await;
    assert_eq!(paged.ok().lines().count(), 2, "a header and 1 run");
    paged.mentions("more with --from 1");
    let pending = atlan_line(
        &sandbox,
        &format!("-o json apps runs list {slug} --status pending --all"),
    )
    .await;
    assert_eq!(pending.json_lines().len(), 1, "{}", pending.stdout);
    let got_run = atlan_line(&sandbox, &format!("apps runs get {run_id}")).await;
    assert!(got_run.ok().contains("Pending"));
    let cancelled = atlan_line(&sandbox, &format!("apps runs cancel {run_id}")).await;
    assert!(cancelled.ok().contains("Stopped"));
    let monitored = atlan_line(
        &sandbox,
        &format!("apps runs monitor {run_id} --interval 100ms"),
    )
    .await;
    assert_eq!(
        monitored.code, 5,
        "Stopped is not a success: {}",
        monitored.stderr
    );
    // The default tenant's bigquery run that ended in Error.
    let errored = atlan_line(
        &sandbox,
        "apps runs monitor 0199a3c2-7e41-7cc0-9d6a-000000000004",
    )
    .await;
    assert_eq!(errored.code, 5, "{}", errored.stderr);
    assert!(errored.stderr.contains("Error"));

    let added = atlan_line(
        &sandbox,
        &format!("-o json apps schedules add {slug} --cron '0 9 * * *'"),
    )
    .await;
    let added: Value = serde_json::from_str(added.ok().trim()).unwrap();
    assert_eq!(added["timezone"], "UTC");
    let trigger = added["trigger_id"].as_str().unwrap();
    atlan_line(&sandbox, &format!("apps schedules remove {slug} {trigger}"))
        .await
        .ok();
    atlan_line(&sandbox, &format!("apps delete {slug} --yes"))
        .await
        .ok();
    let gone = atlan_line(&sandbox, &format!("apps get {slug}")).await;
    assert_eq!(gone.code, 3);
}

/// The request `atlanctl --dry-run LINE` prints.
async fn dry_run(line: &str) -> Value {
    let output = atlan_alone(&shell_words(&format!("--dry-run {line}"))).await;
    assert_eq!(output.code, 0, "{line}: {}", output.stderr);
    assert_eq!(output.stdout.lines().count(), 1, "{}", output.stdout);
    serde_json::from_str(&output.stdout).unwrap()
}

#[tokio::test]
async fn every_apps_command_prints_its_first_request() {
    let file = inputs_file("apps-dry-run-inputs.json");
    let inputs = arg(&file);
    let commands = [
        (
            "apps_describe",
            "apps describe snowflake-crawler".to_owned(),
        ),
        (
            "apps_inputs",
            "apps inputs snowflake-crawler --entrypoint crawler".into(),
        ),
        (
            "apps_create",
            format!(
                "apps create snowflake-crawler --name n --inputs {inputs} \
                 --cron '0 2 * * *' --timezone Europe/Paris"
            ),
        ),
        (
            "apps_create_run",
            format!("apps create snowflake-crawler --name n --inputs {inputs} --run"),
        ),
        (
            "apps_list",
            "apps list --name 'a b' --limit 10 --cursor 3".into(),
        ),
        ("apps_get", "apps get 'a/b c'".into()),
        (
            "apps_update",
            format!("apps update s-1 --inputs {inputs} --entrypoint crawler"),
        ),
        (
            "apps_update_set",
            "apps update s-1 --set enable_lineage=true".into(),
        ),
        ("apps_delete", "apps delete s-1".into()),
        ("apps_submit", "apps submit s-1 --allow-concurrent".into()),
        ("apps_submit_idempotent", "apps submit s-1".into()),
        ("apps_runs_get", "apps runs get r-1".into()),
        ("apps_runs_cancel", "apps runs cancel r-1".into()),
        (
            "apps_runs_list",
            "apps runs list s-1 --status Failed,Error --started-since now-1d".into(),
        ),
        ("apps_runs_monitor", "apps runs monitor r-1".into()),
        (
            "apps_schedules_add",
            "apps schedules add s-1 --cron '0 9 * * *'".into(),
        ),
        (
            "apps_schedules_remove",
            "apps schedules remove s-1 t-1".into(),
        ),
    ];
    for (name, line) in commands {
        let request = dry_run(&line).await;
        assert!(
            !request.to_string().contains("sentinel"),
            "{name}: {request}"
        );
        insta::assert_json_snapshot!(name, request);
    }
}

#[tokio::test]
async fn bad_input_is_a_usage_error_naming_the_option() {
    let not_object = scratch("apps-not-object.json", "[1, 2]");
    for (args, says) in [
        (
            vec![
                "apps",
                "create",
                "snowflake-crawler",
                "--name",
                "n",
                "--inputs",
                arg(&not_object),
            ],
            "JSON object",
        ),
        (vec!["apps", "list", "--size", "0"], "--size"),
        (
            vec!["apps", "runs", "list", "--status", "Running,Done"],
            "`Done` is not a run status",
        ),
        (
            vec!["apps", "runs", "list", "--finished-since", "yesterday"],
            "--finished-since",
        ),
        (
            vec!["apps", "schedules", "add", "s", "--cron", "61 * * * *"],
            "--cron",
        ),
        (
            vec![
                "apps",
                "schedules",
                "add",
                "s",
                "--cron",
                "0 9 * * *",
                "--timezone",
                "Mars/Olympus",
            ],
            "--timezone",
        ),
        (vec!["apps", "get", ".."], "dot segment"),
        (vec!["apps", "submit", ""], "must not be empty"),
    ] {
        let output = atlan_alone(&[&["--dry-run"][..], &args].concat()).await;
        assert_eq!(output.code, 2, "{args:?}: {}", output.stderr);
        assert!(output.stderr.contains(says), "{args:?}: {}", output.stderr);
    }
}

/// `--dry-run` printed `credential.extra` in clear when `extra` was a string (only an
/// object `extra` was redacted); the whole credential given as JSON text is redacted too.
#[tokio::test]
async fn a_dry_run_redacts_extra_whatever_its_type() {
    for credential in [
        serde_json::json!({"authType": "basic", "password": "dry-sentinel-pw", "extra": "dry-sentinel-extra"}),
        serde_json::json!({"authType": "basic", "extra": ["dry-sentinel-in-an-array"]}),
        serde_json::json!(serde_json::json!({"password": "dry-sentinel-as-text"}).to_string()),
    ] {
        let inputs =
            serde_json::json!({"connection": {"typeName": "Connection"}, "credential": credential});
        let file = scratch("apps-dry-run-extra.json", &inputs.to_string());
        let shown = dry_run(&format!(
            "apps create atlan-athena --name n --inputs {}",
            arg(&file)
        ))
        .await;
        assert!(!shown.to_string().contains("dry-sentinel"), "{shown}");
        assert!(shown.to_string().contains("[REDACTED]"), "{shown}");
    }
}
