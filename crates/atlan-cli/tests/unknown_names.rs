//! Every command given a run, workflow, slug or credential that does not exist exits 3 at once
//! (never after a wait), naming it, against a sandbox over real HTTP.

#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use std::time::Duration;

use common::*;

#[tokio::test]
async fn an_unknown_name_exits_3_at_once_everywhere() {
    let (_clock, sandbox) = sandbox().await;
    // Each command line (split on spaces), and the name its error must mention.
    const W: &str = "nope-1700000000";
    const RUN: &str = "nope-run-123";
    const GUID: &str = "00000000-0000-4000-8000-000000000000";
    let cases: Vec<(String, &str)> = [
        (format!("workflows find --id {W}"), W),
        (format!("workflows update {W} --set a=b"), W),
        (format!("workflows rerun {W}"), W),
        (format!("workflows delete {W} --yes"), W),
        (format!("workflows change-owner {W} --username jane.doe"), W),
        (format!("runs get {RUN}"), RUN),
        (format!("runs list --workflow {W}"), W),
        (format!("runs latest --workflow {W}"), W),
        (format!("runs current --workflow {W}"), W),
        (format!("runs stop {RUN}"), RUN),
        (format!("runs monitor {RUN} --timeout 1h"), RUN),
        (format!("runs monitor --workflow {W} --timeout 1h"), W),
        (format!("runs explain {RUN}"), RUN),
        ("runs stats --workflow nope-*".to_owned(), "nope-*"),
        (
            "runs rerun --failed --workflow nope-* --yes".to_owned(),
            "nope-*",
        ),
        (format!("schedules add {W} --cron @daily"), W),
        (format!("schedules remove {W}"), W),
        (format!("schedules get {W}"), W),
        (format!("schedules suspend {W}"), W),
        (format!("schedules resume {W}"), W),
        (
            "schedules suspend --workflow nope-* --yes".to_owned(),
            "nope-*",
        ),
        (format!("credentials get {GUID}"), GUID),
        (format!("credentials test --id {GUID}"), GUID),
        (format!("credentials purge {GUID} --yes"), GUID),
        (format!("credentials list --workflow {W}"), W),
        ("apps describe nope-app".to_owned(), "nope-app"),
        ("apps inputs nope-app".to_owned(), "nope-app"),
        ("apps get nope-slug".to_owned(), "nope-slug"),
        ("apps update nope-slug --set a=b".to_owned(), "nope-slug"),
        ("apps delete nope-slug --yes".to_owned(), "nope-slug"),
        ("apps submit nope-slug".to_owned(), "nope-slug"),
        (format!("apps runs get {RUN}"), RUN),
        (format!("apps runs cancel {RUN}"), RUN),
        (format!("apps runs monitor {RUN} --timeout 1h"), RUN),
        ("apps runs list nope-slug".to_owned(), "nope-slug"),
        (
            "apps schedules add nope-slug --cron @daily".to_owned(),
            "nope-slug",
        ),
        (
            "apps schedules remove nope-slug t-1".to_owned(),
            "nope-slug",
        ),
        ("apps schedules suspend nope-slug".to_owned(), "nope-slug"),
        ("apps schedules resume nope-slug".to_owned(), "nope-slug"),
        (format!("migrate plan --workflow {W}"), W),
        (format!("migrate verify --workflow {W}"), W),
    ]
    .into_iter()
    .collect();
    let mut wrong = Vec::new();
    for (line, named) in &cases {
        let args: Vec<&str> = line.split(' ').collect();
        // A command that waited would hit this guard long before its own hour.
        let out = tokio::time::timeout(Duration::from_secs(20), atlan(&sandbox, &args))
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
