//! Every listing ends, over scripted services that lie the ways a hostile probe found:
//! `apps list` against a server that repeats or cycles `next_cursor` (457 requests and 22,700
//! duplicate lines in 20 s before), a create whose 409 names no slug and whose name lookup never
//! ends (3,269 requests and 1.65 GB in 20 s), and results repeated inside a page or across pages.
//! Each ends with `Error::BrokenListing` after the results before it, each yielded once.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use atlan_workflows::model::AppInputs;
use atlan_workflows::transport::TransportError;
use atlan_workflows::{AtlanClient, Error, ListingProblem, WorkflowPhase};
use bytes::Bytes;
use futures_util::StreamExt;
use serde_json::{Value, json};

/// What a scripted server answers request `n` (0 for the first), given its path with the query
/// and its JSON body.
type Script = dyn Fn(usize, &str, &Value) -> (u16, Value) + Send + Sync;

/// A client of a scripted server, and how many requests reached it.
fn scripted(
    script: impl Fn(usize, &str, &Value) -> (u16, Value) + Send + Sync + 'static,
) -> (AtlanClient, Arc<AtomicUsize>) {
    let script: Arc<Script> = Arc::new(script);
    let count = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&count);
    let service = tower::service_fn(move |request: http::Request<Bytes>| {
        let script = Arc::clone(&script);
        let n = seen.fetch_add(1, Ordering::SeqCst);
        async move {
            let target = request
                .uri()
                .path_and_query()
                .map(|target| target.as_str().to_owned())
                .unwrap_or_default();
            let body: Value = serde_json::from_slice(request.body()).unwrap_or(Value::Null);
            let (status, answer) = script(n, &target, &body);
            let mut response = http::Response::new(Bytes::from(answer.to_string()));
            *response.status_mut() = http::StatusCode::from_u16(status).unwrap();
            Ok::<_, TransportError>(response)
        }
    });
    (AtlanClient::from_service(service), count)
}

fn app_page(slugs: &[&str], next: Option<&str>) -> Value {
    let workflows: Vec<Value> = slugs
        .iter()
        .map(|slug| json!({"slug": slug, "name": slug, "version": 1, "app_id": "atlan-athena"}))
        .collect();
    json!({"workflows": workflows, "has_more": next.is_some(), "next_cursor": next})
}

/// The cursor a list request asked for.
fn cursor(target: &str) -> Option<String> {
    target
        .split(['?', '&'])
        .find_map(|pair| pair.strip_prefix("cursor="))
        .map(str::to_owned)
}

/// Everything a stream yields, up to and with its first error.
async fn drain<T>(
    stream: impl futures_util::Stream<Item = atlan_workflows::Result<T>>,
) -> (Vec<T>, Option<Error>) {
    let mut stream = Box::pin(stream);
    let mut items = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(item) => items.push(item),
            Err(error) => {
                assert!(stream.next().await.is_none(), "nothing after the error");
                return (items, Some(error));
            }
        }
    }
    (items, None)
}

fn slugs(workflows: &[atlan_workflows::model::AppSummary]) -> Vec<&str> {
    workflows.iter().filter_map(|w| w.slug.as_deref()).collect()
}

