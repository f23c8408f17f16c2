//! Why a run failed: a [`Cause`] classified from the messages Argo and the App runtime write (the
//! failed step's, its last attempt's, the run's) and the failed step's exit code.
//!
//! The order of the rules is the order of certainty: a stop is a person's decision; what the
//! platform says of a pod (killed for memory, past its deadline, deleted or evicted) is a fact;
//! what the step's own error says (credentials, permissions, a source that cannot be reached) is
//! more telling than the bare non-zero exit that every failing step has; `unknown` only where
//! nothing matches.

use serde::Serialize;

/// Why a run failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Cause {
    /// Someone (or something) stopped it.
    Stopped,
    /// The platform lost it: pod deleted, evicted, node lost, image not pulled.
    Infrastructure,
    /// A container was killed for memory.
    OutOfMemory,
    /// A step ran past its deadline.
    Deadline,
    /// A step exited non-zero, for no reason the message names.
    StepError,
    /// The source rejected the credential (wrong password, expired token).
    Credential,
    /// The source could not be reached (refused, timed out, unknown host).
    Connectivity,
    /// The credential was accepted but may not do what the step does.
    Permission,
    /// Nothing in what the run says matches.
    Unknown,
}

impl Cause {
    /// Every cause, in the order of certainty.
    pub const ALL: [Self; 9] = [
        Self::Stopped,
        Self::Infrastructure,
        Self::OutOfMemory,
        Self::Deadline,
        Self::StepError,
        Self::Credential,
        Self::Connectivity,
        Self::Permission,
        Self::Unknown,
    ];

    /// The cause this word names (as [`Cause::as_str`] writes it).
    pub fn parse(word: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|cause| cause.as_str() == word)
    }

    /// The word, as JSON shows it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Stopped => "stopped",
            Self::Infrastructure => "infrastructure",
            Self::OutOfMemory => "out_of_memory",
            Self::Deadline => "deadline",
            Self::StepError => "step_error",
            Self::Credential => "credential",
            Self::Connectivity => "connectivity",
            Self::Permission => "permission",
            Self::Unknown => "unknown",
        }
    }

    /// What to do about it, in one line.
    pub fn advice(self) -> &'static str {
        match self {
            Self::Stopped => "it was stopped: re-run it when ready",
            Self::Infrastructure => {
                "the platform lost the step: re-run it; if it repeats, ask Atlan support"
            }
            Self::OutOfMemory => {
                "the step ran out of memory: narrow the include filter or ask Atlan to raise the limit"
            }
            Self::Deadline => {
                "the step ran past its deadline: narrow the filters or split the workflow"
            }
            Self::StepError => "the step failed: read its log",
            Self::Credential => {
                "the source rejected the credential: test it (atlanctl credentials test --id GUID) and update it"
            }
            Self::Connectivity => {
                "the source could not be reached: check the host, port, network policy and allow-lists"
            }
            Self::Permission => {
                "the credential lacks a privilege the step needs: grant it on the source"
            }
            Self::Unknown => "nothing the run says is recognised: read the step's log",
        }
    }
}

/// What a cause is classified from.
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct Evidence<'a> {
    /// The messages: the failed step's, its last attempt's, the run's (any may be absent).
    pub messages: [Option<&'a str>; 3],
    /// The failed step's exit code.
    pub exit_code: Option<i32>,
    /// Whether the run says it was stopped (an app run's `Stopped` status or stopper).
    pub stopped: bool,
}

const STOPPED: &[&str] = &[
    "shutdown with strategy",
    "stopped with strategy",
    "workflow stopped",
    "was stopped",
    "cancelled by",
    "canceled by",
    "terminated by user",
];
const OUT_OF_MEMORY: &[&str] = &[
    "oomkilled",
    "out of memory",
    "outofmemory",
    "memory limit",
    "cannot allocate memory",
];
const DEADLINE: &[&str] = &["deadline", "max duration", "activedeadlineseconds"];
const INFRASTRUCTURE: &[&str] = &[
    "pod deleted",
    "evicted",
    "node lost",
    "nodelost",
    "node is shutting down",
    "node was low on resource",
    "preempted",
    "imagepullbackoff",
    "errimagepull",
    "failed to pull image",
    "pod was rejected",
    "pod failed to start",
    "podinitializing",
    "container runtime",
];
const CREDENTIAL: &[&str] = &[
    "authentication failed",
    "password authentication",
    "incorrect username or password",
    "invalid username or password",
    "invalid credential",
    "bad credentials",
    "login failed",
    "could not authenticate",
    "unable to authenticate",
    "authentication error",
    "credential expired",
    "credentials expired",
    "credentials have expired",
    "password expired",
    "password has expired",
    "token expired",
    "token has expired",
    "expired token",
    "invalid token",
    "invalid_grant",
    "invalid api key",
    "unauthorized",
    "(using password",
    "private key",
];
const PERMISSION: &[&str] = &[
    "permission denied",
    "access denied",
    "insufficient privilege",
    "not authorized",
    "forbidden",
    "does not have permission",
    "do not have permission",
    "lacks permission",
    "missing permission",
    "missing privilege",
    "not allowed to",
    "access is denied",
    "requires the privilege",
];
const CONNECTIVITY: &[&str] = &[
    "connection refused",
    "could not connect",
    "unable to connect",
    "failed to connect",
    "cannot connect",
    "connection timed out",
    "connect timeout",
    "timed out connecting",
    "connection reset",
    "name or service not known",
    "unknown host",
    "no route to host",
    "network is unreachable",
    "host unreachable",
    "temporary failure in name resolution",
    "could not resolve",
    "nodename nor servname",
    "getaddrinfo",
    "econnrefused",
    "etimedout",
    "ssl handshake",
    "tls handshake",
    "certificate verify failed",
];
const STEP_ERROR: &[&str] = &["exit code", "exited with", "non-zero exit"];

