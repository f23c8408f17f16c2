//! `client.apps()` against a sandbox over real HTTP: every operation, and what the official client
//! gets wrong: ids encoded as one segment, a lost submit never re-sent, the active run's id in the
//! already-running error, `Error` ending a monitor, create never running by accident.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::time::Duration;

use atlan_sandbox::{Clock, FaultRule};
use atlan_workflows::model::{AppInputs, AppRunStatus};
use atlan_workflows::{DryRun, Error};
use common::{builder, start};
use futures_util::StreamExt;
use serde_json::json;

fn inputs() -> AppInputs {
    common::app_inputs()
}

/// A bigquery run of the default tenant that ended in `Error`.
const ERROR_RUN: &str = "0199a3c2-7e41-7cc0-9d6a-000000000004";

#[tokio::test]
async fn the_whole_lifecycle() {
    let (clock, _sandbox, client) = start().await;
    let apps = client.apps();
    let info = apps.describe("snowflake-crawler").await.unwrap();
    assert_eq!(info.entrypoints.unwrap()[0].name, "crawler");
    let contract = apps
        .input_contract("snowflake-crawler")
        .entrypoint("crawler")
        .await
        .unwrap();
    assert!(contract.field_names().any(|name| name == "enable_lineage"));

    let created = apps
        .workflows()
        .create("snowflake-crawler", "lifecycle", inputs())
        .entrypoint("crawler")
        .schedule("0 2 * * *", "Europe/Paris")
        .await
        .unwrap();
    assert!(
        !created.reused && created.response.run_id.is_none(),
        "{created:?}"
    );
    assert!(created.response.schedule_trigger_id.is_some());
    let slug = created.response.slug;

    // A name conflict is typed; reuse is a choice that says it reused.
    let error = apps
        .workflows()
        .create("snowflake-crawler", "lifecycle", inputs())
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::AppExists { slugs, .. } if slugs == std::slice::from_ref(&slug)),
        "{error}"
    );
    let reused = apps
        .workflows()
        .create("snowflake-crawler", "lifecycle", inputs())
        .or_reuse()
        .await
        .unwrap();
    assert!(reused.reused && reused.response.slug == slug);

    // Read-modify-write of one input; an unknown one is refused, listing the known ones.
    let changed = apps
        .workflows()
        .change(&slug)
        .set("enable_lineage", true)
        .await
        .unwrap();
    assert!(changed.version.unwrap() >= 1);
    let stored = apps
        .workflows()
        .get(&slug)
        .await
        .unwrap()
        .stored_inputs()
        .unwrap();
    assert_eq!(stored.get("enable_lineage"), Some(&json!(true)));
    assert!(
        !stored
            .get("credential_guid")
            .unwrap()
            .as_str()
            .unwrap()
            .is_empty()
    );
    let error = apps
        .workflows()
        .change(&slug)
        .set("enable_lineages", true)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("enable_lineage"), "{error}");

    // Submit, the typed already-running error with the run's id, monitor, cancel.
    let run = apps.workflows().run(&slug).await.unwrap();
    let run_id = run.run_id.unwrap();
    let error = apps.workflows().run(&slug).idempotent().await.unwrap_err();
    assert!(
        matches!(&error, Error::AlreadyRunning { run_id: Some(active), .. } if *active == run_id),
        "{error}"
    );
    let cancelled = apps.runs().stop(&run_id).await.unwrap();
    assert_eq!(cancelled.status, Some(AppRunStatus::Stopped));
    // A second later, so that "newest first" has one answer (runs that start at one instant are
    // ordered by their random GUIDs).
    clock.advance(Duration::from_secs(1));
    let second = apps.workflows().run(&slug).idempotent().await.unwrap();
    clock.advance(Duration::from_secs(40));
    let done = apps
        .runs()
        .monitor(second.run_id.unwrap())
        .interval(Duration::from_millis(100))
        .await
        .unwrap();
    assert_eq!(done.status, Some(AppRunStatus::Succeeded));

    // Runs through the asset search, a page and a stream.
    let page = apps.runs().search().slug(&slug).page().await.unwrap();
    assert_eq!(page.total.map(|total| total.value), Some(2));
    assert_eq!(
        page.items[0].status,
        Some(AppRunStatus::Succeeded),
        "newest first"
    );
    let failed: Vec<_> = apps
        .runs()
        .search()
        .statuses([AppRunStatus::Error, AppRunStatus::Failed])
        .size(1)
        .stream()
        .collect()
        .await;
    assert_eq!(
        failed.len(),
        2,
        "the default tenant's Error and Failed runs, a page of one at a time"
    );

    // Schedules: checked before sending, UTC by default.
    assert!(matches!(
        apps.schedules()
            .add(&slug, "0 9 * * *")
            .timezone("Mars/Olympus")
            .await,
        Err(Error::InvalidInput { .. })
    ));
    let added = apps.schedules().add(&slug, "0 9 * * *").await.unwrap();
    assert_eq!(added.timezone.as_deref(), Some("UTC"));
    let removed = apps
        .schedules()
        .remove(&slug, &added.trigger_id.unwrap())
        .await
        .unwrap();
    assert_eq!(removed.deleted, Some(true));

    // The list, as a stream over cursors.
    let names: Vec<String> = apps
        .workflows()
        .list()
        .limit(1)
        .stream()
        .map(|summary| summary.unwrap().name.unwrap())
        .collect()
        .await;
    assert_eq!(names.len(), 4, "{names:?}");

    let deleted = apps.workflows().delete(&slug).await.unwrap();
    assert_eq!(deleted.archived, Some(true));
    assert!(apps.workflows().get_opt(&slug).await.unwrap().is_none());
}

