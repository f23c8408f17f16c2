//! The command line: global options and every command, as clap reads them.
//!
//! The command and option names are part of the interface (scripts call them); change them only
//! with a deprecation.

use std::path::PathBuf;

use atlan_workflows::query::TimeBound;
use atlan_workflows::{DryRun, Listing, TimeBounded, WorkflowRoute};
use clap::{Args, Parser, Subcommand, ValueEnum};
use secrecy::SecretString;

use crate::input;

mod apps;
mod as_code;
mod config;
mod examples;
mod legacy;
mod levels;
mod migrate;
mod monitoring;
mod ops;
mod vocabulary;

pub(crate) use apps::{AppRunsCommand, AppSchedulesCommand, AppsCommand};
pub(crate) use as_code::{ApplyArgs, DesiredArgs, ExportArgs, PlanArgs, SchemaArgs};
pub(crate) use config::{ConfigCommand, ConfigSetArgs};
pub(crate) use legacy::{
    CredentialInput, CredentialsCommand, FindArgs, MonitorArgs, RunsCommand, SchedulesCommand,
    SearchArgs, WorkflowsCommand,
};
pub(crate) use levels::LevelArgs;
pub(crate) use migrate::{
    MigrateApplyArgs, MigrateCommand, MigratePlanArgs, MigrateSelect, MigrateVerifyArgs,
};
pub(crate) use monitoring::{ExporterArgs, PollArgs, TopArgs, WatchArgs};
pub(crate) use ops::{
    ApiArg, ApiOption, BatchArgs, DoctorArgs, OrderArg, RerunArgs, StatsArgs, SuspendArgs,
    WindowArgs,
};

/// The command line, each command's help ending with its examples.
pub(crate) fn command() -> clap::Command {
    examples::with_examples(<Cli as clap::CommandFactory>::command())
}

/// Manage Atlan workflows, runs, schedules and source credentials.
///
/// Talks to the tenant in ATLAN_BASE_URL with the key in ATLAN_API_KEY, or of a profile
/// (`atlanctl config`), or, with --sandbox, to a sandbox started in this process with a demo
/// tenant.
#[derive(Debug, Parser)]
#[command(
    name = "atlanctl",
    version,
    propagate_version = true,
    max_term_width = 100
)]
#[command(after_help = "Try it without a tenant:\n  \
    atlanctl --sandbox runs search --status Succeeded,Failed --started-since now-7d")]
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
    /// The API key; before the command, as in `atlanctl --api-key KEY runs …`. Prefer the
    /// environment variable: other users of this machine can read command lines.
    #[arg(long, env = "ATLAN_API_KEY", hide_env_values = true, value_name = "KEY",
          value_parser = input::secret)]
    pub(crate) api_key: Option<SecretString>,
    /// The profile (a tenant named with `atlanctl config set`) to talk to; ATLANCTL_PROFILE when
    /// not given. `--base-url` and ATLAN_BASE_URL come first (see `atlanctl config --help`).
    #[arg(long, global = true, env = "ATLANCTL_PROFILE", value_name = "NAME")]
    pub(crate) profile: Option<String>,
    /// Which of --base-url and --profile were given on the command line, not by the
    /// environment (set after parsing).
    #[arg(skip)]
    pub(crate) given: crate::profiles::choice::Given,
    /// Start a sandbox in this process (the demo tenant, on 127.0.0.1) and use it instead of a
    /// tenant. Its state lives as long as the command.
    #[arg(long, global = true)]
    pub(crate) sandbox: bool,
    /// How to print results: aligned columns fitted to the terminal (`table`), every column
    /// whole (`wide`), JSON (one document per line for lists; `jsonl` is the same) or YAML.
    #[arg(long, short = 'o', value_enum, default_value_t = Format::Table, global = true)]
    pub(crate) output: Format,
    /// A jq filter over the JSON output, such as `.metadata.name` (implies `-o json`; strings
    /// print as text, other values as JSON, one per line).
    #[arg(long, global = true, value_name = "EXPR")]
    pub(crate) jq: Option<String>,
    /// Colour statuses in tables: on a terminal unless NO_COLOR is set (`auto`), `always` or
    /// `never`.
    #[arg(long, value_enum, default_value_t = ColourChoice::Auto, global = true, value_name = "WHEN")]
    pub(crate) color: ColourChoice,
    /// Print, as one line of JSON, a request instead of sending it: the first the command would
    /// send (`--dry-run`, nothing is sent), or the first that would change something
    /// (`--dry-run=writes`: the reads before it are sent for real). The bulk commands (`runs
    /// rerun`, `schedules suspend|resume` with a selector, `migrate apply`) and `credentials
    /// purge` preview under either: they read the tenant for their plan, print each request that
    /// would change something, write no journal and exit 0.
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
    /// Aligned columns with a header line, fitted to the terminal's width (the widest columns
    /// shortened with `…`, never the ones that name a row).
    Table,
    /// Aligned columns, every cell whole, however wide.
    Wide,
    /// JSON: one document, or one document per line for lists (`jsonl` is the same).
    #[value(alias = "jsonl")]
    Json,
    /// YAML: each document after a `---` line.
    Yaml,
}

impl Format {
    /// Whether results are a table (fitted or wide).
    pub(crate) fn is_table(self) -> bool {
        matches!(self, Self::Table | Self::Wide)
    }
}

