//! What app workflow results look like: their table columns, rows and JSON documents (the API's
//! objects, with any credential in inputs redacted).

use atlan_workflows::model::{
    AppInfo, AppInputs, AppResponse, AppRunResponse, AppSummary, AppWorkflowRunAttributes,
    CancelRunResponse, DeleteAppResponse, InputContract, ScheduleAdded, ScheduleRemoved,
};
use jiff::Timestamp;
use serde::Serialize;
use serde_json::Value;

use crate::output::Record;

/// What an absent value shows.
const NONE: &str = "-";

/// The columns of an app.
pub(crate) const INFO_COLUMNS: &[&str] = &["APP", "NAME", "MODE", "ENTRYPOINTS"];
/// The columns of an input contract.
pub(crate) const FIELD_COLUMNS: &[&str] = &["FIELD", "TYPE", "REQUIRED", "DEFAULT"];
/// The columns of app workflows.
pub(crate) const WORKFLOW_COLUMNS: &[&str] = &["SLUG", "NAME", "APP", "VERSION", "SCHEDULES"];
/// The columns of a create or update answer.
pub(crate) const CHANGE_COLUMNS: &[&str] = &["SLUG", "VERSION", "RUN", "SCHEDULE"];
/// The columns of app runs.
pub(crate) const RUN_COLUMNS: &[&str] = &["RUN", "SLUG", "STATUS", "STARTED"];
/// The columns of runs found through the asset search.
pub(crate) const FOUND_RUN_COLUMNS: &[&str] = &["RUN", "SLUG", "STATUS", "STARTED", "COMPLETED"];
/// The columns of a cancel.
pub(crate) const CANCEL_COLUMNS: &[&str] = &["RUN", "CANCELLED", "STATUS"];
/// The columns of a delete.
pub(crate) const DELETE_COLUMNS: &[&str] = &["SLUG", "ARCHIVED"];
/// The columns of a schedule change.
pub(crate) const SCHEDULE_COLUMNS: &[&str] = &["TRIGGER", "CRON", "TIMEZONE"];
/// The columns of a removed schedule.
pub(crate) const REMOVED_COLUMNS: &[&str] = &["TRIGGER", "DELETED"];

fn text(value: Option<&str>) -> String {
    value
        .filter(|value| !value.is_empty())
        .unwrap_or(NONE)
        .to_owned()
}

fn json(value: &impl Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

fn millis(value: Option<i64>) -> String {
    value
        .and_then(|millis| Timestamp::from_millisecond(millis).ok())
        .map_or_else(|| NONE.to_owned(), crate::rows::instant)
}

pub(crate) fn info(info: &AppInfo) -> Record {
    let entrypoints: Vec<&str> = info
        .entrypoints
        .iter()
        .flatten()
        .map(|entrypoint| entrypoint.name.as_str())
        .collect();
    Record {
        row: vec![
            text(info.app_id.as_deref()),
            text(info.name.as_deref()),
            text(info.execution_mode.as_deref()),
            if entrypoints.is_empty() {
                "(default)".into()
            } else {
                entrypoints.join(",")
            },
        ],
        json: json(info),
    }
}

/// One record per field of a contract (JSON: the whole contract, once, on the first record).
pub(crate) fn contract(contract: &InputContract) -> Vec<Record> {
    contract
        .field_names()
        .enumerate()
        .map(|(index, name)| {
            let field = contract.field(name).cloned().unwrap_or(Value::Null);
            let kind = field
                .get("type")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .or_else(|| field.get("anyOf").map(|_| "anyOf".to_owned()))
                .or_else(|| field.get("$ref").and_then(Value::as_str).map(str::to_owned))
                .unwrap_or_else(|| NONE.to_owned());
            Record {
                row: vec![
                    name.to_owned(),
                    kind,
                    if contract.is_required(name) {
                        "yes"
                    } else {
                        "no"
                    }
                    .into(),
                    contract
                        .default_of(name)
                        .map_or_else(|| NONE.to_owned(), Value::to_string),
                ],
                json: if index == 0 {
                    json(contract)
                } else {
                    Value::Null
                },
            }
        })
        .collect()
}

pub(crate) fn workflow(summary: &AppSummary) -> Record {
    let mut shown = json(summary);
    if let Some(args) = shown.pointer_mut("/dag/extract/inputs/args")
        && let Ok(inputs) = serde_json::from_value::<AppInputs>(args.clone())
    {
        *args = inputs.redacted();
    }
    Record {
        row: vec![
            text(summary.slug.as_deref()),
            text(summary.name.as_deref()),
            text(summary.app()),
            summary
                .version
                .map_or_else(|| NONE.to_owned(), |v| v.to_string()),
            summary.schedules.as_ref().map_or(0, Vec::len).to_string(),
        ],
        json: shown,
    }
}

pub(crate) fn change(response: &AppResponse) -> Record {
    Record {
        row: vec![
            response.slug.clone(),
            response
                .version
                .map_or_else(|| NONE.to_owned(), |v| v.to_string()),
            text(response.run_id.as_deref()),
            text(response.schedule_trigger_id.as_deref()),
        ],
        json: json(response),
    }
}

pub(crate) fn run(run: &AppRunResponse) -> Record {
    Record {
        row: vec![
            text(run.run_id.as_deref()),
            text(run.slug.as_deref()),
            run.status
                .as_ref()
                .map_or_else(|| NONE.to_owned(), ToString::to_string),
            crate::rows::time(run.started_at.as_deref()),
        ],
        json: json(run),
    }
}

pub(crate) fn found_run(run: &AppWorkflowRunAttributes) -> Record {
    Record {
        row: vec![
            text(run.name.as_deref()),
            text(run.workflow_slug.as_deref()),
            run.status
                .as_ref()
                .map_or_else(|| NONE.to_owned(), ToString::to_string),
            millis(run.started_at),
            millis(run.completed_at),
        ],
        json: json(run),
    }
}

pub(crate) fn cancel(cancel: &CancelRunResponse) -> Record {
    Record {
        row: vec![
            text(cancel.run_id.as_deref()),
            cancel.cancelled.unwrap_or(false).to_string(),
            cancel
                .status
                .as_ref()
                .map_or_else(|| NONE.to_owned(), ToString::to_string),
        ],
        json: json(cancel),
    }
}

pub(crate) fn delete(delete: &DeleteAppResponse) -> Record {
    Record {
        row: vec![
            text(delete.slug.as_deref()),
            delete.archived.unwrap_or(false).to_string(),
        ],
        json: json(delete),
    }
}

pub(crate) fn schedule(added: &ScheduleAdded) -> Record {
    Record {
        row: vec![
            text(added.trigger_id.as_deref()),
            text(added.cron.as_deref()),
            text(added.timezone.as_deref()),
        ],
        json: json(added),
    }
}

pub(crate) fn removed(removed: &ScheduleRemoved) -> Record {
    Record {
        row: vec![
            text(removed.trigger_id.as_deref()),
            removed.deleted.unwrap_or(false).to_string(),
        ],
        json: json(removed),
    }
}
