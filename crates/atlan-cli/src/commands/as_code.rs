//! `atlanctl export | plan | apply | schema`: the tenant's app workflows as files, what applying
//! files would change, applying them, and the files' JSON Schema.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use std::sync::Mutex;

use atlan_ops::as_code::{
    self, Action, Document, Planned, Prune, Variables, apply, export, files, plan, schema, tenant,
};
use atlan_ops::bulk::{Header, Outcome};
use jiff::Timestamp;
use serde_json::{Value, json};

use crate::cli::{ApplyArgs, ExportArgs, PlanArgs, SchemaArgs};
use crate::commands::ops::batch;
use crate::context::Env;
use crate::error::CliError;
use crate::output::Record;

/// The columns of `export`.
const EXPORT_COLUMNS: &[&str] = &["WORKFLOW", "API", "FILE"];

/// `atlanctl export`.
pub(crate) async fn export(args: ExportArgs, env: &mut Env) -> Result<(), CliError> {
    let client = env.client().await?;
    let tenant = tenant::read(&client, args.api.into()).await?;
    let chosen = |name: &str, package: &str| {
        args.workflow.as_ref().is_none_or(|glob| glob.matches(name))
            && args.package.as_ref().is_none_or(|wanted| wanted == package)
    };
    let mut named: BTreeMap<&str, usize> = BTreeMap::new();
    for app in &tenant.apps {
        *named.entry(app.name.as_str()).or_default() += 1;
    }
    // Each chosen workflow: its API, name, slug when its name is not its own, and document.
    let mut documents: Vec<(atlan_ops::Api, &str, Option<&str>, Document)> = Vec::new();
    for app in tenant
        .apps
        .iter()
        .filter(|app| chosen(&app.name, &app.spec.app))
    {
        let twice = named.get(app.name.as_str()).is_some_and(|count| *count > 1);
        let document = export::app_document(&app.name, app.spec.clone(), &tenant.credentials);
        documents.push((
            atlan_ops::Api::Apps,
            &app.name,
            twice.then_some(app.slug.as_str()),
            document,
        ));
    }
    for legacy in tenant
        .legacy
        .iter()
        .filter(|legacy| chosen(&legacy.name, &legacy.spec.package))
    {
        let document =
            export::legacy_document(&legacy.name, legacy.spec.clone(), &tenant.credentials);
        documents.push((atlan_ops::Api::Legacy, &legacy.name, None, document));
    }
    if documents.is_empty() {
        env.printer.note("no workflows to export");
        return Ok(());
    }
    std::fs::create_dir_all(&args.dir).map_err(|error| {
        CliError::Usage(format!("cannot create {}: {error}", args.dir.display()))
    })?;
    let mut records = Vec::new();
    for (api, name, slug, document) in documents {
        let path = args.dir.join(export::file_name(api, name, slug));
        match written(&path, &document) {
            Ok(()) => records.push(Record {
                row: vec![
                    name.to_owned(),
                    api.as_str().into(),
                    path.display().to_string(),
                ],
                json: json!({"workflow": name, "api": api.as_str(), "slug": slug,
                             "file": path.display().to_string()}),
            }),
            Err(why) => env.printer.warn(&format!("{name} not written: {why}")),
        }
    }
    env.printer.records(EXPORT_COLUMNS, &records)
}

/// Writes `document` to `path` (through a file beside it, renamed into place), after reading
/// it back as `plan` will: a document that would not read (a secret in its inputs) is not
/// written.
fn written(path: &Path, document: &Document) -> Result<(), String> {
    let text = export::to_yaml(document).map_err(|error| error.to_string())?;
    if let Err(problems) =
        as_code::load::parse(&path.display().to_string(), &text, &Variables::default())
    {
        let fields: Vec<String> = problems
            .iter()
            .map(|problem| {
                problem
                    .field
                    .clone()
                    .unwrap_or_else(|| problem.message.clone())
            })
            .collect();
        return Err(format!("it would not read back ({})", fields.join(", ")));
    }
    let staged = path.with_extension("yaml.partial");
    std::fs::write(&staged, text.as_bytes())
        .and_then(|()| std::fs::rename(&staged, path))
        .map_err(|error| format!("cannot write {}: {error}", path.display()))
}

