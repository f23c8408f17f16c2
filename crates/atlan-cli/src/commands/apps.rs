//! `atlan apps …`: app workflows through `client.apps()`.

use futures_util::StreamExt;
use serde_json::Value;

use super::Env;
use crate::app_rows as rows;
use crate::cli::{AppRunsCommand, AppSchedulesCommand, AppsCommand};
use crate::error::CliError;
use crate::input;
use atlan_workflows::model::{AppInputs, AppRunStatus};

/// Runs `atlan apps …`.
pub(crate) async fn run(command: AppsCommand, env: &mut Env) -> Result<(), CliError> {
    match command {
        AppsCommand::Describe { app_id } => {
            let info = env.client().await?.apps().describe(&app_id).await?;
            env.printer
                .records(rows::INFO_COLUMNS, &[rows::info(&info)])
        }
        AppsCommand::Inputs { app_id, entrypoint } => {
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
            let inputs = inputs_file(&inputs)?;
            let mut create = env.client().await?.apps().create(app_id, name, inputs);
            if let Some(entrypoint) = entrypoint {
                create = create.entrypoint(entrypoint);
            }
            if let (Some(cron), Some(timezone)) = (cron, timezone) {
                create = create.schedule(cron, timezone);
            }
            if run {
                create = create.run();
            }
            if validate {
                create = create.validate();
            }
            let created = create.await?;
            env.printer
                .records(rows::CHANGE_COLUMNS, &[rows::change(&created.response)])
        }
        AppsCommand::List {
            name,
            limit,
            cursor,
            all,
        } => {
            let mut listing = env.client().await?.apps().list();
            if let Some(name) = name {
                listing = listing.name(name);
            }
            if let Some(limit) = limit {
                listing = listing.limit(limit);
            }
            if let Some(cursor) = cursor {
                listing = listing.cursor(cursor);
            }
            if all {
                let mut stream = Box::pin(listing.stream());
                let mut printed = false;
                while let Some(summary) = stream.next().await {
                    env.printer
                        .records(rows::WORKFLOW_COLUMNS, &[rows::workflow(&summary?)])?;
                    printed = true;
                }
                if !printed {
                    env.printer.note("no app workflows");
                }
                return Ok(());
            }
            let page = listing.page().await?;
            let records: Vec<_> = page
                .workflows
                .iter()
                .flatten()
                .map(rows::workflow)
                .collect();
            if records.is_empty() {
                env.printer.note("no app workflows");
            } else {
                env.printer.records(rows::WORKFLOW_COLUMNS, &records)?;
            }
            if let Some(cursor) = page.next_cursor.filter(|_| page.has_more.unwrap_or(false)) {
                env.printer.note(&format!("more with --cursor {cursor}"));
            }
            Ok(())
        }
        AppsCommand::Get { slug } => {
            let summary = env.client().await?.apps().get(&slug).await?;
            env.printer
                .records(rows::WORKFLOW_COLUMNS, &[rows::workflow(&summary)])
        }
        AppsCommand::Update {
            slug,
            inputs,
            settings,
            entrypoint,
        } => {
            let apps = env.client().await?.apps();
            let response = match inputs {
                Some(path) => {
                    let mut update = apps.update(slug, inputs_file(&path)?);
                    if let Some(entrypoint) = entrypoint {
                        update = update.entrypoint(entrypoint);
                    }
                    update.await?
                }
                None => {
                    let mut change = apps.change(slug);
                    for (name, value) in settings {
                        change = change.set(name, value);
                    }
                    change.await?
                }
            };
            env.printer
                .records(rows::CHANGE_COLUMNS, &[rows::change(&response)])
        }
        AppsCommand::Delete { slug } => {
            let deleted = env.client().await?.apps().delete(&slug).await?;
            env.printer
                .records(rows::DELETE_COLUMNS, &[rows::delete(&deleted)])
        }
        AppsCommand::Submit { slug, idempotent } => {
            let mut submit = env.client().await?.apps().submit(slug);
            if idempotent {
                submit = submit.idempotent();
            }
            let run = submit.await?;
            env.printer.records(rows::RUN_COLUMNS, &[rows::run(&run)])
        }
        AppsCommand::Runs(command) => runs(command, env).await,
        AppsCommand::Schedules(command) => schedules(command, env).await,
    }
}