#[tokio::test]
async fn a_submit_whose_answer_is_lost_is_not_sent_again() {
    let (_clock, sandbox, client) = start().await;
    let apps = client.apps();
    let slug = apps
        .workflows()
        .create("snowflake-crawler", "lost-answer", inputs())
        .await
        .unwrap()
        .response
        .slug;
    sandbox
        .faults()
        .add(FaultRule::drop_after("POST /api/service/v1/app/*/submit").times(1))
        .unwrap();
    let error = apps.workflows().run(&slug).await.unwrap_err();
    assert!(
        matches!(&error, Error::Transport { source, .. } if !source.is_unsent()),
        "{error}"
    );
    let runs = apps.runs().search().slug(&slug).page().await.unwrap();
    assert_eq!(
        runs.total.map(|total| total.value),
        Some(1),
        "exactly one run: the submit was not re-sent"
    );
}

#[tokio::test(start_paused = true)]
async fn a_monitor_ends_on_error_and_times_out_on_a_run_that_never_ends() {
    let (_clock, _sandbox, client) = start().await;
    let apps = client.apps();
    let ended = apps.runs().monitor(ERROR_RUN).await.unwrap();
    assert_eq!(ended.status, Some(AppRunStatus::Error));
    // The default tenant's Paused run never ends.
    let paused = "0199a3c2-7e41-7cc0-9d6a-000000000007";
    let error = apps
        .runs()
        .monitor(paused)
        .interval(Duration::from_millis(100))
        .timeout(Duration::from_millis(300))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error}");
    assert!(error.to_string().contains("Paused"), "{error}");
}

#[tokio::test]
async fn odd_ids_are_one_segment_or_refused_and_secrets_never_show() {
    let (_clock, sandbox, client) = start().await;
    let apps = client.apps();
    for odd in ["a/b", "a?b=1", "a#b", "a%2Fb", "../x"] {
        assert!(
            apps.workflows().get(odd).await.unwrap_err().is_not_found(),
            "{odd}"
        );
    }
    for refused in ["", " ", ".", ".."] {
        assert!(
            matches!(
                apps.workflows().get(refused).await,
                Err(Error::InvalidInput { .. })
            ),
            "{refused:?}"
        );
        assert!(matches!(
            apps.workflows().run(refused).await,
            Err(Error::InvalidInput { .. })
        ));
    }
    let dry = builder(&sandbox).dry_run(DryRun::All).build().unwrap();
    let error = dry
        .apps()
        .workflows()
        .create("snowflake-crawler", "dry", inputs())
        .await
        .unwrap_err();
    let request = error.dry_run_request().unwrap();
    assert_eq!(request.path(), "/api/service/v1/app");
    let shown = format!("{} {request:?} {error}", request.to_json());
    assert!(!shown.contains("sentinel-app-secret"), "{shown}");
    assert_eq!(
        request.to_json()["body"]["run"],
        false,
        "creating never runs by accident"
    );
    let error = dry.apps().workflows().get("a/b").await.unwrap_err();
    assert_eq!(
        error.dry_run_request().unwrap().path(),
        "/api/service/v1/app/a%2Fb"
    );
}

