//! The App workflows API over real sockets: the catalog, create (credential vaulted, contract
//! checked, 409 on a live name), list paging, get, update, submit and runs on the clock, cancel,
//! schedules, delete, the Atlas search of runs, persistence, and ids that stay one path segment.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::time::Duration;

use atlan_model::{AppList, AppSummary, AtlasSearchResponse, decode_value};
use atlan_sandbox::{FaultRule, ManualClock, Sandbox, SandboxHandle, Seed};
use common::{Api, state_path};
use http::{Method, StatusCode};
use serde_json::{Value, json};

fn clock() -> ManualClock {
    ManualClock::new("2026-06-15T12:00:00Z".parse().unwrap())
}

async fn start(clock: &ManualClock, seed: Seed) -> (SandboxHandle, Api) {
    let sandbox = Sandbox::builder()
        .clock(clock.clone())
        .seed(seed)
        .run_durations(Duration::from_secs(2), Duration::from_secs(10))
        .start()
        .await
        .unwrap();
    let api = Api::new(&sandbox.base_url(), sandbox.api_key());
    (sandbox, api)
}

fn snowflake_inputs() -> Value {
    json!({
        "connection": {"typeName": "Connection", "attributes": {"qualifiedName": "default/snowflake/1767225600", "connectorName": "snowflake", "name": "prod"}},
        "extraction_method": "direct", "credential_guid": "", "agent_json": null,
        "enable_lineage": false, "user_id": "someone",
        "credential": {"authType": "basic", "name": "default-snowflake-1767225600-0",
            "connectorConfigName": "atlan-connectors-snowflake", "host": "acme.snowflakecomputing.com", "port": 443,
            "username": "svc", "password": "sentinel-app-password", "extra": {"role": "sentinel-role"}},
    })
}

async fn send(api: &Api, method: Method, path: &str, body: Option<&Value>) -> (StatusCode, Value) {
    api.send(method, path, body).await
}

#[tokio::test]
async fn the_catalog_describes_apps_and_their_contracts() {
    let (_sandbox, api) = start(&clock(), Seed::Empty).await;
    let (status, info) = api.get("/api/service/v1/apps/snowflake-crawler").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(info["entrypoints"], json!([{"name": "crawler"}]));
    assert_eq!(info["execution_mode"], "native");
    let (_, athena) = api.get("/api/service/v1/apps/atlan-athena").await;
    assert_eq!(athena["entrypoints"], json!([]));
    let (status, contract) = api
        .get("/api/service/v1/apps/snowflake-crawler/inputs?entrypoint=crawler")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(contract["title"], "AppInputContract");
    let (status, body) = api
        .get("/api/service/v1/apps/snowflake-crawler/inputs?entrypoint=miner")
        .await;
    assert_eq!(
        (status, body["code"].clone()),
        (StatusCode::BAD_REQUEST, json!(1003))
    );
    let (status, _) = api.get("/api/service/v1/apps/kafka-apache").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "app ids are case sensitive");
    let (status, body) = api.get("/api/service/v1/apps/no-such-app/inputs").await;
    assert_eq!(
        (status, body["code"].clone()),
        (StatusCode::BAD_REQUEST, json!(1003))
    );
}

