//! The command line: global options and every command, as clap reads them.
//!
//! The command and option names are part of the interface (scripts call them); change them only
//! with a deprecation.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use atlan_sandbox::{DEFAULT_API_KEY, Seed, ServeOptions};
use atlan_workflows::{DryRun, WorkflowPhase, WorkflowRoute};
use clap::{Args, Parser, Subcommand, ValueEnum};
use secrecy::SecretString;
use serde_json::{Map, Value};

use crate::input;

/// Manage Atlan workflows, runs, schedules and source credentials.
///
/// Talks to the tenant in ATLAN_BASE_URL with the key in ATLAN_API_KEY, or, with --sandbox, to a
/// sandbox started in this process with a demo tenant.
#[derive(Debug, Parser)]
#[command(
    name = "atlan",
    version,
    propagate_version = true,
    max_term_width = 100
)]
#[command(after_help = "Try it without a tenant:\n  \
    atlan --sandbox runs search --status Succeeded,Failed --started-since now-7d")]
pub(crate) struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub(crate) global: Global,
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub(crate) struct Global {
    /// The tenant's address, such as `https://tenant.atlan.com`.
    #[arg(long, env = "ATLAN_BASE_URL", global = true, value_name = "URL")]
    pub(crate) base_url: Option<String>,
    /// The API key; before the command, as in `atlan --api-key KEY runs …`. Prefer the
    /// environment variable: other users of this machine can read command lines.
    #[arg(long, env = "ATLAN_API_KEY", hide_env_values = true, value_name = "KEY",
          value_parser = input::secret)]
    pub(crate) api_key: Option<SecretString>,
    /// Start a sandbox in this process (the demo tenant, on 127.0.0.1) and use it instead of a
    /// tenant. Its state lives as long as the command.
    #[arg(long, global = true)]
    pub(crate) sandbox: bool,
    /// How to print results: aligned columns, or JSON (one document per line for lists).
    #[arg(long, short = 'o', value_enum, default_value_t = Format::Table, global = true)]
    pub(crate) output: Format,
    /// Print, as one line of JSON, a request instead of sending it: the first the command would
    /// send (`--dry-run`, nothing is sent), or the first that would change something
    /// (`--dry-run=writes`: the reads before it are sent for real).
    #[arg(long, global = true, value_enum, value_name = "WHAT", num_args = 0..=1,
          require_equals = true, default_missing_value = "all")]
    pub(crate) dry_run: Option<DryRunMode>,
    /// Where workflow runs, updates, schedules and deletions go, instead of asking the server
    /// (workflows/… is the API-token route, package-workflows/… the one for other users).
    #[arg(long, global = true, value_enum, value_name = "ROUTE")]
    pub(crate) route: Option<Route>,
    /// The largest response the CLI reads, in MiB; a larger one is an error instead of memory
    /// growing without bound.
    #[arg(long, global = true, env = "ATLAN_MAX_RESPONSE_MIB", default_value_t = 256,
          value_name = "MIB", value_parser = clap::value_parser!(u64).range(1..=65_536))]
    pub(crate) max_response_mib: u64,
    /// Log what happens on stderr (-v: debug, -vv: trace). Keys and bodies are never logged.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub(crate) verbose: u8,
}

/// What `--dry-run` stops at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum DryRunMode {
    /// The first request: nothing is sent.
    All,
    /// The first request that would change something; the reads before it are sent.
    Writes,
}

impl From<DryRunMode> for DryRun {
    fn from(mode: DryRunMode) -> Self {
        match mode {
            DryRunMode::All => Self::All,
            DryRunMode::Writes => Self::Writes,
        }
    }
}

/// `--route`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Route {
    /// `workflows/…`, for API tokens and admins.
    Workflows,
    /// `package-workflows/…`, for other users.
    PackageWorkflows,
}

