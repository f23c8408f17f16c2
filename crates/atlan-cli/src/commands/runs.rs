//! `atlan runs get | list | search | latest | current | stop | monitor`.

use atlan_workflows::{Listing, ListingQuery, MonitorTarget, WorkflowPhase, WorkflowSearchResult};
use futures_util::TryStreamExt;
use jiff::Timestamp;

use super::Env;
use crate::cli::{MonitorArgs, Paging, RunsCommand, SearchArgs};
use crate::error::CliError;
use crate::output::Record;
use crate::progress::Progress;
use crate::rows::{self, RUN_COLUMNS};

/// Runs `atlan runs …`.
pub(crate) async fn run(command: RunsCommand, env: &mut Env) -> Result<(), CliError> {
    match command {
        RunsCommand::Get { run_id } => get(&run_id, env).await,
        RunsCommand::List {
            workflow,
            phase,
            paging,
        } => list(&workflow, phase, paging, env).await,
        RunsCommand::Search(args) => search(args, env).await,
        RunsCommand::Latest { workflow } => latest(&workflow, env).await,
        RunsCommand::Current { workflow } => current(&workflow, env).await,
        RunsCommand::Stop { run_id } => stop(&run_id, env).await,
        RunsCommand::Monitor(args) => monitor(args, env).await,
    }
}

async fn get(run_id: &str, env: &mut Env) -> Result<(), CliError> {
    let run = env.client().await?.runs().get(run_id).await?;
    print_run(&run, env)
}

async fn list(
    workflow: &str,
    phase: Option<WorkflowPhase>,
    paging: Paging,
    env: &mut Env,
) -> Result<(), CliError> {
    let listing = env
        .client()
        .await?
        .runs()
        .list(workflow)
        .phase(phase)
        .from(paging.from)
        .size(paging.size)
        .concurrency(paging.concurrency);
    print_listing(listing, paging, env).await
}

async fn search(args: SearchArgs, env: &mut Env) -> Result<(), CliError> {
    let mut search = env
        .client()
        .await?
        .runs()
        .search()
        .phases(args.status)
        .from(args.paging.from)
        .size(args.paging.size)
        .concurrency(args.paging.concurrency);
    if let Some(time) = args.started_since {
        search = search.started_since(time);
    }
    if let Some(time) = args.started_before {
        search = search.started_before(time);
    }
    if let Some(time) = args.finished_since {
        search = search.finished_since(time);
    }
    if let Some(time) = args.finished_before {
        search = search.finished_before(time);
    }
    print_listing(search, args.paging, env).await
}

async fn latest(workflow: &str, env: &mut Env) -> Result<(), CliError> {
    let run = env.client().await?.runs().latest(workflow).await?;
    print_run(&run, env)
}

async fn current(workflow: &str, env: &mut Env) -> Result<(), CliError> {
    let run = env.client().await?.runs().current(workflow).await?;
    print_run(&run, env)
}

async fn stop(run_id: &str, env: &mut Env) -> Result<(), CliError> {
    let run = env.client().await?.runs().stop(run_id).await?;
    env.printer
        .records(RUN_COLUMNS, &[rows::run_response(&run, Timestamp::now())])
}

async fn monitor(args: MonitorArgs, env: &mut Env) -> Result<(), CliError> {
    let target = match (args.workflow, args.run_id) {
        (Some(workflow), _) => MonitorTarget::Workflow(workflow),
        (None, Some(run_id)) => MonitorTarget::Run(run_id),
        (None, None) => return Err(CliError::Usage("give a run id or --workflow NAME".into())),
    };
    let monitor = env.client().await?.runs().monitor(target);
    let progress = Progress::monitor();
    let started = tokio::time::Instant::now();
    let seen = progress.clone();
    let result = monitor
        .interval(args.interval)
        .timeout(args.timeout)
        .on_progress(move |run| {
            tracing::debug!(run = run.name(), phase = ?run.phase(), "monitored");
            seen.seen(run, started.elapsed());
        })
        .await;
    progress.finish();
    let run = result?;
    print_run(&run, env)?;
    match run.phase() {
        Some(phase @ (WorkflowPhase::Failed | WorkflowPhase::Error)) => Err(CliError::RunFailed {
            run: run.name().to_owned(),
            phase: phase.clone(),
            message: run
                .source
                .status
                .as_ref()
                .and_then(|status| status.message.clone()),
        }),
        _ => Ok(()),
    }
}

fn print_run(run: &WorkflowSearchResult, env: &mut Env) -> Result<(), CliError> {
    env.printer
        .records(RUN_COLUMNS, &[rows::run_hit(run, Timestamp::now())])
}

/// A listing: one page, with a note on what follows; or, with `--all`, every page, printed as
/// each arrives (the table's columns are sized by the first page).
async fn print_listing<Q: ListingQuery>(
    listing: Listing<Q>,
    paging: Paging,
    env: &mut Env,
) -> Result<(), CliError> {
    if !paging.all {
        let page = listing.page().await?;
        let now = Timestamp::now();
        let records: Vec<Record> = page
            .items
            .iter()
            .map(|run| rows::run_hit(run, now))
            .collect();
        if records.is_empty() {
            env.printer.note("no runs found");
            return Ok(());
        }
        env.printer.records(RUN_COLUMNS, &records)?;
        if !page.is_last() {
            let shown_to = page.from + page.items.len() as u64;
            let of = page
                .total
                .as_ref()
                .map(|total| format!(" of {}", total.value))
                .unwrap_or_default();
            env.printer.note(&format!(
                "showing {}-{shown_to}{of}; more with --from {shown_to}, or all with --all",
                page.from + 1,
            ));
        }
        return Ok(());
    }

    let progress = Progress::listing();
    let mut pages = listing.pages();
    let (mut fetched, mut items) = (0_u64, 0_u64);
    let result: Result<(), CliError> = async {
        while let Some(page) = pages.try_next().await? {
            fetched += 1;
            items += page.items.len() as u64;
            progress.fetched(fetched, items, page.total.as_ref().map(|total| total.value));
            let now = Timestamp::now();
            let records: Vec<Record> = page
                .items
                .iter()
                .map(|run| rows::run_hit(run, now))
                .collect();
            if !records.is_empty() {
                env.printer.records(RUN_COLUMNS, &records)?;
            }
        }
        Ok(())
    }
    .await;
    progress.finish();
    result?;
    if items == 0 {
        env.printer.note("no runs found");
    }
    Ok(())
}
