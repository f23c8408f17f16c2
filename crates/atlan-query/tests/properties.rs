//! Properties: the DSL round-trips through JSON; each Atlan search returns exactly what a brute-force
//! filter of the same meaning returns; pages concatenate to the whole result; sort order holds.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::collections::HashSet;

use atlan_model::{WorkflowPackage, WorkflowPhase};
use atlan_query::eval::EvalOptions;
use atlan_query::workflows::{self, TimeBounds};
use atlan_query::{Query, RangeQuery, Search, Sort, SortOrder, Timestamp};
use proptest::prelude::*;
use serde_json::{Value, json};

mod common;
use common::WithDocValues;

// ---------------------------------------------------------------- the DSL round-trips

fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z]{1,6}(\\.[a-z]{1,6}){0,2}",
        Just("_id".to_owned()),
        "[a-z]{1,6}\\.keyword"
    ]
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        "[ -~]{0,10}".prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        (-1.0e6f64..1.0e6).prop_map(Value::from),
    ]
}

fn leaf() -> impl Strategy<Value = Query> {
    prop_oneof![
        (
            field(),
            scalar(),
            prop::option::of(0.5f64..4.0),
            prop::option::of("[a-z]{1,4}")
        )
            .prop_map(|(f, v, boost, name)| {
                let mut term = Query::term(f, v);
                term.boost = boost;
                term.name = name;
                Query::from(term)
            }),
        (field(), prop::collection::vec(scalar(), 0..4))
            .prop_map(|(f, v)| Query::terms(f, v).into()),
        (field(), "[a-z.*?]{0,8}").prop_map(|(f, p)| Query::regexp(f, p).into()),
        (field(), "[a-z-]{0,8}").prop_map(|(f, p)| Query::prefix(f, p).into()),
        (field(), "[a-z*?]{0,8}").prop_map(|(f, p)| Query::wildcard(f, p).into()),
        (
            field(),
            prop::option::of(scalar()),
            prop::option::of(scalar()),
            prop::option::of(scalar()),
            prop::option::of(scalar())
        )
            .prop_map(|(f, gt, gte, lt, lte)| {
                let mut range = RangeQuery::new(f);
                range.gt = gt;
                range.gte = gte;
                range.lt = lt;
                range.lte = lte;
                Query::from(range)
            }),
        field().prop_map(|f| Query::exists(f).into()),
        Just(Query::match_all().into()),
    ]
}

fn query() -> impl Strategy<Value = Query> {
    leaf().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            ("[a-z]{1,8}", inner.clone()).prop_map(|(path, q)| Query::nested(path, q).into()),
            (
                prop::collection::vec(inner.clone(), 0..3),
                prop::collection::vec(inner.clone(), 0..3),
                prop::collection::vec(inner.clone(), 0..3),
                prop::collection::vec(inner, 0..3),
                prop::option::of(-3i64..4),
                prop::option::of(0.5f64..4.0),
            )
                .prop_map(|(must, filter, should, must_not, minimum, boost)| {
                    let mut query = Query::bool();
                    query.must = must;
                    query.filter = filter;
                    query.should = should;
                    query.must_not = must_not;
                    if let Some(minimum) = minimum {
                        query = query.minimum_should_match(minimum);
                    }
                    query.boost = boost;
                    Query::from(query)
                }),
        ]
    })
}

