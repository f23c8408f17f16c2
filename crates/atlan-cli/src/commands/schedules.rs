//! `atlanctl schedules add | remove | list | get`.

use atlan_workflows::WorkflowSchedule;

use super::Env;
use crate::cli::SchedulesCommand;
use crate::error::CliError;
use crate::rows::{self, SCHEDULE_COLUMNS, WORKFLOW_COLUMNS};

/// Runs `atlanctl schedules …`.
pub(crate) async fn run(command: SchedulesCommand, env: &mut Env) -> Result<(), CliError> {
    match command {
        SchedulesCommand::Add {
            name,
            cron,
            timezone,
        } => {
            let schedule = WorkflowSchedule::new(cron, timezone)
                .map_err(|error| CliError::Usage(error.to_string()))?;
            let updated = env
                .client()
                .await?
                .schedules()
                .add(&name, &schedule)
                .await?;
            env.printer
                .records(WORKFLOW_COLUMNS, &[rows::workflow_response(&updated)])
        }
        SchedulesCommand::Remove { name } => {
            let updated = env.client().await?.schedules().remove(&name).await?;
            env.printer
                .records(WORKFLOW_COLUMNS, &[rows::workflow_response(&updated)])
        }
        SchedulesCommand::List => {
            let schedules = env.client().await?.schedules().list().await?;
            if schedules.is_empty() {
                env.printer.note("no scheduled workflows");
                return Ok(());
            }
            let records: Vec<_> = schedules.iter().map(rows::schedule).collect();
            env.printer.records(SCHEDULE_COLUMNS, &records)
        }
        SchedulesCommand::Get { name } => {
            let schedule = env.client().await?.schedules().get(&name).await?;
            env.printer
                .records(SCHEDULE_COLUMNS, &[rows::schedule(&schedule)])
        }
    }
}
