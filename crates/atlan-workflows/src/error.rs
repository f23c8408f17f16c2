//! The facade's one error type.

use std::fmt;
use std::time::Duration;

use atlan_model::{
    ApiErrorBody, AppRunStatus, CredentialTestResponse, DecodeError, RunState, WorkflowPhase,
};
use atlan_transport::TransportError;
use http::StatusCode;

use crate::request::{ApiRequest, InvalidRequest};

/// The status of a run of either API in the API's own word, as a monitor saw it last
/// ([`Error::Timeout`]); [`ApiStatus::state`] says it in the words both APIs share.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ApiStatus {
    /// A legacy (Argo) run's phase.
    Phase(WorkflowPhase),
    /// An app run's status.
    App(AppRunStatus),
}

impl ApiStatus {
    /// The status, normalized across the two APIs.
    pub fn state(&self) -> RunState {
        match self {
            Self::Phase(phase) => phase.state(),
            Self::App(status) => status.state(),
        }
    }
}

impl fmt::Display for ApiStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Phase(phase) => phase.fmt(f),
            Self::App(status) => status.fmt(f),
        }
    }
}

/// The result of a facade call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a call failed.
///
/// Statuses other than 2xx are errors, whatever the body says: a 503 after the transport's retries is
/// [`Error::Api`], never an empty result (pyatlan answers `None` there).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with an error status.
    #[error("{operation}: the server answered {status}{}: {body}", request_id_suffix(request_id.as_deref()))]
    Api {
        /// The operation, such as `runs.stop`.
        operation: &'static str,
        /// The status.
        status: StatusCode,
        /// The error body, with the server's code, message and causes.
        body: Box<ApiErrorBody>,
        /// The call's `X-Atlan-Request-Id`, to quote to Atlan support.
        request_id: Option<String>,
        /// How long the server asked to wait before trying again (its `Retry-After`, on a 429 or
        /// 503 that outlasted the transport's retries).
        retry_after: Option<Duration>,
    },
    /// What was asked for does not exist (a 404, or a search that found nothing where one result
    /// is needed).
    #[error("{operation}: {what} not found{}", body.as_ref().map(|body| format!(": {body}")).unwrap_or_default())]
    NotFound {
        /// The operation.
        operation: &'static str,
        /// What was looked for, such as ``workflow `atlan-snowflake-1714638976` ``.
        what: String,
        /// The server's error body, when it answered 404.
        body: Option<Box<ApiErrorBody>>,
    },
    /// No response: connection, timeout or body failures (see [`TransportError`]).
    #[error("{operation}: {source}")]
    Transport {
        /// The operation.
        operation: &'static str,
        /// The cause.
        #[source]
        source: TransportError,
    },
    /// The response body is not what the operation expects; names the JSON path.
    #[error("{operation}: unexpected response: {source}")]
    Decode {
        /// The operation.
        operation: &'static str,
        /// Where and why decoding failed.
        #[source]
        source: DecodeError,
    },
    /// A credential test failed (the source refused the credential), so the update that was to
    /// follow it was not sent ([`crate::Credentials::test_and_update`]).
    #[error("{operation}: the credential test failed, nothing was updated: {reason}")]
    CredentialTestFailed {
        /// The operation, such as `credentials.test_and_update`.
        operation: &'static str,
        /// The server's reason (its message, or the first failing check's).
        reason: String,
        /// The whole test answer.
        response: Box<CredentialTestResponse>,
    },
    /// The client is in a dry-run mode ([`crate::DryRun`]) and stopped before sending this
    /// request: the first request of the operation ([`crate::DryRun::All`]), or the first that
    /// would change something ([`crate::DryRun::Writes`]).
    #[error("{}: dry run: {} {} was not sent", request.operation(), request.method(), request.path())]
    DryRun {
        /// The request that was not sent (its `Debug` and JSON hide secrets).
        request: Box<ApiRequest>,
    },
    /// A wait ended before the run finished ([`crate::Runs::monitor`], [`crate::AppRuns::monitor`]).
    #[error("{operation}: {what} did not finish within {}{}", crate::human::human_duration(*waited), last_status.as_ref().map(|status| format!(" (last seen {status})")).unwrap_or_default())]
    Timeout {
        /// The operation, `runs.monitor` or `apps.monitor`.
        operation: &'static str,
        /// The run or workflow waited for.
        what: String,
        /// How long it waited.
        waited: Duration,
        /// The status last seen, of either API (`None`: the run had none yet).
        last_status: Option<ApiStatus>,
    },
    /// An app workflow already has a run Pending or Running, so an idempotent submit did not start
    /// another ([`crate::AppWorkflows::run`]).
    #[error("app workflow `{slug}` already has a run in progress{}", run_id.as_ref().map(|id| format!(": {id}")).unwrap_or_default())]
    AlreadyRunning {
        /// The workflow.
        slug: String,
        /// The active run, when the asset search found it.
        run_id: Option<String>,
    },
    /// Creating an app workflow met a live workflow of the same name (a 409); nothing was
    /// created. [`crate::CreateAppWorkflow::or_reuse`] makes reuse a choice.
    #[error("an app workflow named `{name}` already exists: {}", slugs.join(", "))]
    AppExists {
        /// The name asked for.
        name: String,
        /// The existing workflows' slugs.
        slugs: Vec<String>,
    },
    /// The results shifted while a listing fetched its pages (one entered or left the search in
    /// between) and the listing could not go on without repeating or skipping a result: it is
    /// not sorted newest first from its start, so it cannot resume from the last result it
    /// yielded. Everything yielded before the error is correct; list again to see the rest.
    #[error(
        "{operation}: the results changed while they were listed (at result {position}); list again"
    )]
    ListingChanged {
        /// The listing's operation, such as `runs.search`.
        operation: &'static str,
        /// How many results the listing had yielded.
        position: u64,
    },
    /// A page came back with fewer results than its own total says follow: the server is not
    /// consistent with itself, so the listing stops rather than end early without a word.
    #[error(
        "{operation}: the server returned {returned} results at position {position} but counts {total} in all"
    )]
    InconsistentListing {
        /// The listing's operation.
        operation: &'static str,
        /// How many results the listing had yielded.
        position: u64,
        /// How many results the short page held.
        returned: u64,
        /// The total the same answer gave.
        total: u64,
    },
    /// A listing stopped because the server's answers would make it repeat itself or never end: a
    /// cursor it gave before, a result already yielded (on an earlier page or earlier in the same
    /// page), results out of the order asked for, an empty page that says more follow, or more
    /// pages or results than a listing may walk. Everything yielded before the error is correct
    /// and yielded once; nothing after it is fetched.
    #[error("{operation}: {problem} (after {position} results); the listing stopped")]
    BrokenListing {
        /// The listing's operation, such as `apps.list`.
        operation: &'static str,
        /// How many results the listing had yielded.
        position: u64,
        /// What the server did.
        problem: ListingProblem,
    },
    /// The client cannot be built as configured.
    #[error("invalid client configuration: {message}")]
    Config {
        /// What is wrong.
        message: String,
    },
    /// A schedule cannot be suspended or resumed as asked; nothing was changed.
    #[error("{operation}: workflow `{workflow}` {refusal}; nothing was changed")]
    ScheduleUnchanged {
        /// Which operation.
        operation: &'static str,
        /// The workflow (name or slug).
        workflow: String,
        /// Why.
        refusal: crate::suspension::ScheduleRefusal,
    },
    /// An argument cannot make a valid request; nothing was sent for it.
    #[error("invalid input: {message}")]
    InvalidInput {
        /// What is wrong.
        message: String,
    },
}

