//! Applying a plan: each workflow's change through the facade, journalled as every batch is (the
//! decision written before the first request, the outcome after), creations in lineage order,
//! a bounded number at once. Each change converges the tenant's workflow on its file — the
//! inputs, then the schedules (resumed first when they are suspended, then removed and added,
//! then suspended again when the file says so) — so a change interrupted half way is finished by
//! applying again: the next plan reads the tenant afresh and finds by name what was created.

use std::collections::BTreeSet;
use std::sync::Mutex;

use atlan_workflows::model::{AppInputs, AppSummary, SUSPENDED_SCHEDULES_INPUT};
use atlan_workflows::{AtlanClient, Error, Result};
use futures_util::StreamExt;
use jiff::Timestamp;
use serde::Serialize;
use serde_json::Value;

use super::diff::Action;
use super::document::{AppSpec, ScheduleSpec};
use super::export::app_state;
use super::plan::Planned;
use crate::bulk::journal::{Journal, JournalError, Outcome};
use crate::bulk::step::{Entry, Interrupted, Step};
use crate::preview::{Preview, check_dry_run, first_write};
use crate::view::Api;

/// What applying did to one workflow. `-o json` prints one per line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct AppliedReport {
    /// The workflow's name.
    pub workflow: String,
    /// Its API.
    pub api: Api,
    /// `created`, `updated`, `deleted`, `failed` (or `skipped`, done before a resume).
    pub action: Outcome,
    /// The tenant's workflow.
    pub slug: Option<String>,
    /// Why, where it says more than the action.
    pub reason: Option<String>,
}

/// The order of a plan's changes: creations by lineage stage (sources first), then updates,
/// then deletions; by name within each.
pub fn ordered(planned: &[Planned]) -> Vec<&Planned> {
    let mut changing: Vec<&Planned> = planned
        .iter()
        .filter(|one| one.action != Action::Unchanged && one.problems.is_empty())
        .collect();
    let rank = |one: &Planned| {
        let action = match one.action {
            Action::Create => 0,
            Action::Update => 1,
            Action::Delete | Action::Unchanged => 2,
        };
        let package = one.desired.as_ref().map(|spec| spec.app.as_str());
        let package = package.or_else(|| one.legacy.as_ref().map(|spec| spec.package.as_str()));
        let stage = package
            .and_then(crate::lineage::stage)
            .map_or(usize::MAX, |stage| stage as usize);
        (action, stage)
    };
    changing.sort_by(|a, b| (rank(a), &a.workflow).cmp(&(rank(b), &b.workflow)));
    changing
}

/// Applies `changes` (from [`ordered`]), `concurrency` at once, with `journal`.
///
/// # Errors
/// [`JournalError`] when the journal cannot be written: what was not decided is not sent.
pub async fn execute(
    client: &AtlanClient,
    changes: &[&Planned],
    journal: &Mutex<Journal>,
    concurrency: usize,
    now: impl Fn() -> Timestamp,
) -> std::result::Result<Vec<AppliedReport>, JournalError> {
    let now = &now;
    let steps: Vec<std::result::Result<AppliedReport, JournalError>> =
        futures_util::stream::iter(changes.iter().map(|planned| async move {
            let entry = Entry::new(journal, planned.api, &planned.workflow, now);
            let step =
                match entry.resumed(Interrupted::Redo, |outcome| outcome == Outcome::Failed)? {
                    Some(step) => step,
                    None => {
                        entry.decide()?;
                        let step = match change(client, planned).await {
                            Ok((outcome, slug)) => Step::new(outcome, slug, None),
                            Err(error) => Step::new(Outcome::Failed, None, Some(error.to_string())),
                        };
                        entry.finish(step)?
                    }
                };
            Ok(AppliedReport {
                workflow: planned.workflow.clone(),
                api: planned.api,
                action: step.outcome,
                slug: step.run.or_else(|| planned.slug.clone()),
                reason: step.reason,
            })
        }))
        .buffered(concurrency.max(1))
        .collect()
        .await;
    steps.into_iter().collect()
}

/// What applying `changes` would send: each one's first write, on a client in a dry-run mode.
///
/// # Errors
/// [`Error::InvalidInput`] for a client that would send writes; a read that failed.
pub async fn preview(client: &AtlanClient, changes: &[&Planned]) -> Result<Vec<Preview>> {
    check_dry_run(client)?;
    let mut previews = Vec::with_capacity(changes.len());
    for planned in changes {
        let request = first_write(change(client, planned)).await?;
        let note = request.is_none().then(|| "nothing to send".to_owned());
        previews.push(Preview::new(planned.api, &planned.workflow, request, note));
    }
    Ok(previews)
}

