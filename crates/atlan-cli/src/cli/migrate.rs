//! `atlanctl migrate plan | apply | verify`: legacy workflows to app workflows.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand};

use super::ops::BatchArgs;
use crate::input;

/// `atlanctl migrate …`
#[derive(Debug, Subcommand)]
pub(crate) enum MigrateCommand {
    /// Plan each legacy workflow as an app workflow: its app and entrypoint, its inputs (checked
    /// against the app's contract from the server, with where each comes from), the parameters
    /// left out and why, its schedule; exit 0 when every one is ready, 1 otherwise.
    Plan(MigratePlanArgs),
    /// Create the app workflows of the ready plans (`run: false`, with their schedules), once:
    /// a second apply creates nothing; journalled like the other bulk commands.
    Apply(MigrateApplyArgs),
    /// Compare each migrated pair: the stored inputs field by field, the schedule, the
    /// credential; `--test-run` submits the app workflow and monitors it to its end.
    Verify(MigrateVerifyArgs),
}

/// Which legacy workflows.
#[derive(Debug, Args)]
pub(crate) struct MigrateSelect {
    /// Only this legacy workflow, or those a pattern (`*`, `?`) matches (repeat for several).
    #[arg(long, value_name = "NAME", value_parser = input::glob)]
    pub(crate) workflow: Vec<atlan_ops::Glob>,
    /// Only this package's workflows (a prefix such as atlan-snowflake, or @atlan/snowflake).
    #[arg(long, value_name = "P", conflicts_with = "workflow")]
    pub(crate) package: Option<String>,
}

impl MigrateSelect {
    /// The selection as a journal records it.
    pub(crate) fn selection(&self) -> String {
        let mut text = String::new();
        for workflow in &self.workflow {
            text.push_str(&format!(" --workflow {}", workflow.as_str()));
        }
        if let Some(package) = &self.package {
            text.push_str(&format!(" --package {package}"));
        }
        text.trim_start().to_owned()
    }
}

/// `atlanctl migrate plan`
#[derive(Debug, Args)]
pub(crate) struct MigratePlanArgs {
    /// Which legacy workflows (default: all).
    #[command(flatten)]
    pub(crate) select: MigrateSelect,
    /// Also write the plan as a Markdown report a team can review.
    #[arg(long, value_name = "FILE")]
    pub(crate) report: Option<PathBuf>,
}

/// `atlanctl migrate apply`
#[derive(Debug, Args)]
pub(crate) struct MigrateApplyArgs {
    /// Which legacy workflows (default: all).
    #[command(flatten)]
    pub(crate) select: MigrateSelect,
    /// Once its app workflow exists (with --verify: and verifies), remove the legacy workflow's
    /// schedule and archive it, so that nothing runs twice; its JSON is kept beside the journal
    /// to restore it.
    #[arg(long)]
    pub(crate) archive_legacy: bool,
    /// Verify each pair before archiving its legacy workflow.
    #[arg(long, requires = "archive_legacy")]
    pub(crate) verify: bool,
    /// The confirmation and the journal.
    #[command(flatten)]
    pub(crate) batch: BatchArgs,
}

/// `atlanctl migrate verify`
#[derive(Debug, Args)]
pub(crate) struct MigrateVerifyArgs {
    /// Which legacy workflows (default: all).
    #[command(flatten)]
    pub(crate) select: MigrateSelect,
    /// Submit each verified app workflow and monitor its run to the end.
    #[arg(long)]
    pub(crate) test_run: bool,
    /// The longest wait for one test run, such as 30m.
    #[arg(long, value_name = "D", default_value = "30m", value_parser = input::duration)]
    pub(crate) timeout: Duration,
}
