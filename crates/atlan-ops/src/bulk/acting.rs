//! Policies carried out: each [`Decision`] of [`crate::policies::decide`] is one journalled
//! change, written as decided before its request and as done after, under a name of its own
//! (`retry:RUN`, `suspend:WORKFLOW:RUN`), so that a watch that restarts (a kill -9 between the
//! decision and the request included) never re-runs the same failed run twice and never
//! suspends twice for the same failure. A suspension goes through the facade's, which keeps
//! what the schedules were, so that `schedules resume` restores them exactly.

use std::sync::Mutex;

use atlan_workflows::AtlanClient;
use jiff::Timestamp;
use serde::Serialize;

use super::journal::{Journal, JournalError, Outcome, Progress};
use super::plan::Target;
use super::schedules::{ScheduleAction, ScheduleTarget};
use super::step::{Entry, Interrupted, Step};
use crate::policies::{Decision, Done};
use crate::view::Api;
use crate::workflow_facts::RunSpan;

/// What came of one decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Acted {
    /// Its API.
    pub api: Api,
    /// The workflow.
    pub workflow: String,
    /// What was decided.
    pub decision: Decision,
    /// What was done.
    pub outcome: Outcome,
    /// The run a retry started.
    pub run: Option<String>,
    /// Why, where it says more than the outcome.
    pub reason: Option<String>,
}

/// The journal's name of `decision` for `workflow`, whose latest failed run is `latest`.
pub fn decision_key(workflow: &str, decision: &Decision, latest: &str) -> String {
    match decision {
        Decision::Retry { run, .. } => format!("retry:{run}"),
        Decision::Suspend { .. } => format!("suspend:{workflow}:{latest}"),
    }
}

/// What `journal` says was done for `workflow` (whose runs are `runs`): the failed runs re-run
/// (done, maybe sent included: never again; one only decided, by a watch killed before its
/// answer, is left for [`act`] to record as maybe sent, never to send), and whether it is suspended: its schedules are
/// (`suspended`), or a suspension for its latest failed run was decided (a resume by hand then
/// holds until a further failure).
pub fn done(
    journal: &Journal,
    api: Api,
    workflow: &str,
    runs: &[RunSpan],
    suspended: bool,
) -> Done {
    let touched = |key: &str| !matches!(journal.progress(api, key), Progress::Untouched);
    let finished = |key: &str| matches!(journal.progress(api, key), Progress::Done { .. });
    let retried = runs
        .iter()
        .filter(|run| run.status.is_failure() && finished(&format!("retry:{}", run.run)))
        .map(|run| run.run.clone())
        .collect();
    let latest = crate::policies::latest_ended(runs);
    Done {
        retried,
        suspended: suspended
            || latest.is_some_and(|run| touched(&format!("suspend:{workflow}:{}", run.run))),
    }
}

/// The workflow a decision is about.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Subject<'a> {
    /// Its API.
    pub api: Api,
    /// The workflow.
    pub workflow: &'a str,
    /// Its package or app.
    pub package: Option<&'a str>,
    /// Whether it has a schedule to suspend.
    pub scheduled: bool,
    /// Its latest failed run.
    pub latest: &'a str,
}

impl<'a> Subject<'a> {
    /// `workflow` of `api`, whose latest failed run is `latest`, of no known package and with no
    /// schedule.
    pub fn new(api: Api, workflow: &'a str, latest: &'a str) -> Self {
        Self {
            api,
            workflow,
            package: None,
            scheduled: false,
            latest,
        }
    }
}

/// Carries out `decision` for `subject`, journalled under [`decision_key`]: a retry checks again that no run is
/// active, then submits once (an interrupted one is never sent again); a suspension is the
/// facade's (an interrupted one is done again: it is idempotent). A suspension of a workflow with
/// no schedule is reported and nothing is done.
///
/// # Errors
/// [`JournalError`] when the journal cannot be written: nothing is sent then.
pub async fn act(
    client: &AtlanClient,
    journal: &Mutex<Journal>,
    subject: Subject<'_>,
    decision: &Decision,
    now: &impl Fn() -> Timestamp,
) -> Result<Acted, JournalError> {
    let Subject {
        api,
        workflow,
        package,
        scheduled,
        latest,
    } = subject;
    let key = decision_key(workflow, decision, latest);
    let entry = Entry::new(journal, api, &key, now);
    let acted = |step: Step| Acted {
        api,
        workflow: workflow.to_owned(),
        decision: decision.clone(),
        outcome: step.outcome,
        run: step.run,
        reason: step.reason,
    };
    let step = match decision {
        Decision::Retry { .. } => {
            if let Some(step) = entry.resumed(Interrupted::NotAgain, |_| false)? {
                return Ok(acted(step));
            }
            let target = target(api, workflow, package);
            super::rerun::submit_unless_active(client, &target, || entry.decide())
                .await?
                .0
        }
        Decision::Suspend { .. } if !scheduled => Step::new(
            Outcome::Skipped,
            None,
            Some("it has no schedule to suspend: nothing was done".to_owned()),
        ),
        Decision::Suspend { .. } => {
            if let Some(step) = entry.resumed(Interrupted::Redo, |_| false)? {
                return Ok(acted(step));
            }
            entry.decide()?;
            let schedules = ScheduleTarget {
                api,
                workflow: workflow.to_owned(),
                package: package.map(str::to_owned),
                schedules: Vec::new(),
            };
            match super::schedules::change(client, &schedules, ScheduleAction::Suspend).await {
                Ok(change) if !change.changed => {
                    Step::new(Outcome::Skipped, None, Some("already suspended".to_owned()))
                }
                Ok(_) => Step::new(Outcome::Suspended, None, None),
                Err(error) => Step::new(Outcome::Failed, None, Some(error.to_string())),
            }
        }
    };
    Ok(acted(entry.finish(step)?))
}

fn target(api: Api, workflow: &str, package: Option<&str>) -> Target {
    Target {
        api,
        workflow: workflow.to_owned(),
        package: package.map(str::to_owned),
        stage: None,
        reason: "its policy re-runs this failure".to_owned(),
    }
}