#[tokio::test]
async fn validate_names_every_failing_field_and_sends_nothing() {
    let (_clock, _sandbox, client) = start().await;
    let apps = client.apps();
    let mut bad = inputs();
    bad.set("enable_lineage", json!("sentinel-not-a-boolean"));
    bad.set("extract_strategy", json!("guess"));
    bad.remove("credential_guid");
    let error = apps
        .workflows()
        .create("snowflake-crawler", "validated", bad)
        .entrypoint("crawler")
        .validate()
        .await
        .unwrap_err();
    let shown = error.to_string();
    assert!(matches!(error, Error::InvalidInput { .. }), "{shown}");
    for says in [
        "inputs.enable_lineage breaks `type`",
        "inputs.extract_strategy breaks `enum`",
        "inputs.credential_guid is required",
    ] {
        assert!(shown.contains(says), "{says}: {shown}");
    }
    assert!(!shown.contains("sentinel"), "{shown}");
    assert!(
        apps.workflows()
            .list()
            .name("validated")
            .page()
            .await
            .unwrap()
            .items
            .is_empty()
    );
    apps.workflows()
        .create("snowflake-crawler", "validated", inputs())
        .validate()
        .await
        .unwrap();
}

/// A value nesting `levels` deep.
fn deep(levels: usize) -> serde_json::Value {
    (0..levels).fold(json!("bottom"), |value, level| {
        if level % 2 == 0 {
            json!([value])
        } else {
            json!({ "d": value })
        }
    })
}

/// Inputs nested 122 deep made `apps get` and `apps list` fail for every user of the
/// tenant ("invalid JSON at workflows[2].dag…"). The deepest body the sandbox accepts (64 levels)
/// reads back through every read of the facade.
#[tokio::test]
async fn the_deepest_accepted_inputs_read_back_through_every_read() {
    let (_clock, _sandbox, client) = start().await;
    let apps = client.apps();
    let mut deepest = inputs();
    // The create body is {"inputs": {"deep": …}}: 2 levels above the value.
    deepest.set("deep", deep(62));
    let created = apps
        .workflows()
        .create("snowflake-crawler", "deepest", deepest.clone())
        .await
        .unwrap();
    let slug = created.response.slug;
    let got = apps.workflows().get(&slug).await.unwrap();
    assert_eq!(got.stored_inputs().unwrap().get("deep"), Some(&deep(62)));
    let listed: Vec<_> = apps
        .workflows()
        .list()
        .limit(500)
        .stream()
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(
        listed
            .iter()
            .any(|workflow| workflow.slug.as_deref() == Some(slug.as_str()))
    );
    apps.workflows()
        .update(slug.clone(), deepest)
        .await
        .unwrap();
    assert!(apps.workflows().get_opt(&slug).await.unwrap().is_some());
    // One level deeper is refused before anything is stored.
    let mut deeper = inputs();
    deeper.set("deep", deep(63));
    let error = apps
        .workflows()
        .create("snowflake-crawler", "deeper", deeper)
        .await
        .unwrap_err();
    assert_eq!(
        error.status().map(|status| status.as_u16()),
        Some(400),
        "{error}"
    );
    assert!(error.to_string().contains("at most 64"), "{error}");
}

#[tokio::test]
async fn workflow_times_say_when_each_app_workflow_was_made_and_last_changed() {
    let (clock, _sandbox, client) = start().await;
    let apps = client.apps();
    let made = clock.now();
    let created = apps
        .workflows()
        .create("snowflake-crawler", "timed", inputs())
        .await
        .unwrap();
    let slug = created.response.slug;
    clock.advance(Duration::from_secs(3_600));
    apps.schedules()
        .add(slug.clone(), "0 2 * * *")
        .timezone("UTC")
        .await
        .unwrap();
    let times = apps.workflows().times().await.unwrap();
    let mine = times.iter().find(|times| times.slug == slug).unwrap();
    assert_eq!(
        mine.created.map(|at| at.as_second()),
        Some(made.as_second())
    );
    assert_eq!(
        mine.updated.map(|at| at.as_second()),
        Some(clock.now().as_second()),
        "adding a trigger changes the workflow"
    );
    assert!(
        times
            .iter()
            .any(|times| times.slug == "prod-snowflake-0c4f9a1e" && times.created < mine.created),
        "the default tenant's workflows are there too: {times:?}"
    );
}
