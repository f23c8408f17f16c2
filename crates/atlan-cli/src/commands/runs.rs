//! `atlan runs get | list | search | latest | current | stop | monitor`.

use atlan_workflows::requests::runs as requests;
use atlan_workflows::{
    MonitorOptions, MonitorTarget, RunList, TimeBounds, WorkflowPhase, WorkflowSearchResult,
};
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
    if env.dry_run() {
        return env.show(&requests::get(run_id)?);
    }
    let run = env.client().await?.runs().get(run_id).await?;
    let run = run.ok_or_else(|| CliError::NotFound(format!("run `{run_id}`")))?;
    print_run(&run, env)
}

async fn list(
    workflow: &str,
    phase: Option<WorkflowPhase>,
    paging: Paging,
    env: &mut Env,
) -> Result<(), CliError> {
    if env.dry_run() {
        let request = match &phase {
            Some(phase) => requests::by_phase(workflow, phase, paging.from, paging.size)?,
            None => requests::of_workflow(workflow, paging.from, paging.size)?,
        };
        return env.show(&request);
    }
    let listing = env.client().await?.runs().list(workflow, phase);
    print_listing(listing, paging, env).await
}

async fn search(args: SearchArgs, env: &mut Env) -> Result<(), CliError> {
    let started = bounds(args.started_since, args.started_before);
    let finished = bounds(args.finished_since, args.finished_before);
    let paging = args.paging;
    if env.dry_run() {
        return env.show(&requests::by_status_and_time(
            &args.status,
            &started,
            &finished,
            paging.from,
            paging.size,
        )?);
    }
    let listing = env
        .client()
        .await?
        .runs()
        .search(&args.status, started, finished);
    print_listing(listing, paging, env).await
}

async fn latest(workflow: &str, env: &mut Env) -> Result<(), CliError> {
    if env.dry_run() {
        return env.show(&requests::latest(workflow)?);
    }
    let run = env.client().await?.runs().latest(workflow).await?;
    let run = run.ok_or_else(|| CliError::NotFound(format!("a run of workflow `{workflow}`")))?;
    print_run(&run, env)
}

async fn current(workflow: &str, env: &mut Env) -> Result<(), CliError> {
    if env.dry_run() {
        return env.show(&requests::current(workflow)?);
    }
    let run = env.client().await?.runs().current(workflow).await?;
    let run = run.ok_or_else(|| {
        CliError::NotFound(format!("a Pending or Running run of workflow `{workflow}`"))
    })?;
    print_run(&run, env)
}

async fn stop(run_id: &str, env: &mut Env) -> Result<(), CliError> {
    if env.dry_run() {
        return env.show(&requests::stop(run_id)?);
    }
    let run = env.client().await?.runs().stop(run_id).await?;
    env.printer
        .records(RUN_COLUMNS, &[rows::run_response(&run, Timestamp::now())])
}

async fn monitor(args: MonitorArgs, env: &mut Env) -> Result<(), CliError> {
    // Each poll sends the same request: the latest run of the workflow, or the run.
    let (target, request) = match (args.workflow, args.run_id) {
        (Some(workflow), _) => {
            let request = requests::latest(&workflow)?;
            (MonitorTarget::Workflow(workflow), request)
        }
        (None, Some(run_id)) => {
            let request = requests::get(&run_id)?;
            (MonitorTarget::Run(run_id), request)
        }
        (None, None) => return Err(CliError::Usage("give a run id or --workflow NAME".into())),
    };
    if env.dry_run() {
        return env.show(&request);
    }
    let progress = Progress::monitor();
    let started = tokio::time::Instant::now();
    let seen = progress.clone();
    let options = MonitorOptions::new(args.interval, args.timeout).on_progress(move |run| {
        tracing::debug!(run = run.name(), phase = ?run.phase(), "monitored");
        seen.seen(run, started.elapsed());
    });
    let result = env.client().await?.runs().monitor(target, options).await;
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
async fn print_listing(listing: RunList, paging: Paging, env: &mut Env) -> Result<(), CliError> {
    let listing = listing.from(paging.from).size(paging.size);
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
    // The total is only for the progress line: ask for it (one result) only when it is drawn.
    let total = if Progress::enabled() {
        let first = listing.clone().size(1).page().await?;
        first.total.map(|total| total.value)
    } else {
        None
    };
    let batch_size = usize::try_from(paging.size)
        .unwrap_or(usize::MAX)
        .min(10_000);
    let mut stream = listing.stream();
    let mut batch = Vec::with_capacity(batch_size);
    let (mut pages, mut items) = (0_u64, 0_u64);
    let result: Result<(), CliError> = async {
        while let Some(run) = stream.try_next().await? {
            batch.push(rows::run_hit(&run, Timestamp::now()));
            items += 1;
            if batch.len() == batch_size {
                pages += 1;
                progress.fetched(pages, items, total);
                env.printer.records(RUN_COLUMNS, &batch)?;
                batch.clear();
            }
        }
        if !batch.is_empty() {
            env.printer.records(RUN_COLUMNS, &batch)?;
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

/// `--…-since` and `--…-before` as one bound.
fn bounds(since: Option<String>, before: Option<String>) -> TimeBounds {
    match (since, before) {
        (Some(since), Some(before)) => TimeBounds::between(since, before),
        (Some(since), None) => TimeBounds::since(since),
        (None, Some(before)) => TimeBounds::before(before),
        (None, None) => TimeBounds::any(),
    }
}
