//! What a watcher tells: a run that failed, a workflow that recovered, a schedule that was
//! missed, an expectation not met (`late`, `overdue`, `stuck`) and met again (`cleared`), a
//! policy that acted (`policy`). Each event has a dedupe key, the same whenever and wherever it is found again, so that
//! a notifier that keeps the keys it sent never sends one twice.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::view::{Api, RunState};

/// One event. Its JSON has `event` (`run_failed`, `recovered`, `schedule_missed`, `late`,
/// `overdue`, `stuck`, `cleared`, `policy`) and the fields of its kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Event {
    /// A run ended without success.
    RunFailed {
        /// Its API.
        api: Api,
        /// Its workflow.
        workflow: String,
        /// Its package or app.
        package: Option<String>,
        /// The run.
        run: String,
        /// How it ended.
        status: RunState,
        /// When it ended.
        finished: Option<Timestamp>,
    },
    /// A run succeeded after failed ones: the workflow works again.
    Recovered {
        /// Its API.
        api: Api,
        /// Its workflow.
        workflow: String,
        /// Its package or app.
        package: Option<String>,
        /// The successful run.
        run: String,
        /// When it ended.
        finished: Option<Timestamp>,
        /// How many runs had failed in a row before it.
        failures: u64,
    },
    /// A schedule was due and no run started for it.
    ScheduleMissed {
        /// Its API.
        api: Api,
        /// Its workflow.
        workflow: String,
        /// Its package or app.
        package: Option<String>,
        /// When the run was due.
        due: Timestamp,
    },
    /// No success within the workflow's freshness.
    Late(Breached),
    /// Not succeeded by the workflow's deadline.
    Overdue(Breached),
    /// A run over its duration or its wait.
    Stuck(Breached),
    /// A workflow's policy acted (or, without `--act`, would have): a suspension or a re-run.
    Policy {
        /// Its API.
        api: Api,
        /// Its workflow.
        workflow: String,
        /// Its package or app.
        package: Option<String>,
        /// `suspend` or `retry`.
        action: String,
        /// The failed run it acted on.
        run: Option<String>,
        /// What came of it: `suspended`, `rerun`, `skipped`, `failed`, `maybe_sent`, or `would`
        /// when the watch does not act.
        outcome: String,
        /// What was done and why, in a sentence.
        detail: String,
        /// The decision's name in the journal (`retry:RUN`, `suspend:WORKFLOW:RUN`).
        decision: String,
    },
    /// A breach that ended: the expectation is met again.
    Cleared {
        /// The breach.
        breach: Breached,
        /// When it was found met.
        at: Timestamp,
    },
}

impl Event {
    /// The event that tells `breach` opened: `late`, `overdue` or `stuck`.
    pub fn opened(breach: Breached) -> Self {
        match breach.kind() {
            "late" => Self::Late(breach),
            "overdue" => Self::Overdue(breach),
            _ => Self::Stuck(breach),
        }
    }

    /// The dedupe key: `run_failed:legacy:RUN`, `recovered:apps:RUN`,
    /// `schedule_missed:legacy:WORKFLOW:DUE`, a breach's ([`Breached::key`]) and `cleared:` and
    /// its breach's.
    pub fn key(&self) -> String {
        match self {
            Self::RunFailed { api, run, .. } => format!("run_failed:{}:{run}", api.as_str()),
            Self::Recovered { api, run, .. } => format!("recovered:{}:{run}", api.as_str()),
            Self::ScheduleMissed {
                api, workflow, due, ..
            } => format!("schedule_missed:{}:{workflow}:{due}", api.as_str()),
            Self::Late(breach) | Self::Overdue(breach) | Self::Stuck(breach) => breach.key(),
            Self::Cleared { breach, .. } => format!("cleared:{}", breach.key()),
            Self::Policy {
                outcome, decision, ..
            } if outcome == "would" => format!("policy:would:{decision}"),
            Self::Policy { decision, .. } => format!("policy:{decision}"),
        }
    }

