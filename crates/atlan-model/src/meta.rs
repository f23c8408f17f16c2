//! Kubernetes object metadata, and the label and annotation keys Atlan and Argo rely on.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_with::skip_serializing_none;

/// The label Argo writes at every phase change of a run (`Running`, `Succeeded`, …).
pub const PHASE_LABEL: &str = "workflows.argoproj.io/phase";
/// The label naming who submitted a run (set by Argo Server from the caller's identity).
pub const CREATOR_LABEL: &str = "workflows.argoproj.io/creator";
/// The label that is `"false"` while a run is going and `"true"` once it has completed.
pub const COMPLETED_LABEL: &str = "workflows.argoproj.io/completed";
/// The label naming the WorkflowTemplate a run was submitted from.
pub const WORKFLOW_TEMPLATE_LABEL: &str = "workflows.argoproj.io/workflow-template";
/// The annotation (and label) naming the Atlan package, such as `@atlan/snowflake`.
pub const PACKAGE_NAME_KEY: &str = "package.argoproj.io/name";
/// The annotation holding a workflow's cron schedule.
pub const SCHEDULE_ANNOTATION: &str = "orchestration.atlan.com/schedule";
/// The annotation holding the time zone of a workflow's cron schedule.
pub const TIMEZONE_ANNOTATION: &str = "orchestration.atlan.com/timezone";

/// Kubernetes `ObjectMeta`: the fields Atlan and Argo use, plus everything else kept in
/// [`other`](Self::other).
///
/// `creationTimestamp` is kept exactly as sent: absent, `null` (Kubernetes writes the zero time as
/// `null`) or an RFC 3339 string; read it with [`creation_timestamp`](Self::creation_timestamp).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ObjectMeta {
    /// Name of the object: a workflow id such as `atlan-snowflake-miner-1714638976`, or a run id.
    pub name: Option<String>,
    /// Namespace (Atlan uses `default`).
    pub namespace: Option<String>,
    /// Prefix from which the server generates `name`.
    pub generate_name: Option<String>,
    /// Unique id assigned by the server.
    pub uid: Option<String>,
    /// Opaque version used for optimistic concurrency.
    pub resource_version: Option<String>,
    /// Sequence number of the desired state.
    pub generation: Option<i64>,
    /// When the object was created: absent, `Some(None)` for JSON `null`, or `Some(Some(rfc3339))`.
    #[serde(default, with = "serde_with::rust::double_option")]
    pub creation_timestamp: Option<Option<String>>,
    /// Labels (selectable key/value pairs).
    pub labels: Option<BTreeMap<String, String>>,
    /// Annotations (non-selectable key/value pairs).
    pub annotations: Option<BTreeMap<String, String>>,
    /// Server-side apply bookkeeping, kept as sent.
    pub managed_fields: Option<Vec<Value>>,
    /// Fields this version does not model, kept so that they round-trip.
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

impl ObjectMeta {
    /// Metadata with only a name.
    pub fn named(name: impl Into<String>) -> Self {
        Self {
            name: Some(name.into()),
            ..Self::default()
        }
    }

    /// The name, if any.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The creation timestamp as an RFC 3339 string, if set and not `null`.
    pub fn creation_timestamp(&self) -> Option<&str> {
        self.creation_timestamp.as_ref()?.as_deref()
    }

    /// The value of a label.
    pub fn label(&self, key: &str) -> Option<&str> {
        self.labels.as_ref()?.get(key).map(String::as_str)
    }

    /// The value of an annotation.
    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.annotations.as_ref()?.get(key).map(String::as_str)
    }

    /// Sets a label, creating the map if needed; returns the previous value.
    pub fn set_label(
        &mut self,
        key: impl Into<String>,
        value: impl Into<String>,
    ) -> Option<String> {
        self.labels
            .get_or_insert_with(BTreeMap::new)
            .insert(key.into(), value.into())
    }

    /// Sets an annotation, creating the map if needed; returns the previous value.
    pub fn set_annotation(
        &mut self,
        key: impl Into<String>,
        value: impl Into<String>,
    ) -> Option<String> {
        self.annotations
            .get_or_insert_with(BTreeMap::new)
            .insert(key.into(), value.into())
    }

    /// Removes an annotation; returns its value. An annotation map left empty is kept (empty).
    pub fn remove_annotation(&mut self, key: &str) -> Option<String> {
        self.annotations.as_mut()?.remove(key)
    }
}
