//! App runs, found through the asset search, as pages for the engine: the [`ListingQuery`] of
//! [`AppRuns`].

use atlan_model::{AppWorkflowRunAttributes, AtlasSearchResponse, TotalHits};
use atlan_query::Timestamp;
use atlan_query::apps::{self as searches, RUN_TYPE, RunFilter};
use futures_util::FutureExt;
use futures_util::future::BoxFuture;

use super::ahead::{Anchor, Fetched};
use crate::apps::AppRuns;
use crate::client::AtlanClient;
use crate::error::{Error, Result};
use crate::listing::ListingQuery;
use crate::sealed::Sealed;

/// The operation's name.
pub(crate) const OPERATION: &str = "apps.search_runs";

impl Sealed for AppRuns {}

/// The runs an [`AppRuns`] query finds, newest first by start time (then by GUID): of the filter
/// itself, or (with an anchor) of the runs started at or before the anchor.
impl ListingQuery for AppRuns {
    type Item = AppWorkflowRunAttributes;
    type Ready = RunFilter;

    fn operation(&self) -> &'static str {
        OPERATION
    }

    fn ready(&self, from: u64, size: u64) -> Result<RunFilter> {
        self.bounds.result()?;
        let mut filter = self.filter.clone();
        filter.from = from;
        filter.size = size;
        searches::runs(&filter)?;
        Ok(filter)
    }

    fn anchored(_: &RunFilter) -> bool {
        true
    }

    fn fetch(
        client: &AtlanClient,
        filter: &RunFilter,
        anchor: Option<Anchor>,
        from: u64,
        size: u64,
    ) -> BoxFuture<'static, Result<Fetched<AppWorkflowRunAttributes>>> {
        let mut filter = filter.clone();
        if let Some(anchor) = anchor {
            // At or before the anchor, which is itself within any bound the caller set.
            filter.started.before = Some(anchor.created.to_string());
        }
        filter.from = from;
        filter.size = size;
        let client = client.clone();
        async move {
            let search = searches::runs(&filter)?;
            let (answer, throttled): (AtlasSearchResponse, bool) = client
                .execute_json_noting_throttling(&crate::requests::apps::search(&search)?)
                .await?;
            let items = decode_runs(&answer)?;
            Ok(Fetched {
                items,
                total: Some(TotalHits::exact(
                    answer.approximate_count.unwrap_or_default(),
                )),
                throttled,
            })
        }
        .boxed()
    }

    /// A run's id: its qualified name.
    fn id(run: &AppWorkflowRunAttributes) -> Option<&str> {
        run.qualified_name.as_deref()
    }

    /// When a run started.
    fn created(run: &AppWorkflowRunAttributes) -> Option<Timestamp> {
        run.started_at
            .and_then(|millis| Timestamp::from_millisecond(millis).ok())
    }
}

/// The runs of an asset search's answer.
///
/// # Errors
/// [`Error::Decode`] for a run whose attributes do not read.
pub(crate) fn decode_runs(answer: &AtlasSearchResponse) -> Result<Vec<AppWorkflowRunAttributes>> {
    answer
        .entities_of(RUN_TYPE)
        .map(|entity| {
            entity.run_attributes().map_err(|source| Error::Decode {
                operation: OPERATION,
                source,
            })
        })
        .collect()
}