/// `atlanctl plan`.
pub(crate) async fn plan(args: PlanArgs, env: &mut Env) -> Result<(), CliError> {
    let planned = planned(&args, env).await?;
    show(&planned, env)?;
    verdict(&planned)
}

/// Whether a plan fails the command: a problem (exit 1), a change (exit 6), or neither.
fn verdict(planned: &[Planned]) -> Result<(), CliError> {
    let problems = planned
        .iter()
        .filter(|one| !one.problems.is_empty())
        .count();
    if problems > 0 {
        return Err(CliError::PlanProblems { count: problems });
    }
    let changing = planned
        .iter()
        .filter(|one| one.action != Action::Unchanged)
        .count();
    if changing > 0 {
        return Err(CliError::WouldChange { count: changing });
    }
    Ok(())
}

/// The plan of `args` (see [`planned_from`]).
async fn planned(args: &PlanArgs, env: &mut Env) -> Result<Vec<Planned>, CliError> {
    if args.prune && args.workflow.is_none() && args.package.is_none() {
        return Err(CliError::Usage(
            "--prune deletes only inside a selector: give --workflow GLOB or --package P".into(),
        ));
    }
    let desired = Desired {
        path: &args.path,
        vars: &args.vars,
        var_files: &args.var_files,
        prune: args.prune.then(|| Prune {
            workflow: args.workflow.clone(),
            package: args.package.clone(),
        }),
        contracts: true,
    };
    planned_from(desired, env).await
}

/// Workflow files to compare with the tenant.
pub(crate) struct Desired<'a> {
    /// A file or a directory.
    pub(crate) path: &'a Path,
    /// `--var`.
    pub(crate) vars: &'a [(String, String)],
    /// `--var-file`.
    pub(crate) var_files: &'a [std::path::PathBuf],
    /// What a prune may delete.
    pub(crate) prune: Option<Prune>,
    /// Whether inputs are checked against the apps' contracts (a plan does; drift needs not).
    pub(crate) contracts: bool,
}

impl<'a> Desired<'a> {
    /// The files of `--desired`, for drift (no contract; its selector as a prune's, so that a
    /// workflow in it with no file is drift), if it is given.
    pub(crate) fn of(args: &'a crate::cli::DesiredArgs) -> Option<Self> {
        let selector = args.workflow.is_some() || args.package.is_some();
        Some(Self {
            path: args.desired.as_deref()?,
            vars: &args.vars,
            var_files: &args.var_files,
            prune: selector.then(|| Prune {
                workflow: args.workflow.clone(),
                package: args.package.clone(),
            }),
            contracts: false,
        })
    }

    /// The documents of the files, each with its file's name; every problem of every file said
    /// on stderr, and then an error.
    ///
    /// # Errors
    /// [`CliError::PlanProblems`] when a file has a problem; a var file that cannot be read.
    pub(crate) fn documents(&self) -> Result<Vec<(String, Document)>, CliError> {
        let variables = variables(self.vars, self.var_files)?;
        let (documents, problems) = files::read(self.path, &variables);
        if problems.is_empty() {
            return Ok(documents);
        }
        for problem in &problems {
            crate::commands::polling::say(&format!("warning: {problem}"));
        }
        Err(CliError::PlanProblems {
            count: problems.len(),
        })
    }
}

/// The plan of `desired`: its files read and checked (a problem in a file fails it before the
/// tenant is read), the tenant and the apps' input contracts read at once, then compared.
pub(crate) async fn planned_from(
    desired: Desired<'_>,
    env: &mut Env,
) -> Result<Vec<Planned>, CliError> {
    let documents = desired.documents()?;
    plan_documents(&documents, &desired, env).await
}

