//! `atlanctl schedules suspend | resume` and `atlanctl apps schedules suspend | resume`: one
//! workflow by name through the facade, or many through `atlan_ops::bulk` with the plan on
//! stderr, a confirmation (or `--yes`) and a journal (`atlanctl/suspend-<tenant>.jsonl` or
//! `resume-<tenant>.jsonl` in the user's state directory, moved aside when the batch is done).
//! One result line per workflow on stdout.

use std::sync::Mutex;

use atlan_ops::bulk::{
    self, Header, Journal, Outcome, ScheduleAction, SchedulePlan, ScheduleReport,
};
use atlan_ops::{Api, Selection};
use atlan_workflows::model::WorkflowSchedule;
use atlan_workflows::{AtlanClient, Error};
use jiff::Timestamp;
use serde_json::json;

use super::batch;
use crate::cli::{ApiArg, SuspendArgs};
use crate::commands::polling::say;
use crate::context::Env;
use crate::error::CliError;
use crate::output::Record;

/// The result table's columns.
const COLUMNS: [&str; 5] = ["WORKFLOW", "API", "ACTION", "SCHEDULES", "REASON"];

/// Runs `suspend` or `resume` (`action`), under `apps schedules` when `apps` is true.
pub(crate) async fn suspend(
    args: SuspendArgs,
    action: ScheduleAction,
    apps: bool,
    env: &mut Env,
) -> Result<(), CliError> {
    let api = match (apps, args.api) {
        (true, None | Some(ApiArg::Apps)) => ApiArg::Apps,
        (true, Some(_)) => {
            return Err(CliError::Usage(
                "`apps schedules` changes app workflows only: leave out --api, or use `atlanctl schedules`".into(),
            ));
        }
        (false, api) => api.unwrap_or(ApiArg::All),
    };
    if let Some(name) = &args.name {
        return one(
            name,
            if apps { Api::Apps } else { Api::Legacy },
            action,
            env,
        )
        .await;
    }
    if !args.is_bulk() {
        return Err(CliError::Usage(format!(
            "name the workflow to {}, or choose many with --all, --package or --workflow",
            action.as_str()
        )));
    }
    bulk_change(args, api, action, env).await
}

/// One workflow, through the facade.
async fn one(name: &str, api: Api, action: ScheduleAction, env: &mut Env) -> Result<(), CliError> {
    let client = env.client().await?;
    let change = match (api, action) {
        (Api::Legacy, ScheduleAction::Suspend) => client.schedules().suspend(name).await?,
        (Api::Legacy, _) => client.schedules().resume(name).await?,
        (_, ScheduleAction::Suspend) => client.apps().schedules().suspend(name).await?,
        (_, _) => client.apps().schedules().resume(name).await?,
    };
    let (outcome, reason) = match (change.changed, action) {
        (false, _) => (Outcome::Skipped, Some("already suspended")),
        (true, ScheduleAction::Suspend) => (Outcome::Suspended, None),
        (true, _) => (Outcome::Resumed, None),
    };
    let line = record(
        name,
        api,
        outcome,
        reason.map(str::to_owned),
        &change.record.schedules,
    );
    env.printer.records(&COLUMNS, &[line])
}

/// Many workflows: plan, confirm, journal, execute.
async fn bulk_change(
    args: SuspendArgs,
    api: ApiArg,
    action: ScheduleAction,
    env: &mut Env,
) -> Result<(), CliError> {
    let mut selection = Selection::new(api.into());
    if let Some(package) = &args.package {
        selection = selection.package(package.clone());
    }
    if let Some(glob) = &args.workflow {
        selection = selection.workflow(glob.clone());
    }
    let client = env.client().await?;
    let tenant = env.base_url().unwrap_or_default().to_owned();
    let operation = action.as_str();
    if env.is_dry_run() {
        // A preview: the plan and the changes it would send; no journal is read or written.
        let plan = selected(&client, &selection, action).await?;
        show(&plan, action);
        let previews = bulk::preview_schedules(&client, &plan, action).await?;
        return batch::print_previews(&previews, env);
    }
    let path = batch::journal_path(args.batch.journal.clone(), operation, &tenant)?;
    let header = Header::new(
        operation,
        tenant.clone(),
        args.selection(api),
        Timestamp::now(),
    );
    // A journal of another batch is refused before anything is read or changed.
    let journal = batch::reopen(&path, &header, args.batch.resume)?;
    let plan = selected(&client, &selection, action).await?;
    show(&plan, action);
    let count = plan.len();
    let done = match action {
        ScheduleAction::Suspend => "suspended",
        _ => "resumed",
    };
    let asking = batch::Asking {
        verb: operation,
        done,
        schedules: true,
        yes: args.batch.yes,
    };
    let Some(journal) = batch::begin(journal, &path, header, count, asking)? else {
        return Ok(());
    };
    let failed = execute(&client, &plan, action, journal, args.concurrency, env).await?;
    batch::conclude(
        &path,
        operation,
        &tenant,
        (failed > 0).then(|| {
            format!(
                "{failed} workflow(s) could not be changed: see the lines above (each is safe to try again)"
            )
        }),
    )
}