#[tokio::test]
async fn an_app_list_whose_cursor_repeats_or_cycles_ends_after_the_new_workflows() {
    // c1 → c1: the second page names the cursor it was asked with.
    let (client, requests) = scripted(|_, target, _| match cursor(target).as_deref() {
        None => (200, app_page(&["a", "b"], Some("c1"))),
        _ => (200, app_page(&["c", "d"], Some("c1"))),
    });
    let (workflows, error) = drain(client.apps().workflows().list().stream()).await;
    assert_eq!(slugs(&workflows), ["a", "b", "c", "d"]);
    let error = error.unwrap();
    assert!(
        matches!(&error, Error::BrokenListing { problem: ListingProblem::RepeatedCursor { cursor }, position: 4, .. } if cursor == "c1"),
        "{error}"
    );
    assert!(
        error.to_string().contains("cursor `c1` a second time"),
        "{error}"
    );
    assert_eq!(requests.load(Ordering::SeqCst), 2);

    // c1 → c2 → c1: a cycle.
    let (client, requests) = scripted(|_, target, _| match cursor(target).as_deref() {
        None => (200, app_page(&["a"], Some("c1"))),
        Some("c1") => (200, app_page(&["b"], Some("c2"))),
        _ => (200, app_page(&["c"], Some("c1"))),
    });
    let (workflows, error) = drain(client.apps().workflows().list().stream()).await;
    assert_eq!(slugs(&workflows), ["a", "b", "c"]);
    assert!(matches!(
        error,
        Some(Error::BrokenListing {
            problem: ListingProblem::RepeatedCursor { .. },
            ..
        })
    ));
    assert_eq!(requests.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn an_app_list_that_repeats_a_workflow_or_pages_emptily_ends_without_a_duplicate() {
    // Across pages.
    let (client, _) = scripted(|_, target, _| match cursor(target).as_deref() {
        None => (200, app_page(&["a", "b"], Some("c1"))),
        _ => (200, app_page(&["b", "c"], None)),
    });
    let (workflows, error) = drain(client.apps().workflows().list().stream()).await;
    assert_eq!(slugs(&workflows), ["a", "b"]);
    assert!(
        matches!(&error, Some(Error::BrokenListing { problem: ListingProblem::RepeatedResult { id }, position: 2, .. }) if id == "b"),
        "{error:?}"
    );
    // Inside one page, streamed and as a single page.
    let (client, _) = scripted(|_, _, _| (200, app_page(&["a", "a", "b"], None)));
    let (workflows, error) = drain(client.apps().workflows().list().stream()).await;
    assert_eq!(slugs(&workflows), ["a"]);
    assert!(matches!(
        error,
        Some(Error::BrokenListing {
            problem: ListingProblem::RepeatedResult { .. },
            ..
        })
    ));
    let error = client.apps().workflows().list().page().await.unwrap_err();
    assert!(matches!(error, Error::BrokenListing { .. }), "{error}");
    // Empty pages that say more follow, with ever new cursors.
    let (client, requests) = scripted(|n, _, _| (200, app_page(&[], Some(&format!("c{n}")))));
    let (workflows, error) = drain(client.apps().workflows().list().stream()).await;
    assert!(workflows.is_empty());
    assert!(matches!(
        error,
        Some(Error::BrokenListing {
            problem: ListingProblem::EmptyPageWithMore,
            ..
        })
    ));
    assert_eq!(requests.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn an_app_list_of_ever_new_cursors_and_workflows_stops_at_its_bound() {
    let (client, requests) = scripted(|n, _, _| {
        let slugs: Vec<String> = (0..500).map(|i| format!("w-{n}-{i}")).collect();
        let slugs: Vec<&str> = slugs.iter().map(String::as_str).collect();
        (200, app_page(&slugs, Some(&format!("c{n}"))))
    });
    let (workflows, error) = drain(client.apps().workflows().list().limit(500).stream()).await;
    assert_eq!(workflows.len() as u64, atlan_workflows::MAX_APP_LISTING);
    assert!(
        matches!(
            error,
            Some(Error::BrokenListing {
                problem: ListingProblem::TooLong {
                    limit: 100_000,
                    what: "workflows"
                },
                ..
            })
        ),
        "{error:?}"
    );
    assert_eq!(requests.load(Ordering::SeqCst), 201);
}

fn athena_inputs() -> AppInputs {
    serde_json::from_value(json!({"connection": {"typeName": "Connection", "attributes": {"qualifiedName": "default/athena/1"}}})).unwrap()
}

#[tokio::test]
async fn a_409_without_a_slug_looks_the_name_up_within_a_bound() {
    // The lookup finds a new workflow of that name on every page, forever.
    let (client, requests) = scripted(|n, _, _| {
        if n == 0 {
            return (
                409,
                json!({"message": "a workflow with that name already exists"}),
            );
        }
        (
            200,
            app_page(&[&format!("dup-{n}")], Some(&format!("c{n}"))),
        )
    });
    let error = client
        .apps()
        .workflows()
        .create("atlan-athena", "dup", athena_inputs())
        .or_reuse()
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::BrokenListing {
                problem: ListingProblem::TooLong { limit: 100, .. },
                ..
            }
        ),
        "{error}"
    );
    assert!(requests.load(Ordering::SeqCst) <= 102, "{requests:?}");

    // The lookup repeats its cursor: it ends there, naming the repeat.
    let (client, requests) = scripted(|n, _, _| {
        if n == 0 {
            return (409, json!({"message": "exists"}));
        }
        (200, app_page(&[&format!("dup-{n}")], Some("same")))
    });
    let error = client
        .apps()
        .workflows()
        .create("atlan-athena", "dup", athena_inputs())
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::BrokenListing {
                problem: ListingProblem::RepeatedCursor { .. },
                ..
            }
        ),
        "{error}"
    );
    assert_eq!(requests.load(Ordering::SeqCst), 3);

    // A sane lookup: one workflow of that name, reused.
    let (client, _) = scripted(|n, target, _| match n {
        0 => (409, json!({"message": "exists"})),
        _ if target.starts_with("/api/service/v1/app?") => (200, app_page(&["the-one"], None)),
        _ => (200, json!({"slug": "the-one", "version": 3})),
    });
    let created = client
        .apps()
        .workflows()
        .create("atlan-athena", "dup", athena_inputs())
        .or_reuse()
        .await
        .unwrap();
    assert!(created.reused);
    assert_eq!(created.response.slug, "the-one");
}

