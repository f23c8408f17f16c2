//! One nesting limit for every request body (64 levels), below what replay and the SDKs read
//! (serde_json's 128), so that no acknowledged write can make the state file unloadable or a read
//! unanswerable (an app workflow whose inputs nested 125 deep got a 200, then the next
//! start failed with "corrupt at line N: recursion limit exceeded", and inputs 122 deep broke
//! `apps list` for every user).
//!
//! The deepest accepted body of every write route (legacy and apps) is acknowledged, the server
//! killed with SIGKILL and restarted, and every read route that answers the document is read back
//! and parsed as the SDKs parse it. One level deeper is a 400 that stores nothing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use common::{Api, credential, fixture};
use http::{Method, StatusCode};
use serde_json::{Value, json};

/// The deepest a request body may nest.
const MAX_DEPTH: usize = 64;

/// A value nesting `levels` deep (objects and arrays alternating), with a marker at the bottom.
fn deep(levels: usize) -> Value {
    let mut value = json!("bottom");
    for level in 0..levels {
        value = if level % 2 == 0 {
            json!([value])
        } else {
            json!({ "d": value })
        };
    }
    value
}

/// How deep a JSON value nests (iteratively: a test must not overflow on what it checks).
fn depth(value: &Value) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(value, 0)];
    while let Some((value, level)) = stack.pop() {
        let children: Vec<&Value> = match value {
            Value::Array(items) => items.iter().collect(),
            Value::Object(map) => map.values().collect(),
            _ => continue,
        };
        deepest = deepest.max(level + 1);
        stack.extend(children.into_iter().map(|child| (child, level + 1)));
    }
    deepest
}

/// A legacy workflow body nesting exactly `levels` deep (the extra depth under `spec.deep`, which
/// every run copies into `status.storedWorkflowTemplateSpec`).
fn workflow(name: &str, levels: usize) -> Value {
    let mut body = fixture("requests/workflow/snowflake_basic.json");
    body["metadata"]["name"] = json!(name);
    body["spec"]["deep"] = deep(levels - 2);
    assert_eq!(depth(&body), levels, "the body nests {levels} deep");
    body
}

/// App inputs nesting so that the create body is exactly `levels` deep.
fn app(name: &str, levels: usize) -> Value {
    let body = json!({"app_id": "atlan-athena", "name": name, "run": true, "inputs": {
        "connection": {"typeName": "Connection", "attributes": {"qualifiedName": "default/athena/1"}},
        "extraction_method": "direct", "credential_guid": "g", "deep": deep(levels - 2)}});
    assert_eq!(depth(&body), levels);
    body
}

/// A credential body exactly `levels` deep (the depth in an `extra` value).
fn deep_credential(name: &str, levels: usize) -> Value {
    let mut body = credential(name);
    body["extra"] = json!({ "deep": deep(levels - 2) });
    assert_eq!(depth(&body), levels);
    body
}

/// Reads a response as the SDKs do: serde_json with its recursion limit of 128.
async fn read(api: &Api, method: Method, path: &str, body: Option<&Value>) -> (StatusCode, Value) {
    let bytes = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
    let (status, answer) = api.send_raw(method, path, bytes).await.unwrap();
    let parsed = serde_json::from_slice(&answer)
        .unwrap_or_else(|error| panic!("{path} answered what serde_json cannot read: {error}"));
    (status, parsed)
}

