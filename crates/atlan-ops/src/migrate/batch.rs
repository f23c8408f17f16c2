//! [`execute`]: `migrate apply` as a journalled batch, as re-runs and schedules are ([`Entry`]):
//! each ready workflow's app workflow created (or found by name), then, when asked, its legacy
//! workflow verified, kept as JSON and archived; each decided in the journal first, its outcome
//! written after. A create decided without an outcome is sent again on resume: it finds the
//! first by its name.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use atlan_workflows::AtlanClient;
use jiff::Timestamp;

use super::tenant::{self, Planned};
use crate::bulk::{Entry, Interrupted, Journal, JournalError, Outcome, Step};
use crate::file_name::file_name;
use crate::view::Api;

/// How an apply goes beyond the creates.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ApplyOptions {
    /// Archive each legacy workflow once its app workflow exists.
    pub archive_legacy: bool,
    /// Verify the pair before archiving.
    pub verify: bool,
    /// Where each archived legacy workflow's JSON is kept.
    pub archive_dir: PathBuf,
}

impl ApplyOptions {
    /// Creates only, or (with `archive_legacy`) archives too, keeping the JSON in `archive_dir`.
    pub fn new(archive_legacy: bool, verify: bool, archive_dir: PathBuf) -> Self {
        Self {
            archive_legacy,
            verify,
            archive_dir,
        }
    }
}

/// What became of one workflow of an apply.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MigrateReport {
    /// The legacy workflow.
    pub workflow: String,
    /// The app that takes it over.
    pub app_id: Option<String>,
    /// `created`, `reused`, `archived` or `failed`.
    pub outcome: Outcome,
    /// The app workflow's slug.
    pub slug: Option<String>,
    /// Why, or how to undo an archive.
    pub reason: Option<String>,
}

/// Applies each of `ready` in turn with `journal`, the time read from `now`; `on_report` sees each
/// outcome as it is known. Workflows the journal has done are reported as it recorded them,
/// unless they failed or (with `archive_legacy`) were not archived.
///
/// # Errors
/// [`JournalError`] when the journal cannot be written: the batch stops there.
pub async fn execute(
    client: &AtlanClient,
    ready: &[&Planned],
    journal: &Mutex<Journal>,
    options: &ApplyOptions,
    now: impl Fn() -> Timestamp,
    mut on_report: impl FnMut(&MigrateReport),
) -> Result<Vec<MigrateReport>, JournalError> {
    let mut reports = Vec::with_capacity(ready.len());
    for planned in ready {
        let step = one(client, planned, journal, options, &now).await?;
        let report = MigrateReport {
            workflow: planned.plan.workflow.clone(),
            app_id: planned.plan.app_id.clone(),
            outcome: step.outcome,
            slug: step.run,
            reason: step.reason,
        };
        on_report(&report);
        reports.push(report);
    }
    Ok(reports)
}

/// One ready plan: what the journal says, or the create (or find), then the archive when asked.
async fn one(
    client: &AtlanClient,
    planned: &Planned,
    journal: &Mutex<Journal>,
    options: &ApplyOptions,
    now: &impl Fn() -> Timestamp,
) -> Result<Step, JournalError> {
    let entry = Entry::new(journal, Api::Apps, &planned.plan.workflow, now);
    let redo = |outcome| {
        outcome == Outcome::Failed || (options.archive_legacy && outcome != Outcome::Archived)
    };
    if let Some(step) = entry.resumed(Interrupted::Redo, redo)? {
        return Ok(step);
    }
    entry.decide()?;
    let applied = match tenant::apply(client, planned).await {
        Ok(applied) => applied,
        Err(error) => {
            return entry.finish(Step::new(Outcome::Failed, None, Some(error.to_string())));
        }
    };
    let mut outcome = if applied.reused {
        Outcome::Reused
    } else {
        Outcome::Created
    };
    let mut reason = applied
        .reused
        .then(|| "an app workflow of this name has these inputs already".to_owned());
    if options.archive_legacy {
        match archive(client, planned, &applied.slug, options).await {
            Ok(kept) => {
                outcome = Outcome::Archived;
                reason = Some(restore_hint(planned, &kept));
            }
            Err(why) => reason = Some(format!("created, not archived: {why}")),
        }
    }
    entry.finish(Step::new(outcome, Some(applied.slug), reason))
}

/// How to bring back an archived legacy workflow from its JSON kept at `kept`, with its schedule.
fn restore_hint(planned: &Planned, kept: &str) -> String {
    let schedule = planned
        .plan
        .schedule
        .as_ref()
        .map(|s| format!(" --cron '{}' --timezone {}", s.cron, s.timezone))
        .unwrap_or_default();
    format!("legacy workflow archived; to restore it: atlanctl workflows run {kept}{schedule}")
}

/// Archives the legacy workflow of `planned` once its app workflow `slug` exists (and, with
/// `verify`, verifies); its JSON is kept first. Answers where the JSON is.
async fn archive(
    client: &AtlanClient,
    planned: &Planned,
    slug: &str,
    options: &ApplyOptions,
) -> Result<String, String> {
    let summary = client
        .apps()
        .workflows()
        .get(slug)
        .await
        .map_err(|e| e.to_string())?;
    let mut planned = planned.clone();
    planned.migrated = Some(summary);
    if options.verify {
        let verification = tenant::verify(client, &planned, None)
            .await
            .map_err(|e| e.to_string())?;
        if !verification.differences.is_empty() {
            return Err(format!(
                "it does not verify: {}",
                verification.differences.join("; ")
            ));
        }
    }
    let kept = keep(&options.archive_dir, &planned)?;
    tenant::archive_legacy(client, &planned)
        .await
        .map_err(|e| e.to_string())?;
    Ok(kept)
}

/// Writes the legacy workflow's JSON in `dir`; answers its path.
fn keep(dir: &Path, planned: &Planned) -> Result<String, String> {
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("cannot keep its JSON in {}: {e}", dir.display()))?;
    let kept = dir.join(format!("{}.json", file_name(&planned.plan.workflow)));
    let text = serde_json::to_string_pretty(&planned.legacy).map_err(|e| e.to_string())?;
    std::fs::write(&kept, text)
        .map_err(|e| format!("cannot keep its JSON in {}: {e}", kept.display()))?;
    Ok(kept.display().to_string())
}
