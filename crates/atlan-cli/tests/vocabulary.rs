//! One vocabulary, as a user meets it over real HTTP: `--since`/`--before` as the started bounds
//! of a run search, `--workflow` globs wherever a workflow is named, `--timezone` UTC unless given
//! (and said), connection errors that name the host and port, durations as people write them.

#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use common::*;
use serde_json::Value;

#[tokio::test]
async fn since_and_before_are_the_started_bounds_of_a_run_search() {
    let search = ["--dry-run", "runs", "search", "--status", "Failed"];
    let short =
        atlan_alone(&[&search[..], &["--since", "now-6h", "--before", "now-1h"]].concat()).await;
    let long = atlan_alone(
        &[
            &search[..],
            &["--started-since", "now-6h", "--started-before", "now-1h"],
        ]
        .concat(),
    )
    .await;
    assert_eq!(short.ok(), long.ok(), "the same request");
    assert!(
        short.stdout.contains("\"gte\":\"now-6h\""),
        "{}",
        short.stdout
    );
    let both = atlan_alone(
        &[
            &search[1..],
            &["--since", "now-1h", "--started-since", "now-2h"],
        ]
        .concat(),
    )
    .await;
    both.exits(2);
}

#[tokio::test]
async fn a_workflow_pattern_names_the_one_it_matches_or_lists_them() {
    let (_clock, sandbox) = sandbox().await;
    let one = atlan_line(
        &sandbox,
        "-o json runs latest --workflow atlan-snowflake-miner-17146*",
    )
    .await;
    let run: Value = serde_json::from_str(one.ok().trim()).unwrap();
    assert!(
        run["metadata"]["name"].as_str().unwrap().starts_with(MINER),
        "{run}"
    );
    let several = atlan_line(&sandbox, "runs list --workflow atlan-snowflake-*").await;
    several
        .exits(2)
        .mentions("matches")
        .mentions(CRAWLER)
        .mentions("this command takes one");
    let none = atlan_line(&sandbox, "runs current --workflow nothing-*").await;
    none.exits(3).mentions("nothing-*");

    // Over many: the figures of each workflow the pattern matches.
    let stats = atlan_line(&sandbox, "-o json runs stats --workflow atlan-snowflake-1* --since 2026-06-01T00:00:00Z --now 2026-06-15T12:00:00Z")
    .await;
    stats.ok();
    let rows = stats.json_lines();
    assert!(rows.len() >= 2, "{}", stats.stdout);
    assert!(
        rows.iter().all(|row| row["workflow"]
            .as_str()
            .unwrap()
            .starts_with("atlan-snowflake-1")),
        "{}",
        stats.stdout
    );
}

#[tokio::test]
async fn a_schedule_is_in_utc_unless_a_zone_is_given_and_the_output_says_so() {
    let (_clock, sandbox) = sandbox().await;
    let added = atlan_line(
        &sandbox,
        "schedules add csa-asset-import-1705849995 --cron '0 2 * * *'",
    )
    .await;
    added.ok();
    added.mentions("scheduled `0 2 * * *` in UTC");
    let got = atlan_line(
        &sandbox,
        "-o json schedules get csa-asset-import-1705849995",
    )
    .await;
    let cron: Value = serde_json::from_str(got.ok().trim()).unwrap();
    assert_eq!(cron["spec"]["timezone"], "UTC", "{cron}");
    let app = atlan_line(
        &sandbox,
        "apps schedules add athena-analytics-7d21c0b4 --cron '0 3 * * *' --timezone Europe/Paris",
    )
    .await;
    app.ok();
    app.mentions("scheduled `0 3 * * *` in Europe/Paris");
}

#[tokio::test]
async fn a_connection_error_names_the_host_and_port_and_a_wait_reads_as_people_write_it() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let mut command = command();
    command
        .env("ATLAN_BASE_URL", format!("http://{address}"))
        .env("ATLAN_API_KEY", KEY)
        .args(["runs", "get", "atlan-snowflake-1714638976-k2x7q"]);
    let out = command.output().await.unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("could not connect to {address}")),
        "{stderr}"
    );

    let (_clock, sandbox) = sandbox().await;
    let running = format!("{MINER}-9wfxz");
    let out = atlan_line(
        &sandbox,
        &format!("runs monitor {running} --interval 100ms --timeout 300ms"),
    )
    .await;
    out.exits(4);
    let waited = out
        .stderr
        .split("did not finish within ")
        .nth(1)
        .unwrap_or_else(|| panic!("{}", out.stderr));
    let shown = waited.split([' ', '\n']).next().unwrap();
    assert!(
        shown.ends_with("ms") || (shown.ends_with('s') && shown.len() <= 4),
        "a duration as people write it, not {shown}"
    );
}
