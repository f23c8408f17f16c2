//! The status of a run (Argo `WorkflowStatus`), its nodes and conditions, and the run with its
//! status as Atlan answers a re-run or a stop.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde_json::Value;

use crate::meta::ObjectMeta;
use crate::phase::{NodePhase, WorkflowPhase};
use crate::wire::wire_object;
use crate::workflow::{PackageParameter, TemplateRef, WorkflowSpec, WorkflowTemplate};

wire_object! {
    /// The status of a run.
    ///
    /// Argo writes `"finishedAt": null` while a run is going and older objects leave it out: both
    /// read as `None`, and each is written back as it came.
    pub struct RunStatus {
        /// The phase; absent (or `""`, kept as `Other`) before the controller has seen the run.
        opt "phase" phase: WorkflowPhase,
        /// When the run started (RFC 3339).
        opt "startedAt" started_at: String,
        /// When the run finished (RFC 3339).
        opt "finishedAt" finished_at: String,
        /// Completed executable nodes out of all of them, such as `"3/5"`; see [`Progress`].
        opt "progress" progress: String,
        /// Expected duration in seconds, from the last successful run of the same template.
        opt "estimatedDuration" estimated_duration: i64,
        /// Why the run is in its phase (failure text, stop message, pending reason).
        opt "message" message: String,
        /// Every node of the run, by node id.
        opt "nodes" nodes: BTreeMap<String, NodeStatus>,
        /// Conditions such as `Completed` and `PodRunning`.
        opt "conditions" conditions: Vec<Condition>,
        /// Global outputs, kept as sent.
        opt "outputs" outputs: Value,
        /// Resource × seconds used, such as `{"cpu": 3, "memory": 1}`.
        opt "resourcesDuration" resources_duration: BTreeMap<String, i64>,
        /// Templates resolved through `templateRef`, keyed `namespaced/<name>/<template>` or
        /// `cluster/<name>/<template>`.
        opt "storedTemplates" stored_templates: BTreeMap<String, WorkflowTemplate>,
        /// The merged WorkflowTemplate spec the run uses.
        opt "storedWorkflowTemplateSpec" stored_workflow_template_spec: WorkflowSpec,
        /// Mutex and semaphore holders and waiters, kept as sent.
        opt "synchronization" synchronization: Value,
    }
}

impl RunStatus {
    /// The parsed progress, if present and well formed.
    pub fn progress(&self) -> Option<Progress> {
        self.progress.as_deref()?.parse().ok()
    }

    /// Whether the run has completed (Succeeded, Failed or Error).
    pub fn is_terminal(&self) -> bool {
        self.phase.as_ref().is_some_and(WorkflowPhase::is_terminal)
    }

    /// The nodes (empty when absent).
    pub fn nodes(&self) -> impl Iterator<Item = (&str, &NodeStatus)> {
        self.nodes
            .iter()
            .flatten()
            .map(|(id, node)| (id.as_str(), node))
    }
}

wire_object! {
    /// What Atlan answers to a re-run or a stop: the run, with its status.
    pub struct WorkflowRunResponse {
        /// Object metadata (the run's name is its id).
        opt "metadata" metadata: ObjectMeta,
        /// The Argo spec.
        opt "spec" spec: WorkflowSpec,
        /// The package parameters, as the server returns them.
        opt "payload" payload: Vec<PackageParameter>,
        /// The run's status.
        opt "status" status: RunStatus,
    }
}

impl WorkflowRunResponse {
    /// The run id (its name).
    pub fn name(&self) -> Option<&str> {
        self.metadata.as_ref()?.name()
    }

    /// The run's phase.
    pub fn phase(&self) -> Option<&WorkflowPhase> {
        self.status.as_ref()?.phase.as_ref()
    }
}