/// The plan of `documents` (the files of `desired`, read already): the tenant and the apps'
/// input contracts read at once, then compared.
///
/// # Errors
/// A failure to read the tenant.
pub(crate) async fn plan_documents(
    documents: &[(String, Document)],
    desired: &Desired<'_>,
    env: &mut Env,
) -> Result<Vec<Planned>, CliError> {
    let client = env.client().await?;
    let keys: BTreeSet<tenant::ContractKey> = documents
        .iter()
        .filter(|_| desired.contracts)
        .filter_map(|(_, document)| match document {
            Document::AppWorkflow { spec, .. } => Some((spec.app.clone(), spec.entrypoint.clone())),
            _ => None,
        })
        .collect();
    let (tenant, contracts) = futures_util::future::join(
        tenant::read(&client, tenant::apis_of(documents)),
        tenant::contracts(&client, keys),
    )
    .await;
    let tenant = tenant?;
    Ok(plan::plan(
        documents,
        &tenant,
        &contracts,
        desired.prune.as_ref(),
    ))
}

/// The columns of `apply`.
const APPLY_COLUMNS: &[&str] = &["WORKFLOW", "API", "ACTION", "SLUG", "REASON"];

/// `atlanctl apply`.
pub(crate) async fn apply(args: ApplyArgs, env: &mut Env) -> Result<(), CliError> {
    let client = env.client().await?;
    let tenant_url = env.base_url().unwrap_or_default().to_owned();
    let path = batch::journal_path(args.batch.journal.clone(), "apply", &tenant_url)?;
    let header = Header::new(
        "apply",
        tenant_url.clone(),
        selection(&args.plan),
        Timestamp::now(),
    );
    let resumed = if env.is_dry_run() {
        None
    } else {
        batch::reopen(&path, &header, args.batch.resume)?
    };
    let planned = planned(&args.plan, env).await?;
    say_plan(&planned);
    if let Err(problems @ CliError::PlanProblems { .. }) = verdict(&planned) {
        return Err(problems);
    }
    let changes = apply::ordered(&planned);
    if env.is_dry_run() {
        let previews = apply::preview(&client, &changes).await?;
        return batch::print_previews(&previews, env);
    }
    let asking = batch::Asking {
        verb: "change",
        done: "changed",
        schedules: false,
        yes: args.batch.yes,
    };
    let Some(journal) = batch::begin(resumed, &path, header, changes.len(), asking)? else {
        return Ok(());
    };
    let journal = Mutex::new(journal);
    let concurrency = usize::from(args.concurrency);
    let reports = apply::execute(&client, &changes, &journal, concurrency, Timestamp::now).await?;
    let records: Vec<Record> = reports.iter().map(applied_record).collect();
    env.printer.records(APPLY_COLUMNS, &records)?;
    drop(journal);
    let failed = reports
        .iter()
        .filter(|report| report.action == Outcome::Failed)
        .count();
    // What is left: the tenant read again.
    let left = planned_again(&args.plan, env).await?;
    let trouble = match (failed, left) {
        (0, 0) => None,
        (0, left) => Some(format!(
            "{left} workflow(s) still differ from their files: plan again to see them"
        )),
        (failed, _) => Some(format!(
            "{failed} workflow(s) failed: see the lines above (apply again: what is done is found by name)"
        )),
    };
    batch::conclude(&path, "apply", &tenant_url, trouble)
}

/// How many workflows a new plan of `args` would still change, said on stderr.
async fn planned_again(args: &PlanArgs, env: &mut Env) -> Result<usize, CliError> {
    let again = planned(args, env).await?;
    let left = again
        .iter()
        .filter(|one| one.action != Action::Unchanged)
        .count();
    if left == 0 {
        crate::commands::polling::say("planned again: nothing is left to change");
    }
    Ok(left)
}

/// The plan of an apply, on stderr: one line per change and per problem.
fn say_plan(planned: &[Planned]) {
    let say = crate::commands::polling::say;
    for one in planned
        .iter()
        .filter(|one| one.action != Action::Unchanged || !one.problems.is_empty())
    {
        say(&format!(
            "{:<9}  {}  {}",
            one.action.as_str(),
            one.api.as_str(),
            one.workflow
        ));
        for change in &one.changes {
            say(&format!("    {}", change.path));
        }
        for problem in &one.problems {
            say(&format!("    ! {problem}"));
        }
    }
}