impl From<Route> for WorkflowRoute {
    fn from(route: Route) -> Self {
        match route {
            Route::Workflows => Self::Workflows,
            Route::PackageWorkflows => Self::PackageWorkflows,
        }
    }
}

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// Aligned columns with a header line.
    Table,
    /// JSON: one document, or one document per line for lists.
    Json,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Find, update, run, re-run and delete workflows.
    #[command(subcommand)]
    Workflows(WorkflowsCommand),
    /// Read, list, search, stop and monitor runs.
    #[command(subcommand)]
    Runs(RunsCommand),
    /// Schedule workflows.
    #[command(subcommand)]
    Schedules(SchedulesCommand),
    /// Manage the source credentials workflows use.
    #[command(subcommand)]
    Credentials(CredentialsCommand),
    /// App workflows: the connectors of newer tenants (/api/service/v1/app).
    #[command(subcommand)]
    Apps(AppsCommand),
    /// Serve a local Atlan-compatible sandbox.
    #[command(subcommand)]
    Sandbox(SandboxCommand),
    /// Print a completion script for a shell, such as `atlan completions bash > /etc/bash_completion.d/atlan`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Write the man pages (atlan.1 and one per command) into a directory (`cargo xtask man`).
    #[command(hide = true)]
    GenerateMan {
        /// The directory, created when missing.
        dir: PathBuf,
    },
}

/// `atlan apps …`
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
        /// Run on this cron schedule (with --timezone).
        #[arg(long, requires = "timezone", value_name = "EXPR", value_parser = input::cron)]
        cron: Option<String>,
        /// The schedule's time zone (with --cron).
        #[arg(long, requires = "cron", value_name = "TZ", value_parser = input::timezone)]
        timezone: Option<String>,
        /// Start a run once created.
        #[arg(long)]
        run: bool,
        /// Check the inputs against the app's input contract first (nothing is sent when they fail).
        #[arg(long)]
        validate: bool,
    },
    /// List workflows.
    List {
        /// Only those with exactly this name.
        #[arg(long)]
        name: Option<String>,
        /// Workflows per page (1 to 500; the server's default is 50).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=500))]
        limit: Option<u32>,
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
    /// Delete (archive) a workflow.
    Delete {
        /// The workflow's slug.
        slug: String,
    },
    /// Start a run of a workflow.
    Submit {
        /// The workflow's slug.
        slug: String,
        /// Refuse (naming the run) when a run is Pending or Running.
        #[arg(long)]
        idempotent: bool,
    },
    /// Runs of app workflows.
    #[command(subcommand)]
    Runs(AppRunsCommand),
    /// Schedules of app workflows.
    #[command(subcommand)]
    Schedules(AppSchedulesCommand),
}

/// `atlan apps runs …`
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
        /// Statuses, comma-separated (Pending, Running, Succeeded, Failed, Error, Stopped, …).
        #[arg(long, value_delimiter = ',', value_name = "S1,S2")]
        status: Vec<String>,
        /// Started at or after T (date math such as now-6h, or RFC 3339).
        #[arg(long, value_name = "T", value_parser = input::date)]
        started_since: Option<String>,
        /// Started at or before T.
        #[arg(long, value_name = "T", value_parser = input::date)]
        started_before: Option<String>,
        /// Runs per page.
        #[arg(long, default_value_t = 100, value_name = "N",
              value_parser = clap::value_parser!(u64).range(1..=10_000))]
        size: u64,
        /// Every run, a page of --size at a time.
        #[arg(long)]
        all: bool,
        /// With --all: pages in flight at once after the first (1 to 32); halved after a 429 or 503.
        #[arg(long, default_value_t = atlan_workflows::DEFAULT_CONCURRENCY, value_name = "N",
              value_parser = concurrency, requires = "all")]
        concurrency: usize,
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

/// `atlan apps schedules …`
#[derive(Debug, Subcommand)]
pub(crate) enum AppSchedulesCommand {
    /// Add a cron schedule to a workflow.
    Add {
        /// The workflow's slug.
        slug: String,
        /// Cron expression, such as "0 2 * * *".
        #[arg(long, value_name = "EXPR", value_parser = input::cron)]
        cron: String,
        /// The time zone (UTC when absent; always sent).
        #[arg(long, value_name = "TZ", value_parser = input::timezone)]
        timezone: Option<String>,
    },
    /// Remove a schedule from a workflow.
    Remove {
        /// The workflow's slug.
        slug: String,
        /// The schedule's trigger id.
        trigger_id: String,
    },
}