wire_object! {
    /// The status of one node of a run (a pod, a DAG, a retry, …).
    ///
    /// `id`, `name` and `type` are read as Argo's Go types read them: a node that lacks one (a
    /// broken or hostile server) reads it as empty, and is written back without it, rather than
    /// making the whole run, and every listing that holds it, fail to decode.
    pub struct NodeStatus {
        /// Node id: the run name for the root node, otherwise `<run>-<fnv32a(name)>` (empty when
        /// the server left it out; the key of the run's `nodes` map is the id too).
        text "id" id: String,
        /// Unique path name, such as `run-abcde.run` (empty when the server left it out).
        text "name" name: String,
        /// Node type: `Pod`, `DAG`, `Steps`, `Retry`, … (kept as a string; empty when the server
        /// left it out).
        text "type" kind: String,
        /// Short name, unique inside its boundary.
        opt "displayName" display_name: String,
        /// The node's phase.
        opt "phase" phase: NodePhase,
        /// Template the node ran.
        opt "templateName" template_name: String,
        /// Template reference, when it came from a (cluster) WorkflowTemplate.
        opt "templateRef" template_ref: TemplateRef,
        /// Where the template was resolved, such as `cluster/atlan-snowflake`.
        opt "templateScope" template_scope: String,
        /// Id of the DAG or Steps node this node belongs to.
        opt "boundaryID" boundary_id: String,
        /// Why the node is in its phase.
        opt "message" message: String,
        /// When the node started (RFC 3339).
        opt "startedAt" started_at: String,
        /// When the node finished (RFC 3339).
        opt "finishedAt" finished_at: String,
        /// Expected duration in seconds.
        opt "estimatedDuration" estimated_duration: i64,
        /// Progress of this node, such as `"1/1"`.
        opt "progress" progress: String,
        /// Resource × seconds used.
        opt "resourcesDuration" resources_duration: BTreeMap<String, i64>,
        /// Inputs actually passed in, kept as sent.
        opt "inputs" inputs: Value,
        /// Outputs (parameters, artifacts, `exitCode` as a string), kept as sent.
        opt "outputs" outputs: Value,
        /// Ids of the child nodes.
        opt "children" children: Vec<String>,
        /// The last nodes of this template call.
        opt "outboundNodes" outbound_nodes: Vec<String>,
    }
}

wire_object! {
    /// A condition of a run, such as `{type: Completed, status: "True"}`.
    pub struct Condition {
        /// Condition type: `Completed`, `PodRunning`, `SpecWarning`, `SpecError`, ….
        opt "type" kind: String,
        /// `"True"` or `"False"`.
        opt "status" status: String,
        /// Human-readable detail.
        opt "message" message: String,
    }
}

/// Argo's progress `N/M`: completed executable nodes out of all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Progress {
    /// Completed nodes (N).
    pub done: u64,
    /// All nodes (M).
    pub total: u64,
}

impl Progress {
    /// A progress of `done` out of `total`.
    ///
    /// # Errors
    /// [`InvalidProgress`] when `done > total`.
    pub fn new(done: u64, total: u64) -> Result<Self, InvalidProgress> {
        if done > total {
            return Err(InvalidProgress {
                input: format!("{done}/{total}"),
            });
        }
        Ok(Self { done, total })
    }

    /// Whether every node is done (and there is at least one).
    pub fn is_complete(&self) -> bool {
        self.total > 0 && self.done == self.total
    }
}

impl fmt::Display for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.done, self.total)
    }
}

impl FromStr for Progress {
    type Err = InvalidProgress;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let invalid = || InvalidProgress {
            input: input.to_owned(),
        };
        let (done, total) = input.split_once('/').ok_or_else(invalid)?;
        let done = done.parse().map_err(|_| invalid())?;
        let total = total.parse().map_err(|_| invalid())?;
        Self::new(done, total).map_err(|_| invalid())
    }
}

/// A progress string that is not `N/M` with `N <= M`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid progress `{input}`: expected `N/M` with 0 <= N <= M")]
pub struct InvalidProgress {
    input: String,
}
