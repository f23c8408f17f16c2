//! What each kind of result looks like: its table columns, its row, its JSON document.
//!
//! JSON documents are the objects the API returns (for workflows and runs, the Argo object a
//! search hit holds), with every secret redacted.

use atlan_workflows::model::{
    CredentialResponse, CredentialTestResponse, ObjectMeta, RunStatus, WorkflowRunResponse,
    WorkflowScheduleResponse, WorkflowSearchResult, WorkflowSpec, redact_workflow_json,
};
use atlan_workflows::{WorkflowResponse, WorkflowSchedule};
use jiff::Timestamp;
use serde::Serialize;
use serde_json::Value;

use crate::output::Record;

/// What an absent value shows.
const NONE: &str = "-";

/// The columns of runs.
pub(crate) const RUN_COLUMNS: &[&str] = &[
    "NAME", "PACKAGE", "PHASE", "STARTED", "DURATION", "PROGRESS",
];
/// The columns of workflows.
pub(crate) const WORKFLOW_COLUMNS: &[&str] = &["NAME", "PACKAGE", "CREATED", "SCHEDULE"];
/// The columns of credentials.
pub(crate) const CREDENTIAL_COLUMNS: &[&str] =
    &["ID", "NAME", "CONNECTOR", "AUTH", "USERNAME", "HOST"];
/// The columns of a credential test.
pub(crate) const TEST_COLUMNS: &[&str] = &["RESULT", "MESSAGE"];
/// The columns of schedules.
pub(crate) const SCHEDULE_COLUMNS: &[&str] =
    &["WORKFLOW", "SCHEDULE", "TIMEZONE", "LAST SCHEDULED"];

/// `record` of a run a re-run or submit shows, with whether it started it (`"started"`).
pub(crate) fn started(mut record: Record, started: bool) -> Record {
    if let Some(object) = record.json.as_object_mut() {
        object.insert("started".into(), Value::Bool(started));
    }
    record
}

/// A run found by a search. `now` is when a run still going is measured to.
pub(crate) fn run_hit(run: &WorkflowSearchResult, now: Timestamp) -> Record {
    Record {
        row: run_hit_row(run, now),
        json: run_hit_json(run),
    }
}

/// The table row of a run found by a search.
pub(crate) fn run_hit_row(run: &WorkflowSearchResult, now: Timestamp) -> Vec<String> {
    let source = &run.source;
    run_row(
        run.name(),
        &source.metadata,
        &source.spec,
        source.status.as_ref(),
        now,
    )
}

/// The JSON document of a run found by a search: the Argo object.
pub(crate) fn run_hit_json(run: &WorkflowSearchResult) -> Value {
    shown(&run.source)
}

/// The JSON line of a run found by a search: the text of [`run_hit_json`], written straight from
/// the typed run (a model writes its keys in order, as a `Value` does) unless it carries a
/// `payload` to redact.
pub(crate) fn run_hit_line(
    run: &WorkflowSearchResult,
    line: &mut Vec<u8>,
) -> serde_json::Result<()> {
    if run.source.other.contains_key("payload") {
        serde_json::to_writer(line, &run_hit_json(run))
    } else {
        serde_json::to_writer(line, &run.source)
    }
}

/// A run as a re-run or a stop answers it.
pub(crate) fn run_response(run: &WorkflowRunResponse, now: Timestamp) -> Record {
    let metadata = run.metadata.clone().unwrap_or_default();
    let spec = run.spec.clone().unwrap_or_default();
    Record {
        row: run_row(
            run.name().unwrap_or(NONE),
            &metadata,
            &spec,
            run.status.as_ref(),
            now,
        ),
        json: shown(run),
    }
}

/// A workflow found by a search.
pub(crate) fn workflow_hit(workflow: &WorkflowSearchResult) -> Record {
    Record {
        row: workflow_hit_row(workflow),
        json: workflow_hit_json(workflow),
    }
}

/// A workflow found by a search, as a table row.
pub(crate) fn workflow_hit_row(workflow: &WorkflowSearchResult) -> Vec<String> {
    workflow_row(workflow.name(), &workflow.source.metadata)
}

/// A workflow found by a search, as its JSON line's document.
pub(crate) fn workflow_hit_json(workflow: &WorkflowSearchResult) -> Value {
    shown(&workflow.source)
}

/// A workflow as a submit or an update answers it.
pub(crate) fn workflow_response(workflow: &WorkflowResponse) -> Record {
    let metadata = workflow.metadata.clone().unwrap_or_default();
    Record {
        row: workflow_row(metadata.name().unwrap_or(NONE), &metadata),
        json: shown(workflow),
    }
}

