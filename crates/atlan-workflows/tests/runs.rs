//! Run operations end to end against a started sandbox: get, list and search (pages and streams),
//! latest, current, stop, and monitor on the sandbox's manual clock.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use atlan_workflows::{Error, MonitorTarget, WorkflowPhase};
use common::{MINER, start};
use futures_util::TryStreamExt;

#[tokio::test]
async fn get_latest_and_current() {
    let (_clock, _sandbox, client) = start().await;
    let run = client.runs().get(&format!("{MINER}-mzdza")).await.unwrap();
    assert_eq!(run.phase(), Some(&WorkflowPhase::Succeeded));
    assert_eq!(run.workflow_template_name(), Some(MINER));
    assert!(
        client
            .runs()
            .get_opt("no-such-run")
            .await
            .unwrap()
            .is_none()
    );
    let missing = client.runs().get("no-such-run").await.unwrap_err();
    assert!(missing.is_not_found(), "{missing}");
    assert!(
        missing.to_string().contains("run `no-such-run` not found"),
        "{missing}"
    );

    let latest = client.runs().latest(MINER).await.unwrap();
    let all: Vec<_> = client
        .runs()
        .search()
        .phases([
            WorkflowPhase::Succeeded,
            WorkflowPhase::Failed,
            WorkflowPhase::Running,
            WorkflowPhase::Pending,
        ])
        .phase(WorkflowPhase::Error)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let newest_start = all
        .iter()
        .filter(|run| run.workflow_template_name() == Some(MINER))
        .filter_map(|run| run.source.status.as_ref()?.started_at.clone())
        .max()
        .unwrap();
    assert!(
        latest.source.status.as_ref().unwrap().started_at.is_none()
            || latest.source.status.as_ref().unwrap().started_at.as_deref()
                == Some(newest_start.as_str()),
        "latest is the newest by start time"
    );
    let current = client.runs().current(MINER).await.unwrap();
    assert!(current.phase().is_some_and(WorkflowPhase::is_active));
    assert_eq!(
        client
            .runs()
            .current_opt(MINER)
            .await
            .unwrap()
            .map(|run| run.name().to_owned()),
        Some(current.name().to_owned())
    );
    for error in [
        client
            .runs()
            .latest("atlan-none-1000000000")
            .await
            .unwrap_err(),
        client
            .runs()
            .current("atlan-none-1000000000")
            .await
            .unwrap_err(),
    ] {
        assert!(error.is_not_found(), "{error}");
    }
    assert!(
        client
            .runs()
            .latest_opt("atlan-none-1000000000")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        client
            .runs()
            .current_opt("atlan-none-1000000000")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_listing_without_a_phase_holds_every_phase() {
    let (_clock, _sandbox, client) = start().await;
    let every = client.runs().list(MINER).size(500).page().await.unwrap();
    let total = |page: &atlan_workflows::Page<_>| page.total.as_ref().map(|t| t.value);
    assert_eq!(total(&every), Some(every.items.len() as u64));
    let mut by_phase = 0;
    for phase in [
        WorkflowPhase::Pending,
        WorkflowPhase::Running,
        WorkflowPhase::Succeeded,
        WorkflowPhase::Failed,
        WorkflowPhase::Error,
    ] {
        let page = client
            .runs()
            .list(MINER)
            .phase(phase.clone())
            .size(500)
            .page()
            .await
            .unwrap();
        assert!(page.items.iter().all(|run| run.phase() == Some(&phase)));
        by_phase += page.items.len();
    }
    assert_eq!(every.items.len(), by_phase);
    assert!(
        every
            .items
            .iter()
            .all(|run| run.workflow_template_name() == Some(MINER))
    );
    assert!(
        by_phase > 3,
        "the seed has runs of the miner in several phases"
    );
}

#[tokio::test]
async fn lists_and_searches_page_and_stream_the_same_runs() {
    let (_clock, _sandbox, client) = start().await;
    let page = client
        .runs()
        .list(MINER)
        .phase(WorkflowPhase::Succeeded)
        .size(100)
        .page()
        .await
        .unwrap();
    assert!(
        page.items.len() >= 3,
        "the seed has several succeeded miner runs"
    );
    assert!(page.is_last());
    assert_eq!(
        page.total.as_ref().map(|t| t.value),
        Some(page.items.len() as u64)
    );
    let streamed: Vec<String> = client
        .runs()
        .list(MINER)
        .phase(WorkflowPhase::Succeeded)
        .size(2)
        .stream()
        .map_ok(|run| run.name().to_owned())
        .try_collect()
        .await
        .unwrap();
    let paged: Vec<String> = page.items.iter().map(|run| run.name().to_owned()).collect();
    assert_eq!(
        streamed, paged,
        "pages of 2 give the same runs in the same order"
    );

    let phases = [WorkflowPhase::Succeeded, WorkflowPhase::Failed];
    let search = || {
        client
            .runs()
            .search()
            .phases(phases.clone())
            .started_since("now-30d")
    };
    let one_page = search().size(1000).page().await.unwrap();
    let walked: Vec<String> = search()
        .size(7)
        .stream()
        .map_ok(|run| run.name().to_owned())
        .try_collect()
        .await
        .unwrap();
    assert!(walked.len() > 20);
    assert_eq!(
        walked,
        one_page
            .items
            .iter()
            .map(|run| run.name().to_owned())
            .collect::<Vec<_>>()
    );
    assert_eq!(
        walked.iter().collect::<HashSet<_>>().len(),
        walked.len(),
        "no run twice"
    );
    assert!(one_page.items.iter().all(|run| matches!(
        run.phase(),
        Some(WorkflowPhase::Succeeded | WorkflowPhase::Failed)
    )));

    let second = search().from(7).size(7).page().await.unwrap();
    assert_eq!(second.from, 7);
    assert_eq!(
        second
            .items
            .iter()
            .map(|run| run.name())
            .collect::<Vec<_>>(),
        walked[7..14].iter().map(String::as_str).collect::<Vec<_>>()
    );
    let from_seven: Vec<String> = search()
        .from(7)
        .size(5)
        .stream()
        .map_ok(|run| run.name().to_owned())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(from_seven, walked[7..]);

    let bad = client.runs().search().page().await.unwrap_err();
    assert!(matches!(bad, Error::InvalidInput { .. }), "{bad}");
    let bad_date = search()
        .finished_before("yesterday")
        .finished_since("now-1h")
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(matches!(bad_date, Error::InvalidInput { .. }), "{bad_date}");
    assert!(
        bad_date.to_string().contains("`yesterday`"),
        "the error names the text: {bad_date}"
    );
}

#[tokio::test]
async fn stop_a_running_run_then_again() {
    let (clock, _sandbox, client) = start().await;
    let id = common::running_miner_run(&client).await;
    // As on a tenant: the stop answers the run still Running; Argo fails it a moment later.
    let stopped = client.runs().stop(&id).await.unwrap();
    assert_eq!(stopped.phase(), Some(&WorkflowPhase::Running));
    clock.advance(atlan_sandbox::DEFAULT_STOP_DELAY);
    let stopped = client.runs().get(&id).await.unwrap();
    assert_eq!(stopped.phase(), Some(&WorkflowPhase::Failed));
    assert_eq!(
        stopped.source.status.as_ref().unwrap().message.as_deref(),
        Some("Stopped with strategy 'Stop'")
    );
    let again = client.runs().stop(&id).await.unwrap_err();
    match again {
        Error::Api {
            status,
            body,
            request_id,
            ..
        } => {
            assert!(status.is_client_error(), "{status}");
            assert!(body.code().is_some());
            assert_eq!(
                request_id.map(|id| id.len()),
                Some(36),
                "the call's id is reported"
            );
        }
        other => panic!("expected an API error, got {other}"),
    }
    let missing = client.runs().stop("no-such-run").await.unwrap_err();
    assert!(missing.is_not_found(), "{missing}");
}

#[tokio::test]
async fn monitor_returns_the_finished_run_or_times_out() {
    let (clock, _sandbox, client) = start().await;
    let run = client.workflows().rerun(MINER).await.unwrap();
    let id = run.name().unwrap().to_owned();

    // Not finished and no time to wait: a timeout naming the phase last seen.
    let quick = |target| {
        client
            .runs()
            .monitor(target)
            .interval(Duration::from_millis(100))
            .timeout(Duration::ZERO)
    };
    let timeout = quick(MonitorTarget::Run(id.clone())).await.unwrap_err();
    match &timeout {
        Error::Timeout { last_status, .. } => assert_eq!(
            last_status,
            &Some(atlan_workflows::ApiStatus::Phase(WorkflowPhase::Pending))
        ),
        other => panic!("expected a timeout, got {other}"),
    }

    // The sandbox's clock moves past the run's end: the first poll sees it finished.
    clock.advance(Duration::from_secs(60));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    let finished = quick(MonitorTarget::Run(id.clone()))
        .on_progress(move |run| record.lock().unwrap().push(run.phase().cloned()))
        .await
        .unwrap();
    assert_eq!(finished.name(), id);
    assert_eq!(finished.phase(), Some(&WorkflowPhase::Succeeded));
    assert_eq!(*seen.lock().unwrap(), [Some(WorkflowPhase::Succeeded)]);
    let latest = quick(MonitorTarget::Workflow(MINER.into())).await.unwrap();
    assert!(latest.phase().is_some_and(WorkflowPhase::is_terminal));

    let never = quick(MonitorTarget::Run("no-such-run".into()))
        .await
        .unwrap_err();
    assert!(never.is_not_found(), "{never}");
}
