//! One run view: `runs search | list | latest | current | get | monitor` over both APIs, against
//! a sandbox over loopback HTTP, and on tenants that serve one API only.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use atlan_sandbox::FaultRule;
use common::*;
use serde_json::Value;

/// An app workflow of the default seed, its display name, and its runs' newest first.
const APP: &str = "prod-snowflake-0c4f9a1e";
const APP_NAME: &str = "prod-snowflake";
/// A Failed run of [`APP`].
const FAILED_APP_RUN: &str = "0199a3c2-7e41-7cc0-9d6a-000000000002";
/// Every run of the last month, as JSON lines.
const MONTH: &str = "-o json runs search --status Pending,Running,Succeeded,Failed,Error,Stopped --started-since now-30d --include-scheduled --all";

/// What each API's search sorts on, as epoch milliseconds (a legacy run's creation, an app
/// run's start).
fn sort_time(run: &Value) -> i64 {
    match run["api"].as_str() {
        Some("legacy") => run["metadata"]["creationTimestamp"]
            .as_str()
            .unwrap()
            .parse::<jiff::Timestamp>()
            .unwrap()
            .as_millisecond(),
        Some("apps") => run["appWorkflowRunStartedAt"].as_i64().unwrap(),
        _ => panic!("a run of no API: {run}"),
    }
}

/// A run's id on its API.
fn id(run: &Value) -> String {
    match run["api"].as_str() {
        Some("legacy") => run["metadata"]["name"].as_str().unwrap().to_owned(),
        _ => run["name"].as_str().unwrap().to_owned(),
    }
}

#[tokio::test]
async fn a_search_merges_both_apis_newest_first_and_api_picks_one() {
    let (_clock, sandbox) = sandbox().await;
    let sandbox = &sandbox;
    let every = atlan_line(sandbox, MONTH).await;
    let every = every.json_lines();
    let times: Vec<i64> = every.iter().map(sort_time).collect();
    assert!(
        times.windows(2).all(|pair| pair[0] >= pair[1]),
        "newest first across both APIs: {times:?}"
    );
    let of = |api: &str| {
        let line = format!("{MONTH} --api {api}");
        async move { atlan_line(sandbox, &line).await.json_lines() }
    };
    let (legacy, apps) = (of("legacy").await, of("apps").await);
    assert!(!legacy.is_empty() && !apps.is_empty());
    assert!(legacy.iter().all(|run| run["api"] == "legacy"));
    assert!(apps.iter().all(|run| run["api"] == "apps"));
    let mut both: Vec<String> = legacy.iter().chain(&apps).map(id).collect();
    let mut merged: Vec<String> = every.iter().map(id).collect();
    both.sort();
    merged.sort();
    assert_eq!(merged, both, "all is legacy and apps, nothing twice");

    // Pages of the merged view: the first two, then from the second on.
    let page = |more: &str| {
        let line =
            format!("-o json runs search --status Succeeded,Failed --started-since now-30d {more}");
        async move { atlan_line(sandbox, &line).await }
    };
    let first = page("--size 2").await;
    assert_eq!(first.json_lines().len(), 2);
    let next = page("--from 1 --size 2").await;
    assert_eq!(next.json_lines()[0], first.json_lines()[1]);

    // A status of app runs only leaves the legacy API out; on it alone, it is a usage error.
    let stopped = atlan_line(
        sandbox,
        "-o json runs search --status Stopped --started-since now-30d --all",
    )
    .await;
    let stopped = stopped.json_lines();
    assert!(!stopped.is_empty());
    assert!(
        stopped
            .iter()
            .all(|run| run["appWorkflowRunStatus"] == "Stopped")
    );
    atlan_line(
        sandbox,
        "runs search --status stopped --api legacy --since now-30d",
    )
    .await
    .exits(2)
    .mentions("app runs only");
}

