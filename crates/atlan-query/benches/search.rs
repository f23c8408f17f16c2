//! Speed of building Atlan searches and of evaluating them (run with `cargo xtask bench`).
//!
//! Targets: building and serializing any Atlan search under 5 µs; evaluating
//! `runs_by_status_and_time` over 100,000 run documents under 100 ms on the 2-core CI machine.
//! Each hostile `regexp` of the probe (which took up to 82 s, or aborted the process)
//! answered or refused in under 50 ms.

#![allow(missing_docs, clippy::unwrap_used, clippy::indexing_slicing)]

use atlan_model::{WorkflowPackage, WorkflowPhase};
use atlan_query::Timestamp;
use atlan_query::eval::EvalOptions;
use atlan_query::workflows::{self, TimeBounds};
use divan::{Bencher, black_box};
use serde_json::{Value, json};

fn main() {
    divan::main();
}

const NOW: i64 = 1_781_524_800; // 2026-06-15T12:00:00Z

/// A run document shaped like Atlan's (labels, spec reference, status with times), without nodes.
fn run(index: u64) -> Value {
    let phases = ["Succeeded", "Failed", "Running", "Pending", "Error"];
    let phase = phases[(index % 5) as usize];
    let created = NOW - (index as i64 * 37) % 2_592_000;
    let at = |offset: i64| {
        Timestamp::from_second(created + offset)
            .unwrap()
            .to_string()
    };
    let workflow = format!("atlan-snowflake-{}", 1_700_000_000 + index % 200);
    json!({
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Workflow",
        "metadata": {
            "name": format!("{workflow}-{index:05}"),
            "namespace": "default",
            "creationTimestamp": at(0),
            "labels": {
                "workflows.argoproj.io/phase": phase,
                "workflows.argoproj.io/completed": if index % 5 < 2 { "true" } else { "false" },
                "workflows.argoproj.io/creator": "5a5b3bd4-8f0e-4c8c-9b76-2f1d0c1e7a11",
                "workflows.argoproj.io/workflow-template": workflow,
            },
        },
        "spec": {"workflowTemplateRef": {"name": workflow}},
        "status": {
            "phase": phase,
            "startedAt": if phase == "Pending" { Value::Null } else { json!(at(1)) },
            "finishedAt": if index % 5 < 2 || index % 5 == 4 { json!(at(300 + (index % 900) as i64)) } else { Value::Null },
            "progress": "3/3",
        },
    })
}

#[divan::bench]
fn build_and_serialize_runs_by_status_and_time(bencher: Bencher<'_, '_>) {
    let phases = [WorkflowPhase::Succeeded, WorkflowPhase::Failed];
    let started = TimeBounds::since("now-6h".parse().unwrap());
    let finished = TimeBounds::since("now-1h".parse().unwrap());
    bencher.bench(|| {
        let search =
            workflows::runs_by_status_and_time(black_box(&phases), &started, &finished, 0, 100)
                .unwrap();
        serde_json::to_vec(&search).unwrap()
    });
}

#[divan::bench]
fn build_and_serialize_find_by_type(bencher: Bencher<'_, '_>) {
    bencher.bench(|| {
        let search =
            workflows::find_by_type(black_box(WorkflowPackage::SnowflakeMiner), 5).unwrap();
        serde_json::to_vec(&search).unwrap()
    });
}

#[divan::bench]
fn build_and_serialize_find_by_id(bencher: Bencher<'_, '_>) {
    bencher.bench(|| {
        let search = workflows::find_by_id(black_box("atlan-snowflake-miner-1714638976")).unwrap();
        serde_json::to_vec(&search).unwrap()
    });
}

#[divan::bench]
fn build_and_serialize_latest_run(bencher: Bencher<'_, '_>) {
    bencher.bench(|| {
        let search = workflows::latest_run(black_box("atlan-snowflake-miner-1714638976")).unwrap();
        serde_json::to_vec(&search).unwrap()
    });
}

#[divan::bench(sample_count = 20)]
fn evaluate_runs_by_status_and_time_over_100k_runs(bencher: Bencher<'_, '_>) {
    let documents: Vec<Value> = (0..100_000).map(run).collect();
    let options = EvalOptions::at(Timestamp::from_second(NOW).unwrap());
    let search = workflows::runs_by_status_and_time(
        &[WorkflowPhase::Succeeded, WorkflowPhase::Failed],
        &TimeBounds::since("now-7d".parse().unwrap()),
        &TimeBounds::since("now-6d".parse().unwrap()),
        0,
        100,
    )
    .unwrap();
    let hits = search
        .execute(&documents, &options)
        .unwrap()
        .total
        .unwrap()
        .value;
    assert!(
        hits > 1_000,
        "the benchmark must select a real share of the runs (got {hits})"
    );
    bencher.bench(|| search.execute(black_box(&documents), &options).unwrap());
}

#[divan::bench(sample_count = 20)]
fn evaluate_runs_by_phase_over_100k_runs(bencher: Bencher<'_, '_>) {
    let documents: Vec<Value> = (0..100_000).map(run).collect();
    let options = EvalOptions::at(Timestamp::from_second(NOW).unwrap());
    let search = workflows::runs_by_phase(
        "atlan-snowflake-1700000007",
        &WorkflowPhase::Succeeded,
        0,
        100,
    )
    .unwrap();
    bencher.bench(|| search.execute(black_box(&documents), &options).unwrap());
}

/// The probe's hostile regexps, each a search over one document: `(((.+)+)+…)` 22 deep against
/// 10,000 characters, `.*` against 1.9 M characters, a pattern whose DFA needs 2^21 states
/// (refused, as Elasticsearch refuses it) and one over the compilation budget (refused).
#[divan::bench(args = ["nested-22", "dot-star-1.9M", "state-blowup", "over-budget"])]
fn hostile_regexp(bencher: Bencher<'_, '_>, case: &str) {
    let mut nested = String::from(".");
    for _ in 0..22 {
        nested = format!("({nested}+)");
    }
    let (pattern, value) = match case {
        "nested-22" => (nested + "y", "x".repeat(10_000)),
        "dot-star-1.9M" => (".*".to_owned(), "n".repeat(1_900_000)),
        "state-blowup" => ("[ab]*a[ab]{20}".to_owned(), "ab".to_owned()),
        _ => (
            "(.*a.*b.*c.*d.*e.*f.*g.*h.*i.*j.*){30}".to_owned(),
            "abc".to_owned(),
        ),
    };
    let documents = [json!({"name": value})];
    let search: atlan_query::Search =
        serde_json::from_value(json!({"query": {"regexp": {"name": {"value": pattern}}}})).unwrap();
    let options = EvalOptions::at(Timestamp::from_second(NOW).unwrap());
    bencher.bench(|| black_box(search.execute(black_box(&documents), &options).is_ok()));
}
