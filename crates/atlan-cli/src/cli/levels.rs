//! What is expected of every workflow, for teams without workflow files: `--freshness`,
//! `--max-duration`, `--max-pending` (a file's `spec.expectations` wins, field by field), and the
//! files themselves (`--desired`).

use clap::Args;

/// What is expected of each workflow: its file's (`--desired`) over the defaults of the options.
#[derive(Debug, Clone, Args)]
pub(crate) struct LevelArgs {
    /// Workflow files: their expectations and policies (and, for `doctor` and `exporter`, the
    /// drift from them).
    #[command(flatten)]
    pub(crate) desired: super::DesiredArgs,
    /// What is expected of every workflow.
    #[command(flatten)]
    pub(crate) expect: ExpectArgs,
}

/// The default expectations of `doctor`, `watch`, `exporter` and `top`.
#[derive(Debug, Clone, Args)]
pub(crate) struct ExpectArgs {
    /// Every workflow succeeds at least this often (such as 1d or 6h): a `late` breach.
    #[arg(long, value_name = "D", value_parser = freshness)]
    pub(crate) freshness: Option<String>,
    /// No run goes longer than this (such as 2h), or than a multiple of its workflow's own p95
    /// (such as "3x p95"): a `stuck` breach.
    #[arg(long, value_name = "D", value_parser = max_duration)]
    pub(crate) max_duration: Option<String>,
    /// No run waits longer than this to start (such as 30m): a `stuck` breach.
    #[arg(long, value_name = "D", value_parser = freshness)]
    pub(crate) max_pending: Option<String>,
}

impl ExpectArgs {
    /// The expectations these say (each read when the command line was).
    pub(crate) fn expectations(&self) -> atlan_ops::expectations::Expectations {
        atlan_ops::expectations::Expectations::parse(
            self.freshness.as_deref(),
            None,
            self.max_duration.as_deref(),
            self.max_pending.as_deref(),
        )
        .unwrap_or_default()
    }
}

/// A span such as `6h`.
fn freshness(text: &str) -> Result<String, String> {
    atlan_ops::expectations::Expectations::parse(Some(text), None, None, None)
        .map(|_| text.to_owned())
        .map_err(|error| error.to_string())
}

/// A span, or a multiple of p95.
fn max_duration(text: &str) -> Result<String, String> {
    atlan_ops::expectations::Expectations::parse(None, None, Some(text), None)
        .map(|_| text.to_owned())
        .map_err(|error| error.to_string())
}
