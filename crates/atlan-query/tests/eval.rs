//! The evaluator's Elasticsearch semantics, and the Atlan searches over the fixture runs.

#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use std::fs;
use std::path::Path;

use atlan_model::{WorkflowPackage, WorkflowPhase, WorkflowSearchResponse, decode};
use atlan_query::eval::{EvalError, EvalOptions, Page};
use atlan_query::workflows::{self, TimeBounds};
use atlan_query::{Query, Search, Sort, SortOrder, Timestamp};
use serde_json::{Value, json};

mod common;
use common::WithDocValues;

fn now() -> Timestamp {
    "2024-11-18T11:00:00Z".parse().unwrap()
}

fn options() -> EvalOptions {
    EvalOptions::at(now())
}

fn names<D: std::borrow::Borrow<Value>>(page: &Page<D>) -> Vec<String> {
    page.hits
        .iter()
        .map(|hit| {
            hit.document.borrow()["metadata"]["name"]
                .as_str()
                .unwrap_or("?")
                .to_owned()
        })
        .collect()
}

/// Every run and workflow of the hand-written fixture responses, once each.
fn fixture_documents(folder: &str) -> Vec<Value> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/responses")
        .join(folder);
    let mut documents: Vec<Value> = Vec::new();
    let mut paths: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    paths.sort();
    for path in paths {
        let response: WorkflowSearchResponse = decode(&fs::read(path).unwrap()).unwrap();
        for hit in response.into_hits() {
            let source = serde_json::to_value(&hit.source).unwrap();
            if !documents
                .iter()
                .any(|known| known["metadata"]["name"] == source["metadata"]["name"])
            {
                documents.push(source);
            }
        }
    }
    documents
}

/// The run the stop fixture answers with (stopped at 10:03, Failed).
fn stopped_run() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/responses/workflow-run/stop.json");
    serde_json::from_slice(&fs::read(path).unwrap()).unwrap()
}

#[test]
fn the_seed_searches_over_the_fixture_runs() {
    let mut runs = fixture_documents("runs-search");
    runs.push(stopped_run());
    assert_eq!(runs.len(), 6);

    let by_id = workflows::find_run_by_id("atlan-snowflake-miner-1714638976-mzdza").unwrap();
    assert_eq!(
        names(&by_id.execute(&runs, &options()).unwrap()),
        ["atlan-snowflake-miner-1714638976-mzdza"]
    );

    let succeeded = workflows::runs_by_phase(
        "atlan-snowflake-miner-1714638976",
        &WorkflowPhase::Succeeded,
        0,
        100,
    )
    .unwrap();
    let page = succeeded.execute(&runs, &options()).unwrap();
    assert_eq!(
        names(&page),
        [
            "atlan-snowflake-miner-1714638976-mzdza",
            "atlan-snowflake-miner-1714638976-9wfxz"
        ]
    );
    assert_eq!(page.total.map(|total| total.value), Some(2));
    assert_eq!(
        page.hits[0].sort,
        [json!(1_731_908_700_000_i64)],
        "creationTimestamp as epoch millis"
    );

    // At 11:00: finished runs that started and finished in the last 6 hours (the documented `gte`).
    let recent = workflows::runs_by_status_and_time(
        &[WorkflowPhase::Succeeded, WorkflowPhase::Failed],
        &TimeBounds::since("now-6h".parse().unwrap()),
        &TimeBounds::since("now-6h".parse().unwrap()),
        0,
        100,
    )
    .unwrap();
    assert_eq!(
        names(&recent.execute(&runs, &options()).unwrap()),
        [
            "atlan-snowflake-1714638976-r4vcd",
            "atlan-snowflake-miner-1714638976-mzdza"
        ]
    );

    // pyatlan's `lte` on finishedAt: finished before 09:00.
    let earlier = workflows::runs_by_status_and_time(
        &[WorkflowPhase::Succeeded, WorkflowPhase::Failed],
        &TimeBounds::since("now-8h".parse().unwrap()),
        &TimeBounds::before("now-2h".parse().unwrap()),
        0,
        100,
    )
    .unwrap();
    assert_eq!(
        names(&earlier.execute(&runs, &options()).unwrap()),
        [
            "atlan-snowflake-miner-1714638976-mzdza",
            "atlan-snowflake-1714638976-k2x7q"
        ]
    );

    let stopped_too = workflows::runs_by_status_and_time(
        &[WorkflowPhase::Failed],
        &TimeBounds::since("2024-11-18".parse().unwrap()),
        &TimeBounds::before("now+1d/d".parse().unwrap()),
        0,
        100,
    )
    .unwrap();
    assert_eq!(
        names(&stopped_too.execute(&runs, &options()).unwrap()),
        [
            "atlan-snowflake-1714638976-r4vcd",
            "atlan-snowflake-1714638976-k2x7q"
        ]
    );
}

