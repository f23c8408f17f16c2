//! `atlanctl migrate plan | apply | verify`: each a call into `atlan_ops::migrate` and a way of
//! printing what it answers. `apply` is journalled like the other bulk commands
//! (`atlanctl/migrate-<tenant>.jsonl`): each create is decided before it is sent and its outcome
//! written after; an interrupted apply resumes with `--resume` (a create is found again by name,
//! never sent twice).

mod report;

use std::sync::Mutex;

use atlan_ops::bulk::{Header, Outcome};
use atlan_ops::migrate::{self, ApplyOptions, MigrateReport, MigrationStatus, Planned};
use atlan_ops::{ApiChoice, Selection};
use jiff::Timestamp;
use serde_json::json;

use crate::cli::{
    MigrateApplyArgs, MigrateCommand, MigratePlanArgs, MigrateSelect, MigrateVerifyArgs,
};
use crate::commands::ops::batch;
use crate::commands::polling::say;
use crate::context::Env;
use crate::error::CliError;
use crate::output::Record;

/// Runs `atlanctl migrate …`.
pub(crate) async fn run(command: MigrateCommand, env: &mut Env) -> Result<(), CliError> {
    match command {
        MigrateCommand::Plan(args) => plan(args, env).await,
        MigrateCommand::Apply(args) => apply(args, env).await,
        MigrateCommand::Verify(args) => verify(args, env).await,
    }
}

/// The legacy workflows `select` names (its patterns matched against the tenant's workflows).
fn selection(select: &MigrateSelect) -> Selection {
    let mut selection = Selection::new(ApiChoice::Legacy);
    for workflow in &select.workflow {
        selection = selection.workflow(workflow.clone());
    }
    if let Some(package) = &select.package {
        selection = selection.package(package.clone());
    }
    selection
}

const PLAN_COLUMNS: [&str; 5] = ["WORKFLOW", "PACKAGE", "APP", "STATUS", "NOTE"];

/// `migrate plan`: one line per legacy workflow; exit 1 unless every one is ready.
async fn plan(args: MigratePlanArgs, env: &mut Env) -> Result<(), CliError> {
    let client = env.client().await?;
    let planned = migrate::select(&client, &selection(&args.select)).await?;
    let records: Vec<Record> = planned.iter().map(plan_record).collect();
    env.printer.records(&PLAN_COLUMNS, &records)?;
    if let Some(path) = &args.report {
        let tenant = env.base_url().unwrap_or_default().to_owned();
        std::fs::write(path, report::markdown(&planned, &tenant, Timestamp::now())).map_err(
            |error| CliError::State {
                path: path.display().to_string(),
                reason: format!("cannot write the report: {error}"),
            },
        )?;
        say(&format!("report: {}", path.display()));
    }
    let count = planned
        .iter()
        .filter(|p| p.plan.status != MigrationStatus::Ready)
        .count();
    if count > 0 {
        return Err(CliError::NotReady {
            count,
            total: planned.len(),
            what: "are not ready to migrate",
        });
    }
    Ok(())
}

/// The note of a plan's line: what stands in the way, or where it went.
fn note(planned: &Planned) -> String {
    let plan = &planned.plan;
    if let Some(slug) = planned.migrated.as_ref().and_then(|m| m.slug.as_deref()) {
        return format!("migrated: {slug}");
    }
    let mut notes: Vec<String> = Vec::new();
    if !plan.missing.is_empty() {
        notes.push(format!("missing {}", plan.missing.join(", ")));
    }
    notes.extend(plan.problems.iter().cloned());
    if notes.is_empty() && !plan.unmapped.is_empty() {
        notes.push(format!("{} parameter(s) not carried", plan.unmapped.len()));
    }
    notes.join("; ")
}

fn plan_record(planned: &Planned) -> Record {
    let plan = &planned.plan;
    let mut json = serde_json::to_value(plan).unwrap_or_default();
    if let Some(object) = json.as_object_mut() {
        object.insert(
            "app_workflow".into(),
            json!(planned.migrated.as_ref().and_then(|m| m.slug.clone())),
        );
    }
    Record {
        row: vec![
            plan.workflow.clone(),
            plan.package.clone().unwrap_or_else(|| "-".into()),
            plan.app_id.clone().unwrap_or_else(|| "-".into()),
            plan.status.as_str().to_owned(),
            note(planned),
        ],
        json,
    }
}

const APPLY_COLUMNS: [&str; 5] = ["WORKFLOW", "APP", "ACTION", "SLUG", "REASON"];

