//! The nodes of a run's document: which steps have run at an instant, each step's pod (retried
//! or not, failed or not, with its log artifact and exit code), and the DAG around them, built
//! the way Argo builds them.

use serde_json::{Map, Value, json};

use super::{Outcome, RunRecord, STOPPED_MESSAGE, State, StepWindow, time};
use crate::ids::fnv32a;

impl RunRecord {
    /// Which steps have run at `state`: how many finished, how many are shown, and whether the
    /// last shown one failed.
    pub(super) fn step_window(&self, state: &State, now: i64) -> StepWindow {
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
    pub(super) fn nodes(&self, state: &State, window: &StepWindow) -> (Map<String, Value>, Value) {
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
}
