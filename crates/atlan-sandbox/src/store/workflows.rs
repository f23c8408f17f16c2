//! Workflow and run operations: submit, re-run, update, change owner, delete, stop, schedules and
//! scheduled queries.

use atlan_model::{
    PACKAGE_NAME_KEY, SCHEDULE_ANNOTATION, SCHEDULE_QUERY_PACKAGE, TIMEZONE_ANNOTATION, Workflow,
    decode_value,
};
use std::borrow::Cow;
use std::collections::HashSet;

use atlan_query::parse_date;
use serde_json::{Value, json};

use super::runs::time;
use super::{Creator, Event, Outcome, RunRecord, Store, StoredCredential};
use crate::error::{ApiError, ApiResult};

/// The steps a package's run goes through, by kind of package.
pub(crate) fn package_steps(package: &str) -> Vec<String> {
    let steps: &[&str] = if package.starts_with("csa-") {
        &["prepare", "apply"]
    } else if package.contains("miner") {
        &["mine", "transform", "publish"]
    } else {
        &["extract", "transform", "publish"]
    };
    steps.iter().map(|step| (*step).to_owned()).collect()
}

/// The annotation `key` of a workflow document, if it holds text.
pub(crate) fn annotation<'a>(document: &'a Value, key: &str) -> Option<&'a str> {
    document
        .pointer("/metadata/annotations")
        .and_then(|annotations| annotations.get(key))
        .and_then(Value::as_str)
}

/// The (cluster) WorkflowTemplate a workflow's first task runs, such as `atlan-snowflake`.
pub(crate) fn package_of(document: &Value) -> String {
    document
        .pointer("/spec/templates/0/dag/tasks/0/templateRef/name")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| {
            let name = document
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("workflow");
            atlan_model::WorkflowPackage::of_workflow_id(name)
                .map_or_else(|| name.to_owned(), |p| p.prefix().to_owned())
        })
}

/// Replaces `{{placeholder}}` in every string of `value`.
fn substitute(value: &mut Value, placeholder: &str, replacement: &str) {
    match value {
        Value::String(text) if text.contains(placeholder) => {
            *text = text.replace(placeholder, replacement)
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| substitute(item, placeholder, replacement)),
        Value::Object(map) => map
            .values_mut()
            .for_each(|item| substitute(item, placeholder, replacement)),
        _ => {}
    }
}

/// A WorkflowTemplate document with the fields the server sets: namespace (default `default`), `uid`,
/// `creationTimestamp`, `resourceVersion`, `generation` 1 and, given a creator, the creator labels.
pub(crate) fn template_document(
    mut metadata: Value,
    spec: Value,
    uid: &str,
    created: i64,
    creator: Option<&Creator>,
) -> Value {
    let namespace = metadata
        .get("namespace")
        .cloned()
        .filter(Value::is_string)
        .unwrap_or_else(|| json!("default"));
    crate::json::set(&mut metadata, "namespace", namespace);
    crate::json::set(&mut metadata, "uid", json!(uid));
    crate::json::set(&mut metadata, "creationTimestamp", json!(time(created)));
    crate::json::set(
        &mut metadata,
        "resourceVersion",
        json!((created / 1000).to_string()),
    );
    crate::json::set(&mut metadata, "generation", json!(1));
    if let (Some(creator), Some(labels)) =
        (creator, crate::json::object_member(&mut metadata, "labels"))
    {
        creator.label(labels);
    }
    json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "WorkflowTemplate", "metadata": metadata, "spec": spec})
}

fn decode_workflow(body: Value) -> ApiResult<Workflow> {
    let workflow = decode_value::<Workflow>(body).map_err(|error| {
        ApiError::bad_request(format!("invalid workflow: {error}")).cause(
            "ValidationError",
            error.to_string(),
            error.path(),
        )
    })?;
    check_schedule(&workflow)?;
    Ok(workflow)
}

/// The most workflows a sandbox takes through the API (seeds may hold more): with each body at
/// most 2 MiB, a bound on what clients can make it hold.
pub(crate) const MAX_WORKFLOWS: usize = 100_000;

