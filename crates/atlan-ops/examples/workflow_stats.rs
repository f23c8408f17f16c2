//! Health figures per workflow over the last 7 days, both APIs: `atlan_ops::stats_report`.
//!
//! `cargo run -p atlan-ops --example workflow_stats`

#![allow(clippy::print_stdout)]

#[path = "../../atlan-workflows/examples/common/mod.rs"]
mod common;

use atlan_ops::{ApiChoice, Selection, Window};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let connection = common::connect().await?;
    let window = Window::parse(atlan_ops::DEFAULT_SINCE, None, jiff::Timestamp::now())?;
    let report =
        atlan_ops::stats_report(&connection.client, &Selection::new(ApiChoice::All), &window)
            .await?;
    for row in report.rows.iter().take(10) {
        println!(
            "{:<6} {:<45} runs {:>3}  failed {:>3}  streak {}  p50 {:?} s",
            row.api.as_str(),
            row.workflow,
            row.runs,
            row.failed,
            row.failure_streak,
            row.duration_p50_s
        );
    }
    Ok(())
}
