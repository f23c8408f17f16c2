//! Every command, run as a process against a sandbox over loopback HTTP: what it prints (tables
//! and JSON, snapshotted), what it changes, and how it exits.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use atlan_sandbox::FaultRule;
use common::{
    CRAWLER, CREDENTIAL, MINER, arg, atlan, atlan_line, atlan_with_stdin, fixture, sandbox, scratch,
};
use serde_json::{Value, json};

/// Durations of runs still going are measured to the wall clock, not the sandbox's.
fn elapsed_filter() -> Vec<(&'static str, &'static str)> {
    vec![(
        r"(?m)\b\d+(d( \d+h)?|h( \d+m)?|m( \d+s)?|s)\b( +|$)",
        "[elapsed] ",
    )]
}

/// What each command refuses on the demo tenant, and how: the exit code (2 usage, 3 not found,
/// 4 timed out, 1 refused by the server), what stderr says, and nothing on stdout.
#[tokio::test]
async fn refusals_exit_with_their_code_and_say_why() {
    let (_clock, sandbox) = sandbox().await;
    let file = fixture("requests/credential/create-snowflake.json");
    let unscheduled = "csa-asset-export-basic-1700498054";
    let file = arg(&file);
    let cases: Vec<(String, i32, Vec<&str>)> = vec![
        (
            "workflows find --id atlan-nothing-1000000000".into(),
            3,
            vec!["workflow `atlan-nothing-1000000000` not found"],
        ),
        (
            format!("workflows update {CRAWLER} --set enable-lineag=true"),
            2,
            vec!["enable-lineag", "enable-lineage"],
        ),
        (
            "workflows update atlan-nothing-1000000000 --set a=1".into(),
            3,
            vec![],
        ),
        (
            "runs latest --workflow atlan-nothing-1000000000".into(),
            3,
            vec![],
        ),
        // The sandbox's clock stands still: the Running run never finishes.
        (
            format!("runs monitor --workflow {MINER} --interval 100ms --timeout 300ms"),
            4,
            vec!["did not finish within", "Running"],
        ),
        (
            "runs monitor nope-abcde --interval 100ms --timeout 300ms".into(),
            3,
            vec![],
        ),
        (format!("schedules get {unscheduled}"), 3, vec![]),
        (
            format!("schedules add {unscheduled} --cron 'every day' --timezone UTC"),
            2,
            vec![],
        ),
        (
            "credentials list --workflow atlan-nothing-1".into(),
            3,
            vec!["atlan-nothing-1"],
        ),
        // The server refuses an unknown filter key.
        (
            r#"credentials list --filter '{"colour":"red"}'"#.into(),
            1,
            vec!["colour"],
        ),
        (
            "credentials test --id 00000000-0000-0000-0000-000000000000".into(),
            3,
            vec![],
        ),
        (
            format!("credentials test --id {CREDENTIAL} --file {file}"),
            2,
            vec![],
        ),
        (format!("credentials update --file {file}"), 2, vec![]),
        // An untested login is refused before sending.
        (
            format!("credentials create --file {file} --no-test"),
            2,
            vec![],
        ),
    ];
    for (line, code, said) in cases {
        let output = atlan_line(&sandbox, &line).await;
        output.exits(code);
        assert_eq!(output.stdout, "", "{line}");
        for text in said {
            output.mentions(text);
        }
    }
}

#[tokio::test]
async fn workflows_are_found_by_id_and_by_type() {
    let (_clock, sandbox) = sandbox().await;
    let by_id = atlan_line(&sandbox, &format!("workflows find --id {CRAWLER}")).await;
    insta::assert_snapshot!("workflows_find_id_table", by_id.ok());

    let by_type = atlan_line(
        &sandbox,
        "-o json workflows find --type atlan-snowflake --max 5",
    )
    .await;
    by_type.ok();
    let names: Vec<_> = by_type
        .json_lines()
        .iter()
        .map(|workflow| workflow["metadata"]["name"].as_str().unwrap().to_owned())
        .collect();
    assert!(names.contains(&CRAWLER.to_owned()), "{names:?}");
    assert!(
        names.iter().all(|name| !name.contains("miner")),
        "exactly the package: {names:?}"
    );

    // A package name finds the same workflows, and says which prefix it searched.
    let by_name = atlan_line(
        &sandbox,
        "-o json workflows find --type @atlan/snowflake --max 5",
    )
    .await;
    assert_eq!(by_name.ok(), by_type.stdout);
    let noted = atlan_line(&sandbox, "workflows find --type @atlan/snowflake").await;
    noted.ok();
    noted.mentions("@atlan/snowflake: searching workflows with the prefix atlan-snowflake");

    let none = atlan_line(&sandbox, "workflows find --type atlan-nothing").await;
    assert_eq!(none.ok(), "", "an empty listing prints nothing on stdout");
    assert!(
        none.stderr
            .contains("no workflow of package `atlan-nothing`")
    );
}

