//! Workflow operations end to end against a started sandbox over loopback HTTP.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use atlan_workflows::model::{TIMEZONE_ANNOTATION, decode_value};
use atlan_workflows::{
    Error, Workflow, WorkflowPackage, WorkflowPhase, WorkflowRoute, WorkflowSchedule,
};
use common::{CRAWLER, MINER, Recorder, builder, clock, fixture, sandbox_with, start};
use serde_json::json;

#[tokio::test]
async fn find_by_id_and_by_type() {
    let (_clock, _sandbox, client) = start().await;
    let found = client.workflows().get(MINER).await.unwrap();
    assert_eq!(found.name(), MINER);
    assert!(found.phase().is_none(), "a workflow has no status");
    assert!(
        client
            .workflows()
            .get_opt("atlan-nothing-1")
            .await
            .unwrap()
            .is_none()
    );
    let missing = client.workflows().get("atlan-nothing-1").await.unwrap_err();
    assert!(missing.is_not_found(), "{missing}");
    let empty = client.workflows().get(" ").await.unwrap_err();
    assert!(matches!(empty, Error::InvalidInput { .. }), "{empty}");

    let miners = client
        .workflows()
        .find_by_type(WorkflowPackage::SnowflakeMiner)
        .max_results(5)
        .await
        .unwrap();
    assert!(miners.iter().any(|workflow| workflow.name() == MINER));
    assert!(miners.len() <= 5);
    let crawlers = client
        .workflows()
        .find_by_type(WorkflowPackage::Snowflake)
        .max_results(50)
        .await
        .unwrap();
    assert!(crawlers.iter().any(|workflow| workflow.name() == CRAWLER));
    assert!(
        crawlers
            .iter()
            .all(|workflow| !workflow.name().starts_with("atlan-snowflake-miner-")),
        "the package is matched exactly"
    );
}

/// Both workflow searches are listings: walked in small pages, they yield every workflow once,
/// newest first, as one large page has them.
#[tokio::test]
async fn workflow_searches_walk_page_by_page() {
    use atlan_workflows::Paginated;

    let (_clock, _sandbox, client) = start().await;
    let names = |hits: Vec<atlan_workflows::model::WorkflowSearchResult>| {
        hits.iter()
            .map(|hit| hit.name().to_owned())
            .collect::<Vec<_>>()
    };
    let whole = names(
        client
            .workflows()
            .every()
            .size(1_000)
            .page()
            .await
            .unwrap()
            .items,
    );
    assert!(whole.len() > 7, "the demo tenant has more than a page of 7");
    let walked = names(client.workflows().every().size(7).all().await.unwrap());
    assert_eq!(walked, whole);

    let crawlers = client.workflows().find_by_type(WorkflowPackage::Snowflake);
    let first = names(crawlers.clone().max_results(1).await.unwrap());
    let every = names(crawlers.max_results(1).all().await.unwrap());
    assert_eq!(first.len(), 1);
    assert!(every.len() > 1 && every.starts_with(&first), "{every:?}");
    assert!(
        every
            .iter()
            .all(|name| WorkflowPackage::of_workflow_id(name) == Some(WorkflowPackage::Snowflake))
    );
}

#[tokio::test]
async fn update_enables_lineage() {
    let (_clock, _sandbox, client) = start().await;
    let found = client.workflows().get(CRAWLER).await.unwrap();
    let mut workflow = found.to_workflow();
    assert_eq!(workflow.parameter("enable-lineage"), Some(&json!("false")));
    workflow.set_parameter("enable-lineage", true).unwrap();
    let response = client.workflows().update(&workflow).await.unwrap();
    assert_eq!(
        response.metadata.as_ref().and_then(|m| m.name()),
        Some(CRAWLER)
    );
    let again = client.workflows().get(CRAWLER).await.unwrap();
    assert_eq!(
        again.to_workflow().parameter("enable-lineage"),
        Some(&json!(true))
    );

    let unknown = workflow.set_parameter("no-such-parameter", 1).unwrap_err();
    assert!(unknown.to_string().contains("no-such-parameter"));
}

