//! A health check of the tenant's automation: `atlan_ops::doctor::run`.
//!
//! `cargo run -p atlan-ops --example doctor`

#![allow(clippy::print_stdout)]

#[path = "../../atlan-workflows/examples/common/mod.rs"]
mod common;

use atlan_ops::{ApiChoice, Window};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let connection = common::connect().await?;
    let now = jiff::Timestamp::now();
    let window = Window::parse(atlan_ops::DEFAULT_SINCE, None, now)?;
    let report = atlan_ops::doctor::run(
        &connection.client,
        ApiChoice::All,
        &window,
        now,
        &Default::default(),
    )
    .await?;
    for finding in report.findings.iter().take(20) {
        println!(
            "{:?} {} {}: {}",
            finding.severity,
            finding.check,
            finding.workflow.as_deref().unwrap_or("-"),
            finding.detail
        );
    }
    println!("{}", report.coverage(None).detail);
    Ok(())
}