    /// `run_failed`, `recovered` or `schedule_missed`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::RunFailed { .. } => "run_failed",
            Self::Recovered { .. } => "recovered",
            Self::ScheduleMissed { .. } => "schedule_missed",
            Self::Late(_) => "late",
            Self::Overdue(_) => "overdue",
            Self::Stuck(_) => "stuck",
            Self::Cleared { .. } => "cleared",
            Self::Policy { .. } => "policy",
        }
    }

    /// Its API and workflow.
    pub fn workflow(&self) -> (Api, &str) {
        match self {
            Self::RunFailed { api, workflow, .. }
            | Self::Recovered { api, workflow, .. }
            | Self::ScheduleMissed { api, workflow, .. }
            | Self::Policy { api, workflow, .. } => (*api, workflow),
            Self::Late(breach)
            | Self::Overdue(breach)
            | Self::Stuck(breach)
            | Self::Cleared { breach, .. } => (breach.api, &breach.workflow),
        }
    }

    /// Its package or app.
    pub fn package(&self) -> Option<&str> {
        match self {
            Self::RunFailed { package, .. }
            | Self::Recovered { package, .. }
            | Self::ScheduleMissed { package, .. }
            | Self::Policy { package, .. } => package.as_deref(),
            Self::Late(breach)
            | Self::Overdue(breach)
            | Self::Stuck(breach)
            | Self::Cleared { breach, .. } => breach.package.as_deref(),
        }
    }

    /// The run it is about, if any.
    pub fn run(&self) -> Option<&str> {
        match self {
            Self::RunFailed { run, .. } | Self::Recovered { run, .. } => Some(run),
            Self::ScheduleMissed { .. } => None,
            Self::Policy { run, .. } => run.as_deref(),
            Self::Late(breach)
            | Self::Overdue(breach)
            | Self::Stuck(breach)
            | Self::Cleared { breach, .. } => breach.run.as_deref(),
        }
    }

    /// When it happened (a run's end, a due time), if known.
    pub fn at(&self) -> Option<Timestamp> {
        match self {
            Self::RunFailed { finished, .. } | Self::Recovered { finished, .. } => *finished,
            Self::ScheduleMissed { due, .. } => Some(*due),
            Self::Late(breach) | Self::Overdue(breach) | Self::Stuck(breach) => Some(breach.since),
            Self::Cleared { at, .. } => Some(*at),
            Self::Policy { .. } => None,
        }
    }
}

/// An expectation a workflow does not meet: what `late`, `overdue`, `stuck` and `cleared`
/// events carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Breached {
    /// Its API.
    pub api: Api,
    /// The workflow.
    pub workflow: String,
    /// Its package or app.
    pub package: Option<String>,
    /// The expectation: `freshness`, `deadline`, `max_duration` or `max_pending`.
    pub expectation: String,
    /// The run it is about (a stuck one).
    pub run: Option<String>,
    /// Since when it has not been met.
    pub since: Timestamp,
    /// What was found, in a sentence.
    pub detail: String,
}

impl Breached {
    /// `late`, `overdue` or `stuck`.
    pub fn kind(&self) -> &'static str {
        crate::expectations::kind_of(&self.expectation)
    }

    /// What it is about, the same from one poll to the next while it is open: the workflow and
    /// expectation (and the run, for a stuck one).
    pub(super) fn identity(&self) -> String {
        format!(
            "{}:{}:{}:{}",
            self.api.as_str(),
            self.workflow,
            self.expectation,
            self.run.as_deref().unwrap_or("")
        )
    }

    /// The dedupe key of the event that opens it: `late:apps:WORKFLOW:SINCE`,
    /// `overdue:legacy:WORKFLOW:DEADLINE`, `stuck:apps:RUN:max_duration`.
    pub fn key(&self) -> String {
        match &self.run {
            Some(run) => format!("stuck:{}:{run}:{}", self.api.as_str(), self.expectation),
            None => format!(
                "{}:{}:{}:{}",
                self.kind(),
                self.api.as_str(),
                self.workflow,
                self.since
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn keys_name_the_kind_the_api_and_what_happened() {
        let failed = Event::RunFailed {
            api: Api::Legacy,
            workflow: "wf".into(),
            package: None,
            run: "wf-abc".into(),
            status: RunState::Failed,
            finished: None,
        };
        assert_eq!(failed.key(), "run_failed:legacy:wf-abc");
        let missed = Event::ScheduleMissed {
            api: Api::Apps,
            workflow: "slug".into(),
            package: None,
            due: "2026-06-15T02:00:00Z".parse().unwrap(),
        };
        assert_eq!(
            missed.key(),
            "schedule_missed:apps:slug:2026-06-15T02:00:00Z"
        );
        let json = serde_json::to_value(&missed).unwrap();
        assert_eq!(json["event"], "schedule_missed");
        assert_eq!(serde_json::from_value::<Event>(json).unwrap(), missed);
    }
}