/// A stored credential (never a password; `extra` values and unknown fields redacted).
pub(crate) fn credential(credential: &CredentialResponse) -> Record {
    let host = match (&credential.host, credential.port) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.clone(),
        (None, _) => NONE.to_owned(),
    };
    Record {
        row: vec![
            credential.id.clone(),
            text(credential.name.as_deref()),
            text(credential.connector.as_deref()),
            text(credential.auth_type.as_deref()),
            text(credential.username.as_deref()),
            host,
        ],
        json: credential.to_redacted_json(),
    }
}

/// The result of a credential test.
pub(crate) fn credential_test(test: &CredentialTestResponse) -> Record {
    let result = if test.is_successful() {
        "successful"
    } else {
        "failed"
    };
    Record {
        row: vec![result.to_owned(), text(test.reason())],
        json: shown(test),
    }
}

/// The columns of `schedules list`.
pub(crate) const SCHEDULE_LIST_COLUMNS: &[&str] = &[
    "API",
    "WORKFLOW",
    "SCHEDULE",
    "TIMEZONE",
    "STATE",
    "NEXT",
    "LAST FIRED",
    "TRIGGER",
];

/// A schedule of either API in `schedules list`; its JSON has the same fields.
pub(crate) fn schedule_row(row: &atlan_ops::ScheduleRow) -> Record {
    let at = |when: Option<Timestamp>| when.map_or_else(|| NONE.to_owned(), instant);
    Record {
        row: vec![
            row.api.as_str().to_owned(),
            row.workflow.clone(),
            row.cron.clone(),
            row.timezone.clone(),
            if row.suspended { "suspended" } else { "active" }.to_owned(),
            at(row.next),
            at(row.last_fired),
            text(row.trigger_id.as_deref()),
        ],
        json: serde_json::to_value(row).unwrap_or(Value::Null),
    }
}

/// A scheduled workflow (its CronWorkflow).
pub(crate) fn schedule(schedule: &WorkflowScheduleResponse) -> Record {
    let spec = schedule.spec.as_ref();
    let workflow = spec
        .and_then(|spec| spec.workflow_spec.as_ref())
        .and_then(|spec| spec.workflow_template_ref.as_ref())
        .and_then(|reference| reference.name.clone())
        .or_else(|| {
            let name = schedule.metadata.as_ref()?.name()?;
            Some(name.strip_suffix("-cron").unwrap_or(name).to_owned())
        });
    let last = schedule
        .status
        .as_ref()
        .and_then(|status| status.last_scheduled_time.as_deref());
    Record {
        row: vec![
            text(workflow.as_deref()),
            text(spec.and_then(|spec| spec.schedule.as_deref())),
            text(spec.and_then(|spec| spec.timezone.as_deref())),
            time(last),
        ],
        json: shown(schedule),
    }
}

fn run_row(
    name: &str,
    metadata: &ObjectMeta,
    spec: &WorkflowSpec,
    status: Option<&RunStatus>,
    now: Timestamp,
) -> Vec<String> {
    let workflow = spec
        .workflow_template_ref
        .as_ref()
        .and_then(|reference| reference.name.as_deref())
        .or_else(|| metadata.label("workflows.argoproj.io/workflow-template"));
    let package = package(workflow, metadata);
    let started = status.and_then(|status| status.started_at.as_deref());
    let finished = status.and_then(|status| status.finished_at.as_deref());
    vec![
        name.to_owned(),
        text(package.as_deref()),
        text(
            status
                .and_then(|status| status.phase.as_ref())
                .map(|phase| phase.as_str()),
        ),
        time(started),
        duration(started, finished, now),
        text(status.and_then(|status| status.progress.as_deref())),
    ]
}

fn workflow_row(name: &str, metadata: &ObjectMeta) -> Vec<String> {
    let package = package(Some(name), metadata);
    let schedule = WorkflowSchedule::of(metadata)
        .map(|schedule| format!("{} ({})", schedule.cron, schedule.timezone));
    vec![
        name.to_owned(),
        text(package.as_deref()),
        time(metadata.creation_timestamp.as_deref()),
        text(schedule.as_deref()),
    ]
}

/// The PACKAGE of a workflow or run (as the run view has it).
fn package(workflow: Option<&str>, metadata: &ObjectMeta) -> Option<String> {
    atlan_ops::view::legacy::package(workflow, metadata)
}

/// How long a run took, or has been going (to `now`); `-` before it starts or for a time that
/// does not parse.
fn duration(started: Option<&str>, finished: Option<&str>, now: Timestamp) -> String {
    let Some(started) = started.and_then(|text| text.parse::<Timestamp>().ok()) else {
        return NONE.to_owned();
    };
    let end = match finished {
        Some(text) => match text.parse::<Timestamp>() {
            Ok(end) => end,
            Err(_) => return NONE.to_owned(),
        },
        None => now,
    };
    let seconds = end.as_second().saturating_sub(started.as_second()).max(0);
    human(seconds.unsigned_abs())
}

