//! The migration against a tenant: [`select`] reads the legacy workflows and plans each against
//! its app's contract from the server; [`apply`] creates one app workflow (named as its legacy
//! workflow, `run: false`, with its schedule) through the facade's create with its 409 reuse;
//! [`verify`] compares a migrated pair field by field; [`archive_legacy`] retires the legacy
//! workflow once its app workflow exists.
//!
//! The app workflow is named as the legacy workflow: a second apply finds it by name and creates
//! nothing, and verify pairs them without any state on this machine. A workflow of that name
//! whose inputs differ from the plan is a conflict, never reused.

use std::collections::HashMap;
use std::time::Duration;

use atlan_workflows::model::WorkflowPackage;
use atlan_workflows::model::{AppInputs, AppRunStatus, AppSummary, InputContract, Workflow};
use atlan_workflows::{AtlanClient, DEFAULT_PAGE_SIZE, Error, Result};
use futures_util::TryStreamExt;
use serde::Serialize;
use serde_json::{Map, Value};

use super::mapping::{MigrationPlan, MigrationStatus, map_workflow, target_of};
use crate::glob::Glob;
use crate::preview::{Preview, check_dry_run, first_write};
use crate::selection::Selection;

/// The most app workflows of one name looked at.
const MAX_SAME_NAME: usize = 20;

/// A legacy workflow and the plan of its migration, with the app workflow already named as it, if
/// any.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Planned {
    /// The legacy workflow as the tenant holds it.
    pub legacy: Workflow,
    /// Its plan.
    pub plan: MigrationPlan,
    /// The app workflow of its name whose inputs match the plan (a migration done before).
    pub migrated: Option<AppSummary>,
    /// App workflows of its name whose inputs differ (a conflict: never reused).
    pub conflicts: Vec<String>,
}

/// Reads the selected legacy workflows and plans each against its app's contract (read once per
/// app and entrypoint), looking for an app workflow of the same name.
///
/// # Errors
/// A failed read of the workflows; [`Error::NotFound`] for a named workflow that does not exist
/// or a pattern that matches none. A contract that cannot be read makes its plans `needs_input`, not an error.
pub async fn select(client: &AtlanClient, selection: &Selection) -> Result<Vec<Planned>> {
    let legacy = selected(client, selection).await?;
    let mut contracts: HashMap<
        (String, Option<String>),
        std::result::Result<InputContract, String>,
    > = HashMap::new();
    let empty = InputContract::default();
    let mut planned = Vec::with_capacity(legacy.len());
    for workflow in legacy {
        let target = target_of(&workflow);
        let contract = match target {
            Some(target) => {
                let key = (
                    target.app_id.to_owned(),
                    target.entrypoint.map(str::to_owned),
                );
                if !contracts.contains_key(&key) {
                    let mut query = client.apps().input_contract(target.app_id);
                    if let Some(entrypoint) = target.entrypoint {
                        query = query.entrypoint(entrypoint);
                    }
                    let read = query.send().await.map_err(|error| error.to_string());
                    contracts.insert(key.clone(), read);
                }
                contracts.get(&key).cloned()
            }
            None => None,
        };
        let mut plan = match &contract {
            Some(Ok(contract)) => map_workflow(&workflow, target, contract),
            Some(Err(error)) => {
                let mut plan = map_workflow(&workflow, target, &empty);
                plan.status = MigrationStatus::NeedsInput;
                plan.problems
                    .push(format!("the app's input contract cannot be read: {error}"));
                plan
            }
            None => map_workflow(&workflow, None, &empty),
        };
        let (migrated, conflicts) = if plan.app_id.is_some() {
            same_name(client, &plan).await?
        } else {
            (None, Vec::new())
        };
        if !conflicts.is_empty() && migrated.is_none() {
            plan.status = MigrationStatus::NeedsInput;
            plan.problems.push(format!(
                "conflict: the app workflow(s) {} have this name with other inputs; rename or remove them (they are never reused)",
                conflicts.join(", ")
            ));
        }
        planned.push(Planned {
            legacy: workflow,
            plan,
            migrated,
            conflicts,
        });
    }
    Ok(planned)
}

