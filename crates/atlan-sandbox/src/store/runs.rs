//! A run: a small record of when it was submitted and how it will go, and the Argo `Workflow`
//! document it is at any instant (phase, times, nodes, progress, labels), built the way Argo builds
//! them (see `shared/reference/argo/FIELDS.md`).

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::failure::Failure;

/// How a run ends when nobody stops it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Outcome {
    Succeeded,
    Failed,
    Error,
}

impl Outcome {
    fn phase(self) -> &'static str {
        match self {
            Self::Succeeded => "Succeeded",
            Self::Failed => "Failed",
            Self::Error => "Error",
        }
    }
}

/// Who submitted a run, as Argo Server writes it into the creator labels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Creator {
    pub(crate) sub: String,
    pub(crate) email: String,
    pub(crate) username: String,
}

impl Creator {
    /// Writes the creator labels Argo Server sets (`workflows.argoproj.io/creator*`).
    pub(crate) fn label(&self, labels: &mut Map<String, Value>) {
        labels.insert("workflows.argoproj.io/creator".into(), json!(self.sub));
        labels.insert(
            "workflows.argoproj.io/creator-email".into(),
            json!(self.email),
        );
        labels.insert(
            "workflows.argoproj.io/creator-preferred-username".into(),
            json!(self.username),
        );
    }
}

/// Everything needed to build a run's document at any instant. Times are epoch milliseconds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct RunRecord {
    pub(crate) name: String,
    pub(crate) workflow: String,
    pub(crate) namespace: String,
    pub(crate) uid: String,
    pub(crate) created: i64,
    pub(crate) pending_ms: i64,
    pub(crate) running_ms: i64,
    pub(crate) outcome: Outcome,
    pub(crate) message: Option<String>,
    /// When the run ends Failed because it was stopped (when it has not ended before).
    pub(crate) stopped_at: Option<i64>,
    /// When the stop was asked for: from then on the spec carries `shutdown: Stop` while the
    /// controller has not yet failed the run (a tenant answers a stop still `Running`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) stop_requested: Option<i64>,
    pub(crate) creator: Option<Creator>,
    /// The (cluster) WorkflowTemplate the package runs, such as `atlan-snowflake`.
    pub(crate) package: String,
    /// The package annotation, such as `@atlan/snowflake`.
    pub(crate) package_name: Option<String>,
    pub(crate) steps: Vec<String>,
    /// How it fails (with `outcome` Failed or Error): the step, the cause, the retries. Runs
    /// written before causes existed have none (exit code 1, or `pod deleted` for Error).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) failure: Option<Failure>,
    /// How long after each change searches see it (the index lag of its workflow when it was
    /// submitted).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub(crate) lag_ms: i64,
    /// The due time of the schedule that started it (epoch milliseconds), for a scheduled run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) scheduled: Option<i64>,
    /// Light runs (synthetic bulk data) carry no nodes or stored templates.
    pub(crate) light: bool,
    /// The workflow's spec when the run was submitted (for `status.storedWorkflowTemplateSpec`).
    pub(crate) template_spec: Option<Value>,
}

fn is_zero(value: &i64) -> bool {
    *value == 0
}

/// The message Argo sets on a run stopped with the `Stop` strategy.
pub(crate) const STOPPED_MESSAGE: &str = "Stopped with strategy 'Stop'";

/// What a run is doing at an instant.
#[derive(Debug, Clone, PartialEq)]
enum State {
    Pending,
    Running,
    Done {
        phase: &'static str,
        finished: i64,
        message: Option<String>,
    },
}

impl State {
    /// The phase Argo shows.
    fn phase(&self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::Running => "Running",
            Self::Done { phase, .. } => phase,
        }
    }

    /// The phase of the DAG nodes: Running until the run is done.
    fn phase_while_running(&self) -> &'static str {
        match self {
            Self::Done { phase, .. } => phase,
            _ => "Running",
        }
    }

    fn is_done(&self) -> bool {
        matches!(self, Self::Done { .. })
    }

    /// When the run finished, once it has.
    fn finished(&self) -> Option<i64> {
        match self {
            Self::Done { finished, .. } => Some(*finished),
            _ => None,
        }
    }
}

