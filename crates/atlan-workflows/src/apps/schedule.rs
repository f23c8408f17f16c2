//! [`AddAppSchedule`]: a schedule for an app workflow, checked before it is sent.

use atlan_model::{AppSchedule, ScheduleAdded};

use crate::client::AtlanClient;
use crate::error::Result;
use crate::requests::apps as requests;

/// A schedule to add; from [`crate::AppSchedules::add`].
#[derive(Debug)]
#[must_use = "a schedule does nothing until it is awaited"]
pub struct AddAppSchedule {
    pub(super) client: AtlanClient,
    pub(super) slug: String,
    pub(super) cron: String,
    pub(super) timezone: String,
}

impl AddAppSchedule {
    /// The IANA time zone (default `UTC`).
    pub fn timezone(mut self, timezone: impl Into<String>) -> Self {
        self.timezone = timezone.into();
        self
    }

    /// Adds it.
    ///
    /// # Errors
    /// [`crate::Error::InvalidInput`] for a cron expression or zone that does not check (nothing sent);
    /// otherwise as [`AtlanClient::execute`].
    pub async fn send(self) -> Result<ScheduleAdded> {
        atlan_model::check_cron(&self.cron)?;
        atlan_model::check_timezone(&self.timezone)?;
        let schedule = AppSchedule::new(self.cron, self.timezone);
        self.client
            .execute_json(&requests::add_schedule(&self.slug, &schedule)?)
            .await
    }
}

awaitable!(AddAppSchedule, ScheduleAdded);