/// The longest workflow name: a Kubernetes object name (DNS subdomain).
const MAX_WORKFLOW_NAME: usize = 253;

/// A workflow name as Kubernetes accepts it: at most 253 characters, lowercase letters, digits,
/// `-` and `.`, starting and ending with a letter or digit.
fn check_workflow_name(name: &str) -> ApiResult<()> {
    let bytes = name.as_bytes();
    let edge = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    let valid = name.len() <= MAX_WORKFLOW_NAME
        && edge(bytes.first())
        && edge(bytes.last())
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-' || *b == b'.');
    if valid {
        return Ok(());
    }
    let shown: String = name.chars().take(64).collect();
    let reason = format!(
        "metadata.name {shown:?}{}: must be at most {MAX_WORKFLOW_NAME} lowercase letters, digits, '-' or '.', starting and ending with a letter or digit",
        if name.chars().count() > 64 { "…" } else { "" }
    );
    Err(ApiError::bad_request(reason.clone()).cause("ValidationError", reason, "metadata.name"))
}

/// The schedule annotations of a workflow, when present, must be a cron expression Argo reads and
/// an IANA time zone.
fn check_schedule(workflow: &Workflow) -> ApiResult<()> {
    let invalid = |error: atlan_model::InvalidSchedule, location: &str| {
        ApiError::bad_request(error.to_string()).cause(
            "ValidationError",
            error.to_string(),
            location,
        )
    };
    if let Some(cron) = workflow.metadata.annotation(SCHEDULE_ANNOTATION) {
        atlan_model::check_cron(cron).map_err(|error| {
            invalid(
                error,
                "metadata.annotations.orchestration.atlan.com/schedule",
            )
        })?;
    }
    if let Some(timezone) = workflow.metadata.annotation(TIMEZONE_ANNOTATION) {
        atlan_model::check_timezone(timezone).map_err(|error| {
            invalid(
                error,
                "metadata.annotations.orchestration.atlan.com/timezone",
            )
        })?;
    }
    Ok(())
}

/// The `WorkflowResponse` of a stored workflow document.
fn workflow_response(document: &Value) -> Value {
    json!({"metadata": document["metadata"], "spec": document["spec"], "payload": []})
}

impl Store {
    /// A new run of `workflow` (whose stored document is `template`), submitted by `creator`.
    pub(crate) fn new_run(
        &mut self,
        workflow: &str,
        template: &Value,
        creator: Option<Creator>,
    ) -> ApiResult<RunRecord> {
        let package = package_of(template);
        let (failure, lag_ms) = self.fate_of(workflow);
        let (outcome, message, failure) = match failure {
            Some((failure, message)) => (
                if failure.is_error() {
                    Outcome::Error
                } else {
                    Outcome::Failed
                },
                message,
                Some(failure),
            ),
            None => (Outcome::Succeeded, None, None),
        };
        let name = self.new_run_name(workflow)?;
        let uid = self.new_uid();
        Ok(RunRecord {
            name,
            workflow: workflow.to_owned(),
            namespace: template
                .pointer("/metadata/namespace")
                .and_then(Value::as_str)
                .unwrap_or("default")
                .to_owned(),
            uid,
            created: self.now(),
            pending_ms: self.settings().pending_ms,
            running_ms: self.settings().running_ms,
            outcome,
            message,
            stopped_at: None,
            stop_requested: None,
            creator,
            steps: package_steps(&package),
            package,
            package_name: annotation(template, PACKAGE_NAME_KEY).map(str::to_owned),
            failure,
            lag_ms,
            scheduled: None,
            light: false,
            template_spec: Some(template["spec"].clone()),
        })
    }

