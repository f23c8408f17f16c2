//! `atlanctl runs rerun --failed`: the plan (what, why, in which order) on stderr, a confirmation
//! (or `--yes`), then each workflow submitted once through `atlan_ops::bulk::execute` with a
//! journal, one result line per workflow on stdout.
//!
//! The journal is `atlanctl/rerun-<tenant>.jsonl` in the user's state directory while a batch is
//! under way; a finished batch's journal is renamed `rerun-<tenant>-<finished>.jsonl`, so that
//! the next batch starts afresh and `--resume` finds only an interrupted one. Those journals are
//! also a guard: a workflow an earlier batch submitted in the last 15 minutes is held back, since
//! the index the plan is read from may not show its run yet.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use atlan_ops::Glob;
use atlan_ops::bulk::{self, Header, Journal, Outcome, Pace, Plan, Report, Target, WaveWait};
use atlan_ops::{ApiChoice, Selection, Window};
use atlan_workflows::Error;
use jiff::Timestamp;
use serde_json::json;

use super::batch;
use crate::cli::{OrderArg, RerunArgs};
use crate::commands::polling::say;
use crate::context::Env;
use crate::error::CliError;
use crate::output::Record;

/// How often a wave's runs are read while the next waits for them.
const WAVE_POLL: std::time::Duration = std::time::Duration::from_secs(5);

/// The result table's columns.
const COLUMNS: [&str; 5] = ["WORKFLOW", "API", "ACTION", "RUN", "REASON"];

/// Runs `atlanctl runs rerun`.
pub(crate) async fn rerun(args: RerunArgs, env: &mut Env) -> Result<(), CliError> {
    let now = Timestamp::now();
    let window = Window::resolve(&args.since, args.before.as_ref(), now)
        .map_err(|error| CliError::Usage(error.to_string()))?;
    let glob = args.workflow.clone();
    let client = env.client().await?;
    let tenant = env.base_url().unwrap_or_default().to_owned();
    if env.is_dry_run() {
        // A preview: the plan and the submits it would send; no journal is read or written.
        let path = batch::journal_path(args.batch.journal.clone(), "rerun", &tenant).ok();
        let plan = plan(
            &args,
            &client,
            &window,
            glob.as_ref(),
            (path.as_deref(), &tenant),
        )
        .await?;
        show(&plan, args.order == OrderArg::Lineage);
        let previews = bulk::preview_reruns(&client, &plan).await?;
        return batch::print_previews(&previews, env);
    }
    let path = batch::journal_path(args.batch.journal.clone(), "rerun", &tenant)?;
    let header = Header::new("rerun", tenant.clone(), args.selection(), now);
    if !args.batch.resume {
        if path.exists() {
            return Err(batch::interrupted(&path));
        }
        // The journal is created once the plan is confirmed.
        return plan_and_run(args, env, &client, &window, glob.as_ref(), &path, header).await;
    }
    // A journal of another batch is refused before anything is read or sent.
    let journal = Journal::resume(&path, &header).map_err(CliError::Journal)?;
    let plan = plan(
        &args,
        &client,
        &window,
        glob.as_ref(),
        (Some(&path), &tenant),
    )
    .await?;
    say(&format!("resuming the batch in {}", path.display()));
    show(&plan, args.order == OrderArg::Lineage);
    execute(args, env, &client, &plan, journal, &path, &tenant).await
}

/// Plans, asks, creates the journal and executes.
async fn plan_and_run(
    args: RerunArgs,
    env: &mut Env,
    client: &atlan_workflows::AtlanClient,
    window: &Window,
    glob: Option<&Glob>,
    path: &Path,
    header: Header,
) -> Result<(), CliError> {
    let plan = plan(&args, client, window, glob, (Some(path), &header.tenant)).await?;
    show(&plan, args.order == OrderArg::Lineage);
    let count = plan.len();
    let tenant = header.tenant.clone();
    let asking = batch::Asking {
        verb: "re-run",
        done: "re-run",
        schedules: false,
        yes: args.batch.yes,
    };
    let Some(journal) = batch::start(path, header, count, asking)? else {
        return Ok(());
    };
    execute(args, env, client, &plan, journal, path, &tenant).await
}

/// How long after a submit of an earlier batch its workflow is held back: the index a plan is
/// read from may not show the run for that long.
const LAG_GUARD: jiff::SignedDuration = jiff::SignedDuration::from_mins(15);
/// The most journals of earlier batches read for the guard (the newest).
const MAX_JOURNALS: usize = 100;

