//! "Stop a running workflow".
//!
//! `cargo run -p atlan-workflows --example stop_run [WORKFLOW_ID]`

#![allow(clippy::print_stdout)]

mod common;

use atlan_workflows::WorkflowPhase;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let connection = common::connect().await?;
    let id = connection.arg("workflow id", common::MINER);
    let runs = connection.client.runs();

    let running = runs.list(&id).phase(WorkflowPhase::Running).page().await?;
    let Some(run) = running.items.first() else {
        println!("{id} has no running run");
        return Ok(());
    };
    let stopped = runs.stop(run.name()).await?;
    println!(
        "{}: {:?} ({})",
        run.name(),
        stopped.phase(),
        stopped
            .status
            .as_ref()
            .and_then(|s| s.message.as_deref())
            .unwrap_or("")
    );
    Ok(())
}
