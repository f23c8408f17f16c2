//! `atlanctl apps schedules add | remove`.

use atlan_ops::bulk::ScheduleAction;

use crate::app_rows as rows;
use crate::cli::AppSchedulesCommand;
use crate::context::Env;
use crate::error::CliError;

/// Runs `atlanctl apps schedules …`.
pub(super) async fn run(command: AppSchedulesCommand, env: &mut Env) -> Result<(), CliError> {
    match command {
        AppSchedulesCommand::Add {
            slug,
            cron,
            timezone,
        } => add(slug, cron, timezone, env).await,
        AppSchedulesCommand::Remove { slug, trigger_id } => remove(&slug, &trigger_id, env).await,
        AppSchedulesCommand::Suspend(args) => {
            crate::commands::ops::suspend(args, ScheduleAction::Suspend, true, env).await
        }
        AppSchedulesCommand::Resume(args) => {
            crate::commands::ops::suspend(args, ScheduleAction::Resume, true, env).await
        }
    }
}

async fn add(slug: String, cron: String, timezone: String, env: &mut Env) -> Result<(), CliError> {
    let added = env
        .client()
        .await?
        .apps()
        .schedules()
        .add(slug, cron.clone())
        .timezone(timezone.clone())
        .await?;
    crate::commands::scheduled(&cron, &timezone);
    env.printer
        .records(rows::SCHEDULE_COLUMNS, &[rows::schedule(&added)])
}

async fn remove(slug: &str, trigger_id: &str, env: &mut Env) -> Result<(), CliError> {
    let removed = env
        .client()
        .await?
        .apps()
        .schedules()
        .remove(slug, trigger_id)
        .await?;
    env.printer
        .records(rows::REMOVED_COLUMNS, &[rows::removed(&removed)])
}
