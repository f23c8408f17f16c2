//! The tests of `runs`.

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
