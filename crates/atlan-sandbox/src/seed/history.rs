//! A scheduled workflow's past, as a tenant's CronWorkflow leaves it: one run at each due time of
//! its schedule (in its time zone) since the schedule was added, named `{workflow}-cron-{unix
//! seconds}`, with no creator, except the due times a run of it was still going at (Argo's
//! `concurrencyPolicy` skips those). Runs people started by hand are placed relative to due times
//! too, never relative to the instant the seed is loaded, so that whatever the time of day the
//! tenant is the same story: which run is the latest, which due time was held by a long run.

use atlan_model::CronSchedule;
use jiff::Timestamp;
use serde::Deserialize;

use crate::failure::{Failure, FailureCause};
use crate::ids;
use crate::store::Outcome;

/// The newest due time generated is at least this long before the load (its run has started).
const SETTLE_MS: i64 = 10_000;
/// The most due times one workflow's history holds.
const MAX_DUE: usize = 2_000;

/// What a scheduled workflow's history holds (`history` of a workflow in `tenant.json`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct History {
    /// How many days ago its schedule was added: a run at each due time since.
    pub(super) days: i64,
    /// How long a run takes (each run varies by up to a tenth either way).
    pub(super) running_seconds: i64,
    /// How long a run is Pending.
    #[serde(default = "default_pending")]
    pub(super) pending_seconds: i64,
    /// The latest this many runs failed (a failure streak).
    #[serde(default)]
    pub(super) failing: usize,
    /// The due times (1 is the latest) whose run failed besides.
    #[serde(default)]
    pub(super) failed: Vec<usize>,
    /// How its runs fail (by default a cause drawn from the workflow and due time).
    #[serde(default)]
    pub(super) failure: Option<Failure>,
}

fn default_pending() -> i64 {
    3
}

/// The due times of a schedule after `since` and at least [`SETTLE_MS`] before `now` (epoch
/// milliseconds), newest first.
///
/// # Errors
/// A message when the schedule cannot be read.
pub(super) fn due_times(
    cron: &str,
    timezone: &str,
    since: i64,
    now: i64,
) -> Result<Vec<i64>, String> {
    let schedule = CronSchedule::parse(cron, timezone).map_err(|error| error.to_string())?;
    let instant = |millis: i64| Timestamp::from_millisecond(millis).map_err(|e| e.to_string());
    let mut due: Vec<i64> = schedule
        .due_between(instant(since)?, instant(now - SETTLE_MS)?, MAX_DUE)
        .into_iter()
        .map(Timestamp::as_millisecond)
        .collect();
    due.reverse();
    Ok(due)
}

/// When a run placed `after_ms` after due time `due` (1 is the latest; `after_ms` may be
/// negative) starts: never in the future.
///
/// # Errors
/// A message when the schedule has no such due time.
pub(super) fn placed(
    due_times: &[i64],
    due: usize,
    after_ms: i64,
    now: i64,
) -> Result<i64, String> {
    let at = due
        .checked_sub(1)
        .and_then(|index| due_times.get(index))
        .ok_or_else(|| format!("due time {due} is not in the schedule's history"))?;
    Ok((at + after_ms).min(now - SETTLE_MS / 2))
}

/// One scheduled run of a history: when it was due (and created), how long it was Pending and
/// Running, how it ended.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ScheduledRun {
    /// The due time (epoch milliseconds).
    pub(super) due: i64,
    /// Its name, as a CronWorkflow names it.
    pub(super) name: String,
    pub(super) pending_ms: i64,
    pub(super) running_ms: i64,
    pub(super) outcome: Outcome,
    pub(super) failure: Option<Failure>,
}

