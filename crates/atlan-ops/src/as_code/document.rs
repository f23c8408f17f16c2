//! The file format of a workflow as code: one YAML document per file, `apiVersion: atlanctl/v1`,
//! `kind: AppWorkflow` or `kind: LegacyWorkflow`, its `metadata.name` and its `spec`. Unknown
//! fields are refused, so that a typo is a problem and not a field silently ignored.
//!
//! ```yaml
//! apiVersion: atlanctl/v1
//! kind: AppWorkflow
//! metadata:
//!   name: prod-snowflake
//! spec:
//!   app: snowflake-crawler
//!   inputs:
//!     credential_guid: ${credential.snowflake-prod}
//!     connection: {attributes: {name: "${var.connection}"}}
//!   schedules:
//!     - cron: "0 2 * * *"
//!       timezone: Europe/Paris
//! ```

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::view::Api;

/// The only `apiVersion` this version reads and writes.
pub const API_VERSION: &str = "atlanctl/v1";

/// One workflow as code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", deny_unknown_fields)]
pub enum Document {
    /// A workflow of the App workflows API.
    AppWorkflow {
        /// [`API_VERSION`].
        #[serde(rename = "apiVersion")]
        api_version: String,
        /// Its name.
        metadata: Metadata,
        /// What it is.
        spec: AppSpec,
    },
    /// An existing workflow of the legacy API (created by the tenant's UI or by `migrate`, never
    /// from a file).
    LegacyWorkflow {
        /// [`API_VERSION`].
        #[serde(rename = "apiVersion")]
        api_version: String,
        /// Its name (the legacy workflow's id).
        metadata: Metadata,
        /// What it is.
        spec: LegacySpec,
    },
}

impl Document {
    /// The workflow's name: its identity on the tenant.
    pub fn name(&self) -> &str {
        match self {
            Self::AppWorkflow { metadata, .. } | Self::LegacyWorkflow { metadata, .. } => {
                &metadata.name
            }
        }
    }

    /// Its `apiVersion`.
    pub fn api_version(&self) -> &str {
        match self {
            Self::AppWorkflow { api_version, .. } | Self::LegacyWorkflow { api_version, .. } => {
                api_version
            }
        }
    }

    /// The API it is a workflow of.
    pub fn api(&self) -> Api {
        match self {
            Self::AppWorkflow { .. } => Api::Apps,
            Self::LegacyWorkflow { .. } => Api::Legacy,
        }
    }

    /// Its package: the app, or the legacy package.
    pub fn package(&self) -> &str {
        match self {
            Self::AppWorkflow { spec, .. } => &spec.app,
            Self::LegacyWorkflow { spec, .. } => &spec.package,
        }
    }

    /// An app workflow's document.
    pub fn app(name: impl Into<String>, spec: AppSpec) -> Self {
        Self::AppWorkflow {
            api_version: API_VERSION.to_owned(),
            metadata: Metadata { name: name.into() },
            spec,
        }
    }

    /// A legacy workflow's document.
    pub fn legacy(name: impl Into<String>, spec: LegacySpec) -> Self {
        Self::LegacyWorkflow {
            api_version: API_VERSION.to_owned(),
            metadata: Metadata { name: name.into() },
            spec,
        }
    }
}

/// `metadata`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Metadata {
    /// The workflow's name: an app workflow's display name, a legacy workflow's id.
    pub name: String,
}

/// `spec` of an app workflow.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AppSpec {
    /// The app, such as `snowflake-crawler`.
    pub app: String,
    /// The app's operation (its default when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entrypoint: Option<String>,
    /// The inputs, as the app's input contract types them; a credential as
    /// `${credential.NAME}` or its GUID.
    #[serde(default)]
    pub inputs: BTreeMap<String, Value>,
    /// Its cron schedules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schedules: Vec<ScheduleSpec>,
    /// Whether its schedules are suspended (kept, not firing).
    #[serde(default, skip_serializing_if = "is_false")]
    pub suspended: bool,
    /// What the team expects of it (not stored on the tenant; checked against its schedules).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expectations: Option<ExpectationsSpec>,
    /// What `watch --act` does when its runs fail (not stored on the tenant).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<PolicySpec>,
}

/// `spec` of a legacy workflow.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LegacySpec {
    /// Its package, such as `atlan-snowflake`.
    pub package: String,
    /// The parameters of its first task.
    #[serde(default)]
    pub parameters: BTreeMap<String, Value>,
    /// Its cron schedule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<ScheduleSpec>,
    /// Whether its schedule is suspended.
    #[serde(default, skip_serializing_if = "is_false")]
    pub suspended: bool,
    /// What the team expects of it (not stored on the tenant; checked against its schedule).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expectations: Option<ExpectationsSpec>,
    /// What `watch --act` does when its runs fail (not stored on the tenant).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<PolicySpec>,
}