/// A runs search answer: the runs `ids` (with their creation instants, newest first) from `from`.
fn runs_answer(runs: &[(&str, i64)], body: &Value) -> Value {
    let from = body["from"].as_u64().unwrap_or(0) as usize;
    let size = body["size"].as_u64().unwrap_or(100) as usize;
    let hits: Vec<Value> = runs
        .iter()
        .skip(from)
        .take(size)
        .map(|(id, seconds)| {
            let created = jiff::Timestamp::from_second(*seconds).unwrap();
            json!({"_id": id, "_index": "argo-workflows", "sort": [seconds * 1000],
                   "_source": {"metadata": {"name": id, "creationTimestamp": created.to_string()},
                               "spec": {}, "status": {"phase": "Succeeded"}}})
        })
        .collect();
    json!({"took": 1, "hits": {"total": {"value": runs.len(), "relation": "eq"}, "hits": hits}})
}

fn run_names(runs: &[atlan_workflows::WorkflowSearchResult]) -> Vec<&str> {
    runs.iter().map(|run| run.id.as_str()).collect()
}

#[tokio::test]
async fn a_runs_listing_never_yields_a_result_twice() {
    /// The runs the server has (id, created), what the listing yields, what its error says.
    type Case = (
        &'static [(&'static str, i64)],
        &'static [&'static str],
        &'static str,
    );
    let cases: [Case; 3] = [
        // Repeated inside a page (the second page holds r4 twice).
        (
            &[
                ("r6", 60),
                ("r5", 50),
                ("r4", 40),
                ("r4", 40),
                ("r3", 30),
                ("r2", 20),
            ],
            &["r6", "r5", "r4"],
            "returned `r4` a second time",
        ),
        // Repeated on a later page, among results of the same instant.
        (
            &[("a", 50), ("b", 50), ("c", 50), ("a", 50), ("d", 40)],
            &["a", "b", "c"],
            "returned `a` a second time",
        ),
        // A result newer than one before it (a repeat from further back, or a server out of order).
        (
            &[("r6", 60), ("r5", 50), ("r4", 40), ("r6", 60), ("r2", 20)],
            &["r6", "r5", "r4"],
            "returned `r6` out of order",
        ),
    ];
    for (runs, yielded, says) in cases {
        let runs: Vec<(String, i64)> = runs
            .iter()
            .map(|(id, at)| ((*id).to_owned(), *at))
            .collect();
        let (client, requests) = scripted(move |_, _, body| {
            let runs: Vec<(&str, i64)> = runs.iter().map(|(id, at)| (id.as_str(), *at)).collect();
            (200, runs_answer(&runs, body))
        });
        for concurrency in [1, 8] {
            let stream = client
                .runs()
                .search()
                .phases([WorkflowPhase::Succeeded])
                .size(2)
                .concurrency(concurrency)
                .stream();
            let (found, error) = drain(stream).await;
            assert_eq!(run_names(&found), yielded, "concurrency {concurrency}");
            let error = error.unwrap();
            assert!(matches!(error, Error::BrokenListing { .. }), "{error}");
            assert!(error.to_string().contains(says), "{error}");
        }
        assert!(requests.load(Ordering::SeqCst) < 20);
    }
}

