//! `atlanctl apps …`: app workflows through `client.apps()`, one function per subcommand:
//! the workflows here, their runs in [`runs`], their schedules in [`schedules`].

mod runs;
mod schedules;

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::app_rows as rows;
use crate::cli::AppsCommand;
use crate::context::Env;
use crate::error::CliError;
use crate::input;
use crate::listing::{self, Shown};
use atlan_workflows::model::AppInputs;

/// Runs `atlanctl apps …`.
pub(crate) async fn run(command: AppsCommand, env: &mut Env) -> Result<(), CliError> {
    match command {
        AppsCommand::Describe { app_id } => describe(&app_id, env).await,
        AppsCommand::Inputs { app_id, entrypoint } => inputs(app_id, entrypoint, env).await,
        AppsCommand::Create {
            app_id,
            name,
            inputs,
            entrypoint,
            cron,
            timezone,
            run,
            validate,
        } => {
            let options = CreateOptions {
                entrypoint,
                schedule: cron.map(|cron| (cron, timezone)),
                run,
                validate,
            };
            create(app_id, name, &inputs, options, env).await
        }
        AppsCommand::List {
            name,
            size,
            cursor,
            all,
        } => list(name, size, cursor, all, env).await,
        AppsCommand::Get { slug } => get(&slug, env).await,
        AppsCommand::Update {
            slug,
            inputs,
            settings,
            entrypoint,
        } => update(slug, inputs, settings, entrypoint, env).await,
        AppsCommand::Delete { slug, yes } => delete(&slug, yes, env).await,
        AppsCommand::Submit {
            slug,
            allow_concurrent,
            ..
        } => submit(slug, allow_concurrent, env).await,
        AppsCommand::Runs(command) => runs::run(command, env).await,
        AppsCommand::Schedules(command) => schedules::run(command, env).await,
    }
}

async fn describe(app_id: &str, env: &mut Env) -> Result<(), CliError> {
    let info = env.client().await?.apps().describe(app_id).await?;
    env.printer
        .records(rows::INFO_COLUMNS, &[rows::info(&info)])
}

async fn inputs(app_id: String, entrypoint: Option<String>, env: &mut Env) -> Result<(), CliError> {
    let mut query = env.client().await?.apps().input_contract(app_id);
    if let Some(entrypoint) = entrypoint {
        query = query.entrypoint(entrypoint);
    }
    let contract = query.await?;
    if env.printer.is_json() {
        return env
            .printer
            .json(&serde_json::to_value(&contract).unwrap_or(Value::Null));
    }
    env.printer
        .records(rows::FIELD_COLUMNS, &rows::contract(&contract))
}

/// The options of `apps create` besides what it creates.
struct CreateOptions {
    entrypoint: Option<String>,
    schedule: Option<(String, String)>,
    run: bool,
    validate: bool,
}

async fn create(
    app_id: String,
    name: String,
    inputs: &Path,
    options: CreateOptions,
    env: &mut Env,
) -> Result<(), CliError> {
    let inputs = inputs_file(inputs)?;
    let mut create = env
        .client()
        .await?
        .apps()
        .workflows()
        .create(app_id, name, inputs);
    if let Some(entrypoint) = options.entrypoint {
        create = create.entrypoint(entrypoint);
    }
    if let Some((cron, timezone)) = &options.schedule {
        create = create.schedule(cron.clone(), timezone.clone());
    }
    if options.run {
        create = create.run();
    }
    if options.validate {
        create = create.validate();
    }
    let created = create.await?;
    if let Some((cron, timezone)) = &options.schedule {
        crate::commands::scheduled(cron, timezone);
    }
    env.printer
        .records(rows::CHANGE_COLUMNS, &[rows::change(&created.response)])
}