/// The legacy workflows a selection names (its API is not looked at: a migration is of legacy
/// workflows): each name, and each workflow (of its package, if any) a pattern matches, or with
/// neither every one; by name, once each.
///
/// # Errors
/// [`Error::NotFound`] for a name that is no workflow or a pattern that matches none.
async fn selected(client: &AtlanClient, selection: &Selection) -> Result<Vec<Workflow>> {
    let mut legacy: Vec<Workflow> = Vec::new();
    let mut patterns: Vec<(&Glob, bool)> = Vec::new();
    for glob in &selection.workflows {
        match glob.literal() {
            Some(name) => legacy.push(client.workflows().get(name).await?.to_workflow()),
            None => patterns.push((glob, false)),
        }
    }
    if selection.workflows.is_empty() || !patterns.is_empty() {
        let listing = match &selection.package {
            Some(package) => client
                .workflows()
                .find_by_type(WorkflowPackage::named(package))
                .size(DEFAULT_PAGE_SIZE),
            None => client.workflows().every(),
        };
        let mut hits = listing.stream();
        while let Some(hit) = hits.try_next().await? {
            let mut kept = patterns.is_empty();
            for (glob, matched) in &mut patterns {
                if glob.matches(hit.name()) {
                    (kept, *matched) = (true, true);
                }
            }
            if kept {
                legacy.push(hit.to_workflow());
            }
        }
    }
    if let Some((glob, _)) = patterns.iter().find(|(_, matched)| !matched) {
        return Err(Error::NotFound {
            operation: "migrate.select",
            what: format!("a workflow matching `{}`", glob.as_str()),
            body: None,
        });
    }
    legacy.sort_by(|a, b| a.name().cmp(&b.name()));
    legacy.dedup_by(|a, b| a.name() == b.name());
    Ok(legacy)
}

/// The app workflows named as the plan's workflow: the one whose inputs match, and the slugs of
/// those whose inputs differ.
async fn same_name(
    client: &AtlanClient,
    plan: &MigrationPlan,
) -> Result<(Option<AppSummary>, Vec<String>)> {
    let found: Vec<AppSummary> = client
        .apps()
        .workflows()
        .list()
        .name(plan.workflow.clone())
        .stream()
        .try_collect()
        .await?;
    let mut migrated = None;
    let mut conflicts = Vec::new();
    for summary in found.into_iter().take(MAX_SAME_NAME) {
        let stored = summary.stored_inputs().unwrap_or_default();
        if summary.app() == plan.app_id.as_deref() && differences(&plan.inputs, &stored).is_empty()
        {
            migrated.get_or_insert(summary);
        } else if let Some(slug) = summary.slug {
            conflicts.push(slug);
        }
    }
    Ok((migrated, conflicts))
}

/// The inputs of `planned` that `stored` does not hold as planned, each as a sentence (runtime
/// keys and the suspended-schedule record are ignored; values are never shown, only names).
pub fn differences(planned: &Map<String, Value>, stored: &AppInputs) -> Vec<String> {
    let stored = stored.clone().without_runtime_keys();
    planned
        .iter()
        .filter_map(|(name, value)| match stored.get(name) {
            None => Some(format!("`{name}` is not stored")),
            Some(held) if !same(value, held) => {
                Some(format!("`{name}` is stored with another value"))
            }
            Some(_) => None,
        })
        .collect()
}

/// Whether two input values are the same, a JSON string and the object it holds counting as one.
fn same(a: &Value, b: &Value) -> bool {
    if a == b {
        return true;
    }
    let parsed = |value: &Value| match value {
        Value::String(text) => serde_json::from_str::<Value>(text).ok(),
        other => Some(other.clone()),
    };
    matches!((parsed(a), parsed(b)), (Some(x), Some(y)) if x == y)
}

