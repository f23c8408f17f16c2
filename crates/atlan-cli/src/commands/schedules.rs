//! `atlanctl schedules add | remove | list | get`.

use atlan_ops::bulk::ScheduleAction;
use atlan_workflows::WorkflowSchedule;

use crate::cli::SchedulesCommand;
use crate::context::Env;
use crate::error::CliError;
use crate::rows::{self, SCHEDULE_COLUMNS, SCHEDULE_LIST_COLUMNS, WORKFLOW_COLUMNS};

/// Runs `atlanctl schedules …`.
pub(crate) async fn run(command: SchedulesCommand, env: &mut Env) -> Result<(), CliError> {
    match command {
        SchedulesCommand::Add {
            name,
            cron,
            timezone,
        } => {
            let schedule = WorkflowSchedule::new(cron.clone(), timezone.clone())
                .map_err(|error| CliError::Usage(error.to_string()))?;
            let updated = env
                .client()
                .await?
                .schedules()
                .add(&name, &schedule)
                .await?;
            super::scheduled(&cron, &timezone);
            env.printer
                .records(WORKFLOW_COLUMNS, &[rows::workflow_response(&updated)])
        }
        SchedulesCommand::Remove { name } => {
            let updated = env.client().await?.schedules().remove(&name).await?;
            env.printer
                .records(WORKFLOW_COLUMNS, &[rows::workflow_response(&updated)])
        }
        SchedulesCommand::Suspend(args) => {
            crate::commands::ops::suspend(args, ScheduleAction::Suspend, false, env).await
        }
        SchedulesCommand::Resume(args) => {
            crate::commands::ops::suspend(args, ScheduleAction::Resume, false, env).await
        }
        SchedulesCommand::List { api } => list(api.into(), env).await,
        SchedulesCommand::Get { name } => {
            let schedule = env.client().await?.schedules().get(&name).await?;
            env.printer
                .records(SCHEDULE_COLUMNS, &[rows::schedule(&schedule)])
        }
    }
}

/// `schedules list`: every schedule of the chosen APIs, with when it is next due and when it last
/// fired.
async fn list(api: atlan_ops::ApiChoice, env: &mut Env) -> Result<(), CliError> {
    let client = env.client().await?;
    let now = jiff::Timestamp::now();
    let (schedules, skipped) = atlan_ops::schedule_list(&client, api, now).await?;
    super::ops::say_skipped(&skipped, "left out", env);
    if schedules.is_empty() {
        env.printer.note("no scheduled workflows");
        return Ok(());
    }
    let records: Vec<_> = schedules.iter().map(rows::schedule_row).collect();
    env.printer.records(SCHEDULE_LIST_COLUMNS, &records)
}