/// `atlan workflows …`
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
        /// Run on this cron schedule (with --timezone).
        #[arg(long, requires = "timezone", value_name = "EXPR", value_parser = input::cron)]
        cron: Option<String>,
        /// The schedule's time zone, such as Europe/Paris (with --cron).
        #[arg(long, requires = "cron", value_name = "TZ", value_parser = input::timezone)]
        timezone: Option<String>,
    },
    /// Run a workflow again.
    Rerun {
        /// The workflow id.
        id: String,
        /// When a run of it is Pending or Running, show that run instead of starting another.
        #[arg(long)]
        idempotent: bool,
    },
    /// Delete (archive) a workflow.
    Delete {
        /// The workflow id.
        name: String,
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

/// `atlan workflows find`: by id or by package.
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

/// `atlan runs …`
#[derive(Debug, Subcommand)]
pub(crate) enum RunsCommand {
    /// Show a run.
    Get {
        /// The run id, such as atlan-snowflake-1714638976-k2x7q.
        run_id: String,
    },
    /// List a workflow's runs, newest first.
    List {
        /// The workflow id.
        #[arg(long, value_name = "NAME")]
        workflow: String,
        /// Only runs in this phase.
        #[arg(long, value_parser = input::phase)]
        phase: Option<WorkflowPhase>,
        /// Which runs.
        #[command(flatten)]
        paging: Paging,
    },
    /// Search runs of every workflow by phase and time, newest first.
    Search(SearchArgs),
    /// Show a workflow's latest run (by start time).
    Latest {
        /// The workflow id.
        #[arg(long, value_name = "NAME")]
        workflow: String,
    },
    /// Show a workflow's run that is Pending or Running.
    Current {
        /// The workflow id.
        #[arg(long, value_name = "NAME")]
        workflow: String,
    },
    /// Stop a running run (it ends Failed).
    Stop {
        /// The run id.
        run_id: String,
    },
    /// Wait for a run to finish, showing its progress; exits 5 when it ends Failed or Error.
    Monitor(MonitorArgs),
}

/// `atlan runs search`
#[derive(Debug, Args)]
pub(crate) struct SearchArgs {
    /// Phases to find, comma-separated: Pending, Running, Succeeded, Failed, Error.
    #[arg(long, value_delimiter = ',', required = true, value_name = "P1,P2", value_parser = input::phase)]
    pub(crate) status: Vec<WorkflowPhase>,
    /// Started at or after T (date math such as now-6h, or RFC 3339).
    #[arg(long, value_name = "T", value_parser = input::date)]
    pub(crate) started_since: Option<String>,
    /// Started at or before T.
    #[arg(long, value_name = "T", value_parser = input::date)]
    pub(crate) started_before: Option<String>,
    /// Finished at or after T.
    #[arg(long, value_name = "T", value_parser = input::date)]
    pub(crate) finished_since: Option<String>,
    /// Finished at or before T.
    #[arg(long, value_name = "T", value_parser = input::date)]
    pub(crate) finished_before: Option<String>,
    /// Which runs.
    #[command(flatten)]
    pub(crate) paging: Paging,
}

/// Which page of a listing, or all of it.
#[derive(Debug, Clone, Copy, Args)]
pub(crate) struct Paging {
    /// Skip this many results.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub(crate) from: u64,
    /// Results per page.
    #[arg(long, default_value_t = atlan_workflows::DEFAULT_PAGE_SIZE, value_name = "N",
          value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub(crate) size: u64,
    /// Every result from --from on, a page of --size at a time.
    #[arg(long)]
    pub(crate) all: bool,
    /// With --all: pages in flight at once after the first (1 to 32); halved after a 429 or 503.
    #[arg(long, default_value_t = atlan_workflows::DEFAULT_CONCURRENCY, value_name = "N",
          value_parser = concurrency, requires = "all")]
    pub(crate) concurrency: usize,
}

/// A `--concurrency` value: 1 to [`atlan_workflows::MAX_CONCURRENCY`].
fn concurrency(text: &str) -> Result<usize, String> {
    let max = atlan_workflows::MAX_CONCURRENCY;
    match text.parse::<usize>() {
        Ok(value) if (1..=max).contains(&value) => Ok(value),
        _ => Err(format!("expected a number of pages from 1 to {max}")),
    }
}

/// `atlan runs monitor`
#[derive(Debug, Args)]
pub(crate) struct MonitorArgs {
    /// Follow the latest run of this workflow.
    #[arg(
        long,
        value_name = "NAME",
        required_unless_present = "run_id",
        conflicts_with = "run_id"
    )]
    pub(crate) workflow: Option<String>,
    /// Follow this run.
    pub(crate) run_id: Option<String>,
    /// Time between two polls, such as 10s or 1m (at least 100ms).
    #[arg(long, default_value = "10s", value_name = "D", value_parser = input::duration)]
    pub(crate) interval: Duration,
    /// Give up after this long (exit code 4), such as 30m or 2h.
    #[arg(long, default_value = "1h", value_name = "D", value_parser = input::duration)]
    pub(crate) timeout: Duration,
}