#[test]
fn latest_run_prefers_a_run_that_has_not_started_yet() {
    let runs = fixture_documents("runs-search");
    let latest = workflows::latest_run("atlan-snowflake-miner-1714638976").unwrap();
    assert_eq!(
        names(&latest.execute(&runs, &options()).unwrap()),
        ["atlan-snowflake-miner-1714638976-t5h8n"]
    );

    let started: Vec<Value> = runs
        .iter()
        .filter(|run| run["status"]["phase"] != "Pending")
        .cloned()
        .collect();
    assert_eq!(
        names(&latest.execute(&started, &options()).unwrap()),
        ["atlan-snowflake-miner-1714638976-b6w42"]
    );
}

#[test]
fn current_run_is_the_first_pending_or_running_hit() {
    let runs = fixture_documents("runs-search");
    let search = workflows::current_run("atlan-snowflake-miner-1714638976").unwrap();
    let page = search.execute(&runs, &options()).unwrap();
    let hits: Vec<atlan_model::WorkflowSearchResult> = page
        .hits
        .iter()
        .map(|hit| {
            serde_json::from_value(
                json!({"_id": hit.document["metadata"]["name"], "_source": hit.document}),
            )
            .unwrap()
        })
        .collect();
    let current = workflows::pick_current_run(&hits).unwrap();
    assert_eq!(current.id, "atlan-snowflake-miner-1714638976-t5h8n");
}

#[test]
fn find_by_type_never_matches_a_longer_package() {
    let mut templates = fixture_documents("workflows-search");
    for name in [
        "atlan-snowflake-1718000000",
        "atlan-snowflake-17180000001",
        "atlan-snowflake-1718000000-x",
        "xatlan-snowflake-1718000000",
    ] {
        templates.push(json!({"metadata": {"name": name, "creationTimestamp": "2024-01-01T00:00:00Z"}, "spec": {}}));
    }
    let search = workflows::find_by_type(WorkflowPackage::Snowflake, 10).unwrap();
    assert_eq!(
        names(&search.execute(&templates, &options()).unwrap()),
        ["atlan-snowflake-1714638976", "atlan-snowflake-1718000000"]
    );
    let miners = workflows::find_by_type(WorkflowPackage::SnowflakeMiner, 10).unwrap();
    assert_eq!(
        names(&miners.execute(&templates, &options()).unwrap()),
        [
            "atlan-snowflake-miner-1718212345",
            "atlan-snowflake-miner-1714638976"
        ]
    );
}

fn run(name: &str, extra: Value) -> Value {
    let mut document = json!({"metadata": {"name": name}});
    if let (Value::Object(target), Value::Object(extra)) = (&mut document, extra) {
        target.extend(extra);
    }
    document
}

fn matching(query: impl Into<Query>, documents: &[Value]) -> Vec<String> {
    names(
        &Search::new()
            .size(100)
            .query(query)
            .execute(documents, &options())
            .unwrap(),
    )
}

