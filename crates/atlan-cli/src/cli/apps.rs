//! `atlanctl apps …`: the App workflows API's commands.

use std::path::PathBuf;
use std::time::Duration;

use atlan_workflows::model::AppRunStatus;
use clap::Subcommand;
use serde_json::Value;

use super::{Paging, TimeArgs};
use crate::input;

/// `atlanctl apps …`
#[derive(Debug, Subcommand)]
pub(crate) enum AppsCommand {
    /// Describe an app: its name, how it runs, its entrypoints.
    Describe {
        /// The app id, such as snowflake-crawler (case matters).
        app_id: String,
    },
    /// The input contract of an app (a JSON Schema): its fields, types and defaults.
    Inputs {
        /// The app id.
        app_id: String,
        /// The app's operation (its default when absent).
        #[arg(long, value_name = "E")]
        entrypoint: Option<String>,
    },
    /// Create a workflow of an app; it runs only with --run.
    Create {
        /// The app id.
        app_id: String,
        /// The workflow's display name (the server mints its slug).
        #[arg(long)]
        name: String,
        /// The inputs, a JSON object in a file.
        #[arg(long, value_name = "FILE")]
        inputs: PathBuf,
        /// The app's operation.
        #[arg(long, value_name = "E")]
        entrypoint: Option<String>,
        /// Run on this cron schedule.
        #[arg(long, value_name = "EXPR", value_parser = input::cron)]
        cron: Option<String>,
        /// The schedule's time zone, such as Europe/Paris (with --cron).
        #[arg(long, requires = "cron", value_name = "TZ", default_value = "UTC",
              value_parser = input::timezone)]
        timezone: String,
        /// Start a run once created.
        #[arg(long)]
        run: bool,
        /// Check the inputs against the app's input contract first (nothing is sent when they fail).
        #[arg(long)]
        validate: bool,
    },
    /// List workflows (cursor-paged: --cursor for the page after one).
    List {
        /// Only those with exactly this name.
        #[arg(long)]
        name: Option<String>,
        /// Workflows per page (1 to 500; the server's default is 50).
        #[arg(long, alias = "limit", value_name = "N",
              value_parser = clap::value_parser!(u32).range(1..=500))]
        size: Option<u32>,
        /// Start at this cursor (the next_cursor of a page).
        #[arg(long, value_name = "C", conflicts_with = "all")]
        cursor: Option<String>,
        /// Every workflow, following the cursors.
        #[arg(long)]
        all: bool,
    },
    /// Show a workflow.
    Get {
        /// The workflow's slug.
        slug: String,
    },
    /// Replace a workflow's inputs (--inputs), or change some of them (--set).
    Update {
        /// The workflow's slug.
        slug: String,
        /// The whole new inputs, a JSON object in a file.
        #[arg(
            long,
            value_name = "FILE",
            required_unless_present = "settings",
            conflicts_with = "settings"
        )]
        inputs: Option<PathBuf>,
        /// An input to set (read, change, replace); VALUE is JSON when it is JSON. Repeat for several.
        #[arg(long = "set", value_name = "NAME=VALUE", value_parser = input::setting)]
        settings: Vec<(String, Value)>,
        /// The app's operation (with --inputs).
        #[arg(long, value_name = "E", requires = "inputs")]
        entrypoint: Option<String>,
    },
    /// Delete (archive) a workflow. Asks first on a terminal.
    Delete {
        /// The workflow's slug.
        slug: String,
        /// Delete it without asking (needed when stdin is not a terminal).
        #[arg(long)]
        yes: bool,
    },
    /// Start a run of a workflow. While a run of it is Pending or Running, nothing is started:
    /// that run is shown (`"started": false`), and the command succeeds.
    Submit {
        /// The workflow's slug.
        slug: String,
        /// Start another run even while one is Pending or Running.
        #[arg(long)]
        allow_concurrent: bool,
        /// What every submit does now (kept for scripts written before it was the default).
        #[arg(long, hide = true, conflicts_with = "allow_concurrent")]
        idempotent: bool,
    },
    /// Runs of app workflows.
    #[command(subcommand)]
    Runs(AppRunsCommand),
    /// Schedules of app workflows.
    #[command(subcommand)]
    Schedules(AppSchedulesCommand),
}

/// `atlanctl apps runs …`
#[derive(Debug, Subcommand)]
pub(crate) enum AppRunsCommand {
    /// Show a run.
    Get {
        /// The run id.
        run_id: String,
    },
    /// Cancel a run.
    Cancel {
        /// The run id.
        run_id: String,
    },
    /// Find runs through the asset search, newest first.
    List {
        /// Runs of this workflow only.
        slug: Option<String>,
        /// Statuses, comma-separated, in any case (Pending, Running, Succeeded, Failed, Error,
        /// Stopped, Paused, Terminated, Skipped); every status when absent.
        #[arg(long, value_delimiter = ',', value_name = "S1,S2", value_parser = input::app_status)]
        status: Vec<AppRunStatus>,
        /// The time bounds.
        #[command(flatten)]
        times: TimeArgs,
        /// The page, or all of them.
        #[command(flatten)]
        paging: Paging,
    },
    /// Wait for a run to end; exit 4 on timeout, 5 when it ends unsuccessfully.
    Monitor {
        /// The run id.
        run_id: String,
        /// Time between two polls.
        #[arg(long, default_value = "5s", value_name = "D", value_parser = input::duration)]
        interval: Duration,
        /// The longest wait.
        #[arg(long, default_value = "1h", value_name = "D", value_parser = input::duration)]
        timeout: Duration,
    },
}

/// `atlanctl apps schedules …`
#[derive(Debug, Subcommand)]
pub(crate) enum AppSchedulesCommand {
    /// Add a cron schedule to a workflow.
    Add {
        /// The workflow's slug.
        slug: String,
        /// Cron expression, such as "0 2 * * *".
        #[arg(long, value_name = "EXPR", value_parser = input::cron)]
        cron: String,
        /// The time zone of the expression, such as Europe/Paris.
        #[arg(long, value_name = "TZ", default_value = "UTC", value_parser = input::timezone)]
        timezone: String,
    },
    /// Stop every trigger of a workflow firing (or of many, with the selectors), keeping them in
    /// its inputs (`atlanctl_suspended_schedules`), so that `resume` restores them from any machine.
    Suspend(#[command(flatten)] super::ops::SuspendArgs),
    /// Restore a workflow's suspended triggers exactly (or many, with the selectors).
    Resume(#[command(flatten)] super::ops::SuspendArgs),
    /// Remove a schedule from a workflow.
    Remove {
        /// The workflow's slug.
        slug: String,
        /// The schedule's trigger id.
        trigger_id: String,
    },
}
