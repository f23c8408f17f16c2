//! A legacy run (`runs/indexsearch` hit, an Argo Workflow) as a [`RunView`]: its phase, times and
//! message, and its nodes as a step tree (tasks under the DAG that holds them, attempts under
//! their retry node).

use std::collections::{HashMap, HashSet};

use atlan_workflows::model::{
    NodePhase, NodeStatus, ObjectMeta, PACKAGE_NAME_KEY, WorkflowPackage, WorkflowPhase,
    WorkflowSearchResult,
};
use jiff::Timestamp;

use super::{Api, MAX_DEPTH, MAX_STEPS, RunState, RunView, StepView};

/// The label Argo puts on the runs a CronWorkflow starts.
const CRON_WORKFLOW_LABEL: &str = "workflows.argoproj.io/cron-workflow";
/// The label with the username of whoever submitted a run.
const CREATOR_USERNAME_LABEL: &str = "workflows.argoproj.io/creator-preferred-username";

/// The view of a legacy run.
pub fn view(hit: &WorkflowSearchResult) -> RunView {
    let source = &hit.source;
    let run = hit.name().to_owned();
    let workflow = hit
        .workflow_template_name()
        .map(str::to_owned)
        .unwrap_or_else(|| run.clone());
    let status = source.status.as_ref();
    let started_by = if source.metadata.label(CRON_WORKFLOW_LABEL).is_some() {
        Some("scheduler".to_owned())
    } else {
        source
            .metadata
            .label(CREATOR_USERNAME_LABEL)
            .map(str::to_owned)
    };
    RunView {
        api: Api::Legacy,
        package: package(Some(&workflow), &source.metadata),
        status: status
            .and_then(|status| status.phase.as_ref())
            .map_or(RunState::Unknown, WorkflowPhase::state),
        started: status.and_then(|status| time(status.started_at.as_deref())),
        finished: status.and_then(|status| time(status.finished_at.as_deref())),
        message: status
            .and_then(|status| status.message.clone())
            .filter(|message| !message.is_empty()),
        started_by,
        stopped_by: None,
        steps: status.map_or_else(Vec::new, |status| {
            steps(&run, status.nodes().collect::<Vec<_>>())
        }),
        run,
        workflow,
    }
}

/// The package of a workflow or run: the wire prefix of a known package (what `find --type`
/// takes), else the package name the object is annotated with (`@atlan/schedule-query` for a
/// scheduled query), else the prefix of the workflow id, else the workflow itself.
pub fn package(workflow: Option<&str>, metadata: &ObjectMeta) -> Option<String> {
    let of_id = workflow.and_then(WorkflowPackage::of_workflow_id);
    match of_id {
        Some(package) if package.is_known() => Some(package.prefix().to_owned()),
        _ => metadata
            .annotation(PACKAGE_NAME_KEY)
            .map(str::to_owned)
            .or_else(|| of_id.map(|package| package.prefix().to_owned()))
            .or_else(|| workflow.map(str::to_owned)),
    }
}

pub(crate) fn time(text: Option<&str>) -> Option<Timestamp> {
    text?.parse().ok()
}

