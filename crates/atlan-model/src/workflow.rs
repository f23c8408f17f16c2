//! Argo workflow objects as Atlan sends and receives them: the workflow (a WorkflowTemplate plus the
//! credential payload), its spec, templates, DAG tasks and parameters.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

use crate::credential::Credential;
use crate::meta::ObjectMeta;
use crate::secret::{Redacted, RedactedValues};
use crate::wire::wire_object;

wire_object! {
    /// A workflow as sent to Atlan to create (`workflows?submit=true`) or update
    /// (`workflows/{name}`) it: Argo metadata and spec, plus the `payload` of package parameters
    /// (such as the credential the package will use).
    ///
    /// ```
    /// use atlan_model::{decode, Workflow};
    ///
    /// let body = br#"{"metadata":{"name":"atlan-snowflake-1714638976"},
    ///   "spec":{"templates":[{"name":"main","dag":{"tasks":[{"name":"run",
    ///   "arguments":{"parameters":[{"name":"enable-lineage","value":"false"}]}}]}}]}}"#;
    /// let mut workflow: Workflow = decode(body)?;
    /// workflow.set_parameter("enable-lineage", true)?;
    /// assert_eq!(workflow.parameter("enable-lineage"), Some(&serde_json::Value::Bool(true)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub struct Workflow {
        /// Object metadata (name, namespace, labels, annotations).
        req "metadata" metadata: ObjectMeta,
        /// The Argo spec.
        req "spec" spec: WorkflowSpec,
        /// Package parameters sent with the workflow, such as credentials to create.
        opt "payload" payload: Vec<PackageParameter>,
    }
}

impl Workflow {
    /// A workflow from metadata and spec, with an empty payload (what pyatlan sends on update).
    pub fn new(metadata: ObjectMeta, spec: WorkflowSpec) -> Self {
        Self {
            metadata,
            spec,
            payload: Some(Vec::new()),
            ..Self::default()
        }
    }

    /// The workflow's name (its id), such as `atlan-snowflake-miner-1714638976`.
    pub fn name(&self) -> Option<&str> {
        self.metadata.name()
    }

    /// The value of a parameter of the first DAG task (see [`WorkflowSpec::parameter`]).
    pub fn parameter(&self, name: &str) -> Option<&Value> {
        self.spec.parameter(name)
    }

    /// Sets an existing parameter of the first DAG task (see [`WorkflowSpec::set_parameter`]).
    ///
    /// # Errors
    /// [`ParameterError`] when the workflow has no DAG task or that task has no such parameter.
    pub fn set_parameter(
        &mut self,
        name: &str,
        value: impl Into<Value>,
    ) -> Result<Value, ParameterError> {
        self.spec.set_parameter(name, value)
    }
}

wire_object! {
    /// The Argo `WorkflowSpec` of a workflow or run.
    pub struct WorkflowSpec {
        /// Name of the template to start with (Atlan packages use `main`).
        opt "entrypoint" entrypoint: String,
        /// Workflow-level arguments.
        opt "arguments" arguments: Arguments,
        /// The templates (Argo writes `null` on runs created from a `workflowTemplateRef`).
        opt "templates" templates: Vec<WorkflowTemplate>,
        /// On a run: the WorkflowTemplate it was submitted from.
        opt "workflowTemplateRef" workflow_template_ref: WorkflowTemplateRef,
        /// Metadata copied onto each run of this workflow.
        opt "workflowMetadata" workflow_metadata: ObjectMeta,
    }
}

impl WorkflowSpec {
    /// The templates (empty when absent or `null`).
    pub fn templates(&self) -> &[WorkflowTemplate] {
        self.templates.as_deref().unwrap_or_default()
    }

    /// Mutable access to the templates (empty when absent or `null`).
    pub fn templates_mut(&mut self) -> &mut [WorkflowTemplate] {
        self.templates.as_deref_mut().unwrap_or_default()
    }

    /// Every DAG task of every template, in order.
    pub fn tasks(&self) -> impl Iterator<Item = &DagTask> {
        self.templates()
            .iter()
            .filter_map(|template| template.dag.as_ref())
            .flat_map(|dag| dag.tasks.iter())
    }

    /// Mutable access to every DAG task of every template, in order.
    pub fn tasks_mut(&mut self) -> impl Iterator<Item = &mut DagTask> {
        self.templates_mut()
            .iter_mut()
            .filter_map(|template| template.dag.as_mut())
            .flat_map(|dag| dag.tasks.iter_mut())
    }

    /// The first DAG task: for an Atlan package, the task (`run`) whose arguments configure it.
    pub fn first_task(&self) -> Option<&DagTask> {
        self.tasks().next()
    }