#[tokio::test]
async fn a_workflow_lives_through_create_run_cancel_schedule_update_and_delete() {
    let clock = clock();
    let (sandbox, api) = start(&clock, Seed::Empty).await;
    let create = json!({"app_id": "snowflake-crawler", "name": "prod snowflake!", "inputs": snowflake_inputs(), "run": false});
    let (status, created) = api.post("/api/service/v1/app", &create).await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let slug = created["slug"].as_str().unwrap().to_owned();
    assert!(
        slug.starts_with("prod-snowflake-") && slug.len() == "prod-snowflake-".len() + 8,
        "{slug}"
    );
    assert!(created.get("run_id").is_none(), "run: false starts nothing");

    // The credential was vaulted: stored apart, its guid in the inputs, never returned.
    let (_, summary) = api.get(&format!("/api/service/v1/app/{slug}")).await;
    assert!(!summary.to_string().contains("sentinel"), "{summary}");
    let summary: AppSummary = decode_value(summary).unwrap();
    let stored = summary.stored_inputs().unwrap();
    let guid = stored
        .get("credential_guid")
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        !guid.is_empty() && stored.get("credential").is_none() && stored.get("user_id").is_none()
    );
    let (status, credential) = api.get(&format!("/api/service/credentials/{guid}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(credential.get("password").is_none());

    // A live name is a 409 naming the existing slug.
    let (status, conflict) = api.post("/api/service/v1/app", &create).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(conflict["slug"], json!(slug));

    // Submit: a run at once visible to the active-run search; a second submit is a 500.
    let (status, run) = api
        .post_empty(&format!("/api/service/v1/app/{slug}/submit"))
        .await;
    assert_eq!(status, StatusCode::OK, "{run}");
    assert_eq!(run["status"], "Pending");
    let run_id = run["run_id"].as_str().unwrap().to_owned();
    let search = serde_json::to_value(atlan_query::apps::active_runs(&slug).unwrap()).unwrap();
    let (_, found) = api.post("/api/meta/search/indexsearch", &search).await;
    let found: AtlasSearchResponse = decode_value(found).unwrap();
    assert_eq!(found.approximate_count, Some(1));
    let (status, again) = api
        .post_empty(&format!("/api/service/v1/app/{slug}/submit"))
        .await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        again["message"]
            .as_str()
            .unwrap()
            .contains("already has an active run")
    );

    clock.advance(Duration::from_secs(3));
    let (_, running) = api.get(&format!("/api/service/v1/app/runs/{run_id}")).await;
    assert_eq!(running["status"], "Running");
    let (_, cancelled) = api
        .post_empty(&format!("/api/service/v1/app/runs/{run_id}/cancel"))
        .await;
    assert_eq!(
        (cancelled["cancelled"].clone(), cancelled["status"].clone()),
        (json!(true), json!("Stopped"))
    );
    let (_, twice) = api
        .post_empty(&format!("/api/service/v1/app/runs/{run_id}/cancel"))
        .await;
    assert_eq!(twice["cancelled"], false);

    // A new run moves to Succeeded on the clock.
    let (_, second) = api
        .post_empty(&format!("/api/service/v1/app/{slug}/submit"))
        .await;
    clock.advance(Duration::from_secs(13));
    let (_, done) = api
        .get(&format!(
            "/api/service/v1/app/runs/{}",
            second["run_id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(done["status"], "Succeeded");

    // Schedules: checked, added, listed on the workflow, removed.
    for bad in [
        json!({"cron": "61 * * * *", "timezone": "UTC"}),
        json!({"cron": "0 9 * * *", "timezone": null}),
        json!({"cron": "0 9 * * *", "timezone": "Mars/Olympus"}),
    ] {
        let (status, _) = api
            .post(&format!("/api/service/v1/app/{slug}/schedule"), &bad)
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    }
    let (_, added) = api
        .post(
            &format!("/api/service/v1/app/{slug}/schedule"),
            &json!({"cron": "0 9 * * *", "timezone": "Asia/Kolkata"}),
        )
        .await;
    let trigger = added["trigger_id"].as_str().unwrap().to_owned();
    let (_, summary) = api.get(&format!("/api/service/v1/app/{slug}")).await;
    assert_eq!(summary["schedules"][0]["timezone"], "Asia/Kolkata");
    let (_, removed) = send(
        &api,
        Method::DELETE,
        &format!("/api/service/v1/app/{slug}/schedule/{trigger}"),
        None,
    )
    .await;
    assert_eq!(removed["deleted"], true);

    // Update: full replace, the stored credential kept, the version bumped.
    let version = summary["version"].as_i64().unwrap();
    let update = json!({"inputs": {"connection": snowflake_inputs()["connection"], "extraction_method": "direct", "enable_lineage": true}});
    let (status, updated) = send(
        &api,
        Method::PUT,
        &format!("/api/service/v1/app/{slug}"),
        Some(&update),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert!(updated["version"].as_i64().unwrap() > version);
    let (_, summary) = api.get(&format!("/api/service/v1/app/{slug}")).await;
    assert_eq!(
        summary["dag"]["extract"]["inputs"]["args"]["credential_guid"],
        json!(guid)
    );
    assert_eq!(
        summary["dag"]["extract"]["inputs"]["args"]["enable_lineage"],
        true
    );

    // Delete: 404 everywhere after, and the name is free again.
    let (_, deleted) = send(
        &api,
        Method::DELETE,
        &format!("/api/service/v1/app/{slug}"),
        None,
    )
    .await;
    assert_eq!(deleted["archived"], true);
    let (status, _) = api.get(&format!("/api/service/v1/app/{slug}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = api
        .post_empty(&format!("/api/service/v1/app/{slug}/submit"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = api.post("/api/service/v1/app", &create).await;
    assert_eq!(status, StatusCode::OK);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn bad_input_is_a_4xx_and_stores_nothing() {
    let (sandbox, api) = start(&clock(), Seed::Empty).await;
    let base = json!({"app_id": "snowflake-crawler", "name": "n", "inputs": snowflake_inputs(), "run": false});
    let with = |key: &str, value: Value| {
        let mut body = base.clone();
        body[key] = value;
        body
    };
    let mut bad_inputs = snowflake_inputs();
    bad_inputs["enable_lineage"] = json!("yes");
    for (body, status, says) in [
        (
            with("app_id", json!("no-such-app")),
            StatusCode::BAD_REQUEST,
            "1003",
        ),
        (
            with("entrypoint", json!("")),
            StatusCode::BAD_REQUEST,
            "unknown entrypoint",
        ),
        (
            with("entrypoint", json!("miner")),
            StatusCode::BAD_REQUEST,
            "unknown entrypoint",
        ),
        (with("name", json!("")), StatusCode::BAD_REQUEST, "name"),
        (
            with("inputs", json!([])),
            StatusCode::BAD_REQUEST,
            "inputs must be a JSON object",
        ),
        (
            with("inputs", bad_inputs),
            StatusCode::BAD_REQUEST,
            "inputs.enable_lineage must be a JSON boolean",
        ),
        (
            with("schedule", json!({"cron": "*/0 * * * *"})),
            StatusCode::BAD_REQUEST,
            "Step cannot be zero",
        ),
    ] {
        let (got, answer) = api.post("/api/service/v1/app", &body).await;
        assert_eq!(got, status, "{answer}");
        assert!(answer.to_string().contains(says), "{says}: {answer}");
        assert!(!answer.to_string().contains("sentinel"), "{answer}");
    }
    for (query, status) in [
        ("limit=0", 400),
        ("limit=501", 400),
        ("limit=x", 400),
        ("cursor=zz", 400),
        ("cursor=99", 400),
    ] {
        let (got, _) = api.get(&format!("/api/service/v1/app?{query}")).await;
        assert_eq!(got.as_u16(), status, "{query}");
    }
    // Ids are one path segment: nothing reaches another route.
    for path in [
        "/api/service/v1/app/a%2Fb",
        "/api/service/v1/app/..",
        "/api/service/v1/app/%2E%2E",
        "/api/service/v1/app/runs%2Fx/cancel",
    ] {
        let (status, _) = api.send_raw(Method::GET, path, Vec::new()).await.unwrap();
        assert!(
            status == StatusCode::NOT_FOUND || status == StatusCode::METHOD_NOT_ALLOWED,
            "{path}: {status}"
        );
    }
    let (status, body) = api
        .post(
            "/api/meta/search/indexsearch",
            &json!({"dsl": {"query": {"nope": {}}}}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (_, list) = api.get("/api/service/v1/app").await;
    assert_eq!(list["workflows"], json!([]));
    assert_eq!(sandbox.counts().2, 0, "no credential was vaulted");
}

/// A credential sent as a JSON string came back whole in the 400, and a password typed
/// into `port` was quoted; a 100,000-character credential name was vaulted although `POST
/// credentials` refuses it. Every 400 now names the field and the type, never the value.
#[tokio::test]
async fn bad_credentials_in_inputs_are_refused_without_repeating_them() {
    let (sandbox, api) = start(&clock(), Seed::Default).await;
    let credentials = sandbox.counts().2;
    let as_text = json!({"authType": "basic", "password": "sentinel-pw-as-text",
                         "extra": {"role": "sentinel-role-as-text"}})
    .to_string();
    let mut port = snowflake_inputs();
    port["credential"]["port"] = json!("sentinel-typed-into-port");
    let mut extra = snowflake_inputs();
    extra["credential"]["extra"] = json!("sentinel-extra-as-a-string");
    let mut agent = snowflake_inputs();
    agent["agent_json"] = json!(12);
    let mut long = snowflake_inputs();
    long["credential"]["name"] = json!("x".repeat(100_000));
    let mut as_string = snowflake_inputs();
    as_string["credential"] = json!(as_text);
    for (inputs, says) in [
        (as_string, "inputs.credential is not a credential"),
        (port, "`port`"),
        (extra, "`extra`"),
        (agent, "inputs.agent_json"),
        (
            long,
            "inputs.credential.name must be at most 256 characters",
        ),
    ] {
        for (method, path, body) in [
            (
                Method::POST,
                "/api/service/v1/app".to_owned(),
                json!({"app_id": "snowflake-crawler", "name": "n", "inputs": inputs, "run": false}),
            ),
            (
                Method::PUT,
                "/api/service/v1/app/prod-snowflake-0c4f9a1e".to_owned(),
                json!({"inputs": inputs}),
            ),
        ] {
            let (status, answer) = send(&api, method, &path, Some(&body)).await;
            let text = answer.to_string();
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {text}");
            assert!(text.contains(says), "{says}: {text}");
            assert!(!text.contains("sentinel"), "{text}");
        }
    }
    // The legacy route, with the same credential limits and the same silence.
    let mut credential = common::credential("c");
    credential["port"] = json!("sentinel-typed-into-port");
    let (status, answer) = api
        .post("/api/service/credentials?testCredential=false", &credential)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(!answer.to_string().contains("sentinel"), "{answer}");
    assert_eq!(sandbox.counts().2, credentials, "no credential was vaulted");
}

#[tokio::test]
async fn lists_page_with_limit_and_cursor_and_filter_by_name() {
    let (_sandbox, api) = start(&clock(), Seed::Empty).await;
    for index in 0..7 {
        let body = json!({"app_id": "atlan-athena", "name": format!("w{index}"), "inputs": {"connection": snowflake_inputs()["connection"], "extraction_method": "direct", "credential_guid": "g"}, "run": false});
        let (status, answer) = api.post("/api/service/v1/app", &body).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
    }
    let mut names = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(cursor) => format!("/api/service/v1/app?limit=3&cursor={cursor}"),
            None => "/api/service/v1/app?limit=3".to_owned(),
        };
        let (_, page) = api.get(&path).await;
        let page: AppList = decode_value(page).unwrap();
        names.extend(
            page.workflows
                .unwrap_or_default()
                .into_iter()
                .map(|w| w.name.unwrap()),
        );
        if !page.has_more.unwrap_or(false) {
            assert!(page.next_cursor.is_none());
            break;
        }
        cursor = page.next_cursor;
    }
    assert_eq!(names, ["w0", "w1", "w2", "w3", "w4", "w5", "w6"]);
    let (_, only) = api.get("/api/service/v1/app?name=w4").await;
    assert_eq!(only["workflows"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn the_default_tenant_has_app_runs_in_every_status() {
    let (_sandbox, api) = start(&clock(), Seed::Default).await;
    let filter = atlan_query::apps::RunFilter::default();
    let search = serde_json::to_value(atlan_query::apps::runs(&filter).unwrap()).unwrap();
    let (status, answer) = api.post("/api/meta/search/indexsearch", &search).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let answer: AtlasSearchResponse = decode_value(answer).unwrap();
    let mut statuses: Vec<String> = answer
        .entities_of("AppWorkflowRun")
        .map(|entity| entity.run_attributes().unwrap().status.unwrap().to_string())
        .collect();
    statuses.sort();
    statuses.dedup();
    assert_eq!(statuses.len(), 9, "{statuses:?}");
    let (_, list) = api.get("/api/service/v1/app").await;
    assert_eq!(list["workflows"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn runs_fail_through_the_fault_and_everything_survives_a_restart() {
    let clock = clock();
    let path = state_path("apps", "restart");
    let sandbox = Sandbox::builder()
        .clock(clock.clone())
        .seed(Seed::Empty)
        .state(&path)
        .fault(FaultRule::fail_runs("failing-*", "boom"))
        .start()
        .await
        .unwrap();
    let api = Api::new(&sandbox.base_url(), sandbox.api_key());
    let body =
        json!({"app_id": "snowflake-crawler", "name": "failing", "inputs": snowflake_inputs()});
    let (_, created) = api.post("/api/service/v1/app", &body).await;
    let run_id = created["run_id"]
        .as_str()
        .expect("run omitted means run")
        .to_owned();
    clock.advance(Duration::from_secs(60));
    let (_, run) = api.get(&format!("/api/service/v1/app/runs/{run_id}")).await;
    assert_eq!(run["status"], "Failed");
    sandbox.shutdown().await;

    let again = Sandbox::builder()
        .clock(clock)
        .seed(Seed::Empty)
        .state(&path)
        .start()
        .await
        .unwrap();
    let api = Api::new(&again.base_url(), again.api_key());
    let (status, run) = api.get(&format!("/api/service/v1/app/runs/{run_id}")).await;
    assert_eq!(
        (status, run["status"].clone()),
        (StatusCode::OK, json!("Failed"))
    );
    let (_, list) = api.get("/api/service/v1/app").await;
    assert_eq!(list["workflows"][0]["name"], "failing");
    again.shutdown().await;
    std::fs::remove_file(&path).unwrap();
}

#[tokio::test]
async fn auth_and_faults_apply_to_the_new_routes_as_to_the_old() {
    let (sandbox, api) = start(&clock(), Seed::Default).await;
    let (status, body) = api.anonymous().get("/api/service/v1/app").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let (status, _) = api
        .anonymous()
        .post("/api/meta/search/indexsearch", &json!({"dsl": {}}))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    sandbox
        .faults()
        .add(
            FaultRule::status("POST /api/service/v1/app/*/submit", 503)
                .retry_after("1")
                .times(1),
        )
        .unwrap();
    let (status, _) = api
        .post_empty("/api/service/v1/app/prod-snowflake-0c4f9a1e/submit")
        .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    // A submit whose answer is lost after the server acted: the run exists.
    sandbox
        .faults()
        .add(FaultRule::drop_after("POST /api/service/v1/app/*/submit").times(1))
        .unwrap();
    let lost = api
        .send_raw(
            Method::POST,
            "/api/service/v1/app/prod-snowflake-0c4f9a1e/submit",
            Vec::new(),
        )
        .await;
    assert!(lost.is_err(), "the connection was dropped");
    let search =
        serde_json::to_value(atlan_query::apps::active_runs("prod-snowflake-0c4f9a1e").unwrap())
            .unwrap();
    let (_, found) = api.post("/api/meta/search/indexsearch", &search).await;
    assert_eq!(found["approximateCount"], 1, "{found}");
}