async fn list(
    name: Option<String>,
    size: Option<u32>,
    cursor: Option<String>,
    all: bool,
    env: &mut Env,
) -> Result<(), CliError> {
    let mut listing = env.client().await?.apps().workflows().list();
    if let Some(name) = name {
        listing = listing.name(name);
    }
    if let Some(size) = size {
        listing = listing.limit(size);
    }
    if let Some(cursor) = cursor {
        listing = listing.cursor(cursor);
    }
    let shown = Shown {
        noun: "app workflows",
        columns: rows::WORKFLOW_COLUMNS,
        row: |summary, _| rows::workflow(summary).row,
        json: |summary| rows::workflow(summary).json,
        line: None,
        owner: None,
    };
    listing::print(listing, all, shown, env).await
}

async fn get(slug: &str, env: &mut Env) -> Result<(), CliError> {
    let summary = env.client().await?.apps().workflows().get(slug).await?;
    env.printer
        .records(rows::WORKFLOW_COLUMNS, &[rows::workflow(&summary)])
}

async fn update(
    slug: String,
    inputs: Option<PathBuf>,
    settings: Vec<(String, Value)>,
    entrypoint: Option<String>,
    env: &mut Env,
) -> Result<(), CliError> {
    let apps = env.client().await?.apps();
    let response = match inputs {
        Some(path) => {
            let mut update = apps.workflows().update(slug, inputs_file(&path)?);
            if let Some(entrypoint) = entrypoint {
                update = update.entrypoint(entrypoint);
            }
            update.await?
        }
        None => {
            let mut change = apps.workflows().change(slug);
            for (name, value) in settings {
                change = change.set(name, value);
            }
            change.await?
        }
    };
    env.printer
        .records(rows::CHANGE_COLUMNS, &[rows::change(&response)])
}

/// Deletes an app workflow once it is found and the person agreed (a dry run asks nothing).
async fn delete(slug: &str, yes: bool, env: &mut Env) -> Result<(), CliError> {
    let apps = env.client().await?.apps();
    if !env.is_dry_run() {
        let found = apps.workflows().get(slug).await?;
        let schedules = found.schedules.as_ref().map_or(0, Vec::len);
        let question = format!(
            "delete app workflow {slug} ({}, app {}, {schedules} schedule(s))?",
            found.name.as_deref().unwrap_or("no name"),
            found.app().unwrap_or("unknown"),
        );
        let what = format!("app workflow {slug} would be deleted");
        if !crate::confirm::confirm(&question, &what, yes)? {
            crate::commands::polling::say("nothing was changed");
            return Ok(());
        }
    }
    let deleted = apps.workflows().delete(slug).await?;
    env.printer
        .records(rows::DELETE_COLUMNS, &[rows::delete(&deleted)])
}

/// Starts a run, unless one is under way (that run is shown) or `allow_concurrent`.
async fn submit(slug: String, allow_concurrent: bool, env: &mut Env) -> Result<(), CliError> {
    let apps = env.client().await?.apps();
    let submit = apps.workflows().run(slug.clone());
    let submitted = if allow_concurrent {
        submit.await
    } else {
        submit.idempotent().await
    };
    let (run, started) = match submitted {
        Ok(run) => (run, true),
        Err(atlan_workflows::Error::AlreadyRunning {
            run_id: Some(run_id),
            ..
        }) => {
            crate::commands::polling::say(&format!(
                "{slug} has a run under way ({run_id}): not started another (--allow-concurrent starts one)"
            ));
            (apps.runs().get(&run_id).await?, false)
        }
        Err(error) => return Err(error.into()),
    };
    let shown = crate::rows::started(rows::run(&run), started);
    env.printer.records(rows::RUN_COLUMNS, &[shown])
}

/// An inputs file: a JSON object, else a usage error naming the option.
fn inputs_file(path: &Path) -> Result<AppInputs, CliError> {
    match input::json_file(path)? {
        Value::Object(map) => {
            crate::scrub::remember_inputs(&map);
            Ok(AppInputs::from_map(map))
        }
        _ => Err(CliError::Usage(format!(
            "--inputs {}: the inputs must be a JSON object",
            path.display()
        ))),
    }
}
