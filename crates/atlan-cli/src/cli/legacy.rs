//! The legacy API's commands: `atlanctl workflows | runs | schedules | credentials …`.

use std::path::PathBuf;
use std::time::Duration;

use atlan_workflows::model::AppRunStatus;
use clap::{Args, Subcommand};
use serde_json::{Map, Value};

use super::{ApiOption, Paging, TimeArgs};
use crate::input;

/// `atlanctl workflows …`
#[derive(Debug, Subcommand)]
pub(crate) enum WorkflowsCommand {
    /// Find a workflow by id, or the newest workflows of a package.
    Find(FindArgs),
    /// Change a workflow's parameters (the first task's arguments), such as enable-lineage=true.
    Update {
        /// The workflow id, such as atlan-snowflake-1714638976.
        id: String,
        /// A parameter to set; VALUE is read as JSON when it is JSON (true, 3, "x", [..]), else
        /// taken as a string. Repeat for several.
        #[arg(long = "set", value_name = "NAME=VALUE", required = true, value_parser = input::setting)]
        settings: Vec<(String, Value)>,
    },
    /// Create a workflow from a JSON file and run it, optionally on a schedule.
    Run {
        /// The workflow as JSON (metadata, spec, payload), such as one exported from Atlan.
        file: PathBuf,
        /// Run on this cron schedule.
        #[arg(long, value_name = "EXPR", value_parser = input::cron)]
        cron: Option<String>,
        /// The schedule's time zone, such as Europe/Paris (with --cron).
        #[arg(long, requires = "cron", value_name = "TZ", default_value = "UTC",
              value_parser = input::timezone)]
        timezone: String,
    },
    /// Run a workflow again. While a run of it is Pending or Running, nothing is started: that
    /// run is shown (`"started": false`), and the command succeeds.
    Rerun {
        /// The workflow id.
        id: String,
        /// Start another run even while one is Pending or Running.
        #[arg(long)]
        allow_concurrent: bool,
        /// What every re-run does now (kept for scripts written before it was the default).
        #[arg(long, hide = true, conflicts_with = "allow_concurrent")]
        idempotent: bool,
    },
    /// Delete (archive) a workflow; its runs are kept. Asks first on a terminal.
    Delete {
        /// The workflow id.
        name: String,
        /// Delete it without asking (needed when stdin is not a terminal).
        #[arg(long)]
        yes: bool,
    },
    /// Make a user the owner of a workflow.
    ChangeOwner {
        /// The workflow id.
        name: String,
        /// The new owner's username.
        #[arg(long)]
        username: String,
    },
}

/// `atlanctl workflows find`: by id or by package.
#[derive(Debug, Args)]
pub(crate) struct FindArgs {
    /// The workflow id, such as atlan-snowflake-1714638976.
    #[arg(
        long,
        value_name = "ID",
        required_unless_present = "package",
        conflicts_with = "package"
    )]
    pub(crate) id: Option<String>,
    /// The package: its prefix, such as atlan-snowflake-miner, or its name, such as
    /// @atlan/snowflake-miner. Finds its workflows, newest first (exactly that package:
    /// atlan-snowflake does not find miners).
    #[arg(long = "type", value_name = "PACKAGE")]
    pub(crate) package: Option<String>,
    /// At most this many workflows (with --type).
    #[arg(long, default_value_t = 10, value_name = "N", requires = "package", value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub(crate) max: u64,
}

