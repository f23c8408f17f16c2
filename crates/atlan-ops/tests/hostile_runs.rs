//! Runs as a hostile or broken server may send them: whatever the nodes and steps hold, a view is
//! built, explained and counted without a panic, every node that decodes is in the tree once, and
//! a failed run always has a cause.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use atlan_ops::{Stats, StepView, Window, explain, view};
use atlan_workflows::model::{AppWorkflowRunAttributes, WorkflowSearchResult, decode_value};
use proptest::prelude::*;
use serde_json::{Value, json};

fn ids() -> impl Strategy<Value = String> {
    prop_oneof![Just("r".to_owned()), "[a-e]{1,2}"]
}

fn phase() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!("Succeeded")),
        Just(json!("Failed")),
        Just(json!("Error")),
        Just(json!("Running")),
        Just(json!("Omitted")),
        Just(json!("")),
        Just(json!("Bogus")),
    ]
}

fn node() -> impl Strategy<Value = (String, Value)> {
    (
        ids(),
        prop_oneof![Just("Pod"), Just("DAG"), Just("Retry"), Just("Steps")],
        phase(),
        proptest::option::of(ids()),
        proptest::collection::vec(ids(), 0..4),
        prop_oneof![
            Just(Value::Null),
            Just(json!({"exitCode": "137"})),
            Just(json!({"exitCode": ["x"]})),
            Just(json!({"artifacts": "nope"})),
            Just(json!({"artifacts": [{"s3": {"key": 7}}, {"name": "main-logs", "s3": {"key": "k"}}]})),
        ],
        proptest::option::of("[ -~]{0,40}"),
        prop_oneof![
            Just(json!("2026-12-01T00:00:00Z")),
            Just(json!("not a time")),
            Just(Value::Null),
        ],
    )
        .prop_map(
            |(id, kind, phase, boundary, children, outputs, message, started)| {
                let mut node = json!({"id": id, "name": id, "type": kind, "phase": phase,
                    "children": children, "startedAt": started});
                if let Some(boundary) = boundary {
                    node["boundaryID"] = json!(boundary);
                }
                if !outputs.is_null() {
                    node["outputs"] = outputs;
                }
                if let Some(message) = message {
                    node["message"] = json!(message);
                }
                (id, node)
            },
        )
}

fn count(steps: &[StepView]) -> usize {
    steps.iter().map(|step| 1 + count(&step.children)).sum()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_legacy_nodes_give_a_tree_of_every_node_once(
        nodes in proptest::collection::vec(node(), 0..12),
        phase in phase(),
    ) {
        let nodes: serde_json::Map<String, Value> = nodes.into_iter().collect();
        let distinct = nodes.keys().filter(|id| *id != "r").count();
        let hit: WorkflowSearchResult = decode_value(json!({
            "_id": "r",
            "_source": {"metadata": {"name": "r"}, "spec": {},
                        "status": {"phase": phase, "nodes": nodes}}
        })).unwrap();
        let run = view::legacy::view(&hit);
        prop_assert_eq!(count(&run.steps), distinct, "each node but the root, once");
        let failed = run.status.is_failure();
        let explained = explain(run.clone(), Some(&run));
        prop_assert_eq!(explained.cause.is_some(), failed);
        let mut stats = Stats::new(Window::between(jiff::Timestamp::UNIX_EPOCH, None));
        stats.add(&run);
        let _ = stats.finish();
    }

    #[test]
    fn any_app_steps_give_a_view(
        steps in proptest::collection::vec(prop_oneof![
            Just(json!("text")),
            Just(json!(null)),
            Just(json!({"appWorkflowRunStatus": 5})),
            Just(json!({"appWorkflowRunLabel": "x", "appWorkflowRunStatus": "Failed",
                        "appWorkflowRunOutputs": {"attempts": "-3", "exit_code": "zz"}})),
            Just(json!({"appWorkflowRunStartedAt": i64::MAX, "appWorkflowRunCompletedAt": i64::MIN})),
        ], 0..6),
        status in prop_oneof![Just("Failed"), Just("Stopped"), Just("Succeeded"), Just("Odd")],
    ) {
        let attributes: AppWorkflowRunAttributes = decode_value(json!({
            "name": "run", "appWorkflowRunStatus": status, "appWorkflowRunSteps": steps
        })).unwrap();
        let run = view::apps::view(&attributes);
        prop_assert_eq!(run.steps.len(), steps.len());
        let explained = explain(run.clone(), None);
        prop_assert_eq!(explained.cause.is_some(), run.status.is_failure());
    }
}
