//! Why a run fails, written as Argo and the App runtime write it: the failing step, its retries,
//! its exit code and the messages a tenant shows for each cause.

use serde::{Deserialize, Serialize};

/// What makes a run fail (the `cause` of a `fail_runs` fault rule and of `/_sandbox/failures`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FailureCause {
    /// The step's main container exited non-zero: `main: Error (exit code N)`.
    StepError,
    /// The container was killed for memory: `OOMKilled (exit code 137)`.
    OutOfMemory,
    /// The step ran past its `activeDeadlineSeconds`.
    Deadline,
    /// The step's pod was deleted (a node lost, an eviction): the run ends in `Error`.
    PodDeleted,
}

impl FailureCause {
    /// Its name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::StepError => "step_error",
            Self::OutOfMemory => "out_of_memory",
            Self::Deadline => "deadline",
            Self::PodDeleted => "pod_deleted",
        }
    }
}

/// How one run fails: at which step, why, after how many retries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Failure {
    pub(crate) cause: FailureCause,
    /// The step that fails (by template name); the middle one when absent or not a step of the
    /// package.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) step: Option<String>,
    /// How many times the step was retried before the run gave up.
    #[serde(default)]
    pub(crate) retries: u32,
    /// The exit code of a `step_error` (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) exit_code: Option<i32>,
    /// What the failing step's own error says (an app step's `error` output; a legacy run keeps
    /// it as its workflow-level message instead), such as a source's authentication error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) message: Option<String>,
}

/// The most retries a failure may claim (each is a node of the run's document).
pub(crate) const MAX_RETRIES: u32 = 10;

impl Failure {
    /// A failure of this cause at the default step, without retries.
    pub(crate) fn of(cause: FailureCause) -> Self {
        Self {
            cause,
            step: None,
            retries: 0,
            exit_code: None,
            message: None,
        }
    }

    /// Whether the run ends `Error` rather than `Failed`.
    pub(crate) fn is_error(&self) -> bool {
        self.cause == FailureCause::PodDeleted
    }

    /// The failing pod's message, as Argo writes it.
    pub(crate) fn node_message(&self) -> String {
        match self.cause {
            FailureCause::StepError => format!("main: Error (exit code {})", self.exit()),
            FailureCause::OutOfMemory => "OOMKilled (exit code 137)".to_owned(),
            FailureCause::Deadline => {
                "Pod was active on the node longer than the specified deadline".to_owned()
            }
            FailureCause::PodDeleted => "pod deleted".to_owned(),
        }
    }

    /// The failing pod's phase.
    pub(crate) fn node_phase(&self) -> &'static str {
        if self.is_error() { "Error" } else { "Failed" }
    }

    /// The failing container's exit code, when it exited.
    pub(crate) fn exit_code(&self) -> Option<i32> {
        match self.cause {
            FailureCause::StepError => Some(self.exit()),
            FailureCause::OutOfMemory => Some(137),
            FailureCause::Deadline | FailureCause::PodDeleted => None,
        }
    }

    fn exit(&self) -> i32 {
        self.exit_code.filter(|code| *code != 0).unwrap_or(1)
    }

    /// The index of the failing step among `steps`.
    pub(crate) fn step_index(&self, steps: &[String]) -> usize {
        self.step
            .as_deref()
            .and_then(|name| steps.iter().position(|step| step == name))
            .unwrap_or_else(|| steps.len().max(1).div_ceil(2) - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_cause_has_argos_message_phase_and_exit_code() {
        let mut failure = Failure::of(FailureCause::StepError);
        failure.exit_code = Some(2);
        assert_eq!(failure.node_message(), "main: Error (exit code 2)");
        assert_eq!(failure.exit_code(), Some(2));
        let oom = Failure::of(FailureCause::OutOfMemory);
        assert_eq!(oom.node_message(), "OOMKilled (exit code 137)");
        assert_eq!(oom.exit_code(), Some(137));
        let deleted = Failure::of(FailureCause::PodDeleted);
        assert_eq!((deleted.node_phase(), deleted.exit_code()), ("Error", None));
        assert!(!Failure::of(FailureCause::Deadline).is_error());
    }

    #[test]
    fn the_failing_step_is_the_named_one_or_the_middle_one() {
        let steps: Vec<String> = ["extract", "transform", "publish"].map(String::from).into();
        let mut failure = Failure::of(FailureCause::Deadline);
        assert_eq!(failure.step_index(&steps), 1);
        failure.step = Some("publish".into());
        assert_eq!(failure.step_index(&steps), 2);
        failure.step = Some("nope".into());
        assert_eq!(failure.step_index(&steps), 1);
        assert_eq!(failure.step_index(&[]), 0);
    }
}