#[test]
fn keyword_fields_are_exact_and_text_fields_are_tokens() {
    let documents = [run(
        "a",
        json!({"status": {"phase": "Succeeded", "message": "main: Error (exit code 1)"}}),
    )];
    assert_eq!(
        matching(Query::term("status.phase.keyword", "Succeeded"), &documents),
        ["a"]
    );
    assert!(matching(Query::term("status.phase.keyword", "succeeded"), &documents).is_empty());
    assert!(
        matching(Query::term("status.phase", "Succeeded"), &documents).is_empty(),
        "text field: lowercase tokens"
    );
    assert_eq!(
        matching(Query::term("status.phase", "succeeded"), &documents),
        ["a"]
    );
    assert_eq!(
        matching(Query::term("status.message", "exit"), &documents),
        ["a"]
    );
    assert_eq!(
        matching(
            Query::prefix("status.message.keyword", "main: Err"),
            &documents
        ),
        ["a"]
    );
    assert_eq!(
        matching(
            Query::wildcard("status.phase.keyword", "Succ*ed"),
            &documents
        ),
        ["a"]
    );
    assert_eq!(
        matching(Query::regexp("status.phase.keyword", "Succ.*"), &documents),
        ["a"]
    );
    assert!(
        matching(Query::regexp("status.phase.keyword", "Succ"), &documents).is_empty(),
        "anchored"
    );
}

#[test]
fn id_matches_the_document_id() {
    let documents = [run("a", json!({})), run("b", json!({}))];
    assert_eq!(matching(Query::term("_id", "b"), &documents), ["b"]);
    assert_eq!(
        matching(Query::terms("_id", ["a", "b", "c"]), &documents),
        ["a", "b"]
    );
    let with_ids = [("x-1", json!({"status": {}})), ("x-2", json!({}))];
    let page = Search::new()
        .query(Query::term("_id", "x-2"))
        .execute(&with_ids, &options())
        .unwrap();
    assert_eq!(page.hits.len(), 1);
    assert_eq!(page.hits[0].document.0, "x-2");
}

#[test]
fn nested_queries_test_each_object_and_nested_fields_are_hidden_outside() {
    let documents = [
        run(
            "a",
            json!({"spec": {"workflowTemplateRef": {"name": "w1"}}}),
        ),
        json!({"metadata": [{"name": "b"}, {"name": "b-alias"}], "spec": {}}),
    ];
    assert_eq!(
        matching(
            Query::nested(
                "spec",
                Query::term("spec.workflowTemplateRef.name.keyword", "w1")
            ),
            &documents
        ),
        ["a"]
    );
    assert!(
        matching(
            Query::term("spec.workflowTemplateRef.name.keyword", "w1"),
            &documents
        )
        .is_empty()
    );
    assert_eq!(
        matching(
            Query::nested("metadata", Query::term("metadata.name.keyword", "b-alias")),
            &documents
        )
        .len(),
        1
    );
    // Both conditions must hold in the same nested object.
    let same_object = Query::nested(
        "metadata",
        Query::bool()
            .filter(Query::term("metadata.name.keyword", "b"))
            .filter(Query::term("metadata.name.keyword", "b-alias")),
    );
    assert!(matching(same_object, &documents).is_empty());
    let other_paths = EvalOptions::at(now()).nested_paths(Vec::<String>::new());
    let page = Search::new()
        .query(Query::term("spec.workflowTemplateRef.name.keyword", "w1"))
        .execute(&documents, &other_paths)
        .unwrap();
    assert_eq!(
        page.hits.len(),
        1,
        "visible when spec is not mapped as nested"
    );
}

#[test]
fn exists_needs_a_non_null_value() {
    let documents = [
        run(
            "value",
            json!({"status": {"finishedAt": "2024-11-18T05:51:53Z"}}),
        ),
        run("null", json!({"status": {"finishedAt": null}})),
        run("absent", json!({"status": {}})),
        run("empty-array", json!({"status": {"finishedAt": []}})),
        run(
            "array-with-null",
            json!({"status": {"finishedAt": [null, "x"]}}),
        ),
    ];
    assert_eq!(
        matching(Query::exists("status.finishedAt"), &documents),
        ["value", "array-with-null"]
    );
    assert_eq!(
        matching(
            Query::bool().must_not(Query::exists("status.finishedAt")),
            &documents
        ),
        ["null", "absent", "empty-array"]
    );
}