    /// Mutable access to the first DAG task.
    pub fn first_task_mut(&mut self) -> Option<&mut DagTask> {
        self.tasks_mut().next()
    }

    /// The first DAG task with this name.
    pub fn task(&self, name: &str) -> Option<&DagTask> {
        self.tasks().find(|task| task.name == name)
    }

    /// Mutable access to the first DAG task with this name.
    pub fn task_mut(&mut self, name: &str) -> Option<&mut DagTask> {
        self.tasks_mut().find(|task| task.name == name)
    }

    /// The value of a parameter of the first DAG task (`templates[0].dag.tasks[0]`, as in the
    /// "update workflow configuration" recipe).
    pub fn parameter(&self, name: &str) -> Option<&Value> {
        self.first_task()?.parameter(name)
    }

    /// Sets an existing parameter of the first DAG task and returns its previous value.
    ///
    /// Only an existing parameter is changed, so that a misspelt name is an error rather than a new
    /// parameter the package ignores; use [`DagTask::insert_parameter`] to add one.
    ///
    /// # Errors
    /// [`ParameterError::NoTask`] when there is no DAG task, [`ParameterError::Unknown`] when the first
    /// task has no parameter of that name.
    pub fn set_parameter(
        &mut self,
        name: &str,
        value: impl Into<Value>,
    ) -> Result<Value, ParameterError> {
        self.first_task_mut()
            .ok_or(ParameterError::NoTask)?
            .set_parameter(name, value)
    }
}

/// Why a parameter could not be set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParameterError {
    /// The workflow has no template with a DAG task.
    #[error("the workflow has no DAG task to configure")]
    NoTask,
    /// The task has no parameter of that name.
    #[error("task `{task}` has no parameter `{name}`; it has: {}", .available.join(", "))]
    Unknown {
        /// The task that was searched.
        task: String,
        /// The parameter that was asked for.
        name: String,
        /// The parameters the task does have.
        available: Vec<String>,
    },
}

wire_object! {
    /// One template of a workflow spec (Argo `Template`); Atlan packages have one, `main`, with a
    /// DAG. Fields this version does not model (`container`, `steps`, `script`, …) are in `other`.
    pub struct WorkflowTemplate {
        /// Template name.
        opt "name" name: String,
        /// Declared inputs, kept as sent.
        opt "inputs" inputs: Value,
        /// Declared outputs, kept as sent.
        opt "outputs" outputs: Value,
        /// Pod metadata, kept as sent.
        opt "metadata" metadata: Value,
        /// The DAG, for a DAG template.
        opt "dag" dag: Dag,
    }
}

wire_object! {
    /// An Argo DAG template body.
    pub struct Dag {
        /// The tasks of the DAG.
        req "tasks" tasks: Vec<DagTask>,
    }
}

wire_object! {
    /// One task of a DAG.
    pub struct DagTask {
        /// Task name (Atlan packages use `run`).
        req "name" name: String,
        /// Arguments passed to the task: the package's configuration.
        opt "arguments" arguments: Arguments,
        /// The (cluster) WorkflowTemplate this task runs, such as `atlan-snowflake`.
        opt "templateRef" template_ref: TemplateRef,
        /// A template of the same workflow this task runs.
        opt "template" template: String,
        /// Dependency expression, such as `A && B`.
        opt "depends" depends: String,
    }
}

impl DagTask {
    /// A task with a name and nothing else.
    pub fn named(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }

    /// The task's parameters (empty when it has none).
    pub fn parameters(&self) -> &[Parameter] {
        self.arguments
            .as_ref()
            .and_then(|arguments| arguments.parameters.as_deref())
            .unwrap_or_default()
    }

    /// The value of a parameter.
    pub fn parameter(&self, name: &str) -> Option<&Value> {
        self.parameters()
            .iter()
            .find(|parameter| parameter.name == name)?
            .value
            .as_ref()
    }

    /// Sets an existing parameter and returns its previous value (`Null` when it had none).
    ///
    /// # Errors
    /// [`ParameterError::Unknown`] when the task has no parameter of that name.
    pub fn set_parameter(
        &mut self,
        name: &str,
        value: impl Into<Value>,
    ) -> Result<Value, ParameterError> {
        let found = self
            .arguments
            .as_mut()
            .and_then(|arguments| arguments.parameters.as_mut())
            .and_then(|parameters| parameters.iter_mut().find(|p| p.name == name));
        match found {
            Some(parameter) => Ok(parameter.value.replace(value.into()).unwrap_or_default()),
            None => Err(ParameterError::Unknown {
                task: self.name.clone(),
                name: name.to_owned(),
                available: self.parameters().iter().map(|p| p.name.clone()).collect(),
            }),
        }
    }

