//! Why did a run fail? `atlan_ops::explain_run` on a legacy run name or an app run id.
//!
//! `cargo run -p atlan-ops --example explain_run [RUN]`

#![allow(clippy::print_stdout)]

#[path = "../../atlan-workflows/examples/common/mod.rs"]
mod common;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let connection = common::connect().await?;
    // On the demo tenant: a crawler run that failed at its transform step after a retry.
    let run = connection.arg("run", &format!("{}-k2x7q", common::CRAWLER));
    let explained = atlan_ops::explain_run(&connection.client, &run).await?;
    println!("{}: {}", explained.run, explained.summary());
    if let (Some(cause), Some(advice)) = (explained.cause, explained.advice) {
        println!("cause {}: {advice}", cause.as_str());
    }
    if let Some(log) = &explained.log_artifact {
        println!("log: {log}");
    }
    for change in &explained.changes {
        println!(
            "{}: {:?} s before, {:?} s now",
            change.step, change.previous_s, change.this_s
        );
    }
    Ok(())
}