#[test]
fn bool_should_needs_one_match_only_without_must_or_filter() {
    let documents = [
        run("a", json!({"n": 1})),
        run("b", json!({"n": 2})),
        run("c", json!({"n": 3})),
    ];
    let either = Query::bool()
        .should(Query::term("n", 1))
        .should(Query::term("n", 2));
    assert_eq!(matching(either, &documents), ["a", "b"]);
    let with_filter = Query::bool()
        .filter(Query::range("n").gte(2))
        .should(Query::term("n", 1));
    assert_eq!(
        matching(with_filter, &documents),
        ["b", "c"],
        "should is optional next to a filter"
    );
    let forced = Query::bool()
        .filter(Query::range("n").gte(2))
        .should(Query::term("n", 3))
        .minimum_should_match(1);
    assert_eq!(matching(forced, &documents), ["c"]);
    assert_eq!(
        matching(Query::bool(), &documents).len(),
        3,
        "an empty bool matches everything"
    );
    assert!(
        matching(Query::terms("n", Vec::<i64>::new()), &documents).is_empty(),
        "empty terms match nothing"
    );
}

#[test]
fn ranges_over_numbers_dates_with_rounding_and_strings() {
    let documents = [
        run(
            "early",
            json!({"status": {"startedAt": "2024-11-17T23:59:59Z", "n": 5, "s": "apple"}}),
        ),
        run(
            "midnight",
            json!({"status": {"startedAt": "2024-11-18T00:00:00Z", "n": 10, "s": "banana"}}),
        ),
        run(
            "morning",
            json!({"status": {"startedAt": "2024-11-18T09:00:00+01:00", "n": 15, "s": "cherry"}}),
        ),
    ];
    assert_eq!(
        matching(Query::range("status.n").gt(5).lte(10), &documents),
        ["midnight"]
    );
    assert_eq!(
        matching(Query::range("status.startedAt").gte("now/d"), &documents),
        ["midnight", "morning"]
    );
    assert_eq!(
        matching(Query::range("status.startedAt").gt("now-1d/d"), &documents),
        ["midnight", "morning"],
        "gt rounds up"
    );
    assert_eq!(
        matching(Query::range("status.startedAt").lte("now-1d/d"), &documents),
        ["early"],
        "lte rounds up"
    );
    assert_eq!(
        matching(
            Query::range("status.startedAt").lt("2024-11-18T08:00:00Z"),
            &documents
        ),
        ["early", "midnight"]
    );
    assert_eq!(
        matching(
            Query::range("status.startedAt").lte("2024-11-18T08:00:00Z"),
            &documents
        ),
        ["early", "midnight", "morning"]
    );
    assert_eq!(
        matching(
            Query::range("status.startedAt")
                .gte("now/d")
                .time_zone("-01:00"),
            &documents
        ),
        ["morning"],
        "the day starts at 01:00Z in -01:00"
    );
    assert_eq!(
        matching(Query::range("status.s").gte("b").lt("c"), &documents),
        ["midnight"]
    );
    assert_eq!(
        matching(
            Query::range("status.startedAt").gte(1_731_888_000_000_i64),
            &documents
        ),
        ["midnight", "morning"]
    );
}

#[test]
fn sort_puts_missing_values_last_unless_told() {
    let documents = [
        run("none", json!({"status": {}})),
        run(
            "old",
            json!({"status": {"startedAt": "2024-11-01T00:00:00Z"}}),
        ),
        run(
            "new",
            json!({"status": {"startedAt": "2024-11-02T00:00:00Z"}}),
        ),
        run(
            "multi",
            json!({"status": {"startedAt": ["2024-10-01T00:00:00Z", "2024-11-03T00:00:00Z"]}}),
        ),
    ];
    let sorted = |sort: Sort| {
        names(
            &Search::new()
                .sort(sort)
                .execute(&documents, &options())
                .unwrap(),
        )
    };
    assert_eq!(
        sorted(Sort::new("status.startedAt").order(SortOrder::Desc)),
        ["multi", "new", "old", "none"]
    );
    assert_eq!(
        sorted(Sort::new("status.startedAt")),
        ["multi", "old", "new", "none"],
        "asc takes the smallest value"
    );
    assert_eq!(
        sorted(
            Sort::new("status.startedAt")
                .order(SortOrder::Desc)
                .missing_first()
        ),
        ["none", "multi", "new", "old"]
    );
    assert_eq!(sorted(Sort::new("_doc")), ["none", "old", "new", "multi"]);
}

