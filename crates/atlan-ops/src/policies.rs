//! Policies that act (pure decisions over a workflow's runs): `suspend_after: N` suspends a
//! workflow's schedules after N consecutive failed runs; `retry` re-runs a workflow whose latest
//! run failed for one of the given causes, at most `max` times per failure streak and never twice
//! for the same failed run. What was already done is given in ([`Done`], kept by the caller's
//! journal), so that a decision survives a restart.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::cause::Cause;
use crate::view::RunState;
use crate::workflow_facts::RunSpan;

/// Re-run on these causes, at most `max` times per failure streak.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retry {
    /// The causes a failed run is re-run for.
    pub causes: BTreeSet<Cause>,
    /// The most re-runs in one failure streak.
    pub max: u32,
}

/// A workflow's policies, each optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Policy {
    /// Suspend the schedules after this many consecutive failed runs.
    pub suspend_after: Option<u32>,
    /// Re-run a failed run of these causes.
    pub retry: Option<Retry>,
}

impl Policy {
    /// Suspend after `suspend_after` failures in a row, re-run as `retry` says.
    pub fn new(suspend_after: Option<u32>, retry: Option<Retry>) -> Self {
        Self {
            suspend_after,
            retry,
        }
    }
}

/// What was done already for the workflow (from the journal of the watch that acts).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Done {
    /// The failed runs already re-run (each never again).
    pub retried: BTreeSet<String>,
    /// Whether its schedules are suspended (by a policy or by hand).
    pub suspended: bool,
}

/// What a policy decides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Decision {
    /// Suspend the schedules: `streak` runs failed in a row.
    Suspend {
        /// Consecutive failed runs.
        streak: u32,
    },
    /// Re-run the workflow for the failed `run`, of `cause`; `attempt` of the streak's `max`.
    Retry {
        /// The failed run.
        run: String,
        /// Why it failed.
        cause: Cause,
        /// This re-run's number in the streak (1 for the first).
        attempt: u32,
    },
}

/// The failed run a retry decision needs the cause of: the latest ended run, when it failed, no
/// run is active, the policy retries, and the run was not re-run before. The caller reads its cause
/// (as `runs explain` does) and gives it to [`decide`].
pub fn needs_cause<'a>(policy: &Policy, runs: &'a [RunSpan], done: &Done) -> Option<&'a RunSpan> {
    policy.retry.as_ref()?;
    let streak = streak(runs)?;
    let latest = *streak.first()?;
    (!done.retried.contains(&latest.run)).then_some(latest)
}

/// What `policy` decides for a workflow whose runs are `runs` (any order), with `cause` the cause
/// of the latest failed run (from [`needs_cause`]; `None` when unknown) and `done` already done:
/// suspend once the streak reaches `suspend_after` (not when suspended, and instead of a retry);
/// else re-run the latest failed run when its cause is one to retry, it was not re-run before, no
/// run is active, and the streak's re-runs are fewer than `max`.
pub fn decide(
    policy: &Policy,
    runs: &[RunSpan],
    cause: Option<Cause>,
    done: &Done,
) -> Option<Decision> {
    let streak = streak(runs)?;
    let latest = *streak.first()?;
    let length = u32::try_from(streak.len()).unwrap_or(u32::MAX);
    if let Some(limit) = policy.suspend_after
        && length >= limit
    {
        return (!done.suspended).then_some(Decision::Suspend { streak: length });
    }
    let retry = policy.retry.as_ref()?;
    let cause = cause?;
    let retried = streak
        .iter()
        .filter(|run| done.retried.contains(&run.run))
        .count();
    let retried = u32::try_from(retried).unwrap_or(u32::MAX);
    let again =
        retry.causes.contains(&cause) && !done.retried.contains(&latest.run) && retried < retry.max;
    again.then(|| Decision::Retry {
        run: latest.run.clone(),
        cause,
        attempt: retried + 1,
    })
}

/// The latest ended run: the newest by start, runs started in the same second ordered by name.
pub fn latest_ended(runs: &[RunSpan]) -> Option<&RunSpan> {
    runs.iter()
        .filter(|run| run.status.is_ended())
        .max_by(|a, b| (a.started, &a.run).cmp(&(b.started, &b.run)))
}

