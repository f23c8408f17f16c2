//! Pages of search results, and a stream that walks every page.

use atlan_model::{TotalHits, TotalHitsRelation, WorkflowSearchResponse, WorkflowSearchResult};
use atlan_query::workflows::{METADATA, default_sort};
use atlan_query::{Index, MAX_RESULT_WINDOW, Query, Search, Timestamp};
use futures_util::stream::BoxStream;
use futures_util::{StreamExt, TryStreamExt, stream};

use crate::client::AtlanClient;
use crate::error::{Error, Result};
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

/// A search over `workflows/indexsearch` or `runs/indexsearch`, fetched page by page.
#[derive(Debug, Clone)]
pub(crate) struct Pager {
    pub(crate) client: AtlanClient,
    pub(crate) operation: &'static str,
    pub(crate) index: Index,
    pub(crate) search: Search,
}

impl Pager {
    /// The page the search asks for.
    pub(crate) async fn page(&self) -> Result<Page<WorkflowSearchResult>> {
        fetch(&self.client, self.operation, self.index, &self.search).await
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

    /// Every result from the search's `from` on, one page in memory at a time.
    pub(crate) fn stream(self) -> BoxStream<'static, Result<WorkflowSearchResult>> {
        self.pages()
            .map_ok(|page| stream::iter(page.items.into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }

    /// Every page from the search's `from` on. Each page's `from` is its position in the whole
    /// listing and its `total` the listing's (the first page's count).
    ///
    /// With Atlan's default sort (newest first) and `from` 0, pages after the first continue from
    /// the last creation time seen (keyset paging) instead of a growing `from`: nothing is missed
    /// or repeated when runs are created meanwhile, and the walk is not stopped by Elasticsearch's
    /// 10,000-result window.
    pub(crate) fn pages(self) -> BoxStream<'static, Result<Page<WorkflowSearchResult>>> {
        let keyset = self.search.from == 0 && self.search.sort == [default_sort()];
        let state = Walk {
            pager: self,
            keyset,
            next_from: None,
            seen: 0,
            total: None,
            last: None,
            done: false,
        };
        stream::try_unfold(state, |mut walk| async move {
            if walk.done {
                return Ok::<_, Error>(None);
            }
            let search = walk.next_search()?;
            let mut page = fetch(
                &walk.pager.client,
                walk.pager.operation,
                walk.pager.index,
                &search,
            )
            .await?;
            page.from = walk.pager.search.from + walk.seen;
            walk.advance(&page);
            page.total.clone_from(&walk.total);
            Ok(Some((page, walk)))
        })
        .boxed()
    }
}

/// Where a walk over the pages is.
struct Walk {
    pager: Pager,
    /// Whether pages continue from the last creation time seen.
    keyset: bool,
    /// The `from` of the next page in offset paging (`None`: the search's own).
    next_from: Option<u64>,
    seen: u64,
    total: Option<TotalHits>,
    /// Keyset: the last creation time seen, and how many results seen had it.
    last: Option<(Timestamp, u64)>,
    done: bool,
}

impl Walk {
    fn next_search(&self) -> Result<Search> {
        let mut search = self.pager.search.clone();
        match (&self.last, self.keyset) {
            (Some((created, ties)), true) => {
                // Newest first: the rest is at or before the last creation time; skip the results
                // already seen at that very instant (ties keep their order between requests).
                let before = Query::nested(
                    METADATA,
                    Query::range("metadata.creationTimestamp").lte(created.to_string()),
                );
                search.query = Some(match search.query.take() {
                    Some(query) => Query::bool().filter(query).filter(before).into(),
                    None => Query::bool().filter(before).into(),
                });
                search.from = *ties;
            }
            _ => {
                if let Some(from) = self.next_from {
                    search.from = from;
                }
            }
        }
        if search.from + search.size > MAX_RESULT_WINDOW {
            return Err(Error::invalid(format!(
                "a search cannot page past {MAX_RESULT_WINDOW} results unless it keeps Atlan's \
                 default sort and starts at 0"
            )));
        }
        Ok(search)
    }

    fn advance(&mut self, page: &Page<WorkflowSearchResult>) {
        if self.total.is_none() {
            self.total = page.total.clone();
        }
        self.seen += page.items.len() as u64;
        self.next_from = Some(page.from + page.items.len() as u64);
        for item in &page.items {
            match (creation_time(item), &mut self.last) {
                (Some(created), Some((last, ties))) if created == *last => *ties += 1,
                (Some(created), last) => *last = Some((created, 1)),
                // A result without a creation time: keyset paging cannot continue from it.
                (None, _) => self.keyset = false,
            }
        }
        let reached_total = self.total.as_ref().is_some_and(|total| {
            total.relation != Some(TotalHitsRelation::Gte)
                && self.pager.search.from + self.seen >= total.value
        });
        self.done = page.items.is_empty()
            || (page.items.len() as u64) < self.pager.search.size
            || reached_total;
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
) -> Result<Page<WorkflowSearchResult>> {
    let request = index_search(operation, index, search)?;
    let response: WorkflowSearchResponse = client.execute_json(&request).await?;
    let total = response.hits.total.clone();
    Ok(Page {
        items: response.into_hits(),
        total,
        from: search.from,
        size: search.size,
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
