//! The options of the commands over both APIs (`runs explain`, `runs stats`, `doctor`).

use std::path::PathBuf;

use atlan_ops::ApiChoice;
use atlan_workflows::query::TimeBound;
use clap::{Args, ValueEnum};

use crate::input;

/// `--api`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub(crate) enum ApiArg {
    /// The legacy (Argo) workflow API.
    Legacy,
    /// The App workflows API.
    Apps,
    /// Both, where the tenant serves them.
    #[default]
    All,
}

impl From<ApiArg> for ApiChoice {
    fn from(api: ApiArg) -> Self {
        match api {
            ApiArg::Legacy => Self::Legacy,
            ApiArg::Apps => Self::Apps,
            ApiArg::All => Self::All,
        }
    }
}

/// `--api`: which API's runs a run command reads.
#[derive(Debug, Clone, Copy, Args)]
pub(crate) struct ApiOption {
    /// Which API's runs: legacy, apps, or all (an API the tenant does not serve is then left
    /// out, and said so).
    #[arg(long = "api", value_enum, default_value_t = ApiArg::All)]
    pub(crate) choice: ApiArg,
}

/// The window of the figures, and the instant they are taken at.
#[derive(Debug, Args)]
pub(crate) struct WindowArgs {
    /// Runs started at or after T (date math such as now-7d, or RFC 3339).
    #[arg(long, value_name = "T", default_value = atlan_ops::DEFAULT_SINCE, value_parser = input::date)]
    pub(crate) since: TimeBound,
    /// Runs started at or before T.
    #[arg(long, value_name = "T", value_parser = input::date)]
    pub(crate) before: Option<TimeBound>,
    /// Which API's runs and workflows.
    #[arg(long, value_enum, default_value_t)]
    pub(crate) api: ApiArg,
    /// Take the figures as if it were T (RFC 3339; default: this machine's clock): what `now`
    /// means in --since and --before, and for due schedules.
    #[arg(long, value_name = "T", value_parser = input::instant)]
    pub(crate) now: Option<jiff::Timestamp>,
}

/// `atlanctl runs stats`
#[derive(Debug, Args)]
pub(crate) struct StatsArgs {
    /// The window and API.
    #[command(flatten)]
    pub(crate) window: WindowArgs,
    /// Only this package: a legacy prefix (atlan-snowflake) or package name (@atlan/snowflake), or
    /// an app id.
    #[arg(long, value_name = "P")]
    pub(crate) package: Option<String>,
    /// Only workflows (legacy names or app slugs) matching this pattern (`*`, `?`; a plain name
    /// is that workflow).
    #[arg(long, value_name = "GLOB", value_parser = input::glob)]
    pub(crate) workflow: Option<atlan_ops::Glob>,
}

/// `atlanctl doctor`
#[derive(Debug, Args)]
pub(crate) struct DoctorArgs {
    /// The window and API.
    #[command(flatten)]
    pub(crate) window: WindowArgs,
    /// Workflow files, and what is expected of every workflow.
    #[command(flatten)]
    pub(crate) levels: super::LevelArgs,
}

/// `--order`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub(crate) enum OrderArg {
    /// In waves by lineage stage: sources and warehouses, then miners, transformation tools, BI,
    /// then what is not a connector.
    #[default]
    Lineage,
    /// One wave.
    None,
}

impl From<OrderArg> for atlan_ops::bulk::Order {
    fn from(order: OrderArg) -> Self {
        match order {
            OrderArg::Lineage => Self::Lineage,
            OrderArg::None => Self::None,
        }
    }
}

/// `atlanctl runs rerun`
#[derive(Debug, Args)]
pub(crate) struct RerunArgs {
    /// Re-run the workflows whose latest ended run in the window did not succeed and that have
    /// no run active.
    #[arg(long, required = true)]
    pub(crate) failed: bool,
    /// Runs started at or after T are looked at (date math such as now-1d, or RFC 3339).
    #[arg(long, value_name = "T", default_value = "now-1d", value_parser = input::date)]
    pub(crate) since: TimeBound,
    /// Runs started at or before T.
    #[arg(long, value_name = "T", value_parser = input::date)]
    pub(crate) before: Option<TimeBound>,
    /// Which API's workflows.
    #[arg(long, value_enum, default_value_t)]
    pub(crate) api: ApiArg,
    /// Only this package: a legacy prefix or package name, or an app id.
    #[arg(long, value_name = "P")]
    pub(crate) package: Option<String>,
    /// Only workflows (names or slugs) matching this pattern (`*`, `?`; a plain name is that
    /// workflow).
    #[arg(long, value_name = "GLOB", value_parser = input::glob)]
    pub(crate) workflow: Option<atlan_ops::Glob>,
    /// Submits under way at once (1 to 32); halved after a 429 or 503.
    #[arg(long, value_name = "N", default_value_t = atlan_ops::bulk::rerun::DEFAULT_CONCURRENCY,
          value_parser = concurrency)]
    pub(crate) concurrency: usize,
    /// In which order.
    #[arg(long, value_enum, default_value_t)]
    pub(crate) order: OrderArg,
    /// Wait for each wave's runs to end (not only to start) and stop at the first wave with a
    /// run that did not succeed.
    #[arg(long)]
    pub(crate) wait: bool,
    /// The longest wait for one wave's runs to start (or, with --wait, to end); past it the batch
    /// stops, and --resume continues it.
    #[arg(long, value_name = "D", default_value = "1h", value_parser = input::duration)]
    pub(crate) wave_timeout: std::time::Duration,
    /// The confirmation and the journal.
    #[command(flatten)]
    pub(crate) batch: BatchArgs,
}

