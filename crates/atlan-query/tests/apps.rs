//! The app workflow run searches: the active-run search is pyatlan's, field for field; run searches
//! return exactly what a brute-force filter of the same meaning returns, newest first.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use atlan_model::AppRunStatus;
use atlan_query::Timestamp;
use atlan_query::apps::{self, RunFilter};
use atlan_query::eval::EvalOptions;
use atlan_query::workflows::QueryError;
use atlan_query::workflows::TimeBounds;
use proptest::prelude::*;
use serde_json::{Value, json};

/// The body pyatlan 11.6.0 sends for slug `snowflake-crawler-x7k2p` (ATLAN-APPS-API.md).
fn pyatlan_active_run_search() -> Value {
    json!({"attributes": ["appWorkflowRunStatus"],
     "dsl": {"from": 0, "size": 1, "aggregations": {}, "track_total_hits": true,
             "query": {"bool": {"filter": [
               {"term": {"__state": {"value": "ACTIVE", "case_insensitive": false}}},
               {"term": {"__typeName.keyword": {"value": "AppWorkflowRun", "case_insensitive": false}}},
               {"prefix": {"qualifiedName": {"value": "default/apps/automation_engine/workflows/snowflake-crawler-x7k2p/", "case_insensitive": false}}},
               {"terms": {"appWorkflowRunStatus": ["Pending", "Running"]}}]}},
             "sort": [{"__guid": {"order": "asc"}}]},
     "requestMetadata": {"saveSearchLog": false, "utmTags": ["project_sdk_python"]}})
}

#[test]
fn active_runs_is_pyatlans_search() {
    let ours = serde_json::to_value(apps::active_runs("snowflake-crawler-x7k2p").unwrap()).unwrap();
    let theirs = pyatlan_active_run_search();
    assert_eq!(ours["dsl"], theirs["dsl"]);
    assert_eq!(ours["attributes"], theirs["attributes"]);
    // Only the attribution differs: this is not the Python SDK.
    assert_eq!(ours["requestMetadata"]["saveSearchLog"], false);
    assert_eq!(
        ours["requestMetadata"]["utmTags"],
        json!(["project_sdk_rust"])
    );
    // pyatlan's body reads back as ours.
    let read: apps::AtlasSearch = serde_json::from_value(theirs).unwrap();
    assert_eq!(
        read.dsl,
        apps::active_runs("snowflake-crawler-x7k2p").unwrap().dsl
    );
    insta::assert_json_snapshot!(ours);
}

#[test]
fn run_searches_snapshot() {
    let filter = RunFilter::default()
        .slug("prod-snowflake-0c4f9a1e")
        .statuses([AppRunStatus::Failed, AppRunStatus::Error])
        .started(TimeBounds::since("now-1d".parse().unwrap()))
        .completed(TimeBounds::before("now-1h".parse().unwrap()))
        .page(100, 50);
    insta::assert_json_snapshot!(apps::runs(&filter).unwrap());
    insta::assert_json_snapshot!("every_run", apps::runs(&RunFilter::default()).unwrap());
    insta::assert_json_snapshot!(
        "runs_changed_since",
        apps::runs(&RunFilter::default().changed_since("2026-06-15T11:55:00Z".parse().unwrap()))
            .unwrap()
    );
}

#[test]
fn a_run_by_id_is_one_term_on_its_name_with_its_steps() {
    let search = apps::run_by_id("5f0c2b8e-1a3d-4c6e-9f7a-2b4d6e8f0a1c").unwrap();
    insta::assert_json_snapshot!(search);
    let attributes: Vec<&str> = search.attributes.iter().map(String::as_str).collect();
    assert!(attributes.contains(&"appWorkflowRunSteps"));
    assert!(attributes.contains(&"appWorkflowRunOutputs"));
    assert!(matches!(apps::run_by_id(""), Err(QueryError::Empty { .. })));
}

