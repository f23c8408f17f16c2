//! "Retrieve all workflow runs by their phase": one page, then all of them.
//!
//! `cargo run -p atlan-workflows --example runs_by_phase [WORKFLOW_ID]`

#![allow(clippy::print_stdout)]

mod common;

use atlan_workflows::WorkflowPhase;
use futures_util::TryStreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let connection = common::connect().await?;
    let id = connection.arg("workflow id", common::MINER);
    let runs = connection.client.runs();

    let page = runs
        .list(&id)
        .phase(WorkflowPhase::Running)
        .size(100)
        .page()
        .await?;
    println!(
        "{} running (of {:?})",
        page.items.len(),
        page.total.map(|total| total.value)
    );

    let succeeded: Vec<_> = runs
        .list(&id)
        .phase(WorkflowPhase::Succeeded)
        .size(20)
        .stream()
        .try_collect()
        .await?;
    for run in &succeeded {
        println!("succeeded: {}", run.name());
    }
    Ok(())
}
