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