/// The step tree of a run's nodes. A node belongs to the retry node that lists it as a child, else
/// to the DAG or Steps node of its `boundaryID`; the run's own root node is left out (it is the
/// run), so its tasks are the top level. Whatever is malformed (a boundary that does not exist, a
/// cycle, a tree deeper than [`MAX_DEPTH`]) is shown at the level it can be placed, never lost,
/// and at most [`MAX_STEPS`] nodes are kept.
fn steps(run: &str, nodes: Vec<(&str, &NodeStatus)>) -> Vec<StepView> {
    let nodes: Vec<(&str, &NodeStatus)> = nodes.into_iter().take(MAX_STEPS).collect();
    let known: HashSet<&str> = nodes.iter().map(|(id, _)| *id).collect();
    let root = nodes
        .iter()
        .find(|(id, node)| *id == run || node.name == run)
        .map(|(id, _)| *id);
    let mut attempt_of: HashMap<&str, &str> = HashMap::new();
    for (id, node) in &nodes {
        if node.kind == "Retry" {
            for child in node.children.iter().flatten() {
                if child != id {
                    attempt_of.entry(child.as_str()).or_insert(id);
                }
            }
        }
    }
    let mut children: HashMap<Option<&str>, Vec<(&str, &NodeStatus)>> = HashMap::new();
    for (id, node) in &nodes {
        if Some(*id) == root {
            continue;
        }
        let parent = attempt_of
            .get(id)
            .copied()
            .or(node.boundary_id.as_deref())
            .filter(|parent| known.contains(parent) && parent != id && Some(*parent) != root);
        children.entry(parent).or_default().push((id, node));
    }
    for siblings in children.values_mut() {
        siblings.sort_by(|(_, a), (_, b)| {
            (time(a.started_at.as_deref()), a.name.as_str())
                .cmp(&(time(b.started_at.as_deref()), b.name.as_str()))
        });
    }
    let mut placed = HashSet::new();
    let mut tree = build(None, &children, &mut placed, 0);
    // What a cycle kept from the top level: shown flat, in start order.
    let mut rest: Vec<(&str, &NodeStatus)> = nodes
        .iter()
        .filter(|(id, _)| Some(*id) != root && !placed.contains(id))
        .copied()
        .collect();
    rest.sort_by_key(|(_, node)| time(node.started_at.as_deref()));
    tree.extend(rest.into_iter().map(|(_, node)| step(node, Vec::new())));
    tree
}

fn build<'a>(
    parent: Option<&'a str>,
    children: &HashMap<Option<&'a str>, Vec<(&'a str, &'a NodeStatus)>>,
    placed: &mut HashSet<&'a str>,
    depth: usize,
) -> Vec<StepView> {
    let Some(siblings) = children.get(&parent) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (id, node) in siblings {
        if !placed.insert(id) {
            continue;
        }
        let below = if depth + 1 < MAX_DEPTH {
            build(Some(id), children, placed, depth + 1)
        } else {
            Vec::new()
        };
        out.push(step(node, below));
    }
    out
}

fn step(node: &NodeStatus, children: Vec<StepView>) -> StepView {
    let outputs = node.outputs.as_ref();
    let exit_code = outputs
        .and_then(|outputs| outputs.get("exitCode"))
        .and_then(|code| match code {
            serde_json::Value::String(text) => text.trim().parse().ok(),
            serde_json::Value::Number(number) => {
                number.as_i64().and_then(|n| i32::try_from(n).ok())
            }
            _ => None,
        });
    let log_artifact = outputs
        .and_then(|outputs| outputs.get("artifacts"))
        .and_then(serde_json::Value::as_array)
        .and_then(|artifacts| {
            let key = |artifact: &serde_json::Value| {
                artifact
                    .get("s3")
                    .and_then(|s3| s3.get("key"))
                    .and_then(serde_json::Value::as_str)
                    .map(str::to_owned)
            };
            artifacts
                .iter()
                .find(|artifact| {
                    artifact.get("name").and_then(serde_json::Value::as_str) == Some("main-logs")
                })
                .and_then(key)
                .or_else(|| artifacts.iter().find_map(key))
        });
    let retries = if node.kind == "Retry" {
        u32::try_from(children.len().saturating_sub(1)).unwrap_or(u32::MAX)
    } else {
        0
    };
    StepView {
        name: node
            .display_name
            .clone()
            .unwrap_or_else(|| node.name.clone()),
        kind: node.kind.clone(),
        status: node
            .phase
            .as_ref()
            .map_or(RunState::Unknown, NodePhase::state),
        started: time(node.started_at.as_deref()),
        finished: time(node.finished_at.as_deref()),
        retries,
        message: node.message.clone().filter(|message| !message.is_empty()),
        exit_code,
        log_artifact,
        children,
    }
}

#[cfg(test)]
mod tests {
    use atlan_workflows::model::decode_value;
    use serde_json::json;

    use super::*;