/// The submits of the earlier batches whose journals sit beside `path` (`rerun-TENANT*.jsonl`,
/// `path` itself left out), made at or after `since`.
fn recent_submits(
    path: &Path,
    tenant: &str,
    since: Timestamp,
) -> Vec<(atlan_ops::Api, String, Timestamp)> {
    let Some(dir) = path.parent() else {
        return Vec::new();
    };
    let prefix = format!("rerun-{}", crate::paths::file_name(tenant));
    let Ok(entries) = std::fs::read_dir(if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    }) else {
        return Vec::new();
    };
    let mut journals: Vec<(std::time::SystemTime, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter(|entry| {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            name.starts_with(&prefix) && name.ends_with(".jsonl") && entry.path() != path
        })
        .filter_map(|entry| Some((entry.metadata().ok()?.modified().ok()?, entry.path())))
        .collect();
    journals.sort_by_key(|journal| std::cmp::Reverse(journal.0));
    journals
        .into_iter()
        .take(MAX_JOURNALS)
        .flat_map(|(_, journal)| Journal::submits(&journal))
        .filter(|(_, _, at)| *at >= since)
        .collect()
}

/// The plan of the selection.
async fn plan(
    args: &RerunArgs,
    client: &atlan_workflows::AtlanClient,
    window: &Window,
    glob: Option<&Glob>,
    (path, tenant): (Option<&Path>, &str),
) -> Result<Plan, CliError> {
    let mut selection = Selection::new(ApiChoice::from(args.api));
    if let Some(package) = &args.package {
        selection = selection.package(package.clone());
    }
    let report = atlan_ops::stats_report(client, &selection, window).await?;
    let rows: Vec<_> = report
        .rows
        .into_iter()
        .filter(|row| glob.is_none_or(|glob| glob.matches(&row.workflow)))
        .collect();
    if let Some(glob) = glob
        && rows.is_empty()
    {
        return Err(CliError::Api(Error::NotFound {
            operation: "runs.rerun",
            what: format!(
                "a workflow matching `{}` with runs since {}",
                glob.as_str(),
                window.since
            ),
            body: None,
        }));
    }
    let mut plan = bulk::plan::failed(&rows, args.order.into());
    let now = Timestamp::now();
    let since = now.saturating_sub(LAG_GUARD).unwrap_or(now);
    if let Some(path) = path {
        plan.hold_back(&recent_submits(path, tenant, since), since);
    }
    Ok(plan)
}

/// The plan, for people, on stderr; waves in lineage order are named by their stage.
fn show(plan: &Plan, lineage: bool) {
    for (index, wave) in plan.waves.iter().enumerate() {
        let stage = wave.first().and_then(|target| target.stage);
        let name = match stage {
            _ if !lineage => String::new(),
            Some(atlan_ops::lineage::Stage::Source) => " (sources)".into(),
            Some(atlan_ops::lineage::Stage::Miner) => " (miners)".into(),
            Some(atlan_ops::lineage::Stage::Transformation) => " (transformations)".into(),
            Some(_) => " (BI)".into(),
            None => " (other packages)".into(),
        };
        say(&format!("wave {}{name}:", index + 1));
        for target in wave {
            say(&line(target));
        }
    }
    for target in &plan.skipped {
        say(&format!("left out: {}", line(target).trim_start()));
    }
}

fn line(target: &Target) -> String {
    format!(
        "  {} ({}): {}",
        target.workflow,
        target.api.as_str(),
        target.reason
    )
}

/// Executes the plan with the journal, one line per workflow; the journal of a finished batch is
/// moved aside. Exit 1 when a workflow failed or may have been sent without an answer.
async fn execute(
    args: RerunArgs,
    env: &mut Env,
    client: &atlan_workflows::AtlanClient,
    plan: &Plan,
    journal: Journal,
    path: &Path,
    tenant: &str,
) -> Result<(), CliError> {
    let journal = Mutex::new(journal);
    let mut printed = Vec::new();
    let wait = if args.wait {
        WaveWait::Ended
    } else {
        WaveWait::Started
    };
    let pace = Pace::new(wait, WAVE_POLL, args.wave_timeout, tokio::time::sleep);
    let executed = bulk::execute(
        client,
        plan,
        &journal,
        args.concurrency,
        &pace,
        Timestamp::now,
        |report| printed.push(report.clone()),
    )
    .await
    .map_err(CliError::Journal)?;
    let records: Vec<Record> = printed.iter().map(record).collect();
    env.printer.records(&COLUMNS, &records)?;
    drop(journal);
    if let Some(why) = executed.halted {
        return Err(CliError::State {
            path: path.display().to_string(),
            reason: format!("stopped at {why}; continue with --resume"),
        });
    }
    let trouble = executed
        .reports
        .iter()
        .filter(|r| matches!(r.action, Outcome::Failed | Outcome::MaybeSent))
        .count();
    batch::conclude(
        path,
        "rerun",
        tenant,
        (trouble > 0).then(|| {
            format!(
                "{trouble} workflow(s) failed or may have been submitted without an answer: see the lines above"
            )
        }),
    )
}

fn record(report: &Report) -> Record {
    Record {
        row: vec![
            report.workflow.clone(),
            report.api.as_str().to_owned(),
            report.action.as_str().to_owned(),
            report.run.clone().unwrap_or_else(|| "-".into()),
            report.reason.clone().unwrap_or_default(),
        ],
        json: json!({
            "workflow": report.workflow,
            "api": report.api.as_str(),
            "action": report.action.as_str(),
            "reason": report.reason,
            "run": report.run,
        }),
    }
}
