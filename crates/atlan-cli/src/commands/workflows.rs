//! `atlanctl workflows find | update | run | rerun | delete | change-owner`.

use std::path::Path;

use atlan_workflows::model::decode_value;
use atlan_workflows::{Workflow, WorkflowPackage, WorkflowPhase, WorkflowSchedule};
use jiff::Timestamp;
use serde_json::{Value, json};

use crate::cli::{FindArgs, WorkflowsCommand};
use crate::context::Env;
use crate::error::CliError;
use crate::input;
use crate::rows::{self, RUN_COLUMNS, WORKFLOW_COLUMNS};

/// Runs `atlanctl workflows …`.
pub(crate) async fn run(command: WorkflowsCommand, env: &mut Env) -> Result<(), CliError> {
    match command {
        WorkflowsCommand::Find(args) => find(args, env).await,
        WorkflowsCommand::Update { id, settings } => update(&id, settings, env).await,
        WorkflowsCommand::Run {
            file,
            cron,
            timezone,
        } => submit(&file, cron.map(|cron| (cron, timezone)), env).await,
        WorkflowsCommand::Rerun {
            id,
            allow_concurrent,
            ..
        } => rerun(&id, allow_concurrent, env).await,
        WorkflowsCommand::Delete { name, yes } => delete(&name, yes, env).await,
        WorkflowsCommand::ChangeOwner { name, username } => {
            change_owner(&name, &username, env).await
        }
    }
}

async fn find(args: FindArgs, env: &mut Env) -> Result<(), CliError> {
    let workflows = env.client().await?.workflows();
    if let Some(id) = args.id {
        let found = workflows.get(&id).await?;
        return env
            .printer
            .records(WORKFLOW_COLUMNS, &[rows::workflow_hit(&found)]);
    }
    let package = package(args.package.as_deref().unwrap_or_default(), env);
    let found = workflows
        .find_by_type(package.clone())
        .max_results(args.max)
        .await?;
    if found.is_empty() {
        env.printer
            .note(&format!("no workflow of package `{}`", package.prefix()));
        return Ok(());
    }
    env.printer.listed(
        WORKFLOW_COLUMNS,
        &found,
        rows::workflow_hit_row,
        rows::workflow_hit_json,
    )
}

/// The package `--type` names: a prefix (`atlan-snowflake`), or a package name
/// (`@atlan/snowflake`), which is searched by its prefix and said so.
fn package(text: &str, env: &mut Env) -> WorkflowPackage {
    let text = text.trim();
    let package = WorkflowPackage::named(text);
    if package.prefix() != text {
        env.printer.note(&format!(
            "{text}: searching workflows with the prefix {}",
            package.prefix()
        ));
    }
    package
}

async fn update(id: &str, settings: Vec<(String, Value)>, env: &mut Env) -> Result<(), CliError> {
    let workflows = env.client().await?.workflows();
    let mut workflow = workflows.get(id).await?.to_workflow();
    let mut changes = Vec::with_capacity(settings.len());
    for (name, value) in settings {
        let before = workflow
            .set_parameter(&name, value.clone())
            .map_err(|error| CliError::Usage(format!("workflow `{id}`: {error}")))?;
        changes.push(format!("{name}: {before} -> {value}"));
    }
    let updated = workflows.update(&workflow).await?;
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
    let document = input::json_file(file)?;
    crate::scrub::remember_workflow(&document);
    let workflow: Workflow = decode_value(document).map_err(|error| {
        CliError::Usage(format!("{} is not a workflow: {error}", file.display()))
    })?;
    let schedule = schedule
        .map(|(cron, timezone)| WorkflowSchedule::new(cron, timezone))
        .transpose()
        .map_err(|error| CliError::Usage(error.to_string()))?;
    let mut run = env.client().await?.workflows().run(workflow);
    if let Some(schedule) = &schedule {
        run = run.schedule(schedule.clone());
    }
    let created = run.await?;
    if let Some(schedule) = &schedule {
        super::scheduled(&schedule.cron, &schedule.timezone);
    }
    env.printer
        .records(WORKFLOW_COLUMNS, &[rows::workflow_response(&created)])
}

/// Re-runs a workflow, unless a run of it is under way (that run is shown) or `allow_concurrent`.
async fn rerun(id: &str, allow_concurrent: bool, env: &mut Env) -> Result<(), CliError> {
    let client = env.client().await?;
    if !allow_concurrent && let Some(active) = client.runs().current_opt(id).await? {
        crate::commands::polling::say(&format!(
            "{id} has a run under way ({}, {}): not started another (--allow-concurrent starts one)",
            active.name(),
            active.phase().map_or("Pending", WorkflowPhase::as_str)
        ));
        let shown = rows::started(rows::run_hit(&active, Timestamp::now()), false);
        return env.printer.records(RUN_COLUMNS, &[shown]);
    }
    let run = client.workflows().rerun(id).await?;
    let shown = rows::started(rows::run_response(&run, Timestamp::now()), true);
    env.printer.records(RUN_COLUMNS, &[shown])
}

/// Deletes a workflow once it is found and the person agreed (a dry run asks nothing).
async fn delete(name: &str, yes: bool, env: &mut Env) -> Result<(), CliError> {
    let workflows = env.client().await?.workflows();
    if !env.is_dry_run() {
        let found = workflows.get(name).await?;
        let package = WorkflowPackage::of_workflow_id(name)
            .map(|package| format!(" of package {}", package.prefix()))
            .unwrap_or_default();
        let schedule = found
            .source
            .metadata
            .annotation(atlan_workflows::model::SCHEDULE_ANNOTATION)
            .map(|cron| format!(", scheduled `{cron}`"))
            .unwrap_or_default();
        if !crate::confirm::confirm(
            &format!("delete workflow {name}{package}{schedule}? Its runs are kept."),
            &format!("workflow {name} would be deleted"),
            yes,
        )? {
            crate::commands::polling::say("nothing was changed");
            return Ok(());
        }
    }
    workflows.delete(name).await?;
    env.printer.message(
        &format!("workflow {name} deleted"),
        &json!({ "name": name, "deleted": true }),
    )
}

async fn change_owner(name: &str, username: &str, env: &mut Env) -> Result<(), CliError> {
    let updated = env
        .client()
        .await?
        .workflows()
        .update_owner(name, username)
        .await?;
    env.printer
        .records(WORKFLOW_COLUMNS, &[rows::workflow_response(&updated)])
}