/// `migrate apply`.
async fn apply(args: MigrateApplyArgs, env: &mut Env) -> Result<(), CliError> {
    let client = env.client().await?;
    let tenant = env.base_url().unwrap_or_default().to_owned();
    if env.is_dry_run() {
        // A preview: the plan and the creates it would send; no journal is read or written.
        let planned = migrate::select(&client, &selection(&args.select)).await?;
        let ready = show_apply(&planned);
        let previews = migrate::preview_apply(&client, &ready, args.archive_legacy).await?;
        return batch::print_previews(&previews, env);
    }
    let path = batch::journal_path(args.batch.journal.clone(), "migrate", &tenant)?;
    let mut text = args.select.selection();
    if args.archive_legacy {
        text.push_str(" --archive-legacy");
    }
    if args.verify {
        text.push_str(" --verify");
    }
    let header = Header::new("migrate", tenant.clone(), text.trim(), Timestamp::now());
    let resumed = batch::reopen(&path, &header, args.batch.resume)?;
    let planned = migrate::select(&client, &selection(&args.select)).await?;
    let ready = show_apply(&planned);
    let count = ready.len();
    let asking = batch::Asking {
        verb: "migrate",
        done: "migrated",
        schedules: false,
        yes: args.batch.yes,
    };
    let Some(journal) = batch::begin(resumed, &path, header, count, asking)? else {
        return Ok(());
    };
    let journal = Mutex::new(journal);
    let options = ApplyOptions::new(
        args.archive_legacy,
        args.verify,
        path.with_extension("archived"),
    );
    let reports =
        migrate::execute(&client, &ready, &journal, &options, Timestamp::now, |_| {}).await?;
    let failed = reports
        .iter()
        .filter(|r| r.outcome == Outcome::Failed)
        .count();
    let not_archived = reports
        .iter()
        .filter(|r| {
            args.archive_legacy && r.outcome != Outcome::Failed && r.outcome != Outcome::Archived
        })
        .count();
    let records: Vec<Record> = reports.iter().map(apply_record).collect();
    env.printer.records(&APPLY_COLUMNS, &records)?;
    drop(journal);
    batch::conclude(&path, "migrate", &tenant, trouble(failed, not_archived))
}

/// What went wrong with an apply (it exits 1): a workflow failed or, with `--archive-legacy`, a
/// legacy workflow was not archived.
fn trouble(failed: usize, not_archived: usize) -> Option<String> {
    let what = match (failed, not_archived) {
        (0, 0) => return None,
        (0, _) => format!("{not_archived} legacy workflow(s) were not archived"),
        (_, 0) => format!("{failed} workflow(s) failed"),
        _ => format!(
            "{failed} workflow(s) failed and {not_archived} legacy workflow(s) were not archived"
        ),
    };
    Some(format!(
        "{what}: see the lines above (apply again: what is done is found by name)"
    ))
}

/// The plan of an apply, on stderr: what each ready workflow gets, what is left out and why.
/// Answers the ready ones.
fn show_apply(planned: &[Planned]) -> Vec<&Planned> {
    let (ready, left): (Vec<&Planned>, Vec<&Planned>) = planned
        .iter()
        .partition(|p| p.plan.status == MigrationStatus::Ready);
    for planned in &ready {
        let what = match &planned.migrated {
            Some(summary) => format!(
                "already migrated ({})",
                summary.slug.as_deref().unwrap_or("?")
            ),
            None => format!(
                "create {} ({})",
                planned.plan.app_id.as_deref().unwrap_or("?"),
                planned
                    .plan
                    .entrypoint
                    .as_deref()
                    .unwrap_or("default entrypoint")
            ),
        };
        say(&format!("  {}: {what}", planned.plan.workflow));
    }
    for planned in &left {
        say(&format!(
            "left out: {} ({}): {}",
            planned.plan.workflow,
            planned.plan.status.as_str(),
            note(planned)
        ));
    }
    ready
}

/// An apply's line: the workflow, its app, what was done, the slug and why.
fn apply_record(report: &MigrateReport) -> Record {
    Record {
        row: vec![
            report.workflow.clone(),
            report.app_id.clone().unwrap_or_default(),
            report.outcome.as_str().to_owned(),
            report.slug.clone().unwrap_or_else(|| "-".into()),
            report.reason.clone().unwrap_or_default(),
        ],
        json: json!({
            "workflow": report.workflow,
            "app_id": report.app_id,
            "action": report.outcome.as_str(),
            "slug": report.slug,
            "reason": report.reason,
        }),
    }
}

const VERIFY_COLUMNS: [&str; 5] = ["WORKFLOW", "SLUG", "STATUS", "RUN", "DIFFERENCES"];

/// `migrate verify`: exit 1 when a pair does not verify.
async fn verify(args: MigrateVerifyArgs, env: &mut Env) -> Result<(), CliError> {
    let client = env.client().await?;
    let planned = migrate::select(&client, &selection(&args.select)).await?;
    let test_run = args.test_run.then_some(args.timeout);
    let mut records = Vec::new();
    let mut bad = 0;
    for planned in planned.iter().filter(|p| p.plan.app_id.is_some()) {
        let verification = migrate::verify(&client, planned, test_run).await?;
        let status = if verification.differences.is_empty() {
            "verified"
        } else if verification.slug.is_none() {
            "missing"
        } else {
            "differs"
        };
        if status != "verified" {
            bad += 1;
        }
        records.push(Record {
            row: vec![
                planned.plan.workflow.clone(),
                verification.slug.clone().unwrap_or_else(|| "-".into()),
                status.to_owned(),
                verification
                    .run
                    .as_ref()
                    .map(|(id, status)| format!("{id} {status}"))
                    .unwrap_or_else(|| "-".into()),
                verification.differences.join("; "),
            ],
            json: json!({
                "workflow": planned.plan.workflow,
                "slug": verification.slug,
                "status": status,
                "differences": verification.differences,
                "run": verification.run.as_ref().map(|(id, _)| id),
                "run_status": verification.run.as_ref().map(|(_, status)| status),
            }),
        });
    }
    env.printer.records(&VERIFY_COLUMNS, &records)?;
    if bad > 0 {
        return Err(CliError::NotReady {
            count: bad,
            total: records.len(),
            what: "do not verify",
        });
    }
    Ok(())
}
