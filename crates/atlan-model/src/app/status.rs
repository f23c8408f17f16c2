//! The status of an app workflow run.

use crate::string_enum::string_enum;

string_enum! {
    /// The status of an app workflow run (`status` of a run answer, `appWorkflowRunStatus` of its
    /// asset). Unknown strings are kept in `Other`, so a status added later never fails a decode.
    ///
    /// Unlike pyatlan, `Error` is terminal: a poller stops on it.
    ///
    /// ```
    /// use atlan_model::AppRunStatus;
    ///
    /// assert!(AppRunStatus::Error.is_terminal());
    /// assert!(AppRunStatus::Running.is_active() && !AppRunStatus::Paused.is_active());
    /// assert!(!AppRunStatus::from("Bogus").is_terminal());
    /// ```
    pub enum AppRunStatus {
        /// Accepted, not started.
        Pending = "Pending",
        /// Started, not finished.
        Running = "Running",
        /// Finished successfully.
        Succeeded = "Succeeded",
        /// Finished unsuccessfully.
        Failed = "Failed",
        /// Could not run.
        Error = "Error",
        /// Cancelled.
        Stopped = "Stopped",
        /// Paused: neither active nor finished.
        Paused = "Paused",
        /// Ended by the platform.
        Terminated = "Terminated",
        /// Not run.
        Skipped = "Skipped",
    }
}

impl AppRunStatus {
    /// Whether the run has ended: Succeeded, Failed, Error, Stopped, Terminated or Skipped
    /// ([`crate::RunState::is_ended`]).
    pub fn is_terminal(&self) -> bool {
        self.state().is_ended()
    }

    /// Whether the run is under way (Pending or Running): what blocks an idempotent submit.
    pub fn is_active(&self) -> bool {
        self.state().is_active()
    }

    /// Whether the run ended successfully.
    pub fn is_success(&self) -> bool {
        self.state().is_success()
    }
}
