//! Carrying out a [`Plan`] of re-runs, with a [`Journal`]: each target is checked again right
//! before its submit (a run may have started since the plan), decided in the journal, submitted
//! once, and its outcome written. A submit whose answer was lost after it may have reached the
//! server is never sent again: it is `maybe_sent`, and left for a person to look at.
//!
//! At most `concurrency` submits are under way at once, halved (down to one) after the tenant
//! throttles (429 or 503); waves go one after the other.

use std::sync::Mutex;

use atlan_workflows::model::AppRunStatus;
use atlan_workflows::{AtlanClient, Error};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use jiff::Timestamp;
use serde::Serialize;

use super::journal::{Journal, JournalError, Outcome, Progress};
use super::plan::{Plan, Target};
use crate::view::Api;

/// The default number of submits under way at once.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// What was done for one workflow. `-o json` of `runs rerun` prints one per line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Report {
    /// The workflow.
    pub workflow: String,
    /// Its API.
    pub api: Api,
    /// `rerun`, `skipped`, `maybe_sent` or `failed`.
    pub action: Outcome,
    /// Why, in a sentence.
    pub reason: Option<String>,
    /// The run started, if known.
    pub run: Option<String>,
}

/// Whether `error` leaves it open that the request reached the server (and was acted on).
pub fn maybe_sent(error: &Error) -> bool {
    match error {
        Error::Transport { source, .. } => !source.is_unsent(),
        _ => false,
    }
}

/// Carries out `plan` with `journal`, `concurrency` submits at once, the time read from `now`;
/// `on_report` sees each outcome as it is known. Targets the journal has done are reported as
/// it recorded them, without a request; targets it decided without an outcome are
/// `maybe_sent` (their submit may have reached the server).
///
/// # Errors
/// [`JournalError`] when the journal cannot be written: the batch stops there (nothing is sent
/// that was not decided first).
pub async fn execute(
    client: &AtlanClient,
    plan: &Plan,
    journal: &Mutex<Journal>,
    concurrency: usize,
    now: impl Fn() -> Timestamp,
    mut on_report: impl FnMut(&Report),
) -> Result<Vec<Report>, JournalError> {
    let mut limit = concurrency.max(1);
    let mut reports = Vec::new();
    for wave in &plan.waves {
        let mut pending = wave.iter();
        let mut running = FuturesUnordered::new();
        loop {
            while running.len() < limit {
                let Some(target) = pending.next() else { break };
                running.push(one(client, target, journal, &now));
            }
            let Some(done) = running.next().await else {
                break;
            };
            let (report, throttled) = done?;
            if throttled {
                limit = (limit / 2).max(1);
            }
            on_report(&report);
            reports.push(report);
        }
    }
    Ok(reports)
}

/// One target: what the journal says, or the re-check, the decision, the submit and the outcome.
/// Answers the report and whether the tenant throttled.
async fn one(
    client: &AtlanClient,
    target: &Target,
    journal: &Mutex<Journal>,
    now: &impl Fn() -> Timestamp,
) -> Result<(Report, bool), JournalError> {
    let report = |action: Outcome, reason: Option<String>, run: Option<String>| Report {
        workflow: target.workflow.clone(),
        api: target.api,
        action,
        reason,
        run,
    };
    let progress = lock(journal).progress(target.api, &target.workflow);
    match progress {
        Progress::Done { outcome, run } => {
            return Ok((
                report(
                    outcome,
                    Some("done by this batch before it was resumed".into()),
                    run,
                ),
                false,
            ));
        }
        Progress::Decided { at } => {
            let reason = format!(
                "its submit at {at} may have reached the server and no answer was recorded: not sent again"
            );
            lock(journal).done(
                target.api,
                &target.workflow,
                Outcome::MaybeSent,
                None,
                Some(reason.clone()),
                now(),
            )?;
            return Ok((report(Outcome::MaybeSent, Some(reason), None), false));
        }
        _ => {}
    }
    // The plan was read from the index a moment ago: look again, right before the submit.
    match active_run(client, target).await {
        Ok(Some(run)) => {
            let reason = format!("a run is active ({run}): not re-run");
            lock(journal).done(
                target.api,
                &target.workflow,
                Outcome::Skipped,
                Some(run.clone()),
                Some(reason.clone()),
                now(),
            )?;
            return Ok((report(Outcome::Skipped, Some(reason), Some(run)), false));
        }
        Ok(None) => {}
        Err(error) => {
            let throttled = throttled(&error);
            let reason = format!("the check for an active run failed, nothing was sent: {error}");
            lock(journal).done(
                target.api,
                &target.workflow,
                Outcome::Failed,
                None,
                Some(reason.clone()),
                now(),
            )?;
            return Ok((report(Outcome::Failed, Some(reason), None), throttled));
        }
    }
    lock(journal).decide(target.api, &target.workflow, now())?;
    let submitted = submit(client, target).await;
    let (outcome, reason, run, throttled) = match submitted {
        Ok(run) => (Outcome::Rerun, None, run, false),
        Err(error) if maybe_sent(&error) => (
            Outcome::MaybeSent,
            Some(format!(
                "no answer, and the submit may have reached the server: not sent again ({error})"
            )),
            None,
            false,
        ),
        Err(error) => {
            let throttled = throttled(&error);
            (Outcome::Failed, Some(error.to_string()), None, throttled)
        }
    };
    lock(journal).done(
        target.api,
        &target.workflow,
        outcome,
        run.clone(),
        reason.clone(),
        now(),
    )?;
    Ok((report(outcome, reason, run), throttled))
}

/// A run of the target's workflow that is Pending or Running, if any.
async fn active_run(
    client: &AtlanClient,
    target: &Target,
) -> atlan_workflows::Result<Option<String>> {
    match target.api {
        Api::Legacy => Ok(client
            .runs()
            .current_opt(&target.workflow)
            .await?
            .map(|run| run.name().to_owned())),
        _ => {
            let page = client
                .apps()
                .runs()
                .slug(target.workflow.clone())
                .statuses([AppRunStatus::Pending, AppRunStatus::Running])
                .size(1)
                .page()
                .await?;
            Ok(page.items.first().and_then(|run| run.name.clone()))
        }
    }
}

/// Submits the target once; answers its run.
async fn submit(client: &AtlanClient, target: &Target) -> atlan_workflows::Result<Option<String>> {
    match target.api {
        Api::Legacy => Ok(client
            .workflows()
            .rerun(target.workflow.clone())
            .send()
            .await?
            .name()
            .map(str::to_owned)),
        _ => Ok(client
            .apps()
            .submit(target.workflow.clone())
            .send()
            .await?
            .run_id
            .clone()),
    }
}

fn throttled(error: &Error) -> bool {
    error
        .status()
        .is_some_and(|status| matches!(status.as_u16(), 429 | 503))
}

fn lock(journal: &Mutex<Journal>) -> std::sync::MutexGuard<'_, Journal> {
    journal
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
