//! `atlanctl runs get | list | search | latest | current | stop | monitor | explain`: runs of both
//! APIs (`--api legacy|apps|all`), one row shape, each run's JSON as its API answered it.

use atlan_ops::run_search::{self, Listed};
use atlan_ops::{ApiChoice, FoundRun, Glob, RunQuery, WorkflowRef};
use atlan_workflows::model::AppRunStatus;
use atlan_workflows::{Error, MonitorTarget, WorkflowPhase};
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use jiff::Timestamp;

use crate::cli::{MonitorArgs, Paging, RunsCommand, SearchArgs};
use crate::context::Env;
use crate::error::CliError;
use crate::listing::{self, Owner, Shown};
use crate::progress::Progress;
use crate::rows::{self, RUN_COLUMNS};
use crate::{run_rows, workflow_names};

/// Runs `atlanctl runs …`.
pub(crate) async fn run(command: RunsCommand, env: &mut Env) -> Result<(), CliError> {
    match command {
        RunsCommand::Get { run_id, api } => get(&run_id, api.choice.into(), env).await,
        RunsCommand::List {
            workflow,
            phase,
            api,
            paging,
        } => list(&workflow, phase, api.choice.into(), paging, env).await,
        RunsCommand::Search(args) => search(args, env).await,
        RunsCommand::Latest { workflow, api } => {
            one_of(&workflow, api.choice.into(), Which::Latest, env).await
        }
        RunsCommand::Current { workflow, api } => {
            one_of(&workflow, api.choice.into(), Which::Current, env).await
        }
        RunsCommand::Stop { run_id } => stop(&run_id, env).await,
        RunsCommand::Monitor(args) => monitor(args, env).await,
        RunsCommand::Explain { run, workflow, api } => {
            let mut api: ApiChoice = api.choice.into();
            let workflow = match workflow {
                Some(pattern) => {
                    let client = env.client().await?;
                    let found = workflow_names::either(&client, &pattern, api).await?;
                    if pattern.literal().is_none() {
                        api = only(&found, api);
                    }
                    Some(
                        found
                            .first()
                            .map(|found| found.id.clone())
                            .unwrap_or_default(),
                    )
                }
                None => None,
            };
            super::ops::explain(run.as_deref(), workflow.as_deref(), api, env).await
        }
        RunsCommand::Stats(args) => super::ops::stats(args, env).await,
        RunsCommand::Rerun(args) => super::ops::rerun(args, env).await,
    }
}

/// The API of the one workflow a pattern matched.
fn only(found: &[WorkflowRef], api: ApiChoice) -> ApiChoice {
    match found {
        [one] => one.api.into(),
        _ => api,
    }
}

async fn get(run_id: &str, api: ApiChoice, env: &mut Env) -> Result<(), CliError> {
    let client = env.client().await?;
    let run = atlan_ops::fetch::found(&client, run_id, api).await?;
    print_run(&run, env)
}

async fn list(
    workflow: &Glob,
    status: Option<AppRunStatus>,
    api: ApiChoice,
    paging: Paging,
    env: &mut Env,
) -> Result<(), CliError> {
    let client = env.client().await?;
    let workflows = workflow_names::either(&client, workflow, api).await?;
    let mut query = paged(api, &paging);
    query.statuses.extend(status);
    let runs = run_search::workflow_runs(&client, &workflows, &query);
    // Runs of an app workflow it found: it exists. Else no run of a legacy name may mean no such
    // workflow.
    let owner = match workflows.as_slice() {
        [legacy] if legacy.api == atlan_ops::Api::Legacy => {
            Some(Owner::Workflow(legacy.id.clone()))
        }
        _ => None,
    };
    print_listing(runs, &paging, owner, env).await
}

async fn search(args: SearchArgs, env: &mut Env) -> Result<(), CliError> {
    let client = env.client().await?;
    let mut query = paged(args.api.choice.into(), &args.paging);
    query.statuses = args.status;
    query.times = args.times.into();
    query.include_scheduled = args.include_scheduled;
    let app_only = |status| run_search::legacy_phase(status).is_none();
    if query.api == ApiChoice::Legacy && query.statuses.iter().all(app_only) {
        return Err(CliError::Usage(
            "--status: Stopped, Paused, Terminated and Skipped are statuses of app runs only"
                .into(),
        ));
    }
    let runs = run_search::search(&client, &query);
    print_listing(runs, &args.paging, None, env).await
}

/// A query of `api`'s runs paged as `paging` says.
fn paged(api: ApiChoice, paging: &Paging) -> RunQuery {
    let mut query = RunQuery::new(api);
    query.from = paging.from;
    query.page_size = paging.size;
    query.concurrency = paging.concurrency;
    query
}

/// Which run of a workflow `runs latest` and `runs current` show.
#[derive(Clone, Copy)]
enum Which {
    Latest,
    Current,
}

async fn one_of(
    workflow: &Glob,
    api: ApiChoice,
    which: Which,
    env: &mut Env,
) -> Result<(), CliError> {
    let client = env.client().await?;
    let workflows = workflow_names::either(&client, workflow, api).await?;
    let (found, what) = match which {
        Which::Latest => (run_search::latest(&client, &workflows, api).await?, "a run"),
        Which::Current => (
            run_search::current(&client, &workflows, api).await?,
            "a Pending or Running run",
        ),
    };
    match found {
        Some(run) => print_run(&run, env),
        None => Err(CliError::Api(Error::NotFound {
            operation: "runs",
            what: format!("{what} of workflow `{}`", workflow.as_str()),
            body: None,
        })),
    }
}