#[test]
fn paging_and_totals() {
    let documents: Vec<Value> = (0..25)
        .map(|i| run(&format!("r{i:02}"), json!({"i": i})))
        .collect();
    let search = Search::new().sort(Sort::new("i")).from(20).size(10);
    let page = search.execute(&documents, &options()).unwrap();
    assert_eq!(names(&page), ["r20", "r21", "r22", "r23", "r24"]);
    assert_eq!(
        page.total
            .as_ref()
            .map(|t| (t.value, t.relation.as_ref().map(|r| r.as_str()))),
        Some((25, Some("eq")))
    );

    let capped = Search::new()
        .size(0)
        .track_total_hits(atlan_query::TrackTotalHits::UpTo(10))
        .execute(&documents, &options())
        .unwrap();
    assert_eq!(
        capped
            .total
            .map(|t| (t.value, t.relation.map(|r| r.as_str().to_owned()))),
        Some((10, Some("gte".to_owned())))
    );
    assert!(capped.hits.is_empty());
    assert_eq!(
        Search::new()
            .track_total_hits(false)
            .execute(&documents, &options())
            .unwrap()
            .total,
        None
    );

    let filtered = Search::new()
        .post_filter(Query::range("i").lt(3))
        .execute(&documents, &options())
        .unwrap();
    assert_eq!(filtered.total.map(|t| t.value), Some(3));
}

#[test]
fn searches_elasticsearch_refuses_are_errors() {
    let documents: [Value; 0] = [];
    let too_far = Search::new()
        .from(9_995)
        .size(10)
        .execute(&documents, &options());
    assert_eq!(
        too_far,
        Err(EvalError::ResultWindow {
            requested: 10_005,
            max: 10_000
        })
    );
    let bad_regexp = Search::new()
        .query(Query::regexp("f", "a(b"))
        .execute(&documents, &options())
        .unwrap_err();
    assert!(
        bad_regexp
            .to_string()
            .starts_with("invalid regular expression `a(b`"),
        "{bad_regexp}"
    );
    let bad_zone = Search::new()
        .query(Query::range("f").gte("now").time_zone("Mars/Olympus"))
        .execute(&documents, &options())
        .unwrap_err();
    assert!(matches!(bad_zone, EvalError::InvalidDate { .. }));
    // Named zones come from the compiled-in database.
    Search::new()
        .query(Query::range("f").gte("now/d").time_zone("Europe/Paris"))
        .execute(&documents, &options())
        .unwrap();
}

#[test]
fn the_clock_is_the_one_given() {
    let documents = [run(
        "a",
        json!({"status": {"startedAt": "2024-11-18T05:45:01Z"}}),
    )];
    let search = Search::new().query(Query::range("status.startedAt").gte("now-6h"));
    let before = EvalOptions::at("2024-11-18T11:45:00Z".parse().unwrap());
    let after = EvalOptions::at("2024-11-18T11:45:02Z".parse().unwrap());
    assert_eq!(search.execute(&documents, &before).unwrap().hits.len(), 1);
    assert_eq!(search.execute(&documents, &after).unwrap().hits.len(), 0);
}

/// The Atlan searches over the `runs-search` fixture: a run by id, the succeeded runs of
/// `phase_workflow`, runs by status and time, and the latest and current run of a workflow.
fn atlan_searches(phase_workflow: &str) -> Vec<Search> {
    vec![
        workflows::find_run_by_id("atlan-snowflake-miner-1714638976-mzdza").unwrap(),
        workflows::runs_by_phase(phase_workflow, &WorkflowPhase::Succeeded, 0, 100).unwrap(),
        workflows::runs_by_status_and_time(
            &[WorkflowPhase::Succeeded, WorkflowPhase::Failed],
            &TimeBounds::since("now-8h".parse().unwrap()),
            &TimeBounds::before("now-2h".parse().unwrap()),
            0,
            100,
        )
        .unwrap(),
        workflows::latest_run("atlan-snowflake-1714638976").unwrap(),
        workflows::current_run("atlan-snowflake-1714638976").unwrap(),
    ]
}

