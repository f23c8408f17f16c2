//! `watch`'s policies: after each poll, what each workflow's `spec.policy` decides over the runs
//! seen; with `--act` each decision is journalled and carried out ([`atlan_ops::bulk::acting`]),
//! without it the watch says what it would do. Either way a `policy` event tells it once.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Mutex, PoisonError};

use atlan_ops::bulk::acting::{self, Subject};
use atlan_ops::bulk::{Header, Journal, JournalError};
use atlan_ops::policies::{self, Decision, Done};
use atlan_ops::watch::{Event, Watcher};
use atlan_ops::{Api, Cause};
use atlan_workflows::AtlanClient;
use jiff::Timestamp;

use crate::commands::polling::say;
use crate::error::CliError;

/// The most failed runs whose cause is remembered, and the most decisions said without `--act`.
const MAX_REMEMBERED: usize = 10_000;

/// The policies' memory: the journal (with `--act`) and the causes read.
pub(super) struct Policies {
    journal: Option<Mutex<Journal>>,
    causes: HashMap<String, Option<Cause>>,
    said: std::collections::HashSet<String>,
}

impl Policies {
    /// Policies that act (a journal next to the state file at `state`, opened or resumed), or
    /// that only say.
    ///
    /// # Errors
    /// A journal that cannot be opened (held by another watch, unreadable).
    pub(super) fn new(act: bool, state: &Path, tenant: &str) -> Result<Self, CliError> {
        let journal = if act {
            let path = state.with_extension("journal.jsonl");
            let header = Header::new("act", tenant, "watch --act", Timestamp::now());
            let opened = if path.exists() {
                Journal::resume(&path, &header)
            } else {
                Journal::create(&path, header)
            };
            Some(Mutex::new(opened.map_err(|error| CliError::State {
                path: path.display().to_string(),
                reason: error.to_string(),
            })?))
        } else {
            None
        };
        Ok(Self {
            journal,
            causes: HashMap::new(),
            said: std::collections::HashSet::new(),
        })
    }

    /// What each policy decides after a poll, carried out with `--act`: one event per decision.
    pub(super) async fn run(&mut self, watcher: &Watcher, client: &AtlanClient) -> Vec<Event> {
        let mut events = Vec::new();
        let policies: Vec<(Api, String, policies::Policy)> = watcher
            .service_levels()
            .policies()
            .map(|(api, workflow, policy)| (api, workflow.to_owned(), policy.clone()))
            .collect();
        for (api, workflow, policy) in policies {
            let runs = watcher.book().run_spans(api, &workflow);
            let scheduled = watcher.scheduled(api, &workflow);
            let done = self.done(api, &workflow, &runs, scheduled == Some(false));
            let cause = match policies::needs_cause(&policy, &runs, &done) {
                Some(failed) => self.cause(client, api, &failed.run.clone()).await,
                None => None,
            };
            let Some(decision) = policies::decide(&policy, &runs, cause, &done) else {
                continue;
            };
            let latest = policies::latest_ended(&runs)
                .map(|run| run.run.clone())
                .unwrap_or_default();
            let mut subject = Subject::new(api, &workflow, &latest);
            subject.package = watcher.book().package(api, &workflow);
            subject.scheduled = scheduled == Some(true);
            match self.carry_out(client, subject, &decision).await {
                Ok(event) => events.push(event),
                Err(error) => say(&format!(
                    "policy of {workflow}: the journal could not be written, nothing was done: {error}"
                )),
            }
        }
        events
    }

    /// What was done already for `workflow`: from the journal with `--act`, else its schedules.
    fn done(&self, api: Api, workflow: &str, runs: &[atlan_ops::RunSpan], suspended: bool) -> Done {
        match &self.journal {
            Some(journal) => {
                let journal = journal.lock().unwrap_or_else(PoisonError::into_inner);
                acting::done(&journal, api, workflow, runs, suspended)
            }
            None => {
                let mut done = Done::default();
                done.suspended = suspended;
                done
            }
        }
    }

    /// Why `run` failed, as `runs explain` classifies it (read once per run).
    async fn cause(&mut self, client: &AtlanClient, api: Api, run: &str) -> Option<Cause> {
        if let Some(cause) = self.causes.get(run) {
            return *cause;
        }
        let cause = match atlan_ops::fetch::explanation(client, api, run).await {
            Ok(explained) => explained.cause,
            Err(error) => {
                say(&format!("cannot read why run {run} failed: {error}"));
                return None;
            }
        };
        if self.causes.len() >= MAX_REMEMBERED {
            self.causes.clear();
        }
        self.causes.insert(run.to_owned(), cause);
        cause
    }

    /// The decision carried out (with `--act`) or said, as an event.
    async fn carry_out(
        &mut self,
        client: &AtlanClient,
        subject: Subject<'_>,
        decision: &Decision,
    ) -> Result<Event, JournalError> {
        let key = acting::decision_key(subject.workflow, decision, subject.latest);
        let (action, run) = match decision {
            Decision::Suspend { .. } => ("suspend", None),
            Decision::Retry { run, .. } => ("retry", Some(run.clone())),
            _ => ("act", None),
        };
        let what = describe(decision);
        let (outcome, detail) = match &self.journal {
            Some(journal) => {
                let acted =
                    acting::act(client, journal, subject, decision, &Timestamp::now).await?;
                let mut detail = format!("{what}: {}", acted.outcome.as_str());
                if let Some(reason) = &acted.reason {
                    detail.push_str(&format!(" ({reason})"));
                }
                if let Some(started) = &acted.run {
                    detail.push_str(&format!("; run {started}"));
                }
                (acted.outcome.as_str().to_owned(), detail)
            }
            None if matches!(decision, Decision::Suspend { .. }) && !subject.scheduled => {
                let detail = format!("would {what}, but it has no schedule to suspend");
                ("would".to_owned(), detail)
            }
            None => {
                let detail = format!("would {what} (run with --act to do it)");
                if self.said.len() >= MAX_REMEMBERED {
                    self.said.clear();
                }
                if self.said.insert(key.clone()) {
                    say(&format!("{}: {detail}", subject.workflow));
                }
                ("would".to_owned(), detail)
            }
        };
        Ok(Event::Policy {
            api: subject.api,
            workflow: subject.workflow.to_owned(),
            package: subject.package.map(str::to_owned),
            action: action.to_owned(),
            run,
            outcome,
            detail,
            decision: key,
        })
    }
}

/// A decision, in words.
fn describe(decision: &Decision) -> String {
    match decision {
        Decision::Suspend { streak } => {
            format!("suspend its schedules after {streak} failed runs in a row")
        }
        Decision::Retry {
            run,
            cause,
            attempt,
        } => format!(
            "re-run it: {run} failed ({}), re-run {attempt} of this streak",
            cause.as_str()
        ),
        _ => "act".to_owned(),
    }
}