#[tokio::test]
async fn a_workflow_is_named_by_legacy_name_app_slug_app_name_or_pattern() {
    let (_clock, sandbox) = sandbox().await;
    let sandbox = &sandbox;
    let latest = |workflow: &str| {
        let line = format!("-o json runs latest --workflow {workflow}");
        async move { atlan_line(sandbox, &line).await.json_lines() }
    };
    let by_slug = latest(APP).await;
    assert_eq!(by_slug[0]["api"], "apps");
    assert_eq!(latest(APP_NAME).await, by_slug, "by its display name");
    assert_eq!(latest("'prod-snow*'").await, by_slug, "by a pattern");
    let listed = atlan_line(sandbox, &format!("-o json apps runs list {APP}")).await;
    assert_eq!(
        id(&by_slug[0]),
        listed.json_lines()[0]["name"].as_str().unwrap()
    );
    let legacy = latest(MINER).await;
    assert_eq!(legacy[0]["api"], "legacy");

    // The runs of one app workflow are those `apps runs list` finds.
    let runs = atlan_line(
        sandbox,
        &format!("-o json runs list --workflow {APP_NAME} --all"),
    )
    .await;
    let ids: Vec<String> = runs.json_lines().iter().map(id).collect();
    let apps_ids: Vec<String> = atlan_line(sandbox, &format!("-o json apps runs list {APP} --all"))
        .await
        .json_lines()
        .iter()
        .map(|run| run["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, apps_ids);
    let failed = atlan_line(
        sandbox,
        &format!("runs list --workflow {APP} --status failed"),
    )
    .await;
    assert!(failed.ok().contains(FAILED_APP_RUN), "{}", failed.stdout);

    // A pattern matching workflows of both APIs names them.
    atlan_line(sandbox, "runs latest --workflow '*snowflake*'")
        .await
        .exits(2)
        .mentions(APP);
    atlan_line(sandbox, "runs latest --workflow no-such-workflow-1")
        .await
        .exits(3);
}

#[tokio::test]
async fn get_current_and_monitor_serve_app_runs() {
    let (_clock, sandbox) = sandbox().await;
    let sandbox = &sandbox;
    let got = atlan_line(sandbox, &format!("-o json runs get {FAILED_APP_RUN}")).await;
    let got = &got.json_lines()[0];
    assert_eq!(
        (got["api"].as_str(), got["appWorkflowRunStatus"].as_str()),
        (Some("apps"), Some("Failed"))
    );
    let table = atlan_line(sandbox, &format!("runs get {FAILED_APP_RUN}")).await;
    let row = table.ok().lines().nth(1).unwrap().to_owned();
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(&cells[..3], ["apps", FAILED_APP_RUN, APP], "{row}");
    atlan_line(sandbox, &format!("runs get {FAILED_APP_RUN} --api legacy"))
        .await
        .exits(3);

    // A failed app run monitored: its row, and exit 5.
    atlan_line(
        sandbox,
        &format!("runs monitor {FAILED_APP_RUN} --interval 100ms"),
    )
    .await
    .exits(5)
    .mentions("ended Failed");

    // A run submitted now is the workflow's current one (the sandbox's clock stands still).
    atlan_line(sandbox, "runs current --workflow prod-snowflake")
        .await
        .exits(3);
    let submitted = atlan_line(sandbox, &format!("-o json apps submit {APP}")).await;
    let run_id = submitted.json_lines()[0]["run_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let current = atlan_line(sandbox, "-o json runs current --workflow prod-snowflake").await;
    assert_eq!(id(&current.json_lines()[0]), run_id, "{}", current.stdout);
}

#[tokio::test]
async fn an_api_the_tenant_does_not_serve_is_left_out_and_said_once() {
    let (_clock, sandbox) = sandbox().await;
    let sandbox = &sandbox;
    // Every request to these routes answers 404, as on a tenant without that API.
    let unserved = |routes: &[&str]| {
        sandbox.faults().clear();
        for route in routes {
            sandbox
                .faults()
                .add(FaultRule::status(*route, 404))
                .unwrap();
        }
    };
    // An older tenant: no App workflows API.
    unserved(&[
        "* /api/service/v1/app*",
        "POST /api/meta/search/indexsearch*",
    ]);
    let search = atlan_line(sandbox, &format!("{MONTH} --size 3")).await;
    let runs = search.json_lines();
    assert!(!runs.is_empty() && runs.iter().all(|run| run["api"] == "legacy"));
    assert_eq!(
        search.stderr.matches("does not serve the apps API").count(),
        1,
        "{}",
        search.stderr
    );
    let latest = atlan_line(sandbox, &format!("runs latest --workflow {MINER}")).await;
    assert!(latest.ok().starts_with("API"));
    atlan_line(sandbox, &format!("{MONTH} --api apps"))
        .await
        .exits(3);

    // A newer tenant: the legacy API retired.
    unserved(&["* /api/service/runs/*", "* /api/service/workflows/*"]);
    let search = atlan_line(sandbox, &format!("{MONTH} --size 3")).await;
    let runs = search.json_lines();
    assert!(!runs.is_empty() && runs.iter().all(|run| run["api"] == "apps"));
    search.mentions("does not serve the legacy API");
    let latest = atlan_line(sandbox, &format!("-o json runs latest --workflow {APP}")).await;
    assert_eq!(latest.json_lines()[0]["api"], "apps");
}