/// The runs `history` holds for `workflow` at `due_times` (newest first), leaving out each due
/// time that `busy` says a run was still going at.
pub(super) fn scheduled_runs(
    workflow: &str,
    history: &History,
    due_times: &[i64],
    busy: impl Fn(i64) -> bool,
) -> Vec<ScheduledRun> {
    due_times
        .iter()
        .enumerate()
        .filter(|(_, due)| !busy(**due))
        .map(|(index, &due)| {
            let number = index + 1;
            let draw = ids::fnv32a(&format!("{workflow}@due-{number}"));
            let spread = history.running_seconds / 10;
            let running =
                history.running_seconds - spread + i64::from(draw % 1_000) * (2 * spread) / 1_000;
            let fails = number <= history.failing || history.failed.contains(&number);
            let failure = fails.then(|| {
                history
                    .failure
                    .clone()
                    .unwrap_or_else(|| drawn_failure(workflow, number))
            });
            ScheduledRun {
                due,
                name: format!("{workflow}-cron-{}", due.div_euclid(1000)),
                pending_ms: history.pending_seconds * 1000,
                running_ms: running.max(1) * 1000,
                outcome: match &failure {
                    Some(failure) if failure.is_error() => Outcome::Error,
                    Some(_) => Outcome::Failed,
                    None => Outcome::Succeeded,
                },
                failure,
            }
        })
        .collect()
}

/// A realistic cause for a failed run, drawn from `key` (its workflow and place, never the
/// instant the seed is loaded): most fail at a step with an exit code, some run out of memory or
/// past their deadline.
pub(super) fn drawn_failure(workflow: &str, number: usize) -> Failure {
    let draw = ids::fnv32a(&format!("{workflow}#{number}"));
    let mut failure = Failure::of(match draw % 10 {
        0..=5 => FailureCause::StepError,
        6 | 7 => FailureCause::OutOfMemory,
        _ => FailureCause::Deadline,
    });
    failure.exit_code = Some(if draw.is_multiple_of(3) { 2 } else { 1 });
    failure.retries = (draw / 10) % 3;
    failure
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> i64 {
        text.parse::<Timestamp>().unwrap().as_millisecond()
    }

    fn history(days: i64) -> History {
        History {
            days,
            running_seconds: 600,
            pending_seconds: 3,
            failing: 2,
            failed: vec![5],
            failure: None,
        }
    }

    #[test]
    fn a_nightly_schedule_has_a_run_at_each_due_time_newest_first() {
        let now = at("2026-12-07T01:39:00Z");
        let since = now - 7 * 86_400_000;
        let due = due_times("30 19 * * *", "UTC", since, now).unwrap();
        assert_eq!(due.len(), 7);
        assert_eq!(due[0], at("2026-12-06T19:30:00Z"));
        let runs = scheduled_runs("w", &history(7), &due, |_| false);
        assert_eq!(runs[0].name, format!("w-cron-{}", due[0] / 1000));
        let failed: Vec<usize> = runs
            .iter()
            .enumerate()
            .filter(|(_, run)| run.outcome != Outcome::Succeeded)
            .map(|(index, _)| index + 1)
            .collect();
        assert_eq!(failed, [1, 2, 5], "the streak and the one besides");
        assert!(
            runs.iter()
                .all(|run| (540_000..=660_000).contains(&run.running_ms)),
            "within a tenth of the typical duration"
        );
        let held = scheduled_runs("w", &history(7), &due, |at| at == due[2]);
        assert_eq!(
            held.len(),
            6,
            "the due time a run held has no run of its own"
        );
    }

    #[test]
    fn a_run_placed_by_due_time_is_never_in_the_future() {
        let now = at("2026-12-07T19:35:00Z");
        let due = due_times("30 19 * * *", "UTC", now - 3 * 86_400_000, now).unwrap();
        assert_eq!(due[0], at("2026-12-07T19:30:00Z"));
        assert_eq!(
            placed(&due, 1, 3_600_000, now).unwrap(),
            now - 5_000,
            "an hour after a due time five minutes ago is now"
        );
        assert_eq!(
            placed(&due, 2, -60_000, now).unwrap(),
            due[1] - 60_000,
            "a minute before the due time before"
        );
        assert!(placed(&due, 9, 0, now).is_err());
    }
}
