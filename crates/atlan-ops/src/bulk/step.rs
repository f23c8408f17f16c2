//! [`Entry`]: one workflow of a journalled batch, the way every batch (re-runs, schedules,
//! migration) keeps it: what the journal knows of it, the decision written before its request,
//! the outcome written after, and its report. The batches differ only in what they send and in
//! what an interrupted decision means ([`Interrupted`]).

use std::sync::{Mutex, MutexGuard, PoisonError};

use jiff::Timestamp;

use super::journal::{Journal, JournalError, Outcome, Progress};
use crate::view::Api;

/// Why a workflow the journal recorded as done is not done again.
pub const RESUMED: &str = "done by this batch before it was resumed";

/// What one workflow's step came to.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Step {
    /// What was done.
    pub outcome: Outcome,
    /// The run it started, or the app workflow it made (migration).
    pub run: Option<String>,
    /// Why, where it says more than the outcome.
    pub reason: Option<String>,
}

impl Step {
    /// An outcome, with the run and reason it has.
    pub fn new(outcome: Outcome, run: Option<String>, reason: Option<String>) -> Self {
        Self {
            outcome,
            run,
            reason,
        }
    }
}

/// What a decision without an outcome means when a batch resumes: the process stopped between
/// the decision and the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Interrupted {
    /// Do it again: the change is idempotent (a schedule's suspension) or finds what the first
    /// made (a create by name).
    Redo,
    /// Never again: the request may have reached the server and would start a second run.
    NotAgain,
}

/// One workflow of a batch and the batch's journal.
pub struct Entry<'a, N> {
    journal: &'a Mutex<Journal>,
    api: Api,
    workflow: &'a str,
    now: &'a N,
}

impl<N> std::fmt::Debug for Entry<'_, N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("api", &self.api)
            .field("workflow", &self.workflow)
            .finish_non_exhaustive()
    }
}

impl<'a, N: Fn() -> Timestamp> Entry<'a, N> {
    /// `workflow` of `api` in `journal`, the time read from `now`.
    pub fn new(journal: &'a Mutex<Journal>, api: Api, workflow: &'a str, now: &'a N) -> Self {
        Self {
            journal,
            api,
            workflow,
            now,
        }
    }

    /// What the journal says of it before anything is sent: `Some` step when the batch does not
    /// act on it again (done before, unless `redo` says so of its outcome; or decided without an
    /// outcome, with [`Interrupted::NotAgain`], which is recorded as `maybe_sent`).
    ///
    /// # Errors
    /// [`JournalError`] when the `maybe_sent` outcome cannot be written.
    pub fn resumed(
        &self,
        interrupted: Interrupted,
        redo: impl Fn(Outcome) -> bool,
    ) -> Result<Option<Step>, JournalError> {
        // Read apart from the match: its guard must not be held while the journal is locked again.
        let progress = self.lock().progress(self.api, self.workflow);
        match progress {
            Progress::Done { outcome, run } if !redo(outcome) => {
                Ok(Some(Step::new(outcome, run, Some(RESUMED.into()))))
            }
            Progress::Decided { at } if interrupted == Interrupted::NotAgain => {
                let reason = format!(
                    "its submit at {at} may have reached the server and no answer was recorded: not sent again"
                );
                self.finish(Step::new(Outcome::MaybeSent, None, Some(reason)))
                    .map(Some)
            }
            _ => Ok(None),
        }
    }

    /// Writes the decision, before the request that carries it out (once: a decision the
    /// journal holds already, from before an interruption, stands).
    ///
    /// # Errors
    /// [`JournalError`] when it cannot be written: nothing may be sent then.
    pub fn decide(&self) -> Result<(), JournalError> {
        let now = (self.now)();
        let mut journal = self.lock();
        if matches!(
            journal.progress(self.api, self.workflow),
            Progress::Decided { .. }
        ) {
            return Ok(());
        }
        journal.decide(self.api, self.workflow, now)
    }

    /// Writes the outcome, and answers it.
    ///
    /// # Errors
    /// [`JournalError`] when it cannot be written.
    pub fn finish(&self, step: Step) -> Result<Step, JournalError> {
        let now = (self.now)();
        self.lock().done(
            self.api,
            self.workflow,
            step.outcome,
            step.run.clone(),
            step.reason.clone(),
            now,
        )?;
        Ok(step)
    }

    fn lock(&self) -> MutexGuard<'a, Journal> {
        self.journal.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
