//! Phases of runs and of their nodes.

use crate::string_enum::string_enum;

string_enum! {
    /// The phase of a run (`status.phase`, and the `workflows.argoproj.io/phase` label).
    ///
    /// Any other string (Argo's empty "Unknown" phase, or one added later) is kept in `Other`.
    ///
    /// ```
    /// use atlan_model::WorkflowPhase;
    ///
    /// assert!(WorkflowPhase::from("Failed").is_terminal());
    /// let later = WorkflowPhase::from("Archived");
    /// assert!(!later.is_known());
    /// assert_eq!(later.as_str(), "Archived");
    /// ```
    pub enum WorkflowPhase {
        /// Submitted, not started yet.
        Pending = "Pending",
        /// Started and not finished.
        Running = "Running",
        /// Finished successfully.
        Succeeded = "Succeeded",
        /// Finished unsuccessfully, including runs that were stopped or terminated.
        Failed = "Failed",
        /// Finished because of an error outside the workflow's own steps.
        Error = "Error",
    }
}

impl WorkflowPhase {
    /// Whether a run in this phase has completed: Succeeded, Failed or Error (Argo's `Completed()`).
    pub fn is_terminal(&self) -> bool {
        self.state().is_ended()
    }

    /// Whether a run in this phase is still going: Pending or Running.
    pub fn is_active(&self) -> bool {
        self.state().is_active()
    }
}

string_enum! {
    /// The phase of one node of a run.
    pub enum NodePhase {
        /// Not started yet.
        Pending = "Pending",
        /// Started and not finished.
        Running = "Running",
        /// Finished successfully.
        Succeeded = "Succeeded",
        /// Not run because its `when` condition was false.
        Skipped = "Skipped",
        /// Finished unsuccessfully.
        Failed = "Failed",
        /// Finished because of an error outside its own step.
        Error = "Error",
        /// Not run because its `depends` condition was not met (DAG only).
        Omitted = "Omitted",
    }
}

impl NodePhase {
    /// Whether a node in this phase is final: Succeeded, Skipped, Failed, Error or Omitted.
    pub fn is_terminal(&self) -> bool {
        self.state().is_ended()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_phases_round_trip_through_their_wire_string() {
        for phase in WorkflowPhase::KNOWN {
            assert_eq!(&WorkflowPhase::from_wire(phase.as_str()), phase);
        }
        for phase in NodePhase::KNOWN {
            assert_eq!(&NodePhase::from_wire(phase.as_str()), phase);
        }
    }

    #[test]
    fn terminal_and_active_partition_the_known_phases() {
        let terminal: Vec<_> = WorkflowPhase::KNOWN
            .iter()
            .filter(|p| p.is_terminal())
            .collect();
        let active: Vec<_> = WorkflowPhase::KNOWN
            .iter()
            .filter(|p| p.is_active())
            .collect();
        assert_eq!(
            terminal,
            [
                &WorkflowPhase::Succeeded,
                &WorkflowPhase::Failed,
                &WorkflowPhase::Error
            ]
        );
        assert_eq!(active, [&WorkflowPhase::Pending, &WorkflowPhase::Running]);
        let unknown = WorkflowPhase::from_wire("");
        assert!(!unknown.is_terminal() && !unknown.is_active());
    }

    #[test]
    fn phase_matching_is_case_sensitive_like_the_server() {
        assert!(!WorkflowPhase::from_wire("succeeded").is_known());
    }
}
