//! How `atlanctl` is started: where it connects, usage errors, the embedded sandbox, and
//! `atlanctl sandbox serve` as a server process.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::process::Stdio;

use common::{KEY, MINER, atlan, atlan_alone, command, sandbox, shell_words};
use tokio::io::{AsyncBufReadExt, BufReader};

#[tokio::test]
async fn with_nowhere_to_connect_it_says_how_to_pick() {
    let output = atlan_alone(&["runs", "latest", "--workflow", MINER]).await;
    output.exits(2);
    assert_eq!(output.stdout, "");
    output.mentions("ATLAN_BASE_URL");
    output.mentions("--sandbox");

    let mut without_key = command();
    without_key.env("ATLAN_BASE_URL", "http://127.0.0.1:9");
    let output = without_key
        .args(["runs", "latest", "--workflow", MINER])
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("ATLAN_API_KEY"));
}

#[tokio::test]
async fn the_readme_command_shows_a_table_of_runs_from_the_embedded_sandbox() {
    let output = atlan_alone(&shell_words(
        "--sandbox runs search --status Succeeded,Failed --started-since now-7d",
    ))
    .await;
    let stdout = output.ok();
    let mut lines = stdout.lines();
    let header: Vec<_> = lines.next().unwrap().split_whitespace().collect();
    assert_eq!(
        header,
        [
            "API", "RUN", "WORKFLOW", "PACKAGE", "STATUS", "STARTED", "DURATION"
        ]
    );
    let rows: Vec<_> = lines.collect();
    assert_eq!(rows.len(), 100, "a full first page");
    assert!(
        rows.iter()
            .all(|row| row.contains(" Succeeded ") || row.contains(" Failed "))
    );
    for api in ["legacy ", "apps "] {
        assert!(rows.iter().any(|row| row.starts_with(api)), "{api}runs too");
    }
    output.mentions("more with --from 100");
}

#[tokio::test]
async fn bad_values_are_usage_errors_that_name_the_option() {
    for (args, expected) in [
        (vec!["runs", "search", "--status", "Done"], "--status"),
        (
            vec![
                "runs",
                "search",
                "--status",
                "Failed",
                "--started-since",
                "last week",
            ],
            "--started-since",
        ),
        (
            vec!["runs", "list", "--workflow", MINER, "--size", "0"],
            "--size",
        ),
        (
            vec!["runs", "monitor", "--workflow", MINER, "--interval", "10ms"],
            "100ms",
        ),
        (
            vec!["runs", "monitor", "--workflow", MINER, "r-abcde"],
            "cannot be used with",
        ),
        (
            vec![
                "runs",
                "search",
                "--status",
                "Failed",
                "--all",
                "--concurrency",
                "0",
            ],
            "from 1 to 32",
        ),
        (
            vec![
                "runs",
                "list",
                "--workflow",
                MINER,
                "--all",
                "--concurrency",
                "33",
            ],
            "from 1 to 32",
        ),
        (
            vec!["runs", "search", "--status", "Failed", "--concurrency", "4"],
            "--all",
        ),
        (
            vec!["apps", "runs", "list", "--all", "--concurrency", "0"],
            "from 1 to 32",
        ),
        (vec!["workflows", "find"], "--id"),
        (
            vec!["workflows", "update", MINER, "--set", "novalue"],
            "NAME=VALUE",
        ),
        (
            vec!["workflows", "run", "f.json", "--timezone", "UTC"],
            "--cron",
        ),
        (
            vec!["credentials", "list", "--filter", "[1]"],
            "JSON object",
        ),
        (
            vec![
                "schedules",
                "add",
                MINER,
                "--cron",
                "61 * * * *",
                "--timezone",
                "UTC",
            ],
            "--cron",
        ),
        (
            vec![
                "schedules",
                "add",
                MINER,
                "--cron",
                "*/0 * * * *",
                "--timezone",
                "UTC",
            ],
            "Step cannot be zero",
        ),
        (
            vec![
                "schedules",
                "add",
                MINER,
                "--cron",
                "0 2 * * *",
                "--timezone",
                "Mars/Olympus",
            ],
            "--timezone",
        ),
        (
            vec![
                "workflows",
                "run",
                "f.json",
                "--cron",
                "0 2 * * *",
                "--timezone",
                "../../etc/passwd",
            ],
            "unknown time zone",
        ),
        (vec!["credentials", "get", "x", "--unknown"], "--unknown"),
    ] {
        let output = atlan_alone(&args).await;
        assert_eq!(output.code, 2, "{args:?}: {}", output.stderr);
        output.mentions(expected);
        assert_eq!(output.stdout, "");
    }
    let missing_file = atlan_alone(&["--dry-run", "workflows", "run", "/nonexistent/w.json"]).await;
    missing_file.exits(2);
    assert!(
        missing_file
            .stderr
            .contains("cannot read /nonexistent/w.json")
    );
    let paging = atlan_alone(&shell_words(&format!(
        "--dry-run runs list --workflow {MINER} --api legacy --from 9999 --size 2"
    )))
    .await;
    assert_eq!(paging.code, 2, "past the result window: {}", paging.stderr);
}

#[tokio::test]
async fn a_wrong_key_is_an_api_error_that_does_not_echo_it() {
    let (_clock, sandbox) = sandbox().await;
    let mut wrong = command();
    let output = wrong
        .env("ATLAN_BASE_URL", sandbox.base_url())
        .args([
            "--api-key",
            "wrong-sentinel-key",
            "runs",
            "latest",
            "--workflow",
            MINER,
        ])
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("401"), "{stderr}");
    assert!(!stderr.contains("wrong-sentinel-key"));
    let help = atlan(&sandbox, &["--help"]).await;
    assert!(help.ok().contains("ATLAN_API_KEY"));
    assert!(
        !help.stdout.contains(KEY),
        "the key from the environment is not shown in --help"
    );
}

#[tokio::test]
async fn sandbox_serve_announces_its_address_serves_and_stops_on_sigterm() {
    let mut server = command()
        .args([
            "sandbox",
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--api-key",
            "served-key",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = server.stdout.take().unwrap();
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first).await.unwrap();
    let url = first
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {first}"))
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");

    let mut client = command();
    let output = client
        .env("ATLAN_BASE_URL", &url)
        .env("ATLAN_API_KEY", "served-key")
        .args(["runs", "current", "--workflow", MINER])
        .output()
        .await
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("Running"));

    let pid = server.id().unwrap().to_string();
    let killed = tokio::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .await
        .unwrap();
    assert!(killed.success());
    let status = server.wait().await.unwrap();
    assert_eq!(status.code(), Some(0), "a clean shutdown on SIGTERM");
}