#[tokio::test]
async fn the_deepest_accepted_body_of_every_write_route_survives_kill_9_and_reads_back() {
    let path = common::state_path("nesting", "deepest");
    let (mut child, url) = common::spawn_binary(&["--pending-seconds", "0"], &path);
    let api = Api::new(&url, atlan_sandbox::DEFAULT_API_KEY);
    let post = |path: &'static str, body: Value| {
        let api = api.clone();
        async move { read(&api, Method::POST, path, Some(&body)).await }
    };

    // Legacy: create and run a workflow, update it, re-run it; a credential, created and updated.
    let (status, created) = post(
        "/api/service/workflows?submit=true",
        workflow("atlan-snowflake-1700000001", MAX_DEPTH),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let (status, updated) = post(
        "/api/service/workflows/atlan-snowflake-1700000001",
        workflow("atlan-snowflake-1700000001", MAX_DEPTH),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    let rerun = json!({"namespace": "default", "resourceKind": "WorkflowTemplate", "resourceName": "atlan-snowflake-1700000001"});
    let (status, run) = post("/api/service/workflows/submit", rerun).await;
    assert_eq!(status, StatusCode::OK, "{run}");
    let run_name = run["metadata"]["name"].as_str().unwrap().to_owned();
    let (status, stored) = post(
        "/api/service/credentials?testCredential=false",
        deep_credential("deep-credential", MAX_DEPTH),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{stored}");
    let credential_id = stored["id"].as_str().unwrap().to_owned();
    let (status, _) = read(
        &api,
        Method::POST,
        &format!("/api/service/credentials/{credential_id}"),
        Some(&deep_credential("deep-credential", MAX_DEPTH)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    // Apps: create (with its run), replace the inputs, add a schedule.
    let (status, created) = post("/api/service/v1/app", app("deep-app", MAX_DEPTH)).await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let slug = created["slug"].as_str().unwrap().to_owned();
    let mut update = app("deep-app", MAX_DEPTH);
    update
        .as_object_mut()
        .unwrap()
        .retain(|key, _| key == "inputs");
    assert_eq!(depth(&update), MAX_DEPTH);
    let (status, _) = read(
        &api,
        Method::PUT,
        &format!("/api/service/v1/app/{slug}"),
        Some(&update),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = read(
        &api,
        Method::POST,
        &format!("/api/service/v1/app/{slug}/schedule"),
        Some(&json!({"cron": "0 3 * * *", "timezone": "UTC", "deep": deep(MAX_DEPTH - 1)})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    child.kill().unwrap(); // SIGKILL: no shutdown, no flush
    child.wait().unwrap();
    let (mut child, url) = common::spawn_binary(&[], &path);
    let api = Api::new(&url, atlan_sandbox::DEFAULT_API_KEY);

    // Every read route that answers one of those documents, parsed as the SDKs parse it.
    let find = json!({"from": 0, "size": 10, "query": {"nested": {"path": "metadata",
        "query": {"term": {"metadata.name.keyword": "atlan-snowflake-1700000001"}}}}});
    let (status, found) = read(
        &api,
        Method::POST,
        "/api/service/workflows/indexsearch",
        Some(&find),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        depth(&found["hits"]["hits"][0]["_source"]["spec"]["deep"]),
        MAX_DEPTH - 2
    );
    let runs = json!({"from": 0, "size": 10, "query": {"terms": {"_id": [run_name]}}});
    let (status, found) = read(
        &api,
        Method::POST,
        "/api/service/runs/indexsearch",
        Some(&runs),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let spec = &found["hits"]["hits"][0]["_source"]["status"]["storedWorkflowTemplateSpec"];
    assert_eq!(depth(&spec["deep"]), MAX_DEPTH - 2, "{found}");
    for path in [
        format!("/api/service/credentials/{credential_id}"),
        "/api/service/credentials".to_owned(),
        format!("/api/service/v1/app/{slug}"),
        "/api/service/v1/app?limit=500".to_owned(),
        "/api/service/runs/cron".to_owned(),
    ] {
        let (status, answer) = read(&api, Method::GET, &path, None).await;
        assert_eq!(status, StatusCode::OK, "{path}: {answer}");
    }
    let (_, summary) = read(
        &api,
        Method::GET,
        &format!("/api/service/v1/app/{slug}"),
        None,
    )
    .await;
    assert_eq!(
        depth(&summary["dag"]["extract"]["inputs"]["args"]["deep"]),
        MAX_DEPTH - 2
    );
    assert_eq!(summary["schedules"].as_array().unwrap().len(), 1);
    let search = json!({"dsl": {"from": 0, "size": 10, "query": {"term": {"appWorkflowRunAppWorkflowSlug": slug}}}});
    let (status, runs) = read(
        &api,
        Method::POST,
        "/api/meta/search/indexsearch",
        Some(&search),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(runs["approximateCount"], 1, "{runs}");
    child.kill().unwrap();
    child.wait().unwrap();
    std::fs::remove_file(&path).unwrap();
}

#[tokio::test]
async fn one_level_deeper_is_refused_on_every_route_and_stores_nothing() {
    let path = common::state_path("nesting", "deeper");
    let (mut child, url) = common::spawn_binary(&["--empty"], &path);
    let api = Api::new(&url, atlan_sandbox::DEFAULT_API_KEY);
    let written = std::fs::metadata(&path).unwrap().len();
    let too_deep = MAX_DEPTH + 1;
    let mut schedule = json!({"cron": "0 3 * * *", "timezone": "UTC"});
    schedule["deep"] = deep(too_deep - 1);
    for (method, route, body) in [
        (
            Method::POST,
            "/api/service/workflows?submit=true",
            workflow("atlan-snowflake-1700000002", too_deep),
        ),
        (
            Method::POST,
            "/api/service/workflows/atlan-snowflake-1700000002",
            workflow("atlan-snowflake-1700000002", too_deep),
        ),
        (
            Method::POST,
            "/api/service/credentials?testCredential=false",
            deep_credential("too-deep", too_deep),
        ),
        (
            Method::POST,
            "/api/service/credentials/test",
            deep_credential("too-deep", too_deep),
        ),
        (
            Method::POST,
            "/api/service/v1/app",
            app("too-deep", too_deep),
        ),
        // The probe's cases: acknowledged before, and the next start failed on them.
        (Method::POST, "/api/service/v1/app", app("probe", 125)),
        (
            Method::POST,
            "/api/service/workflows?submit=true",
            workflow("atlan-snowflake-1700000003", 124),
        ),
        (
            Method::PUT,
            "/api/service/v1/app/any",
            app("too-deep", too_deep),
        ),
        (
            Method::POST,
            "/api/service/v1/app/any/schedule",
            schedule.clone(),
        ),
        (
            Method::POST,
            "/api/service/runs/indexsearch",
            json!({"query": deep(too_deep - 1)}),
        ),
        (
            Method::POST,
            "/api/meta/search/indexsearch",
            json!({"dsl": deep(too_deep - 1)}),
        ),
    ] {
        assert!(depth(&body) >= too_deep, "{route}");
        let (status, answer) = read(&api, method, route, Some(&body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{route}: {answer}");
        let message = answer["errorMessage"]
            .as_str()
            .or(answer["message"].as_str())
            .unwrap_or_default();
        assert!(message.contains("at most 64"), "{route}: {answer}");
    }
    // Even 100,000 levels (which would overflow a recursive parser's stack) is a plain 400.
    let hostile = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let (status, _) = api
        .send_raw(Method::POST, "/api/service/v1/app", hostile.into_bytes())
        .await
        .unwrap();
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        std::fs::metadata(&path).unwrap().len(),
        written,
        "nothing stored"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    std::fs::remove_file(&path).unwrap();
}