/// Which steps of a run have run at an instant.
#[derive(Debug, Clone, Copy)]
struct StepWindow {
    /// Steps finished.
    finished: usize,
    /// Steps shown (finished, and the one running or failed).
    shown: usize,
    /// Whether the last shown step failed.
    failed_last: bool,
    /// How long a step takes.
    step_ms: i64,
}

impl StepWindow {
    /// `status.progress`: `finished/shown`, `0/0` while Pending.
    fn progress(&self, state: &State) -> String {
        if matches!(state, State::Pending) {
            "0/0".to_owned()
        } else {
            format!("{}/{}", self.finished, self.shown)
        }
    }
}

impl RunRecord {
    fn start(&self) -> i64 {
        self.created + self.pending_ms
    }

    fn end(&self) -> i64 {
        self.start() + self.running_ms
    }

    /// When a stop takes effect: only before the run would have ended by itself.
    fn stop_effective(&self) -> Option<i64> {
        self.stopped_at.filter(|stopped| *stopped < self.end())
    }

    fn state(&self, now: i64) -> State {
        if let Some(stopped) = self.stop_effective().filter(|stopped| *stopped <= now) {
            return State::Done {
                phase: "Failed",
                finished: stopped,
                message: Some(STOPPED_MESSAGE.to_owned()),
            };
        }
        if now < self.start() {
            State::Pending
        } else if now < self.end() {
            State::Running
        } else {
            State::Done {
                phase: self.outcome.phase(),
                finished: self.end(),
                message: self.failure_message(),
            }
        }
    }

    fn failure_message(&self) -> Option<String> {
        match self.outcome {
            Outcome::Succeeded => None,
            // A failed DAG sets no workflow-level message in Argo; an error does.
            Outcome::Failed => self.message.clone(),
            Outcome::Error => Some(
                self.message
                    .clone()
                    .unwrap_or_else(|| "pod deleted".to_owned()),
            ),
        }
    }

    /// Whether the run has completed by `now`.
    pub(crate) fn is_finished(&self, now: i64) -> bool {
        matches!(self.state(now), State::Done { .. })
    }

    /// The next instant after `now` at which the document changes (a phase or a step), if any.
    pub(crate) fn next_change(&self, now: i64) -> Option<i64> {
        if self.is_finished(now) {
            return None;
        }
        let mut times = vec![self.start(), self.end()];
        times.extend(self.stop_effective());
        if !self.light {
            let (count, step) = self.step_plan();
            times.extend((1..count).map(|i| self.start() + step * i64::try_from(i).unwrap_or(0)));
        }
        times.into_iter().filter(|time| *time > now).min()
    }

    /// How many steps run, and how long each takes.
    fn step_plan(&self) -> (usize, i64) {
        let total = self.steps.len().max(1);
        let count = match (self.outcome, &self.failure) {
            (Outcome::Succeeded, _) => total,
            (_, Some(failure)) => failure.step_index(&self.steps) + 1,
            (Outcome::Failed | Outcome::Error, None) => total.div_ceil(2),
        };
        (
            count,
            (self.running_ms / i64::try_from(count).unwrap_or(1)).max(1),
        )
    }

    /// The run's document at `now`.
    pub(crate) fn document(&self, now: i64) -> Value {
        let state = self.state(now);
        let generation = match state {
            State::Pending => 1,
            State::Running => 3,
            State::Done { .. } => 7,
        };
        json!({
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "Workflow",
            "metadata": {
                "name": self.name,
                "namespace": self.namespace,
                "generateName": format!("{}-", self.workflow),
                "uid": self.uid,
                "resourceVersion": (self.created / 1000 + generation).to_string(),
                "generation": generation,
                "creationTimestamp": time(self.created),
                "labels": self.labels(&state),
                "annotations": self.annotations(),
            },
            "spec": self.spec(now),
            "status": self.status(&state, now),
        })
    }

