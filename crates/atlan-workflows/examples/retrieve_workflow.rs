//! "Retrieve workflow": by id, and by type (package).
//!
//! `cargo run -p atlan-workflows --example retrieve_workflow [WORKFLOW_ID]`

#![allow(clippy::print_stdout)]

mod common;

use atlan_workflows::WorkflowPackage;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let connection = common::connect().await?;
    let id = connection.arg("workflow id", common::MINER);
    let workflows = connection.client.workflows();

    match workflows.get_opt(&id).await? {
        Some(workflow) => {
            let task = workflow.source.spec.first_task();
            println!(
                "{} runs package template {}",
                workflow.name(),
                task.and_then(|task| task.template_ref.as_ref())
                    .and_then(|template| template.name.as_deref())
                    .unwrap_or("?")
            );
        }
        None => println!("no workflow {id}"),
    }

    for workflow in workflows
        .find_by_type(WorkflowPackage::SnowflakeMiner)
        .max_results(5)
        .await?
    {
        println!("snowflake miner: {}", workflow.name());
    }
    Ok(())
}