/// `atlan schedules …`
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
        #[arg(long, value_name = "TZ", value_parser = input::timezone)]
        timezone: String,
    },
    /// Stop running a workflow on a schedule.
    Remove {
        /// The workflow id.
        name: String,
    },
    /// List every scheduled workflow.
    List,
    /// Show a workflow's schedule.
    Get {
        /// The workflow id.
        name: String,
    },
}

/// `atlan credentials …`
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
        /// At most this many.
        #[arg(long, value_name = "N")]
        limit: Option<u64>,
        /// Skip this many.
        #[arg(long, value_name = "N")]
        offset: Option<u64>,
        /// Only the credential of this workflow.
        #[arg(long, value_name = "NAME")]
        workflow: Option<String>,
    },
    /// Test a credential without storing it; exits 1 when the test fails.
    Test {
        /// The credential.
        #[command(flatten)]
        input: CredentialInput,
    },
    /// Test a credential, then store it over the one with its id; nothing is stored when the
    /// test fails (exit code 1).
    Update {
        /// The credential, with its id.
        #[command(flatten)]
        input: CredentialInput,
    },
    /// Delete a credential for good.
    Purge {
        /// The credential's GUID.
        guid: String,
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

/// `atlan sandbox …`
#[derive(Debug, Subcommand)]
pub(crate) enum SandboxCommand {
    /// Serve a sandbox until SIGINT or SIGTERM; prints `listening on http://ADDR` first.
    Serve(ServeArgs),
}

/// `atlan sandbox serve`: the options of the `atlan-sandbox` binary.
#[derive(Debug, Clone, Args)]
pub(crate) struct ServeArgs {
    /// Address to listen on (port 0 picks a free port; the real one is printed).
    #[arg(long, default_value = "127.0.0.1:0")]
    addr: SocketAddr,
    /// The API key clients must present (prefer the environment variable).
    #[arg(long = "api-key", id = "sandbox_api_key", env = "ATLAN_SANDBOX_API_KEY",
          default_value = DEFAULT_API_KEY, hide_env_values = true, value_name = "KEY")]
    api_key: String,
    /// Persist the state in this file (replayed at start; writes are synced before they are
    /// answered).
    #[arg(long, value_name = "PATH")]
    state: Option<PathBuf>,
    /// Load seed data from this directory instead of the default tenant.
    #[arg(long, conflicts_with = "synthetic", value_name = "DIR")]
    seed: Option<PathBuf>,
    /// Generate WORKFLOWS,RUNS synthetic workflows and runs (deterministic) instead of the default
    /// tenant.
    #[arg(long, value_name = "WORKFLOWS,RUNS", value_parser = Seed::parse_synthetic)]
    synthetic: Option<Seed>,
    /// Start with no data at all.
    #[arg(long, conflicts_with_all = ["seed", "synthetic"])]
    empty: bool,
    /// Seconds a new run stays Pending.
    #[arg(long, default_value_t = 2.0, value_name = "S")]
    pending_seconds: f64,
    /// Seconds a new run stays Running.
    #[arg(long, default_value_t = 10.0, value_name = "S")]
    running_seconds: f64,
    /// Compact the state file once it is larger than BYTES and than twice its size after its last
    /// compaction (atomically: a snapshot written beside it, synced, renamed over it).
    #[arg(long, default_value_t = atlan_sandbox::DEFAULT_COMPACT_AFTER, value_name = "BYTES")]
    compact_after: u64,
}

impl ServeArgs {
    /// What the sandbox library serves with.
    pub(crate) fn options(self) -> ServeOptions {
        let seed = match (self.empty, self.seed, self.synthetic) {
            (true, _, _) => Seed::Empty,
            (false, Some(dir), _) => Seed::Dir(dir),
            (false, None, Some(synthetic)) => synthetic,
            (false, None, None) => Seed::Default,
        };
        let mut options = ServeOptions::default()
            .with_addr(self.addr)
            .with_api_key(self.api_key)
            .with_seed(seed)
            .with_run_seconds(self.pending_seconds, self.running_seconds)
            .with_compact_after(self.compact_after);
        if let Some(state) = self.state {
            options = options.with_state(state);
        }
        options
    }
}
