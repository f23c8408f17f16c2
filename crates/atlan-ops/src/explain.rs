//! Why a run ended as it did: the failed step, its message, exit code and log, a classified
//! [`Cause`], and how the run differs from the workflow's previous successful run. Pure: the
//! views come from [`crate::fetch`] (or from a test).

use jiff::Timestamp;
use serde::Serialize;

use crate::cause::{Cause, Evidence, classify};
use crate::view::{Api, RunState, RunView, StepView};

/// A run explained. `-o json` of `atlanctl runs explain` is this document.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Explanation {
    /// The run.
    pub run: String,
    /// Its workflow.
    pub workflow: String,
    /// Its API.
    pub api: Api,
    /// Its package or app.
    pub package: Option<String>,
    /// Its status.
    pub status: RunState,
    /// When it started.
    pub started: Option<Timestamp>,
    /// When it ended.
    pub finished: Option<Timestamp>,
    /// How long it took (ended runs), whole seconds.
    pub duration_s: Option<u64>,
    /// The failed step's display name (`null` if no step failed).
    pub failed_step: Option<String>,
    /// The failed step's message, else the run's.
    pub message: Option<String>,
    /// Why it failed (`null` for a run that succeeded or has not ended).
    pub cause: Option<Cause>,
    /// What to do about the cause.
    pub advice: Option<&'static str>,
    /// The failed step's exit code.
    pub exit_code: Option<i32>,
    /// Where the failed step's log lives.
    pub log_artifact: Option<String>,
    /// How many times the failed step was retried.
    pub retries: u32,
    /// The step tree.
    pub steps: Vec<StepView>,
    /// The workflow's latest successful run that started before this one.
    pub previous_success: Option<PreviousRun>,
    /// How this run's steps differ from the previous successful run's (steps that took longer, or
    /// that this run did not reach).
    pub changes: Vec<StepChange>,
}

/// The previous successful run of the same workflow.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct PreviousRun {
    /// Its id.
    pub run: String,
    /// When it started.
    pub started: Option<Timestamp>,
    /// How long it took.
    pub duration_s: Option<u64>,
}

/// One step compared with the previous successful run.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct StepChange {
    /// The step.
    pub step: String,
    /// How long it took in the previous successful run.
    pub previous_s: Option<u64>,
    /// How long it took in this run (`null`: not reached, or not ended).
    pub this_s: Option<u64>,
    /// How much longer it took (`null` when it cannot be compared).
    pub slower_by_s: Option<u64>,
}

impl Explanation {
    /// One line for people: the status, and for a failure the step, cause and message.
    pub fn summary(&self) -> String {
        match (self.status.is_failure(), &self.failed_step, self.cause) {
            (false, _, _) if self.status.is_ended() => self.status.as_str().to_owned(),
            (false, _, _) => format!("{} (not ended)", self.status.as_str()),
            (true, step, cause) => {
                let mut line = self.status.as_str().to_owned();
                if let Some(step) = step {
                    line.push_str(&format!(" at {step}"));
                    if self.retries > 0 {
                        line.push_str(&format!(" after {} retries", self.retries));
                    }
                }
                if let Some(cause) = cause {
                    line.push_str(&format!(": {}", cause.as_str()));
                }
                if let Some(message) = &self.message {
                    line.push_str(&format!(" ({message})"));
                }
                line
            }
        }
    }
}

