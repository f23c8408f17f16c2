//! Each check over a hand-built tenant.

use super::*;
use crate::stats::Stats;
use crate::view::{RunView, Status};

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn now() -> Timestamp {
    at("2026-12-01T12:00:00Z")
}

fn tenant() -> Tenant {
    Tenant::new(now(), Window::between(at("2026-11-24T12:00:00Z"), None))
}

fn run(workflow: &str, status: Status, start: &str, seconds: i64) -> RunView {
    let started = at(start);
    RunView {
        api: Api::Legacy,
        run: format!("{workflow}-x"),
        workflow: workflow.into(),
        package: Some("atlan-snowflake".into()),
        status,
        started: Some(started),
        finished: status
            .is_ended()
            .then(|| started + SignedDuration::from_secs(seconds)),
        message: None,
        started_by: None,
        stopped_by: None,
        steps: Vec::new(),
    }
}

fn stats(runs: &[RunView]) -> Vec<WorkflowStats> {
    let mut stats = Stats::new(tenant().window);
    runs.iter().for_each(|run| stats.add(run));
    stats.finish()
}

fn scheduled(workflow: &str, package: &str, cron: &str) -> WorkflowFacts {
    let mut facts = WorkflowFacts::new(Api::Legacy, workflow);
    facts.package = Some(package.into());
    facts.schedules = vec![ScheduleFacts::new(cron, "UTC")];
    facts
}

fn checks(findings: &[Finding]) -> Vec<(&'static str, Option<&str>)> {
    findings
        .iter()
        .filter(|f| f.check != "owner_disabled" || f.severity != Severity::Info)
        .map(|f| (f.check, f.workflow.as_deref()))
        .collect()
}

#[test]
fn a_failure_streak_is_an_error() {
    let mut tenant = tenant();
    tenant.stats = stats(&[
        run("w", Status::Succeeded, "2026-11-30T00:00:00Z", 60),
        run("w", Status::Failed, "2026-12-01T00:00:00Z", 60),
    ]);
    tenant.disabled_users = Some(BTreeSet::new());
    let findings = check(&tenant);
    assert_eq!(checks(&findings), [("failing", Some("w"))]);
    assert_eq!(findings[0].severity, Severity::Error);
}

#[test]
fn a_scheduled_workflow_without_success_is_stale_and_its_missed_due_times_are_counted() {
    let mut tenant = tenant();
    tenant.disabled_users = Some(BTreeSet::new());
    let mut nightly = scheduled("nightly", "atlan-snowflake", "0 2 * * *");
    // Due at 02:00 on each of the 7 days from the 25th to the 1st; runs came on all but two.
    for day in ["25", "26", "27", "29", "30"] {
        nightly
            .run_starts
            .push(at(&format!("2026-11-{day}T02:00:05Z")));
    }
    tenant.workflows = vec![nightly];
    let findings = check(&tenant);
    assert_eq!(
        checks(&findings),
        [
            ("missed_schedule", Some("nightly")),
            ("stale", Some("nightly"))
        ]
    );
    let missed = &findings[0];
    assert!(
        missed.detail.starts_with("2 scheduled run(s)"),
        "{}",
        missed.detail
    );
    assert!(
        missed.detail.contains("2026-12-01T02:00:00Z"),
        "{}",
        missed.detail
    );
}

#[test]
fn a_suspended_schedule_is_neither_stale_nor_missed() {
    let mut tenant = tenant();
    tenant.disabled_users = Some(BTreeSet::new());
    let mut paused = scheduled("paused", "atlan-snowflake", "0 2 * * *");
    paused.schedules[0].suspended = true;
    tenant.workflows = vec![paused];
    assert!(checks(&check(&tenant)).is_empty());
}

#[test]
fn failing_credentials_missing_ones_and_disabled_owners_are_errors() {
    let mut tenant = tenant();
    let mut a = WorkflowFacts::new(Api::Legacy, "a");
    a.credential = Some("c-1".into());
    a.owner = Some("john.roe".into());
    let mut b = WorkflowFacts::new(Api::Apps, "b");
    b.credential = Some("c-2".into());
    b.owner = Some("jane.doe".into());
    let mut c = WorkflowFacts::new(Api::Apps, "c");
    c.credential = Some("c-3".into());
    tenant.workflows = vec![a, b, c];
    tenant.credentials = BTreeMap::from([
        (
            "c-1".into(),
            CredentialCheck::Failed("authentication failed".into()),
        ),
        ("c-2".into(), CredentialCheck::Missing),
        ("c-3".into(), CredentialCheck::Passed),
    ]);
    tenant.disabled_users = Some(BTreeSet::from(["john.roe".to_owned()]));
    let findings = check(&tenant);
    assert_eq!(
        checks(&findings),
        [
            ("credential", Some("a")),
            ("credential", Some("b")),
            ("owner_disabled", Some("a"))
        ]
    );
    assert!(findings.iter().all(|f| f.severity == Severity::Error));
    assert!(findings[0].detail.contains("authentication failed"));
}

