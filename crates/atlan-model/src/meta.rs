//! Kubernetes object metadata, and the label and annotation keys Atlan and Argo rely on.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::wire::wire_object;

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
/// The package name of scheduled-query workflows (the [`PACKAGE_NAME_KEY`] annotation's value).
pub const SCHEDULE_QUERY_PACKAGE: &str = "@atlan/schedule-query";
/// The annotation holding a workflow's cron schedule.
pub const SCHEDULE_ANNOTATION: &str = "orchestration.atlan.com/schedule";
/// The annotation holding the time zone of a workflow's cron schedule.
pub const TIMEZONE_ANNOTATION: &str = "orchestration.atlan.com/timezone";

wire_object! {
    /// Kubernetes `ObjectMeta`: the fields Atlan and Argo use, plus everything else kept in
    /// [`other`](Self::other).
    pub struct ObjectMeta {
        /// Name of the object: a workflow id such as `atlan-snowflake-miner-1714638976`, or a run id.
        opt "name" name: String,
        /// Namespace (Atlan uses `default`).
        opt "namespace" namespace: String,
        /// Prefix from which the server generates `name`.
        opt "generateName" generate_name: String,
        /// Unique id assigned by the server.
        opt "uid" uid: String,
        /// Opaque version used for optimistic concurrency.
        opt "resourceVersion" resource_version: String,
        /// Sequence number of the desired state.
        opt "generation" generation: i64,
        /// When the object was created (RFC 3339; Kubernetes writes the zero time as `null`).
        opt "creationTimestamp" creation_timestamp: String,
        /// Labels (selectable key/value pairs).
        opt "labels" labels: BTreeMap<String, String>,
        /// Annotations (non-selectable key/value pairs).
        opt "annotations" annotations: BTreeMap<String, String>,
        /// Server-side apply bookkeeping, kept as sent.
        opt "managedFields" managed_fields: Vec<Value>,
    }
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