    /// Sets a parameter, adding it when the task does not have it; returns the previous value.
    pub fn insert_parameter(&mut self, name: &str, value: impl Into<Value>) -> Option<Value> {
        let parameters = self
            .arguments
            .get_or_insert_with(Arguments::default)
            .parameters
            .get_or_insert_with(Vec::new);
        match parameters.iter_mut().find(|p| p.name == name) {
            Some(parameter) => parameter.value.replace(value.into()),
            None => {
                parameters.push(Parameter::new(name, value));
                None
            }
        }
    }
}

wire_object! {
    /// Arguments of a workflow or task (`artifacts` and the rest are kept in `other`).
    pub struct Arguments {
        /// Named parameters.
        opt "parameters" parameters: Vec<Parameter>,
    }
}

wire_object! {
    /// A named parameter. Its value is any JSON: Atlan sends strings, booleans and numbers.
    pub struct Parameter {
        /// Parameter name, such as `enable-lineage`.
        req "name" name: String,
        /// Parameter value.
        opt "value" value: Value,
    }
}

impl Parameter {
    /// A parameter with a name and a value.
    pub fn new(name: impl Into<String>, value: impl Into<Value>) -> Self {
        Self {
            name: name.into(),
            value: Some(value.into()),
            ..Self::default()
        }
    }
}

wire_object! {
    /// A reference from a DAG task to a template of a (cluster) WorkflowTemplate.
    pub struct TemplateRef {
        /// Name of the WorkflowTemplate, such as `atlan-snowflake`.
        opt "name" name: String,
        /// Template within it, such as `main`.
        opt "template" template: String,
        /// Whether it is a ClusterWorkflowTemplate.
        opt "clusterScope" cluster_scope: bool,
    }
}

wire_object! {
    /// On a run: the WorkflowTemplate the run was submitted from (`spec.workflowTemplateRef`).
    pub struct WorkflowTemplateRef {
        /// Name of the WorkflowTemplate: the workflow id, such as `atlan-snowflake-miner-1714638976`.
        opt "name" name: String,
        /// Whether it is a ClusterWorkflowTemplate.
        opt "clusterScope" cluster_scope: bool,
    }
}

wire_object! {
    @manual_debug
    /// One entry of a workflow's `payload`: a parameter the package resolves on the server, such as
    /// the credential to create (`type: "credential"`, whose `body` is a [`Credential`]).
    ///
    /// `Debug` never shows a secret: a credential body is shown as a [`Credential`] (password and
    /// `extra` values redacted), and any other body with its values redacted.
    pub struct PackageParameter {
        /// The placeholder this resolves, such as `credentialGuid`.
        opt "parameter" parameter: String,
        /// What kind of value it is, such as `credential`.
        opt "type" kind: String,
        /// The value, kept as sent (it may contain secrets).
        opt "body" body: Value,
    }
}

/// The payload `type` of a credential.
const CREDENTIAL_KIND: &str = "credential";

impl PackageParameter {
    /// A `credential` payload entry for placeholder `parameter`.
    ///
    /// # Errors
    /// Only if the credential cannot be represented as JSON, which does not happen for values built
    /// through this crate.
    pub fn credential(
        parameter: impl Into<String>,
        credential: &Credential,
    ) -> Result<Self, serde_json::Error> {
        Ok(Self {
            parameter: Some(parameter.into()),
            kind: Some(CREDENTIAL_KIND.to_owned()),
            body: Some(serde_json::to_value(credential)?),
            ..Self::default()
        })
    }

    /// The body as a [`Credential`], when this is a credential entry and the body decodes as one.
    pub fn to_credential(&self) -> Option<Credential> {
        if self.kind.as_deref() != Some(CREDENTIAL_KIND) {
            return None;
        }
        serde_json::from_value(self.body.clone()?).ok()
    }
}

impl fmt::Debug for PackageParameter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("PackageParameter");
        out.field("parameter", &self.parameter)
            .field("kind", &self.kind);
        match (self.to_credential(), &self.body) {
            (Some(credential), _) => out.field("body", &credential),
            (None, Some(Value::Object(map))) => {
                let map: BTreeMap<String, Value> = map.clone().into_iter().collect();
                out.field("body", &RedactedValues(&map))
            }
            (None, Some(_)) => out.field("body", &Redacted),
            (None, None) => out.field("body", &Option::<()>::None),
        };
        out.field("other", &RedactedValues(&self.other)).finish()
    }
}

wire_object! {
    /// What Atlan answers to a workflow create or update: the stored workflow.
    pub struct WorkflowResponse {
        /// Object metadata.
        opt "metadata" metadata: ObjectMeta,
        /// The Argo spec.
        opt "spec" spec: WorkflowSpec,
        /// The package parameters, as the server returns them.
        opt "payload" payload: Vec<PackageParameter>,
    }
}