/// Explains `run`, compared with `previous` (the workflow's previous successful run, if known).
pub fn explain(run: RunView, previous: Option<&RunView>) -> Explanation {
    let failed = failed_step(&run.steps);
    let (failed_step, step_message, attempt_message, exit_code, log_artifact, retries) =
        match failed {
            Some(Failed { step, attempt }) => {
                let source = attempt.unwrap_or(step);
                (
                    Some(step.name.clone()),
                    step.message.clone(),
                    attempt.and_then(|attempt| attempt.message.clone()),
                    source.exit_code.or(step.exit_code),
                    source
                        .log_artifact
                        .clone()
                        .or_else(|| step.log_artifact.clone()),
                    step.retries,
                )
            }
            None => (None, None, None, None, None, 0),
        };
    let cause = run.status.is_failure().then(|| {
        classify(&Evidence {
            messages: [
                attempt_message.as_deref(),
                step_message.as_deref(),
                run.message.as_deref(),
            ],
            exit_code,
            stopped: run.status == RunState::Stopped || run.stopped_by.is_some(),
        })
    });
    // The attempt's message is the pod's own; a retry node's is Argo's "No more retries left".
    let message = attempt_message
        .or(step_message)
        .or_else(|| run.message.clone());
    let changes = previous.map_or_else(Vec::new, |previous| compare(&run, previous));
    Explanation {
        duration_s: run.duration_s(),
        previous_success: previous.map(|previous| PreviousRun {
            run: previous.run.clone(),
            started: previous.started,
            duration_s: previous.duration_s(),
        }),
        advice: cause.map(Cause::advice),
        failed_step,
        message,
        cause,
        exit_code,
        log_artifact,
        retries,
        changes,
        run: run.run,
        workflow: run.workflow,
        api: run.api,
        package: run.package,
        status: run.status,
        started: run.started,
        finished: run.finished,
        steps: run.steps,
    }
}

/// The failed step, and the attempt that failed last when it was retried.
struct Failed<'a> {
    step: &'a StepView,
    attempt: Option<&'a StepView>,
}

/// The step that failed first: a failed pod, retry node or app step (a DAG that failed because a
/// task in it did is not the step); the earliest to end when several did.
fn failed_step(steps: &[StepView]) -> Option<Failed<'_>> {
    let mut found: Vec<Failed<'_>> = Vec::new();
    let mut stack: Vec<&StepView> = steps.iter().rev().collect();
    while let Some(step) = stack.pop() {
        let container = matches!(
            step.kind.as_str(),
            "DAG" | "Steps" | "StepGroup" | "TaskGroup"
        );
        if step.status.is_failure() && step.status != RunState::Skipped && !container {
            let attempt = (step.kind == "Retry")
                .then(|| step.children.iter().rev().find(|a| a.status.is_failure()))
                .flatten();
            found.push(Failed { step, attempt });
            continue;
        }
        if step.kind != "Retry" {
            stack.extend(step.children.iter().rev());
        }
    }
    found
        .into_iter()
        .min_by_key(|failed| failed.step.finished.unwrap_or(Timestamp::MAX))
}

/// Each task of a run (not the DAGs that hold them, not a retry's attempts): name and duration.
fn tasks(steps: &[StepView]) -> Vec<(&str, Option<u64>)> {
    let mut out = Vec::new();
    let mut stack: Vec<&StepView> = steps.iter().rev().collect();
    while let Some(step) = stack.pop() {
        if matches!(
            step.kind.as_str(),
            "DAG" | "Steps" | "StepGroup" | "TaskGroup"
        ) {
            stack.extend(step.children.iter().rev());
        } else {
            out.push((step.name.as_str(), step.duration_s()));
        }
    }
    out
}