#[tokio::test]
async fn update_sets_parameters_and_refuses_unknown_ones() {
    let (_clock, sandbox) = sandbox().await;
    let parameter = |workflow: &Value, name: &str| -> Value {
        workflow["spec"]["templates"][0]["dag"]["tasks"][0]["arguments"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|parameter| parameter["name"] == name)
            .unwrap()["value"]
            .clone()
    };
    let updated = atlan(
        &sandbox,
        &[
            "workflows",
            "update",
            CRAWLER,
            "--set",
            "enable-lineage=true",
            "--set",
            "include-filter={\"db\":[\"s\"]}",
        ],
    )
    .await;
    assert!(updated.ok().starts_with("NAME"), "{}", updated.stdout);
    updated.mentions("enable-lineage: ");

    let found = atlan_line(&sandbox, &format!("-o json workflows find --id {CRAWLER}")).await;
    found.ok();
    let workflow = &found.json_lines()[0];
    assert_eq!(parameter(workflow, "enable-lineage"), json!(true));
    assert_eq!(parameter(workflow, "include-filter"), json!({"db": ["s"]}));
}

#[tokio::test]
async fn run_change_owner_and_delete() {
    let (_clock, sandbox) = sandbox().await;
    let file = fixture("requests/workflow/snowflake_basic.json");
    let submitted: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let name = submitted["metadata"]["name"].as_str().unwrap().to_owned();

    let run = atlan_line(
        &sandbox,
        &format!(
            "-o json workflows run {} --cron '0 2 * * *' --timezone Europe/Paris",
            arg(&file)
        ),
    )
    .await;
    run.ok();
    let created = &run.json_lines()[0];
    assert_eq!(created["metadata"]["name"], name.as_str());
    assert_eq!(
        created["metadata"]["annotations"]["orchestration.atlan.com/schedule"],
        "0 2 * * *"
    );
    assert!(
        !run.stdout.contains("\"password\":\"password\""),
        "payload credentials are redacted"
    );

    let schedule = atlan_line(&sandbox, &format!("schedules get {name}")).await;
    assert!(
        schedule.ok().contains("Europe/Paris"),
        "{}",
        schedule.stdout
    );

    let owner = atlan_line(
        &sandbox,
        &format!("workflows change-owner {name} --username jane.doe"),
    )
    .await;
    assert!(owner.ok().contains(&name));

    let deleted = atlan_line(&sandbox, &format!("workflows delete {name} --yes")).await;
    assert_eq!(deleted.ok(), format!("workflow {name} deleted\n"));
    let gone = atlan_line(&sandbox, &format!("workflows find --id {name}")).await;
    gone.exits(3);
    let deleted_json = atlan_line(
        &sandbox,
        &format!("-o json workflows delete {CRAWLER} --yes"),
    )
    .await;
    assert_eq!(
        deleted_json.json_lines(),
        [json!({"name": CRAWLER, "deleted": true})]
    );
    let twice = atlan_line(&sandbox, &format!("workflows delete {CRAWLER} --yes")).await;
    twice.exits(3);

    let not_json = scratch("not-a-workflow.json", "{\"metadata\": 3}");
    let refused = atlan_line(&sandbox, &format!("workflows run {}", arg(&not_json))).await;
    refused.exits(2);
    refused.mentions("is not a workflow");
    refused.mentions("metadata");
}

