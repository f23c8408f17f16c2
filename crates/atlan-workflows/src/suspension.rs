//! Suspending and resuming schedules, with what they were kept on the tenant
//! ([`SuspendedSchedules`]): [`Schedules::suspend`] / [`Schedules::resume`] for a legacy
//! workflow, [`AppSchedules::suspend`] / [`AppSchedules::resume`] for every trigger of an app
//! workflow.
//!
//! Each is idempotent and finishes an interrupted attempt when done again: suspending what is
//! suspended changes nothing, resuming what is half resumed adds only the missing triggers. What
//! would lose a schedule is refused ([`ScheduleRefusal`]) before anything is changed.

use std::fmt;

use atlan_model::{
    AppSummary, InvalidSuspension, SUSPENDED_SCHEDULE_ANNOTATION, SUSPENDED_SCHEDULES_INPUT,
    SuspendedSchedules, WorkflowSchedule,
};
use jiff::Timestamp;

use crate::apps::AppSchedules;
use crate::error::{Error, Result};
use crate::schedules::Schedules;

/// What a suspend or a resume did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ScheduleSuspension {
    /// The workflow (name or slug).
    pub workflow: String,
    /// The schedules suspended (or restored), as the record on the tenant has them.
    pub record: SuspendedSchedules,
    /// False when there was nothing left to do (already suspended).
    pub changed: bool,
}

/// Why a schedule was not suspended or resumed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScheduleRefusal {
    /// Suspend: the workflow has no schedule and none suspended.
    NotScheduled,
    /// Resume: the workflow's schedule was never suspended.
    NotSuspended,
    /// The workflow has schedules that are not in its suspended record (added after it was
    /// suspended): suspending or resuming would lose one of them.
    Conflict {
        /// The schedules not in the record.
        live: Vec<WorkflowSchedule>,
    },
    /// The record on the workflow cannot be read.
    Unreadable(InvalidSuspension),
}

impl fmt::Display for ScheduleRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotScheduled => f.write_str("has no schedule to suspend"),
            Self::NotSuspended => f.write_str("has no suspended schedule to resume"),
            Self::Conflict { live } => {
                let live: Vec<String> = live
                    .iter()
                    .map(|schedule| format!("`{}` in {}", schedule.cron, schedule.timezone))
                    .collect();
                write!(
                    f,
                    "has schedules added since it was suspended ({}): remove them first",
                    live.join(", ")
                )
            }
            Self::Unreadable(error) => error.fmt(f),
        }
    }
}

fn refuse(operation: &'static str, workflow: &str, refusal: ScheduleRefusal) -> Error {
    Error::ScheduleUnchanged {
        operation,
        workflow: workflow.to_owned(),
        refusal,
    }
}

fn now() -> String {
    Timestamp::now().to_string()
}

impl Schedules {
    /// Suspends a legacy workflow's schedule: one update removes its cron annotation and records
    /// the schedule in the annotation [`SUSPENDED_SCHEDULE_ANNOTATION`].
    ///
    /// # Errors
    /// [`Error::ScheduleUnchanged`] when it has no schedule, or a schedule besides a suspended
    /// one; [`Error::NotFound`] for an unknown workflow; otherwise as
    /// [`crate::AtlanClient::execute`].
    pub async fn suspend(&self, workflow_name: &str) -> Result<ScheduleSuspension> {
        const OPERATION: &str = "schedules.suspend";
        let mut workflow = self.workflow(workflow_name).await?.to_workflow();
        let live = WorkflowSchedule::of(&workflow.metadata);
        let record = SuspendedSchedules::of_workflow(&workflow.metadata)
            .transpose()
            .map_err(|error| {
                refuse(OPERATION, workflow_name, ScheduleRefusal::Unreadable(error))
            })?;
        let (record, changed) = match (live, record) {
            (None, None) => {
                return Err(refuse(
                    OPERATION,
                    workflow_name,
                    ScheduleRefusal::NotScheduled,
                ));
            }
            (None, Some(record)) => (record, false),
            (Some(live), Some(record)) if record.schedules != [live.clone()] => {
                return Err(refuse(
                    OPERATION,
                    workflow_name,
                    ScheduleRefusal::Conflict { live: vec![live] },
                ));
            }
            (Some(_), Some(record)) => (record, true),
            (Some(live), None) => (SuspendedSchedules::new(vec![live], now()), true),
        };
        if changed {
            workflow
                .metadata
                .set_annotation(SUSPENDED_SCHEDULE_ANNOTATION, record.to_json_text());
            WorkflowSchedule::remove_from(&mut workflow);
            self.update(&workflow).await?;
        }
        Ok(ScheduleSuspension {
            workflow: workflow_name.to_owned(),
            record,
            changed,
        })
    }

