//! Operations over Atlan workflows of both APIs, above the facade (`atlan-workflows`): what the
//! people who run connectors ask every morning.
//!
//! - [`view`]: one **run view** that a legacy run and an app run both map into (API, workflow,
//!   package, normalized status, times, message, step tree);
//! - [`explain`](explain()): why a run ended as it did (the failed step, its exit code and log, a
//!   classified [`Cause`], how it differs from the previous successful run);
//! - [`Stats`]: health figures per workflow over the runs started in a [`Window`];
//! - [`doctor`]: checks of the tenant's automation (failing, stale, missed schedules, credentials
//!   that no longer pass their test, disabled owners, schedules in the wrong order for lineage);
//! - [`watch`]: a poller that reads only what changed since its last poll and tells what happened
//!   (a run failed, a workflow recovered, a schedule was missed): the exporter and `watch`.
//!
//! The figures and checks are pure functions over views, unit-tested without IO; [`fetch`] and
//! the `*_report` functions read the views through the facade, which alone knows the endpoints.
//!
//! ```no_run
//! use atlan_ops::{ApiChoice, Selection, Window};
//!
//! # async fn example(client: atlan_workflows::AtlanClient) -> Result<(), Box<dyn std::error::Error>> {
//! let window = Window::parse("now-7d", None, jiff::Timestamp::now())?;
//! let report = atlan_ops::stats_report(&client, &Selection::new(ApiChoice::All), &window).await?;
//! for row in &report.rows {
//!     println!("{} {} failed {} of {}", row.api.as_str(), row.workflow, row.failed, row.runs);
//! }
//! let why = atlan_ops::explain_run(&client, "atlan-snowflake-1714638976-k2x7q").await?;
//! println!("{}", why.summary());
//! # Ok(())
//! # }
//! ```

pub mod as_code;
pub mod bulk;
pub mod cause;
pub mod credential_use;
pub mod doctor;
pub mod expectations;
pub mod explain;
pub mod fetch;
pub mod file_lock;
pub mod file_name;
pub mod fleet;
pub mod found_run;
pub mod glob;
pub mod lineage;
pub mod migrate;
pub mod policies;
pub mod preview;
pub mod run_search;
pub mod schedule_list;
pub mod selection;
pub mod service_levels;
pub mod stats;
pub mod uses;
pub mod view;
pub mod watch;
pub mod window;
pub mod workflow_facts;
pub mod workflow_ref;

pub use cause::{Cause, Evidence, classify};
pub use credential_use::{CredentialUse, credential_use};
pub use doctor::{Finding, Severity};
pub use explain::{Explanation, PreviousRun, StepChange, explain};
pub use found_run::FoundRun;
pub use glob::Glob;
pub use preview::Preview;
pub use run_search::{Listed, RunQuery, RunTimes};
pub use schedule_list::{ScheduleRow, schedule_list};
pub use selection::{ApiChoice, Selection};
pub use stats::{RecentRun, Stats, WorkflowStats};
pub use view::{Api, RunState, RunView, StepView};
pub use window::{DEFAULT_SINCE, Window, WindowError};
pub use workflow_facts::{RunSpan, ScheduleFacts, WorkflowFacts};
pub use workflow_ref::WorkflowRef;

use atlan_workflows::{AtlanClient, Result};

/// Explains the run with this id (a legacy run name or an app run id), compared with the previous
/// successful run of its workflow.
///
/// # Errors
/// [`atlan_workflows::Error::NotFound`] when neither API has the run; otherwise as the facade.
pub async fn explain_run(client: &AtlanClient, run: &str) -> Result<Explanation> {
    let view = fetch::run(client, run, ApiChoice::All).await?;
    let previous = fetch::previous_success(client, &view).await?;
    Ok(explain(view, previous.as_ref()))
}

/// Explains the latest ended run of `workflow` on the chosen APIs (see [`fetch::latest_ended`]),
/// compared with the previous successful run.
///
/// # Errors
/// [`atlan_workflows::Error::NotFound`] when no chosen API has an ended run of it; otherwise as
/// the facade.
pub async fn explain_latest(
    client: &AtlanClient,
    workflow: &str,
    api: ApiChoice,
) -> Result<Explanation> {
    let view = fetch::latest_ended(client, workflow, api).await?;
    let previous = fetch::previous_success(client, &view).await?;
    Ok(explain(view, previous.as_ref()))
}

/// The figures of `runs stats`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct StatsReport {
    /// One row per workflow, worst first.
    pub rows: Vec<WorkflowStats>,
    /// The APIs left out because the tenant does not serve them.
    pub skipped: Vec<Api>,
}

/// Health figures per workflow over the selected runs started in `window`, read in one
/// concurrent pass over both APIs.
///
/// # Errors
/// As [`fetch::each_run`]; [`atlan_workflows::Error::NotFound`] when nothing matched because the
/// selected workflow or package does not exist.
pub async fn stats_report(
    client: &AtlanClient,
    selection: &Selection,
    window: &Window,
) -> Result<StatsReport> {
    let mut stats = Stats::new(*window);
    let skipped = fetch::each_run(client, selection, window, |run| stats.add(&run)).await?;
    let rows = stats.finish();
    if rows.is_empty() {
        fetch::check_selection(client, selection).await?;
    }
    Ok(StatsReport { rows, skipped })
}
