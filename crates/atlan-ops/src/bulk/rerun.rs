//! Carrying out a [`Plan`] of re-runs, with a [`Journal`]: each target is checked again right
//! before its submit (a run may have started since the plan), decided in the journal, submitted
//! once, and its outcome written. A submit whose answer was lost after it may have reached the
//! server is never sent again: it is `maybe_sent`, and left for a person to look at.
//!
//! At most `concurrency` submits are under way at once, halved (down to one) after the tenant
//! throttles (429 or 503); a wave starts when the runs of the one before have started (or ended,
//! as [`Pace`] says: [`WaveWait`]).

use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use atlan_workflows::model::AppRunStatus;
use atlan_workflows::{AtlanClient, Error};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use jiff::Timestamp;
use serde::Serialize;

use super::journal::{Journal, JournalError, Outcome};
use super::plan::{Plan, Target};
use super::step::{Entry, Interrupted, Step};
use crate::preview::{Preview, check_dry_run, first_write};
use crate::view::{Api, RunState};

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

/// How a wave waits for the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum WaveWait {
    /// Until its submits are answered.
    Answered,
    /// Until its runs have started (or ended): what lineage needs of the upstream.
    #[default]
    Started,
    /// Until its runs have ended, after every wave; a run that did not succeed stops the batch
    /// before the next wave.
    Ended,
}

/// How the waves are paced: what a wave waits for, how often its runs are read meanwhile, for at
/// most how long, and how to wait (`tokio::time::sleep`, or a test's clock).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Pace<S> {
    /// What a wave waits for.
    pub wait: WaveWait,
    /// How often the runs are read while waiting.
    pub interval: Duration,
    /// The longest wait for one wave; past it the batch stops before the next wave.
    pub timeout: Duration,
    /// Waits for a duration.
    pub sleep: S,
}

impl<S> Pace<S> {
    /// Waves that wait as `wait` says, reading their runs every `interval` for at most `timeout`,
    /// waiting with `sleep`.
    pub fn new(wait: WaveWait, interval: Duration, timeout: Duration, sleep: S) -> Self {
        Self {
            wait,
            interval,
            timeout,
            sleep,
        }
    }
}

/// What a batch did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Executed {
    /// One report per workflow handled, in the order they were known.
    pub reports: Vec<Report>,
    /// Why it stopped before its last wave, if it did (the rest was not decided: `--resume`
    /// continues it).
    pub halted: Option<String>,
}

/// Carries out `plan` with `journal`, `concurrency` submits at once, the waves paced by `pace`,
/// the time read from `now`; `on_report` sees each outcome as it is known. Targets the journal
/// has done are reported as it recorded them, without a request; targets it decided without an
/// outcome are `maybe_sent` (their submit may have reached the server).
///
/// # Errors
/// [`JournalError`] when the journal cannot be written: the batch stops there (nothing is sent
/// that was not decided first).
pub async fn execute<S, F>(
    client: &AtlanClient,
    plan: &Plan,
    journal: &Mutex<Journal>,
    concurrency: usize,
    pace: &Pace<S>,
    now: impl Fn() -> Timestamp,
    mut on_report: impl FnMut(&Report),
) -> Result<Executed, JournalError>
where
    S: Fn(Duration) -> F,
    F: Future<Output = ()>,
{
    let mut limit = concurrency.max(1);
    let mut executed = Executed::default();
    for (index, wave) in plan.waves.iter().enumerate() {
        let mut pending = wave.iter();
        let mut running = FuturesUnordered::new();
        let mut runs = Vec::new();
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
            if report.action == Outcome::Rerun
                && let Some(run) = &report.run
            {
                runs.push((report.api, run.clone()));
            }
            on_report(&report);
            executed.reports.push(report);
        }
        let last = index + 1 == plan.waves.len();
        let wait = match pace.wait {
            WaveWait::Started if !last => true,
            WaveWait::Ended => true,
            _ => false,
        };
        if wait && let Err(why) = settle(client, &runs, pace).await {
            executed.halted = Some(format!("wave {}: {why}", index + 1));
            break;
        }
    }
    Ok(executed)
}

/// Reads `runs` every interval until each has started (or ended, as `pace` says); a run that
/// ended without success, with [`WaveWait::Ended`], or the timeout, is why the batch stops.
async fn settle<S, F>(
    client: &AtlanClient,
    runs: &[(Api, String)],
    pace: &Pace<S>,
) -> Result<(), String>
where
    S: Fn(Duration) -> F,
    F: Future<Output = ()>,
{
    let mut waited = Duration::ZERO;
    loop {
        let mut waiting = Vec::new();
        let mut failed = Vec::new();
        for (api, run) in runs {
            let status = status(client, *api, run).await.unwrap_or(RunState::Unknown);
            let ready = match pace.wait {
                WaveWait::Ended => status.is_ended(),
                _ => !matches!(status, RunState::Pending | RunState::Unknown),
            };
            if pace.wait == WaveWait::Ended && status.is_failure() {
                failed.push(format!("{run} ({})", status.as_str()));
            }
            if !ready {
                waiting.push(run.as_str());
            }
        }
        if !failed.is_empty() {
            return Err(format!(
                "{} did not succeed: the next waves were not submitted",
                failed.join(", ")
            ));
        }
        if waiting.is_empty() {
            return Ok(());
        }
        if waited >= pace.timeout {
            let what = if pace.wait == WaveWait::Ended {
                "end"
            } else {
                "start"
            };
            return Err(format!(
                "{} did not {what} within {}: the next waves were not submitted",
                waiting.join(", "),
                atlan_workflows::human_duration(pace.timeout)
            ));
        }
        (pace.sleep)(pace.interval).await;
        waited = waited.saturating_add(pace.interval.max(Duration::from_millis(1)));
    }
}