/// `atlanctl runs …`
#[derive(Debug, Subcommand)]
pub(crate) enum RunsCommand {
    /// Show a run of either API: a legacy run's name or an app run's id.
    Get {
        /// The run: a legacy run's name (atlan-snowflake-1714638976-k2x7q) or an app run's id.
        run_id: String,
        /// Which API's runs.
        #[command(flatten)]
        api: ApiOption,
    },
    /// List a workflow's runs, newest first (of either API).
    List {
        /// The workflow: a legacy workflow's name, an app workflow's slug or name, or a pattern
        /// (`*`, `?`) that matches one.
        #[arg(long, value_name = "NAME", value_parser = input::glob)]
        workflow: atlan_ops::Glob,
        /// Only runs in this status (Pending, Running, Succeeded, Failed, Error; on app runs also
        /// Stopped, Paused, Terminated, Skipped).
        #[arg(long, visible_alias = "status", value_parser = input::app_status)]
        phase: Option<AppRunStatus>,
        /// Which API's runs.
        #[command(flatten)]
        api: ApiOption,
        /// Which runs.
        #[command(flatten)]
        paging: Paging,
    },
    /// Search runs of every workflow of both APIs by status and time, newest first.
    Search(SearchArgs),
    /// Show a workflow's latest run (by start time), of either API.
    Latest {
        /// The workflow: a legacy workflow's name, an app workflow's slug or name, or a pattern
        /// (`*`, `?`) that matches one.
        #[arg(long, value_name = "NAME", value_parser = input::glob)]
        workflow: atlan_ops::Glob,
        /// Which API's runs.
        #[command(flatten)]
        api: ApiOption,
    },
    /// Show a workflow's run that is Pending or Running, of either API.
    Current {
        /// The workflow: a legacy workflow's name, an app workflow's slug or name, or a pattern
        /// (`*`, `?`) that matches one.
        #[arg(long, value_name = "NAME", value_parser = input::glob)]
        workflow: atlan_ops::Glob,
        /// Which API's runs.
        #[command(flatten)]
        api: ApiOption,
    },
    /// Stop a running run (it ends Failed).
    Stop {
        /// The run id.
        run_id: String,
    },
    /// Wait for a run to finish, showing its progress; exits 5 when it ends Failed or Error.
    Monitor(MonitorArgs),
    /// Why a run ended as it did: its step tree, the failed step, a classified cause, the exit
    /// code and log key, and how it differs from the previous successful run (legacy run names
    /// and app run ids); with --workflow, the latest ended run of a workflow of either API.
    Explain {
        /// A legacy run name (atlan-snowflake-1714638976-k2x7q) or an app run id.
        #[arg(required_unless_present = "workflow", conflicts_with = "workflow")]
        run: Option<String>,
        /// The workflow whose latest ended run to explain: a legacy name (or a pattern that
        /// matches exactly one legacy workflow), an app workflow's slug, or its name.
        #[arg(long, value_name = "NAME", value_parser = crate::input::glob)]
        workflow: Option<atlan_ops::Glob>,
        /// Which API's runs.
        #[command(flatten)]
        api: ApiOption,
    },
    /// Health figures per workflow over the runs started in a window, worst first, of both APIs.
    Stats(super::StatsArgs),
    /// Re-run, once each, the workflows of both APIs whose latest run failed: the plan first
    /// (what, why, in which order), a journal of every submit, `--resume` after an interruption.
    Rerun(super::RerunArgs),
}

/// `atlanctl runs search`
#[derive(Debug, Args)]
pub(crate) struct SearchArgs {
    /// Statuses to find, comma-separated, in any case: Pending, Running, Succeeded, Failed, Error
    /// (both APIs); Stopped, Paused, Terminated, Skipped (app runs only).
    #[arg(long, value_delimiter = ',', required = true, value_name = "S1,S2", value_parser = input::app_status)]
    pub(crate) status: Vec<AppRunStatus>,
    /// The time bounds.
    #[command(flatten)]
    pub(crate) times: TimeArgs,
    /// Find the runs schedules started too (by default, as Atlan's SDKs, runs without a creator
    /// are left out).
    #[arg(long)]
    pub(crate) include_scheduled: bool,
    /// Which API's runs.
    #[command(flatten)]
    pub(crate) api: ApiOption,
    /// Which runs.
    #[command(flatten)]
    pub(crate) paging: Paging,
}

/// `atlanctl runs monitor`
#[derive(Debug, Args)]
pub(crate) struct MonitorArgs {
    /// Follow the latest run of this workflow (or of the one a pattern, `*` `?`, matches).
    #[arg(
        long,
        value_name = "NAME",
        required_unless_present = "run_id",
        conflicts_with = "run_id",
        value_parser = input::glob
    )]
    pub(crate) workflow: Option<atlan_ops::Glob>,
    /// Follow this run: a legacy run's name or an app run's id.
    pub(crate) run_id: Option<String>,
    /// Which API's runs.
    #[command(flatten)]
    pub(crate) api: ApiOption,
    /// Time between two polls, such as 10s or 1m (at least 100ms).
    #[arg(long, default_value = "10s", value_name = "D", value_parser = input::duration)]
    pub(crate) interval: Duration,
    /// Give up after this long (exit code 4), such as 30m or 2h.
    #[arg(long, default_value = "1h", value_name = "D", value_parser = input::duration)]
    pub(crate) timeout: Duration,
}