/// The plan of `selection`: not found when a pattern matches no workflow to change.
async fn selected(
    client: &AtlanClient,
    selection: &Selection,
    action: ScheduleAction,
) -> Result<SchedulePlan, CliError> {
    let plan = bulk::select(client, selection, action).await?;
    if let Some(glob) = selection.workflows.first()
        && plan.is_empty()
        && plan.skipped.is_empty()
    {
        let what = match action {
            ScheduleAction::Suspend => "with a schedule to suspend",
            _ => "with a suspended schedule",
        };
        return Err(CliError::Api(Error::NotFound {
            operation: match action {
                ScheduleAction::Suspend => "schedules.suspend",
                _ => "schedules.resume",
            },
            what: format!("a workflow matching `{}` {what}", glob.as_str()),
            body: None,
        }));
    }
    Ok(plan)
}

/// Executes the plan with the journal, one line per workflow; answers how many failed.
async fn execute(
    client: &AtlanClient,
    plan: &SchedulePlan,
    action: ScheduleAction,
    journal: Journal,
    concurrency: usize,
    env: &mut Env,
) -> Result<usize, CliError> {
    let journal = Mutex::new(journal);
    let reports = bulk::execute_schedules(
        client,
        plan,
        action,
        &journal,
        concurrency,
        Timestamp::now,
        |_| {},
    )
    .await
    .map_err(CliError::Journal)?;
    let records: Vec<Record> = reports.iter().map(report_record).collect();
    env.printer.records(&COLUMNS, &records)?;
    Ok(reports
        .iter()
        .filter(|report| report.action == Outcome::Failed)
        .count())
}

/// The plan, for people, on stderr.
fn show(plan: &SchedulePlan, action: ScheduleAction) {
    if !plan.is_empty() {
        say(&format!(
            "{} the schedules of {} workflow(s):",
            action.as_str(),
            plan.len()
        ));
    }
    for target in &plan.targets {
        say(&format!(
            "  {} ({}): {}",
            target.workflow,
            target.api.as_str(),
            schedules_text(&target.schedules)
        ));
    }
    for (target, why) in &plan.skipped {
        say(&format!(
            "left out: {} ({}): {why}",
            target.workflow,
            target.api.as_str()
        ));
    }
}

/// `0 2 * * * (UTC); 30 6 * * 1-5 (Europe/Paris)`.
fn schedules_text(schedules: &[WorkflowSchedule]) -> String {
    let text: Vec<String> = schedules
        .iter()
        .map(|schedule| format!("{} ({})", schedule.cron, schedule.timezone))
        .collect();
    if text.is_empty() {
        "-".into()
    } else {
        text.join("; ")
    }
}

fn report_record(report: &ScheduleReport) -> Record {
    record(
        &report.workflow,
        report.api,
        report.action,
        report.reason.clone(),
        &report.schedules,
    )
}

/// One result line: `workflow`, `api`, `action`, `reason`, `schedules` (each `cron`, `timezone`).
fn record(
    workflow: &str,
    api: Api,
    action: Outcome,
    reason: Option<String>,
    schedules: &[WorkflowSchedule],
) -> Record {
    Record {
        row: vec![
            workflow.to_owned(),
            api.as_str().to_owned(),
            action.as_str().to_owned(),
            schedules_text(schedules),
            reason.clone().unwrap_or_default(),
        ],
        json: json!({
            "workflow": workflow,
            "api": api.as_str(),
            "action": action.as_str(),
            "reason": reason,
            "schedules": schedules,
        }),
    }
}
