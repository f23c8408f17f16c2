//! What a watcher tells: a run that failed, a workflow that recovered, a schedule that was
//! missed. Each event has a dedupe key, the same whenever and wherever it is found again, so that
//! a notifier that keeps the keys it sent never sends one twice.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::view::{Api, RunState};

/// One event. Its JSON has `event` (`run_failed`, `recovered`, `schedule_missed`) and the fields
/// of its kind.
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
}

impl Event {
    /// The dedupe key: `run_failed:legacy:RUN`, `recovered:apps:RUN`,
    /// `schedule_missed:legacy:WORKFLOW:DUE`.
    pub fn key(&self) -> String {
        match self {
            Self::RunFailed { api, run, .. } => format!("run_failed:{}:{run}", api.as_str()),
            Self::Recovered { api, run, .. } => format!("recovered:{}:{run}", api.as_str()),
            Self::ScheduleMissed {
                api, workflow, due, ..
            } => format!("schedule_missed:{}:{workflow}:{due}", api.as_str()),
        }
    }

    /// `run_failed`, `recovered` or `schedule_missed`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::RunFailed { .. } => "run_failed",
            Self::Recovered { .. } => "recovered",
            Self::ScheduleMissed { .. } => "schedule_missed",
        }
    }

    /// Its API and workflow.
    pub fn workflow(&self) -> (Api, &str) {
        match self {
            Self::RunFailed { api, workflow, .. }
            | Self::Recovered { api, workflow, .. }
            | Self::ScheduleMissed { api, workflow, .. } => (*api, workflow),
        }
    }

    /// Its package or app.
    pub fn package(&self) -> Option<&str> {
        match self {
            Self::RunFailed { package, .. }
            | Self::Recovered { package, .. }
            | Self::ScheduleMissed { package, .. } => package.as_deref(),
        }
    }

    /// The run it is about, if any.
    pub fn run(&self) -> Option<&str> {
        match self {
            Self::RunFailed { run, .. } | Self::Recovered { run, .. } => Some(run),
            Self::ScheduleMissed { .. } => None,
        }
    }

    /// When it happened (a run's end, a due time), if known.
    pub fn at(&self) -> Option<Timestamp> {
        match self {
            Self::RunFailed { finished, .. } | Self::Recovered { finished, .. } => *finished,
            Self::ScheduleMissed { due, .. } => Some(*due),
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