/// The cause the evidence shows.
///
/// ```
/// use atlan_ops::{Cause, Evidence, classify};
///
/// let mut evidence = Evidence::default();
/// evidence.messages = [Some("main: Error (exit code 1)"), None,
///     Some("Authentication failed for user ETL: incorrect username or password")];
/// evidence.exit_code = Some(1);
/// assert_eq!(classify(&evidence), Cause::Credential);
/// ```
pub fn classify(evidence: &Evidence<'_>) -> Cause {
    let texts: Vec<String> = evidence
        .messages
        .iter()
        .flatten()
        .map(|text| bounded_lowercase(text))
        .collect();
    let says = |needles: &[&str]| {
        texts
            .iter()
            .any(|text| needles.iter().any(|needle| text.contains(needle)))
    };
    if evidence.stopped || says(STOPPED) {
        Cause::Stopped
    } else if says(OUT_OF_MEMORY) || evidence.exit_code == Some(137) {
        Cause::OutOfMemory
    } else if says(DEADLINE) {
        Cause::Deadline
    } else if says(INFRASTRUCTURE) {
        Cause::Infrastructure
    } else if says(CREDENTIAL) {
        Cause::Credential
    } else if says(PERMISSION) {
        Cause::Permission
    } else if says(CONNECTIVITY) {
        Cause::Connectivity
    } else if says(STEP_ERROR) || evidence.exit_code.is_some_and(|code| code != 0) {
        Cause::StepError
    } else {
        Cause::Unknown
    }
}

/// The most of one message read (a server may send megabytes of stack trace).
const MAX_MESSAGE: usize = 16 * 1024;

fn bounded_lowercase(text: &str) -> String {
    let mut end = text.len().min(MAX_MESSAGE);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cause(messages: [Option<&str>; 3], exit_code: Option<i32>) -> Cause {
        classify(&Evidence {
            messages,
            exit_code,
            stopped: false,
        })
    }

    #[test]
    fn argos_own_messages() {
        let table = [
            (
                "workflow shutdown with strategy:  Stop",
                None,
                Cause::Stopped,
            ),
            ("OOMKilled (exit code 137)", Some(137), Cause::OutOfMemory),
            (
                "Pod was active on the node longer than the specified deadline",
                None,
                Cause::Deadline,
            ),
            ("pod deleted", None, Cause::Infrastructure),
            (
                "The node was low on resource: ephemeral-storage. Container main was using 12Gi",
                None,
                Cause::Infrastructure,
            ),
            ("Pod was evicted", None, Cause::Infrastructure),
            ("main: Error (exit code 1)", Some(1), Cause::StepError),
        ];
        for (message, exit, expected) in table {
            assert_eq!(
                cause([Some(message), None, None], exit),
                expected,
                "{message}"
            );
        }
    }

    #[test]
    fn the_steps_own_words_beat_a_bare_exit_code() {
        let exit = Some("main: Error (exit code 1)");
        let table = [
            (
                "250001: Incorrect username or password was specified.",
                Cause::Credential,
            ),
            (
                "FATAL: password authentication failed for user \"etl\"",
                Cause::Credential,
            ),
            (
                "Access denied for user 'etl'@'10.0.0.1' (using password: YES)",
                Cause::Credential,
            ),
            ("JWT token has expired", Cause::Credential),
            (
                "SQL access control error: Insufficient privileges to operate on schema 'RAW'",
                Cause::Permission,
            ),
            ("403 Forbidden: caller lacks permission", Cause::Permission),
            (
                "could not connect to the host: name or service not known",
                Cause::Connectivity,
            ),
            (
                "dial tcp 10.0.0.5:5432: connect: connection refused",
                Cause::Connectivity,
            ),
        ];
        for (message, expected) in table {
            assert_eq!(
                cause([exit, None, Some(message)], Some(1)),
                expected,
                "{message}"
            );
        }
    }

    #[test]
    fn stopped_runs_and_nothing_at_all() {
        let stopped = Evidence {
            stopped: true,
            ..Evidence::default()
        };
        assert_eq!(classify(&stopped), Cause::Stopped);
        assert_eq!(cause([None, None, None], None), Cause::Unknown);
        assert_eq!(
            cause([Some("something odd"), None, None], Some(0)),
            Cause::Unknown
        );
        assert_eq!(cause([None, None, None], Some(2)), Cause::StepError);
    }

    #[test]
    fn a_huge_message_is_read_up_to_a_bound_without_splitting_a_character() {
        let huge = format!("{}OOMKilled", "é".repeat(MAX_MESSAGE));
        assert_eq!(cause([Some(&huge), None, None], None), Cause::Unknown);
        let early = format!("OOMKilled{}", "é".repeat(MAX_MESSAGE));
        assert_eq!(cause([Some(&early), None, None], None), Cause::OutOfMemory);
    }
}
