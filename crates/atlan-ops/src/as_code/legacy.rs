//! Legacy workflows as code: an existing legacy workflow's spec (its package, the parameters of
//! its first task, its schedule and whether it is suspended, all read from the workflow itself),
//! and a change that makes it what its file says (legacy workflows are never created from files:
//! `migrate` moves them to app workflows).

use std::collections::BTreeMap;

use atlan_workflows::model::{SuspendedSchedules, WorkflowSchedule, WorkflowSearchResult};
use atlan_workflows::{AtlanClient, Error, Result};

use super::document::{LegacySpec, ScheduleSpec};

/// A legacy workflow of the tenant.
#[derive(Debug, Clone, PartialEq)]
pub struct LegacyWorkflowState {
    /// Its name (id): its identity in files.
    pub name: String,
    /// Its spec, credentials as GUIDs.
    pub spec: LegacySpec,
}

/// A legacy workflow's state from its search hit: its schedule from its own annotations, or the
/// one its suspension record keeps.
pub fn legacy_state(hit: &WorkflowSearchResult) -> LegacyWorkflowState {
    let name = hit.name().to_owned();
    let metadata = &hit.source.metadata;
    let workflow = hit.to_workflow();
    let parameters: BTreeMap<String, serde_json::Value> = workflow
        .spec
        .first_task()
        .map(|task| {
            task.parameters()
                .iter()
                .map(|parameter| {
                    let value = parameter.value.clone().unwrap_or_default();
                    (parameter.name.clone(), value)
                })
                .collect()
        })
        .unwrap_or_default();
    let spec_of = |schedule: &WorkflowSchedule| ScheduleSpec {
        cron: schedule.cron.clone(),
        timezone: schedule.timezone.clone(),
    };
    let record = SuspendedSchedules::of_workflow(metadata).and_then(std::result::Result::ok);
    let (schedule, suspended) = match &record {
        Some(record) => (record.schedules.first().map(spec_of), true),
        None => (WorkflowSchedule::of(metadata).as_ref().map(spec_of), false),
    };
    let spec = LegacySpec {
        package: crate::view::legacy::package(Some(&name), metadata).unwrap_or_default(),
        parameters,
        schedule,
        suspended,
        expectations: None,
        policy: None,
    };
    LegacyWorkflowState { name, spec }
}

/// Makes the tenant's legacy workflow `name` what `desired` says: its parameters (each an
/// existing one of its first task), then its schedule (resumed first when suspended, replaced or
/// removed, suspended again when the file says so).
///
/// # Errors
/// [`Error::InvalidInput`] for a parameter the workflow does not have; otherwise as the facade.
pub async fn converge(client: &AtlanClient, name: &str, desired: &LegacySpec) -> Result<()> {
    let hit = client.workflows().get(name).await?;
    let actual = legacy_state(&hit).spec;
    if desired.parameters != actual.parameters {
        let mut workflow = hit.to_workflow();
        for (parameter, value) in &desired.parameters {
            workflow
                .set_parameter(parameter, value.clone())
                .map_err(|error| Error::InvalidInput {
                    message: format!("workflow `{name}`: {error}"),
                })?;
        }
        client.workflows().update(&workflow).await?;
    }
    if desired.schedule == actual.schedule && desired.suspended == actual.suspended {
        return Ok(());
    }
    let schedules = client.schedules();
    if actual.suspended {
        schedules.resume(name).await?;
    }
    match &desired.schedule {
        Some(schedule) => {
            let schedule = WorkflowSchedule::new(schedule.cron.clone(), schedule.timezone.clone())
                .map_err(|error| Error::InvalidInput {
                    message: error.to_string(),
                })?;
            if desired.schedule != actual.schedule || actual.suspended {
                schedules.add(name, &schedule).await?;
            }
            if desired.suspended {
                schedules.suspend(name).await?;
            }
        }
        None if actual.schedule.is_some() => {
            schedules.remove(name).await?;
        }
        None => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use atlan_workflows::model::decode_value;
    use serde_json::json;

    use super::*;

    #[test]
    fn a_legacy_workflow_is_its_first_tasks_parameters_and_its_schedule() {
        let hit: WorkflowSearchResult = decode_value(json!({
            "_id": "atlan-snowflake-1714638976",
            "_source": {
                "metadata": {"name": "atlan-snowflake-1714638976",
                             "annotations": {"orchestration.atlan.com/schedule": "0 2 * * *",
                                             "orchestration.atlan.com/timezone": "Europe/Paris",
                                             "package.argoproj.io/name": "@atlan/snowflake"}},
                "spec": {"templates": [{"name": "main", "dag": {"tasks": [
                    {"name": "run", "arguments": {"parameters": [
                        {"name": "credential-guid", "value": "g-1"},
                        {"name": "enable-lineage", "value": "true"}]}}]}}]}
            }
        }))
        .unwrap();
        let state = legacy_state(&hit);
        assert_eq!(state.name, "atlan-snowflake-1714638976");
        assert_eq!(state.spec.package, "atlan-snowflake");
        assert_eq!(state.spec.parameters["enable-lineage"], "true");
        assert_eq!(
            state.spec.schedule,
            Some(ScheduleSpec {
                cron: "0 2 * * *".into(),
                timezone: "Europe/Paris".into()
            })
        );
        assert!(!state.spec.suspended);
    }
}
