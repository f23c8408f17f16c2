//! The options of the commands over both APIs (`runs explain`, `runs stats`, `doctor`).

use atlan_ops::ApiChoice;
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

/// The window of the figures, and the instant they are taken at.
#[derive(Debug, Args)]
pub(crate) struct WindowArgs {
    /// Runs started at or after T (date math such as now-7d, or RFC 3339).
    #[arg(long, value_name = "T", default_value = atlan_ops::DEFAULT_SINCE, value_parser = input::date)]
    pub(crate) since: String,
    /// Runs started at or before T.
    #[arg(long, value_name = "T", value_parser = input::date)]
    pub(crate) before: Option<String>,
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
    /// Only this workflow: a legacy workflow name or an app workflow slug.
    #[arg(long, value_name = "W")]
    pub(crate) workflow: Option<String>,
}

/// `atlanctl doctor`
#[derive(Debug, Args)]
pub(crate) struct DoctorArgs {
    /// The window and API.
    #[command(flatten)]
    pub(crate) window: WindowArgs,
}
