//! Typed, lossless models of the Atlan workflow API.
//!
//! Atlan runs connector packages (crawlers, miners, imports) as Argo workflows. This crate holds the
//! data of its workflow API and nothing else: no IO, no async runtime, no HTTP. It is what the
//! `atlan-query`, `atlan-transport`, `atlan-workflows`, `atlan-sandbox` and `atlan-cli` crates build
//! on, and what a downstream crate can depend on alone.
//!
//! - **Workflows** ([`Workflow`], [`WorkflowSpec`], [`WorkflowTemplate`], [`Dag`], [`DagTask`],
//!   [`Parameter`], [`PackageParameter`]) and the answers to changing them ([`WorkflowResponse`],
//!   [`WorkflowRunResponse`]).
//! - **Searches** ([`WorkflowSearchResponse`], [`WorkflowSearchResult`],
//!   [`WorkflowSearchResultDetail`]) and **runs** ([`RunStatus`], [`NodeStatus`], [`WorkflowPhase`]).
//! - **Packages** ([`WorkflowPackage`]), **schedules** ([`WorkflowSchedule`],
//!   [`WorkflowScheduleResponse`], [`WorkflowScheduleList`]) and **credentials** ([`Credential`],
//!   [`CredentialResponse`], [`CredentialListResponse`], [`CredentialTestResponse`]).
//! - **Errors** the server sends ([`ApiErrorBody`]) and a [`decode`] that names the JSON path of a
//!   failure ([`DecodeError`]).
//!
//! # Lossless
//! Decoding and re-encoding any document gives back an equal JSON value:
//! - every struct keeps the fields it does not model in its `other` map;
//! - an optional field that arrives as `null` reads as `None` and is written back as `null` (Argo
//!   writes `"finishedAt": null` while a run goes; Java services write `null` for unset fields), while
//!   an absent field stays absent; once you set the field, your value is written;
//! - enums keep unknown strings in an `Other` variant;
//! - floats keep every digit (serde_json's `float_roundtrip`).
//!
//! Structs and enums are `#[non_exhaustive]`: build structs from `Default` (or their constructors) and
//! set fields. The wire names are those of the Atlan API (`startedAt`, `_source`, `boundaryID`, …);
//! the Rust names are snake case.
//!
//! # Secrets
//! A credential's `password`, every `extra` value and any credential field this version does not know
//! are redacted in `Debug` and `Display`, and written only by `Serialize` (which is how they are
//! sent). The password and `extra` values are zeroized on drop, and a password of the wrong JSON type
//! is refused without repeating it. A workflow's payload is redacted the same way. Read a secret with
//! [`ExposeSecret`].
//!
//! # Example: the "update workflow configuration" recipe
//! ```
//! use atlan_model::{decode, WorkflowSearchResponse};
//!
//! let response: WorkflowSearchResponse = decode(br#"{"took":3,"hits":{"total":{"value":1,"relation":"eq"},
//!   "hits":[{"_id":"atlan-snowflake-1714638976","_source":{"metadata":{"name":"atlan-snowflake-1714638976"},
//!   "spec":{"templates":[{"name":"main","dag":{"tasks":[{"name":"run","arguments":{"parameters":[
//!   {"name":"enable-lineage","value":"false"}]}}]}}]}}}]}}"#)?;
//! let mut workflow = response.first().expect("one hit").to_workflow();
//! let previous = workflow.set_parameter("enable-lineage", true)?;
//! assert_eq!(previous, "false");
//! // `workflow` is now the body of `POST /api/service/workflows/atlan-snowflake-1714638976`.
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod app;
mod credential;
mod cron;
mod decode;
mod error_body;
mod meta;
mod package;
mod phase;
mod redact;
mod run_state;
mod schedule;
mod search;
mod secret;
mod status;
mod string_enum;
mod suspended;
mod user;
mod wire;
mod workflow;

pub use app::{
    APP_WORKFLOWS_PREFIX, AppConflict, AppEntrypoint, AppInfo, AppInputs, AppList, AppResponse,
    AppRunResponse, AppRunStatus, AppSchedule, AppScheduleEntry, AppSummary,
    AppWorkflowRunAttributes, AtlanAppWorkflowAttributes, AtlasEntity, AtlasSearchResponse,
    CancelRunResponse, CreateApp, DeleteAppResponse, InputContract, RUNTIME_INPUT_KEYS,
    ScheduleAdded, ScheduleRemoved, UpdateApp, app_run_qualified_name, app_workflow_qualified_name,
};
pub use credential::{
    Credential, CredentialListResponse, CredentialResponse, CredentialTestResponse,
};
pub use cron::CronSchedule;
pub use decode::{DecodeError, DecodeErrorKind, decode, decode_value};
pub use error_body::{ApiErrorBody, ErrorCause, ErrorCode};
pub use meta::{
    COMPLETED_LABEL, CREATOR_LABEL, ObjectMeta, PACKAGE_NAME_KEY, PHASE_LABEL, SCHEDULE_ANNOTATION,
    SCHEDULE_QUERY_PACKAGE, TIMEZONE_ANNOTATION, WORKFLOW_TEMPLATE_LABEL,
};
pub use package::WorkflowPackage;
pub use phase::{NodePhase, WorkflowPhase};
pub use redact::{REDACTED, redact_credential_json, redact_workflow_json};
pub use run_state::RunState;
pub use schedule::{
    InvalidSchedule, WorkflowSchedule, WorkflowScheduleList, WorkflowScheduleResponse,
    WorkflowScheduleSpec, WorkflowScheduleStatus, check_cron, check_timezone,
};
pub use search::{
    SearchHits, TotalHits, TotalHitsRelation, WorkflowSearchResponse, WorkflowSearchResult,
    WorkflowSearchResultDetail,
};
pub use secret::SecretValue;
pub use status::{
    Condition, InvalidProgress, NodeStatus, Progress, RunStatus, WorkflowRunResponse,
};
pub use string_enum::UnknownValue;
pub use suspended::{
    InvalidSuspension, MAX_SUSPENDED_SCHEDULES, SUSPENDED_SCHEDULE_ANNOTATION,
    SUSPENDED_SCHEDULES_INPUT, SuspendedSchedules,
};
pub use user::{User, UserList};
pub use workflow::{
    Arguments, Dag, DagTask, PackageParameter, Parameter, ParameterError, TemplateRef, Workflow,
    WorkflowResponse, WorkflowSpec, WorkflowTemplate, WorkflowTemplateRef,
};

/// Re-exported so that users can read secrets without naming `secrecy` themselves.
pub use secrecy::{ExposeSecret, SecretString};