/// One workflow's change: what was done, and its slug.
async fn change(client: &AtlanClient, planned: &Planned) -> Result<(Outcome, Option<String>)> {
    let desired = planned.desired.as_ref();
    match (planned.action, desired, planned.slug.as_deref()) {
        (Action::Create, Some(desired), _) => {
            let inputs = AppInputs::from_map(desired.inputs.clone().into_iter().collect());
            let mut create = client
                .apps()
                .workflows()
                .create(&desired.app, &planned.workflow, inputs)
                .or_reuse();
            if let Some(entrypoint) = &desired.entrypoint {
                create = create.entrypoint(entrypoint.clone());
            }
            let created = create.send().await?;
            let slug = created.response.slug;
            if created.reused {
                update(client, &slug, desired).await?;
            } else {
                // Made just now, without a schedule: nothing to read back.
                schedules(client, &slug, desired, None).await?;
            }
            Ok((Outcome::Created, Some(slug)))
        }
        (Action::Update, _, Some(name)) if planned.api == Api::Legacy => {
            let Some(desired) = &planned.legacy else {
                return Ok((Outcome::Skipped, planned.slug.clone()));
            };
            super::legacy::converge(client, name, desired).await?;
            Ok((Outcome::Updated, Some(name.to_owned())))
        }
        (Action::Update, Some(desired), Some(slug)) => {
            update(client, slug, desired).await?;
            Ok((Outcome::Updated, Some(slug.to_owned())))
        }
        (Action::Delete, _, Some(slug)) => {
            client.apps().workflows().delete(slug).await?;
            Ok((Outcome::Deleted, Some(slug.to_owned())))
        }
        _ => Ok((Outcome::Skipped, planned.slug.clone())),
    }
}

/// Makes the tenant's `slug` what `desired` says: its inputs and entrypoint (keeping a
/// suspension's record), then its schedules.
async fn update(client: &AtlanClient, slug: &str, desired: &AppSpec) -> Result<()> {
    let summary = client.apps().workflows().get(slug).await?;
    let actual = app_state(&summary)
        .map(|(_, _, spec)| spec)
        .unwrap_or_default();
    let entrypoint_differs =
        desired.entrypoint.is_some() && desired.entrypoint != actual.entrypoint;
    if desired.inputs != actual.inputs || entrypoint_differs {
        let mut inputs: serde_json::Map<String, Value> =
            desired.inputs.clone().into_iter().collect();
        if let Some(record) = summary
            .stored_inputs()
            .and_then(|stored| stored.get(SUSPENDED_SCHEDULES_INPUT).cloned())
        {
            inputs.insert(SUSPENDED_SCHEDULES_INPUT.to_owned(), record);
        }
        let mut request = client
            .apps()
            .workflows()
            .update(slug, AppInputs::from_map(inputs));
        if let Some(entrypoint) = &desired.entrypoint {
            request = request.entrypoint(entrypoint.clone());
        }
        request.send().await?;
    }
    // Replacing the inputs leaves the schedules as they were: the read above still tells them.
    schedules(client, slug, desired, Some(summary)).await
}

/// Makes `slug`'s schedules and their suspension what `desired` says, from `summary`, the
/// workflow as read last (`None`: created just now, so without schedules).
async fn schedules(
    client: &AtlanClient,
    slug: &str,
    desired: &AppSpec,
    summary: Option<AppSummary>,
) -> Result<()> {
    let wanted: BTreeSet<&ScheduleSpec> = desired.schedules.iter().collect();
    let actual = summary
        .as_ref()
        .and_then(app_state)
        .map(|(_, _, spec)| spec)
        .unwrap_or_default();
    let have: BTreeSet<&ScheduleSpec> = actual.schedules.iter().collect();
    if wanted == have && actual.suspended == (desired.suspended && !wanted.is_empty()) {
        return Ok(());
    }
    let summary = if actual.suspended {
        client.apps().schedules().resume(slug).await?;
        Some(client.apps().workflows().get(slug).await?)
    } else {
        summary
    };
    let entries = summary
        .iter()
        .flat_map(|summary| summary.schedules.iter().flatten());
    let live = entries.filter_map(|entry| {
        let schedule = ScheduleSpec {
            cron: entry.cron.clone()?,
            timezone: entry.timezone.clone().unwrap_or_else(|| "UTC".to_owned()),
        };
        Some((entry.trigger_id.clone(), schedule))
    });
    let mut kept = BTreeSet::new();
    for (trigger, schedule) in live {
        match trigger {
            Some(trigger) if !wanted.contains(&schedule) => {
                client.apps().schedules().remove(slug, &trigger).await?;
            }
            _ => {
                kept.insert(schedule);
            }
        }
    }
    for schedule in wanted.iter().filter(|schedule| !kept.contains(**schedule)) {
        let add = client.apps().schedules().add(slug, schedule.cron.clone());
        add.timezone(schedule.timezone.clone()).send().await?;
    }
    if desired.suspended && !wanted.is_empty() {
        match client.apps().schedules().suspend(slug).await {
            Ok(_) => {}
            Err(Error::ScheduleUnchanged { .. }) => {}
            Err(error) => return Err(error),
        }
    }
    Ok(())
}
