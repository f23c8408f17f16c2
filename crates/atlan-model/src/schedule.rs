//! Workflow schedules: the cron annotations on a workflow, and Atlan's cron workflow objects.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::meta::{ObjectMeta, SCHEDULE_ANNOTATION, TIMEZONE_ANNOTATION};
use crate::wire::wire_object;
use crate::workflow::{Workflow, WorkflowSpec};

/// A cron schedule for a workflow.
///
/// On the wire it is two annotations on the workflow, `orchestration.atlan.com/schedule` (the cron
/// expression) and `orchestration.atlan.com/timezone`; adding or removing a schedule is an update of
/// the workflow with or without them.
///
/// ```
/// use atlan_model::{ObjectMeta, Workflow, WorkflowSchedule, WorkflowSpec};
///
/// let mut workflow = Workflow::new(ObjectMeta::named("atlan-snowflake-1714638976"), WorkflowSpec::default());
/// let schedule = WorkflowSchedule::new("45 5 * * *", "Europe/Paris")?;
/// schedule.apply_to(&mut workflow);
/// assert_eq!(workflow.schedule(), Some(schedule));
/// WorkflowSchedule::remove_from(&mut workflow);
/// assert_eq!(workflow.schedule(), None);
/// assert_eq!(workflow.metadata.annotation("orchestration.atlan.com/timezone"), Some("Europe/Paris"));
/// # Ok::<(), atlan_model::InvalidSchedule>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WorkflowSchedule {
    /// Cron expression: five fields (`minute hour day-of-month month day-of-week`) or a macro such as
    /// `@daily`.
    pub cron: String,
    /// IANA time zone the expression is read in, such as `Europe/Paris`.
    pub timezone: String,
}

impl WorkflowSchedule {
    /// A schedule from a cron expression and a time zone, checked for shape.
    ///
    /// # Errors
    /// [`InvalidSchedule`] when the expression is neither five fields nor an `@` macro, or the time
    /// zone is empty or contains white space.
    pub fn new(
        cron: impl Into<String>,
        timezone: impl Into<String>,
    ) -> Result<Self, InvalidSchedule> {
        let cron = cron.into().trim().to_owned();
        let timezone = timezone.into().trim().to_owned();
        let fields = cron.split_whitespace().count();
        let is_macro = cron.starts_with('@') && fields == 1;
        if !is_macro && fields != 5 {
            return Err(InvalidSchedule::Cron { cron, fields });
        }
        if timezone.is_empty() || timezone.contains(char::is_whitespace) {
            return Err(InvalidSchedule::Timezone { timezone });
        }
        Ok(Self { cron, timezone })
    }

    /// The schedule set on a workflow's metadata, when both annotations are present.
    pub fn of(metadata: &ObjectMeta) -> Option<Self> {
        Some(Self {
            cron: metadata.annotation(SCHEDULE_ANNOTATION)?.to_owned(),
            timezone: metadata.annotation(TIMEZONE_ANNOTATION)?.to_owned(),
        })
    }

    /// Sets this schedule's annotations on a workflow.
    pub fn apply_to(&self, workflow: &mut Workflow) {
        let metadata = &mut workflow.metadata;
        metadata.set_annotation(SCHEDULE_ANNOTATION, self.cron.clone());
        metadata.set_annotation(TIMEZONE_ANNOTATION, self.timezone.clone());
    }

    /// Removes the schedule from a workflow: the cron annotation goes, the time zone annotation
    /// stays (the server expects it). Returns the cron expression that was removed.
    pub fn remove_from(workflow: &mut Workflow) -> Option<String> {
        workflow.metadata.remove_annotation(SCHEDULE_ANNOTATION)
    }
}

/// A schedule that is not well formed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidSchedule {
    /// The cron expression is neither five fields nor an `@` macro.
    #[error(
        "invalid cron expression `{cron}`: expected 5 fields or an @macro, found {fields} fields"
    )]
    Cron {
        /// The expression given.
        cron: String,
        /// How many fields it has.
        fields: usize,
    },
    /// The time zone is empty or contains white space.
    #[error("invalid time zone `{timezone}`: expected an IANA name such as Europe/Paris")]
    Timezone {
        /// The time zone given.
        timezone: String,
    },
}

wire_object! {
    /// A scheduled workflow as Atlan returns it (`GET runs/cron/{name}-cron`): an Argo CronWorkflow.
    pub struct WorkflowScheduleResponse {
        /// `argoproj.io/v1alpha1`.
        opt "apiVersion" api_version: String,
        /// `CronWorkflow`.
        opt "kind" kind: String,
        /// Object metadata (the name is `<workflow>-cron`).
        opt "metadata" metadata: ObjectMeta,
        /// The schedule and the workflow it runs.
        opt "spec" spec: WorkflowScheduleSpec,
        /// When it last ran and what is running.
        opt "status" status: WorkflowScheduleStatus,
        /// Metadata of the scheduled workflow.
        opt "workflowMetadata" workflow_metadata: ObjectMeta,
    }
}

impl WorkflowScheduleResponse {
    /// The schedule, when the spec has both a cron expression and a time zone.
    pub fn schedule(&self) -> Option<WorkflowSchedule> {
        let spec = self.spec.as_ref()?;
        Some(WorkflowSchedule {
            cron: spec.schedule.clone()?,
            timezone: spec.timezone.clone()?,
        })
    }
}

wire_object! {
    /// The spec of a CronWorkflow.
    pub struct WorkflowScheduleSpec {
        /// Cron expression.
        opt "schedule" schedule: String,
        /// Time zone of the expression.
        opt "timezone" timezone: String,
        /// The workflow spec it runs.
        opt "workflowSpec" workflow_spec: WorkflowSpec,
        /// `Allow`, `Forbid` or `Replace`.
        opt "concurrencyPolicy" concurrency_policy: String,
        /// How late a missed run may still start, in seconds.
        opt "startingDeadlineSeconds" starting_deadline_seconds: i64,
        /// How many successful runs to keep.
        opt "successfulJobsHistoryLimit" successful_jobs_history_limit: i64,
        /// How many failed runs to keep.
        opt "failedJobsHistoryLimit" failed_jobs_history_limit: i64,
        /// Whether scheduling is suspended.
        opt "suspend" suspend: bool,
        /// Metadata given to each run.
        opt "workflowMetadata" workflow_metadata: ObjectMeta,
    }
}

wire_object! {
    /// The status of a CronWorkflow.
    pub struct WorkflowScheduleStatus {
        /// References to the runs that are going, kept as sent.
        opt "active" active: Value,
        /// Conditions, kept as sent.
        opt "conditions" conditions: Value,
        /// When it last started a run (RFC 3339).
        opt "lastScheduledTime" last_scheduled_time: String,
    }
}

wire_object! {
    /// The answer of `GET runs/cron`: `{"items": [...]}` (Argo writes `null` for an empty list).
    pub struct WorkflowScheduleList {
        /// The scheduled workflows; read with [`items`](Self::items).
        opt "items" items: Vec<WorkflowScheduleResponse>,
    }
}

impl WorkflowScheduleList {
    /// The scheduled workflows (empty when absent or `null`).
    pub fn items(&self) -> &[WorkflowScheduleResponse] {
        self.items.as_deref().unwrap_or_default()
    }
}
