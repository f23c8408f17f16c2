//! The assets behind app workflows, as the Atlas search answers them: `AppWorkflowRun` (one run)
//! and `AtlanAppWorkflow` (the workflow).

use std::collections::BTreeMap;

use serde_json::Value;

use super::status::AppRunStatus;
use crate::decode::{DecodeError, decode_value};
use crate::wire::wire_object;

/// Where app workflow assets live: a workflow is `{prefix}{slug}`, its runs
/// `{prefix}{slug}/{version}/runs/{run_id}`.
pub const APP_WORKFLOWS_PREFIX: &str = "default/apps/automation_engine/workflows/";

/// The qualified name of an app workflow asset.
pub fn app_workflow_qualified_name(slug: &str) -> String {
    format!("{APP_WORKFLOWS_PREFIX}{slug}")
}

/// The qualified name of a run asset.
pub fn app_run_qualified_name(slug: &str, version: i64, run_id: &str) -> String {
    format!("{APP_WORKFLOWS_PREFIX}{slug}/{version}/runs/{run_id}")
}

wire_object! {
    /// The answer of `POST /api/meta/search/indexsearch`.
    pub struct AtlasSearchResponse {
        /// How many assets match (approximately, above 100,000).
        opt "approximateCount" approximate_count: u64,
        /// The page of assets (absent when none match).
        opt "entities" entities: Vec<AtlasEntity>,
    }
}

impl AtlasSearchResponse {
    /// The entities of one type, such as `AppWorkflowRun`.
    pub fn entities_of<'a>(&'a self, type_name: &'a str) -> impl Iterator<Item = &'a AtlasEntity> {
        self.entities
            .iter()
            .flatten()
            .filter(move |entity| entity.type_name.as_deref() == Some(type_name))
    }
}

wire_object! {
    /// One asset of a search answer.
    pub struct AtlasEntity {
        /// Its type, such as `AppWorkflowRun`.
        opt "typeName" type_name: String,
        /// Its id.
        opt "guid" guid: String,
        /// `ACTIVE` or `DELETED`.
        opt "status" status: String,
        /// Its attributes (those asked for).
        opt "attributes" attributes: Value,
        /// When it was created (epoch milliseconds).
        opt "createTime" create_time: i64,
        /// When it was last changed (epoch milliseconds).
        opt "updateTime" update_time: i64,
    }
}

impl AtlasEntity {
    /// The attributes of an `AppWorkflowRun`.
    ///
    /// # Errors
    /// [`DecodeError`] naming the attribute that does not read.
    pub fn run_attributes(&self) -> Result<AppWorkflowRunAttributes, DecodeError> {
        decode_value(
            self.attributes
                .clone()
                .unwrap_or_else(|| Value::Object(Default::default())),
        )
    }

    /// The attributes of an `AtlanAppWorkflow`.
    ///
    /// # Errors
    /// [`DecodeError`] naming the attribute that does not read.
    pub fn workflow_attributes(&self) -> Result<AtlanAppWorkflowAttributes, DecodeError> {
        decode_value(
            self.attributes
                .clone()
                .unwrap_or_else(|| Value::Object(Default::default())),
        )
    }
}

wire_object! {
    /// The attributes of an `AppWorkflowRun` asset: one run of an app workflow.
    pub struct AppWorkflowRunAttributes {
        /// `{prefix}{slug}/{version}/runs/{run_id}`.
        opt "qualifiedName" qualified_name: String,
        /// The run id.
        opt "name" name: String,
        /// The root name of the run.
        opt "appWorkflowRunLabel" label: String,
        /// Its status.
        opt "appWorkflowRunStatus" status: AppRunStatus,
        /// When it started (epoch milliseconds).
        opt "appWorkflowRunStartedAt" started_at: i64,
        /// When it ended (epoch milliseconds).
        opt "appWorkflowRunCompletedAt" completed_at: i64,
        /// Who started it.
        opt "appWorkflowRunStartedBy" started_by: String,
        /// Who stopped it.
        opt "appWorkflowRunStoppedBy" stopped_by: String,
        /// Its outputs.
        opt "appWorkflowRunOutputs" outputs: BTreeMap<String, String>,
        /// Its steps.
        opt "appWorkflowRunSteps" steps: Vec<Value>,
        /// The app's qualified name.
        opt "appWorkflowRunAppQualifiedName" app_qualified_name: String,
        /// The app's name.
        opt "appWorkflowRunAppName" app_name: String,
        /// The workflow's qualified name.
        opt "appWorkflowRunAppWorkflowQualifiedName" workflow_qualified_name: String,
        /// The workflow's name.
        opt "appWorkflowRunAppWorkflowName" workflow_name: String,
        /// The workflow's slug.
        opt "appWorkflowRunAppWorkflowSlug" workflow_slug: String,
        /// The workflow's version, as a string.
        opt "appWorkflowRunAppWorkflowVersion" workflow_version: String,
        /// `SYSTEM` or `USER`.
        opt "appWorkflowRunWorkflowOwnership" ownership: String,
        /// `connector`, `enrichment_studio`, `background_job`, `system_job`, `unknown` or `adhoc`.
        opt "appWorkflowRunSource" source: String,
        /// A self-deployed runtime's name.
        opt "appWorkflowRunDeploymentName" deployment_name: String,
        /// The Temporal run id.
        opt "appWorkflowRunTemporalRunId" temporal_run_id: String,
        /// Whether it is a test run.
        opt "appWorkflowRunIsTestRun" is_test_run: bool,
        /// Its DAG (escaped JSON).
        opt "appWorkflowRunDag" dag: String,
        /// Its retry settings.
        opt "appWorkflowRunErrorHandling" error_handling: Value,
    }
}

wire_object! {
    /// The attributes of an `AtlanAppWorkflow` asset: an app workflow.
    pub struct AtlanAppWorkflowAttributes {
        /// `{prefix}{slug}`.
        opt "qualifiedName" qualified_name: String,
        /// Its display name.
        opt "name" name: String,
        /// The app's id.
        opt "appId" app_id: String,
        /// The app's qualified name.
        opt "atlanAppQualifiedName" app_qualified_name: String,
        /// The app's name.
        opt "atlanAppName" app_name: String,
        /// Its version, as a string.
        opt "atlanAppWorkflowVersion" version: String,
        /// Its slug.
        opt "atlanAppWorkflowSlug" slug: String,
        /// Its DAG (JSON).
        opt "atlanAppWorkflowDag" dag: String,
        /// `DRAFT` or `PUBLISHED`.
        opt "atlanAppWorkflowStatus" status: String,
        /// `SYSTEM` or `USER`.
        opt "atlanAppWorkflowOwnership" ownership: String,
        /// Where it comes from.
        opt "atlanAppWorkflowSource" source: String,
        /// Its triggers.
        opt "atlanAppWorkflowTriggers" triggers: String,
        /// `SDR` or `DIRECT`.
        opt "atlanAppWorkflowRuntimeMode" runtime_mode: String,
    }
}