#[test]
fn workflow_assets_are_live_app_workflows_in_guid_order() {
    let search = apps::workflow_assets(200, 100).unwrap();
    insta::assert_json_snapshot!(search);
    assert_eq!(
        search.attributes,
        ["qualifiedName", apps::WORKFLOW_SLUG],
        "the slug, and the entity's own times"
    );
    assert_eq!(
        apps::workflow_assets(0, 0).unwrap_err(),
        QueryError::ZeroSize
    );
    assert!(matches!(
        apps::workflow_assets(9_990, 20),
        Err(QueryError::ResultWindow { .. })
    ));
}

#[test]
fn bad_run_searches_are_errors_before_a_body_exists() {
    assert_eq!(
        apps::active_runs(" ").unwrap_err(),
        QueryError::Empty {
            what: "app workflow slug"
        }
    );
    assert!(apps::runs(&RunFilter::default().slug("")).is_err());
    // A bound that is not a time never reaches a filter: it is refused where it is read.
    assert!("yesterday".parse::<atlan_query::TimeBound>().is_err());
    assert_eq!(
        apps::runs(&RunFilter::default().page(0, 0)).unwrap_err(),
        QueryError::ZeroSize
    );
    assert!(matches!(
        apps::runs(&RunFilter::default().page(9_990, 20)),
        Err(QueryError::ResultWindow { .. })
    ));
}

// ---------------------------------------------------------------- against a brute-force filter

const NOW_MS: i64 = 1_781_524_800_000; // 2026-06-15T12:00:00Z
const SLUGS: [&str; 4] = ["a", "a-2", "prod-snowflake-0c4f9a1e", "b"];

/// A run asset as the sandbox indexes it.
#[derive(Debug, Clone)]
struct Run {
    guid: String,
    slug: &'static str,
    state: &'static str,
    type_name: &'static str,
    status: AppRunStatus,
    started: i64,
    completed: Option<i64>,
}

impl Run {
    fn document(&self) -> Value {
        let mut document = json!({
            "__guid": self.guid, "__state": self.state, "__typeName": self.type_name,
            "qualifiedName": format!("default/apps/automation_engine/workflows/{}/3/runs/{}", self.slug, self.guid),
            "appWorkflowRunStatus": self.status.as_str(),
            "appWorkflowRunStartedAt": self.started,
            "appWorkflowRunAppWorkflowSlug": self.slug,
        });
        if let Some(completed) = self.completed {
            document["appWorkflowRunCompletedAt"] = json!(completed);
        }
        document
    }
}

fn runs() -> impl Strategy<Value = Vec<Run>> {
    prop::collection::vec(
        (
            0..SLUGS.len(),
            prop_oneof![9 => Just("ACTIVE"), 1 => Just("DELETED")],
            prop_oneof![9 => Just("AppWorkflowRun"), 1 => Just("AtlanAppWorkflow")],
            0..AppRunStatus::KNOWN.len(),
            0i64..(5 * 86_400_000),
            prop::option::of(0i64..86_400_000),
        ),
        0..40,
    )
    .prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(|(index, (slug, state, type_name, status, age, took))| Run {
                guid: format!("g-{index:03}"),
                slug: SLUGS[slug],
                state,
                type_name,
                status: AppRunStatus::KNOWN[status].clone(),
                started: NOW_MS - age,
                completed: took.map(|took| NOW_MS - age + took),
            })
            .collect()
    })
}

fn bound(offset_hours: Option<i64>) -> Option<atlan_query::TimeBound> {
    offset_hours.map(|hours| format!("now-{hours}h").parse().unwrap())
}

fn within(value: Option<i64>, since: Option<i64>, before: Option<i64>) -> bool {
    let hours = |h: i64| NOW_MS - h * 3_600_000;
    match value {
        Some(value) => {
            since.is_none_or(|h| value >= hours(h)) && before.is_none_or(|h| value <= hours(h))
        }
        None => since.is_none() && before.is_none(),
    }
}

