//! [`Selection`]: which workflows and runs an operation works on (the APIs, a package, workflow
//! patterns), one type for stats, doctor, the watch, the exporter, re-runs, schedules and
//! migrations.

use atlan_workflows::model::WorkflowPackage;

use crate::glob::Glob;
use crate::view::{Api, RunView};

/// Which API's runs and workflows to look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ApiChoice {
    /// The legacy API only.
    Legacy,
    /// The App workflows API only.
    Apps,
    /// Both, where the tenant serves them (an API the tenant answers 404 for is left out, and
    /// said so).
    #[default]
    All,
}

impl ApiChoice {
    /// Whether `api` is chosen.
    pub fn includes(self, api: Api) -> bool {
        match self {
            Self::All => true,
            Self::Legacy => api == Api::Legacy,
            Self::Apps => api == Api::Apps,
        }
    }
}

/// That API alone.
impl From<Api> for ApiChoice {
    fn from(api: Api) -> Self {
        match api {
            Api::Legacy => Self::Legacy,
            Api::Apps => Self::Apps,
        }
    }
}

/// Which runs: of an API, a package, a workflow.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Selection {
    /// The APIs.
    pub api: ApiChoice,
    /// Only this package (a legacy prefix such as `atlan-snowflake` or name such as
    /// `@atlan/snowflake`, or an app id).
    pub package: Option<String>,
    /// Only the workflows (legacy names or app slugs) one of these patterns matches (none: every
    /// workflow).
    pub workflows: Vec<Glob>,
}

impl Selection {
    /// Every run of the chosen APIs.
    pub fn new(api: ApiChoice) -> Self {
        Self {
            api,
            ..Self::default()
        }
    }

    /// Only this package.
    #[must_use]
    pub fn package(mut self, package: impl Into<String>) -> Self {
        self.package = Some(package.into());
        self
    }

    /// Only the workflows `pattern` matches (a name without `*` or `?` is that workflow); given
    /// again, the workflows any of the patterns matches.
    #[must_use]
    pub fn workflow(mut self, pattern: Glob) -> Self {
        self.workflows.push(pattern);
        self
    }

    /// The one workflow the selection names exactly (a single pattern without `*` or `?`).
    pub fn named(&self) -> Option<&str> {
        match self.workflows.as_slice() {
            [one] => one.literal(),
            _ => None,
        }
    }

    /// The first of its patterns that is not a name (has `*` or `?`).
    pub fn pattern(&self) -> Option<&Glob> {
        self.workflows.iter().find(|glob| glob.literal().is_none())
    }

    /// Whether `run` is selected.
    pub fn matches(&self, run: &RunView) -> bool {
        self.keeps(run.api, &run.workflow, run.package.as_deref())
    }

    /// Whether a workflow of `api` named `workflow` (a legacy name or an app slug) of `package`
    /// is selected.
    pub fn keeps(&self, api: Api, workflow: &str, package: Option<&str>) -> bool {
        self.api.includes(api)
            && (self.workflows.is_empty()
                || self.workflows.iter().any(|glob| glob.matches(workflow)))
            && self
                .package
                .as_deref()
                .is_none_or(|asked| same_package(asked, package))
    }
}

/// Whether package `asked` (a prefix, a package name or an app id) is `package`.
pub fn same_package(asked: &str, package: Option<&str>) -> bool {
    let Some(package) = package else {
        return false;
    };
    asked == package
        || WorkflowPackage::from_package_name(asked).is_some_and(|p| p.prefix() == package)
        || WorkflowPackage::from_package_name(package).is_some_and(|p| p.prefix() == asked)
}
