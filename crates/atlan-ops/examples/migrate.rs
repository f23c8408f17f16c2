//! Off the retired API, from Rust: plan every legacy workflow as an app workflow
//! (`atlan_ops::migrate::select`), then apply and verify the ready ones.
//!
//! `cargo run -p atlan-ops --example migrate` (on a sandbox, which serves both APIs); against a
//! real tenant it only prints the plan unless given `--yes`.

#![allow(clippy::print_stdout)]

#[path = "../../atlan-workflows/examples/common/mod.rs"]
mod common;

use atlan_ops::migrate::{self, MigrationStatus};
use atlan_ops::{ApiChoice, Selection};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let connection = common::connect().await?;
    let client = &connection.client;
    let act = connection.is_sandbox() || std::env::args().any(|arg| arg == "--yes");

    let planned = migrate::select(client, &Selection::new(ApiChoice::Legacy)).await?;
    for status in [
        MigrationStatus::Ready,
        MigrationStatus::NeedsInput,
        MigrationStatus::Unsupported,
    ] {
        let count = planned.iter().filter(|p| p.plan.status == status).count();
        println!("{}: {count}", status.as_str());
    }
    for planned in planned
        .iter()
        .filter(|p| p.plan.status == MigrationStatus::NeedsInput)
        .take(3)
    {
        println!(
            "{} needs {:?}: {}",
            planned.plan.workflow,
            planned.plan.missing,
            planned.plan.problems.join("; ")
        );
    }
    if !act {
        return Ok(());
    }
    // Created with `run: false` and the legacy schedule, named as the legacy workflow: applying
    // again finds each by name and creates nothing.
    for planned in planned
        .iter()
        .filter(|p| p.plan.status == MigrationStatus::Ready)
        .take(5)
    {
        let applied = migrate::apply(client, planned).await?;
        println!(
            "{} -> {} ({})",
            planned.plan.workflow,
            applied.slug,
            if applied.reused { "reused" } else { "created" }
        );
    }
    let again = migrate::select(client, &Selection::new(ApiChoice::Legacy)).await?;
    for planned in again.iter().filter(|p| p.migrated.is_some()) {
        let verification = migrate::verify(client, planned, None).await?;
        println!(
            "verify {}: {}",
            planned.plan.workflow,
            if verification.differences.is_empty() {
                "the same inputs and schedule".to_owned()
            } else {
                verification.differences.join("; ")
            }
        );
    }
    Ok(())
}
