//! A run: a small record of when it was submitted and how it will go, and the Argo `Workflow`
//! document it is at any instant (phase, times, nodes, progress, labels), built the way Argo builds
//! them (see `shared/reference/argo/FIELDS.md`).

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

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
    pub(crate) stopped_at: Option<i64>,
    pub(crate) creator: Option<Creator>,
    /// The (cluster) WorkflowTemplate the package runs, such as `atlan-snowflake`.
    pub(crate) package: String,
    /// The package annotation, such as `@atlan/snowflake`.
    pub(crate) package_name: Option<String>,
    pub(crate) steps: Vec<String>,
    /// Light runs (synthetic bulk data) carry no nodes or stored templates.
    pub(crate) light: bool,
    /// The workflow's spec when the run was submitted (for `status.storedWorkflowTemplateSpec`).
    pub(crate) template_spec: Option<Value>,
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

impl RunRecord {
    fn start(&self) -> i64 {
        self.created + self.pending_ms
    }

    fn end(&self) -> i64 {
        self.start() + self.running_ms
    }

    fn state(&self, now: i64) -> State {
        if let Some(stopped) = self.stopped_at.filter(|stopped| *stopped <= now) {
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
        if !self.light {
            let (count, step) = self.step_plan();
            times.extend((1..count).map(|i| self.start() + step * i64::try_from(i).unwrap_or(0)));
        }
        times.into_iter().filter(|time| *time > now).min()
    }

    /// How many steps run, and how long each takes.
    fn step_plan(&self) -> (usize, i64) {
        let total = self.steps.len().max(1);
        let count = match self.outcome {
            Outcome::Succeeded => total,
            Outcome::Failed | Outcome::Error => total.div_ceil(2),
        };
        (
            count,
            (self.running_ms / i64::try_from(count).unwrap_or(1)).max(1),
        )
    }

    /// The run's document at `now`.
    pub(crate) fn document(&self, now: i64) -> Value {
        let state = self.state(now);
        let phase = match &state {
            State::Pending => "Pending",
            State::Running => "Running",
            State::Done { phase, .. } => phase,
        };
        let finished = matches!(state, State::Done { .. });
        let started = match &state {
            State::Pending => None,
            State::Done { finished, .. } if *finished < self.start() => None,
            _ => Some(self.start()),
        };
        let mut labels = Map::new();
        labels.insert(
            "workflows.argoproj.io/completed".into(),
            json!(if finished { "true" } else { "false" }),
        );
        labels.insert("workflows.argoproj.io/phase".into(), json!(phase));
        labels.insert(
            "workflows.argoproj.io/workflow-template".into(),
            json!(self.workflow),
        );
        if let Some(creator) = &self.creator {
            creator.label(&mut labels);
        }
        let mut annotations = Map::new();
        annotations.insert("workflows.argoproj.io/pod-name-format".into(), json!("v2"));
        if let Some(package) = &self.package_name {
            annotations.insert("package.argoproj.io/name".into(), json!(package));
        }
        let mut spec = json!({"arguments": {}, "workflowTemplateRef": {"name": self.workflow}});
        if self.stopped_at.is_some() {
            crate::json::set(&mut spec, "shutdown", json!("Stop"));
        }
        let (nodes, progress, resources) = self.nodes(&state, now);
        let mut status = Map::new();
        status.insert("phase".into(), json!(phase));
        status.insert(
            "startedAt".into(),
            started.map_or(Value::Null, |at| json!(time(at))),
        );
        status.insert(
            "finishedAt".into(),
            match &state {
                State::Done { finished, .. } => json!(time(*finished)),
                _ => Value::Null,
            },
        );
        status.insert("progress".into(), json!(progress));
        if let State::Done {
            message: Some(message),
            ..
        } = &state
        {
            status.insert("message".into(), json!(message));
        }
        if !matches!(state, State::Pending) {
            let mut conditions = vec![
                json!({"type": "PodRunning", "status": if matches!(state, State::Running) { "True" } else { "False" }}),
            ];
            if finished {
                conditions.push(json!({"type": "Completed", "status": "True"}));
            }
            status.insert("conditions".into(), Value::Array(conditions));
        }
        if finished && !self.light {
            status.insert("resourcesDuration".into(), resources);
        }
        if !self.light && !matches!(state, State::Pending) {
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
        }
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
                "labels": labels,
                "annotations": annotations,
            },
            "spec": spec,
            "status": status,
        })
    }

    /// The nodes, progress and total resource usage at `state`.
    fn nodes(&self, state: &State, now: i64) -> (Map<String, Value>, String, Value) {
        let (count, step_ms) = self.step_plan();
        let start = self.start();
        // How many steps have finished, and whether the last one shown failed.
        let (finished_steps, shown, failed_last) = match state {
            State::Pending => (0, 0, false),
            State::Running => {
                let done = usize::try_from((now - start) / step_ms)
                    .unwrap_or(0)
                    .min(count - 1);
                (done, done + 1, false)
            }
            State::Done {
                phase: "Succeeded", ..
            } => (count, count, false),
            State::Done { finished, .. } => {
                let done = usize::try_from((finished - start).max(0) / step_ms)
                    .unwrap_or(0)
                    .min(count - 1);
                (done, done + 1, true)
            }
        };
        let progress = if matches!(state, State::Pending) {
            "0/0".to_owned()
        } else {
            format!("{finished_steps}/{shown}")
        };
        let mut nodes = Map::new();
        let mut cpu = 0;
        let mut memory = 0;
        if matches!(state, State::Pending) || self.light {
            return (nodes, progress, json!({}));
        }
        let root = self.name.clone();
        let run_name = format!("{}.run", self.name);
        let run_id = format!("{}-{}", self.name, fnv32a(&run_name));
        let finished_at = match state {
            State::Done { finished, .. } => Some(*finished),
            _ => None,
        };
        let run_phase = match state {
            State::Done { phase, .. } => *phase,
            _ => "Running",
        };
        let step_ids: Vec<String> = (0..shown)
            .map(|i| {
                format!(
                    "{}-{}",
                    self.name,
                    fnv32a(&format!("{}.run.{}", self.name, self.step(i)))
                )
            })
            .collect();
        for i in 0..shown {
            let step = self.step(i);
            let node_name = format!("{}.run.{step}", self.name);
            let id = step_ids.get(i).cloned().unwrap_or_default();
            let step_start =
                start + step_ms * i64::try_from(i).unwrap_or(0) + 1_000.min(step_ms / 10);
            let (phase, end, message, exit) = if i < finished_steps {
                (
                    "Succeeded",
                    Some(start + step_ms * i64::try_from(i + 1).unwrap_or(0)),
                    None,
                    Some("0"),
                )
            } else if failed_last {
                let message = match (state, self.outcome) {
                    (
                        State::Done {
                            message: Some(m), ..
                        },
                        _,
                    ) if m == STOPPED_MESSAGE => "workflow shutdown with strategy:  Stop",
                    (_, Outcome::Error) => "pod deleted",
                    _ => "main: Error (exit code 1)",
                };
                let phase = if self.outcome == Outcome::Error && self.stopped_at.is_none() {
                    "Error"
                } else {
                    "Failed"
                };
                (phase, finished_at, Some(message), Some("1"))
            } else {
                ("Running", None, None, None)
            };
            let mut node = json!({
                "id": id,
                "name": node_name,
                "displayName": step,
                "type": "Pod",
                "templateName": step,
                "templateRef": {"name": self.package, "template": step, "clusterScope": true},
                "templateScope": format!("cluster/{}", self.package),
                "boundaryID": run_id,
                "phase": phase,
                "startedAt": time(step_start),
                "finishedAt": end.map_or(Value::Null, |end| json!(time(end))),
                "progress": if phase == "Succeeded" { "1/1" } else { "0/1" },
                "hostNodeName": format!("ip-10-0-{}-{}.ec2.internal", i + 1, 17 + i * 31),
            });
            if let Some(message) = message {
                crate::json::set(&mut node, "message", json!(message));
            }
            if let (Some(end), Some(exit)) = (end, exit) {
                let seconds = (end - step_start) / 1000;
                let usage = json!({"cpu": seconds / 10 + 1, "memory": seconds / 4 + 2});
                cpu += seconds / 10 + 1;
                memory += seconds / 4 + 2;
                crate::json::set(&mut node, "resourcesDuration", usage);
                crate::json::set(
                    &mut node,
                    "outputs",
                    json!({
                        "artifacts": [{"name": "main-logs", "s3": {"key": format!("{}/{}-{step}-{}/main.log", self.name, self.name, fnv32a(&node_name))}}],
                        "exitCode": exit,
                    }),
                );
            }
            if i + 1 < shown
                && let Some(next) = step_ids.get(i + 1)
            {
                crate::json::set(&mut node, "children", json!([next]));
            }
            nodes.insert(id, node);
        }
        let last = step_ids
            .last()
            .cloned()
            .map_or_else(Vec::new, |id| vec![json!(id)]);
        let resources = json!({"cpu": cpu, "memory": memory});
        for (id, name, scope, boundary, children) in [
            (
                run_id.clone(),
                run_name.clone(),
                format!("cluster/{}", self.package),
                Some(root.clone()),
                step_ids.first().cloned(),
            ),
            (
                root.clone(),
                root.clone(),
                format!("namespaced/{}", self.workflow),
                None,
                Some(run_id.clone()),
            ),
        ] {
            let mut node = json!({
                "id": id,
                "name": name,
                "displayName": if id == root { root.clone() } else { "run".to_owned() },
                "type": "DAG",
                "templateName": "main",
                "templateScope": scope,
                "phase": run_phase,
                "startedAt": time(if id == root { start } else { start + 1 }),
                "finishedAt": finished_at.map_or(Value::Null, |end| json!(time(end))),
                "progress": progress,
                "outboundNodes": last,
                "children": children.map_or_else(Vec::new, |child| vec![json!(child)]),
            });
            if id != root {
                crate::json::set(
                    &mut node,
                    "templateRef",
                    json!({"name": self.package, "template": "main", "clusterScope": true}),
                );
            }
            if let Some(boundary) = boundary {
                crate::json::set(&mut node, "boundaryID", json!(boundary));
            }
            if finished_at.is_some() {
                crate::json::set(&mut node, "resourcesDuration", resources.clone());
            }
            nodes.insert(id, node);
        }
        (nodes, progress, resources)
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
            creator: Some(Creator {
                sub: "s".into(),
                email: "e".into(),
                username: "n".into(),
            }),
            package: "atlan-snowflake".into(),
            package_name: Some("@atlan/snowflake".into()),
            steps: vec!["extract".into(), "transform".into(), "publish".into()],
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
