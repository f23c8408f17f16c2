//! The status of a run (Argo `WorkflowStatus`), its nodes and conditions.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_with::skip_serializing_none;

use crate::phase::{NodePhase, WorkflowPhase};
use crate::wire;
use crate::workflow::{TemplateRef, WorkflowSpec, WorkflowTemplate};

/// The status of a run.
///
/// Timestamps are kept exactly as sent: Argo writes `"finishedAt": null` while a run is going, older
/// objects leave it out; both read as `None` through [`started_at`](Self::started_at) and
/// [`finished_at`](Self::finished_at).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RunStatus {
    /// The phase; absent (or `""`, kept as `Other`) before the controller has seen the run.
    pub phase: Option<WorkflowPhase>,
    /// When the run started: absent, `Some(None)` for `null`, or an RFC 3339 string.
    #[serde(default, with = "serde_with::rust::double_option")]
    pub started_at: Option<Option<String>>,
    /// When the run finished: absent, `Some(None)` for `null`, or an RFC 3339 string.
    #[serde(default, with = "serde_with::rust::double_option")]
    pub finished_at: Option<Option<String>>,
    /// Completed executable nodes out of all of them, such as `"3/5"`; see [`Progress`].
    pub progress: Option<String>,
    /// Expected duration in seconds, from the last successful run of the same template.
    pub estimated_duration: Option<i64>,
    /// Why the run is in its phase (failure text, stop message, pending reason).
    pub message: Option<String>,
    /// Every node of the run, by node id.
    pub nodes: Option<BTreeMap<String, NodeStatus>>,
    /// Conditions such as `Completed` and `PodRunning`.
    pub conditions: Option<Vec<Condition>>,
    /// Global outputs, kept as sent.
    #[serde(default, deserialize_with = "wire::present")]
    pub outputs: Option<Value>,
    /// Resource × seconds used, such as `{"cpu": 3, "memory": 1}`.
    pub resources_duration: Option<BTreeMap<String, i64>>,
    /// Templates resolved through `templateRef`, keyed `namespaced/<name>/<template>` or
    /// `cluster/<name>/<template>`.
    pub stored_templates: Option<BTreeMap<String, WorkflowTemplate>>,
    /// The merged WorkflowTemplate spec the run uses.
    pub stored_workflow_template_spec: Option<WorkflowSpec>,
    /// Mutex and semaphore holders and waiters, kept as sent.
    #[serde(default, deserialize_with = "wire::present")]
    pub synchronization: Option<Value>,
    /// Fields this version does not model (`artifactRepositoryRef`, `compressedNodes`, …), kept so
    /// that they round-trip.
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

impl RunStatus {
    /// When the run started (RFC 3339), if it has.
    pub fn started_at(&self) -> Option<&str> {
        self.started_at.as_ref()?.as_deref()
    }

    /// When the run finished (RFC 3339), if it has.
    pub fn finished_at(&self) -> Option<&str> {
        self.finished_at.as_ref()?.as_deref()
    }

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

/// The status of one node of a run (a pod, a DAG, a retry, …).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct NodeStatus {
    /// Node id: the run name for the root node, otherwise `<run>-<fnv32a(name)>`.
    pub id: String,
    /// Unique path name, such as `run-abcde.run`.
    pub name: String,
    /// Node type: `Pod`, `DAG`, `Steps`, `Retry`, … (kept as a string).
    #[serde(rename = "type")]
    pub kind: String,
    /// Short name, unique inside its boundary.
    pub display_name: Option<String>,
    /// The node's phase.
    pub phase: Option<NodePhase>,
    /// Template the node ran.
    pub template_name: Option<String>,
    /// Template reference, when it came from a (cluster) WorkflowTemplate.
    pub template_ref: Option<TemplateRef>,
    /// Where the template was resolved, such as `cluster/atlan-snowflake`.
    pub template_scope: Option<String>,
    /// Id of the DAG or Steps node this node belongs to.
    #[serde(rename = "boundaryID")]
    pub boundary_id: Option<String>,
    /// Why the node is in its phase.
    pub message: Option<String>,
    /// When the node started: absent, `Some(None)` for `null`, or RFC 3339.
    #[serde(default, with = "serde_with::rust::double_option")]
    pub started_at: Option<Option<String>>,
    /// When the node finished: absent, `Some(None)` for `null`, or RFC 3339.
    #[serde(default, with = "serde_with::rust::double_option")]
    pub finished_at: Option<Option<String>>,
    /// Expected duration in seconds.
    pub estimated_duration: Option<i64>,
    /// Progress of this node, such as `"1/1"`.
    pub progress: Option<String>,
    /// Resource × seconds used.
    pub resources_duration: Option<BTreeMap<String, i64>>,
    /// Inputs actually passed in, kept as sent.
    #[serde(default, deserialize_with = "wire::present")]
    pub inputs: Option<Value>,
    /// Outputs (parameters, artifacts, `exitCode` as a string), kept as sent.
    #[serde(default, deserialize_with = "wire::present")]
    pub outputs: Option<Value>,
    /// Ids of the child nodes.
    pub children: Option<Vec<String>>,
    /// The last nodes of this template call.
    pub outbound_nodes: Option<Vec<String>>,
    /// Fields this version does not model (`hostNodeName`, `podIP`, …), kept so that they round-trip.
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

impl NodeStatus {
    /// When the node started (RFC 3339), if it has.
    pub fn started_at(&self) -> Option<&str> {
        self.started_at.as_ref()?.as_deref()
    }

    /// When the node finished (RFC 3339), if it has.
    pub fn finished_at(&self) -> Option<&str> {
        self.finished_at.as_ref()?.as_deref()
    }
}

/// A condition of a run, such as `{type: Completed, status: "True"}`.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Condition {
    /// Condition type: `Completed`, `PodRunning`, `SpecWarning`, `SpecError`, ….
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// `"True"` or `"False"`.
    pub status: Option<String>,
    /// Human-readable detail.
    pub message: Option<String>,
    /// Fields this version does not model, kept so that they round-trip.
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
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