async fn stop(run_id: &str, env: &mut Env) -> Result<(), CliError> {
    let run = env.client().await?.runs().stop(run_id).await?;
    env.printer
        .records(RUN_COLUMNS, &[rows::run_response(&run, Timestamp::now())])
}

/// The run `runs monitor` follows.
enum Followed {
    /// A legacy run, or a legacy workflow's latest run.
    Legacy(MonitorTarget),
    /// An app run, by id.
    App(String),
}

async fn monitor(args: MonitorArgs, env: &mut Env) -> Result<(), CliError> {
    let client = env.client().await?;
    let api: ApiChoice = args.api.choice.into();
    let followed = match (&args.workflow, args.run_id.clone()) {
        (Some(workflow), _) => {
            let workflows = workflow_names::either(&client, workflow, api).await?;
            match workflows.as_slice() {
                [legacy] if legacy.api == atlan_ops::Api::Legacy => {
                    Followed::Legacy(MonitorTarget::Workflow(legacy.id.clone()))
                }
                _ => match run_search::latest(&client, &workflows, api).await? {
                    Some(run) => followed(&run),
                    None => {
                        return Err(CliError::Api(Error::NotFound {
                            operation: "runs.monitor",
                            what: format!("a run of workflow `{}`", workflow.as_str()),
                            body: None,
                        }));
                    }
                },
            }
        }
        (None, Some(run_id)) if api == ApiChoice::Legacy => {
            Followed::Legacy(MonitorTarget::Run(run_id))
        }
        (None, Some(run_id)) => followed(&atlan_ops::fetch::found(&client, &run_id, api).await?),
        (None, None) => return Err(CliError::Usage("give a run id or --workflow NAME".into())),
    };
    match followed {
        Followed::Legacy(target) => monitor_legacy(&client, target, &args, env).await,
        Followed::App(run_id) => monitor_app(&client, run_id, &args, env).await,
    }
}

/// How `run` is followed.
fn followed(run: &FoundRun) -> Followed {
    match run {
        FoundRun::Legacy(hit) => Followed::Legacy(MonitorTarget::Run(hit.name().to_owned())),
        _ => Followed::App(run.view().run),
    }
}

async fn monitor_legacy(
    client: &atlan_workflows::AtlanClient,
    target: MonitorTarget,
    args: &MonitorArgs,
    env: &mut Env,
) -> Result<(), CliError> {
    let progress = Progress::monitor();
    let started = tokio::time::Instant::now();
    let seen = progress.clone();
    let result = client
        .runs()
        .monitor(target)
        .interval(args.interval)
        .timeout(args.timeout)
        .on_progress(move |run| {
            tracing::debug!(run = run.name(), phase = ?run.phase(), "monitored");
            seen.seen(run, started.elapsed());
        })
        .await;
    progress.finish();
    let run = result?;
    let phase = run.phase().cloned();
    let message = run.source.status.as_ref().and_then(|s| s.message.clone());
    let name = run.name().to_owned();
    print_run(&FoundRun::from(run), env)?;
    match phase {
        Some(phase @ (WorkflowPhase::Failed | WorkflowPhase::Error)) => Err(CliError::RunFailed {
            run: name,
            phase,
            message,
        }),
        _ => Ok(()),
    }
}

async fn monitor_app(
    client: &atlan_workflows::AtlanClient,
    run_id: String,
    args: &MonitorArgs,
    env: &mut Env,
) -> Result<(), CliError> {
    let monitor = client.apps().runs().monitor(run_id.clone());
    let run = monitor
        .interval(args.interval)
        .timeout(args.timeout)
        .await?;
    let status = run.status.clone();
    // The run's asset says more (its app, its end) once the search shows it.
    let found = match client.apps().runs().find_opt(&run_id).await {
        Ok(Some(asset)) => FoundRun::from(asset),
        _ => FoundRun::from(run),
    };
    print_run(&found, env)?;
    match status {
        Some(status) if !status.is_success() => Err(CliError::AppRunFailed {
            run: run_id,
            status: status.to_string(),
        }),
        _ => Ok(()),
    }
}

fn print_run(run: &FoundRun, env: &mut Env) -> Result<(), CliError> {
    env.printer.records(
        run_rows::COLUMNS,
        &[run_rows::record(run, Timestamp::now())],
    )
}

/// Runs of both APIs, printed as every listing is; an API the tenant does not serve named once.
async fn print_listing(
    runs: BoxStream<'static, atlan_workflows::Result<Listed>>,
    paging: &Paging,
    owner: Option<Owner>,
    env: &mut Env,
) -> Result<(), CliError> {
    let skipped = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let left_out = skipped.clone();
    let runs = runs
        .filter_map(move |listed| {
            let run = match listed {
                Ok(Listed::Run(run)) => Some(Ok(run)),
                Ok(Listed::Skipped(api)) => {
                    if let Ok(mut skipped) = left_out.lock() {
                        skipped.push(api);
                    }
                    None
                }
                Err(error) => Some(Err(error)),
            };
            std::future::ready(run)
        })
        .boxed();
    let shown = Shown {
        noun: "runs",
        columns: run_rows::COLUMNS,
        row: run_rows::row,
        json: run_rows::json,
        line: Some(run_rows::line),
        owner,
    };
    let result = listing::print_stream(runs, paging, shown, env).await;
    let skipped = skipped.lock().map(|apis| apis.clone()).unwrap_or_default();
    super::ops::say_skipped(&skipped, "its runs are left out", env);
    result
}
