//! The options of the long-running commands that watch a tenant: `exporter` and `watch`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use secrecy::SecretString;

use super::ops::ApiArg;
use crate::input;

/// What both long-running commands poll, and how often.
#[derive(Debug, Args)]
pub(crate) struct PollArgs {
    /// How often to poll the tenant (at least 100ms; after a failed poll the wait doubles, from
    /// twice this, up to 15 minutes).
    #[arg(long, value_name = "D", default_value = "60s", value_parser = input::duration)]
    pub(crate) interval: Duration,
    /// Runs started within this span before now are counted (such as 7d or 48h).
    #[arg(long, value_name = "D", default_value = "7d", value_parser = input::lookback)]
    pub(crate) lookback: jiff::SignedDuration,
    /// Each poll reads again this far back of the previous one, for an index that lags.
    #[arg(long, value_name = "D", default_value = "5m", value_parser = input::lookback)]
    pub(crate) overlap: jiff::SignedDuration,
    /// Which API's runs and workflows.
    #[arg(long, value_enum, default_value_t)]
    pub(crate) api: ApiArg,
    /// The most workflows tracked (and exported); runs of more are dropped and counted
    /// (`atlan_exporter_dropped_runs_total`).
    #[arg(long, value_name = "N", default_value_t = atlan_ops::watch::DEFAULT_MAX_WORKFLOWS,
          value_parser = max_workflows)]
    pub(crate) max_workflows: usize,
    /// A poll that takes longer than this fails (and the next one backs off).
    #[arg(long, value_name = "D", default_value = "5m", value_parser = input::duration)]
    pub(crate) poll_timeout: Duration,
}

/// `atlanctl exporter`
#[derive(Debug, Args)]
pub(crate) struct ExporterArgs {
    /// Where to serve `GET /metrics` and `GET /healthz` (port 0: any free port; the line
    /// `listening on http://ADDR` says which).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:9464")]
    pub(crate) listen: SocketAddr,
    /// What to poll, and how often.
    #[command(flatten)]
    pub(crate) poll: PollArgs,
    /// Workflow files, and what is expected of every workflow.
    #[command(flatten)]
    pub(crate) levels: super::LevelArgs,
}

/// `atlanctl watch`
#[derive(Debug, Args)]
pub(crate) struct WatchArgs {
    /// A webhook to post each notification to (repeat for several); Slack-compatible. URLs carry
    /// tokens: prefer ATLAN_NOTIFY_URL (comma-separated), command lines are visible to others.
    #[arg(long = "notify", value_name = "URL", env = "ATLAN_NOTIFY_URL", hide_env_values = true,
          value_delimiter = ',', required = true, value_parser = input::webhook)]
    pub(crate) notify: Vec<SecretString>,
    /// What to poll, and how often.
    #[command(flatten)]
    pub(crate) poll: PollArgs,
    /// After a notification about a workflow, further failures of it within this time are not
    /// sent but counted, and the next notification says how many (a recovery is always sent).
    #[arg(long, value_name = "D", default_value = "15m", value_parser = input::lookback)]
    pub(crate) cooldown: jiff::SignedDuration,
    /// The state file: what was sent, what is still to send, and the last poll, so that a
    /// restart neither repeats nor loses a notification (default: atlanctl/watch-TENANT.json in
    /// the user's state directory).
    #[arg(long, value_name = "FILE")]
    pub(crate) state: Option<PathBuf>,
    /// Poll once, send what is due (trying each webhook a few times), save the state and exit.
    #[arg(long)]
    pub(crate) once: bool,
    /// Workflow files, and what is expected of every workflow.
    #[command(flatten)]
    pub(crate) levels: super::LevelArgs,
    /// Act on the files' policies (suspend after a failure streak, re-run a failure of a given
    /// cause), each journalled before it is done; without it the watch says what it would do.
    #[arg(long)]
    pub(crate) act: bool,
}

/// `atlanctl top` (its `--interval` defaults to 5s).
#[derive(Debug, Args)]
pub(crate) struct TopArgs {
    /// What to poll, and how often.
    #[command(flatten)]
    pub(crate) poll: PollArgs,
    /// Print one frame (sized to the terminal, or 120 columns) and exit.
    #[arg(long)]
    pub(crate) once: bool,
    /// Workflow files, and what is expected of every workflow.
    #[command(flatten)]
    pub(crate) levels: super::LevelArgs,
}

/// A `--max-workflows` value: 1 to 100,000.
fn max_workflows(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(value) if (1..=100_000).contains(&value) => Ok(value),
        _ => Err("expected a number of workflows from 1 to 100000".into()),
    }
}