async fn runs(command: AppRunsCommand, env: &mut Env) -> Result<(), CliError> {
    match command {
        AppRunsCommand::Get { run_id } => {
            let run = env.client().await?.apps().get_run(&run_id).await?;
            env.printer.records(rows::RUN_COLUMNS, &[rows::run(&run)])
        }
        AppRunsCommand::Cancel { run_id } => {
            let cancelled = env.client().await?.apps().cancel_run(&run_id).await?;
            env.printer
                .records(rows::CANCEL_COLUMNS, &[rows::cancel(&cancelled)])
        }
        AppRunsCommand::List {
            slug,
            status,
            started_since,
            started_before,
            size,
            all,
            concurrency,
        } => {
            let mut search = env
                .client()
                .await?
                .apps()
                .runs()
                .size(size)
                .concurrency(concurrency)
                .statuses(status.iter().map(|text| AppRunStatus::from(text.trim())));
            if let Some(slug) = slug {
                search = search.slug(slug);
            }
            if let Some(since) = started_since {
                search = search.started_since(since);
            }
            if let Some(before) = started_before {
                search = search.started_before(before);
            }
            if all {
                let mut stream = Box::pin(search.stream());
                while let Some(run) = stream.next().await {
                    env.printer
                        .records(rows::FOUND_RUN_COLUMNS, &[rows::found_run(&run?)])?;
                }
                return Ok(());
            }
            let page = search.page().await?;
            let records: Vec<_> = page.items.iter().map(rows::found_run).collect();
            if records.is_empty() {
                env.printer.note("no app runs");
                return Ok(());
            }
            env.printer.records(rows::FOUND_RUN_COLUMNS, &records)?;
            let shown = page.from + records.len() as u64;
            if shown < page.total {
                env.printer.note(&format!(
                    "showing {}-{shown} of {}; --all for every run",
                    page.from + 1,
                    page.total
                ));
            }
            Ok(())
        }
        AppRunsCommand::Monitor {
            run_id,
            interval,
            timeout,
        } => {
            let run = env
                .client()
                .await?
                .apps()
                .monitor(run_id.clone())
                .interval(interval)
                .timeout(timeout)
                .await?;
            env.printer.records(rows::RUN_COLUMNS, &[rows::run(&run)])?;
            match run.status {
                Some(status) if !status.is_success() => Err(CliError::AppRunFailed {
                    run: run_id,
                    status: status.to_string(),
                }),
                _ => Ok(()),
            }
        }
    }
}

async fn schedules(command: AppSchedulesCommand, env: &mut Env) -> Result<(), CliError> {
    match command {
        AppSchedulesCommand::Add {
            slug,
            cron,
            timezone,
        } => {
            let mut add = env.client().await?.apps().add_schedule(slug, cron);
            if let Some(timezone) = timezone {
                add = add.timezone(timezone);
            }
            let added = add.await?;
            env.printer
                .records(rows::SCHEDULE_COLUMNS, &[rows::schedule(&added)])
        }
        AppSchedulesCommand::Remove { slug, trigger_id } => {
            let removed = env
                .client()
                .await?
                .apps()
                .remove_schedule(&slug, &trigger_id)
                .await?;
            env.printer
                .records(rows::REMOVED_COLUMNS, &[rows::removed(&removed)])
        }
    }
}

/// An inputs file: a JSON object, else a usage error naming the option.
fn inputs_file(path: &std::path::Path) -> Result<AppInputs, CliError> {
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
