//! The watcher's own checks over hand-built books and schedules.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use super::*;
use crate::view::{RunState, RunView};

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

#[test]
fn a_missed_due_time_is_one_event_and_a_run_that_started_for_it_is_none() {
    let now = at("2026-06-15T12:30:00Z");
    let mut watcher = Watcher::new(WatchConfig::new(ApiChoice::All), at("2026-06-15T09:30:00Z"));
    let mut hourly = WorkflowFacts::new(Api::Legacy, "wf");
    hourly
        .schedules
        .push(ScheduleFacts::new("0 * * * *", "UTC"));
    watcher.schedules.push(hourly);
    let mut run = RunView::new(Api::Legacy, "wf-1", "wf");
    run.status = RunState::Succeeded;
    run.started = Some(at("2026-06-15T11:00:20Z"));
    run.finished = Some(at("2026-06-15T11:05:00Z"));
    watcher.book.observe(&run);

    let mut events = Vec::new();
    watcher.missed_events(now, watcher.baseline(), &mut events);
    let due: Vec<Timestamp> = events
        .iter()
        .map(|event| match event {
            Event::ScheduleMissed { due, .. } => *due,
            other => panic!("{other:?}"),
        })
        .collect();
    // 10:00 and 12:00 had no run (12:00 is past its grace at 12:30); 11:00 had one.
    assert_eq!(
        due,
        [at("2026-06-15T10:00:00Z"), at("2026-06-15T12:00:00Z")]
    );
    let mut again = Vec::new();
    watcher.missed_events(now, watcher.baseline(), &mut again);
    assert!(again.is_empty(), "told once: {again:?}");
    let figures = watcher.figures(now);
    // Over the whole window: every hour of seven days but the one with a run.
    assert_eq!(
        figures.schedules[0].missed,
        7 * 24 - 1,
        "{:?}",
        figures.schedules
    );

    // Two hours on, only the due times since are judged: 13:00 had no run, 14:00 had one; the
    // window's first two due times left it.
    let later = at("2026-06-15T14:30:00Z");
    run.run = "wf-2".to_owned();
    run.started = Some(at("2026-06-15T14:00:30Z"));
    run.finished = Some(at("2026-06-15T14:05:00Z"));
    watcher.book.observe(&run);
    let mut later_events = Vec::new();
    watcher.missed_events(later, watcher.baseline(), &mut later_events);
    assert!(
        matches!(later_events.as_slice(), [Event::ScheduleMissed { due, .. }] if *due == at("2026-06-15T13:00:00Z")),
        "{later_events:?}"
    );
    assert_eq!(watcher.figures(later).schedules[0].missed, 7 * 24 - 2);
}

#[test]
fn the_start_counts_from_its_whole_second() {
    let watcher = Watcher::new(
        WatchConfig::new(ApiChoice::All),
        at("2026-06-15T09:30:00.900Z"),
    );
    assert_eq!(watcher.baseline(), at("2026-06-15T09:30:00Z"));
}