/// What made a listing stop ([`Error::BrokenListing`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ListingProblem {
    /// The server answered a cursor it had given before: following it would loop.
    RepeatedCursor {
        /// The cursor (as the server gave it).
        cursor: String,
    },
    /// The server returned a result the listing had already yielded, or one twice in a page.
    RepeatedResult {
        /// What tells the result from the others (a run name, a slug, a qualified name).
        id: String,
    },
    /// A listing sorted newest first met a result newer than one it had yielded.
    OutOfOrder {
        /// The result.
        id: String,
    },
    /// A page with no result said more follow.
    EmptyPageWithMore,
    /// The listing reached the most it walks.
    TooLong {
        /// The bound.
        limit: u64,
        /// Of what: `pages`, `workflows`.
        what: &'static str,
    },
}

/// At most this many characters of a server-given id or cursor are shown.
const SHOWN: usize = 80;

fn shown(text: &str) -> String {
    if text.chars().count() <= SHOWN {
        return text.to_owned();
    }
    let cut: String = text.chars().take(SHOWN).collect();
    format!("{cut}…")
}

impl fmt::Display for ListingProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::RepeatedCursor { cursor } => {
                write!(
                    f,
                    "the server gave the cursor `{}` a second time",
                    shown(cursor)
                )
            }
            Self::RepeatedResult { id } => {
                write!(f, "the server returned `{}` a second time", shown(id))
            }
            Self::OutOfOrder { id } => write!(
                f,
                "the server returned `{}` out of order (newer than a result before it)",
                shown(id)
            ),
            Self::EmptyPageWithMore => {
                f.write_str("the server returned an empty page that says more follow")
            }
            Self::TooLong { limit, what } => {
                write!(f, "the listing reached {limit} {what}, the most it walks")
            }
        }
    }
}

