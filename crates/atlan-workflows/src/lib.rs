//! The Atlan workflow SDK for Rust: find, run, re-run, schedule, monitor and stop the connector
//! packages (crawlers, miners, imports) that Atlan runs as Argo workflows, read their runs, and
//! manage the source credentials they use.
//!
//! ```no_run
//! use atlan_workflows::{AtlanClient, WorkflowPackage, WorkflowPhase};
//! use atlan_workflows::TimeBounds;
//! use futures_util::TryStreamExt;
//!
//! # async fn example() -> atlan_workflows::Result<()> {
//! let client = AtlanClient::from_env()?; // ATLAN_BASE_URL, ATLAN_API_KEY
//!
//! // Enable lineage on the newest Snowflake crawler.
//! let crawler = client.workflows().find_by_type(WorkflowPackage::Snowflake, 1).await?;
//! if let Some(found) = crawler.first() {
//!     let mut workflow = found.to_workflow();
//!     workflow.set_parameter("enable-lineage", true)?;
//!     client.workflows().update(&workflow).await?;
//! }
//!
//! // Every run that finished in the last hour, page after page.
//! let runs: Vec<_> = client
//!     .runs()
//!     .search(
//!         &[WorkflowPhase::Succeeded, WorkflowPhase::Failed],
//!         TimeBounds::any(),
//!         TimeBounds::since("now-1h"),
//!     )
//!     .stream()
//!     .try_collect()
//!     .await?;
//! println!("{} runs", runs.len());
//! # Ok(())
//! # }
//! ```
//!
//! How a call flows: [`requests`] builds it as a plain [`ApiRequest`] (method, path, query, body,
//! whether re-sending is safe), with the searches of [`query`]; [`transport`] sends it (auth,
//! retries that never re-send a non-idempotent POST, timeouts); the answer becomes a typed
//! [`model`] value or an [`Error`] with the server's code, message and request id.
//!
//! What it does that the official SDKs do not (see `ATLAN-API.md`): a 503 after retries is an
//! error, never an empty result; a submit is never sent twice; re-runs post to the right path with
//! `resourceKind: WorkflowTemplate`; the latest run is sorted by start time; `monitor` has a
//! timeout that fires; listings are streams that walk every page (past 10,000 results, by
//! creation time); secrets never appear in `Debug`, logs or errors.

mod client;
mod credentials;
mod error;
mod paging;
mod request;
pub mod requests;
mod runs;
mod schedules;
mod workflows;

pub use client::{AtlanClient, AtlanClientBuilder};
pub use credentials::{CredentialQuery, Credentials};
pub use error::{Error, Result};
pub use paging::Page;
pub use request::{API_PREFIX, ApiRequest};
pub use requests::WorkflowRoute;
pub use runs::{DEFAULT_PAGE_SIZE, MonitorOptions, MonitorTarget, ProgressCallback, RunList, Runs};
pub use schedules::Schedules;
pub use workflows::{RerunTarget, Workflows};

/// The models (`atlan-model`).
pub use atlan_model as model;
/// The searches (`atlan-query`).
pub use atlan_query as query;
/// The transport (`atlan-transport`).
pub use atlan_transport as transport;

pub use atlan_model::{
    Credential, CredentialResponse, CredentialTestResponse, Workflow, WorkflowPackage,
    WorkflowPhase, WorkflowResponse, WorkflowRunResponse, WorkflowSchedule,
    WorkflowScheduleResponse, WorkflowSearchResult,
};
pub use atlan_query::workflows::TimeBounds;
