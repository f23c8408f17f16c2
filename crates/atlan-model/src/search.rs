//! Responses of `workflows/indexsearch` and `runs/indexsearch` (Elasticsearch-shaped).

use serde_json::Value;

use crate::meta::{ObjectMeta, WORKFLOW_TEMPLATE_LABEL};
use crate::phase::WorkflowPhase;
use crate::status::RunStatus;
use crate::string_enum::string_enum;
use crate::wire::wire_object;
use crate::workflow::{Workflow, WorkflowSpec};

wire_object! {
    /// A search response: `took`, `_shards` and the `hits`.
    ///
    /// The same shape answers both indexes: workflow searches return WorkflowTemplates (no status),
    /// run searches return runs (with a [`RunStatus`]).
    pub struct WorkflowSearchResponse {
        /// Milliseconds the search took.
        opt "took" took: i64,
        /// Whether the search timed out on the server.
        opt "timed_out" timed_out: bool,
        /// Shard statistics, kept as sent.
        opt "_shards" shards: Value,
        /// The hits.
        req "hits" hits: SearchHits,
    }
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

wire_object! {
    /// The `hits` object of a search response.
    pub struct SearchHits {
        /// How many documents matched.
        opt "total" total: TotalHits,
        /// Highest score, kept as sent (`null` when sorting).
        opt "max_score" max_score: Value,
        /// This page of results.
        req "hits" hits: Vec<WorkflowSearchResult>,
    }
}

wire_object! {
    /// `hits.total`: a count and whether it is exact.
    pub struct TotalHits {
        /// The count.
        req "value" value: u64,
        /// `eq` when exact, `gte` when it is a lower bound.
        opt "relation" relation: TotalHitsRelation,
    }
}

impl TotalHits {
    /// An exact count.
    pub fn exact(value: u64) -> Self {
        Self {
            value,
            relation: Some(TotalHitsRelation::Eq),
            ..Self::default()
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

wire_object! {
    /// One hit: Elasticsearch's envelope around a workflow or run.
    pub struct WorkflowSearchResult {
        /// The index the hit came from.
        opt "_index" index: String,
        /// The document type (`_doc`).
        opt "_type" doc_type: String,
        /// The document id: the workflow id or the run id.
        req "_id" id: String,
        /// The relevance score, kept as sent (`null` when sorting).
        opt "_score" score: Value,
        /// Sequence number, kept as sent.
        opt "_seq_no" seq_no: Value,
        /// Primary term, kept as sent.
        opt "_primary_term" primary_term: Value,
        /// The sort values of this hit.
        opt "sort" sort: Vec<Value>,
        /// The workflow or run.
        req "_source" source: WorkflowSearchResultDetail,
    }
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

wire_object! {
    /// The `_source` of a hit: an Argo Workflow (a run) or WorkflowTemplate (a workflow).
    pub struct WorkflowSearchResultDetail {
        /// `argoproj.io/v1alpha1` (some objects leave it out).
        opt "apiVersion" api_version: String,
        /// `Workflow`, `WorkflowTemplate` or `ClusterWorkflowTemplate` (some objects leave it out).
        opt "kind" kind: String,
        /// Object metadata.
        req "metadata" metadata: ObjectMeta,
        /// The Argo spec.
        req "spec" spec: WorkflowSpec,
        /// The run's status (absent on workflows).
        opt "status" status: RunStatus,
    }
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