fn search() -> impl Strategy<Value = Search> {
    (
        prop::option::of(query()),
        0u64..10_000,
        0u64..500,
        prop::collection::vec(
            (
                field(),
                any::<bool>(),
                prop::option::of("[a-z]{1,5}"),
                any::<bool>(),
            ),
            0..3,
        ),
        prop::option::of(any::<bool>()),
    )
        .prop_map(|(query, from, size, sorts, track)| {
            let mut search = Search::new().from(from).size(size);
            search.query = query;
            for (field, desc, nested, missing_first) in sorts {
                let mut sort = Sort::new(field).order(if desc {
                    SortOrder::Desc
                } else {
                    SortOrder::Asc
                });
                if let Some(path) = nested {
                    sort = sort.nested(path);
                }
                if missing_first {
                    sort = sort.missing_first();
                }
                search = search.sort(sort);
            }
            if let Some(track) = track {
                search = search.track_total_hits(track);
            }
            search
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn queries_round_trip_through_json(query in query()) {
        let json = serde_json::to_string(&query).unwrap();
        let back: Query = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, query);
    }

    #[test]
    fn searches_round_trip_through_json(search in search()) {
        let json = serde_json::to_value(&search).unwrap();
        let back: Search = serde_json::from_value(json.clone()).unwrap();
        prop_assert_eq!(serde_json::to_value(&back).unwrap(), json);
        prop_assert_eq!(back, search);
    }
}

// ---------------------------------------------------------------- searches mean what they say

const NOW: &str = "2026-06-15T12:00:00Z";
const WORKFLOWS: [&str; 3] = [
    "atlan-snowflake-1700000001",
    "atlan-snowflake-miner-1700000002",
    "csa-asset-import-1700000003",
];
const PHASES: [&str; 5] = ["Pending", "Running", "Succeeded", "Failed", "Error"];

fn now() -> Timestamp {
    NOW.parse().unwrap()
}

/// A generated run, and the facts the brute-force filters use.
#[derive(Debug, Clone)]
struct Run {
    id: String,
    workflow: usize,
    label_phase: Option<usize>,
    status_phase: Option<usize>,
    creator: bool,
    created: i64,
    started: Option<i64>,
    finished: Option<i64>,
}

impl Run {
    fn to_document(&self) -> Value {
        let at = |offset: i64| {
            Timestamp::from_second(now().as_second() + offset)
                .unwrap()
                .to_string()
        };
        let mut labels = serde_json::Map::new();
        if let Some(phase) = self.label_phase {
            labels.insert("workflows.argoproj.io/phase".into(), json!(PHASES[phase]));
        }
        if self.creator {
            labels.insert("workflows.argoproj.io/creator".into(), json!("5a5b3bd4"));
        }
        let mut status = serde_json::Map::new();
        if let Some(phase) = self.status_phase {
            status.insert("phase".into(), json!(PHASES[phase]));
        }
        status.insert(
            "startedAt".into(),
            self.started.map_or(Value::Null, |s| json!(at(s))),
        );
        if let Some(finished) = self.finished {
            status.insert("finishedAt".into(), json!(at(finished)));
        }
        json!({
            "metadata": {"name": self.id, "creationTimestamp": at(self.created), "labels": labels},
            "spec": {"workflowTemplateRef": {"name": WORKFLOWS[self.workflow]}},
            "status": status,
        })
    }
}

/// Runs over the last ~10 hours; timestamps in whole seconds, so ties happen.
fn runs() -> impl Strategy<Value = Vec<Run>> {
    prop::collection::vec(
        (
            0..WORKFLOWS.len(),
            prop::option::weighted(0.9, 0..PHASES.len()),
            prop::option::weighted(0.9, 0..PHASES.len()),
            prop::bool::weighted(0.8),
            -36_000i64..0,
            prop::option::weighted(0.8, 0i64..3_600),
            prop::option::weighted(0.6, 0i64..7_200),
        ),
        0..60,
    )
    .prop_map(|raw| {
        raw.into_iter()
            .enumerate()
            .map(
                |(
                    index,
                    (workflow, label_phase, status_phase, creator, created, start_delay, run_time),
                )| {
                    let started = start_delay.map(|delay| (created + delay).min(0));
                    Run {
                        id: format!("{}-{index:05}", WORKFLOWS[workflow]),
                        workflow,
                        label_phase,
                        status_phase: status_phase.or(label_phase),
                        creator,
                        created,
                        started,
                        finished: started.zip(run_time).map(|(s, t)| (s + t).min(0)),
                    }
                },
            )
            .collect()
    })
}

/// The brute-force order of Atlan's default sort: creation time descending, ties in input order.
fn newest_first(mut runs: Vec<&Run>) -> Vec<&Run> {
    runs.sort_by_key(|run| std::cmp::Reverse(run.created));
    runs
}

fn page_ids(runs: &[&Run], from: u64, size: u64) -> Vec<String> {
    runs.iter()
        .skip(from as usize)
        .take(size as usize)
        .map(|run| run.id.clone())
        .collect()
}

/// The ids and total of a search over `documents`. Every search also runs over the same documents
/// with doc values, and must give the same hits, sort values and total.
fn executed_ids(search: &Search, documents: &[Value]) -> (Vec<String>, u64) {
    let page = search.execute(documents, &EvalOptions::at(now())).unwrap();
    let columnar: Vec<WithDocValues> = documents.iter().map(WithDocValues::new).collect();
    let with_doc_values = search.execute(&columnar, &EvalOptions::at(now())).unwrap();
    let name = |source: &Value| source["metadata"]["name"].as_str().unwrap().to_owned();
    let ids: Vec<String> = page.hits.iter().map(|hit| name(hit.document)).collect();
    let columnar_ids: Vec<String> = with_doc_values
        .hits
        .iter()
        .map(|hit| name(&hit.document.source))
        .collect();
    assert_eq!(
        ids, columnar_ids,
        "doc values change the hits of {search:?}"
    );
    assert_eq!(page.total, with_doc_values.total);
    let sorts: Vec<&Vec<Value>> = page.hits.iter().map(|hit| &hit.sort).collect();
    let columnar_sorts: Vec<&Vec<Value>> =
        with_doc_values.hits.iter().map(|hit| &hit.sort).collect();
    assert_eq!(sorts, columnar_sorts);
    (ids, page.total.map_or(0, |total| total.value))
}

/// A time bound at `offset` seconds from now: `now-Ns` or the RFC 3339 instant.
fn bound_text(offset: i64, relative: bool) -> String {
    if relative {
        if offset <= 0 {
            format!("now-{}s", -offset)
        } else {
            format!("now+{offset}s")
        }
    } else {
        Timestamp::from_second(now().as_second() + offset)
            .unwrap()
            .to_string()
    }
}

/// Time bounds, and their offsets from now (since, before) for the brute-force filter.
type Bounds = (TimeBounds, Option<i64>, Option<i64>);

/// Bounds that often sit exactly on a run's own times, so that inclusiveness is tested.
fn bounds(times: Vec<i64>) -> impl Strategy<Value = Bounds> {
    let offset = move || {
        let times = times.clone();
        prop_oneof![
            -40_000i64..100,
            any::<prop::sample::Index>().prop_map(move |pick| if times.is_empty() {
                0
            } else {
                times[pick.index(times.len())]
            }),
        ]
    };
    (
        prop::option::of((offset(), any::<bool>())),
        prop::option::of((offset(), any::<bool>())),
    )
        .prop_map(|(since, before)| {
            let mut bounds = TimeBounds::any();
            bounds.since =
                since.map(|(offset, relative)| bound_text(offset, relative).parse().unwrap());
            bounds.before =
                before.map(|(offset, relative)| bound_text(offset, relative).parse().unwrap());
            (bounds, since.map(|b| b.0), before.map(|b| b.0))
        })
}

/// Runs, with bounds drawn partly from their start and finish times.
fn runs_and_bounds() -> impl Strategy<Value = (Vec<Run>, Bounds, Bounds)> {
    runs().prop_flat_map(|runs| {
        let started: Vec<i64> = runs.iter().filter_map(|run| run.started).collect();
        let finished: Vec<i64> = runs.iter().filter_map(|run| run.finished).collect();
        (Just(runs), bounds(started), bounds(finished))
    })
}

fn within(value: Option<i64>, since: Option<i64>, before: Option<i64>) -> bool {
    if since.is_none() && before.is_none() {
        return true;
    }
    value.is_some_and(|value| since.is_none_or(|s| value >= s) && before.is_none_or(|b| value <= b))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn runs_by_phase_is_a_filter_on_workflow_and_status_phase(
        runs in runs(), workflow in 0..WORKFLOWS.len(), phase in 0..PHASES.len(), from in 0u64..40, size in 1u64..30,
    ) {
        let documents: Vec<Value> = runs.iter().map(Run::to_document).collect();
        let search = workflows::runs_by_phase(WORKFLOWS[workflow], &WorkflowPhase::from(PHASES[phase]), from, size).unwrap();
        let expected = newest_first(runs.iter().filter(|r| r.workflow == workflow && r.status_phase == Some(phase)).collect());
        let (ids, total) = executed_ids(&search, &documents);
        prop_assert_eq!(ids, page_ids(&expected, from, size));
        prop_assert_eq!(total, expected.len() as u64);
    }

    #[test]
    fn runs_of_workflow_is_a_filter_on_workflow_only(
        runs in runs(), workflow in 0..WORKFLOWS.len(), from in 0u64..40, size in 1u64..30,
    ) {
        let documents: Vec<Value> = runs.iter().map(Run::to_document).collect();
        let search = workflows::runs_of_workflow(WORKFLOWS[workflow], from, size).unwrap();
        let expected = newest_first(runs.iter().filter(|r| r.workflow == workflow).collect());
        let (ids, total) = executed_ids(&search, &documents);
        prop_assert_eq!(ids, page_ids(&expected, from, size));
        prop_assert_eq!(total, expected.len() as u64);
    }

    #[test]
    fn runs_by_status_and_time_is_a_filter_on_label_phase_times_and_creator(
        (runs, started, finished) in runs_and_bounds(),
        phases in prop::collection::btree_set(0..PHASES.len(), 1..4),
        from in 0u64..40,
        size in 1u64..30,
    ) {
        let documents: Vec<Value> = runs.iter().map(Run::to_document).collect();
        let wanted: Vec<WorkflowPhase> = phases.iter().map(|p| WorkflowPhase::from(PHASES[*p])).collect();
        let search = workflows::runs_by_status_and_time(&wanted, &started.0, &finished.0, from, size).unwrap();
        let expected = newest_first(
            runs.iter()
                .filter(|r| r.label_phase.is_some_and(|p| phases.contains(&p)))
                .filter(|r| within(r.started, started.1, started.2))
                .filter(|r| within(r.finished, finished.1, finished.2))
                .filter(|r| r.creator)
                .collect(),
        );
        let (ids, total) = executed_ids(&search, &documents);
        prop_assert_eq!(ids, page_ids(&expected, from, size));
        prop_assert_eq!(total, expected.len() as u64);
    }

    #[test]
    fn find_run_by_id_finds_exactly_that_run(runs in runs(), pick in any::<prop::sample::Index>(), missing in any::<bool>()) {
        let documents: Vec<Value> = runs.iter().map(Run::to_document).collect();
        let id = if missing || runs.is_empty() { "atlan-nope-1700000000-zzzzz".to_owned() } else { runs[pick.index(runs.len())].id.clone() };
        let (ids, _) = executed_ids(&workflows::find_run_by_id(&id).unwrap(), &documents);
        let expected: Vec<String> = runs.iter().filter(|r| r.id == id).map(|r| r.id.clone()).take(1).collect();
        prop_assert_eq!(ids, expected);
    }

    #[test]
    fn latest_run_is_the_newest_unstarted_else_the_last_started(runs in runs(), workflow in 0..WORKFLOWS.len()) {
        let documents: Vec<Value> = runs.iter().map(Run::to_document).collect();
        let (ids, _) = executed_ids(&workflows::latest_run(WORKFLOWS[workflow]).unwrap(), &documents);
        let mine = newest_first(runs.iter().filter(|r| r.workflow == workflow).collect());
        let expected = mine
            .iter()
            .find(|r| r.started.is_none())
            .or_else(|| {
                // Latest start; among equal starts, the newest by creation (then input order).
                let latest = mine.iter().filter_map(|r| r.started).max()?;
                mine.iter().find(|r| r.started == Some(latest))
            })
            .map(|r| vec![r.id.clone()])
            .unwrap_or_default();
        prop_assert_eq!(ids, expected);
    }

    #[test]
    fn find_by_type_matches_exactly_prefix_dash_ten_digits(
        suffixes in prop::collection::vec(("[0-9]{8,11}", prop::sample::select(vec!["", "-miner", "-x", "x"]), any::<bool>()), 0..30),
        package in prop::sample::select(vec!["atlan-snowflake", "atlan-snowflake-miner", "csa-asset-import"]),
    ) {
        let templates: Vec<Value> = suffixes
            .iter()
            .enumerate()
            .map(|(i, (digits, infix, trailing))| {
                let name = format!("{package}{infix}-{digits}{}", if *trailing { "-run" } else { "" });
                json!({"metadata": {"name": name, "creationTimestamp": format!("2026-01-01T00:00:{:02}Z", i % 60)}, "spec": {}})
            })
            .collect();
        let search = workflows::find_by_type(WorkflowPackage::from(package), 100).unwrap();
        let (ids, _) = executed_ids(&search, &templates);
        let mut expected: Vec<(&str, &Value)> = templates
            .iter()
            .map(|t| (t["metadata"]["name"].as_str().unwrap(), t))
            .filter(|(name, _)| {
                name.strip_prefix(package).and_then(|rest| rest.strip_prefix('-')).is_some_and(|digits| {
                    digits.len() == 10 && digits.bytes().all(|b| b.is_ascii_digit())
                })
            })
            .collect();
        expected.sort_by(|a, b| b.1["metadata"]["creationTimestamp"].as_str().cmp(&a.1["metadata"]["creationTimestamp"].as_str()));
        prop_assert_eq!(ids, expected.iter().map(|(name, _)| (*name).to_owned()).collect::<Vec<_>>());
    }

    /// Walking a search page by page gives the whole result once, in order, with no duplicate or gap.
    #[test]
    fn pages_concatenate_to_the_whole_result(runs in runs(), phases in prop::collection::btree_set(0..PHASES.len(), 1..5), size in 1u64..25) {
        let documents: Vec<Value> = runs.iter().map(Run::to_document).collect();
        let wanted: Vec<WorkflowPhase> = phases.iter().map(|p| WorkflowPhase::from(PHASES[*p])).collect();
        let any = TimeBounds::any();
        let whole = workflows::runs_by_status_and_time(&wanted, &any, &any, 0, 10_000).unwrap();
        let (all, total) = executed_ids(&whole, &documents);
        let mut walked = Vec::new();
        let mut page = workflows::runs_by_status_and_time(&wanted, &any, &any, 0, size).unwrap();
        loop {
            let (ids, page_total) = executed_ids(&page, &documents);
            prop_assert_eq!(page_total, total);
            let short = (ids.len() as u64) < size;
            walked.extend(ids);
            if short {
                break;
            }
            page = page.next_page();
        }
        let unique: HashSet<&String> = walked.iter().collect();
        prop_assert_eq!(unique.len(), walked.len(), "no duplicates");
        prop_assert_eq!(walked, all);
    }

    /// Hits come out in sort order: descending creation time, then ascending start with missing first.
    #[test]
    fn sort_order_holds(runs in runs()) {
        let documents: Vec<Value> = runs.iter().map(Run::to_document).collect();
        let search = Search::new()
            .size(100)
            .sort(Sort::new("metadata.creationTimestamp").order(SortOrder::Desc).nested("metadata"))
            .sort(Sort::new("status.startedAt").missing_first());
        let page = search.execute(&documents, &EvalOptions::at(now())).unwrap();
        let keys: Vec<(i64, Option<i64>)> = page
            .hits
            .iter()
            .map(|hit| (hit.sort[0].as_i64().unwrap(), hit.sort[1].as_i64()))
            .collect();
        for pair in keys.windows(2) {
            let ((created_a, started_a), (created_b, started_b)) = (pair[0], pair[1]);
            prop_assert!(created_a >= created_b);
            if created_a == created_b {
                prop_assert!(started_a.is_none() || (started_b.is_some() && started_a <= started_b));
            }
        }
        prop_assert_eq!(keys.len(), runs.len());
    }
}