/// What [`apply`] did for one workflow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Applied {
    /// The app workflow's slug.
    pub slug: String,
    /// Whether it existed already (a migration done before).
    pub reused: bool,
}

/// Creates the app workflow of a `ready` plan: named as the legacy workflow, its inputs checked
/// against the contract first, `run: false`, its schedule; an app workflow of that name with the
/// same inputs is reused.
///
/// # Errors
/// [`Error::InvalidInput`] for a plan that is not ready or breaks the contract (nothing sent);
/// [`Error::AppExists`] when the name is taken by workflows with other inputs; otherwise as the
/// create.
pub async fn apply(client: &AtlanClient, planned: &Planned) -> Result<Applied> {
    let plan = &planned.plan;
    if let Some(summary) = &planned.migrated {
        return Ok(Applied {
            slug: summary.slug.clone().unwrap_or_default(),
            reused: true,
        });
    }
    let (MigrationStatus::Ready, Some(app_id)) = (plan.status, plan.app_id.as_deref()) else {
        return Err(invalid(format!(
            "`{}` is {}: nothing was created",
            plan.workflow,
            plan.status.as_str()
        )));
    };
    let mut create = client
        .apps()
        .workflows()
        .create(
            app_id,
            plan.workflow.clone(),
            AppInputs::from_map(plan.inputs.clone()),
        )
        .validate();
    if let Some(entrypoint) = &plan.entrypoint {
        create = create.entrypoint(entrypoint.clone());
    }
    if let Some(schedule) = &plan.schedule {
        create = create.schedule(schedule.cron.clone(), schedule.timezone.clone());
    }
    match create.send().await {
        Ok(created) => Ok(Applied {
            slug: created.response.slug.clone(),
            reused: created.reused,
        }),
        // The name was taken since the plan: reused only when the inputs are the plan's.
        Err(Error::AppExists { .. }) => {
            let (migrated, conflicts) = same_name(client, plan).await?;
            match migrated {
                Some(summary) => Ok(Applied {
                    slug: summary.slug.unwrap_or_default(),
                    reused: true,
                }),
                None => Err(Error::AppExists {
                    name: plan.workflow.clone(),
                    slugs: conflicts,
                }),
            }
        }
        Err(other) => Err(other),
    }
}

/// How a migrated pair compares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Verification {
    /// The app workflow's slug, if there is one.
    pub slug: Option<String>,
    /// Each difference, as a sentence (empty: verified).
    pub differences: Vec<String>,
    /// The test run and how it ended, with `--test-run`.
    pub run: Option<(String, String)>,
}

/// Compares the app workflow named as `planned`'s legacy workflow with its plan: the stored
/// inputs field by field (runtime keys ignored), the schedules (cron and time zone), the
/// credential. With `test_run`, submits it and monitors the run to its end (at most `timeout`).
///
/// # Errors
/// As the reads and, with a test run, the submit and the monitor.
pub async fn verify(
    client: &AtlanClient,
    planned: &Planned,
    test_run: Option<Duration>,
) -> Result<Verification> {
    let Some(summary) = &planned.migrated else {
        return Ok(Verification {
            slug: planned.conflicts.first().cloned(),
            differences: vec![if planned.conflicts.is_empty() {
                "no app workflow of this name: not migrated".into()
            } else {
                "the app workflow of this name has other inputs".into()
            }],
            run: None,
        });
    };
    let slug = summary.slug.clone().unwrap_or_default();
    let summary = client.apps().workflows().get(&slug).await?;
    let stored = summary.stored_inputs().unwrap_or_default();
    let mut found = differences(&planned.plan.inputs, &stored);
    let mut live: Vec<(String, String)> = summary
        .schedules
        .iter()
        .flatten()
        .filter_map(|entry| {
            Some((
                entry.cron.clone()?,
                entry.timezone.clone().unwrap_or_else(|| "UTC".into()),
            ))
        })
        .collect();
    live.sort();
    let expected: Vec<(String, String)> = planned
        .plan
        .schedule
        .iter()
        .map(|schedule| (schedule.cron.clone(), schedule.timezone.clone()))
        .collect();
    if live != expected {
        found.push(format!(
            "the schedules are {live:?}, the legacy workflow's {expected:?}"
        ));
    }
    let mut run = None;
    if let Some(timeout) = test_run
        && found.is_empty()
    {
        let submitted = client.apps().workflows().run(slug.clone()).send().await?;
        let run_id = submitted.run_id.clone().unwrap_or_default();
        let ended = client
            .apps()
            .runs()
            .monitor(run_id.clone())
            .timeout(timeout)
            .send()
            .await?;
        let status = ended
            .status
            .as_ref()
            .map_or_else(|| "unknown".to_owned(), ToString::to_string);
        if ended.status != Some(AppRunStatus::Succeeded) {
            found.push(format!("the test run {run_id} ended {status}"));
        }
        run = Some((run_id, status));
    }
    Ok(Verification {
        slug: Some(slug),
        differences: found,
        run,
    })
}