#[tokio::test]
async fn run_a_new_workflow_on_a_schedule_then_rerun_it() {
    let (clock, _sandbox, client) = start().await;
    let mut body = fixture("requests/workflow/dbt_core.json");
    body["metadata"]["name"] = json!("atlan-dbt-1799999999");
    let schedule = WorkflowSchedule::new("45 5 * * *", "Europe/Paris").unwrap();
    let response = client
        .workflows()
        .run_json(body.clone())
        .schedule(schedule.clone())
        .await
        .unwrap();
    assert_eq!(
        response.metadata.as_ref().and_then(|m| m.name()),
        Some("atlan-dbt-1799999999")
    );
    let stored = client
        .workflows()
        .get("atlan-dbt-1799999999")
        .await
        .unwrap();
    assert_eq!(stored.to_workflow().schedule(), Some(schedule));

    // The first run is going: an idempotent re-run returns it, a plain one starts another.
    let first = client.runs().latest("atlan-dbt-1799999999").await.unwrap();
    assert!(first.phase().is_some_and(WorkflowPhase::is_active));
    let same = client
        .workflows()
        .rerun("atlan-dbt-1799999999")
        .idempotent()
        .await
        .unwrap();
    assert_eq!(same.name(), Some(first.name()));
    let second = client.workflows().rerun(stored.clone()).await.unwrap();
    assert_ne!(second.name(), Some(first.name()));
    assert!(second.name().unwrap().starts_with("atlan-dbt-1799999999-"));
    assert_eq!(second.phase(), Some(&WorkflowPhase::Pending));

    // Once nothing is going, an idempotent re-run starts a new one; by package too.
    clock.advance(std::time::Duration::from_secs(60));
    let third = client.workflows().rerun(stored).idempotent().await.unwrap();
    assert_ne!(third.name(), second.name());
    let by_package = client
        .workflows()
        .rerun(WorkflowPackage::Dbt)
        .await
        .unwrap();
    assert!(by_package.name().unwrap().starts_with("atlan-dbt-"));

    let missing = client.workflows().rerun("atlan-dbt-1").await.unwrap_err();
    assert!(missing.is_not_found(), "{missing}");

    let duplicate = client.workflows().run_json(body).await.unwrap_err();
    assert_eq!(
        duplicate.status().map(|s| s.as_u16()),
        Some(409),
        "{duplicate}"
    );
    let unnamed = client
        .workflows()
        .run(Workflow::default())
        .await
        .unwrap_err();
    assert!(matches!(unnamed, Error::InvalidInput { .. }), "{unnamed}");
    let not_a_workflow = client
        .workflows()
        .run_json(json!({"metadata": 3}))
        .await
        .unwrap_err();
    assert!(
        not_a_workflow.to_string().contains("metadata"),
        "{not_a_workflow}"
    );
}

#[tokio::test]
async fn change_owner_and_delete() {
    let (_clock, _sandbox, client) = start().await;
    let response = client
        .workflows()
        .update_owner(CRAWLER, "jane.doe")
        .await
        .unwrap();
    let labels = &response.metadata.as_ref().unwrap();
    assert_eq!(
        labels.label("workflows.argoproj.io/creator-preferred-username"),
        Some("jane.doe")
    );
    client.workflows().delete(MINER).await.unwrap();
    assert!(client.workflows().get_opt(MINER).await.unwrap().is_none());
    let again = client.workflows().delete(MINER).await.unwrap_err();
    assert!(again.is_not_found(), "{again}");
}

#[tokio::test]
async fn scheduled_queries() {
    let (_clock, _sandbox, client) = start().await;
    let found = client
        .workflows()
        .find_schedule_query("5f1c2a9e-7d34-4b21-9a6e-0c8b3d2f1e47")
        .max_results(5)
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    let name = found[0].name().to_owned();
    let run = client
        .workflows()
        .rerun_schedule_query(&name)
        .await
        .unwrap();
    assert!(run.name().unwrap().starts_with(&name));
    let start = "2020-01-01T00:00:00Z".parse().unwrap();
    let end = "2030-01-01T00:00:00Z".parse().unwrap();
    let runs = client
        .workflows()
        .schedule_query_runs(start, end)
        .await
        .unwrap();
    assert!(
        runs.iter()
            .any(|run| run.name().is_some_and(|n| n.starts_with("asq-")))
    );
    let missed = client
        .workflows()
        .schedule_query_runs(start, end)
        .missed()
        .await
        .unwrap();
    assert!(missed.len() < runs.len());
    assert!(missed.iter().all(|run| matches!(
        run.phase(),
        Some(WorkflowPhase::Failed | WorkflowPhase::Error)
    )));
    let backwards = client
        .workflows()
        .schedule_query_runs(end, start)
        .await
        .unwrap_err();
    assert!(matches!(backwards, Error::InvalidInput { .. }));
}

