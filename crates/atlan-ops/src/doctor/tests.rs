//! Each check over a hand-built tenant.

use std::collections::{BTreeMap, BTreeSet};

use super::*;
use crate::stats::Stats;
use crate::view::{RunState, RunView};
use crate::workflow_facts::{RunSpan, ScheduleFacts};

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn now() -> Timestamp {
    at("2026-12-01T12:00:00Z")
}

fn tenant() -> Tenant {
    Tenant::new(now(), Window::between(at("2026-11-24T12:00:00Z"), None))
}

/// A tenant whose users could be read (none disabled).
fn known_users() -> Tenant {
    let mut tenant = tenant();
    tenant.disabled_users = Some(BTreeSet::new());
    tenant
}

fn run(workflow: &str, status: RunState, start: &str, seconds: i64) -> RunView {
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

fn span(run: &str, started: Timestamp, seconds: i64, status: RunState) -> RunSpan {
    let finished = status
        .is_ended()
        .then(|| started + SignedDuration::from_secs(seconds));
    RunSpan::new(run, started, finished, status)
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
        run("w", RunState::Succeeded, "2026-11-30T00:00:00Z", 60),
        run("w", RunState::Failed, "2026-12-01T00:00:00Z", 60),
    ]);
    tenant.disabled_users = Some(BTreeSet::new());
    let findings = check(&tenant);
    assert_eq!(checks(&findings), [("failing", Some("w"))]);
    assert_eq!(findings[0].severity, Severity::Error);
}