/// Retires a migrated legacy workflow: its schedule removed, then the workflow archived, so that
/// nothing runs twice. Only once its app workflow exists (`planned.migrated`). A delete that
/// fails puts the schedule back: a legacy workflow is archived, or left as it was.
///
/// # Errors
/// [`Error::InvalidInput`] when no app workflow takes it over yet (nothing changed), or when the
/// schedule could not be put back after a failed delete (it names the schedule); otherwise as the
/// schedule removal and the delete.
pub async fn archive_legacy(client: &AtlanClient, planned: &Planned) -> Result<()> {
    if planned.migrated.is_none() {
        return Err(invalid(format!(
            "`{}` has no app workflow yet: it was not archived",
            planned.plan.workflow
        )));
    }
    let name = &planned.plan.workflow;
    let Some(schedule) = &planned.plan.schedule else {
        return client.workflows().delete(name).await;
    };
    client.schedules().remove(name).await?;
    match client.workflows().delete(name).await {
        Ok(()) => Ok(()),
        Err(error) => {
            // Not archived: the legacy workflow keeps its schedule, as before, so that nothing
            // stops running and the next apply finds the pair as it was.
            if let Err(restore) = client.schedules().add(name, schedule).await {
                return Err(invalid(format!(
                    "`{name}` was not archived ({error}) and its schedule `{}` in {} could not be put back ({restore}): add it again with `atlanctl schedules add`",
                    schedule.cron, schedule.timezone
                )));
            }
            Err(error)
        }
    }
}

/// What applying `ready` would send, without a journal, on a `client` in a dry-run mode: each
/// create (checked against its contract, read from the server) stops before it is sent; one
/// already migrated sends none, or with `archive_legacy` its archive's first request.
///
/// # Errors
/// [`Error::InvalidInput`] for a client that would send writes; the first failed read.
pub async fn preview_apply(
    client: &AtlanClient,
    ready: &[&Planned],
    archive_legacy: bool,
) -> Result<Vec<Preview>> {
    check_dry_run(client)?;
    let mut previews = Vec::with_capacity(ready.len());
    for planned in ready {
        let name = &planned.plan.workflow;
        let (request, note) = match (&planned.migrated, archive_legacy) {
            (Some(summary), false) => (
                None,
                Some(format!(
                    "already migrated ({})",
                    summary.slug.as_deref().unwrap_or("?")
                )),
            ),
            (Some(_), true) => (
                first_write(self::archive_legacy(client, planned)).await?,
                None,
            ),
            (None, archive) => (
                first_write(apply(client, planned)).await?,
                archive.then(|| "then its legacy workflow would be archived".to_owned()),
            ),
        };
        previews.push(Preview::new(crate::view::Api::Apps, name, request, note));
    }
    Ok(previews)
}

fn invalid(message: String) -> Error {
    Error::InvalidInput { message }
}