    /// The labels Argo keeps on a run: completion, phase, template and creator.
    fn labels(&self, state: &State) -> Map<String, Value> {
        let mut labels = Map::new();
        labels.insert(
            "workflows.argoproj.io/completed".into(),
            json!(if state.is_done() { "true" } else { "false" }),
        );
        labels.insert("workflows.argoproj.io/phase".into(), json!(state.phase()));
        labels.insert(
            "workflows.argoproj.io/workflow-template".into(),
            json!(self.workflow),
        );
        if let Some(creator) = &self.creator {
            creator.label(&mut labels);
        }
        if self.scheduled.is_some() {
            labels.insert(
                "workflows.argoproj.io/cron-workflow".into(),
                json!(format!("{}-cron", self.workflow)),
            );
        }
        labels
    }

    fn annotations(&self) -> Map<String, Value> {
        let mut annotations = Map::new();
        annotations.insert("workflows.argoproj.io/pod-name-format".into(), json!("v2"));
        if let Some(package) = &self.package_name {
            annotations.insert("package.argoproj.io/name".into(), json!(package));
        }
        if let Some(at) = self.scheduled {
            annotations.insert(
                "workflows.argoproj.io/scheduled-time".into(),
                json!(time(at)),
            );
        }
        annotations
    }

    fn spec(&self, now: i64) -> Value {
        let mut spec = json!({"arguments": {}, "workflowTemplateRef": {"name": self.workflow}});
        if self
            .stop_requested
            .or(self.stopped_at)
            .is_some_and(|asked| asked <= now)
        {
            crate::json::set(&mut spec, "shutdown", json!("Stop"));
        }
        spec
    }

    /// `status`: phase, times, progress, message, conditions and (for full runs that have started)
    /// nodes and the stored template.
    fn status(&self, state: &State, now: i64) -> Map<String, Value> {
        let started = match state {
            State::Pending => None,
            State::Done { finished, .. } if *finished < self.start() => None,
            _ => Some(self.start()),
        };
        let window = self.step_window(state, now);
        let mut status = Map::new();
        status.insert("phase".into(), json!(state.phase()));
        status.insert(
            "startedAt".into(),
            started.map_or(Value::Null, |at| json!(time(at))),
        );
        status.insert(
            "finishedAt".into(),
            state.finished().map_or(Value::Null, |at| json!(time(at))),
        );
        status.insert("progress".into(), json!(window.progress(state)));
        if let State::Done {
            message: Some(message),
            ..
        } = state
        {
            status.insert("message".into(), json!(message));
        }
        if !matches!(state, State::Pending) {
            let mut conditions = vec![
                json!({"type": "PodRunning", "status": if matches!(state, State::Running) { "True" } else { "False" }}),
            ];
            if state.is_done() {
                conditions.push(json!({"type": "Completed", "status": "True"}));
            }
            status.insert("conditions".into(), Value::Array(conditions));
        }
        if self.light || matches!(state, State::Pending) {
            return status;
        }
        let (nodes, resources) = self.nodes(state, &window);
        if state.is_done() {
            status.insert("resourcesDuration".into(), resources);
        }
        status.insert("nodes".into(), Value::Object(nodes));
        status.insert("artifactGCStatus".into(), json!({"notSpecified": true}));
        if let Some(spec) = &self.template_spec {
            let mut stored = spec.clone();
            crate::json::set(&mut stored, "arguments", json!({}));
            crate::json::set(
                &mut stored,
                "workflowTemplateRef",
                json!({"name": self.workflow}),
            );
            status.insert("storedWorkflowTemplateSpec".into(), stored);
        }
        status
    }

    fn step(&self, index: usize) -> &str {
        self.steps.get(index).map_or("run", String::as_str)
    }
}

/// An instant as Kubernetes writes it: RFC 3339, UTC, whole seconds.
pub(crate) fn time(millis: i64) -> String {
    Timestamp::from_millisecond(millis.div_euclid(1000) * 1000)
        .map(|at| at.to_string())
        .unwrap_or_default()
}

mod nodes;
#[cfg(test)]
mod tests;
