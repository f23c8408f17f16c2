//! `atlanctl runs get | list | search | latest | current | stop | monitor`.

use atlan_workflows::{Listing, ListingQuery, MonitorTarget, WorkflowPhase, WorkflowSearchResult};
use jiff::Timestamp;

use crate::cli::{MonitorArgs, Paging, RunsCommand, SearchArgs};
use crate::context::Env;
use crate::error::CliError;
use crate::listing::{self, Owner, Shown};
use crate::progress::Progress;
use crate::rows::{self, RUN_COLUMNS};
use crate::workflow_names;
use atlan_ops::Glob;

/// Runs `atlanctl runs …`.
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
        RunsCommand::Explain { run, workflow, api } => {
            let workflow = match workflow {
                Some(pattern) if pattern.literal().is_none() => {
                    let client = env.client().await?;
                    Some(workflow_names::one(&client, &pattern).await?)
                }
                other => other.map(|name| name.as_str().to_owned()),
            };
            super::ops::explain(run.as_deref(), workflow.as_deref(), api.into(), env).await
        }
        RunsCommand::Stats(args) => super::ops::stats(args, env).await,
        RunsCommand::Rerun(args) => super::ops::rerun(args, env).await,
    }
}

async fn get(run_id: &str, env: &mut Env) -> Result<(), CliError> {
    let run = env.client().await?.runs().get(run_id).await?;
    print_run(&run, env)
}

async fn list(
    workflow: &Glob,
    phase: Option<WorkflowPhase>,
    paging: Paging,
    env: &mut Env,
) -> Result<(), CliError> {
    let client = env.client().await?;
    let workflow = workflow_names::one(&client, workflow).await?;
    let listing = client
        .runs()
        .list(workflow.as_str())
        .phase(phase)
        .from(paging.from)
        .size(paging.size)
        .concurrency(paging.concurrency);
    let owner = Owner::Workflow(workflow);
    print_listing(listing, paging, Some(owner), env).await
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
    if args.include_scheduled {
        search = search.including_scheduled();
    }
    search = args.times.bound(search);
    print_listing(search, args.paging, None, env).await
}

async fn latest(workflow: &Glob, env: &mut Env) -> Result<(), CliError> {
    let client = env.client().await?;
    let workflow = workflow_names::one(&client, workflow).await?;
    let run = client.runs().latest(&workflow).await?;
    print_run(&run, env)
}

async fn current(workflow: &Glob, env: &mut Env) -> Result<(), CliError> {
    let client = env.client().await?;
    let workflow = workflow_names::one(&client, workflow).await?;
    let run = client.runs().current(&workflow).await?;
    print_run(&run, env)
}

async fn stop(run_id: &str, env: &mut Env) -> Result<(), CliError> {
    let run = env.client().await?.runs().stop(run_id).await?;
    env.printer
        .records(RUN_COLUMNS, &[rows::run_response(&run, Timestamp::now())])
}

async fn monitor(args: MonitorArgs, env: &mut Env) -> Result<(), CliError> {
    let client = env.client().await?;
    let target = match (args.workflow, args.run_id) {
        (Some(workflow), _) => {
            MonitorTarget::Workflow(workflow_names::one(&client, &workflow).await?)
        }
        (None, Some(run_id)) => MonitorTarget::Run(run_id),
        (None, None) => return Err(CliError::Usage("give a run id or --workflow NAME".into())),
    };
    let monitor = client.runs().monitor(target);
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

/// A listing of legacy runs, printed as every listing is.
async fn print_listing<Q: ListingQuery<Item = WorkflowSearchResult>>(
    listing: Listing<Q>,
    paging: Paging,
    owner: Option<Owner>,
    env: &mut Env,
) -> Result<(), CliError> {
    let shown = Shown {
        noun: "runs",
        columns: RUN_COLUMNS,
        row: rows::run_hit_row,
        json: rows::run_hit_json,
        line: Some(rows::run_hit_line),
        owner,
    };
    listing::print(listing, paging.all, shown, env).await
}