/// `atlanctl schedules …`
#[derive(Debug, Subcommand)]
pub(crate) enum SchedulesCommand {
    /// Run a workflow on a cron schedule (replacing any it had).
    Add {
        /// The workflow id.
        name: String,
        /// Cron expression, such as "0 2 * * *".
        #[arg(long, value_name = "EXPR", value_parser = input::cron)]
        cron: String,
        /// The time zone of the expression, such as Europe/Paris.
        #[arg(long, value_name = "TZ", default_value = "UTC", value_parser = input::timezone)]
        timezone: String,
    },
    /// Stop running a workflow on a schedule.
    Remove {
        /// The workflow id.
        name: String,
    },
    /// Stop a workflow's schedule firing (or many, with the selectors), keeping what it was on
    /// the workflow itself, so that `resume` restores it from any machine.
    Suspend(#[command(flatten)] super::ops::SuspendArgs),
    /// Restore a suspended schedule exactly (or many, with the selectors).
    Resume(#[command(flatten)] super::ops::SuspendArgs),
    /// Every schedule of both APIs (each legacy CronWorkflow, each app trigger, and the
    /// suspended ones): when it is next due, when it last fired, its time zone and, for an app
    /// schedule, its trigger id.
    List {
        /// Which API's schedules (default: both; an API the tenant does not serve is skipped and
        /// said so).
        #[arg(long, value_enum, default_value_t = crate::cli::ApiArg::All)]
        api: crate::cli::ApiArg,
    },
    /// Show a workflow's schedule.
    Get {
        /// The workflow id.
        name: String,
    },
}

/// `atlanctl credentials …`
#[derive(Debug, Subcommand)]
pub(crate) enum CredentialsCommand {
    /// Store a credential from a JSON file; the server tests it first unless --no-test.
    Create {
        /// The credential as JSON (name, connectorConfigName, authType, username, …).
        #[command(flatten)]
        input: CredentialInput,
        /// Store it without a test (refused for a username or password, as Atlan's SDKs do).
        #[arg(long)]
        no_test: bool,
    },
    /// Show a credential (never its password or extra values).
    Get {
        /// The credential's GUID.
        guid: String,
    },
    /// List credentials.
    List {
        /// Only those whose fields equal these values: a JSON object such as
        /// '{"connectorConfigName":"atlan-connectors-snowflake"}'.
        #[arg(long, value_name = "JSON", value_parser = input::filter)]
        filter: Option<Map<String, Value>>,
        /// Only the credential of this workflow (or of the one a pattern, `*` `?`, matches).
        #[arg(long, value_name = "NAME", value_parser = input::glob)]
        workflow: Option<atlan_ops::Glob>,
        /// The page (--from and --size are sent as offset and limit), or all of them.
        #[command(flatten)]
        paging: Paging,
    },
    /// Test a credential from a file without storing it (--file), or a stored one by its GUID
    /// (--id); exits 1 when the test fails.
    Test {
        /// The stored credential's GUID: it is tested with what the server holds.
        #[arg(long, value_name = "GUID", conflicts_with_all = ["file", "password_stdin"],
              required_unless_present = "file")]
        id: Option<String>,
        /// The credential as JSON.
        #[arg(long, value_name = "F")]
        file: Option<PathBuf>,
        /// Read the password from the first line of stdin instead of the file.
        #[arg(long, requires = "file")]
        password_stdin: bool,
    },
    /// Test a credential, then store it over the one with its id; nothing is stored when the
    /// test fails (exit code 1).
    Update {
        /// The credential, with its id.
        #[command(flatten)]
        input: CredentialInput,
    },
    /// Delete a credential for good. Refused while a workflow of either API uses it (they are
    /// listed), unless --force; asks first on a terminal.
    Purge {
        /// The credential's GUID.
        guid: String,
        /// Purge it without asking (needed when stdin is not a terminal).
        #[arg(long)]
        yes: bool,
        /// Purge it even though workflows use it (or their API could not be read): they will fail.
        #[arg(long)]
        force: bool,
    },
}

/// Where a credential comes from.
#[derive(Debug, Clone, Args)]
pub(crate) struct CredentialInput {
    /// The credential as JSON.
    #[arg(long, value_name = "F")]
    pub(crate) file: PathBuf,
    /// Read the password from the first line of stdin instead of the file.
    #[arg(long)]
    pub(crate) password_stdin: bool,
}
