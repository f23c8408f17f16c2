//! The sandbox behaves like a tenant over time and on failure, over real HTTP: asynchronous stops,
//! schedules that fire on the sandbox clock (moved through `/_sandbox/clock`), failures at a step
//! with Argo's messages, index lag, roles and users, and `Connection` assets.

#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::expect_used)]

mod common;

use std::time::Duration;

use atlan_sandbox::{FailureCause, FaultRule, ManualClock, Sandbox, SandboxHandle, Seed};
use common::Api;
use http::{Method, StatusCode};
use serde_json::{Value, json};

const CRAWLER: &str = "atlan-snowflake-1714638976";

async fn start(clock: &ManualClock, seed: Seed) -> (SandboxHandle, Api) {
    common::start_on(clock, seed).await
}

fn clock() -> ManualClock {
    ManualClock::new("2026-06-15T12:00:00Z".parse().unwrap())
}

fn find_run(name: &str) -> Value {
    serde_json::to_value(atlan_query::workflows::find_run_by_id(name).unwrap()).unwrap()
}

async fn runs_of(api: &Api, workflow: &str) -> Vec<Value> {
    let search = atlan_query::workflows::runs_of_workflow(workflow, 0, 1_000).unwrap();
    let (status, found) = api
        .post(
            "/api/service/runs/indexsearch",
            &serde_json::to_value(search).unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{found}");
    found["hits"]["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["_source"].clone())
        .collect()
}

async fn rerun(api: &Api, workflow: &str) -> String {
    let (status, run) = api
        .post(
            "/api/service/workflows/submit",
            &json!({"namespace": "default", "resourceKind": "WorkflowTemplate", "resourceName": workflow}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{run}");
    run["metadata"]["name"].as_str().unwrap().to_owned()
}

async fn advance(api: &Api, by: &str) -> (StatusCode, Value) {
    api.post("/_sandbox/clock", &json!({"advance": by})).await
}

#[tokio::test]
async fn the_clock_moves_forward_only() {
    let clock = clock();
    let (_sandbox, api) = start(&clock, Seed::Empty).await;
    let (status, moved) = advance(&api, "24h").await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["now"], "2026-06-16T12:00:00Z");
    let (status, body) = api
        .post("/_sandbox/clock", &json!({"to": "2026-06-16T00:00:00Z"}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.to_string().contains("only moves forward"), "{body}");
    for bad in [
        json!({"advance": "-1h"}),
        json!({"advance": "soon"}),
        json!({}),
    ] {
        let (status, _) = api.post("/_sandbox/clock", &bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    }
    let (_, now) = api.get("/_sandbox/clock").await;
    assert_eq!(
        now["now"], "2026-06-16T12:00:00Z",
        "a refusal moves nothing"
    );
}

#[tokio::test]
async fn legacy_and_app_schedules_fire_on_the_sandbox_clock_and_overlaps_are_missed() {
    let clock = clock();
    let (_sandbox, api) = start(&clock, Seed::Default).await;
    let (_, table) = api.get("/_sandbox/schedules").await;
    let hourly = table["schedules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|schedule| schedule["cron"] == "0 * * * *")
        .expect("the default tenant has an hourly workflow")
        .clone();
    assert_eq!(hourly["api"], "legacy");
    assert_eq!(hourly["next"], "2026-06-15T13:00:00Z");
    let workflow = hourly["workflow"].as_str().unwrap().to_owned();
    let before = runs_of(&api, &workflow).await.len();

    // An app workflow with a schedule every 30 minutes.
    let (status, created) = api
        .post(
            "/api/service/v1/app",
            &json!({"app_id": "atlan-athena", "name": "every-half-hour", "run": false,
                    "schedule": {"cron": "*/30 * * * *", "timezone": "Europe/Paris"},
                    "inputs": {"connection": {"typeName": "Connection", "attributes": {"qualifiedName": "default/athena/2"}},
                               "extraction_method": "direct", "credential_guid": "g"}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let slug = created["slug"].as_str().unwrap().to_owned();

    // A day in one step: 24 hourly runs, 48 app runs, each created at its due time.
    let (status, _) = advance(&api, "24h").await;
    assert_eq!(status, StatusCode::OK);
    let runs = runs_of(&api, &workflow).await;
    assert_eq!(runs.len(), before + 24, "hourly over a day");
    let scheduled = runs
        .iter()
        .find(|run| run["metadata"]["name"] == format!("{workflow}-cron-1781528400"))
        .expect("the 13:00 run, named as Argo names a cron run");
    assert_eq!(
        scheduled["metadata"]["creationTimestamp"],
        "2026-06-15T13:00:00Z"
    );
    assert_eq!(
        scheduled["metadata"]["labels"]["workflows.argoproj.io/cron-workflow"],
        format!("{workflow}-cron")
    );
    assert!(
        scheduled["metadata"]["labels"]
            .get("workflows.argoproj.io/creator")
            .is_none(),
        "a scheduled run has no creator"
    );
    assert_eq!(scheduled["status"]["phase"], "Succeeded");
    let search =
        atlan_query::apps::runs(&atlan_query::apps::RunFilter::default().slug(&slug)).unwrap();
    let (_, found) = api
        .post(
            "/api/meta/search/indexsearch",
            &serde_json::to_value(&search).unwrap(),
        )
        .await;
    assert_eq!(found["approximateCount"], 48, "every 30 minutes over a day");

    // A run that outlasts the next due time makes it missed.
    let (_, moved) = api.get("/_sandbox/clock").await;
    assert_eq!(moved["now"], "2026-06-16T12:00:00Z");
    clock.advance(Duration::from_secs(3_590));
    let manual = rerun(&api, &workflow).await;
    clock.advance(Duration::from_secs(20));
    let runs = runs_of(&api, &workflow).await;
    assert_eq!(
        runs.len(),
        before + 25,
        "the 13:00 run was missed, {manual} still ran"
    );
    let (_, table) = api.get("/_sandbox/schedules").await;
    let missed = table["missed"].as_array().unwrap();
    assert!(
        missed.iter().any(|miss| miss["workflow"] == workflow
            && miss["at"] == "2026-06-16T13:00:00Z"
            && miss["reason"] == "the workflow was still running"),
        "{table}"
    );
}

#[tokio::test]
async fn runs_fail_at_the_chosen_step_for_the_chosen_cause() {
    let clock = clock();
    let (_sandbox, api) = start(&clock, Seed::Default).await;
    let (status, rule) = api
        .post(
            "/_sandbox/failures",
            &json!({"workflow": CRAWLER, "runs": 2, "step": "publish", "cause": "out_of_memory", "retries": 2}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{rule}");
    let failed = [rerun(&api, CRAWLER).await, {
        clock.advance(Duration::from_secs(60));
        rerun(&api, CRAWLER).await
    }];
    clock.advance(Duration::from_secs(60));
    let third = rerun(&api, CRAWLER).await;
    clock.advance(Duration::from_secs(60));
    for name in &failed {
        let (_, found) = api
            .post("/api/service/runs/indexsearch", &find_run(name))
            .await;
        let run = &found["hits"]["hits"][0]["_source"];
        assert_eq!(run["status"]["phase"], "Failed", "{run}");
        let nodes = run["status"]["nodes"].as_object().unwrap();
        let retry = nodes
            .values()
            .find(|node| node["type"] == "Retry")
            .expect("the failed step was retried");
        assert_eq!(retry["displayName"], "publish");
        assert_eq!(retry["message"], "No more retries left");
        let attempts: Vec<&Value> = nodes
            .values()
            .filter(|node| {
                node["displayName"]
                    .as_str()
                    .unwrap()
                    .starts_with("publish(")
            })
            .collect();
        assert_eq!(attempts.len(), 3, "the try and two retries");
        for attempt in attempts {
            assert_eq!(attempt["phase"], "Failed");
            assert_eq!(attempt["message"], "OOMKilled (exit code 137)");
            assert_eq!(attempt["outputs"]["exitCode"], "137");
            assert!(
                attempt["outputs"]["artifacts"][0]["s3"]["key"]
                    .as_str()
                    .unwrap()
                    .ends_with("/main.log")
            );
        }
        let succeeded = nodes
            .values()
            .filter(|node| node["type"] == "Pod" && node["phase"] == "Succeeded")
            .count();
        assert_eq!(
            succeeded, 2,
            "extract and transform ran before publish failed"
        );
    }
    let (_, found) = api
        .post("/api/service/runs/indexsearch", &find_run(&third))
        .await;
    assert_eq!(
        found["hits"]["hits"][0]["_source"]["status"]["phase"], "Succeeded",
        "the next 2 runs only"
    );

    let (status, body) = api
        .post(
            "/_sandbox/failures",
            &json!({"workflow": "*", "cause": "gremlins"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _) = api
        .post(
            "/_sandbox/failures",
            &json!({"workflow": "*", "retries": 99}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_app_run_fails_at_its_step_with_its_error() {
    let clock = clock();
    let (sandbox, api) = start(&clock, Seed::Empty).await;
    sandbox
        .faults()
        .add(FaultRule::fail_at(
            "deleted-*",
            "transform",
            FailureCause::PodDeleted,
        ))
        .unwrap();
    let (status, created) = api
        .post(
            "/api/service/v1/app",
            &json!({"app_id": "atlan-athena", "name": "deleted-pods",
                    "inputs": {"connection": {"typeName": "Connection", "attributes": {"qualifiedName": "default/athena/3"}},
                               "extraction_method": "direct", "credential_guid": "g"}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let run_id = created["run_id"].as_str().unwrap().to_owned();
    clock.advance(Duration::from_secs(60));
    let search = atlan_query::apps::runs(&atlan_query::apps::RunFilter::default()).unwrap();
    let mut body = serde_json::to_value(&search).unwrap();
    body["attributes"] = json!([
        "appWorkflowRunStatus",
        "appWorkflowRunSteps",
        "appWorkflowRunOutputs"
    ]);
    let (_, found) = api.post("/api/meta/search/indexsearch", &body).await;
    let run = &found["entities"][0]["attributes"];
    assert_eq!(found["entities"][0]["guid"], run_id.as_str());
    assert_eq!(run["appWorkflowRunStatus"], "Failed", "{found}");
    assert_eq!(run["appWorkflowRunOutputs"]["error"], "pod deleted");
    let steps = run["appWorkflowRunSteps"].as_array().unwrap();
    let labels: Vec<&str> = steps
        .iter()
        .map(|step| step["appWorkflowRunLabel"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["preflight-check", "extract", "transform"]);
    assert_eq!(steps[2]["appWorkflowRunStatus"], "Failed");
    assert_eq!(steps[2]["appWorkflowRunOutputs"]["error"], "pod deleted");
    assert_eq!(steps[1]["appWorkflowRunStatus"], "Succeeded");
}

#[tokio::test]
async fn a_lagging_index_shows_new_runs_late_but_reads_by_name_at_once() {
    let clock = clock();
    let sandbox = Sandbox::builder()
        .clock(clock.clone())
        .index_lag(Duration::from_secs(6))
        .start()
        .await
        .unwrap();
    let api = Api::new(&sandbox.base_url(), sandbox.api_key());
    let name = rerun(&api, CRAWLER).await;
    let (_, found) = api
        .post("/api/service/runs/indexsearch", &find_run(&name))
        .await;
    assert_eq!(found["hits"]["total"]["value"], 0, "not yet indexed");
    clock.advance(Duration::from_secs(5));
    let (_, found) = api
        .post("/api/service/runs/indexsearch", &find_run(&name))
        .await;
    assert_eq!(found["hits"]["total"]["value"], 0, "5 s of a 6 s lag");
    let (status, stopped) = api
        .post_empty(&format!("/api/service/runs/{name}/stop"))
        .await;
    assert_eq!(status, StatusCode::OK, "a stop finds it at once");
    assert_eq!(stopped["spec"]["shutdown"], "Stop");
    clock.advance(Duration::from_secs(1));
    let (_, found) = api
        .post("/api/service/runs/indexsearch", &find_run(&name))
        .await;
    let run = &found["hits"]["hits"][0]["_source"];
    assert_eq!(run["status"]["phase"], "Pending", "as it was 6 s ago");
    assert!(
        run["spec"].get("shutdown").is_none(),
        "the stop is not indexed yet"
    );
    clock.advance(Duration::from_secs(6));
    let (_, found) = api
        .post("/api/service/runs/indexsearch", &find_run(&name))
        .await;
    assert_eq!(
        found["hits"]["hits"][0]["_source"]["status"]["phase"],
        "Failed"
    );

    // A fault rule lags one workflow's next run only.
    sandbox
        .faults()
        .add(FaultRule::index_lag("atlan-snowflake-miner-*", Duration::from_secs(60)).times(1))
        .unwrap();
    let lagged = rerun(&api, "atlan-snowflake-miner-1714638976").await;
    clock.advance(Duration::from_secs(30));
    let (_, found) = api
        .post("/api/service/runs/indexsearch", &find_run(&lagged))
        .await;
    assert_eq!(found["hits"]["total"]["value"], 0);
    clock.advance(Duration::from_secs(31));
    let (_, found) = api
        .post("/api/service/runs/indexsearch", &find_run(&lagged))
        .await;
    assert_eq!(found["hits"]["total"]["value"], 1);
}

#[tokio::test]
async fn roles_and_users_answer_in_atlans_shape() {
    let clock = clock();
    let (_sandbox, api) = start(&clock, Seed::Empty).await;
    let (status, roles) = api
        .get("/api/service/roles?count=true&offset=0&limit=100&filter=%7B%22name%22%3A%7B%22%24ilike%22%3A%22%24%25%22%7D%7D")
        .await;
    assert_eq!(status, StatusCode::OK, "{roles}");
    assert_eq!(roles["totalRecord"], 3);
    assert_eq!(roles["records"][0]["name"], "$admin");
    for key in [
        "id",
        "description",
        "clientRole",
        "level",
        "memberCount",
        "userCount",
    ] {
        assert!(roles["records"][0].get(key).is_some(), "{key}");
    }
    let (_, users) = api
        .get("/api/service/users?filter=%7B%22enabled%22%3Afalse%7D")
        .await;
    assert_eq!(users["filterRecord"], 1);
    assert_eq!(users["records"][0]["username"], "john.roe");
    let (status, body) = api.get("/api/service/roles?filter=nope").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

#[tokio::test]
async fn connection_assets_are_saved_read_found_and_purged() {
    let clock = clock();
    let (_sandbox, api) = start(&clock, Seed::Empty).await;
    let connection = json!({"typeName": "Connection", "guid": "-123", "attributes": {
        "qualifiedName": "default/snowflake/1781528400", "name": "prod", "connectorName": "snowflake",
        "category": "warehouse", "adminRoles": ["r"]}});
    let (status, saved) = api
        .post("/api/meta/entity/bulk", &json!({"entities": [connection]}))
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let guid = saved["guidAssignments"]["-123"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(saved["mutatedEntities"]["CREATE"][0]["guid"], guid.as_str());

    let (status, read) = api.get(&format!("/api/meta/entity/guid/{guid}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read["entity"]["attributes"]["connectorName"], "snowflake");
    assert_eq!(read["entity"]["status"], "ACTIVE");

    let search = json!({"dsl": {"from": 0, "size": 1, "query": {"bool": {"filter": [
        {"term": {"__typeName.keyword": {"value": "Connection"}}},
        {"term": {"qualifiedName": {"value": "default/snowflake/1781528400"}}},
        {"term": {"__state": {"value": "ACTIVE"}}}]}}},
        "attributes": ["connectorName", "category"]});
    let (_, found) = api.post("/api/meta/search/indexsearch", &search).await;
    assert_eq!(found["approximateCount"], 1, "{found}");
    assert_eq!(found["entities"][0]["attributes"]["category"], "warehouse");

    let update = json!({"entities": [{"typeName": "Connection", "attributes": {
        "qualifiedName": "default/snowflake/1781528400", "name": "prod", "rowLimit": 100}}]});
    let (_, updated) = api.post("/api/meta/entity/bulk", &update).await;
    assert_eq!(
        updated["mutatedEntities"]["UPDATE"][0]["guid"],
        guid.as_str()
    );
    let (_, read) = api.get(&format!("/api/meta/entity/guid/{guid}")).await;
    assert_eq!(read["entity"]["attributes"]["rowLimit"], 100);
    assert_eq!(
        read["entity"]["attributes"]["category"], "warehouse",
        "merged"
    );

    for (body, what) in [
        (
            json!({"entities": [{"typeName": "Table", "attributes": {"qualifiedName": "q", "name": "t"}}]}),
            "Table",
        ),
        (
            json!({"entities": [{"typeName": "Connection", "attributes": {"name": "no-qn"}}]}),
            "qualifiedName",
        ),
        (json!({"entities": "nope"}), "entities"),
        // One placeholder for two new entities: only one could be told its guid.
        (
            json!({"entities": [
                {"typeName": "Connection", "guid": "-1", "attributes": {"qualifiedName": "default/snowflake/901", "name": "a"}},
                {"typeName": "Connection", "guid": "-1", "attributes": {"qualifiedName": "default/snowflake/902", "name": "b"}}
            ]}),
            "placeholder guid \"-1\" is given to more than one entity",
        ),
    ] {
        let (status, body) = api.post("/api/meta/entity/bulk", &body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(
            body["errorMessage"].as_str().unwrap().contains(what),
            "{body}"
        );
    }
    let (_, none) = api
        .post(
            "/api/meta/search/indexsearch",
            &json!({"dsl": {"from": 0, "size": 1, "query": {"bool": {"filter": [
                {"term": {"__typeName.keyword": {"value": "Connection"}}},
                {"term": {"qualifiedName": {"value": "default/snowflake/901"}}}]}}}}),
        )
        .await;
    assert_eq!(none["approximateCount"], 0, "nothing was stored: {none}");
    let (status, missing) = api.get("/api/meta/entity/guid/no-such-guid").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(missing["errorCode"], "ATLAS-404-00-005");

    let (status, _) = api
        .send(
            Method::DELETE,
            "/api/meta/entity/bulk?guid=no-such-guid&deleteType=PURGE",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, purged) = api
        .send(
            Method::DELETE,
            &format!("/api/meta/entity/bulk?guid={guid}&deleteType=PURGE"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{purged}");
    assert_eq!(
        purged["mutatedEntities"]["DELETE"][0]["guid"],
        guid.as_str()
    );
    let (status, _) = api.get(&format!("/api/meta/entity/guid/{guid}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, found) = api.post("/api/meta/search/indexsearch", &search).await;
    assert_eq!(found["approximateCount"], 0, "{found}");
}

#[tokio::test]
async fn a_crawler_run_that_succeeds_publishes_its_connection() {
    let clock = clock();
    let (_sandbox, api) = start(&clock, Seed::Empty).await;
    let (status, created) = api
        .post(
            "/api/service/v1/app",
            &json!({"app_id": "atlan-athena", "name": "publisher",
                    "inputs": {"connection": {"typeName": "Connection", "attributes": {"qualifiedName": "default/athena/4", "name": "lake"}},
                               "extraction_method": "direct", "credential_guid": "g"}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let search = json!({"dsl": {"query": {"term": {"qualifiedName": "default/athena/4"}}}});
    let (_, found) = api.post("/api/meta/search/indexsearch", &search).await;
    assert_eq!(found["approximateCount"], 0, "not before the run publishes");
    clock.advance(Duration::from_secs(60));
    let (_, found) = api.post("/api/meta/search/indexsearch", &search).await;
    assert_eq!(found["approximateCount"], 1, "{found}");
    assert_eq!(found["entities"][0]["typeName"], "Connection");
    assert_eq!(found["entities"][0]["attributes"]["name"], "lake");
}

#[tokio::test]
async fn a_cron_workflow_dates_from_when_its_schedule_was_added_across_a_restart() {
    const IMPORT: &str = "csa-asset-import-1705849995";
    let clock = clock();
    let path = common::state_path("tenant", "schedule-since");
    let start_with_state = || Sandbox::builder().clock(clock.clone()).state(&path).start();
    let sandbox = start_with_state().await.unwrap();
    let api = Api::new(&sandbox.base_url(), sandbox.api_key());
    let search = atlan_query::workflows::find_by_id(IMPORT).unwrap();
    let (_, found) = api
        .post(
            "/api/service/workflows/indexsearch",
            &serde_json::to_value(search).unwrap(),
        )
        .await;
    let mut workflow = found["hits"]["hits"][0]["_source"].clone();
    clock.advance(Duration::from_secs(3_600));
    workflow["metadata"]["annotations"]["orchestration.atlan.com/schedule"] = json!("0 3 * * *");
    workflow["metadata"]["annotations"]["orchestration.atlan.com/timezone"] = json!("UTC");
    let (status, body) = api
        .post(&format!("/api/service/workflows/{IMPORT}"), &workflow)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let created = |crons: &Value, name: &str| {
        crons["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|cron| cron["metadata"]["name"] == format!("{name}-cron"))
            .map(|cron| cron["metadata"]["creationTimestamp"].clone())
            .unwrap()
    };
    let (_, crons) = api.get("/api/service/runs/cron").await;
    assert_eq!(created(&crons, IMPORT), "2026-06-15T13:00:00Z");
    let crawler_since = created(&crons, CRAWLER);
    assert_ne!(crawler_since, "2026-06-15T13:00:00Z", "{crawler_since}");
    sandbox.shutdown().await;

    clock.advance(Duration::from_secs(600));
    let again = start_with_state().await.unwrap();
    let api = Api::new(&again.base_url(), again.api_key());
    let (_, crons) = api.get("/api/service/runs/cron").await;
    assert_eq!(
        created(&crons, IMPORT),
        "2026-06-15T13:00:00Z",
        "replayed, not made again at the restart"
    );
    assert_eq!(created(&crons, CRAWLER), crawler_since);
}

#[tokio::test]
async fn a_year_in_one_move_over_every_minute_schedules_is_bounded_and_lands_on_the_clock() {
    let clock = clock();
    let (_sandbox, api) = start(&clock, Seed::Empty).await;
    for index in 0..25 {
        let (status, created) = api
            .post(
                "/api/service/v1/app",
                &json!({"app_id": "atlan-athena", "name": format!("every-minute-{index}"), "run": false,
                        "schedule": {"cron": "* * * * *", "timezone": "UTC"},
                        "inputs": {"connection": {"typeName": "Connection", "attributes": {"qualifiedName": format!("default/athena/{index}")}},
                                   "extraction_method": "direct", "credential_guid": "g"}}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{created}");
    }
    let started = std::time::Instant::now();
    let (status, moved) = advance(&api, "8784h").await;
    eprintln!(
        "a year over 25 every-minute schedules: {:?}",
        started.elapsed()
    );
    assert_eq!(status, StatusCode::OK, "{moved}");
    let (_, table) = api.get("/_sandbox/schedules").await;
    let now: jiff::Timestamp = moved["now"].as_str().unwrap().parse().unwrap();
    for schedule in table["schedules"].as_array().unwrap() {
        let next: jiff::Timestamp = schedule["next"].as_str().unwrap().parse().unwrap();
        assert!(
            next > now,
            "each schedule is due after the clock: {schedule}"
        );
        assert!(
            next <= now + jiff::SignedDuration::from_mins(1),
            "{schedule}"
        );
    }
    let missed = table["missed"].as_array().unwrap();
    assert!(missed.len() <= 1_000, "bounded");
    assert!(
        missed
            .iter()
            .any(|missed| missed["reason"].as_str().unwrap().contains("skipped")),
        "the skipped due times are said: {:?}",
        missed.last()
    );
}
