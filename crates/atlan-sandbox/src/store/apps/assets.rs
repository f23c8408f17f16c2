//! The Atlas search (`POST /api/meta/search/indexsearch`) over app workflow and run assets. It runs
//! on a snapshot of the records (shared pointers taken under the store's lock), so a search of
//! thousands of assets never holds the lock while it builds and evaluates their documents.

use std::sync::Arc;

use atlan_model::{app_run_qualified_name, app_workflow_qualified_name};
use atlan_query::apps::AtlasSearch;
use atlan_query::eval::EvalOptions;
use jiff::Timestamp;
use serde_json::{Map, Value, json};

use super::{AppRunRecord, AppWorkflowRecord, bad_request};
use crate::error::ApiResult;

/// The records an Atlas search reads; from [`crate::store::Store::asset_snapshot`].
#[derive(Debug)]
pub(crate) struct AssetSnapshot {
    pub(crate) runs: Vec<Arc<AppRunRecord>>,
    pub(crate) workflows: Vec<Arc<AppWorkflowRecord>>,
}

impl AppRunRecord {
    /// The run as an `AppWorkflowRun` asset document.
    fn asset(&self, now: i64) -> Value {
        let mut document = json!({
            "__typeName": "AppWorkflowRun",
            "__state": "ACTIVE",
            "__guid": self.run_id,
            "qualifiedName": app_run_qualified_name(&self.slug, self.version, &self.run_id),
            "name": self.run_id,
            "appWorkflowRunLabel": self.workflow_name,
            "appWorkflowRunStatus": self.status(now).as_str(),
            "appWorkflowRunStartedAt": self.created,
            "appWorkflowRunStartedBy": self.started_by,
            "appWorkflowRunAppName": self.app_id,
            "appWorkflowRunAppQualifiedName": format!("default/apps/{}", self.app_id),
            "appWorkflowRunAppWorkflowQualifiedName": app_workflow_qualified_name(&self.slug),
            "appWorkflowRunAppWorkflowName": self.workflow_name,
            "appWorkflowRunAppWorkflowSlug": self.slug,
            "appWorkflowRunAppWorkflowVersion": self.version.to_string(),
            "appWorkflowRunWorkflowOwnership": "USER",
            "appWorkflowRunSource": "connector",
            "appWorkflowRunIsTestRun": false,
        });
        if let Some(completed) = self.completed_at(now) {
            crate::json::set(&mut document, "appWorkflowRunCompletedAt", json!(completed));
        }
        if let Some(by) = &self.stopped_by {
            crate::json::set(&mut document, "appWorkflowRunStoppedBy", json!(by));
        }
        document
    }
}

impl AppWorkflowRecord {
    /// The workflow as an `AtlanAppWorkflow` asset document.
    fn asset(&self) -> Value {
        json!({
            "__typeName": "AtlanAppWorkflow",
            "__state": "ACTIVE",
            "__guid": self.guid,
            "qualifiedName": app_workflow_qualified_name(&self.slug),
            "name": self.name,
            "appId": self.app_id,
            "atlanAppQualifiedName": format!("default/apps/{}", self.app_id),
            "atlanAppName": self.app_id,
            "atlanAppWorkflowSlug": self.slug,
            "atlanAppWorkflowVersion": self.version.to_string(),
            "atlanAppWorkflowStatus": "PUBLISHED",
            "atlanAppWorkflowOwnership": "USER",
            "atlanAppWorkflowSource": "connector",
        })
    }
}

/// The answer to an Atlas search over `snapshot`, as of `now`.
///
/// # Errors
/// A 400 when the search cannot be evaluated.
pub(crate) fn atlas_search(
    snapshot: &AssetSnapshot,
    search: &AtlasSearch,
    now: Timestamp,
) -> ApiResult<Value> {
    let millis = now.as_millisecond();
    let documents: Vec<Value> = snapshot
        .runs
        .iter()
        .map(|run| run.asset(millis))
        .chain(snapshot.workflows.iter().map(|workflow| workflow.asset()))
        .collect();
    let page = search
        .dsl
        .execute(&documents, &EvalOptions::atlas(now))
        .map_err(|error| bad_request(error.to_string()))?;
    let wanted = |key: &str| {
        key == "qualifiedName" || key == "name" || search.attributes.iter().any(|a| a == key)
    };
    let entities: Vec<Value> = page
        .hits
        .iter()
        .map(|hit| {
            let document = hit.document;
            let attributes: Map<String, Value> = document
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(key, _)| !key.starts_with("__") && wanted(key))
                .map(|(key, value)| (key.clone(), value.clone()))
                .collect();
            let field = |key: &str| document.get(key).cloned().unwrap_or(Value::Null);
            json!({
                "typeName": field("__typeName"),
                "guid": field("__guid"),
                "status": field("__state"),
                "attributes": attributes,
            })
        })
        .collect();
    let mut answer = json!({"approximateCount": page.total.map_or(0, |total| total.value)});
    if !entities.is_empty() {
        crate::json::set(&mut answer, "entities", Value::Array(entities));
    }
    Ok(answer)
}
