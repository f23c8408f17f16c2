//! [`DryRun`]: a mode of the client in which it stops before a request and returns it instead.

use crate::request::ApiRequest;

/// Whether an [`AtlanClient`](crate::AtlanClient) sends its requests, or stops before one and
/// returns it as [`Error::DryRun`](crate::Error::DryRun). Every operation takes the same path in
/// every mode: there is no second code path that rebuilds requests for showing.
///
/// ```
/// use atlan_workflows::{AtlanClient, DryRun, Error};
///
/// # async fn example() -> atlan_workflows::Result<()> {
/// // No tenant needed: nothing is sent.
/// let client = AtlanClient::builder().dry_run(DryRun::All).build()?;
/// match client.runs().stop("atlan-snowflake-1714638976-k2x7q").await {
///     Err(Error::DryRun { request }) => {
///         assert_eq!(request.path(), "/api/service/runs/atlan-snowflake-1714638976-k2x7q/stop");
///     }
///     other => panic!("a dry run sends nothing: {other:?}"),
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum DryRun {
    /// Send every request (the default).
    #[default]
    Off,
    /// Send nothing: every operation ends with [`Error::DryRun`](crate::Error::DryRun) carrying
    /// the first request it would send. Such a client needs no base URL or key; without a route
    /// set on the builder it uses [`WorkflowRoute::default`](crate::WorkflowRoute::default)
    /// (`workflows/…`) instead of asking `whoami`, which would itself be a request.
    All,
    /// Send the requests that change nothing (`whoami`, searches, reads, credential tests) for
    /// real, and stop at the first that would change something, returning it as
    /// [`Error::DryRun`](crate::Error::DryRun): the exact body an update would post after reading
    /// the workflow. An operation that only reads completes normally.
    Writes,
}

impl DryRun {
    /// Whether a client in this mode stops before sending `request`.
    pub fn stops_before(self, request: &ApiRequest) -> bool {
        match self {
            Self::Off => false,
            Self::All => true,
            Self::Writes => !request.is_read_only(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::requests;

    #[test]
    fn each_mode_stops_where_it_says() {
        let read = requests::runs::get("r").unwrap();
        let write = requests::runs::stop("r").unwrap();
        let test = requests::credentials::test(&atlan_model::Credential::default()).unwrap();
        assert!(!DryRun::Off.stops_before(&read) && !DryRun::Off.stops_before(&write));
        assert!(DryRun::All.stops_before(&read) && DryRun::All.stops_before(&write));
        assert!(!DryRun::Writes.stops_before(&read));
        assert!(
            !DryRun::Writes.stops_before(&test),
            "a test changes nothing"
        );
        assert!(DryRun::Writes.stops_before(&write));
    }
}
