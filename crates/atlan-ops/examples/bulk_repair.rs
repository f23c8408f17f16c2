//! Repair in bulk, safely, from Rust: re-run what failed in lineage order with a journal
//! (`atlan_ops::bulk::plan::failed` + `execute`), then suspend and resume the schedules of a
//! package (`bulk::select` + `execute_schedules`), what they were kept on the tenant.
//!
//! `cargo run -p atlan-ops --example bulk_repair` (on a sandbox); against a real tenant it only
//! prints the plans unless given `--yes`.

#![allow(clippy::print_stdout)]

#[path = "../../atlan-workflows/examples/common/mod.rs"]
mod common;

use std::sync::Mutex;
use std::time::Duration;

use atlan_ops::bulk::{self, Header, Journal, Order, Pace, ScheduleAction, WaveWait};
use atlan_ops::{ApiChoice, Selection, Window};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let connection = common::connect().await?;
    let client = &connection.client;
    let act = connection.is_sandbox() || std::env::args().any(|arg| arg == "--yes");
    let now = jiff::Timestamp::now();
    let journals = std::env::temp_dir().join(format!("atlan-bulk-example-{}", std::process::id()));

    // 1. What failed in the last week, in waves: sources, miners, transformations, BI.
    let window = Window::parse("now-7d", None, now)?;
    let report = atlan_ops::stats_report(client, &Selection::new(ApiChoice::All), &window).await?;
    let plan = bulk::plan::failed(&report.rows, Order::Lineage);
    for (index, wave) in plan.waves.iter().enumerate() {
        for target in wave {
            println!(
                "wave {}: {} ({})",
                index + 1,
                target.workflow,
                target.reason
            );
        }
    }
    if act && !plan.is_empty() {
        // Every decision is written before its submit: an interrupted batch resumes with
        // `Journal::resume` and submits nothing twice.
        let header = Header::new("rerun", "example", "--failed --since now-7d", now);
        let journal = Mutex::new(Journal::create(&journals.join("rerun.jsonl"), header)?);
        let pace = Pace::new(
            WaveWait::Started,
            Duration::from_secs(1),
            Duration::from_secs(60),
            tokio::time::sleep,
        );
        let executed = bulk::execute(
            client,
            &plan,
            &journal,
            bulk::rerun::DEFAULT_CONCURRENCY,
            &pace,
            jiff::Timestamp::now,
            |report| {
                println!(
                    "{} {}: {}",
                    report.action.as_str(),
                    report.workflow,
                    report.run.as_deref().unwrap_or("-")
                );
            },
        )
        .await?;
        println!(
            "{} workflow(s) handled{}",
            executed.reports.len(),
            executed
                .halted
                .map(|why| format!(", stopped at {why}"))
                .unwrap_or_default()
        );
    }

    // 2. A maintenance window: suspend the schedules of the Databricks crawlers, then restore them.
    let selection = Selection::new(ApiChoice::All).package("atlan-databricks");
    let suspend = bulk::select(client, &selection, ScheduleAction::Suspend).await?;
    for target in &suspend.targets {
        println!(
            "suspend {} ({} schedule(s))",
            target.workflow,
            target.schedules.len()
        );
    }
    if act && !suspend.is_empty() {
        for action in [ScheduleAction::Suspend, ScheduleAction::Resume] {
            // The resume plan is read from the tenant alone: the records on the workflows.
            let plan = bulk::select(client, &selection, action).await?;
            let header = Header::new(
                action.as_str(),
                "example",
                "--package atlan-databricks",
                now,
            );
            let path = journals.join(format!("{}.jsonl", action.as_str()));
            let journal = Mutex::new(Journal::create(&path, header)?);
            let reports = bulk::execute_schedules(
                client,
                &plan,
                action,
                &journal,
                4,
                jiff::Timestamp::now,
                |_| {},
            )
            .await?;
            for report in reports {
                println!("{} {}", report.action.as_str(), report.workflow);
            }
        }
    }
    let _ = std::fs::remove_dir_all(&journals);
    Ok(())
}
