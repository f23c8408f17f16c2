//! A run of either API as the run commands show it: one row shape for both (API, RUN, WORKFLOW,
//! PACKAGE, STATUS, STARTED, DURATION), and as JSON the object its API answered (the legacy
//! search hit's Argo Workflow, the app run's asset or status answer) with `"api"` first.

use atlan_ops::FoundRun;
use jiff::Timestamp;
use serde::Serialize;
use serde_json::Value;

use crate::output::Record;
use crate::rows;

/// The columns of runs of either API.
pub(crate) const COLUMNS: &[&str] = &[
    "API", "RUN", "WORKFLOW", "PACKAGE", "STATUS", "STARTED", "DURATION",
];

/// What an absent value shows.
const NONE: &str = "-";

/// A run's row and JSON document. `now` is when a run still going is measured to.
pub(crate) fn record(run: &FoundRun, now: Timestamp) -> Record {
    Record {
        row: row(run, now),
        json: json(run),
    }
}

/// A run's table row.
pub(crate) fn row(run: &FoundRun, now: Timestamp) -> Vec<String> {
    let view = run.view();
    let status = match run {
        FoundRun::Legacy(hit) => hit
            .source
            .status
            .as_ref()
            .and_then(|status| status.phase.as_ref())
            .map(|phase| phase.as_str().to_owned()),
        FoundRun::App(run) => run.status.as_ref().map(ToString::to_string),
        FoundRun::AppAnswer(answer) => answer.status.as_ref().map(ToString::to_string),
        _ => None,
    };
    let duration = match (view.started, view.finished) {
        (Some(started), end) if view.status.is_active() || end.is_some() => {
            let end = end.unwrap_or(now);
            rows::human(
                end.as_second()
                    .saturating_sub(started.as_second())
                    .max(0)
                    .unsigned_abs(),
            )
        }
        _ => NONE.to_owned(),
    };
    let text = |value: &str| if value.is_empty() { NONE } else { value }.to_owned();
    vec![
        view.api.as_str().to_owned(),
        text(&view.run),
        text(&view.workflow),
        text(view.package.as_deref().unwrap_or_default()),
        status.unwrap_or_else(|| NONE.to_owned()),
        view.started.map_or_else(|| NONE.to_owned(), rows::instant),
        duration,
    ]
}

/// A run's JSON document: `"api"`, then the object its API answered (secrets redacted).
pub(crate) fn json(run: &FoundRun) -> Value {
    let object = match run {
        FoundRun::Legacy(hit) => rows::run_hit_json(hit),
        FoundRun::App(run) => plain(run),
        FoundRun::AppAnswer(answer) => plain(answer),
        _ => Value::Null,
    };
    let mut shown = serde_json::Map::new();
    shown.insert("api".into(), Value::from(run.api().as_str()));
    if let Value::Object(fields) = object {
        shown.extend(fields);
    }
    Value::Object(shown)
}

/// A run's JSON line: the text of [`json`], written straight from a legacy run's typed hit (as
/// the listing of many thousands of runs needs) when it has nothing to redact.
pub(crate) fn line(run: &FoundRun, line: &mut Vec<u8>) -> serde_json::Result<()> {
    let FoundRun::Legacy(hit) = run else {
        return serde_json::to_writer(line, &json(run));
    };
    let start = line.len();
    rows::run_hit_line(hit, line)?;
    // `{…}` becomes `{"api":"legacy",…}` (`{"api":"legacy"}` for an empty object).
    if line.get(start) == Some(&b'{') {
        let empty = line.get(start + 1) == Some(&b'}');
        let api = if empty {
            "\"api\":\"legacy\""
        } else {
            "\"api\":\"legacy\","
        };
        line.splice(start + 1..start + 1, api.bytes());
    }
    Ok(())
}

fn plain(value: &impl Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use atlan_workflows::model::{AppWorkflowRunAttributes, WorkflowSearchResult, decode_value};
    use serde_json::json;

    use super::*;

    fn legacy() -> FoundRun {
        let hit: WorkflowSearchResult = decode_value(json!({
            "_id": "atlan-snowflake-1714638976-k2x7q",
            "_source": {
                "metadata": {"name": "atlan-snowflake-1714638976-k2x7q",
                             "creationTimestamp": "2026-12-01T12:00:00Z",
                             "labels": {"workflows.argoproj.io/workflow-template": "atlan-snowflake-1714638976"}},
                "spec": {"workflowTemplateRef": {"name": "atlan-snowflake-1714638976"}},
                "status": {"phase": "Running", "startedAt": "2026-12-01T12:00:00Z"}
            }
        }))
        .unwrap();
        hit.into()
    }

    #[test]
    fn both_apis_show_one_row_shape() {
        let now: Timestamp = "2026-12-01T12:05:30Z".parse().unwrap();
        assert_eq!(
            row(&legacy(), now),
            [
                "legacy",
                "atlan-snowflake-1714638976-k2x7q",
                "atlan-snowflake-1714638976",
                "atlan-snowflake",
                "Running",
                "2026-12-01T12:00:00Z",
                "5m 30s"
            ]
        );
        let app: AppWorkflowRunAttributes = decode_value(json!({
            "name": "0199a3c2", "appWorkflowRunStatus": "Failed",
            "appWorkflowRunAppWorkflowSlug": "prod-snowflake-0c4f9a1e",
            "appWorkflowRunAppName": "snowflake",
            "appWorkflowRunStartedAt": 1_796_126_400_000_i64,
            "appWorkflowRunCompletedAt": 1_796_126_460_000_i64
        }))
        .unwrap();
        let app = FoundRun::from(app);
        assert_eq!(
            row(&app, now),
            [
                "apps",
                "0199a3c2",
                "prod-snowflake-0c4f9a1e",
                "snowflake",
                "Failed",
                "2026-12-01T12:00:00Z",
                "1m"
            ]
        );
        assert_eq!(json(&app)["api"], "apps");
        assert_eq!(json(&app)["appWorkflowRunStatus"], "Failed");
    }

    #[test]
    fn a_json_line_is_the_document_with_its_api_first() {
        let run = legacy();
        let mut written = Vec::new();
        line(&run, &mut written).unwrap();
        let parsed: Value = serde_json::from_slice(&written).unwrap();
        assert_eq!(parsed, json(&run));
        assert!(written.starts_with(br#"{"api":"legacy","#));
    }
}
