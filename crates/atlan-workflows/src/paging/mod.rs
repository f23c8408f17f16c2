//! Pages of search results, and a stream that walks every page.

use atlan_model::{TotalHits, TotalHitsRelation, WorkflowSearchResponse, WorkflowSearchResult};
use atlan_query::workflows::{METADATA, default_sort};
use atlan_query::{Index, Query, Search, Timestamp};
use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;
use futures_util::{FutureExt, StreamExt, TryStreamExt, stream};

use crate::client::AtlanClient;
use crate::error::Result;
use crate::requests::index_search;

/// One page of results.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The results of this page.
    pub items: Vec<T>,
    /// How many results match in all, as the server counted them.
    pub total: Option<TotalHits>,
    /// The position of the first result of this page.
    pub from: u64,
    /// The page size asked for.
    pub size: u64,
}

impl<T> Page<T> {
    /// Whether no page follows: this one is short (or empty), or it reaches the exact total.
    pub fn is_last(&self) -> bool {
        let end = self.from + self.items.len() as u64;
        (self.items.len() as u64) < self.size
            || self.total.as_ref().is_some_and(|total| {
                total.relation != Some(TotalHitsRelation::Gte) && end >= total.value
            })
    }
}

pub(crate) mod ahead;
pub(crate) mod app_runs;

pub use ahead::{DEFAULT_CONCURRENCY, MAX_CONCURRENCY};

/// A search over `workflows/indexsearch` or `runs/indexsearch`, fetched page by page.
#[derive(Debug, Clone)]
pub(crate) struct Pager {
    pub(crate) client: AtlanClient,
    pub(crate) operation: &'static str,
    pub(crate) index: Index,
    pub(crate) search: Search,
    /// Pages in flight at once after the first.
    pub(crate) concurrency: usize,
}

impl Pager {
    /// The page the search asks for.
    ///
    /// # Errors
    /// As [`AtlanClient::execute`]; [`crate::Error::BrokenListing`] when a result comes twice in
    /// the page.
    pub(crate) async fn page(&self) -> Result<Page<WorkflowSearchResult>> {
        let fetched = fetch(&self.client, self.operation, self.index, &self.search).await?;
        ahead::check_page(self.operation, &fetched.items, |item| {
            Some(item.id.as_str())
        })?;
        Ok(Page {
            items: fetched.items,
            total: fetched.total,
            from: self.search.from,
            size: self.search.size,
        })
    }

    /// [`Pager::stream`] for a search that may not have been built: an invalid one is a stream
    /// of its one error.
    pub(crate) fn stream_of(
        pager: Result<Self>,
    ) -> BoxStream<'static, Result<WorkflowSearchResult>> {
        match pager {
            Ok(pager) => pager.stream(),
            Err(error) => stream::once(async move { Err(error) }).boxed(),
        }
    }

    /// [`Pager::pages`] for a search that may not have been built.
    pub(crate) fn pages_of(
        pager: Result<Self>,
    ) -> BoxStream<'static, Result<Page<WorkflowSearchResult>>> {
        match pager {
            Ok(pager) => pager.pages(),
            Err(error) => stream::once(async move { Err(error) }).boxed(),
        }
    }

    /// Every result from the search's `from` on, a few pages in memory at a time.
    pub(crate) fn stream(self) -> BoxStream<'static, Result<WorkflowSearchResult>> {
        self.pages()
            .map_ok(|page| stream::iter(page.items.into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }

    /// Every page from the search's `from` on, fetched ahead ([`ahead`]). Each page's `from` is
    /// its position in the whole listing and its `total` the listing's (the first page's count).
    ///
    /// With Atlan's default sort (newest first) and `from` 0 the listing is pinned to the runs
    /// created up to its first result, and goes past the 10,000-result window by creation time.
    pub(crate) fn pages(self) -> BoxStream<'static, Result<Page<WorkflowSearchResult>>> {
        let plan = ahead::Plan {
            start: self.search.from,
            size: self.search.size,
            concurrency: self.concurrency,
        };
        ahead::pages(self, plan)
    }
}

impl ahead::Source for Pager {
    type Item = WorkflowSearchResult;

    fn operation(&self) -> &'static str {
        self.operation
    }

    fn anchored(&self) -> bool {
        self.search.sort == [default_sort()]
    }

    fn fetch(
        &self,
        anchor: Option<ahead::Anchor>,
        from: u64,
        size: u64,
    ) -> BoxFuture<'static, Result<ahead::Fetched<WorkflowSearchResult>>> {
        let mut search = self.search.clone();
        if let Some(anchor) = anchor {
            // Newest first: the window holds what was created at or before its anchor.
            let before = Query::nested(
                METADATA,
                Query::range("metadata.creationTimestamp").lte(anchor.created.to_string()),
            );
            search.query = Some(match search.query.take() {
                Some(query) => Query::bool().filter(query).filter(before).into(),
                None => Query::bool().filter(before).into(),
            });
        }
        search.from = from;
        search.size = size;
        let client = self.client.clone();
        let (operation, index) = (self.operation, self.index);
        async move { fetch(&client, operation, index, &search).await }.boxed()
    }

    fn id(item: &WorkflowSearchResult) -> Option<&str> {
        Some(&item.id)
    }

    fn created(item: &WorkflowSearchResult) -> Option<Timestamp> {
        creation_time(item)
    }
}

/// A result's creation time: its sort value (epoch milliseconds under the default sort), else its
/// `metadata.creationTimestamp`.
fn creation_time(result: &WorkflowSearchResult) -> Option<Timestamp> {
    let from_sort = result
        .sort
        .as_deref()
        .and_then(<[_]>::first)
        .and_then(serde_json::Value::as_i64)
        .and_then(|millis| Timestamp::from_millisecond(millis).ok());
    from_sort.or_else(|| {
        result
            .source
            .metadata
            .creation_timestamp
            .as_deref()
            .and_then(atlan_query::parse_date)
    })
}

async fn fetch(
    client: &AtlanClient,
    operation: &'static str,
    index: Index,
    search: &Search,
) -> Result<ahead::Fetched<WorkflowSearchResult>> {
    let request = index_search(operation, index, search)?;
    let (response, throttled): (WorkflowSearchResponse, bool) =
        client.execute_json_noting_throttling(&request).await?;
    let total = response.hits.total.clone();
    Ok(ahead::Fetched {
        items: response.into_hits(),
        total,
        throttled,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(items: usize, total: Option<(u64, bool)>, from: u64, size: u64) -> Page<()> {
        Page {
            items: vec![(); items],
            total: total.map(|(value, gte)| {
                let mut total = TotalHits::exact(value);
                if gte {
                    total.relation = Some(TotalHitsRelation::Gte);
                }
                total
            }),
            from,
            size,
        }
    }

    #[test]
    fn the_last_page_is_short_or_reaches_an_exact_total() {
        assert!(page(0, None, 0, 10).is_last());
        assert!(page(3, None, 0, 10).is_last());
        assert!(!page(10, None, 0, 10).is_last());
        assert!(page(10, Some((20, false)), 10, 10).is_last());
        assert!(!page(10, Some((20, false)), 0, 10).is_last());
        assert!(
            !page(10, Some((10_000, true)), 9_990, 10).is_last(),
            "a lower bound goes on"
        );
    }
}