/// `spec.expectations`: each optional, as [`crate::expectations::Expectations::parse`] reads them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectationsSpec {
    /// A success at least this often, such as `6h` or `1d`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub freshness: Option<String>,
    /// Succeeded by a time of day in a zone on the days its schedule runs, such as `06:00
    /// Europe/Paris`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
    /// A run at most this long, such as `2h`, or a multiple of its own p95, such as `3x p95`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_duration: Option<String>,
    /// Pending at most this long, such as `30m`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_pending: Option<String>,
}

impl ExpectationsSpec {
    /// The expectations these texts say.
    ///
    /// # Errors
    /// The first text that does not read.
    pub fn read(
        &self,
    ) -> Result<crate::expectations::Expectations, crate::expectations::InvalidExpectation> {
        crate::expectations::Expectations::parse(
            self.freshness.as_deref(),
            self.deadline.as_deref(),
            self.max_duration.as_deref(),
            self.max_pending.as_deref(),
        )
    }
}

/// `spec.policy`: what `watch --act` does when the workflow's runs fail, as
/// [`crate::policies::Policy`] holds it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicySpec {
    /// Suspend its schedules after this many consecutive failed runs (at least 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspend_after: Option<u32>,
    /// Re-run it when a run fails for one of these causes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry: Option<RetrySpec>,
}

/// `spec.policy.retry`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RetrySpec {
    /// The causes, as `runs explain` names them: `infrastructure`, `out_of_memory`, `deadline`,
    /// `step_error`, `credential`, `connectivity`, `permission`, `stopped`, `unknown`.
    pub causes: Vec<String>,
    /// The most re-runs in one failure streak.
    pub max: u32,
}

impl PolicySpec {
    /// The policy this says.
    ///
    /// # Errors
    /// A cause that is not one, or a `suspend_after` of 0.
    pub fn read(&self) -> Result<crate::policies::Policy, String> {
        if self.suspend_after == Some(0) {
            return Err("suspend_after is at least 1".to_owned());
        }
        let retry = match &self.retry {
            None => None,
            Some(retry) => {
                let causes = retry
                    .causes
                    .iter()
                    .map(|word| {
                        crate::cause::Cause::parse(word).ok_or_else(|| {
                            format!(
                                "`{}` is not a cause: one of {}",
                                word.chars().take(40).collect::<String>(),
                                crate::cause::Cause::ALL
                                    .map(crate::cause::Cause::as_str)
                                    .join(", ")
                            )
                        })
                    })
                    .collect::<Result<_, _>>()?;
                Some(crate::policies::Retry {
                    causes,
                    max: retry.max,
                })
            }
        };
        Ok(crate::policies::Policy {
            suspend_after: self.suspend_after,
            retry,
        })
    }
}

/// A cron schedule and the time zone it is read in.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct ScheduleSpec {
    /// Five fields or a macro such as `@daily`.
    pub cron: String,
    /// An IANA time zone (default `UTC`).
    #[serde(default = "utc")]
    pub timezone: String,
}

fn utc() -> String {
    "UTC".to_owned()
}

#[expect(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde's skip_serializing_if passes a reference"
)]
fn is_false(value: &bool) -> bool {
    !*value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_reads_and_writes_with_its_kind() {
        let text = "apiVersion: atlanctl/v1\nkind: AppWorkflow\nmetadata: {name: prod}\nspec:\n  app: snowflake-crawler\n  schedules: [{cron: '0 2 * * *'}]\n";
        let document: Document = serde_norway::from_str(text).unwrap();
        assert_eq!(document.name(), "prod");
        assert_eq!(document.api(), Api::Apps);
        let Document::AppWorkflow { spec, .. } = &document else {
            panic!("{document:?}")
        };
        assert_eq!(spec.schedules[0].timezone, "UTC", "the default zone");
        let unknown = "apiVersion: atlanctl/v1\nkind: AppWorkflow\nmetadata: {name: p}\nspec: {app: a, input: {}}\n";
        let error = serde_norway::from_str::<Document>(unknown).unwrap_err();
        assert!(
            error.to_string().contains("unknown field `input`"),
            "{error}"
        );
        let kind = "apiVersion: atlanctl/v1\nkind: Job\nmetadata: {name: p}\nspec: {}\n";
        let error = serde_norway::from_str::<Document>(kind).unwrap_err();
        assert!(
            error.to_string().contains("unknown variant `Job`"),
            "{error}"
        );
    }
}