#[test]
fn owners_unknown_when_the_users_cannot_be_read() {
    let findings = check(&tenant());
    assert_eq!(findings.len(), 1);
    assert_eq!(
        (findings[0].check, findings[0].severity),
        ("owner_disabled", Severity::Info)
    );
}

#[test]
fn a_miner_due_before_its_crawler_is_out_of_order_and_a_bi_tool_overlaps_a_long_crawl() {
    let mut tenant = tenant();
    tenant.disabled_users = Some(BTreeSet::new());
    tenant.stats = stats(&[
        run(
            "crawler",
            Status::Succeeded,
            "2026-11-30T03:00:00Z",
            3 * 3600,
        ),
        run("miner", Status::Succeeded, "2026-11-30T01:00:00Z", 600),
        run("bi", Status::Succeeded, "2026-11-30T04:00:00Z", 600),
    ]);
    let mut crawler = scheduled("crawler", "atlan-snowflake", "0 3 * * *");
    let mut miner = scheduled("miner", "atlan-snowflake-miner", "0 1 * * *");
    let mut bi = scheduled("bi", "atlan-tableau", "0 4 * * *");
    let mut other = scheduled("other-miner", "atlan-bigquery-miner", "0 1 * * *");
    for (facts, start) in [
        (&mut crawler, "2026-11-30T03:00:00Z"),
        (&mut miner, "2026-11-30T01:00:00Z"),
        (&mut bi, "2026-11-30T04:00:00Z"),
        (&mut other, "2026-11-30T01:00:00Z"),
    ] {
        facts.run_starts.push(at(start));
        // The window is a week, but only one run each: mark the schedules as made yesterday.
        facts.schedules[0].since = Some(at("2026-11-29T12:00:00Z"));
    }
    tenant.workflows = vec![crawler, miner, bi, other];
    let found: Vec<(String, Option<String>)> = check(&tenant)
        .into_iter()
        .filter(|f| f.check.starts_with("schedule_"))
        .map(|f| (f.check.to_owned(), f.workflow))
        .collect();
    assert!(
        found.contains(&("schedule_order".into(), Some("miner".into()))),
        "{found:?}"
    );
    assert!(
        found.contains(&("schedule_overlap".into(), Some("bi".into()))),
        "{found:?}"
    );
    assert!(
        !found
            .iter()
            .any(|(_, w)| w.as_deref() == Some("other-miner")),
        "a BigQuery miner does not read Snowflake: {found:?}"
    );
}

#[test]
fn runs_longer_than_their_interval_overlap_themselves() {
    let mut tenant = tenant();
    tenant.disabled_users = Some(BTreeSet::new());
    tenant.stats = stats(&[run(
        "hourly",
        Status::Succeeded,
        "2026-12-01T10:00:00Z",
        5400,
    )]);
    let mut hourly = scheduled("hourly", "atlan-snowflake", "0 * * * *");
    hourly.schedules[0].since = Some(at("2026-12-01T09:30:00Z"));
    hourly.run_starts = vec![at("2026-12-01T10:00:00Z"), at("2026-12-01T11:00:00Z")];
    tenant.workflows = vec![hourly];
    let findings = check(&tenant);
    assert!(
        findings
            .iter()
            .any(|f| f.check == "schedule_overlap" && f.detail.contains("5400 s")),
        "{findings:?}"
    );
}

#[test]
fn an_unreadable_schedule_is_reported_not_a_panic() {
    let mut tenant = tenant();
    tenant.disabled_users = Some(BTreeSet::new());
    tenant.workflows = vec![scheduled("odd", "atlan-snowflake", "not a cron")];
    let findings = check(&tenant);
    assert!(
        findings
            .iter()
            .any(|f| f.check == "missed_schedule" && f.detail.contains("cannot be read"))
    );
}