#[tokio::test]
async fn runs_are_read_listed_and_searched() {
    let (_clock, sandbox) = sandbox().await;
    let succeeded = format!("{MINER}-mzdza");
    let get = atlan_line(&sandbox, &format!("runs get {succeeded}")).await;
    insta::assert_snapshot!("runs_get_table", get.ok());
    let get_json = atlan_line(&sandbox, &format!("-o json runs get {succeeded}")).await;
    get_json.ok();
    let run = &get_json.json_lines()[0];
    assert_eq!(run["metadata"]["name"], succeeded.as_str());
    assert_eq!(run["status"]["phase"], "Succeeded");

    let missing = atlan_line(&sandbox, "runs get nope-abcde").await;
    missing.exits(3);

    let listed = atlan_line(
        &sandbox,
        &format!("runs list --workflow {MINER} --phase succeeded"),
    )
    .await;
    insta::assert_snapshot!("runs_list_succeeded_table", listed.ok());

    let every = atlan_line(
        &sandbox,
        &format!("-o json runs list --workflow {MINER} --all --size 2"),
    )
    .await;
    every.ok();
    let phases: Vec<_> = every
        .json_lines()
        .iter()
        .map(|run| run["status"]["phase"].clone())
        .collect();
    assert!(phases.len() > 3, "{phases:?}");
    assert!(phases.contains(&json!("Running")) && phases.contains(&json!("Succeeded")));

    let paged = atlan_line(&sandbox, &format!("runs list --workflow {MINER} --size 2")).await;
    assert_eq!(paged.ok().lines().count(), 3, "a header and 2 runs");
    paged.mentions("more with --from 2");

    /// The failed runs of the last 7 days, as JSON lines, with more options.
    fn failed<'a>(more: &[&'a str]) -> Vec<&'a str> {
        let search = [
            "-o",
            "json",
            "runs",
            "search",
            "--status",
            "Failed,Error",
            "--started-since",
            "now-7d",
        ];
        [&search[..], more].concat()
    }
    let searched = atlan(&sandbox, &failed(&["--all", "--size", "3"])).await;
    searched.ok();
    let found = searched.json_lines();
    assert!(!found.is_empty());
    for run in &found {
        let status = match run["api"].as_str() {
            Some("legacy") => &run["status"]["phase"],
            Some("apps") => &run["appWorkflowRunStatus"],
            _ => panic!("a run of no API: {run}"),
        };
        assert!(status == "Failed" || status == "Error", "{run}");
    }
    let one_page = atlan(&sandbox, &failed(&["--size", "500"])).await;
    assert_eq!(
        one_page.json_lines(),
        found,
        "--all in pages of 3 walks the same runs as one page"
    );
    assert_eq!(one_page.stderr, "", "JSON output adds no notes");
    for concurrency in ["1", "32"] {
        let walked = atlan(
            &sandbox,
            &failed(&["--all", "--size", "3", "--concurrency", concurrency]),
        )
        .await;
        assert_eq!(
            walked.json_lines(),
            found,
            "--concurrency {concurrency} walks the same runs in the same order"
        );
    }

    let nothing = atlan_line(
        &sandbox,
        "runs search --status Error --started-since now --finished-before now-1y",
    )
    .await;
    assert_eq!(nothing.ok(), "");
    nothing.mentions("no runs found");

    let table = atlan_line(
        &sandbox,
        "runs search --status Succeeded,Failed --started-since now-1d --size 5",
    )
    .await;
    insta::assert_snapshot!("runs_search_table", table.ok());
}

