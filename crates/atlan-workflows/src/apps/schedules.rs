//! [`AppSchedules`]: the schedules (triggers) of app workflows, as [`crate::Schedules`] is for
//! the legacy ones: add and remove here, suspend and resume in the crate's `suspension` module.

use atlan_model::ScheduleRemoved;

use super::{AddAppSchedule, Apps};
use crate::error::Result;
use crate::requests::apps as requests;

/// App schedule operations; from [`Apps::schedules`].
#[derive(Debug, Clone)]
pub struct AppSchedules {
    pub(crate) apps: Apps,
}

impl AppSchedules {
    pub(super) fn new(apps: Apps) -> Self {
        Self { apps }
    }

    /// Adds a schedule; the time zone is `UTC` unless [`AddAppSchedule::timezone`] says otherwise
    /// (it is always sent).
    pub fn add(&self, slug: impl Into<String>, cron: impl Into<String>) -> AddAppSchedule {
        AddAppSchedule {
            client: self.apps.client.clone(),
            slug: slug.into(),
            cron: cron.into(),
            timezone: "UTC".to_owned(),
        }
    }

    /// Removes a schedule.
    ///
    /// # Errors
    /// [`crate::Error::NotFound`] for an unknown slug or trigger; otherwise as
    /// [`crate::AtlanClient::execute`].
    pub async fn remove(&self, slug: &str, trigger_id: &str) -> Result<ScheduleRemoved> {
        self.apps
            .client
            .execute_json(&requests::remove_schedule(slug, trigger_id)?)
            .await
    }
}
