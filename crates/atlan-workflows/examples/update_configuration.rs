//! "Update workflow configuration": enable lineage on a crawler.
//!
//! `cargo run -p atlan-workflows --example update_configuration [WORKFLOW_ID]`

#![allow(clippy::print_stdout)]

mod common;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let connection = common::connect().await?;
    let id = connection.arg("workflow id", common::CRAWLER);
    let workflows = connection.client.workflows();

    let Some(found) = workflows.get_opt(&id).await? else {
        println!("no workflow {id}");
        return Ok(());
    };
    let mut workflow = found.to_workflow();
    let before = workflow.set_parameter("enable-lineage", true)?; // an unknown name is an error
    let response = workflows.update(&workflow).await?;
    println!(
        "{}: enable-lineage {before} -> true",
        response
            .metadata
            .as_ref()
            .and_then(|m| m.name())
            .unwrap_or("?")
    );
    Ok(())
}
