//! The Atlan workflow SDK for Rust: find, run, re-run, schedule, monitor and stop the connector
//! packages (crawlers, miners, imports) that Atlan runs as Argo workflows, read their runs, and
//! manage the source credentials they use.
//!
//! ```no_run
//! use atlan_workflows::{AtlanClient, WorkflowPackage, WorkflowPhase};
//! use futures_util::TryStreamExt;
//!
//! # async fn example() -> atlan_workflows::Result<()> {
//! let client = AtlanClient::from_env()?; // ATLAN_BASE_URL, ATLAN_API_KEY
//!
//! // Enable lineage on the newest Snowflake crawler.
//! let crawlers = client.workflows().find_by_type(WorkflowPackage::Snowflake).max_results(1).await?;
//! if let Some(found) = crawlers.first() {
//!     let mut workflow = found.to_workflow();
//!     workflow.set_parameter("enable-lineage", true)?;
//!     client.workflows().update(&workflow).await?;
//! }
//!
//! // Every run that finished in the last hour, page after page.
//! let runs: Vec<_> = client
//!     .runs()
//!     .search()
//!     .phases([WorkflowPhase::Succeeded, WorkflowPhase::Failed])
//!     .finished_since("now-1h")
//!     .stream()
//!     .try_collect()
//!     .await?;
//! println!("{} runs", runs.len());
//! # Ok(())
//! # }
//! ```
//!
//! # The shape of the API
//!
//! - **One handle per kind**, from the client: [`AtlanClient::workflows`], [`runs`](AtlanClient::runs),
//!   [`credentials`](AtlanClient::credentials), [`schedules`](AtlanClient::schedules) for the legacy
//!   (Argo) API, and [`apps`](AtlanClient::apps) for the App workflows API of newer tenants.
//! - **Builders for options.** An operation with options returns a builder; awaiting it sends it
//!   (`client.workflows().rerun(id).idempotent().await`). Builders are named for their operation,
//!   verb first ([`CreateAppWorkflow`], [`SubmitAppRun`], [`FindByType`]). Inputs are checked as
//!   early as the builder allows, and always before anything is sent.
//! - **One listing family.** Every listing is fetched with `.page()` (one [`Page`]), `.pages()`
//!   or `.stream()`: the offset-paged ones ([`WorkflowList`] and [`FindByType`], [`RunList`],
//!   [`RunSearch`], [`AppRunSearch`], [`CredentialList`]) are [`Listing`]s of their query through one engine; the cursor-paged
//!   [`AppWorkflowList`] has the same surface. Time bounds are `*_since` / `*_before` on both APIs,
//!   checked when set.
//! - **Not found.** An operation that looks up one thing has two forms, as kube's `Api` does:
//!   `get` fails with [`Error::NotFound`] when there is no such thing, and `get_opt` answers
//!   `Ok(None)`. So do [`Runs::latest`] / [`Runs::latest_opt`] and [`Runs::current`] /
//!   [`Runs::current_opt`]. Searches that may match nothing (`find_by_type`, listings) answer an
//!   empty list, never an error; operations on a thing that does not exist (stop, delete, purge,
//!   update) fail with [`Error::NotFound`].
//! - **Dry runs are a mode of the client** ([`DryRun`]): every operation takes its one code path
//!   and stops before the first request it would send ([`DryRun::All`]), or before the first that
//!   would change something ([`DryRun::Writes`]), returning it as [`Error::DryRun`].
//!
//! How a call flows: [`requests`] builds it as a plain [`ApiRequest`] (method, path, query, body,
//! whether it changes anything), with the searches of [`query`]; [`transport`] sends it (auth,
//! retries that never re-send a non-idempotent POST, timeouts); the answer becomes a typed
//! [`model`] value or an [`Error`] with the server's code, message and request id.
//!
//! Every request leaves the facade in one place, `AtlanClient::execute_noting_throttling`:
//! [`AtlanClient::execute`] and its JSON form for single calls, and the listings' page fetches
//! (which also read whether the server asked to slow down, so the engine can). The dry-run mode
//! is applied there.
//!
//! What it does that the official SDKs do not (the crate's README lists each, with the SDK it
//! differs from): a 503 after retries is an
//! error, never an empty result; a submit is never sent twice; re-runs post to the right path with
//! `resourceKind: WorkflowTemplate`; the latest run is sorted by start time; `monitor` has a
//! timeout that fires; listings are streams that walk every page (past 10,000 results, by
//! creation time); secrets never appear in `Debug`, logs or errors.

#[macro_use]
mod awaitable;

mod apps;
mod bounds;
mod client;
mod credentials;
mod dry_run;
mod error;
mod human;
mod listing;
mod monitor;
mod paging;
mod request;
pub mod requests;
mod runs;
mod schedules;
mod sealed;
mod suspension;
mod users;
mod workflows;

pub use apps::{
    AddAppSchedule, AppMonitor, AppProgressCallback, AppRunQuery, AppRunSearch, AppRunWatch,
    AppRuns, AppSchedules, AppWorkflowList, AppWorkflowTimes, AppWorkflows, Apps, ChangeInputs,
    CreateAppWorkflow, CreatedApp, GetInputContract, MAX_APP_LISTING, MAX_WORKFLOW_ASSETS,
    SubmitAppRun, UpdateAppWorkflow, check_inputs,
};
pub use bounds::TimeBounded;
pub use client::{AtlanClient, AtlanClientBuilder};
pub use credentials::{CreateCredential, CredentialList, Credentials, StoredCredentials};
pub use dry_run::DryRun;
pub use error::{ApiStatus, Error, ListingProblem, Result};
pub use human::human_duration;
pub use listing::{DEFAULT_PAGE_SIZE, Listing, ListingQuery, Paginated};
pub use monitor::{
    DEFAULT_APPEAR_WITHIN, Monitor, MonitorTarget, ProgressCallback, RunWatch, Wait, Watched,
};
pub use paging::{DEFAULT_CONCURRENCY, MAX_CONCURRENCY, Page};
pub use request::{API_PREFIX, ApiRequest, InvalidRequest, META_PREFIX};
pub use requests::WorkflowRoute;
pub use runs::{RunList, RunSearch, Runs, RunsByStatus, WorkflowRuns};
pub use schedules::Schedules;
pub use suspension::{ScheduleRefusal, ScheduleSuspension};
pub use users::{MAX_USERS, Users};
pub use workflows::{
    DEFAULT_MAX_RESULTS, FindByType, FindScheduleQuery, Rerun, RerunTarget, RunWorkflow,
    ScheduleQueryRuns, WorkflowList, Workflows, WorkflowsOf,
};

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
pub use atlan_query::Index;
