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
        SchedulesCommand::List => {
            let client = env.client().await?;
            let schedules = client.schedules().list().await?;
            let mut records: Vec<_> = schedules.iter().map(rows::listed_schedule).collect();
            // The suspended ones are a second read; without it the list is still right.
            match client.schedules().suspended().await {
                Ok(suspended) => {
                    for (workflow, record) in suspended {
                        match record {
                            Ok(record) => {
                                records.push(rows::suspended_schedule(&workflow, &record));
                            }
                            Err(error) => env.printer.note(&format!("{workflow}: {error}")),
                        }
                    }
                }
                Err(error) => env.printer.note(&format!(
                    "the suspended schedules could not be read: {error}"
                )),
            }
            if records.is_empty() {
                env.printer.note("no scheduled workflows");
                return Ok(());
            }
            env.printer.records(SCHEDULE_LIST_COLUMNS, &records)
        }
        SchedulesCommand::Get { name } => {
            let schedule = env.client().await?.schedules().get(&name).await?;
            env.printer
                .records(SCHEDULE_COLUMNS, &[rows::schedule(&schedule)])
        }
    }
}