#[tokio::test]
async fn latest_current_stop_and_their_errors() {
    let (clock, sandbox) = sandbox().await;
    let running = format!("{MINER}-9wfxz");
    let current = atlan_line(&sandbox, &format!("runs current --workflow {MINER}")).await;
    insta::with_settings!({ filters => elapsed_filter() }, {
        insta::assert_snapshot!("runs_current_table", current.ok());
    });
    let latest = atlan_line(&sandbox, &format!("-o json runs latest --workflow {MINER}")).await;
    latest.ok();
    assert_eq!(latest.json_lines()[0]["metadata"]["name"], running.as_str());

    let stopped = atlan_line(&sandbox, &format!("-o json runs stop {running}")).await;
    stopped.ok();
    // As on a tenant: the stop answers the run still Running with the shutdown set;
    // it is Failed with Argo's message a moment later.
    assert_eq!(stopped.json_lines()[0]["status"]["phase"], "Running");
    assert_eq!(stopped.json_lines()[0]["spec"]["shutdown"], "Stop");
    clock.advance(atlan_sandbox::DEFAULT_STOP_DELAY);
    let ended = atlan_line(&sandbox, &format!("-o json runs get {running}")).await;
    assert_eq!(
        ended.json_lines()[0]["status"]["phase"],
        "Failed",
        "{}",
        ended.stdout
    );
    assert_eq!(
        ended.json_lines()[0]["status"]["message"],
        "Stopped with strategy 'Stop'"
    );

    let again = atlan_line(&sandbox, &format!("runs stop {running}")).await;
    again.exits(1);
    assert!(
        again
            .stderr
            .starts_with("error: runs.stop: the server answered 4"),
        "{}",
        again.stderr
    );
    again.mentions("request id");
    assert_eq!(again.stdout, "");

    let idle = atlan_line(&sandbox, &format!("runs current --workflow {MINER}")).await;
    assert_eq!(idle.code, 3, "nothing is going any more: {}", idle.stderr);

    sandbox
        .faults()
        .add(FaultRule::status("POST /api/service/runs/*/stop", 503).times(1))
        .unwrap();
    let unavailable = atlan(&sandbox, &["runs", "stop", &format!("{MINER}-mzdza")]).await;
    unavailable.exits(1);
    unavailable.mentions("503");
}

#[tokio::test]
async fn monitor_exits_by_how_the_run_ends() {
    let (_clock, sandbox) = sandbox().await;
    let succeeded = atlan(
        &sandbox,
        &[
            "runs",
            "monitor",
            &format!("{MINER}-mzdza"),
            "--interval",
            "100ms",
        ],
    )
    .await;
    assert!(succeeded.ok().contains("Succeeded"));

    let failed = atlan(
        &sandbox,
        &[
            "runs",
            "monitor",
            &format!("{CRAWLER}-k2x7q"),
            "--interval",
            "100ms",
        ],
    )
    .await;
    failed.exits(5);
    assert!(
        failed.stdout.contains("Failed"),
        "the final run is printed: {}",
        failed.stdout
    );
    assert!(
        failed
            .stderr
            .contains(&format!("run `{CRAWLER}-k2x7q` finished Failed")),
        "{}",
        failed.stderr
    );
}

#[tokio::test]
async fn schedules_are_added_listed_read_and_removed() {
    let (_clock, sandbox) = sandbox().await;
    let unscheduled = "csa-asset-export-basic-1700498054";
    let before = atlan_line(&sandbox, "-o json schedules list").await;
    before.ok();
    let count = before.json_lines().len();

    let added = atlan_line(
        &sandbox,
        &format!("schedules add {unscheduled} --cron '15 4 * * 1' --timezone Asia/Tokyo"),
    )
    .await;
    assert!(
        added.ok().contains("15 4 * * 1 (Asia/Tokyo)"),
        "{}",
        added.stdout
    );
    let got = atlan_line(&sandbox, &format!("schedules get {unscheduled}")).await;
    insta::assert_snapshot!("schedules_get_table", got.ok());
    let listed = atlan_line(&sandbox, "-o json schedules list").await;
    assert_eq!(listed.json_lines().len(), count + 1);

    let removed = atlan_line(&sandbox, &format!("schedules remove {unscheduled}")).await;
    assert!(removed.ok().contains(unscheduled));
    assert_eq!(
        atlan_line(&sandbox, &format!("schedules get {unscheduled}"))
            .await
            .code,
        3
    );
}