#[tokio::test]
async fn non_api_token_users_go_through_package_workflows_decided_once() {
    let clock = clock();
    let sandbox = sandbox_with(&clock, |builder| builder.api_token_user(false)).await;
    let recorder = Recorder::default();
    let client = builder(&sandbox)
        .with_layer(recorder.clone())
        .build()
        .unwrap();
    let found = client.workflows().get(CRAWLER).await.unwrap();
    client
        .workflows()
        .update(&found.to_workflow())
        .await
        .unwrap();
    client.clone().workflows().rerun(found).await.unwrap();
    client.workflows().delete(CRAWLER).await.unwrap();
    let seen = recorder.requests();
    assert_eq!(
        seen,
        [
            "POST /api/service/workflows/indexsearch",
            "GET /api/service/whoami",
            "POST /api/service/package-workflows/atlan-snowflake-1714638976",
            "POST /api/service/package-workflows/submit",
            "POST /api/service/package-workflows/atlan-snowflake-1714638976/archive",
        ]
    );

    let fixed = builder(&sandbox)
        .route(WorkflowRoute::Workflows)
        .with_layer(recorder.clone())
        .build()
        .unwrap();
    recorder.clear();
    fixed.workflows().delete(MINER).await.unwrap();
    assert_eq!(
        recorder.requests(),
        ["POST /api/service/workflows/atlan-snowflake-miner-1714638976/archive"],
        "an explicit route skips whoami"
    );
}

#[tokio::test]
async fn a_workflow_read_from_a_search_goes_back_unchanged() {
    let (_clock, _sandbox, client) = start().await;
    let found = client.workflows().get(CRAWLER).await.unwrap();
    let workflow = found.to_workflow();
    let round_trip: Workflow = decode_value(serde_json::to_value(&workflow).unwrap()).unwrap();
    assert_eq!(round_trip, workflow);
    assert_eq!(
        workflow.metadata.annotation(TIMEZONE_ANNOTATION),
        Some("America/New_York")
    );
    assert_eq!(
        workflow.schedule(),
        Some(WorkflowSchedule::new("37 15 * * *", "America/New_York").unwrap())
    );
}

#[tokio::test]
async fn many_workflows_are_read_a_search_per_64_ids() {
    let (_clock, sandbox, client) = start().await;
    let every: Vec<String> = client
        .workflows()
        .find_by_type(WorkflowPackage::Snowflake)
        .max_results(50)
        .await
        .unwrap()
        .iter()
        .map(|workflow| workflow.name().to_owned())
        .collect();
    // The tenant's ids, each twice, and 100 with no workflow: a search per 64 distinct ids.
    let mut ids: Vec<String> = every.iter().chain(every.iter()).cloned().collect();
    ids.extend((0..100).map(|n| format!("atlan-nothing-{n}")));
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let recorder = Recorder::default();
    let counted = builder(&sandbox)
        .with_layer(recorder.clone())
        .build()
        .unwrap();
    let found = counted.workflows().get_many(&ids).await.unwrap();
    let mut names: Vec<&str> = found.iter().map(|workflow| workflow.name()).collect();
    names.sort_unstable();
    let mut expected: Vec<&str> = every.iter().map(String::as_str).collect();
    expected.sort_unstable();
    assert_eq!(names, expected, "each once, none missing, none made up");
    let unique = {
        let mut unique = ids.clone();
        unique.sort_unstable();
        unique.dedup();
        unique.len()
    };
    assert!(unique > 64);
    assert_eq!(recorder.requests().len(), unique.div_ceil(64));
    let empty = client.workflows().get_many(&["x", " "]).await.unwrap_err();
    assert!(matches!(empty, Error::InvalidInput { .. }), "{empty}");
}