    fn hit(nodes: serde_json::Value) -> WorkflowSearchResult {
        decode_value(json!({
            "_id": "atlan-snowflake-1714638976-k2x7q",
            "_source": {
                "metadata": {
                    "name": "atlan-snowflake-1714638976-k2x7q",
                    "labels": {
                        "workflows.argoproj.io/workflow-template": "atlan-snowflake-1714638976",
                        "workflows.argoproj.io/creator-preferred-username": "john.roe"
                    }
                },
                "spec": {},
                "status": {
                    "phase": "Failed",
                    "startedAt": "2026-12-01T12:16:20Z",
                    "finishedAt": "2026-12-01T12:17:55Z",
                    "nodes": nodes
                }
            }
        }))
        .unwrap()
    }

    fn node(id: &str, name: &str, kind: &str, boundary: Option<&str>) -> serde_json::Value {
        let mut node = json!({"id": id, "name": name, "displayName": name, "type": kind,
            "phase": "Succeeded", "startedAt": "2026-12-01T12:16:21Z"});
        if let Some(boundary) = boundary {
            node["boundaryID"] = json!(boundary);
        }
        node
    }

    #[test]
    fn a_retried_step_holds_its_attempts_under_the_dag_of_the_run() {
        let run = "atlan-snowflake-1714638976-k2x7q";
        let mut retry = node("r", "transform", "Retry", Some("dag"));
        retry["children"] = json!(["a0", "a1"]);
        retry["phase"] = json!("Failed");
        let mut a1 = node("a1", "transform(1)", "Pod", Some("dag"));
        a1["phase"] = json!("Failed");
        a1["startedAt"] = json!("2026-12-01T12:17:40Z");
        a1["message"] = json!("main: Error (exit code 2)");
        a1["outputs"] = json!({"exitCode": "2", "artifacts": [
            {"name": "other", "s3": {"key": "x"}},
            {"name": "main-logs", "s3": {"key": "run/transform/main.log"}}]});
        let view = view(&hit(json!({
            run: node(run, run, "DAG", None),
            "dag": node("dag", "run", "DAG", Some(run)),
            "e": node("e", "extract", "Pod", Some("dag")),
            "r": retry,
            "a0": node("a0", "transform(0)", "Pod", Some("dag")),
            "a1": a1,
        })));
        assert_eq!(view.workflow, "atlan-snowflake-1714638976");
        assert_eq!(view.package.as_deref(), Some("atlan-snowflake"));
        assert_eq!(view.started_by.as_deref(), Some("john.roe"));
        assert_eq!(view.duration_s(), Some(95));
        assert_eq!(view.steps.len(), 1, "the run's DAG is the top level");
        let dag = &view.steps[0];
        let names: Vec<&str> = dag.children.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["extract", "transform"]);
        let transform = &dag.children[1];
        assert_eq!(transform.retries, 1);
        let last = &transform.children[1];
        assert_eq!(last.exit_code, Some(2));
        assert_eq!(last.log_artifact.as_deref(), Some("run/transform/main.log"));
    }

    #[test]
    fn cycles_and_missing_boundaries_lose_no_node() {
        let run = "atlan-snowflake-1714638976-k2x7q";
        let view = view(&hit(json!({
            "a": node("a", "a", "DAG", Some("b")),
            "b": node("b", "b", "DAG", Some("a")),
            "c": node("c", "c", "Pod", Some("nowhere")),
            "d": {"id": "d", "name": "d", "type": "Pod", "outputs": {"exitCode": ["x"]}},
        })));
        let mut names = Vec::new();
        fn walk<'a>(steps: &'a [StepView], names: &mut Vec<&'a str>) {
            for step in steps {
                names.push(step.name.as_str());
                walk(&step.children, names);
            }
        }
        walk(&view.steps, &mut names);
        names.sort_unstable();
        assert_eq!(names, ["a", "b", "c", "d"], "{run}");
    }

    #[test]
    fn a_run_without_status_is_unknown_with_no_steps() {
        let hit: WorkflowSearchResult = decode_value(json!({
            "_id": "x-1", "_source": {"metadata": {"name": "x-1"}, "spec": {}}
        }))
        .unwrap();
        let view = view(&hit);
        assert_eq!(view.status, RunState::Unknown);
        assert!(view.steps.is_empty());
        assert_eq!(view.workflow, "x-1");
    }
}