proptest! {
    #[test]
    fn changed_since_finds_the_runs_started_completed_or_active_since(
        runs in runs(),
        hours in 0i64..120,
    ) {
        let filter = RunFilter::default().changed_since(format!("now-{hours}h").parse().unwrap()).page(0, 1000);
        let search = apps::runs(&filter).unwrap();
        let documents: Vec<Value> = runs.iter().map(Run::document).collect();
        let options = EvalOptions::atlas(Timestamp::from_millisecond(NOW_MS).unwrap());
        let page = search.dsl.execute(&documents, &options).unwrap();
        let mut found: Vec<String> = page.hits.iter().map(|hit| hit.document["__guid"].as_str().unwrap().to_owned()).collect();
        found.sort();
        let since = NOW_MS - hours * 3_600_000;
        let mut expected: Vec<String> = runs
            .iter()
            .filter(|run| run.state == "ACTIVE" && run.type_name == "AppWorkflowRun")
            .filter(|run| {
                run.started >= since
                    || run.completed.is_some_and(|at| at >= since)
                    || matches!(run.status, AppRunStatus::Pending | AppRunStatus::Running)
            })
            .map(|run| run.guid.clone())
            .collect();
        expected.sort();
        prop_assert_eq!(found, expected);
    }

    #[test]
    fn run_searches_are_a_filter_newest_first(
        runs in runs(),
        slug in prop::option::of(0..SLUGS.len()),
        statuses in prop::collection::btree_set(0..AppRunStatus::KNOWN.len(), 0..4),
        started in (prop::option::of(0i64..120), prop::option::of(0i64..120)),
        completed in (prop::option::of(0i64..120), prop::option::of(0i64..120)),
    ) {
        let statuses: Vec<AppRunStatus> = statuses.into_iter().map(|i| AppRunStatus::KNOWN[i].clone()).collect();
        let mut filter = RunFilter::default().statuses(statuses.clone()).page(0, 1000);
        if let Some(slug) = slug {
            filter = filter.slug(SLUGS[slug]);
        }
        let to_bounds = |(since, before): (Option<i64>, Option<i64>)| {
            let mut bounds = TimeBounds::any();
            bounds.since = bound(since);
            bounds.before = bound(before);
            bounds
        };
        filter = filter.started(to_bounds(started)).completed(to_bounds(completed));
        let search = apps::runs(&filter).unwrap();
        let documents: Vec<Value> = runs.iter().map(Run::document).collect();
        let options = EvalOptions::atlas(Timestamp::from_millisecond(NOW_MS).unwrap());
        let page = search.dsl.execute(&documents, &options).unwrap();
        let found: Vec<String> = page.hits.iter().map(|hit| hit.document["__guid"].as_str().unwrap().to_owned()).collect();

        let mut expected: Vec<&Run> = runs
            .iter()
            .filter(|run| run.state == "ACTIVE" && run.type_name == "AppWorkflowRun")
            .filter(|run| slug.is_none_or(|s| run.slug == SLUGS[s]))
            .filter(|run| statuses.is_empty() || statuses.contains(&run.status))
            .filter(|run| within(Some(run.started), started.0, started.1))
            .filter(|run| within(run.completed, completed.0, completed.1))
            .collect();
        expected.sort_by(|a, b| b.started.cmp(&a.started).then_with(|| a.guid.cmp(&b.guid)));
        let expected: Vec<String> = expected.iter().map(|run| run.guid.clone()).collect();
        prop_assert_eq!(found, expected);
    }

    #[test]
    fn active_runs_finds_a_pending_or_running_run_of_exactly_that_slug(runs in runs(), slug in 0..SLUGS.len()) {
        let search = apps::active_runs(SLUGS[slug]).unwrap();
        let documents: Vec<Value> = runs.iter().map(Run::document).collect();
        let options = EvalOptions::atlas(Timestamp::from_millisecond(NOW_MS).unwrap());
        let page = search.dsl.execute(&documents, &options).unwrap();
        let active = runs.iter().filter(|run| {
            run.state == "ACTIVE" && run.type_name == "AppWorkflowRun" && run.slug == SLUGS[slug] && run.status.is_active()
        }).count() as u64;
        prop_assert_eq!(page.total.unwrap().value, active);
        prop_assert_eq!(page.hits.len() as u64, active.min(1));
    }
}
