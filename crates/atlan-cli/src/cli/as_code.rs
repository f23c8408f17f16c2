//! Workflows as code: `atlanctl export | plan | schema`.

use std::path::PathBuf;

use clap::Args;

use crate::input;

/// `atlanctl export`
#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    /// The directory the files are written to (created when missing); one file per workflow,
    /// named by its API and name; other files there are left alone.
    #[arg(long, value_name = "DIR")]
    pub(crate) dir: PathBuf,
    /// Only the workflows whose name matches (`*`, `?`).
    #[arg(long, value_name = "GLOB", value_parser = input::glob)]
    pub(crate) workflow: Option<atlan_ops::Glob>,
    /// Only the workflows of this app (or legacy package, such as atlan-snowflake).
    #[arg(long, value_name = "P")]
    pub(crate) package: Option<String>,
    /// Which API's workflows (an API the tenant does not serve is left out with `all`).
    #[arg(long, value_enum, default_value_t = super::ApiArg::All)]
    pub(crate) api: super::ApiArg,
}

/// `atlanctl plan`
#[derive(Debug, Args)]
pub(crate) struct PlanArgs {
    /// A workflow file, or a directory of them (`*.yaml`, `*.yml`, read recursively).
    #[arg(short = 'f', long = "file", value_name = "PATH")]
    pub(crate) path: PathBuf,
    /// The value of `${var.NAME}` in the files. Repeat for several.
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = input::variable)]
    pub(crate) vars: Vec<(String, String)>,
    /// A file of variables, one `NAME=VALUE` per line (`#` comments); --var wins.
    #[arg(long = "var-file", value_name = "FILE")]
    pub(crate) var_files: Vec<PathBuf>,
    /// Also delete the tenant's workflows that no file names, within --workflow or --package.
    #[arg(long)]
    pub(crate) prune: bool,
    /// With --prune: only the workflows whose name matches (`*`, `?`).
    #[arg(long, value_name = "GLOB", value_parser = input::glob, requires = "prune")]
    pub(crate) workflow: Option<atlan_ops::Glob>,
    /// With --prune: only the workflows of this app.
    #[arg(long, value_name = "P", requires = "prune")]
    pub(crate) package: Option<String>,
}

/// `atlanctl schema`
#[derive(Debug, Args)]
pub(crate) struct SchemaArgs {
    /// An app whose input contract types `spec.inputs` (read from the tenant).
    #[arg(long, value_name = "APP_ID")]
    pub(crate) app: Option<String>,
    /// With --app: its operation (its default when absent).
    #[arg(long, value_name = "E", requires = "app")]
    pub(crate) entrypoint: Option<String>,
}

/// `atlanctl apply`
#[derive(Debug, Args)]
pub(crate) struct ApplyArgs {
    /// The files and what to prune, as `plan` takes them.
    #[command(flatten)]
    pub(crate) plan: PlanArgs,
    /// Changes in flight at once (1 to 32).
    #[arg(long, default_value_t = 4, value_name = "N",
          value_parser = clap::value_parser!(u16).range(1..=32))]
    pub(crate) concurrency: u16,
    /// Confirmation, resuming and the journal.
    #[command(flatten)]
    pub(crate) batch: super::BatchArgs,
}

/// `--desired PATH`: workflow files the tenant is compared with, and whose expectations and
/// policies hold (`doctor`, `exporter`, `watch`, `top`).
#[derive(Debug, Clone, Args)]
pub(crate) struct DesiredArgs {
    /// Workflow files (a file or a directory): each app workflow not as its file says is
    /// drift (a `drift` finding of `doctor`, `atlan_workflow_drift` of `exporter`); each file's
    /// `spec.expectations` and `spec.policy` hold for its workflow.
    #[arg(long, value_name = "PATH")]
    pub(crate) desired: Option<PathBuf>,
    /// The value of `${var.NAME}` in the files. Repeat for several.
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = input::variable,
          requires = "desired")]
    pub(crate) vars: Vec<(String, String)>,
    /// A file of variables, one `NAME=VALUE` per line; --var wins.
    #[arg(long = "var-file", value_name = "FILE", requires = "desired")]
    pub(crate) var_files: Vec<PathBuf>,
    /// The app workflows the files are all of, by name (`*`, `?`): one in it with no file is
    /// drift too.
    #[arg(long, value_name = "GLOB", value_parser = input::glob, requires = "desired")]
    pub(crate) workflow: Option<atlan_ops::Glob>,
    /// The app whose workflows the files are all of: one with no file is drift too.
    #[arg(long, value_name = "P", requires = "desired")]
    pub(crate) package: Option<String>,
}