/// The current failure streak, latest first (as [`latest_ended`] orders runs): the ended runs
/// since the latest success; `None` while a run is active (nothing is decided then).
fn streak(runs: &[RunSpan]) -> Option<Vec<&RunSpan>> {
    if runs.iter().any(|run| run.status.is_active()) {
        return None;
    }
    let mut ended: Vec<&RunSpan> = runs.iter().filter(|run| run.status.is_ended()).collect();
    // Newest first; runs started in the same second in a fixed order (by name), so that the
    // latest is the same run at every poll.
    ended.sort_by(|a, b| (b.started, &b.run).cmp(&(a.started, &a.run)));
    Some(
        ended
            .into_iter()
            .take_while(|run| run.status != RunState::Succeeded)
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(name: &str, status: RunState, hour: u32) -> RunSpan {
        let started = format!("2026-12-07T{hour:02}:00:00Z").parse().unwrap();
        let finished = status.is_ended().then_some(started);
        RunSpan::new(name, started, finished, status)
    }

    fn policy(suspend_after: Option<u32>, max: u32) -> Policy {
        Policy {
            suspend_after,
            retry: Some(Retry {
                causes: BTreeSet::from([Cause::Infrastructure]),
                max,
            }),
        }
    }

    /// Runs r0 (succeeded) then failures f1..fN.
    fn history(failures: u32) -> Vec<RunSpan> {
        let mut runs = vec![run("r0", RunState::Succeeded, 0)];
        runs.extend((1..=failures).map(|n| run(&format!("f{n}"), RunState::Failed, n)));
        runs
    }

    #[test]
    fn a_failure_of_a_cause_to_retry_is_retried_once_each_and_at_most_max_per_streak() {
        let infra = Some(Cause::Infrastructure);
        let mut done = Done::default();
        let first = decide(&policy(None, 2), &history(1), infra, &done);
        assert_eq!(
            first,
            Some(Decision::Retry {
                run: "f1".into(),
                cause: Cause::Infrastructure,
                attempt: 1
            })
        );
        let runs = history(1);
        let needed = needs_cause(&policy(None, 2), &runs, &done);
        assert_eq!(needed.map(|run| run.run.as_str()), Some("f1"));
        done.retried.insert("f1".into());
        assert_eq!(needs_cause(&policy(None, 2), &runs, &done), None);
        assert_eq!(
            decide(&policy(None, 2), &history(1), None, &Done::default()),
            None,
            "an unknown cause is never retried"
        );
        assert_eq!(
            decide(&policy(None, 2), &history(1), infra, &done),
            None,
            "never twice for f1"
        );
        let second = decide(&policy(None, 2), &history(2), infra, &done);
        assert!(
            matches!(second, Some(Decision::Retry { attempt: 2, .. })),
            "{second:?}"
        );
        done.retried.insert("f2".into());
        assert_eq!(
            decide(&policy(None, 2), &history(3), infra, &done),
            None,
            "max 2 per streak"
        );
        // Another cause is not retried; a run still going holds every decision.
        let credential = Some(Cause::Credential);
        assert_eq!(
            decide(&policy(None, 2), &history(1), credential, &Done::default()),
            None
        );
        let mut going = history(1);
        going.push(run("now", RunState::Running, 9));
        assert_eq!(
            decide(&policy(None, 2), &going, infra, &Done::default()),
            None
        );
    }

    #[test]
    fn a_policy_file_reads_its_causes_and_refuses_a_zero_suspend_after() {
        use crate::as_code::document::{PolicySpec, RetrySpec};
        let spec = PolicySpec {
            suspend_after: Some(5),
            retry: Some(RetrySpec {
                causes: vec!["infrastructure".into(), "deadline".into()],
                max: 2,
            }),
        };
        let read = spec.read().unwrap();
        assert_eq!(read.suspend_after, Some(5));
        assert_eq!(read.retry.unwrap().causes.len(), 2);
        let zero = PolicySpec {
            suspend_after: Some(0),
            retry: None,
        };
        assert!(zero.read().unwrap_err().contains("at least 1"));
    }

    #[test]
    fn a_streak_of_n_failures_suspends_once() {
        let infra = Some(Cause::Infrastructure);
        let mut done = Done::default();
        assert_eq!(decide(&policy(Some(3), 0), &history(2), infra, &done), None);
        assert_eq!(
            decide(&policy(Some(3), 5), &history(3), infra, &done),
            Some(Decision::Suspend { streak: 3 }),
            "suspending wins over a retry"
        );
        done.suspended = true;
        assert_eq!(decide(&policy(Some(3), 5), &history(4), infra, &done), None);
        // A success ends the streak.
        let mut recovered = history(3);
        recovered.push(run("ok", RunState::Succeeded, 8));
        assert_eq!(
            decide(&policy(Some(3), 5), &recovered, infra, &Done::default()),
            None
        );
    }
}