/// A whole number of seconds as people write it (`42s`, `5m 12s`, `1h 2m`, `3d 4h`).
pub(crate) fn human(seconds: u64) -> String {
    atlan_workflows::human_duration(std::time::Duration::from_secs(seconds))
}

/// An instant as every table shows it: UTC, to the second (`2026-12-07T11:59:59Z`).
pub(crate) fn instant(at: Timestamp) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A time the server sent as text, as [`instant`] shows it; `-` for none, and text that is not a
/// time as it is.
pub(crate) fn time(value: Option<&str>) -> String {
    match value.map(|text| (text, text.parse::<Timestamp>())) {
        Some((_, Ok(at))) => instant(at),
        Some((text, Err(_))) => text.to_owned(),
        None => NONE.to_owned(),
    }
}

fn text(value: Option<&str>) -> String {
    value
        .filter(|value| !value.is_empty())
        .unwrap_or(NONE)
        .to_owned()
}

/// A model as JSON, with the credentials a workflow payload may echo redacted.
fn shown(value: &impl Serialize) -> Value {
    let mut json = serde_json::to_value(value).unwrap_or(Value::Null);
    redact_workflow_json(&mut json);
    json
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use atlan_workflows::model::decode_value;
    use serde_json::json;

    use super::*;

    #[test]
    fn every_time_shows_to_the_second_in_utc() {
        assert_eq!(
            time(Some("2026-12-07T11:59:57.865Z")),
            "2026-12-07T11:59:57Z"
        );
        assert_eq!(
            time(Some("2026-12-07T12:59:55+01:00")),
            "2026-12-07T11:59:55Z"
        );
        assert_eq!(time(Some("yesterday")), "yesterday");
        assert_eq!(time(None), "-");
    }

    fn now() -> Timestamp {
        "2026-11-28T12:00:00Z".parse().unwrap()
    }

    fn run(status: Value) -> WorkflowSearchResult {
        decode_value(json!({
            "_id": "atlan-snowflake-miner-1714638976-mzdza",
            "_source": {
                "metadata": {"name": "atlan-snowflake-miner-1714638976-mzdza"},
                "spec": {"workflowTemplateRef": {"name": "atlan-snowflake-miner-1714638976"}},
                "status": status
            }
        }))
        .unwrap()
    }

    #[test]
    fn a_finished_run_shows_how_long_it_took() {
        let record = run_hit(
            &run(
                json!({"phase": "Succeeded", "startedAt": "2026-11-28T10:00:00Z",
                        "finishedAt": "2026-11-28T10:05:12Z", "progress": "5/5"}),
            ),
            now(),
        );
        assert_eq!(
            record.row,
            [
                "atlan-snowflake-miner-1714638976-mzdza",
                "atlan-snowflake-miner",
                "Succeeded",
                "2026-11-28T10:00:00Z",
                "5m 12s",
                "5/5"
            ]
        );
        assert_eq!(record.json["status"]["phase"], "Succeeded");
        assert!(
            record.json.get("_id").is_none(),
            "the Argo object, not the hit"
        );
    }

    /// The line written straight from the typed run is the text of its JSON document, whatever
    /// order the server sent its keys in; a run carrying a payload is redacted as its document is.
    #[test]
    fn a_run_line_is_the_text_of_its_document() {
        let line = |run: &WorkflowSearchResult| {
            let mut line = Vec::new();
            run_hit_line(run, &mut line).unwrap();
            String::from_utf8(line).unwrap()
        };
        let found: WorkflowSearchResult = decode_value(json!({
            "_id": "r-1",
            "_source": {
                "status": {"progress": "1/2", "phase": "Running", "zeta": 1, "finishedAt": null,
                           "alpha": {"b": 2, "a": [3, {"y": 1, "x": 0}]}},
                "spec": {"workflowTemplateRef": {"name": "t"}, "arguments": {}},
                "metadata": {"uid": "u", "name": "r-1", "labels": {"b": "2", "a": "1"}},
                "kind": "Workflow",
                "apiVersion": "argoproj.io/v1alpha1"
            }
        }))
        .unwrap();
        assert_eq!(line(&found), run_hit_json(&found).to_string());

        let with_payload: WorkflowSearchResult = decode_value(json!({
            "_id": "r-2",
            "_source": {
                "metadata": {"name": "r-2"}, "spec": {},
                "payload": [{"parameter": "credentialGuid", "type": "credential",
                             "body": {"username": "svc", "password": "sentinel-password"}}]
            }
        }))
        .unwrap();
        let written = line(&with_payload);
        assert_eq!(written, run_hit_json(&with_payload).to_string());
        assert!(!written.contains("sentinel-password"), "{written}");
        assert!(written.contains("[REDACTED]"), "{written}");
    }

    #[test]
    fn a_running_run_is_measured_to_now_and_a_pending_one_not_at_all() {
        let running = run_hit(
            &run(
                json!({"phase": "Running", "startedAt": "2026-11-28T11:58:30Z", "finishedAt": null}),
            ),
            now(),
        );
        assert_eq!(running.row[4], "1m 30s");
        let pending = run_hit(&run(json!({"phase": "Pending"})), now());
        assert_eq!(&pending.row[2..], ["Pending", "-", "-", "-"]);
        let garbled = run_hit(
            &run(json!({"phase": "Failed", "startedAt": "yesterday", "finishedAt": "today"})),
            now(),
        );
        assert_eq!(garbled.row[4], "-");
    }

    #[test]
    fn the_package_is_the_known_prefix_else_the_annotated_name() {
        let scheduled: WorkflowSearchResult = decode_value(json!({
            "_id": "asq-5f1c2a9e-1700759120-6nh7g",
            "_source": {
                "metadata": {"name": "asq-5f1c2a9e-1700759120-6nh7g",
                             "annotations": {"package.argoproj.io/name": "@atlan/schedule-query"}},
                "spec": {"workflowTemplateRef": {"name": "asq-5f1c2a9e-1700759120"}}
            }
        }))
        .unwrap();
        assert_eq!(run_hit(&scheduled, now()).row[1], "@atlan/schedule-query");
        let unannotated: WorkflowSearchResult = decode_value(json!({
            "_id": "my-own-1700759120",
            "_source": {"metadata": {"name": "my-own-1700759120"}, "spec": {}}
        }))
        .unwrap();
        assert_eq!(workflow_hit(&unannotated).row[1], "my-own");
        let known = run_hit(&run(json!({"phase": "Pending"})), now());
        assert_eq!(known.row[1], "atlan-snowflake-miner");
    }

    #[test]
    fn durations_read_at_a_glance() {
        assert_eq!(human(0), "0s");
        assert_eq!(human(59), "59s");
        assert_eq!(human(61), "1m 1s");
        assert_eq!(human(3_720), "1h 2m");
        assert_eq!(human(273_600), "3d 4h");
    }

    #[test]
    fn credentials_never_show_secrets() {
        let stored: CredentialResponse = decode_value(json!({
            "id": "972a87c1", "name": "snowflake", "connector": "snowflake", "authType": "basic",
            "username": "svc", "host": "acme.snowflakecomputing.com", "port": 443,
            "extra": {"role": "sentinel-role"}, "password": "sentinel-password"
        }))
        .unwrap();
        let record = credential(&stored);
        assert_eq!(record.row[5], "acme.snowflakecomputing.com:443");
        let shown = format!("{:?} {}", record.row, record.json);
        assert!(!shown.contains("sentinel"), "{shown}");
        assert_eq!(record.json["extra"]["role"], "[REDACTED]");
    }

    #[test]
    fn workflow_answers_never_show_their_payload_credentials() {
        let answer: WorkflowResponse = decode_value(json!({
            "metadata": {"name": "atlan-snowflake-1714638976",
                         "annotations": {"orchestration.atlan.com/schedule": "0 2 * * *",
                                         "orchestration.atlan.com/timezone": "UTC"}},
            "payload": [{"parameter": "credentialGuid", "type": "credential",
                         "body": {"username": "svc", "password": "sentinel-password"}}]
        }))
        .unwrap();
        let record = workflow_response(&answer);
        assert_eq!(
            record.row,
            [
                "atlan-snowflake-1714638976",
                "atlan-snowflake",
                "-",
                "0 2 * * * (UTC)"
            ]
        );
        assert!(!record.json.to_string().contains("sentinel"));
    }

    #[test]
    fn schedules_name_their_workflow() {
        let cron: WorkflowScheduleResponse = decode_value(json!({
            "metadata": {"name": "atlan-snowflake-1714638976-cron"},
            "spec": {"schedule": "0 2 * * *", "timezone": "Europe/Paris"},
            "status": {"lastScheduledTime": "2026-11-28T01:00:00Z"}
        }))
        .unwrap();
        assert_eq!(
            schedule(&cron).row,
            [
                "atlan-snowflake-1714638976",
                "0 2 * * *",
                "Europe/Paris",
                "2026-11-28T01:00:00Z"
            ]
        );
    }
}
