//! Service levels: what is expected of every workflow (a success each day, no run longer than
//! three times its own p95), checked by `atlan_ops::doctor`, and what a policy would decide for
//! each workflow over the runs a watcher saw.
//!
//! `cargo run -p atlan-ops --example service_levels`

#![allow(clippy::print_stdout)]

#[path = "../../atlan-workflows/examples/common/mod.rs"]
mod common;

use std::collections::BTreeSet;

use atlan_ops::expectations::Expectations;
use atlan_ops::policies::{self, Policy, Retry};
use atlan_ops::service_levels::ServiceLevels;
use atlan_ops::watch::{WatchConfig, Watcher};
use atlan_ops::{ApiChoice, Cause, Window};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let connection = common::connect().await?;
    let now = jiff::Timestamp::now();
    let window = Window::parse(atlan_ops::DEFAULT_SINCE, None, now)?;
    let levels = ServiceLevels::new(Expectations::parse(Some("1d"), None, Some("3x p95"), None)?);
    let report =
        atlan_ops::doctor::run(&connection.client, ApiChoice::All, &window, now, &levels).await?;
    for finding in report
        .findings
        .iter()
        .filter(|finding| ["late", "overdue", "stuck"].contains(&finding.check))
        .take(10)
    {
        let workflow = finding.workflow.as_deref().unwrap_or("-");
        println!("{} {workflow}: {}", finding.check, finding.detail);
    }

    // What `suspend_after: 3` and a retry of infrastructure failures would decide, per workflow.
    let mut watcher = Watcher::new(WatchConfig::new(ApiChoice::All).levels(levels), now);
    watcher.poll(&connection.client, now).await?;
    let retry = Retry {
        causes: BTreeSet::from([Cause::Infrastructure]),
        max: 2,
    };
    let policy = Policy::new(Some(3), Some(retry));
    for level in watcher.levels(now).iter().take(20) {
        let runs = watcher.book().run_spans(level.api, &level.workflow);
        let decided = policies::decide(&policy, &runs, None, &Default::default());
        if let Some(decision) = decided {
            println!("{}: {decision:?}", level.workflow);
        }
    }
    Ok(())
}