    /// `POST workflows?submit=true`: stores the workflow (creating the credentials of its payload)
    /// and starts a run. Answers a `WorkflowResponse`.
    pub(crate) fn submit_workflow(&mut self, body: Value, creator: &Creator) -> ApiResult<Value> {
        let workflow = decode_workflow(body)?;
        let name = workflow
            .name()
            .filter(|name| !name.trim().is_empty())
            .ok_or_else(|| {
                ApiError::bad_request("metadata.name is required").cause(
                    "ValidationError",
                    "name is required",
                    "metadata.name",
                )
            })?;
        check_workflow_name(name)?;
        if self.counts().0 >= MAX_WORKFLOWS {
            let reason =
                format!("the sandbox holds at most {MAX_WORKFLOWS} workflows; archive some first");
            return Err(ApiError::bad_request(reason));
        }
        if self.has_workflow(name) {
            return Err(ApiError::conflict(format!(
                "workflowtemplates.argoproj.io \"{name}\" already exists"
            )));
        }
        let name = name.to_owned();
        let now = self.now();
        let mut events = Vec::new();
        let mut spec = serde_json::to_value(&workflow.spec)
            .map_err(|error| ApiError::internal(error.to_string()))?;
        for entry in workflow.payload.iter().flatten() {
            let Some(mut credential) = entry.to_credential() else {
                continue;
            };
            let id = self.new_credential_id();
            credential.id = Some(id.clone());
            let stored =
                StoredCredential::from_request(&credential, id.clone(), now, &creator.username)?;
            events.push(Event::PutCredential { credential: stored });
            if let Some(parameter) = &entry.parameter {
                substitute(&mut spec, &format!("{{{{{parameter}}}}}"), &id);
            }
        }
        let metadata = serde_json::to_value(&workflow.metadata)
            .map_err(|error| ApiError::internal(error.to_string()))?;
        let uid = self.new_uid();
        let document = template_document(metadata, spec, &uid, now, Some(creator));
        let record = self.new_run(&name, &document, Some(creator.clone()))?;
        let response = workflow_response(&document);
        events.push(Event::PutWorkflow {
            name,
            document,
            schedule_since: None,
        });
        events.push(Event::PutRun {
            record: Box::new(record),
        });
        self.commit(events)?;
        Ok(response)
    }

    /// `POST workflows/submit` (and `triggerAsOwner`): a new run of an existing workflow. Answers the
    /// run (a `WorkflowRunResponse`).
    pub(crate) fn rerun(&mut self, body: Value, creator: &Creator) -> ApiResult<Value> {
        let kind = body
            .get("resourceKind")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !matches!(kind, "WorkflowTemplate" | "ClusterWorkflowTemplate") {
            return Err(ApiError::bad_request(format!(
                "resourceKind must be WorkflowTemplate or ClusterWorkflowTemplate, got \"{kind}\""
            ))
            .cause(
                "ValidationError",
                "unsupported resource kind",
                "resourceKind",
            ));
        }
        let name = body
            .get("resourceName")
            .and_then(Value::as_str)
            .filter(|name| !name.is_empty())
            .ok_or_else(|| {
                ApiError::bad_request("resourceName is required").cause(
                    "ValidationError",
                    "resourceName is required",
                    "resourceName",
                )
            })?;
        let template = self.workflow(name).map(Cow::into_owned).ok_or_else(|| {
            ApiError::not_found("workflowtemplates.argoproj.io", &format!("\"{name}\""))
        })?;
        let record = self.new_run(name, &template, Some(creator.clone()))?;
        let run_name = record.name.clone();
        self.commit(vec![Event::PutRun {
            record: Box::new(record),
        }])?;
        self.run_document(&run_name)
            .ok_or_else(|| ApiError::internal("the new run was not stored"))
    }

