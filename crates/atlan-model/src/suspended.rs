//! [`SuspendedSchedules`]: what a suspended workflow's schedules were, kept on the tenant so that
//! a resume on another machine, days later, restores them exactly.
//!
//! Neither API has a "suspend" of its own, so the record lives on the workflow itself:
//! - a **legacy** workflow: the annotation [`SUSPENDED_SCHEDULE_ANNOTATION`] (its one schedule), set
//!   in the same update that removes the cron annotation, so the change is atomic;
//! - an **app** workflow: the stored input [`SUSPENDED_SCHEDULES_INPUT`] (each of its triggers),
//!   written by an update of the inputs *before* its triggers are removed, and taken away only
//!   after they are added back; an interrupted suspend or resume is finished by doing it again.
//!   The app API has no annotations; the inputs are the only part of an app workflow a client can
//!   write, an app's input model ignores a key it does not declare, and an update keeps the
//!   credential and the slug (it bumps the version).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::meta::ObjectMeta;
use crate::schedule::{InvalidSchedule, WorkflowSchedule};

/// The annotation of a legacy workflow that holds its suspended schedule.
pub const SUSPENDED_SCHEDULE_ANNOTATION: &str = "atlanctl/suspended-schedule";
/// The stored input of an app workflow that holds its suspended triggers.
pub const SUSPENDED_SCHEDULES_INPUT: &str = "atlanctl_suspended_schedules";
/// The most schedules one record holds.
pub const MAX_SUSPENDED_SCHEDULES: usize = 64;
/// The longest record read, as JSON text.
const MAX_RECORD_BYTES: usize = 32 * 1024;

/// What a workflow's schedules were when they were suspended.
///
/// ```
/// use atlan_model::{SuspendedSchedules, WorkflowSchedule};
///
/// let schedule = WorkflowSchedule::new("0 2 * * *", "Europe/Paris")?;
/// let record = SuspendedSchedules::new(vec![schedule.clone()], "2026-12-01T08:00:00Z");
/// let read = SuspendedSchedules::parse(&serde_json::Value::String(record.to_json_text()))?;
/// assert_eq!(read.schedules, vec![schedule]);
/// # Ok::<(), atlan_model::InvalidSuspension>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SuspendedSchedules {
    /// Each schedule (cron and time zone) that was removed, in the workflow's order.
    pub schedules: Vec<WorkflowSchedule>,
    /// When they were suspended (RFC 3339).
    pub suspended_at: String,
}

/// Why a suspension record cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidSuspension {
    /// It is not the JSON of a record.
    #[error("the suspended schedule record is not readable: {reason}")]
    Malformed {
        /// What is wrong.
        reason: String,
    },
    /// A schedule in it does not check.
    #[error("the suspended schedule record holds a bad schedule: {0}")]
    Schedule(#[from] InvalidSchedule),
}

impl SuspendedSchedules {
    /// A record of these schedules, suspended at `suspended_at`.
    pub fn new(schedules: Vec<WorkflowSchedule>, suspended_at: impl Into<String>) -> Self {
        Self {
            schedules,
            suspended_at: suspended_at.into(),
        }
    }

    /// The record as JSON text (the value of the legacy annotation).
    pub fn to_json_text(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The record as a JSON value (the value of the app input).
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    /// Reads a record from its JSON text or value (a server may give an input back either way),
    /// checking each schedule; at most [`MAX_SUSPENDED_SCHEDULES`] schedules and 32 KiB.
    ///
    /// # Errors
    /// [`InvalidSuspension`] naming what is wrong.
    pub fn parse(value: &Value) -> Result<Self, InvalidSuspension> {
        let malformed = |reason: String| InvalidSuspension::Malformed { reason };
        let record: Self = match value {
            Value::String(text) if text.len() > MAX_RECORD_BYTES => {
                return Err(malformed(format!("longer than {MAX_RECORD_BYTES} bytes")));
            }
            Value::String(text) => {
                serde_json::from_str(text).map_err(|error| malformed(error.to_string()))?
            }
            Value::Object(_) => {
                Self::deserialize(value).map_err(|error| malformed(error.to_string()))?
            }
            _ => return Err(malformed("expected an object or its JSON text".into())),
        };
        if record.schedules.len() > MAX_SUSPENDED_SCHEDULES {
            return Err(malformed(format!(
                "more than {MAX_SUSPENDED_SCHEDULES} schedules"
            )));
        }
        for schedule in &record.schedules {
            schedule.check()?;
        }
        Ok(record)
    }

    /// The record on a legacy workflow's metadata, if there is one.
    pub fn of_workflow(metadata: &ObjectMeta) -> Option<Result<Self, InvalidSuspension>> {
        let text = metadata.annotation(SUSPENDED_SCHEDULE_ANNOTATION)?;
        Some(Self::parse(&Value::String(text.to_owned())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn daily() -> WorkflowSchedule {
        WorkflowSchedule::new("0 2 * * *", "Europe/Paris").unwrap()
    }

    #[test]
    fn a_record_reads_back_from_its_text_and_from_its_value() {
        let record = SuspendedSchedules::new(vec![daily()], "2026-12-01T08:00:00Z");
        let text = Value::String(record.to_json_text());
        assert_eq!(SuspendedSchedules::parse(&text).unwrap(), record);
        assert_eq!(
            SuspendedSchedules::parse(&record.to_value()).unwrap(),
            record
        );
    }

    #[test]
    fn a_bad_record_is_a_typed_error() {
        for bad in [
            json!(3),
            json!("not json"),
            json!({"schedules": "x", "suspended_at": "t"}),
            json!({"schedules": [{"cron": "61 * * * *", "timezone": "UTC"}], "suspended_at": "t"}),
            json!({"schedules": [{"cron": "0 2 * * *", "timezone": "Mars/Base"}], "suspended_at": "t"}),
            Value::String("x".repeat(MAX_RECORD_BYTES + 1)),
        ] {
            assert!(SuspendedSchedules::parse(&bad).is_err(), "{bad}");
        }
        let many = SuspendedSchedules::new(vec![daily(); MAX_SUSPENDED_SCHEDULES + 1], "t");
        assert!(SuspendedSchedules::parse(&many.to_value()).is_err());
    }

    #[test]
    fn the_legacy_record_is_read_from_its_annotation() {
        let mut metadata = ObjectMeta::named("atlan-snowflake-1714638976");
        assert!(SuspendedSchedules::of_workflow(&metadata).is_none());
        let record = SuspendedSchedules::new(vec![daily()], "2026-12-01T08:00:00Z");
        metadata.set_annotation(SUSPENDED_SCHEDULE_ANNOTATION, record.to_json_text());
        assert_eq!(
            SuspendedSchedules::of_workflow(&metadata).unwrap().unwrap(),
            record
        );
    }
}