    /// Resumes a legacy workflow's suspended schedule: one update sets the cron and time zone
    /// annotations from the record and removes the record.
    ///
    /// # Errors
    /// [`Error::ScheduleUnchanged`] when it was never suspended, or has a schedule other than the
    /// suspended one; [`Error::NotFound`] for an unknown workflow; otherwise as
    /// [`crate::AtlanClient::execute`].
    pub async fn resume(&self, workflow_name: &str) -> Result<ScheduleSuspension> {
        const OPERATION: &str = "schedules.resume";
        let mut workflow = self.workflow(workflow_name).await?.to_workflow();
        let live = WorkflowSchedule::of(&workflow.metadata);
        let Some(record) = SuspendedSchedules::of_workflow(&workflow.metadata)
            .transpose()
            .map_err(|error| {
                refuse(OPERATION, workflow_name, ScheduleRefusal::Unreadable(error))
            })?
        else {
            return Err(refuse(
                OPERATION,
                workflow_name,
                ScheduleRefusal::NotSuspended,
            ));
        };
        if let Some(live) = live
            && record.schedules != [live.clone()]
        {
            return Err(refuse(
                OPERATION,
                workflow_name,
                ScheduleRefusal::Conflict { live: vec![live] },
            ));
        }
        if let Some(schedule) = record.schedules.first() {
            schedule.apply_to(&mut workflow);
        }
        workflow
            .metadata
            .remove_annotation(SUSPENDED_SCHEDULE_ANNOTATION);
        self.update(&workflow).await?;
        Ok(ScheduleSuspension {
            workflow: workflow_name.to_owned(),
            record,
            changed: true,
        })
    }

    /// The legacy workflows whose schedule is suspended, each with its record (up to 10,000).
    ///
    /// # Errors
    /// As [`crate::AtlanClient::execute`].
    pub async fn suspended(
        &self,
    ) -> Result<Vec<(String, Result<SuspendedSchedules, InvalidSuspension>)>> {
        let request = crate::requests::workflows::suspended_schedules(10_000)?;
        let response: atlan_model::WorkflowSearchResponse =
            self.client().execute_json(&request).await?;
        Ok(response
            .into_hits()
            .iter()
            .filter_map(|hit| {
                let metadata = &hit.source.metadata;
                let name = metadata.name()?.to_owned();
                Some((name, SuspendedSchedules::of_workflow(metadata)?))
            })
            .collect())
    }
}

/// An app workflow's triggers: (trigger id, schedule).
fn triggers(summary: &AppSummary) -> Vec<(Option<String>, WorkflowSchedule)> {
    summary
        .schedules
        .iter()
        .flatten()
        .filter_map(|entry| {
            let timezone = entry
                .timezone
                .clone()
                .filter(|zone| !zone.is_empty())
                .unwrap_or_else(|| "UTC".into());
            // A trigger the server holds checks; one that does not is left as it is.
            let schedule = WorkflowSchedule::new(entry.cron.clone()?, timezone).ok()?;
            Some((entry.trigger_id.clone(), schedule))
        })
        .collect()
}

/// `all` without one of each of `taken` (a multiset difference).
fn without(all: &[WorkflowSchedule], taken: &[WorkflowSchedule]) -> Vec<WorkflowSchedule> {
    let mut left: Vec<&WorkflowSchedule> = taken.iter().collect();
    all.iter()
        .filter(|schedule| match left.iter().position(|t| t == schedule) {
            Some(index) => {
                left.swap_remove(index);
                false
            }
            None => true,
        })
        .cloned()
        .collect()
}

/// The record stored in an app workflow's inputs, if any.
fn app_record(
    summary: &AppSummary,
    operation: &'static str,
    slug: &str,
) -> Result<Option<SuspendedSchedules>> {
    summary
        .stored_inputs()
        .and_then(|inputs| inputs.get(SUSPENDED_SCHEDULES_INPUT).cloned())
        .filter(|value| !value.is_null())
        .map(|value| SuspendedSchedules::parse(&value))
        .transpose()
        .map_err(|error| refuse(operation, slug, ScheduleRefusal::Unreadable(error)))
}