#[test]
fn a_scheduled_workflow_without_success_is_stale_and_its_missed_due_times_are_counted() {
    let mut tenant = known_users();
    let mut nightly = scheduled("nightly", "atlan-snowflake", "0 2 * * *");
    // Due at 02:00 on each of the 7 days from the 25th to the 1st; runs came on all but two.
    for day in ["25", "26", "27", "29", "30"] {
        let started = at(&format!("2026-11-{day}T02:00:05Z"));
        nightly.saw(span(&format!("n-{day}"), started, 600, RunState::Failed));
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
    let mut tenant = known_users();
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
    let mut tenant = known_users();
    tenant.stats = stats(&[
        run(
            "crawler",
            RunState::Succeeded,
            "2026-11-30T03:00:00Z",
            3 * 3600,
        ),
        run("miner", RunState::Succeeded, "2026-11-30T01:00:00Z", 600),
        run("bi", RunState::Succeeded, "2026-11-30T04:00:00Z", 600),
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
        facts.saw(span(
            &format!("{}-x", facts.workflow),
            at(start),
            600,
            RunState::Succeeded,
        ));
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
    let mut tenant = known_users();
    tenant.stats = stats(&[run(
        "hourly",
        RunState::Succeeded,
        "2026-12-01T10:00:00Z",
        5400,
    )]);
    let mut hourly = scheduled("hourly", "atlan-snowflake", "0 * * * *");
    hourly.schedules[0].since = Some(at("2026-12-01T09:30:00Z"));
    for start in ["2026-12-01T10:00:00Z", "2026-12-01T11:00:00Z"] {
        hourly.saw(span(start, at(start), 5400, RunState::Succeeded));
    }
    tenant.workflows = vec![hourly];
    let findings = check(&tenant);
    assert!(
        findings
            .iter()
            .any(|f| f.check == "schedule_overlap" && f.detail.contains("take up to 1h 30m")),
        "{findings:?}"
    );
}

#[test]
fn an_unreadable_schedule_is_reported_not_a_panic() {
    let mut tenant = known_users();
    tenant.workflows = vec![scheduled("odd", "atlan-snowflake", "not a cron")];
    let findings = check(&tenant);
    assert!(
        findings
            .iter()
            .any(|f| f.check == "missed_schedule" && f.detail.contains("cannot be read"))
    );
}

#[test]
fn a_failing_finding_names_its_latest_failed_run_and_the_command_to_explain_it() {
    let mut tenant = known_users();
    let runs = [
        run("w", RunState::Succeeded, "2026-11-30T00:00:00Z", 60),
        run("w", RunState::Failed, "2026-12-01T00:00:00Z", 60),
    ];
    tenant.stats = stats(&runs);
    let mut facts = WorkflowFacts::new(Api::Legacy, "w");
    for (index, view) in runs.iter().enumerate() {
        let started = view.started.unwrap();
        facts.saw(RunSpan::new(
            format!("w-{index}"),
            started,
            view.finished,
            view.status,
        ));
    }
    tenant.workflows = vec![facts];
    let findings = check(&tenant);
    let failing = &findings[0];
    assert_eq!(failing.check, "failing");
    assert_eq!(failing.run.as_deref(), Some("w-1"));
    assert!(failing.detail.contains("w-1"), "{}", failing.detail);
    assert_eq!(failing.next.as_deref(), Some("atlanctl runs explain w-1"));
}

#[test]
fn due_times_before_the_schedule_or_the_workflow_existed_are_not_missed() {
    let mut tenant = known_users();
    // Made two days ago, scheduled nightly since; its two nightly runs came.
    let mut new = scheduled("new", "atlan-snowflake", "0 2 * * *");
    new.created = Some(at("2026-11-29T09:00:00Z"));
    for day in ["30", "01"] {
        let month = if day == "01" { "12" } else { "11" };
        let started = at(&format!("2026-{month}-{day}T02:00:03Z"));
        new.saw(span(day, started, 600, RunState::Succeeded));
    }
    // Its schedule was added an hour ago: nothing is due yet, and nothing has ended.
    let mut rescheduled = scheduled("rescheduled", "atlan-postgres", "0 2 * * *");
    rescheduled.created = Some(at("2026-10-01T00:00:00Z"));
    rescheduled.schedules[0].since = Some(at("2026-12-01T11:00:00Z"));
    tenant.stats = stats(&[
        run("new", RunState::Succeeded, "2026-11-30T02:00:03Z", 600),
        run("new", RunState::Succeeded, "2026-12-01T02:00:03Z", 600),
    ]);
    tenant.workflows = vec![new, rescheduled];
    assert_eq!(checks(&check(&tenant)), [], "neither missed nor stale");
}

#[test]
fn a_workflow_made_in_the_window_is_stale_only_once_a_run_ended_without_success() {
    let mut tenant = known_users();
    let mut migrated = scheduled("migrated", "snowflake-crawler", "0 2 * * *");
    migrated.api = Api::Apps;
    migrated.created = Some(at("2026-12-01T10:00:00Z"));
    migrated.schedules[0].since = Some(at("2026-12-01T10:00:00Z"));
    tenant.workflows = vec![migrated.clone()];
    assert_eq!(
        checks(&check(&tenant)),
        [],
        "made two hours ago, due tomorrow"
    );

    migrated.saw(span(
        "r-1",
        at("2026-12-01T10:05:00Z"),
        60,
        RunState::Failed,
    ));
    tenant.workflows = vec![migrated];
    let findings = check(&tenant);
    let stale = findings.iter().find(|f| f.check == "stale").unwrap();
    assert!(
        stale.detail.contains("since 2026-12-01T10:00:00Z") && stale.detail.contains("r-1"),
        "{}",
        stale.detail
    );
    assert_eq!(stale.run.as_deref(), Some("r-1"));
}

#[test]
fn a_due_time_a_long_run_held_names_that_run() {
    let mut tenant = known_users();
    let mut nightly = scheduled("nightly", "atlan-tableau", "15 0 * * *");
    nightly.created = Some(at("2026-11-20T00:00:00Z"));
    for day in 25..=30 {
        let started = at(&format!("2026-11-{day}T00:15:02Z"));
        if day == 28 {
            // A run started by hand at 23:40 the day before was still going at 00:15.
            let manual = at("2026-11-27T23:40:00Z");
            nightly.saw(span("nightly-manual", manual, 7200, RunState::Succeeded));
            continue;
        }
        nightly.saw(span(&format!("n-{day}"), started, 900, RunState::Succeeded));
    }
    nightly.saw(span(
        "n-01",
        at("2026-12-01T00:15:02Z"),
        900,
        RunState::Succeeded,
    ));
    tenant.stats = stats(&[run(
        "nightly",
        RunState::Succeeded,
        "2026-12-01T00:15:02Z",
        900,
    )]);
    tenant.workflows = vec![nightly];
    let findings = check(&tenant);
    assert_eq!(checks(&findings), [("missed_schedule", Some("nightly"))]);
    let missed = &findings[0];
    assert!(
        missed.detail.starts_with("1 scheduled run(s)"),
        "{}",
        missed.detail
    );
    assert_eq!(missed.run.as_deref(), Some("nightly-manual"));
    assert_eq!(
        missed.next.as_deref(),
        Some("atlanctl runs explain nightly-manual")
    );
}

#[test]
fn lineage_order_does_not_depend_on_the_time_of_day() {
    // The BI tool is due at 21:26, an hour before the warehouse it reads (22:31): out of order at
    // whatever hour the check runs; the miner at 23:00 is after its crawler (20:00): in order.
    let workflows = vec![
        scheduled("warehouse", "atlan-bigquery", "31 22 * * *"),
        scheduled("bi", "atlan-powerbi", "26 21 * * *"),
        scheduled("crawler", "atlan-snowflake", "0 20 * * *"),
        scheduled("miner", "atlan-snowflake-miner", "0 23 * * *"),
        scheduled("late-bi", "atlan-sigma", "10 4 * * *"),
    ];
    for hour in 0..24 {
        for minute in [0, 30] {
            let now = at(&format!("2026-12-01T{hour:02}:{minute:02}:00Z"));
            let mut tenant = Tenant::new(now, Window::between(at("2026-11-24T00:00:00Z"), None));
            tenant.disabled_users = Some(BTreeSet::new());
            tenant.workflows = workflows.clone();
            let order: Vec<_> = check(&tenant)
                .into_iter()
                .filter(|f| f.check == "schedule_order")
                .map(|f| (f.workflow, f.detail))
                .collect();
            assert_eq!(order.len(), 1, "at {now}: {order:?}");
            assert_eq!(order[0].0.as_deref(), Some("bi"), "at {now}");
            assert!(order[0].1.contains("warehouse"), "{}", order[0].1);
        }
    }
}

#[test]
fn two_scheduled_workflows_of_one_job_are_a_double_schedule() {
    let mut tenant = known_users();
    let mut legacy = scheduled("atlan-snowflake-1714638976", "atlan-snowflake", "0 2 * * *");
    legacy.connection = Some("default/snowflake/1714638976".into());
    // Migrated: an app workflow named as the legacy one.
    let mut migrated = scheduled("snowflake-x7k2p", "snowflake-crawler", "0 3 * * *");
    migrated.api = Api::Apps;
    migrated.name = Some("atlan-snowflake-1714638976".into());
    // The same package over the same connection, by hand.
    let mut twin = scheduled("prod-snowflake-0c4f9a1e", "snowflake-crawler", "0 4 * * *");
    twin.api = Api::Apps;
    twin.connection = Some("default/snowflake/1714638976".into());
    // Another connection, and a suspended one: no job twice.
    let mut other = scheduled("atlan-snowflake-1726953452", "atlan-snowflake", "0 5 * * *");
    other.connection = Some("default/snowflake/1726953452".into());
    let mut suspended = scheduled("atlan-snowflake-1700000000", "atlan-snowflake", "0 6 * * *");
    suspended.connection = Some("default/snowflake/1714638976".into());
    suspended.schedules[0].suspended = true;
    for facts in [
        &mut legacy,
        &mut migrated,
        &mut twin,
        &mut other,
        &mut suspended,
    ] {
        facts.created = Some(tenant.now);
    }
    tenant.workflows = vec![legacy, migrated, twin, other, suspended];
    let doubles: Vec<Finding> = check(&tenant)
        .into_iter()
        .filter(|f| f.check == "double_schedule")
        .collect();
    let pairs: Vec<(Option<&str>, &str)> = doubles
        .iter()
        .map(|f| (f.workflow.as_deref(), f.detail.as_str()))
        .collect();
    assert_eq!(doubles.len(), 2, "{pairs:?}");
    assert!(doubles.iter().all(|f| f.severity == Severity::Warning));
    assert!(
        doubles[0].detail.contains("snowflake-x7k2p")
            && doubles[0].detail.contains("migrated from it"),
        "{pairs:?}"
    );
    assert_eq!(
        doubles[0].next.as_deref(),
        Some("atlanctl migrate apply --workflow atlan-snowflake-1714638976 --archive-legacy")
    );
    assert!(
        doubles[1].detail.contains("prod-snowflake-0c4f9a1e")
            && doubles[1].detail.contains("default/snowflake/1714638976"),
        "{pairs:?}"
    );
    assert_eq!(
        doubles[1].next.as_deref(),
        Some("atlanctl schedules suspend atlan-snowflake-1714638976"),
        "not a migration: the legacy schedule is suspended (and can be resumed)"
    );
}

#[test]
fn what_is_expected_of_a_workflow_is_checked_only_when_asked_and_a_breach_is_an_error() {
    let mut manual = WorkflowFacts::new(Api::Apps, "manual-import");
    let succeeded = span("ok", at("2026-12-01T01:00:00Z"), 600, RunState::Succeeded);
    let going = span("going", at("2026-12-01T08:00:00Z"), 0, RunState::Running);
    manual.keep(succeeded.clone());
    manual.keep(RunSpan::new(
        "going",
        going.started,
        None,
        RunState::Running,
    ));
    manual.last_ended = Some(succeeded);
    let mut tenant = known_users();
    tenant.workflows = vec![manual];
    assert_eq!(
        checks(&check(&tenant)),
        [],
        "nothing expected: nothing found"
    );

    tenant.levels = ServiceLevels::new(
        crate::expectations::Expectations::parse(Some("6h"), None, Some("2h"), None).unwrap(),
    );
    let findings = check(&tenant);
    assert_eq!(
        checks(&findings),
        [
            ("late", Some("manual-import")),
            ("stuck", Some("manual-import"))
        ]
    );
    assert!(findings.iter().all(|f| f.severity == Severity::Error));
    // Late since 01:10 + 6h; the stuck one is about the run going for 4h, with its explanation.
    assert!(
        findings[0].detail.contains("since 2026-12-01T07:10:00Z"),
        "{}",
        findings[0].detail
    );
    assert_eq!(findings[1].run.as_deref(), Some("going"));
    assert_eq!(
        findings[1].next.as_deref(),
        Some("atlanctl runs explain going")
    );
}
