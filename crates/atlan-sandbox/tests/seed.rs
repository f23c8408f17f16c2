//! Seed data: the default tenant is realistic, synthetic data is deterministic, a seed directory loads.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use atlan_model::WorkflowPhase;
use atlan_query::workflows::{self, TimeBounds};
use atlan_sandbox::{ManualClock, Sandbox, Seed};
use common::{Api, fixture};
use serde_json::Value;

async fn total(api: &Api, phase: WorkflowPhase) -> u64 {
    let search =
        workflows::runs_by_status_and_time(&[phase], &TimeBounds::any(), &TimeBounds::any(), 0, 1)
            .unwrap();
    let search = serde_json::to_value(search).unwrap();
    let (_, response) = api.post("/api/service/runs/indexsearch", &search).await;
    response["hits"]["total"]["value"].as_u64().unwrap()
}

#[tokio::test]
async fn the_default_tenant_has_workflows_runs_in_every_phase_credentials_and_schedules() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let (workflows, runs, credentials) = sandbox.counts();
    assert!(
        workflows >= 40 && runs >= 300 && credentials >= 20,
        "{workflows} {runs} {credentials}"
    );
    let api = Api::new(&sandbox.base_url(), sandbox.api_key());
    for phase in [
        WorkflowPhase::Pending,
        WorkflowPhase::Running,
        WorkflowPhase::Succeeded,
        WorkflowPhase::Failed,
        WorkflowPhase::Error,
    ] {
        assert!(total(&api, phase.clone()).await > 0, "no {phase} run");
    }
    let (_, schedules) = api.get("/api/service/runs/cron").await;
    assert!(schedules["items"].as_array().unwrap().len() >= 5);
    let packages: std::collections::HashSet<String> = sandbox_packages(&api).await;
    assert!(packages.len() >= 20, "{packages:?}");
}

async fn sandbox_packages(api: &Api) -> std::collections::HashSet<String> {
    let search = serde_json::to_value(atlan_query::Search::new().size(500)).unwrap();
    let (_, response) = api
        .post("/api/service/workflows/indexsearch", &search)
        .await;
    response["hits"]["hits"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|hit| {
            hit["_source"]["spec"]["templates"][0]["dag"]["tasks"][0]["templateRef"]["name"]
                .as_str()
                .map(str::to_owned)
        })
        .collect()
}

#[tokio::test]
async fn synthetic_data_is_the_same_every_time() {
    let clock = ManualClock::new("2026-06-15T12:00:00Z".parse().unwrap());
    let mut answers: Vec<Value> = Vec::new();
    for _ in 0..2 {
        let sandbox = Sandbox::builder()
            .clock(clock.clone())
            .seed(Seed::Synthetic {
                workflows: 120,
                runs: 3_000,
            })
            .start()
            .await
            .unwrap();
        assert_eq!(sandbox.counts(), (120, 3_000, 0));
        let api = Api::new(&sandbox.base_url(), sandbox.api_key());
        let search = workflows::runs_by_status_and_time(
            &[WorkflowPhase::Failed],
            &TimeBounds::since("now-7d".parse().unwrap()),
            &TimeBounds::any(),
            0,
            50,
        )
        .unwrap();
        let (_, mut response) = api
            .post(
                "/api/service/runs/indexsearch",
                &serde_json::to_value(search).unwrap(),
            )
            .await;
        response.as_object_mut().unwrap().remove("took");
        answers.push(response);
    }
    assert_eq!(answers[0], answers[1]);
    assert!(answers[0]["hits"]["total"]["value"].as_u64().unwrap() > 10);
}

