//! The default tenant's app workflows: three workflows of the newer API and runs in every one of
//! the nine statuses, so that the README's sandbox shows both worlds.

use atlan_model::AppRunStatus;
use serde_json::{Value, json};

use crate::store::{AppRunRecord, AppWorkflowRecord, Event, ScheduleRecord, StoredInputs};

/// A credential of the default tenant (`fixtures/seed/tenant.json`).
const SNOWFLAKE_CREDENTIAL: &str = "972a87c1-28d7-8bf2-896d-ea5bd3e9c691";

fn inputs(connector: &str, epoch: i64, name: &str, extra: Value) -> StoredInputs {
    let mut inputs = json!({
        "connection": {"typeName": "Connection", "attributes": {
            "qualifiedName": format!("default/{connector}/{epoch}"), "connectorName": connector, "name": name}},
        "extraction_method": "direct",
        "credential_guid": SNOWFLAKE_CREDENTIAL,
    });
    if let (Some(inputs), Value::Object(extra)) = (inputs.as_object_mut(), extra) {
        inputs.extend(extra);
    }
    StoredInputs::from_map(inputs.as_object().cloned().unwrap_or_default())
}

/// The events, relative to `now` (epoch milliseconds).
pub(crate) fn events(now: i64) -> Vec<Event> {
    let day = 86_400_000;
    let workflow =
        |slug: &str, name: &str, app_id: &str, entrypoint: &str, inputs, age_days: i64| {
            AppWorkflowRecord {
                slug: slug.to_owned(),
                guid: format!("5f0c1d2e-0000-4000-8000-{:012x}", crate::ids::fnv32a(slug)),
                name: name.to_owned(),
                app_id: app_id.to_owned(),
                entrypoint: entrypoint.to_owned(),
                version: (now - age_days * day) / 1000,
                owner: "jane".to_owned(),
                inputs,
                schedules: Vec::new(),
                created: now - age_days * day,
            }
        };
    let mut snowflake = workflow(
        "prod-snowflake-0c4f9a1e",
        "prod-snowflake",
        "snowflake-crawler",
        "crawler",
        inputs(
            "snowflake",
            1_767_225_600,
            "prod-snowflake",
            json!({"enable_lineage": true, "extract_strategy": "information-schema"}),
        ),
        30,
    );
    snowflake.schedules.push(ScheduleRecord {
        trigger_id: "t-5eed0001".to_owned(),
        cron: "0 2 * * *".to_owned(),
        timezone: "Europe/Paris".to_owned(),
        added: Some(now - 30 * day),
    });
    let bigquery = workflow(
        "bq-prod-crawl-3f9ab2c1",
        "bq-prod-crawl",
        "bigquery-crawler",
        "crawler",
        inputs("bigquery", 1_717_286_400, "bq-prod-crawl", json!({})),
        20,
    );
    let athena = workflow(
        "athena-analytics-7d21c0b4",
        "athena-analytics",
        "atlan-athena",
        "",
        inputs("athena", 1_764_547_200, "athena-analytics", json!({})),
        10,
    );
    // (workflow, status, started hours ago)
    let runs = [
        (&snowflake, AppRunStatus::Succeeded, 50),
        (&snowflake, AppRunStatus::Failed, 26),
        (&snowflake, AppRunStatus::Stopped, 12),
        (&bigquery, AppRunStatus::Error, 40),
        (&bigquery, AppRunStatus::Terminated, 30),
        (&bigquery, AppRunStatus::Skipped, 20),
        (&bigquery, AppRunStatus::Paused, 5),
        (&athena, AppRunStatus::Succeeded, 3),
        (&athena, AppRunStatus::Running, 1),
        (&athena, AppRunStatus::Pending, 0),
    ];
    let mut events = Vec::new();
    for (index, (workflow, status, hours)) in runs.iter().enumerate() {
        events.push(Event::PutAppRun {
            record: Box::new(AppRunRecord {
                run_id: format!("0199a3c2-7e41-7cc0-9d6a-{:012x}", index + 1),
                slug: workflow.slug.clone(),
                version: workflow.version,
                workflow_name: workflow.name.clone(),
                app_id: workflow.app_id.clone(),
                created: now - hours * 3_600_000 - 60_000,
                pending_ms: 0,
                running_ms: 0,
                fails: false,
                failure: None,
                lag_ms: 0,
                scheduled: None,
                stopped_at: None,
                started_by: workflow.owner.clone(),
                stopped_by: (*status == AppRunStatus::Stopped).then(|| "jane".to_owned()),
                fixed: Some(status.as_str().to_owned()),
            }),
        });
    }
    for record in [snowflake, bigquery, athena] {
        events.insert(
            0,
            Event::PutAppWorkflow {
                record: Box::new(record),
            },
        );
    }
    events
}
