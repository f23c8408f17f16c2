//! A run: a small record of when it was submitted and how it will go, and the Argo `Workflow`
//! document it is at any instant (phase, times, nodes, progress, labels), built the way Argo builds
//! them (see `shared/reference/argo/FIELDS.md`).

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::failure::Failure;
use crate::ids::fnv32a;

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

    /// Which steps have run at `state`: how many finished, how many are shown, and whether the
    /// last shown one failed.
    fn step_window(&self, state: &State, now: i64) -> StepWindow {
        let (count, step_ms) = self.step_plan();
        let start = self.start();
        let done_by = |at: i64| {
            usize::try_from((at - start).max(0) / step_ms)
                .unwrap_or(0)
                .min(count - 1)
        };
        let (finished, shown, failed_last) = match state {
            State::Pending => (0, 0, false),
            State::Running => {
                let done = done_by(now);
                (done, done + 1, false)
            }
            State::Done {
                phase: "Succeeded", ..
            } => (count, count, false),
            State::Done { finished, .. } => {
                let done = done_by(*finished);
                (done, done + 1, true)
            }
        };
        StepWindow {
            finished,
            shown,
            failed_last,
            step_ms,
        }
    }

    /// The nodes of a started run (a Pod per step shown, the `run` DAG and the root DAG) and the
    /// total resource usage of its finished steps.
    fn nodes(&self, state: &State, window: &StepWindow) -> (Map<String, Value>, Value) {
        let step_ids: Vec<String> = (0..window.shown)
            .map(|i| {
                format!(
                    "{}-{}",
                    self.name,
                    fnv32a(&format!("{}.run.{}", self.name, self.step(i)))
                )
            })
            .collect();
        let mut nodes = Map::new();
        let (mut cpu, mut memory) = (0, 0);
        for (i, id) in step_ids.iter().enumerate() {
            let (mut node, usage) = self.step_node(i, state, window, &step_ids);
            if let Some((step_cpu, step_memory)) = usage {
                cpu += step_cpu;
                memory += step_memory;
            }
            if let Some(Value::Object(attempts)) = node
                .as_object_mut()
                .and_then(|node| node.remove("attempts"))
            {
                nodes.extend(attempts);
            }
            nodes.insert(id.clone(), node);
        }
        let resources = json!({"cpu": cpu, "memory": memory});
        for (id, node) in self.dag_nodes(state, window, &step_ids, &resources) {
            nodes.insert(id, node);
        }
        (nodes, resources)
    }

    /// The Pod node of step `i`, and its resource usage once it has finished.
    fn step_node(
        &self,
        i: usize,
        state: &State,
        window: &StepWindow,
        step_ids: &[String],
    ) -> (Value, Option<(i64, i64)>) {
        let step = self.step(i);
        let node_name = format!("{}.run.{step}", self.name);
        let step_ms = window.step_ms;
        let offset = |steps: usize| step_ms * i64::try_from(steps).unwrap_or(0);
        let step_start = self.start() + offset(i) + 1_000.min(step_ms / 10);
        let (phase, end, message, exit) = if i < window.finished {
            (
                "Succeeded",
                Some(self.start() + offset(i + 1)),
                None,
                Some(0),
            )
        } else if window.failed_last {
            let (phase, message, exit) = self.failed_step(state);
            (phase, state.finished(), Some(message), exit)
        } else {
            ("Running", None, None, None)
        };
        let mut node = json!({
            "id": step_ids.get(i).cloned().unwrap_or_default(),
            "name": node_name,
            "displayName": step,
            "type": "Pod",
            "templateName": step,
            "templateRef": {"name": self.package, "template": step, "clusterScope": true},
            "templateScope": format!("cluster/{}", self.package),
            "boundaryID": self.run_node_id(),
            "phase": phase,
            "startedAt": time(step_start),
            "finishedAt": end.map_or(Value::Null, |end| json!(time(end))),
            "progress": if phase == "Succeeded" { "1/1" } else { "0/1" },
            "hostNodeName": format!("ip-10-0-{}-{}.ec2.internal", i + 1, 17 + i * 31),
        });
        if let Some(message) = &message {
            crate::json::set(&mut node, "message", json!(message));
        }
        if let Some(next) = step_ids.get(i + 1) {
            crate::json::set(&mut node, "children", json!([next]));
        }
        let Some(end) = end else {
            return (node, None);
        };
        let seconds = (end - step_start) / 1000;
        let usage = (seconds / 10 + 1, seconds / 4 + 2);
        crate::json::set(
            &mut node,
            "resourcesDuration",
            json!({"cpu": usage.0, "memory": usage.1}),
        );
        crate::json::set(&mut node, "outputs", self.outputs(&node_name, step, exit));
        let retries = self.failure.as_ref().map_or(0, |failure| failure.retries);
        if phase != "Succeeded" && retries > 0 {
            return (self.retried(node, step_start, end, retries), Some(usage));
        }
        (node, Some(usage))
    }

    /// The phase, message and exit code of the step a finished run failed at.
    fn failed_step(&self, state: &State) -> (&'static str, String, Option<i32>) {
        if matches!(state, State::Done { message: Some(m), .. } if m == STOPPED_MESSAGE) {
            return (
                "Failed",
                "workflow shutdown with strategy:  Stop".to_owned(),
                Some(1),
            );
        }
        match (&self.failure, self.outcome) {
            (Some(failure), _) => (
                failure.node_phase(),
                failure.node_message(),
                failure.exit_code(),
            ),
            (None, Outcome::Error) => ("Error", "pod deleted".to_owned(), None),
            (None, _) => ("Failed", "main: Error (exit code 1)".to_owned(), Some(1)),
        }
    }

    /// A pod's outputs: its log artifact (where its log lives) and, when it exited, its exit code.
    fn outputs(&self, node_name: &str, step: &str, exit: Option<i32>) -> Value {
        let mut outputs = json!({
            "artifacts": [{"name": "main-logs", "s3": {"key": format!("{}/{}-{step}-{}/main.log", self.name, self.name, fnv32a(node_name))}}],
        });
        if let Some(exit) = exit {
            crate::json::set(&mut outputs, "exitCode", json!(exit.to_string()));
        }
        outputs
    }

    /// The node of a step that failed after `retries` retries, as Argo writes a retried step: a
    /// `Retry` node (`No more retries left`) whose children are the attempts `step(0)` to
    /// `step(retries)`, each a failed pod with its own log (the attempts go under `attempts`, and
    /// [`RunRecord::nodes`] files them beside it).
    fn retried(&self, pod: Value, started: i64, ended: i64, retries: u32) -> Value {
        let text = |key: &str| {
            pod.get(key)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let (name, step) = (text("name"), text("displayName"));
        let attempts = i64::from(retries) + 1;
        let each = ((ended - started) / attempts).max(1);
        let mut children = Vec::new();
        let mut nodes = Map::new();
        for attempt in 0..attempts {
            let attempt_name = format!("{name}({attempt})");
            let id = format!("{}-{}", self.name, fnv32a(&attempt_name));
            let mut node = pod.clone();
            crate::json::set(&mut node, "id", json!(id));
            crate::json::set(&mut node, "name", json!(attempt_name));
            crate::json::set(
                &mut node,
                "displayName",
                json!(format!("{step}({attempt})")),
            );
            crate::json::set(
                &mut node,
                "startedAt",
                json!(time(started + each * attempt)),
            );
            crate::json::set(
                &mut node,
                "finishedAt",
                json!(time(started + each * (attempt + 1))),
            );
            let exit = pod
                .pointer("/outputs/exitCode")
                .and_then(Value::as_str)
                .and_then(|code| code.parse().ok());
            crate::json::set(
                &mut node,
                "outputs",
                self.outputs(&attempt_name, &step, exit),
            );
            if let Some(object) = node.as_object_mut() {
                object.remove("children");
            }
            children.push(json!(id));
            nodes.insert(id, node);
        }
        let mut retry = pod;
        if let Some(object) = retry.as_object_mut() {
            object.remove("outputs");
            object.remove("hostNodeName");
        }
        crate::json::set(&mut retry, "type", json!("Retry"));
        crate::json::set(&mut retry, "message", json!("No more retries left"));
        crate::json::set(&mut retry, "children", Value::Array(children));
        crate::json::set(&mut retry, "attempts", Value::Object(nodes));
        retry
    }

    /// The id of the `run` DAG node.
    fn run_node_id(&self) -> String {
        format!("{}-{}", self.name, fnv32a(&format!("{}.run", self.name)))
    }

    /// The `run` DAG node (the package's `main` template) and the root node (the workflow's).
    fn dag_nodes(
        &self,
        state: &State,
        window: &StepWindow,
        step_ids: &[String],
        resources: &Value,
    ) -> [(String, Value); 2] {
        let root = self.name.clone();
        let run_id = self.run_node_id();
        let start = self.start();
        let finished_at = state.finished();
        let last = step_ids
            .last()
            .cloned()
            .map_or_else(Vec::new, |id| vec![json!(id)]);
        let node = |id: &str, name: String, scope: String, started: i64, child: Option<&String>| {
            let mut node = json!({
                "id": id,
                "name": name,
                "displayName": if id == root { root.clone() } else { "run".to_owned() },
                "type": "DAG",
                "templateName": "main",
                "templateScope": scope,
                "phase": state.phase_while_running(),
                "startedAt": time(started),
                "finishedAt": finished_at.map_or(Value::Null, |end| json!(time(end))),
                "progress": window.progress(state),
                "outboundNodes": last,
                "children": child.map_or_else(Vec::new, |child| vec![json!(child)]),
            });
            if finished_at.is_some() {
                crate::json::set(&mut node, "resourcesDuration", resources.clone());
            }
            node
        };
        let mut run = node(
            &run_id,
            format!("{}.run", self.name),
            format!("cluster/{}", self.package),
            start + 1,
            step_ids.first(),
        );
        crate::json::set(
            &mut run,
            "templateRef",
            json!({"name": self.package, "template": "main", "clusterScope": true}),
        );
        crate::json::set(&mut run, "boundaryID", json!(root));
        let top = node(
            &root,
            root.clone(),
            format!("namespaced/{}", self.workflow),
            start,
            Some(&run_id),
        );
        [(run_id.clone(), run), (root.clone(), top)]
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

#[cfg(test)]
mod tests {
    use super::*;

    fn record(outcome: Outcome) -> RunRecord {
        RunRecord {
            name: "atlan-snowflake-1714638976-bcdfg".into(),
            workflow: "atlan-snowflake-1714638976".into(),
            namespace: "default".into(),
            uid: "u".into(),
            created: 1_700_000_000_000,
            pending_ms: 2_000,
            running_ms: 30_000,
            outcome,
            message: None,
            stopped_at: None,
            stop_requested: None,
            creator: Some(Creator {
                sub: "s".into(),
                email: "e".into(),
                username: "n".into(),
            }),
            package: "atlan-snowflake".into(),
            package_name: Some("@atlan/snowflake".into()),
            steps: vec!["extract".into(), "transform".into(), "publish".into()],
            failure: None,
            lag_ms: 0,
            scheduled: None,
            light: false,
            template_spec: Some(json!({"entrypoint": "main", "templates": []})),
        }
    }

    fn decoded(document: &Value) -> atlan_model::WorkflowSearchResultDetail {
        serde_json::from_value(document.clone()).unwrap()
    }

    #[test]
    fn a_run_moves_through_its_phases() {
        let run = record(Outcome::Succeeded);
        let at = |offset: i64| run.created + offset;
        let pending = run.document(at(1_000));
        assert_eq!(pending["status"]["phase"], "Pending");
        assert_eq!(pending["status"]["startedAt"], Value::Null);
        assert_eq!(
            pending["metadata"]["labels"]["workflows.argoproj.io/completed"],
            "false"
        );
        let running = run.document(at(15_000));
        assert_eq!(running["status"]["phase"], "Running");
        assert_eq!(running["status"]["progress"], "1/2");
        assert_eq!(running["status"]["finishedAt"], Value::Null);
        let done = run.document(at(40_000));
        assert_eq!(done["status"]["phase"], "Succeeded");
        assert_eq!(done["status"]["progress"], "3/3");
        assert_eq!(
            done["metadata"]["labels"]["workflows.argoproj.io/completed"],
            "true"
        );
        assert_eq!(
            done["status"]["conditions"][1],
            json!({"type": "Completed", "status": "True"})
        );
        for document in [&pending, &running, &done] {
            let detail = decoded(document);
            assert_eq!(
                detail.workflow_template_name(),
                Some("atlan-snowflake-1714638976")
            );
        }
        assert_eq!(decoded(&done).status.unwrap().nodes.unwrap().len(), 5);
    }

    #[test]
    fn the_next_change_walks_the_steps() {
        let run = record(Outcome::Succeeded);
        assert_eq!(run.next_change(run.created), Some(run.created + 2_000));
        assert_eq!(
            run.next_change(run.created + 2_000),
            Some(run.created + 12_000)
        );
        assert_eq!(run.next_change(run.created + 32_000), None);
    }

    #[test]
    fn a_failed_run_stops_at_its_failing_step() {
        let run = record(Outcome::Failed);
        let done = run.document(run.created + 60_000);
        assert_eq!(done["status"]["phase"], "Failed");
        assert_eq!(done["status"]["progress"], "1/2");
        assert!(
            done["status"].get("message").is_none(),
            "a failed DAG has no workflow message"
        );
        let nodes = done["status"]["nodes"].as_object().unwrap();
        assert!(
            nodes
                .values()
                .any(|node| node["message"] == "main: Error (exit code 1)")
        );
    }

    #[test]
    fn a_stopped_run_ends_failed_with_argos_message() {
        let mut run = record(Outcome::Succeeded);
        run.stopped_at = Some(run.created + 10_000);
        let stopped = run.document(run.created + 10_000);
        assert_eq!(stopped["status"]["phase"], "Failed");
        assert_eq!(stopped["status"]["message"], STOPPED_MESSAGE);
        assert_eq!(stopped["spec"]["shutdown"], "Stop");
        assert!(run.is_finished(run.created + 10_000));
    }
}