/// What every bulk command takes besides its selection: the confirmation and the journal.
#[derive(Debug, Args)]
pub(crate) struct BatchArgs {
    /// Do it without asking (needed when stdin is not a terminal).
    #[arg(long)]
    pub(crate) yes: bool,
    /// Continue the interrupted batch of the same selection from its journal: what it recorded
    /// as done is not done again.
    #[arg(long)]
    pub(crate) resume: bool,
    /// The journal (default: atlanctl/OPERATION-TENANT.jsonl in the user's state directory, such
    /// as rerun-acme.atlan.com.jsonl, suspend-…, resume-…).
    #[arg(long, value_name = "FILE")]
    pub(crate) journal: Option<PathBuf>,
}

impl RerunArgs {
    /// The selection as a journal records it: the options that choose the workflows, as given.
    pub(crate) fn selection(&self) -> String {
        let mut text = format!("--failed --since {} --api {:?}", self.since, self.api);
        if let Some(before) = &self.before {
            text.push_str(&format!(" --before {before}"));
        }
        if let Some(package) = &self.package {
            text.push_str(&format!(" --package {package}"));
        }
        if let Some(workflow) = &self.workflow {
            text.push_str(&format!(" --workflow {}", workflow.as_str()));
        }
        text.push_str(&format!(" --order {:?}", self.order));
        text.to_lowercase()
    }
}

/// A `--concurrency` value of a bulk operation: 1 to 32.
fn concurrency(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(value) if (1..=32).contains(&value) => Ok(value),
        _ => Err("expected a number of submits from 1 to 32".into()),
    }
}

/// `atlanctl schedules suspend | resume` and `atlanctl apps schedules suspend | resume`: one
/// workflow by name, or many with the selectors (then with a plan, a confirmation and a journal).
#[derive(Debug, Args)]
pub(crate) struct SuspendArgs {
    /// The workflow (a legacy name; a slug under `apps`). Leave it out to choose many with --all,
    /// --package or --workflow.
    pub(crate) name: Option<String>,
    /// Every workflow with a schedule (for resume: with a suspended one).
    #[arg(long, conflicts_with = "name")]
    pub(crate) all: bool,
    /// Only this package: a legacy prefix or package name, or an app id.
    #[arg(long, value_name = "P", conflicts_with = "name")]
    pub(crate) package: Option<String>,
    /// Only workflows (names or slugs) matching this pattern (`*`, `?`; a plain name is that
    /// workflow).
    #[arg(long, value_name = "GLOB", conflicts_with = "name", value_parser = input::glob)]
    pub(crate) workflow: Option<atlan_ops::Glob>,
    /// Which API's workflows, with the selectors (default: both; under `apps`: apps).
    #[arg(long, value_enum, conflicts_with = "name")]
    pub(crate) api: Option<ApiArg>,
    /// Changes under way at once (1 to 32).
    #[arg(long, value_name = "N", default_value_t = atlan_ops::bulk::rerun::DEFAULT_CONCURRENCY,
          value_parser = concurrency)]
    pub(crate) concurrency: usize,
    /// The confirmation and the journal (with the selectors).
    #[command(flatten)]
    pub(crate) batch: BatchArgs,
}

impl SuspendArgs {
    /// Whether a selector chooses many workflows.
    pub(crate) fn is_bulk(&self) -> bool {
        self.all || self.package.is_some() || self.workflow.is_some()
    }

    /// The selection as a journal records it.
    pub(crate) fn selection(&self, api: ApiArg) -> String {
        let mut text = format!("--api {api:?}");
        if self.all {
            text.push_str(" --all");
        }
        if let Some(package) = &self.package {
            text.push_str(&format!(" --package {package}"));
        }
        if let Some(workflow) = &self.workflow {
            text.push_str(&format!(" --workflow {}", workflow.as_str()));
        }
        text.to_lowercase()
    }
}