impl AppSchedules {
    /// Suspends every trigger of an app workflow: an update of its inputs records them (cron and
    /// time zone) in the input [`SUSPENDED_SCHEDULES_INPUT`] first, then each trigger is removed.
    /// Done again after an interruption, it removes the triggers left.
    ///
    /// # Errors
    /// [`Error::ScheduleUnchanged`] when it has no trigger and none suspended, or triggers added
    /// since it was suspended; [`Error::NotFound`] for an unknown slug; otherwise as
    /// [`crate::AtlanClient::execute`].
    pub async fn suspend(&self, slug: &str) -> Result<ScheduleSuspension> {
        const OPERATION: &str = "apps.schedules.suspend";
        let summary = self.apps.workflows().get(slug).await?;
        let live = triggers(&summary);
        let schedules: Vec<WorkflowSchedule> = live.iter().map(|(_, s)| s.clone()).collect();
        let record = match app_record(&summary, OPERATION, slug)? {
            None if live.is_empty() => {
                return Err(refuse(OPERATION, slug, ScheduleRefusal::NotScheduled));
            }
            None => {
                let record = SuspendedSchedules::new(schedules, now());
                self.write_record(&summary, slug, Some(&record)).await?;
                record
            }
            Some(record) => {
                let added = without(&schedules, &record.schedules);
                if !added.is_empty() {
                    return Err(refuse(
                        OPERATION,
                        slug,
                        ScheduleRefusal::Conflict { live: added },
                    ));
                }
                record
            }
        };
        for trigger in live.iter().filter_map(|(id, _)| id.as_deref()) {
            self.remove(slug, trigger).await?;
        }
        Ok(ScheduleSuspension {
            workflow: slug.to_owned(),
            record,
            changed: !live.is_empty(),
        })
    }

    /// Resumes an app workflow's suspended triggers: each one missing is added back, then the
    /// record is taken out of its inputs. Done again after an interruption, it adds only the
    /// triggers still missing.
    ///
    /// # Errors
    /// [`Error::ScheduleUnchanged`] when it was never suspended, or has triggers added since;
    /// [`Error::NotFound`] for an unknown slug; otherwise as [`crate::AtlanClient::execute`].
    pub async fn resume(&self, slug: &str) -> Result<ScheduleSuspension> {
        const OPERATION: &str = "apps.schedules.resume";
        let summary = self.apps.workflows().get(slug).await?;
        let Some(record) = app_record(&summary, OPERATION, slug)? else {
            return Err(refuse(OPERATION, slug, ScheduleRefusal::NotSuspended));
        };
        let live: Vec<WorkflowSchedule> = triggers(&summary).into_iter().map(|(_, s)| s).collect();
        let added = without(&live, &record.schedules);
        if !added.is_empty() {
            return Err(refuse(
                OPERATION,
                slug,
                ScheduleRefusal::Conflict { live: added },
            ));
        }
        for schedule in without(&record.schedules, &live) {
            self.add(slug, schedule.cron)
                .timezone(schedule.timezone)
                .await?;
        }
        self.write_record(&summary, slug, None).await?;
        Ok(ScheduleSuspension {
            workflow: slug.to_owned(),
            record,
            changed: true,
        })
    }

    /// Replaces the stored inputs with the record set (or taken out), the rest as stored.
    async fn write_record(
        &self,
        summary: &AppSummary,
        slug: &str,
        record: Option<&SuspendedSchedules>,
    ) -> Result<()> {
        let mut inputs = summary.stored_inputs().unwrap_or_default();
        match record {
            Some(record) => {
                inputs.set(SUSPENDED_SCHEDULES_INPUT, record.to_value());
            }
            None => {
                inputs.remove(SUSPENDED_SCHEDULES_INPUT);
            }
        }
        let mut update = self.apps.workflows().update(slug.to_owned(), inputs);
        if let Some(entrypoint) = summary.entrypoint().filter(|e| !e.is_empty()) {
            update = update.entrypoint(entrypoint.to_owned());
        }
        update.await.map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(cron: &str) -> WorkflowSchedule {
        WorkflowSchedule::new(cron, "UTC").unwrap()
    }

    #[test]
    fn without_takes_one_of_each() {
        let all = [at("0 1 * * *"), at("0 1 * * *"), at("0 2 * * *")];
        assert_eq!(
            without(&all, &[at("0 1 * * *")]),
            [at("0 1 * * *"), at("0 2 * * *")]
        );
        assert_eq!(without(&all, &all), []);
        assert_eq!(without(&[], &all), []);
    }

    #[test]
    fn a_refusal_says_what_was_not_changed() {
        let error = refuse(
            "schedules.resume",
            "atlan-snowflake-1714638976",
            ScheduleRefusal::Conflict {
                live: vec![at("0 3 * * *")],
            },
        );
        assert_eq!(
            error.to_string(),
            "schedules.resume: workflow `atlan-snowflake-1714638976` has schedules added since it \
             was suspended (`0 3 * * *` in UTC): remove them first; nothing was changed"
        );
    }
}
