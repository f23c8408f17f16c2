//! `atlan workflows find | update | run | rerun | delete | change-owner`.
//!
//! A dry run of a command that writes assumes the API-token route (`workflows/…`): the route is
//! otherwise decided by asking the server who the key belongs to, which a dry run does not do.

use std::path::Path;

use atlan_workflows::model::decode_value;
use atlan_workflows::requests::workflows as requests;
use atlan_workflows::{Workflow, WorkflowPackage, WorkflowRoute, WorkflowSchedule};
use jiff::Timestamp;
use serde_json::{Value, json};

use super::Env;
use crate::cli::{FindArgs, WorkflowsCommand};
use crate::error::CliError;
use crate::input;
use crate::rows::{self, RUN_COLUMNS, WORKFLOW_COLUMNS};

/// Runs `atlan workflows …`.
pub(crate) async fn run(command: WorkflowsCommand, env: &mut Env) -> Result<(), CliError> {
    match command {
        WorkflowsCommand::Find(args) => find(args, env).await,
        WorkflowsCommand::Update { id, settings } => update(&id, settings, env).await,
        WorkflowsCommand::Run {
            file,
            cron,
            timezone,
        } => submit(&file, cron.zip(timezone), env).await,
        WorkflowsCommand::Rerun { id, idempotent } => rerun(&id, idempotent, env).await,
        WorkflowsCommand::Delete { name } => delete(&name, env).await,
        WorkflowsCommand::ChangeOwner { name, username } => {
            change_owner(&name, &username, env).await
        }
    }
}

async fn find(args: FindArgs, env: &mut Env) -> Result<(), CliError> {
    if let Some(id) = args.id {
        if env.dry_run() {
            return env.show(&requests::find_by_id(&id)?);
        }
        let found = env
            .client()
            .await?
            .workflows()
            .find_by_id(&id)
            .await?
            .ok_or_else(|| CliError::NotFound(format!("workflow `{id}`")))?;
        return env
            .printer
            .records(WORKFLOW_COLUMNS, &[rows::workflow_hit(&found)]);
    }
    let package = WorkflowPackage::from(args.package.unwrap_or_default());
    if env.dry_run() {
        return env.show(&requests::find_by_type(&package, args.max)?);
    }
    let found = env
        .client()
        .await?
        .workflows()
        .find_by_type(package.clone(), args.max)
        .await?;
    if found.is_empty() {
        env.printer
            .note(&format!("no workflow of package `{}`", package.prefix()));
        return Ok(());
    }
    let records: Vec<_> = found.iter().map(rows::workflow_hit).collect();
    env.printer.records(WORKFLOW_COLUMNS, &records)
}

async fn update(id: &str, settings: Vec<(String, Value)>, env: &mut Env) -> Result<(), CliError> {
    if env.dry_run() {
        // It reads the workflow before it writes it: the read is the first request.
        return env.show(&requests::find_by_id(id)?);
    }
    let client = env.client().await?;
    let found = client
        .workflows()
        .find_by_id(id)
        .await?
        .ok_or_else(|| CliError::NotFound(format!("workflow `{id}`")))?;
    let mut workflow = found.to_workflow();
    let mut changes = Vec::with_capacity(settings.len());
    for (name, value) in settings {
        let before = workflow
            .set_parameter(&name, value.clone())
            .map_err(|error| CliError::Usage(format!("workflow `{id}`: {error}")))?;
        changes.push(format!("{name}: {before} -> {value}"));
    }
    let updated = client.workflows().update(&workflow).await?;
    for change in changes {
        env.printer.note(&change);
    }
    env.printer
        .records(WORKFLOW_COLUMNS, &[rows::workflow_response(&updated)])
}

async fn submit(
    file: &Path,
    schedule: Option<(String, String)>,
    env: &mut Env,
) -> Result<(), CliError> {
    let workflow: Workflow = decode_value(input::json_file(file)?).map_err(|error| {
        CliError::Usage(format!("{} is not a workflow: {error}", file.display()))
    })?;
    let schedule = schedule
        .map(|(cron, timezone)| WorkflowSchedule::new(cron, timezone))
        .transpose()
        .map_err(|error| CliError::Usage(error.to_string()))?;
    if env.dry_run() {
        let mut workflow = workflow;
        if let Some(schedule) = &schedule {
            schedule.apply_to(&mut workflow);
        }
        return env.show(&requests::run(WorkflowRoute::Workflows, &workflow)?);
    }
    let created = env
        .client()
        .await?
        .workflows()
        .run(workflow, schedule.as_ref())
        .await?;
    env.printer
        .records(WORKFLOW_COLUMNS, &[rows::workflow_response(&created)])
}

async fn rerun(id: &str, idempotent: bool, env: &mut Env) -> Result<(), CliError> {
    if env.dry_run() {
        // It finds the workflow (for its namespace) before it re-runs it.
        return env.show(&requests::find_by_id(id)?);
    }
    let run = env
        .client()
        .await?
        .workflows()
        .rerun(id, idempotent)
        .await?;
    env.printer
        .records(RUN_COLUMNS, &[rows::run_response(&run, Timestamp::now())])
}

async fn delete(name: &str, env: &mut Env) -> Result<(), CliError> {
    if env.dry_run() {
        return env.show(&requests::delete(WorkflowRoute::Workflows, name)?);
    }
    env.client().await?.workflows().delete(name).await?;
    env.printer.message(
        &format!("workflow {name} deleted"),
        &json!({ "name": name, "deleted": true }),
    )
}

async fn change_owner(name: &str, username: &str, env: &mut Env) -> Result<(), CliError> {
    if env.dry_run() {
        return env.show(&requests::change_owner(name, username)?);
    }
    let updated = env
        .client()
        .await?
        .workflows()
        .update_owner(name, username)
        .await?;
    env.printer
        .records(WORKFLOW_COLUMNS, &[rows::workflow_response(&updated)])
}
