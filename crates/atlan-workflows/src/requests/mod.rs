//! One function per Atlan operation, building its [`ApiRequest`] without IO.
//!
//! The client sends what these build (or, in a dry run, returns it); they are public so that
//! requests can be checked without a server and sent over a stack of your own.
//!
//! ```
//! use atlan_workflows::requests;
//!
//! let request = requests::runs::stop("atlan-snowflake-1714638976-k2x7q")?;
//! assert_eq!(request.path(), "/api/service/runs/atlan-snowflake-1714638976-k2x7q/stop");
//! assert!(!request.is_read_only(), "a write: never re-sent once it may have arrived");
//! # Ok::<(), atlan_workflows::Error>(())
//! ```

pub mod apps;
pub mod credentials;
pub mod identity;
pub mod runs;
pub mod schedules;
pub mod users;
pub mod workflows;

use atlan_query::{Index, Search};

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

/// `POST {index}/indexsearch` with a search: read-only, safe to re-send.
///
/// # Errors
/// [`crate::Error::InvalidInput`] when the search cannot be encoded (a boost that is not finite).
pub fn index_search(operation: &'static str, index: Index, search: &Search) -> Result<ApiRequest> {
    Ok(
        ApiRequest::post(operation, &[index.segment(), "indexsearch"])
            .read_only()
            .json(search)?,
    )
}
