//! App runs, found through the asset search, as a [`Source`] of pages fetched ahead.

use atlan_model::{AppWorkflowRunAttributes, AtlasSearchResponse, TotalHits};
use atlan_query::Timestamp;
use atlan_query::apps::{self as searches, RUN_TYPE, RunFilter};
use futures_util::FutureExt;
use futures_util::future::BoxFuture;

use super::ahead::{Anchor, Fetched, Source};
use crate::client::AtlanClient;
use crate::error::{Error, Result};

/// The runs a [`RunFilter`] finds: newest first by start time (then by GUID), so a listing from
/// the first run is pinned to the runs started up to it.
#[derive(Debug, Clone)]
pub(crate) struct AppRunPager {
    pub(crate) client: AtlanClient,
    pub(crate) filter: RunFilter,
}

/// One page of app runs at `filter`'s `from`, and whether the server asked to slow down.
pub(crate) async fn fetch(
    client: &AtlanClient,
    filter: &RunFilter,
) -> Result<Fetched<AppWorkflowRunAttributes>> {
    let search = searches::runs(filter).map_err(Error::invalid)?;
    let (answer, throttled): (AtlasSearchResponse, bool) = client
        .execute_json_noting_throttling(&crate::requests::apps::search(&search)?)
        .await?;
    let items = answer
        .entities_of(RUN_TYPE)
        .map(|entity| {
            entity.run_attributes().map_err(|source| Error::Decode {
                operation: "apps.search_runs",
                source,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Fetched {
        items,
        total: Some(TotalHits::exact(
            answer.approximate_count.unwrap_or_default(),
        )),
        throttled,
    })
}

impl Source for AppRunPager {
    type Item = AppWorkflowRunAttributes;

    fn operation(&self) -> &'static str {
        "apps.search_runs"
    }

    fn anchored(&self) -> bool {
        true
    }

    fn fetch(
        &self,
        anchor: Option<Anchor>,
        from: u64,
        size: u64,
    ) -> BoxFuture<'static, Result<Fetched<AppWorkflowRunAttributes>>> {
        let mut filter = self.filter.clone();
        if let Some(anchor) = anchor {
            // At or before the anchor, which is itself within any bound the caller set.
            filter.started.before = Some(anchor.created.to_string());
        }
        filter.from = from;
        filter.size = size;
        let client = self.client.clone();
        async move { fetch(&client, &filter).await }.boxed()
    }

    fn id(item: &AppWorkflowRunAttributes) -> Option<&str> {
        item.qualified_name.as_deref()
    }

    fn created(item: &AppWorkflowRunAttributes) -> Option<Timestamp> {
        item.started_at
            .and_then(|millis| Timestamp::from_millisecond(millis).ok())
    }
}
