//! "Delete a workflow".
//!
//! `cargo run -p atlan-workflows --example delete_workflow [WORKFLOW_ID]`

#![allow(clippy::print_stdout)]

mod common;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let connection = common::connect().await?;
    let id = connection.arg("workflow id", common::MINER);
    connection.client.workflows().delete(&id).await?;
    println!(
        "deleted {id}: found again? {}",
        connection.client.workflows().get_opt(&id).await?.is_some()
    );
    Ok(())
}
