//! `schedules list` over both APIs against the demo tenant: each schedule's next due time is the
//! next of its cron in its zone, its last firing is the start of the newest run its schedule
//! started, a suspended one has no next, and an app trigger's id is what removes it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use atlan_workflows::model::CronSchedule;
use common::{atlan_line, sandbox};
use jiff::Timestamp;
use serde_json::Value;

/// The schedules `schedules list` shows, as JSON.
async fn listed(sandbox: &atlan_sandbox::SandboxHandle) -> Vec<Value> {
    atlan_line(sandbox, "-o json schedules list")
        .await
        .json_lines()
}

fn at(value: &Value) -> Option<Timestamp> {
    value.as_str().map(|text| text.parse().unwrap())
}

#[tokio::test]
async fn every_schedule_of_both_apis_with_its_next_and_last_firing() {
    let (_clock, sandbox) = sandbox().await;
    let before = Timestamp::now();
    let rows = listed(&sandbox).await;
    let after = Timestamp::now();
    assert!(
        rows.iter().any(|row| row["api"] == "legacy")
            && rows.iter().any(|row| row["api"] == "apps")
    );
    for row in &rows {
        let cron = CronSchedule::parse(
            row["cron"].as_str().unwrap(),
            row["timezone"].as_str().unwrap(),
        )
        .unwrap();
        let next = at(&row["next"]).expect("an active schedule is next due");
        let due = [cron.next_after(before), cron.next_after(after)];
        assert!(due.contains(&Some(next)), "{row}: {due:?}");
    }

    // The last firing of a legacy schedule: the newest run its CronWorkflow started.
    let legacy = rows.iter().find(|row| row["api"] == "legacy").unwrap();
    let workflow = legacy["workflow"].as_str().unwrap();
    let runs = atlan_line(
        &sandbox,
        &format!("-o json runs list --workflow {workflow} --size 20"),
    )
    .await;
    let fired = runs
        .json_lines()
        .iter()
        .filter(|run| run["metadata"]["labels"]["workflows.argoproj.io/cron-workflow"].is_string())
        .filter_map(|run| at(&run["status"]["startedAt"]))
        .max()
        .expect("the demo tenant's schedules have fired");
    assert_eq!(
        at(&legacy["last_fired"]),
        Some(Timestamp::from_second(fired.as_second()).unwrap())
    );

    // Suspended: still listed, no next due time.
    atlan_line(&sandbox, &format!("schedules suspend {workflow}"))
        .await
        .ok();
    let suspended = listed(&sandbox).await;
    let row = suspended
        .iter()
        .find(|row| row["workflow"] == workflow)
        .unwrap();
    assert_eq!(
        (row["suspended"].clone(), row["next"].clone()),
        (Value::Bool(true), Value::Null)
    );

    // An app schedule's trigger id is what removes it.
    let app = rows.iter().find(|row| row["api"] == "apps").unwrap();
    let (slug, trigger) = (
        app["workflow"].as_str().unwrap(),
        app["trigger_id"].as_str().unwrap(),
    );
    atlan_line(&sandbox, &format!("apps schedules remove {slug} {trigger}"))
        .await
        .ok();
    let gone = listed(&sandbox).await;
    assert!(
        !gone.iter().any(|row| row["trigger_id"] == trigger),
        "{gone:?}"
    );
    let only_apps = atlan_line(&sandbox, "-o json schedules list --api apps").await;
    assert!(
        only_apps
            .json_lines()
            .iter()
            .all(|row| row["api"] == "apps")
    );
}
