//! Every schedule of both APIs in one list ([`schedule_list`]): each legacy CronWorkflow, each
//! legacy schedule kept aside by a suspension, each trigger of an app workflow and each one kept
//! aside by its suspension; with when it is next due and when it last fired (the newest of the
//! workflow's recent runs that a schedule started).

use atlan_workflows::model::{
    AppSummary, CronSchedule, SUSPENDED_SCHEDULES_INPUT, SuspendedSchedules,
};
use atlan_workflows::{AtlanClient, Paginated, Result};
use futures_util::{StreamExt, TryStreamExt};
use jiff::Timestamp;
use serde::Serialize;

use crate::fetch::{not_served, recent_runs};
use crate::selection::ApiChoice;
use crate::view::Api;
use crate::workflow_facts::legacy_schedule;

/// How many workflows' runs are read at once.
const READS_AT_ONCE: usize = 8;

/// One schedule, as `atlanctl schedules list` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ScheduleRow {
    /// Its workflow's API.
    pub api: Api,
    /// Its workflow (a legacy name, an app slug).
    pub workflow: String,
    /// The cron expression.
    pub cron: String,
    /// Its time zone (`UTC` when the schedule names none).
    pub timezone: String,
    /// Whether it is suspended (kept aside, not firing).
    pub suspended: bool,
    /// The trigger's id (app schedules: what `apps schedules remove` takes).
    pub trigger_id: Option<String>,
    /// When it is next due (none while suspended, or for a schedule that does not read).
    pub next: Option<Timestamp>,
    /// When a run it started last began (among the workflow's newest [`crate::fetch::RECENT_RUNS`]).
    pub last_fired: Option<Timestamp>,
}

impl ScheduleRow {
    fn new(
        api: Api,
        workflow: &str,
        cron: &str,
        timezone: &str,
        suspended: bool,
        now: Timestamp,
    ) -> Self {
        let timezone = if timezone.is_empty() { "UTC" } else { timezone };
        let next = (!suspended)
            .then(|| CronSchedule::parse(cron, timezone).ok()?.next_after(now))
            .flatten();
        Self {
            api,
            workflow: workflow.to_owned(),
            cron: cron.to_owned(),
            timezone: timezone.to_owned(),
            suspended,
            trigger_id: None,
            next,
            last_fired: None,
        }
    }
}

/// Every schedule of the chosen APIs, by API and workflow, and the APIs left out because the
/// tenant does not serve them (with [`ApiChoice::All`]).
///
/// # Errors
/// The first failure of a read, other than an API the tenant does not serve.
pub async fn schedule_list(
    client: &AtlanClient,
    api: ApiChoice,
    now: Timestamp,
) -> Result<(Vec<ScheduleRow>, Vec<Api>)> {
    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    let mut take = |chosen: Api, read: Result<Vec<ScheduleRow>>| match read {
        Ok(found) => {
            rows.extend(found);
            Ok(())
        }
        Err(error) if api == ApiChoice::All && not_served(&error) => {
            skipped.push(chosen);
            Ok(())
        }
        Err(error) => Err(error),
    };
    if api.includes(Api::Legacy) {
        take(Api::Legacy, legacy_rows(client, now).await)?;
    }
    if api.includes(Api::Apps) {
        take(Api::Apps, app_rows(client, now).await)?;
    }
    last_fired(client, &mut rows).await?;
    rows.sort_by(|a, b| (a.api, &a.workflow, &a.cron).cmp(&(b.api, &b.workflow, &b.cron)));
    Ok((rows, skipped))
}

/// The legacy schedules: the CronWorkflows (their last scheduled time as Argo keeps it), then
/// those a suspension keeps aside.
async fn legacy_rows(client: &AtlanClient, now: Timestamp) -> Result<Vec<ScheduleRow>> {
    let schedules = client.schedules();
    let mut rows = Vec::new();
    for response in schedules.list().await? {
        let Some((workflow, facts)) = legacy_schedule(&response) else {
            continue;
        };
        let mut row = ScheduleRow::new(
            Api::Legacy,
            &workflow,
            &facts.cron,
            &facts.timezone,
            facts.suspended,
            now,
        );
        row.last_fired = response
            .status
            .as_ref()
            .and_then(|status| status.last_scheduled_time.as_deref())
            .and_then(|at| at.parse().ok());
        rows.push(row);
    }
    for (workflow, record) in schedules.suspended().await? {
        for schedule in record.iter().flat_map(|record| &record.schedules) {
            rows.push(ScheduleRow::new(
                Api::Legacy,
                &workflow,
                &schedule.cron,
                &schedule.timezone,
                true,
                now,
            ));
        }
    }
    Ok(rows)
}

/// The app schedules: each trigger, then those a suspension keeps aside in the inputs.
async fn app_rows(client: &AtlanClient, now: Timestamp) -> Result<Vec<ScheduleRow>> {
    let workflows: Vec<AppSummary> = crate::fetch::every_app_workflow(client).all().await?;
    let mut rows = Vec::new();
    for workflow in &workflows {
        let Some(slug) = workflow.slug.as_deref() else {
            continue;
        };
        for entry in workflow.schedules.iter().flatten() {
            let Some(cron) = entry.cron.as_deref() else {
                continue;
            };
            let timezone = entry.timezone.as_deref().unwrap_or_default();
            let mut row = ScheduleRow::new(Api::Apps, slug, cron, timezone, false, now);
            row.trigger_id = entry.trigger_id.clone();
            rows.push(row);
        }
        let kept = workflow
            .stored_inputs()
            .and_then(|inputs| inputs.get(SUSPENDED_SCHEDULES_INPUT).cloned())
            .filter(|value| !value.is_null())
            .and_then(|value| SuspendedSchedules::parse(&value).ok());
        for schedule in kept.iter().flat_map(|record| &record.schedules) {
            rows.push(ScheduleRow::new(
                Api::Apps,
                slug,
                &schedule.cron,
                &schedule.timezone,
                true,
                now,
            ));
        }
    }
    Ok(rows)
}

/// Fills in when each schedule last fired where Argo did not say: the start of the newest of the
/// workflow's recent runs that a schedule started (one read per workflow, a few at once).
async fn last_fired(client: &AtlanClient, rows: &mut [ScheduleRow]) -> Result<()> {
    let mut wanted: Vec<(Api, String)> = rows
        .iter()
        .filter(|row| row.last_fired.is_none())
        .map(|row| (row.api, row.workflow.clone()))
        .collect();
    wanted.sort();
    wanted.dedup();
    let found: Vec<((Api, String), Option<Timestamp>)> = futures_util::stream::iter(wanted)
        .map(|(api, workflow)| async move {
            let fired = newest_scheduled_run(client, api, &workflow).await?;
            Ok::<_, atlan_workflows::Error>(((api, workflow), fired))
        })
        .buffer_unordered(READS_AT_ONCE)
        .try_collect()
        .await?;
    for row in rows.iter_mut().filter(|row| row.last_fired.is_none()) {
        row.last_fired = found
            .iter()
            .find(|(key, _)| key.0 == row.api && key.1 == row.workflow)
            .and_then(|(_, fired)| *fired);
    }
    Ok(())
}

/// When the newest of `workflow`'s recent runs that a schedule started began.
async fn newest_scheduled_run(
    client: &AtlanClient,
    api: Api,
    workflow: &str,
) -> Result<Option<Timestamp>> {
    let runs = recent_runs(client, api, workflow).await?;
    Ok(runs
        .iter()
        .filter(|run| run.started_by.as_deref() == Some("scheduler"))
        .filter_map(|run| run.started)
        .max())
}
