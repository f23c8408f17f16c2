//! Every command given a run, workflow, slug or credential that does not exist exits 3 at once
//! (never after a wait), naming it, against a sandbox over real HTTP.

#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use std::time::Duration;

use common::*;

#[tokio::test]
async fn an_unknown_name_exits_3_at_once_everywhere() {
    let (_clock, sandbox) = sandbox().await;
    let guid = "00000000-0000-4000-8000-000000000000";
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["workflows", "find", "--id", "nope-1700000000"],
            "nope-1700000000",
        ),
        (
            vec!["workflows", "update", "nope-1700000000", "--set", "a=b"],
            "nope-1700000000",
        ),
        (
            vec!["workflows", "rerun", "nope-1700000000"],
            "nope-1700000000",
        ),
        (
            vec!["workflows", "delete", "nope-1700000000", "--yes"],
            "nope-1700000000",
        ),
        (
            vec![
                "workflows",
                "change-owner",
                "nope-1700000000",
                "--username",
                "jane.doe",
            ],
            "nope-1700000000",
        ),
        (vec!["runs", "get", "nope-run-123"], "nope-run-123"),
        (
            vec!["runs", "list", "--workflow", "nope-1700000000"],
            "nope-1700000000",
        ),
        (
            vec!["runs", "latest", "--workflow", "nope-1700000000"],
            "nope-1700000000",
        ),
        (
            vec!["runs", "current", "--workflow", "nope-1700000000"],
            "nope-1700000000",
        ),
        (vec!["runs", "stop", "nope-run-123"], "nope-run-123"),
        (
            vec!["runs", "monitor", "nope-run-123", "--timeout", "1h"],
            "nope-run-123",
        ),
        (
            vec![
                "runs",
                "monitor",
                "--workflow",
                "nope-1700000000",
                "--timeout",
                "1h",
            ],
            "nope-1700000000",
        ),
        (vec!["runs", "explain", "nope-run-123"], "nope-run-123"),
        (vec!["runs", "stats", "--workflow", "nope-*"], "nope-*"),
        (
            vec!["runs", "rerun", "--failed", "--workflow", "nope-*", "--yes"],
            "nope-*",
        ),
        (
            vec!["schedules", "add", "nope-1700000000", "--cron", "0 2 * * *"],
            "nope-1700000000",
        ),
        (
            vec!["schedules", "remove", "nope-1700000000"],
            "nope-1700000000",
        ),
        (
            vec!["schedules", "get", "nope-1700000000"],
            "nope-1700000000",
        ),
        (
            vec!["schedules", "suspend", "nope-1700000000"],
            "nope-1700000000",
        ),
        (
            vec!["schedules", "resume", "nope-1700000000"],
            "nope-1700000000",
        ),
        (
            vec!["schedules", "suspend", "--workflow", "nope-*", "--yes"],
            "nope-*",
        ),
        (vec!["credentials", "get", guid], guid),
        (vec!["credentials", "test", "--id", guid], guid),
        (vec!["credentials", "purge", guid, "--yes"], guid),
        (
            vec!["credentials", "list", "--workflow", "nope-1700000000"],
            "nope-1700000000",
        ),
        (vec!["apps", "describe", "nope-app"], "nope-app"),
        (vec!["apps", "inputs", "nope-app"], "nope-app"),
        (vec!["apps", "get", "nope-slug"], "nope-slug"),
        (
            vec!["apps", "update", "nope-slug", "--set", "a=b"],
            "nope-slug",
        ),
        (vec!["apps", "delete", "nope-slug", "--yes"], "nope-slug"),
        (vec!["apps", "submit", "nope-slug"], "nope-slug"),
        (vec!["apps", "runs", "get", "nope-run-123"], "nope-run-123"),
        (
            vec!["apps", "runs", "cancel", "nope-run-123"],
            "nope-run-123",
        ),
        (
            vec!["apps", "runs", "monitor", "nope-run-123", "--timeout", "1h"],
            "nope-run-123",
        ),
        (vec!["apps", "runs", "list", "nope-slug"], "nope-slug"),
        (
            vec![
                "apps",
                "schedules",
                "add",
                "nope-slug",
                "--cron",
                "0 2 * * *",
            ],
            "nope-slug",
        ),
        (
            vec!["apps", "schedules", "remove", "nope-slug", "t-1"],
            "nope-slug",
        ),
        (
            vec!["apps", "schedules", "suspend", "nope-slug"],
            "nope-slug",
        ),
        (
            vec!["apps", "schedules", "resume", "nope-slug"],
            "nope-slug",
        ),
        (
            vec!["migrate", "plan", "--workflow", "nope-1700000000"],
            "nope-1700000000",
        ),
        (
            vec!["migrate", "verify", "--workflow", "nope-1700000000"],
            "nope-1700000000",
        ),
    ];
    let mut wrong = Vec::new();
    for (args, named) in &cases {
        // A command that waited would hit this guard long before its own hour.
        let out = tokio::time::timeout(Duration::from_secs(20), atlan(&sandbox, args))
            .await
            .unwrap_or_else(|_| panic!("{args:?} waited"));
        if out.code != 3 || !out.stderr.contains(named) {
            wrong.push(format!(
                "{args:?}: exit {}: {}{}",
                out.code,
                out.stderr.trim(),
                out.stdout.trim()
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
