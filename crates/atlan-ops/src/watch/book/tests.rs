//! The run book over hand-built runs.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use super::*;

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn run(workflow: &str, id: &str, status: RunState, started: &str, took: Option<i64>) -> RunView {
    let started = at(started);
    let mut view = RunView::new(Api::Legacy, id, workflow);
    view.status = status;
    view.started = Some(started);
    view.finished = took.map(|s| started + jiff::SignedDuration::from_secs(s));
    view.package = Some("atlan-snowflake".into());
    view
}

#[test]
fn a_run_is_a_transition_once_per_status() {
    let mut book = RunBook::new(10);
    let running = run("wf", "r1", RunState::Running, "2026-06-15T10:00:00Z", None);
    let first = book.observe(&running).unwrap();
    assert_eq!(first.was, None);
    assert!(!first.ended());
    assert_eq!(book.observe(&running), None);
    let failed = run(
        "wf",
        "r1",
        RunState::Failed,
        "2026-06-15T10:00:00Z",
        Some(90),
    );
    let ended = book.observe(&failed).unwrap();
    assert!(ended.ended());
    assert_eq!(ended.was, Some(RunState::Running));
    assert_eq!(ended.duration_s(), Some(90));
    assert_eq!(book.observe(&failed), None);
    // A stale replica saying it still runs is not believed.
    assert_eq!(book.observe(&running), None);
    assert_eq!(
        book.stats(Window::between(at("2026-06-01T00:00:00Z"), None))[0].failed,
        1
    );
}

#[test]
fn workflows_beyond_the_cap_are_dropped_and_counted() {
    let mut book = RunBook::new(2);
    for (index, workflow) in ["a", "b", "c", "c"].iter().enumerate() {
        let id = format!("r{index}");
        book.observe(&run(
            workflow,
            &id,
            RunState::Succeeded,
            "2026-06-15T10:00:00Z",
            Some(1),
        ));
    }
    assert_eq!(book.workflows(), 2);
    assert_eq!(book.dropped_runs(), 2);
    // A tracked workflow still takes new runs.
    assert!(
        book.observe(&run(
            "a",
            "r9",
            RunState::Failed,
            "2026-06-15T11:00:00Z",
            Some(1)
        ))
        .is_some()
    );
}

#[test]
fn pruning_forgets_runs_before_the_window_and_empty_workflows() {
    let mut book = RunBook::new(10);
    book.observe(&run(
        "old",
        "r1",
        RunState::Failed,
        "2026-06-01T10:00:00Z",
        Some(5),
    ));
    book.observe(&run(
        "new",
        "r2",
        RunState::Failed,
        "2026-06-14T10:00:00Z",
        Some(5),
    ));
    book.prune(at("2026-06-08T00:00:00Z"));
    assert_eq!(book.workflows(), 1);
    assert_eq!(book.runs(), 1);
    assert!(book.run_spans(Api::Legacy, "old").is_empty());
}

#[test]
fn the_streak_a_success_ends_counts_failures_since_the_success_before() {
    let mut book = RunBook::new(10);
    book.observe(&run(
        "wf",
        "r1",
        RunState::Succeeded,
        "2026-06-15T01:00:00Z",
        Some(5),
    ));
    book.observe(&run(
        "wf",
        "r2",
        RunState::Failed,
        "2026-06-15T02:00:00Z",
        Some(5),
    ));
    book.observe(&run(
        "wf",
        "r3",
        RunState::Error,
        "2026-06-15T03:00:00Z",
        Some(5),
    ));
    book.observe(&run(
        "wf",
        "r4",
        RunState::Succeeded,
        "2026-06-15T04:00:00Z",
        Some(5),
    ));
    assert_eq!(
        book.failures_before(Api::Legacy, "wf", at("2026-06-15T04:00:00Z")),
        2
    );
    assert_eq!(
        book.failures_before(Api::Legacy, "wf", at("2026-06-15T02:00:00Z")),
        0
    );
    assert_eq!(
        book.failures_before(Api::Legacy, "other", at("2026-06-15T04:00:00Z")),
        0
    );
}

#[test]
fn names_are_bounded_on_a_character_boundary_and_stay_apart() {
    let long = "é".repeat(MAX_NAME);
    let cut = bounded(&long);
    assert!(cut.len() <= MAX_NAME);
    let (start, hash) = cut.rsplit_once('~').unwrap();
    assert!(start.chars().all(|c| c == 'é'));
    assert_eq!(hash.len(), 8);
    let other = format!("{long}x");
    assert_ne!(
        bounded(&other),
        cut,
        "two names sharing their start stay two"
    );
    assert_eq!(bounded("short"), "short");
    let cut = &*cut;
    let mut book = RunBook::new(10);
    book.observe(&run(
        &long,
        &long,
        RunState::Running,
        "2026-06-15T01:00:00Z",
        None,
    ));
    assert_eq!(book.run_spans(Api::Legacy, cut).len(), 1);
}

#[test]
fn a_workflow_keeps_at_most_its_newest_runs() {
    let mut runs = HashMap::new();
    for minute in 0..3 {
        let started = at("2026-06-15T01:00:00Z") + jiff::SignedDuration::from_mins(minute);
        runs.insert(
            format!("r{minute}").into_boxed_str(),
            Outcome {
                status: RunState::Succeeded,
                started: Some(started),
                finished: None,
            },
        );
    }
    forget_oldest(&mut runs);
    assert_eq!(runs.len(), 2);
    assert!(!runs.contains_key("r0"));
}

#[test]
fn the_figures_kept_follow_every_change_of_the_runs() {
    let mut book = RunBook::new(10);
    let window = Window::between(at("2026-06-15T00:00:00Z"), None);
    let running = run("wf", "r1", RunState::Running, "2026-06-15T10:00:00Z", None);
    book.observe(&running);
    book.observe(&run(
        "other",
        "o1",
        RunState::Failed,
        "2026-06-15T09:00:00Z",
        Some(5),
    ));
    let first = book.stats(window);
    assert_eq!(first.len(), 2);
    let of = |rows: &[WorkflowStats]| {
        rows.iter()
            .find(|row| row.workflow == "wf")
            .cloned()
            .unwrap()
    };
    assert_eq!((of(&first).active, of(&first).succeeded), (1, 0));
    assert_eq!(
        book.ages(Api::Legacy, "wf"),
        (None, Some(at("2026-06-15T10:00:00Z")))
    );
    assert_eq!(book.stats(window), first, "asked again, nothing changed");

    let succeeded = run(
        "wf",
        "r1",
        RunState::Succeeded,
        "2026-06-15T10:00:00Z",
        Some(60),
    );
    book.observe(&succeeded);
    let second = book.stats(window);
    assert_eq!((of(&second).active, of(&second).succeeded), (0, 1));
    assert_eq!(
        book.ages(Api::Legacy, "wf"),
        (Some(at("2026-06-15T10:01:00Z")), None)
    );
    assert_eq!(
        book.statuses(at("2026-06-15T00:00:00Z"))[&(Api::Legacy, "wf".to_owned())],
        BTreeMap::from([(RunState::Succeeded, 1)])
    );
    // Another window counts again; a prune that forgets runs does too.
    assert!(
        book.stats(Window::between(at("2026-06-15T09:30:00Z"), None))
            .iter()
            .all(|row| row.workflow == "wf")
    );
    book.prune(at("2026-06-15T09:30:00Z"));
    assert_eq!(
        book.stats(window).len(),
        1,
        "the other workflow's run left the window"
    );
}
