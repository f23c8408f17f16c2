//! Every endpoint over real HTTP against a started sandbox: searches, workflows, runs and their
//! lifecycle on a manual clock, schedules, scheduled queries, credentials, auth and errors.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::time::Duration;

use atlan_model::WorkflowPhase;
use atlan_model::{
    ApiErrorBody, CredentialListResponse, CredentialResponse, CredentialTestResponse,
    WorkflowResponse, WorkflowRunResponse, WorkflowScheduleList, WorkflowScheduleResponse,
    WorkflowSearchResponse, decode_value,
};
use atlan_query::workflows::{self, TimeBounds};
use atlan_sandbox::{ManualClock, Sandbox, SandboxHandle, Seed};
use common::{Api, CREATE_CREDENTIAL, fixture, hit_ids};
use http::{Method, StatusCode};
use serde_json::{Value, json};

const MINER: &str = "atlan-snowflake-miner-1714638976";
const CRAWLER: &str = "atlan-snowflake-1714638976";

async fn start(clock: &ManualClock) -> (SandboxHandle, Api) {
    common::start_on(clock, Seed::Default).await
}

fn clock() -> ManualClock {
    ManualClock::new("2026-06-15T12:00:00Z".parse().unwrap())
}

fn search_body(search: &atlan_query::Search) -> Value {
    serde_json::to_value(search).unwrap()
}

/// Asserts an Atlan-shaped error with this status.
fn assert_error(status: StatusCode, body: &Value, expected: StatusCode, mentions: &str) {
    assert_eq!(status, expected, "{body}");
    let error: ApiErrorBody = decode_value(body.clone()).unwrap();
    assert!(error.code().is_some() && error.error_id.is_some(), "{body}");
    assert!(
        error.message().unwrap_or_default().contains(mentions),
        "{body}"
    );
}

#[tokio::test]
async fn the_seed_searches_answer_like_a_tenant() {
    let clock = clock();
    let (_sandbox, api) = start(&clock).await;
    for (path, body, at_least) in [
        (
            "/api/service/workflows/indexsearch",
            "requests/search/find-by-id.json",
            1,
        ),
        (
            "/api/service/workflows/indexsearch",
            "requests/search/find-by-type.json",
            1,
        ),
        (
            "/api/service/runs/indexsearch",
            "requests/search/find-run-by-id.json",
            1,
        ),
        (
            "/api/service/runs/indexsearch",
            "requests/search/runs-by-phase.json",
            2,
        ),
    ] {
        let (status, response) = api.post(path, &fixture(body)).await;
        assert_eq!(status, StatusCode::OK, "{body}: {response}");
        let decoded: WorkflowSearchResponse = decode_value(response.clone()).unwrap();
        assert!(
            decoded.hits().len() >= at_least,
            "{body}: {}",
            decoded.hits().len()
        );
        assert!(
            decoded
                .total()
                .is_some_and(|total| total >= decoded.hits().len() as u64)
        );
    }
    let (_, by_type) = api
        .post(
            "/api/service/workflows/indexsearch",
            &fixture("requests/search/find-by-type.json"),
        )
        .await;
    assert!(
        hit_ids(&by_type)
            .iter()
            .all(|id| id.starts_with("atlan-snowflake-miner-"))
    );
    let (_, crawlers) = api
        .post(
            "/api/service/workflows/indexsearch",
            &search_body(&workflows::find_by_type("atlan-snowflake", 50).unwrap()),
        )
        .await;
    assert!(
        hit_ids(&crawlers)
            .iter()
            .all(|id| !id.starts_with("atlan-snowflake-miner-")),
        "{:?}",
        hit_ids(&crawlers)
    );
}

