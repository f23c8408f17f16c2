//! The demo tenant tells the truth: at any instant of the year (each hour of a winter and a summer
//! day, and the days clocks change), `doctor` over the default seed finds exactly the problems
//! planted in it, as the sandbox README's table of planted problems lists them, and each of them;
//! and every scheduled workflow's runs of the last days are its schedule's runs at its due times.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::BTreeSet;

use atlan_ops::{ApiChoice, Severity, Window};
use atlan_sandbox::ManualClock;
use atlan_testkit::{Recorder, sandbox_with};
use jiff::Timestamp;

mod common;

/// The planted problems of the sandbox README's table: (check, workflow), every check the row's
/// `doctor` column names for the workflows of its first column.
fn planted() -> BTreeSet<(String, String)> {
    let readme = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../atlan-sandbox/README.md"
    ))
    .unwrap();
    let table = readme
        .split("<!-- planted problems -->")
        .nth(1)
        .expect("the README marks its table of planted problems");
    let ticked = |cell: &str| -> Vec<String> {
        cell.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect()
    };
    let mut planted = BTreeSet::new();
    for row in table.lines().filter(|line| line.starts_with("| `")) {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let (workflows, checks) = (ticked(cells[1]), ticked(cells[4]));
        assert!(!checks.is_empty(), "a row without a check: {row}");
        for check in &checks {
            // A double schedule is reported once, on the first of its pair.
            let named = if check == "double_schedule" {
                &workflows[..1]
            } else {
                &workflows[..]
            };
            for workflow in named {
                planted.insert((check.clone(), workflow.clone()));
            }
        }
    }
    planted
}

/// `(check, workflow)` of every finding of `doctor` over the default seed loaded at `now`.
async fn found(now: Timestamp) -> BTreeSet<(String, String)> {
    let clock = ManualClock::new(now);
    let sandbox = sandbox_with(&clock, |builder| builder).await;
    let client = common::client(&sandbox, &Recorder::default());
    let window = Window::parse("now-7d", None, now).unwrap();
    let report = atlan_ops::doctor::run(&client, ApiChoice::All, &window, now, &Default::default())
        .await
        .unwrap();
    sandbox.shutdown().await;
    report
        .findings
        .iter()
        .filter(|finding| finding.severity != Severity::Info)
        .map(|finding| {
            (
                finding.check.to_owned(),
                finding.workflow.clone().unwrap_or_default(),
            )
        })
        .collect()
}

#[tokio::test]
async fn doctor_finds_exactly_the_planted_problems_at_any_time_of_day_and_year() {
    let planted = planted();
    assert!(planted.len() >= 8, "{planted:?}");
    let mut instants = Vec::new();
    for day in ["2026-12-07", "2026-06-15"] {
        for hour in (0..24).step_by(4) {
            instants.push(format!("{day}T{hour:02}:17:00Z"));
        }
    }
    // The days New York, Paris and back change their clocks, and the tests' own clock.
    for instant in [
        "2026-03-08T12:00:00Z",
        "2026-03-29T06:00:00Z",
        "2026-10-25T23:00:00Z",
        "2026-11-01T07:00:00Z",
        "2026-06-15T12:00:00Z",
    ] {
        instants.push(instant.to_owned());
    }
    for instant in instants {
        let found = found(instant.parse().unwrap()).await;
        let missing: Vec<_> = planted.difference(&found).collect();
        let extra: Vec<_> = found.difference(&planted).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "at {instant}: planted but not found {missing:?}; found but not planted {extra:?}"
        );
    }
}

#[tokio::test]
async fn a_scheduled_workflows_recent_runs_are_its_schedules_at_its_due_times() {
    use atlan_workflows::model::CronSchedule;
    let now: Timestamp = "2026-12-07T01:39:00Z".parse().unwrap();
    let clock = ManualClock::new(now);
    let sandbox = sandbox_with(&clock, |builder| builder).await;
    let client = common::client(&sandbox, &Recorder::default());
    // The BigQuery crawler is due at 22:31 UTC: the last seven due times each have their run.
    let workflow = "atlan-bigquery-1735837155";
    let runs = client.runs().list(workflow).size(500).page().await.unwrap();
    let cron = CronSchedule::parse("31 22 * * *", "UTC").unwrap();
    let week = now - jiff::SignedDuration::from_hours(7 * 24);
    for due in cron.due_between(week, now, 10) {
        let name = format!("{workflow}-cron-{}", due.as_second());
        let run = runs
            .items
            .iter()
            .find(|run| run.name() == name)
            .unwrap_or_else(|| panic!("no run {name} for the due time {due}"));
        let metadata = &run.source.metadata;
        assert_eq!(
            metadata.label("workflows.argoproj.io/cron-workflow"),
            Some(format!("{workflow}-cron").as_str())
        );
        assert_eq!(metadata.label("workflows.argoproj.io/creator"), None);
        assert_eq!(
            metadata.creation_timestamp.as_deref(),
            Some(due.to_string().as_str())
        );
    }
    // Runs without a creator in the window are the schedule's, and no other.
    let scheduled = runs
        .items
        .iter()
        .filter(|run| {
            run.source
                .metadata
                .label("workflows.argoproj.io/creator")
                .is_none()
        })
        .filter(|run| {
            run.source
                .metadata
                .creation_timestamp
                .as_deref()
                .and_then(|at| at.parse::<Timestamp>().ok())
                .is_some_and(|at| at >= week)
        })
        .count();
    assert_eq!(scheduled, 7);
    sandbox.shutdown().await;
}
