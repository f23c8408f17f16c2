//! The state file's growth is bounded: a schedule change appends the change, not the
//! record (each used to rewrite the whole record: 2.1 MB for a 40-byte request), and the log is
//! compacted, at run time once it doubles past a threshold and at start when it is mostly
//! superseded, into a snapshot that replays to exactly the same state.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::path::Path;
use std::time::Duration;

use atlan_sandbox::{ManualClock, Sandbox, SandboxHandle};
use common::{Api, credential, fixture};
use http::{Method, StatusCode};
use serde_json::{Value, json};

const MIB: usize = 1024 * 1024;

fn clock() -> ManualClock {
    ManualClock::new("2026-06-15T12:00:00Z".parse().unwrap())
}

async fn start(path: &Path, clock: &ManualClock, compact_after: u64) -> (SandboxHandle, Api) {
    let sandbox = Sandbox::builder()
        .clock(clock.clone())
        .state(path)
        .run_durations(Duration::from_secs(2), Duration::from_secs(10))
        .compact_state_after(compact_after)
        .start()
        .await
        .unwrap();
    let api = Api::new(&sandbox.base_url(), sandbox.api_key());
    (sandbox, api)
}

fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).unwrap().len()
}

/// An athena app workflow body whose inputs carry `bytes` of payload.
fn big_app(name: &str, bytes: usize) -> Value {
    json!({"app_id": "atlan-athena", "name": name, "run": false, "inputs": {
        "connection": {"typeName": "Connection", "attributes": {"qualifiedName": "default/athena/1"}},
        "extraction_method": "direct", "credential_guid": "g", "payload": "x".repeat(bytes)}})
}

