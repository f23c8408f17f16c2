//! Dry runs of the bulk commands and of a purge are previews, against a sandbox over real HTTP:
//! under `--dry-run` and `--dry-run=writes` alike they read the tenant for their plan, print each
//! request that would change something, change nothing (`--yes` or not), write no journal (not
//! even where none could be written) and exit 0.

#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use common::*;
use serde_json::Value;

/// The window of the default seed's runs on the tests' clock (the CLI reads the system clock).
const SINCE: &str = "2026-06-08T00:00:00Z";

/// A journal path no process can create (its parent is a file), and the file.
fn unwritable(name: &str) -> (String, std::path::PathBuf) {
    let parent = scratch(&format!("{name}-not-a-directory"), "a file");
    (parent.join("journal.jsonl").display().to_string(), parent)
}

/// `runs rerun --failed` over the demo tenant's window, without asking, with `journal`.
fn rerun(journal: &str) -> String {
    format!("runs rerun --failed --since {SINCE} --yes --journal {journal}")
}

/// The requests a preview printed on stdout.
fn requests(out: &Output) -> Vec<Value> {
    for line in out.stdout.lines() {
        assert!(
            line.starts_with("{\"method\":"),
            "as every dry run prints one: {line}"
        );
    }
    let lines = out.json_lines();
    for line in &lines {
        assert_eq!(line.as_object().unwrap().len(), 4, "{line}");
        assert_ne!(line["method"], "GET", "only changes are shown: {line}");
    }
    lines
}

#[tokio::test]
async fn each_bulk_dry_run_shows_its_changes_and_changes_nothing() {
    let (_clock, sandbox) = sandbox().await;
    let (journal, parent) = unwritable("previews");
    let state = |sandbox: &atlan_sandbox::SandboxHandle| sandbox.counts();
    let before = state(&sandbox);
    // Which schedules there are and whether each is suspended (not when each is next due).
    let schedules = "schedules list --jq '[.api, .workflow, .cron, .suspended]'";
    let crons = atlan_line(&sandbox, schedules).await;
    let cases = [
        (rerun(&journal), "/api/service/workflows/submit"),
        (
            format!("schedules suspend --all --yes --journal {journal}"),
            "/api/service/workflows/",
        ),
        (
            format!("apps schedules suspend --all --yes --journal {journal}"),
            "/api/service/v1/app/prod-snowflake-0c4f9a1e",
        ),
        (
            format!("migrate apply --package atlan-snowflake --yes --journal {journal}"),
            "/api/service/v1/app",
        ),
        (
            "credentials purge e39626c9-4bae-49af-a674-8e8a9b31f6ab --yes".to_owned(),
            "/api/service/credentials/e39626c9-4bae-49af-a674-8e8a9b31f6ab/archive",
        ),
    ];
    for (args, path) in &cases {
        for mode in ["--dry-run", "--dry-run=writes"] {
            let out = atlan_line(&sandbox, &format!("{mode} {args}")).await;
            out.ok();
            out.mentions("nothing was sent");
            let shown = requests(&out);
            assert!(
                shown
                    .iter()
                    .any(|request| request["path"].as_str().unwrap().starts_with(path)),
                "{mode} {args}: {}",
                out.stdout
            );
        }
    }
    assert_eq!(state(&sandbox), before, "nothing changed");
    let after = atlan_line(&sandbox, schedules).await;
    assert_eq!(after.stdout, crons.stdout, "no schedule was suspended");
    assert!(parent.is_file(), "no journal was written");
    let apps = atlan_line(&sandbox, "-o json apps list --all").await;
    assert_eq!(apps.json_lines().len(), 3, "no app workflow was created");
}

#[tokio::test]
async fn a_dry_run_is_not_stopped_by_an_interrupted_batchs_journal() {
    let (_clock, sandbox) = sandbox().await;
    let journal = scratch("interrupted-rerun.jsonl", "{\"record\":\"header\"}\n");
    let journal = journal.display().to_string();
    let out = atlan_line(&sandbox, &format!("--dry-run {}", rerun(&journal))).await;
    out.ok();
    assert_eq!(
        requests(&out).len(),
        2,
        "the two planted failures: {}",
        out.stdout
    );
    let real = atlan_line(&sandbox, &rerun(&journal)).await;
    real.exits(1).mentions("interrupted batch");
}