fn request_id_suffix(request_id: Option<&str>) -> String {
    request_id
        .map(|id| format!(" (request id {id})"))
        .unwrap_or_default()
}

impl From<InvalidRequest> for Error {
    fn from(error: InvalidRequest) -> Self {
        Self::invalid(error.0)
    }
}

impl Error {
    /// The HTTP status, for [`Error::Api`] and a [`Error::NotFound`] the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api { status, .. } => Some(*status),
            Self::NotFound { body: Some(_), .. } => Some(StatusCode::NOT_FOUND),
            _ => None,
        }
    }

    /// How long the server asked to wait before trying again ([`Error::Api`] with a
    /// `Retry-After`).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Api { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// Whether this is [`Error::NotFound`].
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::NotFound { .. })
    }

    /// The request a dry run stopped at ([`Error::DryRun`]).
    pub fn dry_run_request(&self) -> Option<&ApiRequest> {
        match self {
            Self::DryRun { request } => Some(request),
            _ => None,
        }
    }

    /// `Ok(None)` for [`Error::NotFound`], the error otherwise: how every `*_opt` operation is
    /// made from its erroring twin.
    pub(crate) fn not_found_as_none<T>(result: Result<T>) -> Result<Option<T>> {
        match result {
            Ok(value) => Ok(Some(value)),
            Err(error) if error.is_not_found() => Ok(None),
            Err(error) => Err(error),
        }
    }

    pub(crate) fn invalid(message: impl fmt::Display) -> Self {
        Self::InvalidInput {
            message: message.to_string(),
        }
    }

    pub(crate) fn config(message: impl fmt::Display) -> Self {
        Self::Config {
            message: message.to_string(),
        }
    }
}

impl From<atlan_query::workflows::QueryError> for Error {
    fn from(error: atlan_query::workflows::QueryError) -> Self {
        Self::invalid(error)
    }
}

impl From<atlan_model::ParameterError> for Error {
    fn from(error: atlan_model::ParameterError) -> Self {
        Self::invalid(error)
    }
}

impl From<atlan_model::InvalidSchedule> for Error {
    fn from(error: atlan_model::InvalidSchedule) -> Self {
        Self::invalid(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_operation_status_code_and_request_id() {
        let body = ApiErrorBody::from_bytes(
            br#"{"errorCode":"ATLAN-JAVA-409-000","errorMessage":"run already completed"}"#,
        );
        let error = Error::Api {
            operation: "runs.stop",
            status: StatusCode::CONFLICT,
            body: Box::new(body),
            request_id: Some("4f1c".into()),
            retry_after: None,
        };
        let text = error.to_string();
        assert!(text.starts_with("runs.stop: the server answered 409 Conflict (request id 4f1c)"));
        assert!(text.contains("ATLAN-JAVA-409-000") && text.contains("run already completed"));
        assert_eq!(error.status(), Some(StatusCode::CONFLICT));
        let missing = Error::NotFound {
            operation: "workflows.rerun",
            what: "workflow `x`".into(),
            body: None,
        };
        assert_eq!(
            missing.to_string(),
            "workflows.rerun: workflow `x` not found"
        );
        assert!(missing.is_not_found() && missing.status().is_none());
    }
}