async fn create_app(api: &Api, body: &Value) -> String {
    let (status, created) = api.post("/api/service/v1/app", body).await;
    assert_eq!(status, StatusCode::OK, "{created}");
    created["slug"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_schedule_change_appends_the_change_not_the_record() {
    let path = common::state_path("state-file", "schedules");
    let clock = clock();
    let (sandbox, api) = start(&path, &clock, u64::MAX).await;
    let slug = create_app(&api, &big_app("one-mib", MIB)).await;
    let before = file_len(&path);
    let mut kept = None;
    for pair in 0..100 {
        let (status, added) = api
            .post(
                &format!("/api/service/v1/app/{slug}/schedule"),
                &json!({"cron": format!("{} 2 * * *", pair % 60), "timezone": "UTC"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{added}");
        let trigger = added["trigger_id"].as_str().unwrap().to_owned();
        if pair == 99 {
            kept = Some(trigger);
            break;
        }
        let (status, _) = api
            .send(
                Method::DELETE,
                &format!("/api/service/v1/app/{slug}/schedule/{trigger}"),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    let grown = file_len(&path) - before;
    // 199 small lines; rewriting the record would have added 199 MiB.
    assert!(grown < 64 * 1024, "the file grew by {grown} bytes");
    sandbox.shutdown().await;

    let (sandbox, api) = start(&path, &clock, u64::MAX).await;
    let (_, summary) = api.get(&format!("/api/service/v1/app/{slug}")).await;
    let schedules = summary["schedules"].as_array().unwrap();
    assert_eq!(schedules.len(), 1, "{schedules:?}");
    assert_eq!(schedules[0]["trigger_id"].as_str(), kept.as_deref());
    assert_eq!(
        summary["dag"]["extract"]["inputs"]["args"]["payload"]
            .as_str()
            .map(str::len),
        Some(MIB)
    );
    sandbox.shutdown().await;
    std::fs::remove_file(&path).unwrap();
}

/// Asserts two views of [`everything`] equal but for how long their searches took.
fn assert_same_state(mut replayed: Value, mut expected: Value) {
    for state in [&mut replayed, &mut expected] {
        state["workflows"]["took"] = Value::Null;
        state["runs"]["took"] = Value::Null;
    }
    assert_eq!(replayed, expected);
}

/// Everything a client can see of the state, to compare before and after a restart.
async fn everything(api: &Api) -> Value {
    let all = json!({"from": 0, "size": 10_000});
    let (_, workflows) = api.post("/api/service/workflows/indexsearch", &all).await;
    let (_, runs) = api.post("/api/service/runs/indexsearch", &all).await;
    let (_, credentials) = api.get("/api/service/credentials").await;
    let (_, apps) = api.get("/api/service/v1/app?limit=500").await;
    // Sorted: the asset index keeps documents in the order they were indexed, which a compacted
    // file (workflows, then runs) does not repeat, as a reindex in Atlas would not.
    let search = json!({"dsl": {"from": 0, "size": 10_000, "query": {"match_all": {}},
                                "sort": [{"__guid": {"order": "asc"}}]},
        "attributes": ["appWorkflowRunStatus", "appWorkflowRunStoppedBy", "appWorkflowRunCompletedAt"]});
    let (_, assets) = api.post("/api/meta/search/indexsearch", &search).await;
    let hits = |answer: &Value| answer["hits"].clone();
    json!({"workflows": hits(&workflows), "runs": hits(&runs), "credentials": credentials,
           "apps": apps, "assets": assets})
}

#[tokio::test]
async fn compaction_bounds_the_file_and_replays_to_the_same_state() {
    let path = common::state_path("state-file", "compaction");
    let clock = clock();
    let (sandbox, api) = start(&path, &clock, 256 * 1024).await;
    let tenant = file_len(&path);
    // Every kind of change, legacy and apps.
    let mut workflow = fixture("requests/workflow/snowflake_basic.json");
    workflow["metadata"]["name"] = json!("atlan-snowflake-1700000009");
    let (status, _) = api
        .post("/api/service/workflows?submit=true", &workflow)
        .await;
    assert_eq!(status, StatusCode::OK);
    let rerun = json!({"namespace": "default", "resourceKind": "WorkflowTemplate", "resourceName": "atlan-snowflake-1700000009"});
    let (_, run) = api.post("/api/service/workflows/submit", &rerun).await;
    let run = run["metadata"]["name"].as_str().unwrap().to_owned();
    let (status, _) = api
        .post_empty(&format!("/api/service/runs/{run}/stop"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = api
        .post_empty("/api/service/workflows/atlan-snowflake-miner-1714638976/archive")
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, stored) = api
        .post(
            "/api/service/credentials?testCredential=false",
            &credential("compacted"),
        )
        .await;
    let id = stored["id"].as_str().unwrap().to_owned();
    let (status, _) = api
        .post(
            &format!("/api/service/credentials/{id}"),
            &json!({"description": "changed"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let slug = create_app(&api, &big_app("rewritten", 200 * 1024)).await;
    let (_, submitted) = api
        .post_empty(&format!("/api/service/v1/app/{slug}/submit"))
        .await;
    let app_run = submitted["run_id"].as_str().unwrap().to_owned();
    let (status, _) = api
        .post_empty(&format!("/api/service/v1/app/runs/{app_run}/cancel"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = api
        .post(
            &format!("/api/service/v1/app/{slug}/schedule"),
            &json!({"cron": "0 4 * * *", "timezone": "Europe/Paris"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let gone = create_app(&api, &big_app("deleted", 10)).await;
    let (status, _) = api
        .send(Method::DELETE, &format!("/api/service/v1/app/{gone}"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    // 40 replacements of 200 KiB inputs: 8 MiB written, 200 KiB of it live.
    for round in 0..40 {
        let mut update = big_app("rewritten", 200 * 1024);
        update["inputs"]["round"] = json!(round);
        let (status, _) = api
            .send(
                Method::PUT,
                &format!("/api/service/v1/app/{slug}"),
                Some(&json!({"inputs": update["inputs"]})),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        // The default tenant and the workflow: at most twice that plus a line.
        assert!(
            file_len(&path) < 2 * tenant + MIB as u64,
            "round {round}: {} bytes, the tenant {tenant}",
            file_len(&path)
        );
    }
    let seen = everything(&api).await;
    sandbox.shutdown().await;

    let (sandbox, api) = start(&path, &clock, 256 * 1024).await;
    let replayed = everything(&api).await;
    assert_same_state(replayed.clone(), seen);
    let rewritten = replayed["apps"]["workflows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|workflow| workflow["slug"] == slug.as_str())
        .unwrap();
    assert_eq!(
        rewritten["dag"]["extract"]["inputs"]["args"]["round"], 39,
        "the last replacement is what replays"
    );
    sandbox.shutdown().await;
    std::fs::remove_file(&path).unwrap();
}

#[tokio::test]
async fn a_mostly_superseded_file_is_compacted_at_start() {
    let path = common::state_path("state-file", "start");
    let clock = clock();
    let (sandbox, api) = start(&path, &clock, u64::MAX).await;
    // 48 replacements of 100 KiB inputs and 300 schedule pairs: most of the file is superseded
    // (the default tenant is about 2 MiB of it).
    let slug = create_app(&api, &big_app("often-rescheduled", 100 * 1024)).await;
    for _ in 0..48 {
        let update = json!({"inputs": big_app("often-rescheduled", 100 * 1024)["inputs"]});
        let (status, _) = api
            .send(
                Method::PUT,
                &format!("/api/service/v1/app/{slug}"),
                Some(&update),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    for _ in 0..300 {
        let (_, added) = api
            .post(
                &format!("/api/service/v1/app/{slug}/schedule"),
                &json!({"cron": "0 2 * * *", "timezone": "UTC"}),
            )
            .await;
        let trigger = added["trigger_id"].as_str().unwrap();
        api.send(
            Method::DELETE,
            &format!("/api/service/v1/app/{slug}/schedule/{trigger}"),
            None,
        )
        .await;
    }
    let seen = everything(&api).await;
    sandbox.shutdown().await;
    let grown = file_len(&path);

    let (sandbox, api) = start(&path, &clock, u64::MAX).await;
    let compacted = file_len(&path);
    assert!(compacted < grown / 2, "{compacted} of {grown} bytes");
    assert_same_state(everything(&api).await, seen);
    sandbox.shutdown().await;
    // Nothing superseded any more: the next start leaves the file as it is.
    let (sandbox, _) = start(&path, &clock, u64::MAX).await;
    assert_eq!(file_len(&path), compacted);
    sandbox.shutdown().await;
    std::fs::remove_file(&path).unwrap();
}
