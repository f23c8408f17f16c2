//! Beyond the page: run a workflow again (unless a run is already going) and wait for it to
//! finish, with progress.
//!
//! `cargo run -p atlan-workflows --example rerun_and_monitor [WORKFLOW_ID]`

#![allow(clippy::print_stdout)]

mod common;

use std::time::Duration;

use atlan_workflows::MonitorTarget;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let connection = common::connect().await?;
    let id = connection.arg("workflow id", common::CRAWLER);
    let run = connection
        .client
        .workflows()
        .rerun(id.as_str())
        .idempotent() // a run already under way is returned instead of starting another
        .await?;
    let run_id = run.name().unwrap_or_default().to_owned();
    println!("run {run_id}: {:?}", run.phase());

    let interval = if connection.is_sandbox() {
        Duration::from_millis(500)
    } else {
        Duration::from_secs(10)
    };
    let finished = connection
        .client
        .runs()
        .monitor(MonitorTarget::Run(run_id))
        .interval(interval)
        .timeout(Duration::from_secs(3600))
        .on_progress(|run| {
            let progress = run
                .source
                .status
                .as_ref()
                .and_then(|s| s.progress.clone())
                .unwrap_or_default();
            println!("  {:?} {progress}", run.phase());
        })
        .await?;
    println!("finished: {:?}", finished.phase());
    Ok(())
}
