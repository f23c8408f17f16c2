//! The default tenant's app workflows: three workflows of the newer API and runs in every one of
//! the nine statuses, so that the README's sandbox shows both worlds. `prod-snowflake` runs
//! nightly: a run at each due time of its trigger for 14 days, the runs started by hand placed
//! between them, and it crawls the connection the legacy Snowflake crawler still crawls on its own
//! schedule (a planted `double_schedule`). `bq-prod-crawl` has not succeeded in its last three
//! runs (a planted `failing`).

use atlan_model::AppRunStatus;
use serde_json::{Value, json};

use super::history;
use crate::store::{AppRunRecord, AppWorkflowRecord, Event, ScheduleRecord, StoredInputs};

/// A credential of the default tenant (`data/tenant.json`).
const SNOWFLAKE_CREDENTIAL: &str = "972a87c1-28d7-8bf2-896d-ea5bd3e9c691";
/// A day, in milliseconds.
const DAY: i64 = 86_400_000;
/// An hour, in milliseconds.
const HOUR: i64 = 3_600_000;
/// How many days of nightly runs `prod-snowflake` has.
const HISTORY_DAYS: i64 = 14;

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

/// A run of `workflow` created at `created`, in `status` for good (`None`: it follows the clock,
/// `running_ms` long, as a scheduled run does).
fn run(
    index: usize,
    workflow: &AppWorkflowRecord,
    created: i64,
    status: Option<AppRunStatus>,
) -> AppRunRecord {
    AppRunRecord {
        run_id: format!("0199a3c2-7e41-7cc0-9d6a-{index:012x}"),
        slug: workflow.slug.clone(),
        version: workflow.version,
        workflow_name: workflow.name.clone(),
        app_id: workflow.app_id.clone(),
        created,
        pending_ms: 0,
        running_ms: 0,
        fails: false,
        failure: None,
        lag_ms: 0,
        scheduled: None,
        stopped_at: None,
        started_by: workflow.owner.clone(),
        stopped_by: (status == Some(AppRunStatus::Stopped)).then(|| "jane".to_owned()),
        fixed: status.map(|status| status.as_str().to_owned()),
    }
}

/// An app workflow of jane's, created at `created` (epoch milliseconds), `app` its app and
/// entrypoint.
fn app_workflow(
    slug: &str,
    name: &str,
    (app_id, entrypoint): (&str, &str),
    inputs: StoredInputs,
    created: i64,
) -> AppWorkflowRecord {
    AppWorkflowRecord {
        slug: slug.to_owned(),
        guid: format!("5f0c1d2e-0000-4000-8000-{:012x}", crate::ids::fnv32a(slug)),
        name: name.to_owned(),
        app_id: app_id.to_owned(),
        entrypoint: entrypoint.to_owned(),
        version: created / 1000,
        owner: "jane".to_owned(),
        inputs,
        schedules: Vec::new(),
        created,
    }
}

/// The trigger of prod-snowflake's nightly schedule.
const TRIGGER: &str = "t-5eed0001";

/// A scheduled run of `workflow` (by its trigger) at each due time, 25 to 31 minutes long.
fn scheduled_runs<'a>(
    workflow: &'a AppWorkflowRecord,
    due: &'a [i64],
) -> impl Iterator<Item = Event> + 'a {
    due.iter().enumerate().map(move |(number, &at)| {
        let mut scheduled = run(0x100 + number, workflow, at, None);
        scheduled.pending_ms = 2_000;
        scheduled.running_ms = (25 + i64::try_from(number % 7).unwrap_or(0)) * 60_000;
        scheduled.scheduled = Some(TRIGGER.to_owned());
        scheduled.started_by = "scheduler".to_owned();
        Event::PutAppRun {
            record: Box::new(scheduled),
        }
    })
}

/// prod-snowflake's nightly trigger, added [`HISTORY_DAYS`] ago, and its due times since.
fn nightly(now: i64) -> (ScheduleRecord, Vec<i64>) {
    let since = now - HISTORY_DAYS * DAY;
    let trigger = ScheduleRecord {
        trigger_id: TRIGGER.to_owned(),
        cron: "0 2 * * *".to_owned(),
        timezone: "Europe/Paris".to_owned(),
        added: Some(since),
    };
    let due = history::due_times(&trigger.cron, &trigger.timezone, since, now).unwrap_or_default();
    (trigger, due)
}

/// The events, relative to `now` (epoch milliseconds).
pub(crate) fn events(now: i64) -> Vec<Event> {
    let workflow = |slug, name, app, inputs, age_days: i64| {
        app_workflow(slug, name, app, inputs, now - age_days * DAY)
    };
    let mut snowflake = workflow(
        "prod-snowflake-0c4f9a1e",
        "prod-snowflake",
        ("snowflake-crawler", "crawler"),
        inputs(
            "snowflake",
            1_714_638_976,
            "prod-snowflake",
            json!({"enable_lineage": true, "extract_strategy": "information-schema"}),
        ),
        45,
    );
    let (trigger, due) = nightly(now);
    snowflake.schedules.push(trigger);
    let bigquery = workflow(
        "bq-prod-crawl-3f9ab2c1",
        "bq-prod-crawl",
        ("bigquery-crawler", "crawler"),
        inputs("bigquery", 1_717_286_400, "bq-prod-crawl", json!({})),
        20,
    );
    let athena = workflow(
        "athena-analytics-7d21c0b4",
        "athena-analytics",
        ("atlan-athena", ""),
        inputs("athena", 1_764_547_200, "athena-analytics", json!({})),
        10,
    );
    let at_due = |number: usize, after: i64| {
        history::placed(&due, number, after, now).unwrap_or(now - 60 * HOUR)
    };
    // (workflow, status, started): by hand, between prod-snowflake's nightly runs, or hours ago.
    let runs = [
        (&snowflake, AppRunStatus::Succeeded, at_due(5, 3 * HOUR)),
        (&snowflake, AppRunStatus::Failed, at_due(3, 4 * HOUR)),
        (&snowflake, AppRunStatus::Stopped, at_due(3, 5 * HOUR)),
        (&bigquery, AppRunStatus::Error, now - 40 * HOUR),
        (&bigquery, AppRunStatus::Terminated, now - 30 * HOUR),
        (&bigquery, AppRunStatus::Skipped, now - 20 * HOUR),
        (&bigquery, AppRunStatus::Paused, now - 5 * HOUR),
        (&athena, AppRunStatus::Succeeded, now - 3 * HOUR),
        (&athena, AppRunStatus::Running, now - HOUR),
        (&athena, AppRunStatus::Pending, now),
    ];
    let mut events = Vec::new();
    for (index, (workflow, status, started)) in runs.iter().enumerate() {
        events.push(Event::PutAppRun {
            record: Box::new(run(
                index + 1,
                workflow,
                started - 60_000,
                Some(status.clone()),
            )),
        });
    }
    events.extend(scheduled_runs(&snowflake, &due));
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