#[tokio::test]
async fn a_submitted_workflow_runs_through_its_phases_on_the_clock() {
    let clock = clock();
    let (_sandbox, api) = start(&clock).await;
    let mut request = fixture("requests/workflow/snowflake_basic.json");
    request["metadata"]["name"] = json!("atlan-snowflake-1799999999");
    let (status, response) = api
        .post("/api/service/workflows?submit=true", &request)
        .await;
    assert_eq!(status, StatusCode::OK, "{response}");
    let submitted: WorkflowResponse = decode_value(response).unwrap();
    assert_eq!(
        submitted.metadata.as_ref().unwrap().name(),
        Some("atlan-snowflake-1799999999")
    );
    // The credential of the payload was created and its placeholder replaced by its id.
    let credential_id = submitted
        .spec
        .as_ref()
        .unwrap()
        .parameter("credential-guid")
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(credential_id.len(), 36);
    let (status, credential) = api
        .get(&format!("/api/service/credentials/{credential_id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        credential.get("password").is_none(),
        "the password stays on the server"
    );

    let latest = search_body(&workflows::latest_run("atlan-snowflake-1799999999").unwrap());
    let phase_now = |response: &Value| {
        response["hits"]["hits"][0]["_source"]["status"]["phase"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let (_, pending) = api.post("/api/service/runs/indexsearch", &latest).await;
    let run = hit_ids(&pending)[0].clone();
    assert_eq!(phase_now(&pending), "Pending");
    let suffix = run.strip_prefix("atlan-snowflake-1799999999-").unwrap();
    assert_eq!(suffix.len(), 5);
    assert!(
        suffix
            .bytes()
            .all(|b| b"bcdfghjklmnpqrstvwxz2456789".contains(&b)),
        "{run}"
    );

    clock.advance(Duration::from_secs(3));
    let (_, running) = api.post("/api/service/runs/indexsearch", &latest).await;
    assert_eq!(phase_now(&running), "Running");
    let source = &running["hits"]["hits"][0]["_source"];
    assert_eq!(source["status"]["finishedAt"], Value::Null);
    assert_eq!(
        source["metadata"]["labels"]["workflows.argoproj.io/phase"],
        "Running"
    );
    assert_eq!(
        source["spec"]["workflowTemplateRef"]["name"],
        "atlan-snowflake-1799999999"
    );
    assert!(source["metadata"]["labels"]["workflows.argoproj.io/creator"].is_string());

    clock.advance(Duration::from_secs(30));
    let (_, done) = api.post("/api/service/runs/indexsearch", &latest).await;
    assert_eq!(phase_now(&done), "Succeeded");
    let status = &done["hits"]["hits"][0]["_source"]["status"];
    assert_eq!(status["progress"], "3/3");
    assert!(status["finishedAt"].is_string() && status["startedAt"].is_string());
    assert_eq!(
        done["hits"]["hits"][0]["_source"]["metadata"]["labels"]["workflows.argoproj.io/completed"],
        "true"
    );
    assert!(
        status["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["type"] == "Completed" && c["status"] == "True")
    );
    let run_search = search_body(
        &workflows::runs_by_phase(
            "atlan-snowflake-1799999999",
            &WorkflowPhase::Succeeded,
            0,
            10,
        )
        .unwrap(),
    );
    assert_eq!(
        hit_ids(
            &api.post("/api/service/runs/indexsearch", &run_search)
                .await
                .1
        ),
        [run]
    );
}

#[tokio::test]
async fn rerun_stop_and_the_errors_around_them() {
    let clock = clock();
    let (_sandbox, api) = start(&clock).await;
    let (status, run) = api
        .post("/api/service/workflows/submit", &json!({"namespace": "default", "resourceKind": "WorkflowTemplate", "resourceName": CRAWLER}))
        .await;
    assert_eq!(status, StatusCode::OK, "{run}");
    let run: WorkflowRunResponse = decode_value(run).unwrap();
    let id = run.name().unwrap().to_owned();
    assert_eq!(run.phase(), Some(&WorkflowPhase::Pending));

    let (status, body) = api
        .post(
            "/api/service/workflows/submit",
            &json!({"namespace": "default", "resourceKind": "", "resourceName": CRAWLER}),
        )
        .await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "resourceKind");
    let (status, body) = api
        .post(
            "/api/service/workflows/submit",
            &json!({"resourceKind": "WorkflowTemplate", "resourceName": "atlan-nope-1111111111"}),
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::NOT_FOUND,
        "atlan-nope-1111111111",
    );

    clock.advance(Duration::from_secs(5));
    let (status, stopped) = api
        .post_empty(&format!("/api/service/runs/{id}/stop"))
        .await;
    assert_eq!(status, StatusCode::OK, "{stopped}");
    // As on a tenant: the stop answers the run still Running, with the shutdown set; the
    // controller fails it a moment later (1 s by default) with Argo's message.
    assert_eq!(stopped["status"]["phase"], "Running");
    assert_eq!(stopped["spec"]["shutdown"], "Stop");
    assert!(stopped["status"].get("message").is_none(), "{stopped}");
    let (status, again) = api
        .post_empty(&format!("/api/service/runs/{id}/stop"))
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a stop while stopping answers the same"
    );
    assert_eq!(again["status"]["phase"], "Running");
    clock.advance(Duration::from_secs(1));
    let (_, found) = api
        .post(
            "/api/service/runs/indexsearch",
            &serde_json::to_value(workflows::find_run_by_id(&id).unwrap()).unwrap(),
        )
        .await;
    let run = &found["hits"]["hits"][0]["_source"];
    assert_eq!(run["status"]["phase"], "Failed", "{found}");
    assert_eq!(run["status"]["message"], "Stopped with strategy 'Stop'");
    let (status, body) = api
        .post_empty(&format!("/api/service/runs/{id}/stop"))
        .await;
    assert_error(
        status,
        &body,
        StatusCode::CONFLICT,
        "cannot shutdown a completed workflow",
    );
    let (status, body) = api
        .post_empty("/api/service/runs/atlan-nope-1111111111-bcdfg/stop")
        .await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "bcdfg");

    let (status, again) = api.post("/api/service/workflows/triggerAsOwner", &json!({"namespace": "default", "resourceKind": "WorkflowTemplate", "resourceName": CRAWLER})).await;
    assert_eq!(status, StatusCode::OK, "{again}");
}

/// The miner workflow as stored, as an update body (`metadata`, `spec`, `payload`).
async fn stored_miner(api: &Api) -> Value {
    let (_, found) = api
        .post(
            "/api/service/workflows/indexsearch",
            &fixture("requests/search/find-by-id.json"),
        )
        .await;
    let source = &found["hits"]["hits"][0]["_source"];
    json!({"metadata": source["metadata"], "spec": source["spec"], "payload": []})
}

#[tokio::test]
async fn update_owner_delete_and_the_package_endpoints() {
    let clock = clock();
    let (_sandbox, api) = start(&clock).await;
    let mut workflow = stored_miner(&api).await;
    workflow["metadata"]["annotations"]["orchestration.atlan.com/schedule"] = json!("0 6 * * 1");
    workflow["metadata"]["annotations"]["orchestration.atlan.com/timezone"] = json!("Asia/Kolkata");
    for prefix in ["workflows", "package-workflows"] {
        let (status, updated) = api
            .post(&format!("/api/service/{prefix}/{MINER}"), &workflow)
            .await;
        assert_eq!(status, StatusCode::OK, "{updated}");
        assert_eq!(
            updated["metadata"]["annotations"]["orchestration.atlan.com/schedule"],
            "0 6 * * 1"
        );
    }
    let (_, cron) = api
        .get(&format!("/api/service/runs/cron/{MINER}-cron"))
        .await;
    let cron: WorkflowScheduleResponse = decode_value(cron).unwrap();
    assert_eq!(
        cron.schedule().map(|s| (s.cron, s.timezone)),
        Some(("0 6 * * 1".into(), "Asia/Kolkata".into()))
    );
    let (_, list) = api.get("/api/service/runs/cron").await;
    let list: WorkflowScheduleList = decode_value(list).unwrap();
    assert!(list.items().len() >= 10);

    let (status, owned) = api
        .post_empty(&format!(
            "/api/service/workflows/{MINER}/changeownership?username=priya.rao"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{owned}");
    assert_eq!(
        owned["metadata"]["labels"]["workflows.argoproj.io/creator-preferred-username"],
        "priya.rao"
    );

    let (status, body) = api
        .post(
            &format!("/api/service/workflows/{CRAWLER}"),
            &json!({"metadata": {"name": "other"}, "spec": {}}),
        )
        .await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "does not match");
    let (status, _) = api
        .post_empty(&format!("/api/service/package-workflows/{MINER}/archive"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = api
        .post_empty(&format!("/api/service/workflows/{MINER}/archive"))
        .await;
    assert_error(status, &body, StatusCode::NOT_FOUND, MINER);
    let (_, gone) = api
        .post(
            "/api/service/workflows/indexsearch",
            &fixture("requests/search/find-by-id.json"),
        )
        .await;
    assert!(hit_ids(&gone).is_empty());
    let (status, body) = api
        .get(&format!("/api/service/runs/cron/{MINER}-cron"))
        .await;
    assert_error(status, &body, StatusCode::NOT_FOUND, MINER);
}

#[tokio::test]
async fn runs_by_status_and_time_follow_the_clock() {
    let clock = clock();
    let (_sandbox, api) = start(&clock).await;
    let search = |since: &str| {
        search_body(
            &workflows::runs_by_status_and_time(
                &[WorkflowPhase::Succeeded, WorkflowPhase::Failed],
                &TimeBounds::since(since.parse().unwrap()),
                &TimeBounds::any(),
                0,
                1000,
            )
            .unwrap(),
        )
    };
    let (_, recent) = api
        .post("/api/service/runs/indexsearch", &search("now-6h"))
        .await;
    let (_, all_time) = api
        .post("/api/service/runs/indexsearch", &search("now-60d"))
        .await;
    let recent_total = recent["hits"]["total"]["value"].as_u64().unwrap();
    let total = all_time["hits"]["total"]["value"].as_u64().unwrap();
    assert!(
        recent_total > 0 && total > 300 && recent_total < total,
        "{recent_total} of {total}"
    );
    for hit in all_time["hits"]["hits"].as_array().unwrap() {
        let source = &hit["_source"];
        assert!(matches!(
            source["metadata"]["labels"]["workflows.argoproj.io/phase"].as_str(),
            Some("Succeeded" | "Failed")
        ));
        assert!(
            source["metadata"]["labels"]["workflows.argoproj.io/creator"].is_string(),
            "runs without a creator are left out"
        );
    }
    clock.advance(Duration::from_secs(7 * 3600));
    let (_, later) = api
        .post("/api/service/runs/indexsearch", &search("now-6h"))
        .await;
    assert!(
        later["hits"]["total"]["value"].as_u64().unwrap() < recent_total + 10,
        "the window moved with the clock"
    );
}

#[tokio::test]
async fn scheduled_queries_between_dates() {
    let clock = clock();
    let (_sandbox, api) = start(&clock).await;
    let query = "startDate=2026-06-15T00:00:00Z&endDate=2026-06-15T12:00:00Z";
    let (status, runs) = api
        .get(&format!(
            "/api/service/runs/cron/scheduleQueriesBetweenDuration?{query}"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{runs}");
    let (_, missed) = api
        .get(&format!(
            "/api/service/runs/cron/missedScheduleQueriesBetweenDuration?{query}"
        ))
        .await;
    let runs = runs.as_array().unwrap();
    let missed = missed.as_array().unwrap();
    assert!(
        runs.len() >= 20 && !missed.is_empty() && missed.len() < runs.len(),
        "{} {}",
        runs.len(),
        missed.len()
    );
    assert!(missed.iter().all(|run| run["status"]["phase"] == "Failed"));
    let (status, body) = api
        .get(
            "/api/service/runs/cron/scheduleQueriesBetweenDuration?startDate=yesterday&endDate=now",
        )
        .await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "startDate");
}

#[tokio::test]
async fn credentials_keep_their_secrets_and_follow_the_rules() {
    let clock = clock();
    let (_sandbox, api) = start(&clock).await;
    let body = fixture("requests/credential/create-snowflake.json");
    let (status, created) = api.post(CREATE_CREDENTIAL, &body).await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let created: CredentialResponse = decode_value(created).unwrap();
    let raw = api
        .get(&format!("/api/service/credentials/{}", created.id))
        .await
        .1;
    assert!(raw.get("password").is_none() && !raw.to_string().contains("\"password\""));
    let (status, body2) = api.post(CREATE_CREDENTIAL, &body).await;
    assert_error(status, &body2, StatusCode::CONFLICT, "already exists");

    let mut wrong = body.clone();
    wrong["name"] = json!("wrong");
    wrong["password"] = json!("wrong-password");
    let (status, refused) = api.post(CREATE_CREDENTIAL, &wrong).await;
    assert_error(
        status,
        &refused,
        StatusCode::BAD_REQUEST,
        "authentication failed",
    );
    let (status, _) = api
        .post("/api/service/credentials?testCredential=false", &wrong)
        .await;
    assert_eq!(status, StatusCode::OK, "not tested: stored");

    let (_, test) = api
        .post(
            "/api/service/credentials/test",
            &fixture("requests/credential/test-snowflake.json"),
        )
        .await;
    assert!(
        decode_value::<CredentialTestResponse>(test)
            .unwrap()
            .is_successful()
    );
    let (_, test) = api
        .post_empty(&format!("/api/service/credentials/{}/test", created.id))
        .await;
    assert!(
        decode_value::<CredentialTestResponse>(test)
            .unwrap()
            .is_successful()
    );

    let (_, list) = api.get("/api/service/credentials?filter=%7B%22connector%22%3A%22snowflake%22%7D&limit=2&offset=1").await;
    let list: CredentialListResponse = decode_value(list).unwrap();
    assert_eq!(list.records.len(), 2);
    assert!(
        list.records
            .iter()
            .all(|r| r.connector.as_deref() == Some("snowflake"))
    );
    let (_, everything) = api.get("/api/service/credentials").await;
    assert!(!everything.to_string().contains("\"password\""));
    for bad in [
        "filter=%7B%22owner%22%3A1%7D",
        "filter=%5B1%5D",
        "filter=nope",
        "limit=-1",
    ] {
        let (status, body) = api.get(&format!("/api/service/credentials?{bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }

    let mut update = fixture("requests/credential/update-snowflake.json");
    update["id"] = json!(created.id);
    update["username"] = json!("renamed");
    let (status, updated) = api
        .post(&format!("/api/service/credentials/{}", created.id), &update)
        .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["username"], "renamed");
    assert_eq!(updated["version"], "v2");

    let (status, purged) = api
        .post_empty(&format!("/api/service/credentials/{}/archive", created.id))
        .await;
    assert_eq!((status, purged), (StatusCode::OK, Value::Null));
    let (status, body) = api
        .get(&format!("/api/service/credentials/{}", created.id))
        .await;
    assert_error(status, &body, StatusCode::NOT_FOUND, &created.id);
}

#[tokio::test]
async fn auth_unknown_things_and_malformed_bodies() {
    let clock = clock();
    let (sandbox, api) = start(&clock).await;
    let (status, body) = api.anonymous().get("/api/service/whoami").await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "401");
    let wrong = Api::new(&sandbox.base_url(), "not-the-key");
    assert_eq!(
        wrong.get("/api/service/whoami").await.0,
        StatusCode::UNAUTHORIZED
    );
    // The scheme is case-insensitive (RFC 9110); another scheme, or none, is not a key.
    let key = sandbox.api_key().to_owned();
    for (authorization, answer) in [
        (format!("bearer {key}"), "200"),
        (format!("BEARER {key}"), "200"),
        (format!("Bearer {key}"), "200"),
        (format!("Basic {key}"), "401"),
        (key.clone(), "401"),
        (format!("Bearer{key}"), "401"),
    ] {
        let status = raw_status(&sandbox.base_url(), &authorization).await;
        assert!(status.contains(answer), "{authorization:?}: {status}");
    }
    let (_, me) = api.get("/api/service/whoami").await;
    assert!(
        me["roles"]
            .as_array()
            .unwrap()
            .iter()
            .any(|role| role["name"] == "$api-token-default-access")
    );

    let (status, body) = api.get("/api/service/nothing/here").await;
    assert_error(
        status,
        &body,
        StatusCode::NOT_FOUND,
        "/api/service/nothing/here",
    );

    let before = sandbox.counts();
    let (status, body) = api
        .send_raw(
            Method::POST,
            "/api/service/workflows?submit=true",
            b"{\"metadata\": ".to_vec(),
        )
        .await
        .unwrap();
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(String::from_utf8_lossy(&body).contains("not valid JSON"));
    let (status, body) = api
        .post(
            "/api/service/workflows?submit=true",
            &json!({"metadata": {}, "spec": {}}),
        )
        .await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "metadata.name");
    let (status, body) = api
        .post(
            "/api/service/workflows?submit=true",
            &json!({"metadata": {"name": 5}, "spec": {}}),
        )
        .await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "metadata.name");
    let (status, body) = api
        .post(
            "/api/service/runs/indexsearch",
            &json!({"query": {"match": {"a": 1}}}),
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::BAD_REQUEST,
        "unknown variant `match`",
    );
    let (status, body) = api
        .post(
            "/api/service/runs/indexsearch",
            &json!({"from": 9999, "size": 10}),
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::BAD_REQUEST,
        "Result window is too large",
    );
    assert_eq!(sandbox.counts(), before, "nothing stored");

    let user = Sandbox::builder()
        .api_token_user(false)
        .seed(Seed::Empty)
        .start()
        .await
        .unwrap();
    let (_, me) = Api::new(&user.base_url(), user.api_key())
        .get("/api/service/whoami")
        .await;
    assert!(
        me["roles"]
            .as_array()
            .unwrap()
            .iter()
            .all(|role| role["name"] != "$api-token-default-access")
    );
    assert_eq!(user.counts(), (0, 0, 0));
}

#[tokio::test]
async fn writes_with_bad_schedules_or_names_are_refused_and_change_nothing() {
    let clock = clock();
    let (_sandbox, api) = start(&clock).await;
    let source = stored_miner(&api).await;
    let (_, schedule_before) = api
        .get(&format!("/api/service/runs/cron/{MINER}-cron"))
        .await;
    for (cron, timezone, says) in [
        ("61 * * * *", "UTC", "Number out of bounds"),
        ("*/0 * * * *", "UTC", "Step cannot be zero"),
        ("0 6 * * 1", "Mars/Olympus", "unknown time zone"),
        ("0 6 * * 1", "../../etc/passwd", "unknown time zone"),
    ] {
        let mut workflow =
            json!({"metadata": source["metadata"], "spec": source["spec"], "payload": []});
        workflow["metadata"]["annotations"]["orchestration.atlan.com/schedule"] = json!(cron);
        workflow["metadata"]["annotations"]["orchestration.atlan.com/timezone"] = json!(timezone);
        let (status, body) = api
            .post(&format!("/api/service/workflows/{MINER}"), &workflow)
            .await;
        assert_error(status, &body, StatusCode::BAD_REQUEST, says);
    }
    let (_, schedule_after) = api
        .get(&format!("/api/service/runs/cron/{MINER}-cron"))
        .await;
    assert_eq!(schedule_before, schedule_after, "nothing was stored");

    let mut long = source.clone();
    long["metadata"]["name"] = json!("a".repeat(300));
    let (status, body) = api.post("/api/service/workflows?submit=true", &long).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "at most 253");
    let mut credential = fixture("requests/credential/create-snowflake.json");
    credential["name"] = json!("n".repeat(1_000_000));
    let (status, body) = api
        .post("/api/service/credentials?testCredential=false", &credential)
        .await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "at most 256");

    // A secret of the wrong type is refused without being quoted back.
    let mut credential = fixture("requests/credential/create-snowflake.json");
    credential["extra"] = json!("SENTINEL-extra-secret");
    let (status, body) = api
        .post("/api/service/credentials?testCredential=false", &credential)
        .await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "value withheld");
    assert!(!body.to_string().contains("SENTINEL"), "{body}");
}

/// The status line of `GET /api/service/whoami` sent with `authorization` as it is.
async fn raw_status(base: &str, authorization: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "GET /api/service/whoami HTTP/1.1\r\nHost: {addr}\r\nAuthorization: {authorization}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    answer.lines().next().unwrap_or_default().to_owned()
}
