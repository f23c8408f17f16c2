//! Responses of `workflows/indexsearch` and `runs/indexsearch` (Elasticsearch-shaped).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_with::skip_serializing_none;

use crate::meta::{ObjectMeta, WORKFLOW_TEMPLATE_LABEL};
use crate::phase::WorkflowPhase;
use crate::status::RunStatus;
use crate::string_enum::string_enum;
use crate::workflow::{Workflow, WorkflowSpec};

/// A search response: `took`, `_shards` and the `hits`.
///
/// The same shape answers both indexes: workflow searches return WorkflowTemplates (no status), run
/// searches return runs (with a [`RunStatus`]).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WorkflowSearchResponse {
    /// Milliseconds the search took.
    pub took: Option<i64>,
    /// Whether the search timed out on the server.
    pub timed_out: Option<bool>,
    /// Shard statistics, kept as sent.
    #[serde(rename = "_shards")]
    pub shards: Option<Value>,
    /// The hits.
    pub hits: SearchHits,
    /// Fields this version does not model, kept so that they round-trip.
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

impl WorkflowSearchResponse {
    /// The total number of matches, when the server counted them.
    pub fn total(&self) -> Option<u64> {
        self.hits.total.as_ref().map(|total| total.value)
    }

    /// The hits of this page.
    pub fn hits(&self) -> &[WorkflowSearchResult] {
        &self.hits.hits
    }

    /// The hits of this page, by value.
    pub fn into_hits(self) -> Vec<WorkflowSearchResult> {
        self.hits.hits
    }

    /// The first hit, if any.
    pub fn first(&self) -> Option<&WorkflowSearchResult> {
        self.hits.hits.first()
    }
}

/// The `hits` object of a search response.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SearchHits {
    /// How many documents matched.
    pub total: Option<TotalHits>,
    /// Highest score, kept as sent (`null` when sorting).
    #[serde(default, deserialize_with = "crate::wire::present")]
    pub max_score: Option<Value>,
    /// This page of results.
    pub hits: Vec<WorkflowSearchResult>,
    /// Fields this version does not model, kept so that they round-trip.
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

/// `hits.total`: a count and whether it is exact.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TotalHits {
    /// The count.
    pub value: u64,
    /// `eq` when exact, `gte` when it is a lower bound.
    pub relation: Option<TotalHitsRelation>,
    /// Fields this version does not model, kept so that they round-trip.
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

impl TotalHits {
    /// An exact count.
    pub fn exact(value: u64) -> Self {
        Self {
            value,
            relation: Some(TotalHitsRelation::Eq),
            other: BTreeMap::new(),
        }
    }
}

string_enum! {
    /// Whether `hits.total.value` is exact.
    pub enum TotalHitsRelation {
        /// The count is exact.
        Eq = "eq",
        /// The count is a lower bound.
        Gte = "gte",
    }
}

/// One hit: Elasticsearch's envelope around a workflow or run.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WorkflowSearchResult {
    /// The index the hit came from.
    #[serde(rename = "_index")]
    pub index: Option<String>,
    /// The document type (`_doc`).
    #[serde(rename = "_type")]
    pub doc_type: Option<String>,
    /// The document id: the workflow id or the run id.
    #[serde(rename = "_id")]
    pub id: String,
    /// The relevance score, kept as sent (`null` when sorting).
    #[serde(rename = "_score", default, deserialize_with = "crate::wire::present")]
    pub score: Option<Value>,
    /// Sequence number, kept as sent.
    #[serde(rename = "_seq_no")]
    pub seq_no: Option<Value>,
    /// Primary term, kept as sent.
    #[serde(rename = "_primary_term")]
    pub primary_term: Option<Value>,
    /// The sort values of this hit.
    pub sort: Option<Vec<Value>>,
    /// The workflow or run.
    #[serde(rename = "_source")]
    pub source: WorkflowSearchResultDetail,
    /// Fields this version does not model, kept so that they round-trip.
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

impl WorkflowSearchResult {
    /// The workflow to send back to update it: this hit's metadata and spec, with an empty payload
    /// (as pyatlan's `to_workflow()`).
    pub fn to_workflow(&self) -> Workflow {
        self.source.to_workflow()
    }

    /// The run's phase (`None` for a workflow, which has no status).
    pub fn phase(&self) -> Option<&WorkflowPhase> {
        self.source.status.as_ref()?.phase.as_ref()
    }

    /// For a run: the name of the workflow it is a run of.
    pub fn workflow_template_name(&self) -> Option<&str> {
        self.source.workflow_template_name()
    }

    /// The name of the workflow or run (`metadata.name`, else the document id).
    pub fn name(&self) -> &str {
        self.source.metadata.name().unwrap_or(&self.id)
    }
}

/// The `_source` of a hit: an Argo Workflow (a run) or WorkflowTemplate (a workflow).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WorkflowSearchResultDetail {
    /// `argoproj.io/v1alpha1` (some objects leave it out).
    pub api_version: Option<String>,
    /// `Workflow`, `WorkflowTemplate` or `ClusterWorkflowTemplate` (some objects leave it out).
    pub kind: Option<String>,
    /// Object metadata.
    pub metadata: ObjectMeta,
    /// The Argo spec.
    pub spec: WorkflowSpec,
    /// The run's status (absent on workflows).
    pub status: Option<RunStatus>,
    /// Fields this version does not model, kept so that they round-trip.
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

impl WorkflowSearchResultDetail {
    /// The workflow to send back to update it: metadata and spec, with an empty payload.
    pub fn to_workflow(&self) -> Workflow {
        Workflow::new(self.metadata.clone(), self.spec.clone())
    }

    /// For a run: the name of the workflow it is a run of (`spec.workflowTemplateRef.name`, else the
    /// `workflows.argoproj.io/workflow-template` label).
    pub fn workflow_template_name(&self) -> Option<&str> {
        self.spec
            .workflow_template_ref
            .as_ref()
            .and_then(|template| template.name.as_deref())
            .or_else(|| self.metadata.label(WORKFLOW_TEMPLATE_LABEL))
    }
}
