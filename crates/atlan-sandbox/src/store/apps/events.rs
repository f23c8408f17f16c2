//! Applying app events to memory (and to the asset index), live and on replay.

use std::sync::Arc;

use crate::store::{Event, Store};

impl Store {
    /// Applies an app event to memory (see [`Store::apply`]).
    pub(in crate::store) fn apply_app(&mut self, event: Event) {
        match event {
            Event::PutAppWorkflow { record } => {
                let (slug, name) = (record.slug.clone(), record.name.clone());
                self.index_app_workflow(&record);
                if let Some(previous) = self.app_workflows.insert(slug.clone(), Arc::from(record))
                    && previous.name != name
                    && self.app_names.get(&previous.name) == Some(&slug)
                {
                    self.app_names.remove(&previous.name);
                }
                self.app_names.insert(name, slug);
            }
            Event::DeleteAppWorkflow { slug } => {
                if let Some(removed) = self.app_workflows.remove(&slug) {
                    self.unindex_app_workflow(&slug);
                    if self.app_names.get(&removed.name) == Some(&slug) {
                        self.app_names.remove(&removed.name);
                    }
                }
            }
            Event::AddAppSchedule { slug, schedule } => {
                if let Some(record) = self.app_workflows.get_mut(&slug) {
                    Arc::make_mut(record).schedules.push(schedule);
                }
            }
            Event::RemoveAppSchedule { slug, trigger_id } => {
                if let Some(record) = self.app_workflows.get_mut(&slug) {
                    Arc::make_mut(record)
                        .schedules
                        .retain(|schedule| schedule.trigger_id != trigger_id);
                }
            }
            Event::PutAppRun { record } => {
                let run_id = record.run_id.clone();
                self.app_runs.insert(run_id.clone(), Arc::from(record));
                self.index_app_run(&run_id);
            }
            Event::CancelAppRun { run_id, at, by } => {
                if let Some(run) = self.app_runs.get_mut(&run_id) {
                    let run = Arc::make_mut(run);
                    run.stopped_at = Some(at);
                    run.stopped_by = Some(by);
                    self.index_app_run(&run_id);
                }
            }
            _ => {}
        }
    }
}
