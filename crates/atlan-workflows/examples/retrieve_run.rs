//! "Retrieve workflow run": by id, and by status and time range (every page).
//!
//! `cargo run -p atlan-workflows --example retrieve_run [RUN_ID]`

#![allow(clippy::print_stdout)]

mod common;

use atlan_workflows::WorkflowPhase;
use futures_util::TryStreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let connection = common::connect().await?;
    let run_id = connection.arg("run id", &format!("{}-mzdza", common::MINER));
    let runs = connection.client.runs();

    if let Some(run) = runs.get_opt(&run_id).await? {
        let status = run.source.status.as_ref();
        println!(
            "{}: {:?}, progress {}",
            run.name(),
            run.phase(),
            status
                .and_then(|status| status.progress.as_deref())
                .unwrap_or("?")
        );
    }

    // Succeeded or failed runs that started in the last 6 hours and finished in the last hour.
    let mut recent = runs
        .search()
        .phases([WorkflowPhase::Succeeded, WorkflowPhase::Failed])
        .started_since("now-6h")
        .finished_since("now-1h")
        .size(50)
        .stream();
    while let Some(run) = recent.try_next().await? {
        println!("{} {:?}", run.name(), run.phase());
    }
    Ok(())
}
