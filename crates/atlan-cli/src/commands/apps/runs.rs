//! `atlanctl apps runs get | cancel | list | monitor`.

use std::time::Duration;

use atlan_workflows::model::AppRunStatus;

use crate::app_rows as rows;
use crate::cli::{AppRunsCommand, Paging, TimeArgs};
use crate::context::Env;
use crate::error::CliError;
use crate::listing::{self, Owner, Shown};

/// Runs `atlanctl apps runs …`.
pub(super) async fn run(command: AppRunsCommand, env: &mut Env) -> Result<(), CliError> {
    match command {
        AppRunsCommand::Get { run_id } => get(&run_id, env).await,
        AppRunsCommand::Cancel { run_id } => cancel(&run_id, env).await,
        AppRunsCommand::List {
            slug,
            status,
            times,
            paging,
        } => list(slug, status, times, paging, env).await,
        AppRunsCommand::Monitor {
            run_id,
            interval,
            timeout,
        } => monitor(run_id, interval, timeout, env).await,
    }
}

async fn get(run_id: &str, env: &mut Env) -> Result<(), CliError> {
    let run = env.client().await?.apps().runs().get(run_id).await?;
    env.printer.records(rows::RUN_COLUMNS, &[rows::run(&run)])
}

async fn cancel(run_id: &str, env: &mut Env) -> Result<(), CliError> {
    let cancelled = env.client().await?.apps().runs().stop(run_id).await?;
    env.printer
        .records(rows::CANCEL_COLUMNS, &[rows::cancel(&cancelled)])
}

async fn list(
    slug: Option<String>,
    status: Vec<AppRunStatus>,
    times: TimeArgs,
    paging: Paging,
    env: &mut Env,
) -> Result<(), CliError> {
    let mut search = env
        .client()
        .await?
        .apps()
        .runs()
        .search()
        .statuses(status)
        .from(paging.from)
        .size(paging.size)
        .concurrency(paging.concurrency);
    if let Some(slug) = &slug {
        search = search.slug(slug.clone());
    }
    search = times.bound(search);
    let shown = Shown {
        noun: "app runs",
        columns: rows::FOUND_RUN_COLUMNS,
        row: |run, _| rows::found_run(run).row,
        json: |run| rows::found_run(run).json,
        line: None,
        owner: slug.map(Owner::AppWorkflow),
    };
    listing::print(search, paging.all, shown, env).await
}

async fn monitor(
    run_id: String,
    interval: Duration,
    timeout: Duration,
    env: &mut Env,
) -> Result<(), CliError> {
    let run = env
        .client()
        .await?
        .apps()
        .runs()
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
