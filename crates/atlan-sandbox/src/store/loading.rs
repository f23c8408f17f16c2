//! Bulk loads: what storing an event costs most (a run's document built from its record, its text,
//! doc values and index keys) depends on that event alone, so a load of thousands of events makes
//! it ready on a second thread while the store files the events before, one by one, in order.

use serde_json::Value;

use super::index::{Prepared, Schema};
use super::{Event, RunRecord};

/// What was made ready for one event.
#[derive(Debug)]
pub(crate) enum Ready {
    /// A workflow's document, ready to store.
    Workflow(Prepared),
    /// A run's view at the store's instant.
    Run(RunView),
    /// Nothing: the event is applied from scratch.
    Nothing,
}

/// A run as the runs index shows it at an instant: its document (`None` while a lagging index does
/// not show it yet) and when that next changes.
#[derive(Debug)]
pub(crate) struct RunView {
    pub(crate) document: Option<Prepared>,
    pub(crate) next: Option<i64>,
}

impl RunView {
    /// The view of `record` at `now` (epoch milliseconds). A run with an index lag is indexed as
    /// it was that long ago (absent before it was created), as a tenant's search sees it.
    pub(crate) fn of(record: &RunRecord, now: i64, schema: &'static Schema) -> Self {
        let seen = now.saturating_sub(record.lag_ms);
        if record.created > seen {
            return Self {
                document: None,
                next: Some(record.created.saturating_add(record.lag_ms)),
            };
        }
        let document: Value = record.document(seen);
        Self {
            document: Some(schema.prepare(&record.name, &document)),
            next: record
                .next_change(seen)
                .map(|at| at.saturating_add(record.lag_ms)),
        }
    }
}

/// How many events a load prepares and files at a time.
const CHUNK: usize = 1_000;

/// Makes every event of `events` ready and gives each chunk of them, in order, to `file`: on two
/// cores a second thread prepares the next chunk while this one makes the events and files the
/// chunk before (filing and making events are about as much work as preparing); on one core, each
/// chunk is prepared here then filed. Stops at the first error `file` returns.
pub(crate) fn pipeline<E>(
    events: impl Iterator<Item = Event>,
    now: i64,
    workflows: &'static Schema,
    runs: &'static Schema,
    mut file: impl FnMut(Vec<Event>, Vec<Ready>) -> Result<(), E>,
) -> Result<(), E> {
    let prepare = move |chunk: &[Event]| -> Vec<Ready> {
        // Pure code over values: were it ever to panic, the chunk is applied from scratch.
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            chunk
                .iter()
                .map(|event| match event {
                    Event::PutWorkflow { name, document, .. } => {
                        Ready::Workflow(workflows.prepare(name, document))
                    }
                    Event::PutRun { record } => Ready::Run(RunView::of(record, now, runs)),
                    _ => Ready::Nothing,
                })
                .collect()
        }))
        .unwrap_or_else(|_| chunk.iter().map(|_| Ready::Nothing).collect())
    };
    let mut events = events.peekable();
    let mut chunks = std::iter::from_fn(move || {
        events.peek()?;
        Some(events.by_ref().take(CHUNK).collect::<Vec<Event>>())
    });
    let parallel = std::thread::available_parallelism().is_ok_and(|cores| cores.get() > 1);
    if !parallel {
        for chunk in chunks {
            let ready = prepare(&chunk);
            file(chunk, ready)?;
        }
        return Ok(());
    }
    std::thread::scope(|scope| {
        let (to_worker, inbox) = std::sync::mpsc::sync_channel::<Vec<Event>>(1);
        let (outbox, from_worker) = std::sync::mpsc::sync_channel::<(Vec<Event>, Vec<Ready>)>(1);
        scope.spawn(move || {
            for chunk in inbox {
                let ready = prepare(&chunk);
                if outbox.send((chunk, ready)).is_err() {
                    return;
                }
            }
        });
        // Two chunks in flight: one being prepared, one ready to file.
        let mut in_flight = 0_usize;
        loop {
            while in_flight < 2 {
                let Some(chunk) = chunks.next() else { break };
                match to_worker.send(chunk) {
                    Ok(()) => in_flight += 1,
                    // The worker is gone (it cannot be while we hold its inbox): prepare here.
                    Err(std::sync::mpsc::SendError(chunk)) => {
                        let ready = prepare(&chunk);
                        file(chunk, ready)?;
                    }
                }
            }
            if in_flight == 0 {
                return Ok(());
            }
            let Ok((chunk, ready)) = from_worker.recv() else {
                return Ok(());
            };
            in_flight -= 1;
            file(chunk, ready)?;
        }
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::super::{Event, Store, StoreSettings};
    use crate::seed::{self, Seed};

    fn store() -> Store {
        Store::new(
            StoreSettings::default(),
            "2026-06-15T12:00:00Z".parse().unwrap(),
        )
    }

    fn snapshot(store: &Store) -> String {
        let mut out = Vec::new();
        store.write_snapshot(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// A load prepared on two threads ends in the very state that applying its events one by one
    /// does: the same documents, records, indexes (searches) and views of lagging runs.
    #[test]
    fn a_parallel_load_equals_applying_each_event() {
        let seed = Seed::Synthetic {
            workflows: 40,
            runs: 3_000,
        };
        let now = "2026-06-15T12:00:00Z".parse::<jiff::Timestamp>().unwrap();
        let events =
            |store: &mut Store| seed::events(&seed, now.as_millisecond(), store.rng()).unwrap();
        let mut loaded = store();
        let stream = events(&mut loaded);
        loaded.commit_seed(stream).unwrap();
        let mut applied = store();
        for event in events(&mut applied) {
            applied.apply(event);
        }
        assert_eq!(loaded.counts(), (40, 3_000, 0));
        assert_eq!(snapshot(&loaded), snapshot(&applied));
        let search = atlan_query::workflows::runs_by_status_and_time(
            &[atlan_model::WorkflowPhase::Failed],
            &atlan_query::workflows::TimeBounds::since("now-7d".parse().unwrap()),
            &atlan_query::workflows::TimeBounds::any(),
            0,
            50,
        )
        .unwrap();
        let page = |store: &Store| {
            let page = store
                .search(atlan_query::Index::Runs, &search, now)
                .unwrap();
            let total = page.total.map(|total| total.value);
            let names: Vec<String> = page
                .hits
                .iter()
                .map(|hit| hit.document.name.to_owned())
                .collect();
            (total, names)
        };
        let (total, names) = page(&loaded);
        assert!(total.unwrap() > 50 && names.len() == 50, "{total:?}");
        assert_eq!((total, names), page(&applied));

        // Replaying a state file goes the same way, lagging runs included (an index an hour
        // behind does not show the runs of the last hour).
        let lagging = |store: &mut Store| {
            events(store).map(|mut event| {
                if let Event::PutRun { record } = &mut event {
                    record.lag_ms = 3_600_000;
                }
                event
            })
        };
        let mut replayed = store();
        let stream: Vec<Event> = lagging(&mut replayed).collect();
        replayed.replay(stream);
        let mut one_by_one = store();
        for event in lagging(&mut one_by_one) {
            one_by_one.apply(event);
        }
        assert!(
            !replayed.legacy.unindexed.is_empty(),
            "some runs wait for the index"
        );
        assert_eq!(replayed.legacy.unindexed, one_by_one.legacy.unindexed);
        assert_eq!(snapshot(&replayed), snapshot(&one_by_one));
    }
}