    /// `POST workflows/{name}`: replaces the workflow's spec, labels and annotations.
    pub(crate) fn update_workflow(&mut self, name: &str, body: Value) -> ApiResult<Value> {
        let existing = self.workflow(name).map(Cow::into_owned).ok_or_else(|| {
            ApiError::not_found("workflowtemplates.argoproj.io", &format!("\"{name}\""))
        })?;
        let workflow = decode_workflow(body)?;
        if workflow.name().is_some_and(|given| given != name) {
            return Err(ApiError::bad_request(format!(
                "metadata.name {:?} does not match the workflow {name}",
                workflow.name().unwrap_or_default()
            )));
        }
        let was_scheduled = annotation(&existing, SCHEDULE_ANNOTATION).is_some();
        let mut document = existing;
        let given = serde_json::to_value(&workflow.metadata)
            .map_err(|error| ApiError::internal(error.to_string()))?;
        let metadata = crate::json::member(&mut document, "metadata");
        for key in ["labels", "annotations"] {
            if let Some(value) = given.get(key) {
                crate::json::set(metadata, key, value.clone());
            }
        }
        crate::json::set(
            &mut document,
            "spec",
            serde_json::to_value(&workflow.spec)
                .map_err(|error| ApiError::internal(error.to_string()))?,
        );
        let generation = document
            .pointer("/metadata/generation")
            .and_then(Value::as_i64)
            .unwrap_or(1)
            + 1;
        let metadata = crate::json::member(&mut document, "metadata");
        crate::json::set(metadata, "generation", json!(generation));
        crate::json::set(
            metadata,
            "resourceVersion",
            json!((self.now() / 1000 + generation).to_string()),
        );
        let response = workflow_response(&document);
        // A schedule added by this update dates from now (its CronWorkflow is created now).
        let schedule_since = (annotation(&document, SCHEDULE_ANNOTATION).is_some()
            && !was_scheduled)
            .then(|| self.now());
        self.commit(vec![Event::PutWorkflow {
            name: name.to_owned(),
            document,
            schedule_since,
        }])?;
        Ok(response)
    }

    /// `POST workflows/{name}/changeownership?username=`: makes `username` the workflow's creator.
    pub(crate) fn change_owner(&mut self, name: &str, username: &str) -> ApiResult<Value> {
        if username.trim().is_empty() {
            return Err(ApiError::bad_request(
                "the username query parameter is required",
            ));
        }
        let mut document = self.workflow(name).map(Cow::into_owned).ok_or_else(|| {
            ApiError::not_found("workflowtemplates.argoproj.io", &format!("\"{name}\""))
        })?;
        let owner = Creator {
            sub: username.to_owned(),
            email: format!("{username}.at.example.com"),
            username: username.to_owned(),
        };
        let metadata = crate::json::member(&mut document, "metadata");
        if let Some(labels) = crate::json::object_member(metadata, "labels") {
            owner.label(labels);
        }
        let response = workflow_response(&document);
        self.commit(vec![Event::PutWorkflow {
            name: name.to_owned(),
            document,
            schedule_since: None,
        }])?;
        Ok(response)
    }

    /// `POST workflows/{name}/archive`: deletes the workflow (its runs stay).
    pub(crate) fn archive_workflow(&mut self, name: &str) -> ApiResult<()> {
        if !self.has_workflow(name) {
            return Err(ApiError::not_found(
                "workflowtemplates.argoproj.io",
                &format!("\"{name}\""),
            ));
        }
        Ok(self.commit(vec![Event::DeleteWorkflow {
            name: name.to_owned(),
        }])?)
    }

    /// `POST runs/{id}/stop`: asks a Pending or Running run to stop, as Argo does: the answer is
    /// the run still active with `spec.shutdown: Stop`; the run is `Failed` with Argo's message
    /// [`StoreSettings::stop_ms`](crate::store::StoreSettings) later. A second stop meanwhile
    /// answers the same; a finished run is a 409.
    pub(crate) fn stop_run(&mut self, name: &str) -> ApiResult<Value> {
        let now = self.now();
        let Some(record) = self.record(name) else {
            return match self.has_run(name) {
                true => Err(ApiError::conflict(format!(
                    "cannot shutdown a completed workflow: workflow: \"{name}\", namespace: \"default\""
                ))),
                false => Err(ApiError::not_found(
                    "workflows.argoproj.io",
                    &format!("\"{name}\""),
                )),
            };
        };
        if record.is_finished(now) {
            return Err(ApiError::conflict(format!(
                "cannot shutdown a completed workflow: workflow: \"{name}\", namespace: \"{}\"",
                record.namespace
            )));
        }
        if record.stop_requested.is_none() {
            let effective = now.saturating_add(self.settings().stop_ms);
            self.commit(vec![Event::StopRun {
                name: name.to_owned(),
                at: now,
                effective: Some(effective),
            }])?;
        }
        self.run_document(name)
            .ok_or_else(|| ApiError::internal("the stopped run was not stored"))
    }

