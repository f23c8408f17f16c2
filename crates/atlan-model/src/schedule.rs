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

impl Workflow {
    /// The cron schedule set on this workflow, if both its annotations are present.
    pub fn schedule(&self) -> Option<WorkflowSchedule> {
        WorkflowSchedule::of(&self.metadata)
    }
}

impl WorkflowSchedule {
    /// A schedule from a cron expression and a time zone, both checked: the expression as Argo
    /// reads it ([`check_cron`]) and the zone against the IANA database compiled into this crate
    /// ([`check_timezone`]).
    ///
    /// # Errors
    /// [`InvalidSchedule`] naming what is wrong with the expression or the zone.
    pub fn new(
        cron: impl Into<String>,
        timezone: impl Into<String>,
    ) -> Result<Self, InvalidSchedule> {
        let cron = cron.into().trim().to_owned();
        let timezone = timezone.into().trim().to_owned();
        check_cron(&cron)?;
        check_timezone(&timezone)?;
        Ok(Self { cron, timezone })
    }

    /// Checks both parts of a schedule read from elsewhere (a stored workflow, a server).
    ///
    /// # Errors
    /// As [`WorkflowSchedule::new`].
    pub fn check(&self) -> Result<(), InvalidSchedule> {
        check_cron(&self.cron)?;
        check_timezone(&self.timezone)
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

/// The longest cron expression or time zone name accepted.
const MAX_SCHEDULE_TEXT: usize = 256;

/// The `@` descriptors Argo's cron parser accepts, besides `@every <duration>`.
const DESCRIPTORS: [&str; 7] = [
    "@yearly",
    "@annually",
    "@monthly",
    "@weekly",
    "@daily",
    "@midnight",
    "@hourly",
];

/// Checks a cron expression as Argo's scheduler reads it: five fields (minute, hour, day of month,
/// month, day of week) with every value in range and every step above zero, parsed by `croner`; or
/// a descriptor (`@daily`, `@hourly`, …); or `@every` and a Go duration such as `1h30m`.
///
/// ```
/// use atlan_model::check_cron;
///
/// assert!(check_cron("30 2 * * 1-5").is_ok());
/// assert!(check_cron("@every 90m").is_ok());
/// assert!(check_cron("61 * * * *").is_err());
/// assert!(check_cron("*/0 * * * *").is_err());
/// ```
///
/// # Errors
/// [`InvalidSchedule::Cron`] with the reason.
pub fn check_cron(cron: &str) -> Result<(), InvalidSchedule> {
    let invalid = |reason: &str| InvalidSchedule::Cron {
        cron: cron.chars().take(MAX_SCHEDULE_TEXT).collect(),
        reason: reason.to_owned(),
    };
    let cron = cron.trim();
    if cron.len() > MAX_SCHEDULE_TEXT {
        return Err(invalid("longer than 256 characters"));
    }
    if let Some(duration) = cron.strip_prefix("@every") {
        return check_go_duration(duration.trim()).map_err(|reason| {
            invalid(&format!("@every needs a duration such as 1h30m: {reason}"))
        });
    }
    if cron.starts_with('@') {
        return if DESCRIPTORS.contains(&cron.to_ascii_lowercase().as_str()) {
            Ok(())
        } else {
            Err(invalid(
                "unknown descriptor (expected @yearly, @monthly, @weekly, @daily, @hourly or @every <duration>)",
            ))
        };
    }
    let fields = cron.split_whitespace().count();
    if fields != 5 {
        return Err(invalid(&format!(
            "expected 5 fields (minute hour day-of-month month day-of-week), found {fields}"
        )));
    }
    croner::parser::CronParser::builder()
        .seconds(croner::parser::Seconds::Disallowed)
        .build()
        .parse(cron)
        .map(|_| ())
        .map_err(|error| invalid(&error.to_string()))
}

/// A Go duration (`300ms`, `1.5h`, `2h45m`): numbers each followed by a unit, above zero.
fn check_go_duration(text: &str) -> Result<(), String> {
    if text.is_empty() {
        return Err("it is missing".into());
    }
    let mut rest = text;
    let mut positive = false;
    while !rest.is_empty() {
        let number_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (number, after) = rest.split_at(number_end);
        let value: f64 = number
            .parse()
            .map_err(|_| format!("`{text}` is not a duration"))?;
        positive |= value > 0.0;
        let unit = ["ns", "us", "µs", "ms", "s", "m", "h"]
            .into_iter()
            .filter(|unit| after.starts_with(unit))
            .max_by_key(|unit| unit.len())
            .ok_or_else(|| format!("`{text}` has a number without a unit"))?;
        rest = after.get(unit.len()..).unwrap_or_default();
    }
    if positive {
        Ok(())
    } else {
        Err("it must be above zero".into())
    }
}

/// Checks a time zone name against the IANA time zone database compiled into this crate (no file
/// is read): `UTC`, `Europe/Paris`, `America/New_York`; `Mars/Olympus` and paths are refused.
///
/// ```
/// use atlan_model::check_timezone;
///
/// assert!(check_timezone("Asia/Kolkata").is_ok());
/// assert!(check_timezone("../../etc/passwd").is_err());
/// ```
///
/// # Errors
/// [`InvalidSchedule::Timezone`].
pub fn check_timezone(timezone: &str) -> Result<(), InvalidSchedule> {
    let known = timezone.len() <= MAX_SCHEDULE_TEXT
        && !timezone.contains("..")
        && !timezone.starts_with('/')
        && jiff::tz::db().get(timezone).is_ok();
    if known {
        Ok(())
    } else {
        Err(InvalidSchedule::Timezone {
            timezone: timezone.chars().take(MAX_SCHEDULE_TEXT).collect(),
        })
    }
}

/// A schedule that is not well formed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidSchedule {
    /// The cron expression does not parse, or a value is out of range.
    #[error("invalid cron expression `{cron}`: {reason}")]
    Cron {
        /// The expression given (at most 256 characters of it).
        cron: String,
        /// What is wrong.
        reason: String,
    },
    /// The time zone is not in the IANA time zone database.
    #[error("unknown time zone `{timezone}`: expected an IANA name such as Europe/Paris or UTC")]
    Timezone {
        /// The time zone given (at most 256 characters of it).
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
