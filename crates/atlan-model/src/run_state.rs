//! [`RunState`]: the status of a run (or a step) in the same words for both APIs, so that every
//! figure and check is written once; each API's own word stays in its type ([`WorkflowPhase`],
//! [`NodePhase`], [`AppRunStatus`]), which says its state with `state()`.

use serde::{Deserialize, Serialize};

use crate::{AppRunStatus, NodePhase, WorkflowPhase};

/// The status of a run or step, normalized across the legacy and app APIs (the wire's own words).
///
/// ```
/// use atlan_model::{AppRunStatus, RunState, WorkflowPhase};
///
/// assert_eq!(WorkflowPhase::Failed.state(), RunState::Failed);
/// assert_eq!(AppRunStatus::Stopped.state(), RunState::Stopped);
/// assert!(RunState::Stopped.is_failure() && !RunState::Paused.is_ended());
/// assert_eq!(AppRunStatus::from("Bogus").state(), RunState::Unknown);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum RunState {
    /// Accepted, not started.
    Pending,
    /// Under way.
    Running,
    /// Paused (apps): neither active nor ended.
    Paused,
    /// Ended successfully.
    Succeeded,
    /// Ended unsuccessfully (a step failed, or the run was stopped: legacy runs end `Failed`).
    Failed,
    /// Could not run (an error outside the steps themselves).
    Error,
    /// Cancelled (apps).
    Stopped,
    /// Ended by the platform (apps).
    Terminated,
    /// Not run (a skipped or omitted step, a skipped app run).
    Skipped,
    /// A status this version does not know (or none yet): counted as not ended.
    Unknown,
}

impl RunState {
    /// Whether it has ended, successfully or not.
    pub fn is_ended(self) -> bool {
        matches!(
            self,
            Self::Succeeded
                | Self::Failed
                | Self::Error
                | Self::Stopped
                | Self::Terminated
                | Self::Skipped
        )
    }

    /// Whether it is under way (Pending or Running): what blocks a second run.
    pub fn is_active(self) -> bool {
        matches!(self, Self::Pending | Self::Running)
    }

    /// Whether it ended successfully.
    pub fn is_success(self) -> bool {
        self == Self::Succeeded
    }

    /// Whether it ended without success (what `runs stats` counts as `failed`).
    pub fn is_failure(self) -> bool {
        self.is_ended() && !self.is_success()
    }

    /// The word, as JSON shows it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::Running => "Running",
            Self::Paused => "Paused",
            Self::Succeeded => "Succeeded",
            Self::Failed => "Failed",
            Self::Error => "Error",
            Self::Stopped => "Stopped",
            Self::Terminated => "Terminated",
            Self::Skipped => "Skipped",
            Self::Unknown => "Unknown",
        }
    }
}

impl RunState {
    /// The state a status word of either API says: `Omitted` (a legacy node not run) is
    /// `Skipped`; a word this version does not know is `Unknown`.
    fn of_word(word: &str) -> Self {
        match word {
            "Pending" => Self::Pending,
            "Running" => Self::Running,
            "Paused" => Self::Paused,
            "Succeeded" => Self::Succeeded,
            "Failed" => Self::Failed,
            "Error" => Self::Error,
            "Stopped" => Self::Stopped,
            "Terminated" => Self::Terminated,
            "Skipped" | "Omitted" => Self::Skipped,
            _ => Self::Unknown,
        }
    }
}

/// `state()` for each API's own status type: the state its known words say (a word the type
/// does not know is `Unknown`, whatever it is).
macro_rules! says_state {
    ($($status:ident: $what:literal),+) => {$(
        impl $status {
            #[doc = concat!("The ", $what, " as a [`RunState`].")]
            pub fn state(&self) -> RunState {
                if self.is_known() {
                    RunState::of_word(self.as_str())
                } else {
                    RunState::Unknown
                }
            }
        }
    )+};
}

says_state!(
    WorkflowPhase: "phase of a legacy run",
    NodePhase: "phase of a legacy run's node (a skipped or omitted node is `Skipped`)",
    AppRunStatus: "status of an app run"
);

impl std::fmt::Display for RunState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_word_of_each_api_says_its_state() {
        for phase in WorkflowPhase::KNOWN {
            assert_eq!(phase.state().as_str(), phase.as_str());
        }
        for status in AppRunStatus::KNOWN {
            assert_eq!(status.state().as_str(), status.as_str());
        }
        assert_eq!(NodePhase::Omitted.state(), RunState::Skipped);
        assert_eq!(WorkflowPhase::from("Stopped").state(), RunState::Unknown);
        assert!(!RunState::Unknown.is_ended() && !RunState::Paused.is_active());
    }
}
