//! "Manage apps" (newer tenants): create an app workflow with a schedule, change one input, run it
//! and watch the run, start another and cancel it, remove the schedule, delete the workflow.
//!
//! `cargo run -p atlan-workflows --example manage_apps`

#![allow(clippy::print_stdout)]

mod common;

use std::time::Duration;

use atlan_workflows::model::AppInputs;
use serde_json::json;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let connection = common::connect().await?;
    let apps = connection.client.apps();

    let info = apps.describe("snowflake-crawler").await?;
    let contract = apps.input_contract("snowflake-crawler").await?;
    println!(
        "{} runs as {:?}; its inputs: {}",
        info.name.as_deref().unwrap_or("?"),
        info.execution_mode,
        contract.field_names().collect::<Vec<_>>().join(", ")
    );

    // The inputs the contract asks for; the raw credential is vaulted by the server and replaced by
    // a `credential_guid` (it is redacted in Debug and never comes back).
    let inputs: AppInputs = serde_json::from_value(json!({
        "connection": {"typeName": "Connection", "attributes": {
            "qualifiedName": "default/snowflake/1767225600", "connectorName": "snowflake",
            "name": "rust-example"}},
        "extraction_method": "direct", "credential_guid": "", "enable_lineage": false,
        "credential": {"authType": "basic", "name": "default-snowflake-1767225600-0",
            "connectorConfigName": "atlan-connectors-snowflake", "host": "acme.snowflakecomputing.com",
            "port": 443, "username": "svc",
            "password": std::env::var("SNOWFLAKE_PASSWORD").unwrap_or_else(|_| "password".into())},
    }))?;
    let created = apps
        .workflows()
        .create("snowflake-crawler", "rust-example", inputs)
        .entrypoint("crawler")
        .schedule("0 2 * * *", "Europe/Paris")
        .or_reuse() // a second run of this example reuses the workflow (and says so)
        .await?;
    let slug = created.response.slug.clone();
    println!("workflow {slug} (reused: {})", created.reused);

    let changed = apps
        .workflows()
        .change(&slug)
        .set("enable_lineage", true)
        .await?;
    println!("lineage on: version {:?}", changed.version);

    let run = apps.workflows().run(&slug).idempotent().await?;
    let run_id = run.run_id.clone().unwrap_or_default();
    let done = apps
        .runs()
        .monitor(run_id.as_str())
        .interval(Duration::from_millis(500))
        .timeout(Duration::from_secs(120))
        .on_progress(|run| println!("  {:?}", run.status))
        .await?;
    println!("run {run_id} ended {:?}", done.status);

    let another = apps.workflows().run(&slug).await?;
    let cancelled = apps
        .runs()
        .stop(another.run_id.as_deref().unwrap_or_default())
        .await?;
    println!(
        "cancelled: {:?} {:?}",
        cancelled.cancelled, cancelled.status
    );

    let runs = apps.runs().search().slug(&slug).page().await?;
    let total = runs.total.map_or(0, |total| total.value);
    println!("{total} runs of {slug} in the asset search");

    let summary = apps.workflows().get(&slug).await?;
    for schedule in summary.schedules.iter().flatten() {
        if let Some(trigger) = &schedule.trigger_id {
            apps.schedules().remove(&slug, trigger).await?;
            println!("removed schedule {trigger}");
        }
    }
    let deleted = apps.workflows().delete(&slug).await?;
    println!("deleted {slug}: {:?}", deleted.archived);
    Ok(())
}
