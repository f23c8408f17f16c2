//! One function per Atlan operation, building its [`ApiRequest`] without IO.
//!
//! The client sends what these build; they are public so that a CLI can print them (`--dry-run`)
//! and tests can check them without a server.
//!
//! ```
//! use atlan_workflows::WorkflowPhase;
//! use atlan_workflows::TimeBounds;
//! use atlan_workflows::requests;
//!
//! let request = requests::runs::by_status_and_time(
//!     &[WorkflowPhase::Succeeded, WorkflowPhase::Failed],
//!     &TimeBounds::since("now-6h"),
//!     &TimeBounds::since("now-1h"),
//!     0,
//!     100,
//! )?;
//! assert_eq!(request.path(), "/api/service/runs/indexsearch");
//! assert!(request.is_idempotent(), "a read-only POST: safe to re-send");
//! # Ok::<(), atlan_workflows::Error>(())
//! ```

pub mod credentials;
pub mod identity;
pub mod runs;
pub mod schedules;
pub mod workflows;

use atlan_query::Search;

use crate::error::Result;
use crate::request::ApiRequest;

/// Where the operations that run or change a workflow are sent: `workflows/…` for API-token users,
/// `package-workflows/…` for others (as pyatlan decides from `whoami`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum WorkflowRoute {
    /// `workflows/…`: API tokens and admins.
    #[default]
    Workflows,
    /// `package-workflows/…`: other users.
    PackageWorkflows,
}

impl WorkflowRoute {
    /// The path segment.
    pub fn segment(self) -> &'static str {
        match self {
            Self::Workflows => "workflows",
            Self::PackageWorkflows => "package-workflows",
        }
    }
}

/// `POST workflows/indexsearch` or `runs/indexsearch` with a search: read-only, safe to re-send.
pub(crate) fn index_search(
    operation: &'static str,
    runs: bool,
    search: &Search,
) -> Result<ApiRequest> {
    let index = if runs { "runs" } else { "workflows" };
    ApiRequest::post(operation, &[index, "indexsearch"])
        .read_only()
        .json(search)
}