    /// The CronWorkflow of a scheduled workflow, created when its schedule was added.
    fn cron_workflow_of(&self, name: &str, document: &Value) -> Option<Value> {
        let schedule = annotation(document, SCHEDULE_ANNOTATION)?;
        let timezone = annotation(document, TIMEZONE_ANNOTATION).unwrap_or("UTC");
        let metadata = &document["metadata"];
        Some(json!({
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "CronWorkflow",
            "metadata": {
                "name": format!("{name}-cron"),
                "namespace": metadata["namespace"],
                "uid": metadata["uid"],
                "creationTimestamp": self
                    .schedules.since
                    .get(name)
                    .and_then(|since| jiff::Timestamp::from_millisecond(*since).ok())
                    .map_or_else(|| metadata["creationTimestamp"].clone(), |since| json!(since.to_string())),
                "generation": metadata["generation"],
                "resourceVersion": metadata["resourceVersion"],
                "labels": metadata["labels"],
                "annotations": metadata["annotations"],
            },
            "spec": {
                "schedule": schedule,
                "timezone": timezone,
                "concurrencyPolicy": "Replace",
                "startingDeadlineSeconds": 0,
                "successfulJobsHistoryLimit": 3,
                "failedJobsHistoryLimit": 1,
                "suspend": false,
                "workflowSpec": {"workflowTemplateRef": {"name": name}},
                "workflowMetadata": {"labels": {"workflows.argoproj.io/workflow-template": name}},
            },
            "status": {"active": null, "conditions": [], "lastScheduledTime": null},
        }))
    }

    /// `GET runs/cron`: the CronWorkflow of every scheduled workflow.
    /// Only the workflows whose stored text names the schedule annotation are parsed.
    pub(crate) fn cron_workflows(&self) -> Vec<Value> {
        self.workflow_sources()
            .filter(|(_, source)| {
                source
                    .text()
                    .is_none_or(|text| text.contains(SCHEDULE_ANNOTATION))
            })
            .filter_map(|(name, source)| self.cron_workflow_of(name, &source.value()))
            .collect()
    }

    /// `GET runs/cron/{name}-cron`.
    pub(crate) fn cron_workflow(&self, cron_name: &str) -> ApiResult<Value> {
        let not_found =
            || ApiError::not_found("cronworkflows.argoproj.io", &format!("\"{cron_name}\""));
        let name = cron_name.strip_suffix("-cron").ok_or_else(not_found)?;
        let document = self.workflow(name).ok_or_else(not_found)?;
        self.cron_workflow_of(name, &document).ok_or_else(not_found)
    }

    /// `GET runs/cron/{missed,}scheduleQueriesBetweenDuration`: runs of scheduled-query workflows
    /// created between two instants (missed: those that did not succeed).
    pub(crate) fn schedule_query_runs(
        &self,
        start: &str,
        end: &str,
        missed: bool,
    ) -> ApiResult<Vec<Value>> {
        let parse = |text: &str, which: &str| {
            parse_date(text).ok_or_else(|| {
                ApiError::bad_request(format!("{which} must be an ISO 8601 date, got \"{text}\""))
            })
        };
        let (start, end) = (parse(start, "startDate")?, parse(end, "endDate")?);
        let scheduled_queries: HashSet<&str> =
            self.workflows_of_package(SCHEDULE_QUERY_PACKAGE).collect();
        let is_schedule_query =
            |workflow: &str| workflow.starts_with("asq-") || scheduled_queries.contains(workflow);
        // Only the runs of schedule-query workflows are parsed, found by the keyword index.
        Ok(self
            .runs_of_workflows(is_schedule_query)
            .map(|(_, source)| source.value())
            .filter(|run| {
                let created = run
                    .pointer("/metadata/creationTimestamp")
                    .and_then(Value::as_str)
                    .and_then(parse_date);
                let phase = run
                    .pointer("/status/phase")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                created.is_some_and(|created| created >= start && created <= end)
                    && (!missed || matches!(phase, "Failed" | "Error"))
            })
            .map(Cow::into_owned)
            .collect())
    }
}