/// When statuses in tables are coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub(crate) enum ColourChoice {
    /// On a terminal, unless `NO_COLOR` is set.
    #[default]
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
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
    /// Check the health of the tenant's automation: failing and stale workflows, missed
    /// schedules, credentials that no longer pass their test, disabled owners, schedules out of
    /// lineage order, and what is expected of each workflow (late, overdue, stuck); exits 1 when
    /// a finding is an error.
    Doctor(DoctorArgs),
    /// Serve Prometheus metrics of the tenant's workflows (`GET /metrics`, `GET /healthz`),
    /// polling what changed; prints `listening on http://ADDR` first.
    Exporter(ExporterArgs),
    /// Post to webhooks when a run fails, a workflow recovers, a schedule is missed or an
    /// expectation is breached (and met again), once per event, across restarts; with `--act`,
    /// carry out the files' policies.
    Watch(WatchArgs),
    /// A live full-screen view of the fleet over both APIs, worst first: `/` filters, Enter
    /// explains the latest run, `r` re-runs, `s` suspends or resumes (each confirmed), `q` quits.
    #[command(mut_arg("interval", |interval| interval.default_value("5s")))]
    Top(TopArgs),
    /// Write the tenant's app workflows as files (one YAML document each), to keep in git.
    Export(ExportArgs),
    /// What applying workflow files would change on the tenant, field by field; exits 0 when
    /// nothing would, 6 when something would, 1 when a file has a problem.
    Plan(PlanArgs),
    /// Make the tenant's app workflows what workflow files say: the plan, a confirmation, then
    /// each change journalled (`--resume` after an interruption), then a plan again.
    Apply(ApplyArgs),
    /// The JSON Schema of workflow files, for editors; with --app, its inputs typed by the app's
    /// input contract.
    Schema(SchemaArgs),
    /// Move legacy workflows to app workflows: plan (with a report), apply, verify.
    #[command(subcommand)]
    Migrate(MigrateCommand),
    /// Serve a local Atlan-compatible sandbox.
    #[command(subcommand)]
    Sandbox(SandboxCommand),
    /// Named tenants (profiles): add, choose, list and remove them. A command talks to, in
    /// order: --sandbox; --base-url (key: --api-key or ATLAN_API_KEY); --profile NAME;
    /// ATLAN_BASE_URL (key: ATLAN_API_KEY); ATLANCTL_PROFILE; the profile in use.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Print a completion script for a shell, such as `atlanctl completions bash > /etc/bash_completion.d/atlanctl`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Write the man pages (atlanctl.1 and one per command) into a directory, such as
    /// `~/.local/share/man/man1`.
    Man {
        /// The directory, created when missing.
        #[arg(long, value_name = "DIR")]
        dir: PathBuf,
    },
}

/// Which page of a listing, or all of it.
#[derive(Debug, Clone, Copy, Args)]
pub(crate) struct Paging {
    /// Skip this many results.
    #[arg(long, alias = "offset", default_value_t = 0, value_name = "N")]
    pub(crate) from: u64,
    /// Results per page.
    #[arg(long, alias = "limit", default_value_t = atlan_workflows::DEFAULT_PAGE_SIZE, value_name = "N",
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

/// The time bounds of a run search, the same on both APIs: `since` is inclusive (`gte`), `before`
/// inclusive (`lte`); each is checked when given. `--since` and `--before`, every command's window,
/// are the started bounds here.
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct TimeArgs {
    /// Started at or after T (date math such as now-6h, or RFC 3339).
    #[arg(long, visible_alias = "since", value_name = "T", value_parser = input::date)]
    pub(crate) started_since: Option<TimeBound>,
    /// Started at or before T.
    #[arg(long, visible_alias = "before", value_name = "T", value_parser = input::date)]
    pub(crate) started_before: Option<TimeBound>,
    /// Finished at or after T.
    #[arg(long, value_name = "T", value_parser = input::date)]
    pub(crate) finished_since: Option<TimeBound>,
    /// Finished at or before T.
    #[arg(long, value_name = "T", value_parser = input::date)]
    pub(crate) finished_before: Option<TimeBound>,
}

impl TimeArgs {
    /// `search` with these bounds, the same way on both APIs' run searches.
    pub(crate) fn bound<Q: TimeBounded>(self, search: Listing<Q>) -> Listing<Q> {
        atlan_ops::RunTimes::from(self).bound(search)
    }
}

impl From<TimeArgs> for atlan_ops::RunTimes {
    fn from(times: TimeArgs) -> Self {
        let mut bounds = Self::default();
        bounds.started_since = times.started_since;
        bounds.started_before = times.started_before;
        bounds.finished_since = times.finished_since;
        bounds.finished_before = times.finished_before;
        bounds
    }
}

/// A `--concurrency` value: 1 to [`atlan_workflows::MAX_CONCURRENCY`].
fn concurrency(text: &str) -> Result<usize, String> {
    let max = atlan_workflows::MAX_CONCURRENCY;
    match text.parse::<usize>() {
        Ok(value) if (1..=max).contains(&value) => Ok(value),
        _ => Err(format!("expected a number of pages from 1 to {max}")),
    }
}

/// `atlanctl sandbox …`
#[derive(Debug, Subcommand)]
pub(crate) enum SandboxCommand {
    /// Serve a sandbox until SIGINT or SIGTERM; prints `listening on http://ADDR` first.
    Serve(atlan_sandbox::ServeArgs),
}