#[tokio::test]
async fn a_seed_directory_loads_workflows_fixed_runs_and_credentials() {
    let dir = std::env::temp_dir().join(format!("atlan-sandbox-seed-{}", std::process::id()));
    for folder in ["workflows", "runs", "credentials"] {
        std::fs::create_dir_all(dir.join(folder)).unwrap();
    }
    let mut workflow = fixture("requests/workflow/tableau_basic.json");
    workflow["metadata"]["name"] = serde_json::json!("atlan-tableau-1712345678");
    std::fs::write(dir.join("workflows/tableau.json"), workflow.to_string()).unwrap();
    std::fs::write(
        dir.join("runs/diamond.json"),
        fixture("argo/workflow/succeeded-dag-diamond.json").to_string(),
    )
    .unwrap();
    std::fs::write(
        dir.join("credentials/snowflake.json"),
        fixture("requests/credential/create-snowflake.json").to_string(),
    )
    .unwrap();
    let sandbox = Sandbox::builder()
        .seed(Seed::Dir(dir.clone()))
        .start()
        .await
        .unwrap();
    assert_eq!(sandbox.counts(), (1, 1, 1));
    let api = Api::new(&sandbox.base_url(), sandbox.api_key());
    let search =
        serde_json::to_value(workflows::find_run_by_id("dag-diamond-82q7s").unwrap()).unwrap();
    let (_, found) = api.post("/api/service/runs/indexsearch", &search).await;
    assert_eq!(
        found["hits"]["hits"][0]["_source"],
        fixture("argo/workflow/succeeded-dag-diamond.json")
    );
    std::fs::remove_dir_all(&dir).unwrap();

    let error = Sandbox::builder()
        .seed(Seed::Dir(dir))
        .start()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("not a directory"), "{error}");
}

/// How many `type_name` assets the asset search holds, and the first page of them.
async fn assets(api: &Api, type_name: &str) -> (u64, Vec<Value>) {
    let search = serde_json::json!({"dsl": {
        "query": {"bool": {"filter": [{"term": {"__typeName.keyword": type_name}}]}},
        "size": 100, "track_total_hits": true}});
    let (_, found) = api.post("/api/meta/search/indexsearch", &search).await;
    let total = found["approximateCount"].as_u64().unwrap_or_default();
    (
        total,
        found["entities"].as_array().cloned().unwrap_or_default(),
    )
}

#[tokio::test]
async fn a_fleet_has_both_apis_with_shared_credentials_suspensions_and_every_cause() {
    let clock = ManualClock::new("2026-06-15T12:00:00Z".parse().unwrap());
    let seed = Seed::parse_synthetic("20,400,100,3000").unwrap();
    assert_eq!(
        seed,
        Seed::Fleet {
            legacy_workflows: 20,
            legacy_runs: 400,
            app_workflows: 100,
            app_runs: 3_000,
        }
    );
    assert!(Seed::parse_synthetic("1,2,3").is_err());
    let sandbox = Sandbox::builder()
        .clock(clock.clone())
        .seed(seed)
        .start()
        .await
        .unwrap();
    // The legacy half, and one credential per twenty app workflows.
    assert_eq!(sandbox.counts(), (20, 400, 5));
    let api = Api::new(&sandbox.base_url(), sandbox.api_key());
    let (_, listed) = api.get("/api/service/v1/app?limit=500").await;
    let workflows = listed["workflows"].as_array().unwrap();
    assert_eq!(workflows.len(), 100);
    let text = listed.to_string();
    assert!(
        text.contains("atlanctl_suspended_schedules"),
        "some suspended"
    );
    let scheduled = workflows
        .iter()
        .filter(|w| w["schedules"].as_array().is_some_and(|s| !s.is_empty()))
        .count();
    assert_eq!(
        scheduled, 80,
        "eight in ten scheduled, one in ten suspended"
    );
    let apps: std::collections::BTreeSet<&str> = workflows
        .iter()
        .filter_map(|w| w["app_id"].as_str())
        .collect();
    assert!(apps.len() >= 30, "across the catalog: {apps:?}");
    // The legacy workflows use the same credentials as the app workflows.
    let search = serde_json::to_value(atlan_query::Search::new().size(500)).unwrap();
    let (_, legacy) = api
        .post("/api/service/workflows/indexsearch", &search)
        .await;
    let hits = legacy["hits"]["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 20);
    assert!(hits.iter().all(|hit| {
        hit["_source"]["spec"]["templates"][0]["dag"]["tasks"][0]["arguments"]["parameters"][0]
            ["value"]
            .as_str()
            .is_some_and(|guid| text.contains(guid))
    }));
    let (runs, page) = assets(&api, "AppWorkflowRun").await;
    assert_eq!(runs, 3_000);
    assert_eq!(page.len(), 100);
    // The same counts, the same fleet.
    let again = Sandbox::builder()
        .clock(clock)
        .seed(Seed::parse_synthetic("20,400,100,3000").unwrap())
        .start()
        .await
        .unwrap();
    let (_, relisted) = Api::new(&again.base_url(), again.api_key())
        .get("/api/service/v1/app?limit=500")
        .await;
    assert_eq!(listed, relisted);
}