#[tokio::test]
async fn credentials_are_created_read_listed_tested_updated_and_purged() {
    let (_clock, sandbox) = sandbox().await;
    let password = "sentinel-password-7c1";
    let mut credential: Value = serde_json::from_slice(
        &std::fs::read(fixture("requests/credential/create-snowflake.json")).unwrap(),
    )
    .unwrap();
    credential["password"] = json!("placeholder");
    credential["extra"]["role"] = json!("sentinel-role-7c1");
    let file = scratch("credential.json", &credential.to_string());
    let secrets = |output: &common::Output| {
        for secret in [password, "sentinel-role-7c1"] {
            assert!(
                !output.stdout.contains(secret) && !output.stderr.contains(secret),
                "{output:?}"
            );
        }
    };

    let created = atlan_with_stdin(
        &sandbox,
        &[
            "-vv",
            "-o",
            "json",
            "credentials",
            "create",
            "--file",
            arg(&file),
            "--password-stdin",
        ],
        &format!("{password}\n"),
    )
    .await;
    created.ok();
    secrets(&created);
    created.mentions("credentials.create");
    let id = created.json_lines()[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(created.json_lines()[0]["extra"]["role"], "[REDACTED]");

    let got = atlan_line(&sandbox, &format!("credentials get {id}")).await;
    assert!(got.ok().contains("snowflake-credential"));
    secrets(&got);
    let seeded = atlan_line(&sandbox, &format!("credentials get {CREDENTIAL}")).await;
    insta::assert_snapshot!("credentials_get_table", seeded.ok());

    let listed = atlan(
        &sandbox,
        &[
            "-o",
            "json",
            "credentials",
            "list",
            "--filter",
            "{\"name\":\"snowflake-credential\"}",
        ],
    )
    .await;
    assert_eq!(listed.json_lines().len(), 1, "{}", listed.stdout);
    secrets(&listed);
    let limited = atlan_line(&sandbox, "-o json credentials list --limit 2 --offset 1").await;
    assert_eq!(limited.json_lines().len(), 2);
    let by_workflow = atlan_line(
        &sandbox,
        &format!("-o json credentials list --workflow {CRAWLER}"),
    )
    .await;
    assert_eq!(by_workflow.json_lines()[0]["id"], CREDENTIAL);
    // Nothing matches: the server answers `"records": null`, as a tenant does (a workflow that
    // uses no credential); a workflow that does not exist is not found.
    let none = atlan_line(
        &sandbox,
        "-o json credentials list --workflow csa-asset-import-1705849995",
    )
    .await;
    assert_eq!(none.code, 0, "{}", none.stderr);
    assert!(none.json_lines().is_empty(), "{}", none.stdout);

    let tested = atlan_with_stdin(
        &sandbox,
        &[
            "credentials",
            "test",
            "--file",
            arg(&file),
            "--password-stdin",
        ],
        password,
    )
    .await;
    assert!(tested.ok().contains("successful"));
    // A stored credential, tested by its GUID with what the server holds.
    let stored = atlan_line(&sandbox, &format!("credentials test --id {CREDENTIAL}")).await;
    assert!(stored.ok().contains("successful"), "{}", stored.stdout);
    let stored_json = atlan_line(
        &sandbox,
        &format!("-o json credentials test --id {CREDENTIAL}"),
    )
    .await;
    assert_eq!(stored_json.json_lines()[0]["message"], "successful");
    let wrong = atlan_with_stdin(
        &sandbox,
        &[
            "credentials",
            "test",
            "--file",
            arg(&file),
            "--password-stdin",
        ],
        "wrong-password\n",
    )
    .await;
    wrong.exits(1);
    assert!(wrong.stdout.contains("failed"));
    wrong.mentions("authentication failed");

    let mut update = credential.clone();
    update["id"] = json!(id);
    update["description"] = json!("rotated");
    let update_file = scratch("credential-update.json", &update.to_string());
    let refused = atlan_with_stdin(
        &sandbox,
        &[
            "credentials",
            "update",
            "--file",
            arg(&update_file),
            "--password-stdin",
        ],
        "wrong-password\n",
    )
    .await;
    refused.exits(1);
    refused.mentions("nothing was updated");
    let updated = atlan_with_stdin(
        &sandbox,
        &[
            "-o",
            "json",
            "credentials",
            "update",
            "--file",
            arg(&update_file),
            "--password-stdin",
        ],
        password,
    )
    .await;
    updated.ok();
    assert_eq!(updated.json_lines()[0]["description"], "rotated");

    let purged = atlan_line(&sandbox, &format!("credentials purge {id} --yes")).await;
    assert_eq!(purged.ok(), format!("credential {id} purged\n"));
    assert_eq!(
        atlan_line(&sandbox, &format!("credentials get {id}"))
            .await
            .code,
        3
    );
}
