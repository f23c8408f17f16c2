//! Why a command failed, and the exit code that tells a script.

use std::process::ExitCode;

use atlan_workflows::{Error, WorkflowPhase};

/// Exit codes, part of the interface.
pub(crate) mod code {
    /// The command did what was asked.
    pub(crate) const SUCCESS: u8 = 0;
    /// The API or the network failed (or a credential test did).
    pub(crate) const API: u8 = 1;
    /// The command line, a file or a value is wrong; nothing was sent.
    pub(crate) const USAGE: u8 = 2;
    /// What was asked for does not exist.
    pub(crate) const NOT_FOUND: u8 = 3;
    /// `runs monitor` gave up before the run finished.
    pub(crate) const TIMEOUT: u8 = 4;
    /// `runs monitor` saw the run finish Failed or Error.
    pub(crate) const RUN_FAILED: u8 = 5;
    /// `plan`: applying the files would change the tenant (nothing is wrong).
    pub(crate) const CHANGES: u8 = 6;
}

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CliError {
    /// The command line, a file or a value is wrong.
    #[error("{0}")]
    Usage(String),
    /// A facade call failed.
    #[error(transparent)]
    Api(#[from] Error),
    /// `credentials test` found the credential failing.
    #[error("the credential test failed: {reason}")]
    TestFailed {
        /// The server's reason.
        reason: String,
    },
    /// A monitored run finished unsuccessfully.
    #[error("run `{run}` finished {phase}{}", message.as_ref().map(|m| format!(": {m}")).unwrap_or_default())]
    RunFailed {
        /// The run id.
        run: String,
        /// Failed or Error.
        phase: WorkflowPhase,
        /// The run's message.
        message: Option<String>,
    },
    /// A monitored app run ended unsuccessfully.
    #[error("app run `{run}` ended {status}")]
    AppRunFailed {
        /// The run id.
        run: String,
        /// Its final status.
        status: String,
    },
    /// A change refused because of what it would break (nothing was changed).
    #[error("{0}")]
    Refused(String),
    /// `doctor` found problems that are errors.
    #[error("doctor found {errors} error(s)")]
    Unhealthy {
        /// How many findings are errors.
        errors: usize,
    },
    /// `migrate plan` or `verify` found workflows that are not ready or do not verify.
    #[error("{count} of {total} workflow(s) {what}: see the lines above")]
    NotReady {
        /// How many.
        count: usize,
        /// Of how many.
        total: usize,
        /// What is wrong with them.
        what: &'static str,
    },
    /// `plan`: workflow files have problems (nothing was read from or sent to the tenant when
    /// the files themselves do not read).
    #[error("{count} problem(s) in the workflow files: see the lines above")]
    PlanProblems {
        /// How many.
        count: usize,
    },
    /// `plan`: applying the files would change this many workflows.
    #[error("the plan would change {count} workflow(s)")]
    WouldChange {
        /// How many.
        count: usize,
    },
    /// The profiles file (or a profile's key file) cannot be read or written, or does not check.
    #[error("the profiles file {path}: {reason}")]
    Profiles {
        /// Its path.
        path: String,
        /// What is wrong (where, for a file that does not read).
        reason: String,
    },
    /// `config current`: no option, variable or profile names a tenant.
    #[error(
        "no tenant is chosen: no --base-url, ATLAN_BASE_URL, --profile, ATLANCTL_PROFILE or profile in use"
    )]
    NotChosen,
    /// The embedded sandbox could not start.
    /// The exporter cannot listen where it was asked to.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The address.
        addr: String,
        /// Why.
        source: std::io::Error,
    },
    /// The state file of `watch` cannot be read or written.
    #[error("the state file {path}: {reason}")]
    State {
        /// Its path.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// A bulk operation's journal cannot be used (its error names it).
    #[error(transparent)]
    Journal(#[from] atlan_ops::bulk::journal::JournalError),
    #[error("the sandbox cannot start: {0}")]
    Sandbox(#[from] atlan_sandbox::SandboxError),
    /// Writing the output failed (other than a closed pipe).
    #[error("cannot write the output: {0}")]
    Output(std::io::Error),
}

impl CliError {
    /// The exit code this failure gives.
    pub(crate) fn exit_code(&self) -> u8 {
        match self {
            Self::Usage(_) => code::USAGE,
            Self::NotChosen => code::NOT_FOUND,
            Self::Profiles { .. } => code::USAGE,
            Self::Api(error) => match error {
                Error::NotFound { .. } => code::NOT_FOUND,
                Error::Timeout { .. } => code::TIMEOUT,
                Error::InvalidInput { .. } | Error::Config { .. } => code::USAGE,
                _ => code::API,
            },
            Self::TestFailed { .. }
            | Self::Refused(_)
            | Self::Unhealthy { .. }
            | Self::NotReady { .. }
            | Self::PlanProblems { .. }
            | Self::Sandbox(_)
            | Self::Listen { .. }
            | Self::State { .. }
            | Self::Journal(_)
            | Self::Output(_) => code::API,
            Self::RunFailed { .. } | Self::AppRunFailed { .. } => code::RUN_FAILED,
            Self::WouldChange { .. } => code::CHANGES,
        }
    }

    /// The process exit code.
    pub(crate) fn exit(&self) -> ExitCode {
        ExitCode::from(self.exit_code())
    }
}

impl From<std::io::Error> for CliError {
    fn from(error: std::io::Error) -> Self {
        Self::Output(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_failure_has_its_documented_exit_code() {
        let api = Error::Api {
            operation: "runs.stop",
            status: http_status(409),
            body: Box::default(),
            request_id: Some("r-1".into()),
            retry_after: None,
        };
        let cases = [
            (CliError::Usage("x".into()), 2),
            (CliError::Api(api), 1),
            (
                CliError::Api(Error::NotFound {
                    operation: "credentials.get",
                    what: "credential `x`".into(),
                    body: None,
                }),
                3,
            ),
            (
                CliError::Api(Error::Timeout {
                    operation: "runs.monitor",
                    what: "run `x`".into(),
                    waited: std::time::Duration::from_secs(1),
                    last_status: None,
                }),
                4,
            ),
            (
                CliError::Api(Error::InvalidInput {
                    message: "size 0".into(),
                }),
                2,
            ),
            (
                CliError::RunFailed {
                    run: "x".into(),
                    phase: WorkflowPhase::Error,
                    message: None,
                },
                5,
            ),
            (
                CliError::TestFailed {
                    reason: "bad password".into(),
                },
                1,
            ),
            (
                CliError::Api(Error::CredentialTestFailed {
                    operation: "credentials.test_and_update",
                    reason: "bad password".into(),
                    response: Box::default(),
                }),
                1,
            ),
        ];
        for (error, expected) in cases {
            assert_eq!(error.exit_code(), expected, "{error}");
        }
    }

    fn http_status(code: u16) -> http::StatusCode {
        http::StatusCode::from_u16(code).unwrap_or_default()
    }
}