#[tokio::test]
async fn a_listing_that_cannot_anchor_remembers_every_result_and_a_single_page_is_checked() {
    // From 1: not pinned to creation order, so every id yielded is remembered.
    let runs = [
        ("x", 90),
        ("a", 50),
        ("b", 40),
        ("c", 30),
        ("a", 50),
        ("d", 10),
    ];
    let (client, _) = scripted(move |_, _, body| (200, runs_answer(&runs, body)));
    let stream = client
        .runs()
        .search()
        .phases([WorkflowPhase::Succeeded])
        .from(1)
        .size(2)
        .stream();
    let (found, error) = drain(stream).await;
    assert_eq!(run_names(&found), ["a", "b", "c"]);
    assert!(
        matches!(&error, Some(Error::BrokenListing { problem: ListingProblem::RepeatedResult { id }, position: 4, .. }) if id == "a"),
        "{error:?}"
    );
    // One page with a result twice: an error, not a page that shows it twice.
    let runs = [("a", 50), ("a", 50)];
    let (client, _) = scripted(move |_, _, body| (200, runs_answer(&runs, body)));
    let error = client
        .runs()
        .search()
        .phases([WorkflowPhase::Succeeded])
        .page()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::BrokenListing { .. }), "{error}");
}

#[tokio::test]
async fn app_runs_repeated_by_the_asset_search_end_the_stream() {
    let run = |id: &str, started: i64| {
        json!({"typeName": "AppWorkflowRun", "guid": id, "attributes": {
            "qualifiedName": format!("default/apps/w/1/{id}"), "name": id,
            "appWorkflowRunStatus": "Succeeded", "appWorkflowRunStartedAt": started}})
    };
    let all = [
        run("r3", 3_000),
        run("r2", 2_000),
        run("r2", 2_000),
        run("r1", 1_000),
    ];
    let (client, _) = scripted(move |_, _, body| {
        let from = body["dsl"]["from"].as_u64().unwrap_or(0) as usize;
        let size = body["dsl"]["size"].as_u64().unwrap_or(100) as usize;
        let entities: Vec<Value> = all.iter().skip(from).take(size).cloned().collect();
        (
            200,
            json!({"approximateCount": all.len(), "entities": entities}),
        )
    });
    let (found, error) = drain(client.apps().runs().search().size(2).stream()).await;
    let names: Vec<&str> = found.iter().filter_map(|run| run.name.as_deref()).collect();
    assert_eq!(names, ["r3", "r2"]);
    assert!(
        matches!(
            error,
            Some(Error::BrokenListing {
                problem: ListingProblem::RepeatedResult { .. },
                ..
            })
        ),
        "{error:?}"
    );
}
