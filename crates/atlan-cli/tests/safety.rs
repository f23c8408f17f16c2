//! What cannot be undone is asked for: `credentials purge`, `workflows delete` and `apps delete`
//! ask on a terminal (a real pseudo-terminal here) naming what goes, need `--yes` without one,
//! and a credential that workflows of either API use (or may use) is not purged without `--force`.
//! A re-run starts nothing while a run of the workflow is under way, unless asked.

#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use atlan_sandbox::{FaultRule, SandboxHandle};
use common::terminal::Terminal;
use common::*;
use serde_json::Value;

/// A credential nothing uses: stored now from the fixture (its test passes).
async fn unused_credential(sandbox: &SandboxHandle) -> String {
    let file = fixture("requests/credential/create-snowflake.json");
    let created = atlan(
        sandbox,
        &["-o", "json", "credentials", "create", "--file", arg(&file)],
    )
    .await;
    let created: Value = serde_json::from_str(created.ok().trim()).unwrap();
    created["id"].as_str().unwrap().to_owned()
}

async fn exists(sandbox: &SandboxHandle, guid: &str) -> bool {
    atlan(sandbox, &["credentials", "get", guid]).await.code == 0
}

#[tokio::test]
async fn a_purge_asks_on_a_terminal_naming_the_credential_and_needs_yes_without_one() {
    let (_clock, sandbox) = sandbox().await;
    let guid = unused_credential(&sandbox).await;

    let out = atlan_line(&sandbox, &format!("credentials purge {guid}")).await;
    out.exits(2).mentions("--yes").mentions(&guid);
    assert!(exists(&sandbox, &guid).await, "nothing was purged");

    let declined = Terminal::start(&sandbox, &["credentials", "purge", &guid]);
    let asked = declined.wait_for("[y/N]").await;
    assert!(
        asked.contains(&format!("purge credential {guid}")) && asked.contains("cannot be undone"),
        "{asked}"
    );
    assert!(
        asked.contains("no workflow of either API uses it"),
        "{asked}"
    );
    declined.type_line("n");
    let (code, screen) = declined.finish().await;
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("nothing was changed"), "{screen}");
    assert!(exists(&sandbox, &guid).await);

    let agreed = Terminal::start(&sandbox, &["credentials", "purge", &guid]);
    agreed.wait_for("[y/N]").await;
    agreed.type_line("y");
    let (code, screen) = agreed.finish().await;
    assert_eq!(code, 0, "{screen}");
    assert!(
        screen.contains(&format!("credential {guid} purged")),
        "{screen}"
    );
    assert!(!exists(&sandbox, &guid).await);
}

#[tokio::test]
async fn a_credential_in_use_is_not_purged_unless_forced() {
    let (_clock, sandbox) = sandbox().await;
    let out = atlan_line(&sandbox, &format!("credentials purge {CREDENTIAL} --yes")).await;
    out.exits(1)
        .mentions("was not purged")
        .mentions("atlan-snowflake-1714638976 (legacy)")
        .mentions("prod-snowflake-0c4f9a1e (apps)")
        .mentions("--force");
    assert!(exists(&sandbox, CREDENTIAL).await);

    let forced = atlan_line(
        &sandbox,
        &format!("credentials purge {CREDENTIAL} --force --yes"),
    )
    .await;
    forced.ok();
    assert!(!exists(&sandbox, CREDENTIAL).await);
}

#[tokio::test]
async fn an_api_that_cannot_be_read_stops_a_purge_and_is_named() {
    let (_clock, sandbox) = sandbox().await;
    let guid = unused_credential(&sandbox).await;
    sandbox
        .faults()
        .add(FaultRule::status(
            "POST /api/service/workflows/indexsearch",
            404,
        ))
        .unwrap();
    let out = atlan_line(&sandbox, &format!("credentials purge {guid} --yes")).await;
    out.exits(1)
        .mentions("the legacy API's workflows could not be read")
        .mentions("404");
    assert!(exists(&sandbox, &guid).await);
    atlan_line(&sandbox, &format!("credentials purge {guid} --yes --force"))
        .await
        .ok();
    assert!(!exists(&sandbox, &guid).await);
}

#[tokio::test]
async fn deletes_ask_on_a_terminal_and_need_yes_without_one() {
    let (_clock, sandbox) = sandbox().await;
    let out = atlan_line(&sandbox, &format!("workflows delete {CRAWLER}")).await;
    out.exits(2).mentions("--yes").mentions(CRAWLER);
    let out = atlan_line(&sandbox, "apps delete athena-analytics-7d21c0b4").await;
    out.exits(2).mentions("--yes");

    let declined = Terminal::start(&sandbox, &["workflows", "delete", CRAWLER]);
    let asked = declined.wait_for("[y/N]").await;
    assert!(
        asked.contains(&format!(
            "delete workflow {CRAWLER} of package atlan-snowflake"
        )) && asked.contains("scheduled"),
        "{asked}"
    );
    declined.type_line("no");
    assert_eq!(declined.finish().await.0, 0);
    atlan_line(&sandbox, &format!("workflows find --id {CRAWLER}"))
        .await
        .ok();

    let agreed = Terminal::start(&sandbox, &["apps", "delete", "athena-analytics-7d21c0b4"]);
    let asked = agreed.wait_for("[y/N]").await;
    assert!(
        asked.contains(
            "delete app workflow athena-analytics-7d21c0b4 (athena-analytics, app atlan-athena"
        ),
        "{asked}"
    );
    agreed.type_line("y");
    let (code, screen) = agreed.finish().await;
    assert_eq!(code, 0, "{screen}");
    let gone = atlan_line(&sandbox, "apps get athena-analytics-7d21c0b4").await;
    gone.exits(3);
}

#[tokio::test]
async fn a_rerun_starts_nothing_while_a_run_is_under_way_unless_asked() {
    let (_clock, sandbox) = sandbox().await;
    let first = atlan_line(&sandbox, &format!("-o json workflows rerun {CRAWLER}")).await;
    first.ok();
    let first_run = first.json_lines()[0]["metadata"]["name"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(first_run.starts_with(&format!("{CRAWLER}-")));
    assert_eq!(first.json_lines()[0]["started"], true);
    let runs_before = sandbox.counts().1;
    for extra in [&[][..], &["--idempotent"][..]] {
        let mut line = vec!["-o", "json", "workflows", "rerun", CRAWLER];
        line.extend_from_slice(extra);
        let again = atlan(&sandbox, &line).await;
        again.ok();
        assert_eq!(
            again.json_lines()[0]["metadata"]["name"],
            first_run.as_str(),
            "the run already going is shown"
        );
        assert_eq!(again.json_lines()[0]["started"], false);
        again.mentions("not started another");
    }
    let table = atlan_line(&sandbox, &format!("workflows rerun {CRAWLER}")).await;
    assert!(
        table.ok().contains(&first_run) && table.stdout.contains("Pending"),
        "{}",
        table.stdout
    );
    assert_eq!(sandbox.counts().1, runs_before, "nothing was started");
    let concurrent = atlan_line(
        &sandbox,
        &format!("-o json workflows rerun {CRAWLER} --allow-concurrent"),
    )
    .await;
    concurrent.ok();
    assert_ne!(
        concurrent.json_lines()[0]["metadata"]["name"],
        first_run.as_str()
    );
    assert_eq!(concurrent.json_lines()[0]["started"], true);
    assert_eq!(sandbox.counts().1, runs_before + 1);
}