fn compare(run: &RunView, previous: &RunView) -> Vec<StepChange> {
    let now = tasks(&run.steps);
    tasks(&previous.steps)
        .into_iter()
        .filter_map(|(name, previous_s)| {
            let this_s = now
                .iter()
                .find(|(this, _)| *this == name)
                .and_then(|(_, duration)| *duration);
            let slower_by_s = match (previous_s, this_s) {
                (Some(before), Some(now)) => Some(now.saturating_sub(before)),
                _ => None,
            };
            let changed = this_s.is_none() || slower_by_s.is_some_and(|by| by > 0);
            changed.then(|| StepChange {
                step: name.to_owned(),
                previous_s,
                this_s,
                slower_by_s,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> Option<Timestamp> {
        Timestamp::from_second(1_764_590_400 + seconds).ok()
    }

    fn step(name: &str, kind: &str, status: RunState, from: i64, to: i64) -> StepView {
        StepView {
            name: name.into(),
            kind: kind.into(),
            status,
            started: at(from),
            finished: at(to),
            retries: 0,
            message: None,
            exit_code: None,
            log_artifact: None,
            children: Vec::new(),
        }
    }

    fn run(status: RunState, steps: Vec<StepView>) -> RunView {
        RunView {
            api: Api::Legacy,
            run: "w-abcde".into(),
            workflow: "w".into(),
            package: None,
            status,
            started: at(0),
            finished: at(100),
            message: None,
            started_by: None,
            stopped_by: None,
            steps,
        }
    }

    #[test]
    fn a_retried_step_is_explained_by_its_last_attempt() {
        let mut attempt = step("transform(1)", "Pod", RunState::Failed, 50, 100);
        attempt.message = Some("OOMKilled (exit code 137)".into());
        attempt.exit_code = Some(137);
        attempt.log_artifact = Some("w/transform/main.log".into());
        let mut retry = step("transform", "Retry", RunState::Failed, 10, 100);
        retry.message = Some("No more retries left".into());
        retry.retries = 1;
        retry.children = vec![
            step("transform(0)", "Pod", RunState::Failed, 10, 50),
            attempt,
        ];
        let mut dag = step("run", "DAG", RunState::Failed, 0, 100);
        dag.children = vec![step("extract", "Pod", RunState::Succeeded, 0, 10), retry];
        let explained = explain(run(RunState::Failed, vec![dag]), None);
        assert_eq!(explained.failed_step.as_deref(), Some("transform"));
        assert_eq!(
            explained.message.as_deref(),
            Some("OOMKilled (exit code 137)")
        );
        assert_eq!(explained.cause, Some(Cause::OutOfMemory));
        assert_eq!(explained.exit_code, Some(137));
        assert_eq!(
            explained.log_artifact.as_deref(),
            Some("w/transform/main.log")
        );
        assert_eq!(explained.retries, 1);
        assert!(
            explained
                .summary()
                .contains("at transform after 1 retries: out_of_memory")
        );
    }

    #[test]
    fn a_success_has_no_cause_and_the_comparison_names_slower_and_missing_steps() {
        let previous = run(
            RunState::Succeeded,
            vec![
                step("extract", "Pod", RunState::Succeeded, 0, 10),
                step("publish", "Pod", RunState::Succeeded, 10, 20),
            ],
        );
        let slow = run(
            RunState::Failed,
            vec![step("extract", "Pod", RunState::Failed, 0, 70)],
        );
        let explained = explain(slow, Some(&previous));
        assert_eq!(
            explained.cause,
            Some(Cause::Unknown),
            "a failure with nothing said"
        );
        assert_eq!(explained.failed_step.as_deref(), Some("extract"));
        let changes: Vec<(&str, Option<u64>)> = explained
            .changes
            .iter()
            .map(|change| (change.step.as_str(), change.slower_by_s))
            .collect();
        assert_eq!(changes, [("extract", Some(60)), ("publish", None)]);
        let ok = explain(previous.clone(), None);
        assert_eq!((ok.cause, ok.failed_step.as_deref()), (None, None));
        assert_eq!(ok.summary(), "Succeeded");
    }

    #[test]
    fn a_failed_run_without_nodes_falls_back_on_its_own_message() {
        let mut bare = run(RunState::Error, Vec::new());
        bare.message = Some("pod deleted".into());
        let explained = explain(bare, None);
        assert_eq!(explained.failed_step, None);
        assert_eq!(explained.message.as_deref(), Some("pod deleted"));
        assert_eq!(explained.cause, Some(Cause::Infrastructure));
    }
}