/// A run's status, read by its id (not through a lagging listing).
async fn status(client: &AtlanClient, api: Api, run: &str) -> atlan_workflows::Result<RunState> {
    match api {
        Api::Legacy => Ok(client
            .runs()
            .get_opt(run)
            .await?
            .map_or(RunState::Unknown, |hit| {
                crate::view::legacy::view(&hit).status
            })),
        _ => Ok(crate::view::apps::view_of_answer(&client.apps().runs().get(run).await?).status),
    }
}

/// One target: what the journal says, or the re-check, the decision, the submit and the outcome.
/// Answers the report and whether the tenant throttled.
async fn one(
    client: &AtlanClient,
    target: &Target,
    journal: &Mutex<Journal>,
    now: &impl Fn() -> Timestamp,
) -> Result<(Report, bool), JournalError> {
    let entry = Entry::new(journal, target.api, &target.workflow, now);
    if let Some(step) = entry.resumed(Interrupted::NotAgain, |_| false)? {
        return Ok((report(target, step), false));
    }
    // The plan was read from the index a moment ago: look again, right before the submit.
    let (step, throttled) = submit_unless_active(client, target, || entry.decide()).await?;
    Ok((report(target, entry.finish(step)?), throttled))
}

/// Submits `target` once unless a run of it is active (looked at right before), `decide` called
/// between the look and the submit (a batch writes its decision there): the step it came to, and
/// whether the tenant throttled.
///
/// # Errors
/// `decide`'s: nothing is sent then.
pub(super) async fn submit_unless_active(
    client: &AtlanClient,
    target: &Target,
    decide: impl FnOnce() -> Result<(), JournalError>,
) -> Result<(Step, bool), JournalError> {
    Ok(match active_run(client, target).await {
        Ok(Some(run)) => {
            let reason = format!("a run is active ({run}): not re-run");
            (Step::new(Outcome::Skipped, Some(run), Some(reason)), false)
        }
        Ok(None) => {
            decide()?;
            submitted(submit(client, target).await)
        }
        Err(error) => {
            let reason = format!("the check for an active run failed, nothing was sent: {error}");
            (
                Step::new(Outcome::Failed, None, Some(reason)),
                throttled(&error),
            )
        }
    })
}

/// The step a submit's answer makes, and whether the tenant throttled.
fn submitted(answer: atlan_workflows::Result<Option<String>>) -> (Step, bool) {
    match answer {
        Ok(run) => (Step::new(Outcome::Rerun, run, None), false),
        Err(error) if maybe_sent(&error) => {
            let reason = format!(
                "no answer, and the submit may have reached the server: not sent again ({error})"
            );
            (Step::new(Outcome::MaybeSent, None, Some(reason)), false)
        }
        Err(error) => (
            Step::new(Outcome::Failed, None, Some(error.to_string())),
            throttled(&error),
        ),
    }
}

/// What `plan` would send, without a journal, on a `client` in a dry-run mode: each target is
/// checked for an active run (a read), then its submit stops before it is sent. In plan order.
///
/// # Errors
/// [`Error::InvalidInput`] for a client that would send writes; the first failed read.
pub async fn preview_reruns(
    client: &AtlanClient,
    plan: &Plan,
) -> atlan_workflows::Result<Vec<Preview>> {
    check_dry_run(client)?;
    let mut previews = Vec::with_capacity(plan.len());
    for target in plan.waves.iter().flatten() {
        let preview = match active_run(client, target).await? {
            Some(run) => Preview::new(
                target.api,
                &target.workflow,
                None,
                Some(format!("a run is active ({run}): not re-run")),
            ),
            None => Preview::new(
                target.api,
                &target.workflow,
                first_write(submit(client, target)).await?,
                None,
            ),
        };
        previews.push(preview);
    }
    Ok(previews)
}

/// The report of `target`.
fn report(target: &Target, step: Step) -> Report {
    Report {
        workflow: target.workflow.clone(),
        api: target.api,
        action: step.outcome,
        reason: step.reason,
        run: step.run,
    }
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
                .search()
                .slug(target.workflow.clone())
                .statuses([AppRunStatus::Pending, AppRunStatus::Running])
                .size(1)
                .page()
                .await?;
            Ok(page.items.first().and_then(|run| run.name.clone()))
        }
    }
}

/// Re-runs `workflow` once, unless a run of it is active (looked at right before): the step it
/// came to, `rerun` with the run it started. For a re-run asked for by hand (`top`'s `r`).
pub async fn rerun_unless_active(client: &AtlanClient, api: Api, workflow: &str) -> Step {
    let target = Target {
        api,
        workflow: workflow.to_owned(),
        package: None,
        stage: None,
        reason: "asked for".to_owned(),
    };
    match submit_unless_active(client, &target, || Ok(())).await {
        Ok((step, _)) => step,
        // Nothing decides before this submit: there is no error to give.
        Err(error) => Step::new(Outcome::Failed, None, Some(error.to_string())),
    }
}

/// Submits the target once; answers its run.
pub(super) async fn submit(
    client: &AtlanClient,
    target: &Target,
) -> atlan_workflows::Result<Option<String>> {
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
            .workflows()
            .run(target.workflow.clone())
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
