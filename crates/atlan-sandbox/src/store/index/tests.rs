//! The tests of `index`.

use atlan_model::WorkflowPhase;
use atlan_query::eval::Document;
use atlan_query::workflows::{self, RunFilter, TimeBounds};
use serde_json::json;

use super::*;

fn run(index: usize) -> (String, Value) {
    let phases = ["Succeeded", "Failed", "Running", "Pending", "Error"];
    let name = format!("wf-{}-{index:04}", index % 3);
    let started = if index % 5 == 3 {
        Value::Null
    } else {
        json!(format!("2026-06-15T{:02}:00:00Z", index % 24))
    };
    (
        name.clone(),
        json!({
            "metadata": {"name": name, "creationTimestamp": format!("2026-06-15T{:02}:{:02}:00Z", index % 24, index % 60),
                "labels": {"workflows.argoproj.io/phase": phases[index % 5], "workflows.argoproj.io/creator": "x"}},
            "spec": {"workflowTemplateRef": {"name": format!("wf-{}", index % 3)}},
            "status": {"phase": phases[index % 5], "startedAt": started, "progress": format!("{}/3", index % 4)},
        }),
    )
}

/// The planner must never change a result: every search gives the same page as a full scan.
#[test]
fn indexed_searches_equal_full_scans() {
    let collection = maintained_collection();
    let options = EvalOptions::at("2026-06-15T20:00:00Z".parse().unwrap());
    let searches = [
        workflows::runs_by_phase("wf-1", &WorkflowPhase::Succeeded, 0, 50).unwrap(),
        workflows::runs_by_status_and_time(
            &[WorkflowPhase::Succeeded, WorkflowPhase::Failed],
            &TimeBounds::since(bound("now-6h")),
            &TimeBounds::any(),
            0,
            100,
        )
        .unwrap(),
        workflows::runs(
            &RunFilter::new([WorkflowPhase::Running])
                .started(TimeBounds::between(
                    bound("2026-06-15T03:00:00Z"),
                    bound("now-10h"),
                ))
                .including_scheduled()
                .page(5, 20),
        )
        .unwrap(),
        workflows::find_run_by_id("wf-2-0005").unwrap(),
        workflows::latest_run("wf-0").unwrap(),
        workflows::current_run("wf-2").unwrap(),
        workflows::find_by_id("wf-1-0007").unwrap(),
        // `status.progress` is no doc value: the sources of the candidates are parsed.
        serde_json::from_value(json!({
            "size": 30,
            "query": {"bool": {"filter": [
                {"term": {"status.phase.keyword": "Succeeded"}},
                {"term": {"status.progress.keyword": "2/3"}},
            ]}},
            "sort": [{"status.progress.keyword": "desc"}, {"metadata.creationTimestamp": "asc"}],
        }))
        .unwrap(),
    ];
    for search in searches {
        // Indexes and doc values against a plain scan of the sources.
        let indexed = collection.search(&search, &options).unwrap();
        let scanned = search
            .execute(
                collection
                    .iter()
                    .map(|(name, document)| (name, document.into_owned())),
                &options,
            )
            .unwrap();
        assert_eq!(indexed.total, scanned.total, "{search:?}");
        let indexed: Vec<_> = indexed
            .hits
            .iter()
            .map(|hit| (hit.document.name, hit.document.source(), &hit.sort))
            .collect();
        let scanned: Vec<_> = scanned
            .hits
            .iter()
            .map(|hit| (hit.document.0, &hit.document.1, &hit.sort))
            .collect();
        assert_eq!(indexed, scanned, "{search:?}");
        let plan = collection
            .plan(search.query.as_ref().unwrap(), options.now)
            .expect("the indexes narrow every Atlan search");
        assert!(plan.cost() < collection.len(), "narrowed: {search:?}");
    }
}

/// Documents are held as text, and come back as the trees they were stored as, deep ones too.
#[test]
fn stored_documents_come_back_as_they_were_put() {
    let mut collection = Collection::default();
    let (name, document) = run(1);
    collection.put(&name, &document);
    assert!(
        collection.source(&name).unwrap().text().is_some(),
        "as text"
    );
    assert_eq!(collection.get(&name).unwrap().into_owned(), document);
    let deep = (0..150).fold(json!("leaf"), |inner, _| json!({"x": inner}));
    let (deep_name, mut nested) = run(2);
    nested["status"]["deep"] = deep;
    collection.put(&deep_name, &nested);
    let stored = collection.source(&deep_name).unwrap();
    assert!(stored.text().is_none(), "too deep for text");
    assert_eq!(collection.get(&deep_name).unwrap().into_owned(), nested);
    let options = EvalOptions::at("2026-06-15T20:00:00Z".parse().unwrap());
    let search = workflows::find_by_id(&deep_name).unwrap();
    let page = collection.search(&search, &options).unwrap();
    assert_eq!(page.hits.len(), 1);
    assert_eq!(page.hits[0].document.source(), &nested);
    assert!(collection.remove(&deep_name));
    assert!(!collection.remove(&deep_name), "removed once");
    assert!(collection.get(&deep_name).is_none());
}

/// 400 runs put, some replaced and some removed, so that the indexes are maintained, not only
/// built.
fn maintained_collection() -> Collection {
    let mut collection = Collection::default();
    for index in 0..400 {
        let (name, document) = run(index);
        collection.put(&name, &document);
    }
    for index in (0..400).step_by(7) {
        let (name, mut document) = run(index);
        document["status"]["phase"] = json!("Succeeded");
        document["metadata"]["labels"]["workflows.argoproj.io/phase"] = json!("Succeeded");
        collection.put(&name, &document);
    }
    for index in (0..400).step_by(11) {
        collection.remove(&run(index).0);
    }
    collection
}

/// A time bound, for the searches above.
fn bound(text: &str) -> atlan_query::TimeBound {
    text.parse().unwrap()
}