#[test]
fn doc_values_give_the_same_answers_as_the_source() {
    let mut runs = fixture_documents("runs-search");
    runs.push(stopped_run());
    let with_columns: Vec<WithDocValues> = runs.iter().map(WithDocValues::new).collect();
    let mut searches = atlan_searches("atlan-snowflake-miner-1714638976");
    searches.extend([
        Search::new()
            .query(Query::range("status.startedAt").gte("now-6h"))
            .sort(Sort::new("status.finishedAt").order(SortOrder::Asc)),
        Search::new().query(Query::exists("metadata.name")),
        Search::new().query(Query::term("status.phase.keyword", "Failed")),
    ]);
    for search in &searches {
        let plain = search.execute(&runs, &options()).unwrap();
        let columnar = search.execute(&with_columns, &options()).unwrap();
        let columnar_names: Vec<&str> = columnar
            .hits
            .iter()
            .map(|hit| hit.document.source["metadata"]["name"].as_str().unwrap())
            .collect();
        assert_eq!(names(&plain), columnar_names, "{search:?}");
        assert_eq!(plain.total, columnar.total, "{search:?}");
        let plain_sorts: Vec<&Vec<Value>> = plain.hits.iter().map(|hit| &hit.sort).collect();
        let columnar_sorts: Vec<&Vec<Value>> = columnar.hits.iter().map(|hit| &hit.sort).collect();
        assert_eq!(plain_sorts, columnar_sorts, "{search:?}");
    }
}

/// A store holding sources as text parses one only when a search reads a field that has no doc
/// values: Atlan's searches read none, and the evaluator says when it is done with each match.
#[test]
fn searches_on_doc_values_never_read_the_source() {
    let runs = fixture_documents("runs-search");
    let with_columns: Vec<WithDocValues> = runs.iter().map(WithDocValues::new).collect();
    let searches = atlan_searches("atlan-snowflake-1714638976");
    let mut matched = 0;
    for search in &searches {
        let page = search.execute(with_columns.clone(), &options()).unwrap();
        assert!(
            page.hits.iter().all(|hit| hit.document.evaluated == 1),
            "{search:?}"
        );
        matched += page.hits.len();
        let reads: usize = page
            .hits
            .iter()
            .map(|hit| hit.document.source_reads.get())
            .sum();
        assert_eq!(reads, 0, "{search:?}");
    }
    assert!(matched > 0, "the searches match something");
    let reads = |search: &Search| {
        search.execute(&with_columns, &options()).unwrap();
        with_columns
            .iter()
            .map(|document| document.source_reads.replace(0))
            .sum::<usize>()
    };
    for search in &searches {
        assert_eq!(reads(search), 0, "no document's source: {search:?}");
    }
    let progress = Search::new().query(Query::term("status.progress.keyword", "2/2"));
    assert!(reads(&progress) >= runs.len(), "a field with no doc values");
}

#[test]
fn doc_values_are_what_the_evaluator_reads() {
    let runs = [stopped_run()];
    let mut lying = WithDocValues::new(&runs[0]);
    *lying.column_mut("metadata.labels.workflows.argoproj.io/phase") =
        vec![json!("Pending").into()];
    *lying.column_mut("status.phase") = vec![json!("Pending").into()];
    let by_label = workflows::runs_by_phase(
        runs[0]["spec"]["workflowTemplateRef"]["name"]
            .as_str()
            .unwrap(),
        &WorkflowPhase::Pending,
        0,
        10,
    )
    .unwrap();
    assert_eq!(by_label.execute(&runs, &options()).unwrap().hits.len(), 0);
    assert_eq!(
        by_label.execute([&lying], &options()).unwrap().hits.len(),
        1,
        "the nested query read the doc values"
    );
    let top_level = Search::new().query(Query::term("status.phase.keyword", "Pending"));
    assert_eq!(
        top_level.execute([&lying], &options()).unwrap().hits.len(),
        1
    );
    let hidden = Search::new().query(Query::term("metadata.name.keyword", "anything"));
    *lying.column_mut("metadata.name") = vec![json!("anything").into()];
    assert!(
        hidden
            .execute([&lying], &options())
            .unwrap()
            .hits
            .is_empty(),
        "nested fields stay hidden at the top level"
    );
    lying.column_mut("spec").clear();
    assert!(
        by_label
            .execute([&lying], &options())
            .unwrap()
            .hits
            .is_empty(),
        "no spec object: the nested query has nothing to match"
    );
}
