//! Changes to the store as events: logged to the state file then applied, as one durable step
//! ([`Store::commit`]); replayed at start; each applied to the records, the indexes and the
//! timetable.

use jiff::Timestamp;
use serde_json::Value;

use super::loading::{self, Ready, RunView};
use super::{Event, Store, annotation, timetable};
use crate::persist::{Log, StateError};

impl Store {
    /// Logs then applies events, as one durable step.
    ///
    /// # Errors
    /// [`StateError`] when the state file cannot be written: nothing is applied.
    pub(crate) fn commit(&mut self, events: Vec<Event>) -> Result<(), StateError> {
        if let Some(log) = &mut self.log {
            log.append(&events)?;
        }
        for event in events {
            self.apply(event);
        }
        if self.log.as_ref().is_some_and(Log::wants_compaction) {
            self.compact_log();
        }
        self.publish_health();
        Ok(())
    }

    /// Logs then applies the seed data, one line per event, a thousand events at a time (their
    /// documents prepared ahead: [`loading::pipeline`]): a streamed seed is never held whole.
    ///
    /// # Errors
    /// As [`Store::commit`]; the chunks before the one that failed stay applied.
    pub(crate) fn commit_seed(
        &mut self,
        events: impl IntoIterator<Item = Event>,
    ) -> Result<(), StateError> {
        let (now, workflows, runs) = (
            self.now,
            self.legacy.workflows.schema(),
            self.legacy.runs.schema(),
        );
        loading::pipeline(events.into_iter(), now, workflows, runs, |chunk, ready| {
            if let Some(log) = &mut self.log {
                log.append_each(&chunk)?;
            }
            self.file_chunk(chunk, ready);
            Ok(())
        })
    }

    /// Applies the events of a state file being replayed (nothing is logged), as
    /// [`Store::commit_seed`] does.
    pub(crate) fn replay(&mut self, events: impl IntoIterator<Item = Event>) {
        let (now, workflows, runs) = (
            self.now,
            self.legacy.workflows.schema(),
            self.legacy.runs.schema(),
        );
        let filed: Result<(), std::convert::Infallible> =
            loading::pipeline(events.into_iter(), now, workflows, runs, |chunk, ready| {
                self.file_chunk(chunk, ready);
                Ok(())
            });
        let Ok(()) = filed;
    }

    /// Applies prepared events in order, as [`Store::apply`] does one by one.
    fn file_chunk(&mut self, events: Vec<Event>, ready: Vec<Ready>) {
        for (event, ready) in events.into_iter().zip(ready) {
            self.apply_ready(event, ready);
        }
    }

    /// Applies one event to memory.
    pub(crate) fn apply(&mut self, event: Event) {
        self.apply_ready(event, Ready::Nothing);
    }

    /// Applies one event to memory, with what [`loading::pipeline`] made ready for it.
    fn apply_ready(&mut self, event: Event, ready: Ready) {
        match (event, ready) {
            (
                Event::PutWorkflow {
                    name,
                    document,
                    schedule_since,
                },
                Ready::Workflow(prepared),
            ) => {
                self.schedule_workflow(&name, &document, schedule_since);
                self.legacy.workflows.put_prepared(prepared);
            }
            (Event::PutRun { record }, Ready::Run(view)) => {
                let name = record.name.clone();
                self.legacy.records.insert(name.clone(), record);
                self.legacy.file_run(&name, view);
            }
            (event, _) => self.apply_event(event),
        }
    }

    fn apply_event(&mut self, event: Event) {
        match event {
            Event::PutWorkflow {
                name,
                document,
                schedule_since,
            } => {
                self.schedule_workflow(&name, &document, schedule_since);
                self.legacy.workflows.put(&name, &document);
            }
            Event::DeleteWorkflow { name } => {
                self.schedules.since.remove(&name);
                self.schedules
                    .timetable
                    .remove(&timetable::ScheduleKey::Legacy {
                        workflow: name.clone(),
                    });
                self.legacy.workflows.remove(&name);
            }
            Event::PutRun { record } => {
                let name = record.name.clone();
                self.legacy.records.insert(name.clone(), record);
                self.refresh_run(&name);
            }
            Event::PutFixedRun { name, document } => {
                self.legacy.records.remove(&name);
                self.legacy.runs.put(&name, &document);
            }
            Event::StopRun {
                name,
                at,
                effective,
            } => {
                if let Some(record) = self.legacy.records.get_mut(&name) {
                    record.stop_requested = Some(at);
                    record.stopped_at = Some(effective.unwrap_or(at));
                }
                self.refresh_run(&name);
            }
            Event::PutCredential { credential } => {
                self.credentials.insert(credential.id.clone(), credential);
            }
            Event::DeleteCredential { id } => {
                self.credentials.remove(&id);
            }
            event @ (Event::PutAppWorkflow { .. }
            | Event::DeleteAppWorkflow { .. }
            | Event::AddAppSchedule { .. }
            | Event::RemoveAppSchedule { .. }
            | Event::PutAppRun { .. }
            | Event::CancelAppRun { .. }) => self.apply_app(event),
            Event::PutConnection { entity } => self.apply_connection(*entity),
            Event::DeleteConnection { guid } => self.remove_connection(&guid),
        }
    }

    /// Files a legacy workflow's schedule (its cron annotations) in the timetable, or takes it
    /// out, and keeps when it was added (`since`, else as it was, else the document's creation).
    fn schedule_workflow(&mut self, name: &str, document: &Value, since: Option<i64>) {
        let key = timetable::ScheduleKey::Legacy {
            workflow: name.to_owned(),
        };
        match annotation(document, atlan_model::SCHEDULE_ANNOTATION) {
            Some(cron) => {
                let timezone =
                    annotation(document, atlan_model::TIMEZONE_ANNOTATION).unwrap_or("UTC");
                self.schedules.timetable.put(key, cron, timezone, self.now);
                let created = || {
                    document
                        .pointer("/metadata/creationTimestamp")
                        .and_then(Value::as_str)
                        .and_then(|at| at.parse::<Timestamp>().ok())
                        .map_or(self.now, |at| at.as_millisecond())
                };
                let since = since
                    .or_else(|| self.schedules.since.get(name).copied())
                    .unwrap_or_else(created);
                self.schedules.since.insert(name.to_owned(), since);
            }
            None => {
                self.schedules.timetable.remove(&key);
                self.schedules.since.remove(name);
            }
        }
    }

    /// Rebuilds a run's document at the store's current instant and schedules its next change.
    pub(super) fn refresh_run(&mut self, name: &str) {
        let Some(record) = self.legacy.records.get(name) else {
            return;
        };
        let view = RunView::of(record, self.now, self.legacy.runs.schema());
        self.legacy.file_run(name, view);
    }
}