/// The selection of an apply, as its journal records it.
fn selection(args: &PlanArgs) -> String {
    let mut text = format!("-f {}", args.path.display());
    if args.prune {
        text.push_str(" --prune");
    }
    if let Some(workflow) = &args.workflow {
        text.push_str(&format!(" --workflow {}", workflow.as_str()));
    }
    if let Some(package) = &args.package {
        text.push_str(&format!(" --package {package}"));
    }
    text
}

fn applied_record(report: &apply::AppliedReport) -> Record {
    let text = |value: Option<&str>| value.unwrap_or("-").to_owned();
    Record {
        row: vec![
            report.workflow.clone(),
            report.api.as_str().to_owned(),
            report.action.as_str().to_owned(),
            text(report.slug.as_deref()),
            text(report.reason.as_deref()),
        ],
        json: serde_json::to_value(report).unwrap_or(Value::Null),
    }
}

/// The variables: the var files in order, then the `--var`s, and the environment.
fn variables(
    given: &[(String, String)],
    var_files: &[std::path::PathBuf],
) -> Result<Variables, CliError> {
    let mut vars = BTreeMap::new();
    for file in var_files {
        let text = std::fs::read_to_string(file)
            .map_err(|error| CliError::Usage(format!("cannot read {}: {error}", file.display())))?;
        for (index, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (name, value) = crate::input::variable(line).map_err(|error| {
                CliError::Usage(format!("{}:{}: {error}", file.display(), index + 1))
            })?;
            vars.insert(name, value);
        }
    }
    vars.extend(given.iter().cloned());
    Ok(Variables {
        vars,
        env: std::env::vars().collect(),
    })
}

/// A plan: per workflow its action and changes (a table), or one JSON line each.
fn show(planned: &[Planned], env: &mut Env) -> Result<(), CliError> {
    if env.printer.is_json() {
        for one in planned {
            let value = serde_json::to_value(one).unwrap_or(Value::Null);
            env.printer.json(&value)?;
        }
        return Ok(());
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for one in planned {
        *counts.entry(one.action.as_str()).or_default() += 1;
        let file = one
            .file
            .as_deref()
            .map(|file| format!("  ({file})"))
            .unwrap_or_default();
        env.printer.line(&format!(
            "{:<9}  {:<6}  {}{file}",
            one.action.as_str(),
            one.api.as_str(),
            one.workflow
        ))?;
        for change in &one.changes {
            let shown = |value: &Option<Value>| value.as_ref().map(Value::to_string);
            let line = match (shown(&change.from), shown(&change.to)) {
                (Some(from), Some(to)) => format!("    ~ {}: {from} -> {to}", change.path),
                (None, Some(to)) => format!("    + {}: {to}", change.path),
                (Some(from), None) => format!("    - {}: {from}", change.path),
                (None, None) => continue,
            };
            env.printer.line(&crate::terminal::safe(&line))?;
        }
        for problem in &one.problems {
            env.printer.line(&format!("    ! {problem}"))?;
        }
    }
    let count = |action: &str| counts.get(action).copied().unwrap_or(0);
    env.printer.note(&format!(
        "plan: {} to create, {} to update, {} to delete, {} unchanged",
        count("create"),
        count("update"),
        count("delete"),
        count("unchanged")
    ));
    Ok(())
}

/// `atlanctl schema`.
pub(crate) async fn schema(args: SchemaArgs, env: &mut Env) -> Result<(), CliError> {
    let schema = match &args.app {
        Some(app) => {
            let client = env.client().await?;
            let mut request = client.apps().input_contract(app.clone());
            if let Some(entrypoint) = &args.entrypoint {
                request = request.entrypoint(entrypoint.clone());
            }
            let contract = request.send().await?;
            schema::schema(Some((app, &contract)))
        }
        None => schema::schema(None),
    };
    if env.printer.is_json() {
        return env.printer.json(&schema);
    }
    let mut text = serde_json::to_string_pretty(&schema).map_err(std::io::Error::from)?;
    text.push('\n');
    env.printer.raw(text.as_bytes())
}
