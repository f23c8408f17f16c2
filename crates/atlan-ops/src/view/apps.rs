//! An app run (its `AppWorkflowRun` asset) as a [`RunView`]: status, times, the `error` output,
//! and each of `appWorkflowRunSteps` as a step (its `error`, `exit_code`, `attempts` and `log`
//! outputs).

use atlan_workflows::model::{AppRunResponse, AppRunStatus, AppWorkflowRunAttributes};
use jiff::Timestamp;
use serde_json::Value;

use super::{Api, MAX_STEPS, RunState, RunView, StepView};

/// The view of an app run.
pub fn view(run: &AppWorkflowRunAttributes) -> RunView {
    let outputs = run.outputs.as_ref();
    RunView {
        api: Api::Apps,
        run: run.name.clone().unwrap_or_default(),
        workflow: run
            .workflow_slug
            .clone()
            .or_else(|| run.workflow_name.clone())
            .unwrap_or_default(),
        package: run.app_name.clone(),
        status: run
            .status
            .as_ref()
            .map_or(RunState::Unknown, AppRunStatus::state),
        started: run.started_at.and_then(millis),
        finished: run.completed_at.and_then(millis),
        message: outputs
            .and_then(|outputs| outputs.get("error"))
            .filter(|error| !error.is_empty())
            .cloned(),
        started_by: run.started_by.clone(),
        stopped_by: run.stopped_by.clone().filter(|by| !by.is_empty()),
        steps: run
            .steps
            .iter()
            .flatten()
            .take(MAX_STEPS)
            .map(step)
            .collect(),
    }
}

/// The view of a run as `GET v1/app/runs/{id}` answers it: status, workflow and start only (no
/// steps, no end), for a run the asset search does not show yet (its index lags).
pub fn view_of_answer(answer: &AppRunResponse) -> RunView {
    RunView {
        api: Api::Apps,
        run: answer.run_id.clone().unwrap_or_default(),
        workflow: answer.slug.clone().unwrap_or_default(),
        package: None,
        status: answer
            .status
            .as_ref()
            .map_or(RunState::Unknown, AppRunStatus::state),
        started: answer.started_at.as_deref().and_then(|at| at.parse().ok()),
        finished: None,
        message: None,
        started_by: None,
        stopped_by: None,
        steps: Vec::new(),
    }
}

fn millis(at: i64) -> Option<Timestamp> {
    Timestamp::from_millisecond(at).ok()
}

/// One step: whatever of it is there (a step is JSON the runtime writes; nothing in it is
/// required).
fn step(value: &Value) -> StepView {
    let text = |field: &str| value.get(field).and_then(Value::as_str).map(str::to_owned);
    let output = |field: &str| {
        value
            .get("appWorkflowRunOutputs")
            .and_then(|outputs| outputs.get(field))
            .and_then(|value| match value {
                Value::String(text) => Some(text.clone()),
                Value::Number(number) => Some(number.to_string()),
                _ => None,
            })
    };
    let attempts: u32 = output("attempts")
        .and_then(|attempts| attempts.trim().parse().ok())
        .unwrap_or(1);
    StepView {
        name: text("appWorkflowRunLabel")
            .or_else(|| text("name"))
            .unwrap_or_else(|| "step".to_owned()),
        kind: "Step".to_owned(),
        status: text("appWorkflowRunStatus")
            .map_or(RunState::Unknown, |word| AppRunStatus::from(word).state()),
        started: value
            .get("appWorkflowRunStartedAt")
            .and_then(Value::as_i64)
            .and_then(millis),
        finished: value
            .get("appWorkflowRunCompletedAt")
            .and_then(Value::as_i64)
            .and_then(millis),
        retries: attempts.saturating_sub(1),
        message: output("error").filter(|error| !error.is_empty()),
        exit_code: output("exit_code").and_then(|code| code.trim().parse().ok()),
        log_artifact: output("log"),
        children: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use atlan_workflows::model::decode_value;
    use serde_json::json;

    use super::*;

    #[test]
    fn an_app_run_maps_its_steps_and_error() {
        let run: AppWorkflowRunAttributes = decode_value(json!({
            "name": "run-1",
            "appWorkflowRunStatus": "Failed",
            "appWorkflowRunStartedAt": 1_764_590_400_000_i64,
            "appWorkflowRunCompletedAt": 1_764_590_460_500_i64,
            "appWorkflowRunAppWorkflowSlug": "prod-snowflake-0c4f9a1e",
            "appWorkflowRunAppName": "snowflake",
            "appWorkflowRunOutputs": {"error": "OOMKilled (exit code 137)"},
            "appWorkflowRunSteps": [
                {"appWorkflowRunLabel": "preflight-check", "appWorkflowRunStatus": "Succeeded"},
                {"appWorkflowRunLabel": "extract", "appWorkflowRunStatus": "Failed",
                 "appWorkflowRunOutputs": {"error": "OOMKilled (exit code 137)", "exit_code": "137",
                                           "attempts": "3", "log": "apps/x/main.log"}},
                "not an object"
            ]
        }))
        .unwrap();
        let view = view(&run);
        assert_eq!(view.api, Api::Apps);
        assert_eq!(view.workflow, "prod-snowflake-0c4f9a1e");
        assert_eq!(view.status, RunState::Failed);
        assert_eq!(view.duration_s(), Some(60));
        assert_eq!(view.message.as_deref(), Some("OOMKilled (exit code 137)"));
        let extract = &view.steps[1];
        assert_eq!(
            (
                extract.retries,
                extract.exit_code,
                extract.log_artifact.as_deref()
            ),
            (2, Some(137), Some("apps/x/main.log"))
        );
        assert_eq!(
            view.steps[2].status,
            RunState::Unknown,
            "kept, with what is there"
        );
    }
}
