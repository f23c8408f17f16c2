//! Previews: what a batch of changes (bulk re-runs, schedule changes, a migration) would send,
//! without a journal and without sending it. Each change is the very code a batch runs, on a
//! client in a dry-run mode: its reads go, and its first request that would change something
//! comes back as [`Error::DryRun`] instead of being sent. A client that would send writes is
//! refused, so a preview can never change anything.

use std::future::Future;

use atlan_workflows::{ApiRequest, AtlanClient, DryRun, Error, Result};
use serde::Serialize;

use crate::view::Api;

/// What one change of a batch would do.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Preview {
    /// The workflow.
    pub workflow: String,
    /// Its API.
    pub api: Api,
    /// The first request that would change something (`None`: nothing would be sent).
    pub request: Option<ApiRequest>,
    /// Why nothing would be sent, or what would follow the request.
    pub note: Option<String>,
}

impl Preview {
    /// A change of `workflow` that would send `request` (or nothing), with a `note`.
    pub fn new(
        api: Api,
        workflow: impl Into<String>,
        request: Option<ApiRequest>,
        note: Option<String>,
    ) -> Self {
        Self {
            workflow: workflow.into(),
            api,
            request,
            note,
        }
    }
}

/// [`Error::InvalidInput`] unless `client` stops before the requests that change something.
///
/// # Errors
/// That one.
pub fn check_dry_run(client: &AtlanClient) -> Result<()> {
    match client.dry_run() {
        DryRun::Off => Err(Error::InvalidInput {
            message: "a preview needs a client in a dry-run mode: it must never send a write"
                .into(),
        }),
        _ => Ok(()),
    }
}

/// The first request `change` would send that changes something (`None` when it would change
/// nothing, as a suspend of what is suspended).
///
/// # Errors
/// A failure of `change` other than the dry run's stop (a read that failed).
pub async fn first_write<T>(change: impl Future<Output = Result<T>>) -> Result<Option<ApiRequest>> {
    match change.await {
        Err(Error::DryRun { request }) => Ok(Some(*request)),
        Ok(_) => Ok(None),
        Err(error) => Err(error),
    }
}
