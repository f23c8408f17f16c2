//! Schedules of app workflows: each an event of its own, so the state file grows by the schedule,
//! not by the record.

use serde_json::{Value, json};

use super::{ScheduleRecord, not_found};
use crate::error::ApiResult;
use crate::store::{Event, Store};

impl Store {
    pub(super) fn new_trigger_id(&mut self) -> String {
        format!("t-{:08x}", self.rng().u32(..))
    }

    /// `POST v1/app/{slug}/schedule`: one event with the schedule (not the record).
    pub(crate) fn add_app_schedule(
        &mut self,
        slug: &str,
        (cron, timezone): (String, String),
    ) -> ApiResult<Value> {
        self.app_workflow(slug)?;
        let schedule = ScheduleRecord {
            trigger_id: self.new_trigger_id(),
            cron,
            timezone,
            added: Some(self.now()),
        };
        let response = json!({"trigger_id": schedule.trigger_id, "cron": schedule.cron, "timezone": schedule.timezone});
        self.commit(vec![Event::AddAppSchedule {
            slug: slug.to_owned(),
            schedule,
        }])?;
        Ok(response)
    }

    /// `DELETE v1/app/{slug}/schedule/{trigger_id}`: one event with the trigger id.
    pub(crate) fn remove_app_schedule(&mut self, slug: &str, trigger_id: &str) -> ApiResult<Value> {
        let record = self.app_workflow(slug)?;
        if !record
            .schedules
            .iter()
            .any(|schedule| schedule.trigger_id == trigger_id)
        {
            return Err(not_found("schedule", trigger_id));
        }
        self.commit(vec![Event::RemoveAppSchedule {
            slug: slug.to_owned(),
            trigger_id: trigger_id.to_owned(),
        }])?;
        Ok(json!({"trigger_id": trigger_id, "deleted": true}))
    }
}
