//! Applying app events to memory (and to the asset index), live and on replay.

use std::sync::Arc;

use super::ScheduleRecord;
use crate::store::timetable::ScheduleKey;
use crate::store::{Event, Store};

fn trigger_key(slug: &str, trigger_id: &str) -> ScheduleKey {
    ScheduleKey::Apps {
        slug: slug.to_owned(),
        trigger_id: trigger_id.to_owned(),
    }
}

impl Store {
    /// Files an app trigger in the timetable (a trigger already there keeps its due time).
    fn schedule_trigger(&mut self, slug: &str, schedule: &ScheduleRecord) {
        let key = trigger_key(slug, &schedule.trigger_id);
        if !self.schedules.timetable.contains(&key) {
            self.schedules
                .timetable
                .put(key, &schedule.cron, &schedule.timezone, self.now);
        }
    }

    /// Applies an app event to memory (see [`Store::apply`]).
    pub(in crate::store) fn apply_app(&mut self, event: Event) {
        match event {
            Event::PutAppWorkflow { record } => {
                let (slug, name) = (record.slug.clone(), record.name.clone());
                self.apps.index_workflow(&record);
                for schedule in &record.schedules {
                    self.schedule_trigger(&slug, schedule);
                }
                let previous = self.apps.workflows.insert(slug.clone(), Arc::from(record));
                if let Some(previous) = previous {
                    let kept = self.apps.workflows.get(&slug).map(Arc::clone);
                    for schedule in &previous.schedules {
                        let still = kept.as_ref().is_some_and(|record| {
                            record
                                .schedules
                                .iter()
                                .any(|kept| kept.trigger_id == schedule.trigger_id)
                        });
                        if !still {
                            self.schedules
                                .timetable
                                .remove(&trigger_key(&slug, &schedule.trigger_id));
                        }
                    }
                    if previous.name != name && self.apps.names.get(&previous.name) == Some(&slug) {
                        self.apps.names.remove(&previous.name);
                    }
                }
                self.apps.names.insert(name, slug);
            }
            Event::DeleteAppWorkflow { slug } => {
                if let Some(removed) = self.apps.workflows.remove(&slug) {
                    for schedule in &removed.schedules {
                        self.schedules
                            .timetable
                            .remove(&trigger_key(&slug, &schedule.trigger_id));
                    }
                    self.apps.unindex_workflow(&slug);
                    if self.apps.names.get(&removed.name) == Some(&slug) {
                        self.apps.names.remove(&removed.name);
                    }
                }
            }
            Event::AddAppSchedule { slug, schedule } => {
                if self.apps.workflows.contains_key(&slug) {
                    self.schedule_trigger(&slug, &schedule);
                }
                if let Some(record) = self.apps.workflows.get_mut(&slug) {
                    Arc::make_mut(record).schedules.push(schedule);
                }
                if let Some(record) = self.apps.workflows.get(&slug).map(Arc::clone) {
                    self.apps.index_workflow(&record);
                }
            }
            Event::RemoveAppSchedule { slug, trigger_id } => {
                self.schedules
                    .timetable
                    .remove(&trigger_key(&slug, &trigger_id));
                if let Some(record) = self.apps.workflows.get_mut(&slug) {
                    Arc::make_mut(record)
                        .schedules
                        .retain(|schedule| schedule.trigger_id != trigger_id);
                }
            }
            Event::PutAppRun { record } => {
                let run_id = record.run_id.clone();
                self.apps.runs.insert(run_id.clone(), Arc::from(record));
                self.apps.index_run(&run_id, self.now);
            }
            Event::CancelAppRun { run_id, at, by } => {
                if let Some(run) = self.apps.runs.get_mut(&run_id) {
                    let run = Arc::make_mut(run);
                    run.stopped_at = Some(at);
                    run.stopped_by = Some(by);
                    self.apps.index_run(&run_id, self.now);
                }
            }
            _ => {}
        }
    }
}
