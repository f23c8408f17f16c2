//! The legacy searches (`workflows/indexsearch`, `runs/indexsearch`) as pages for the engine.

use atlan_model::{WorkflowSearchResponse, WorkflowSearchResult};
use atlan_query::workflows::{METADATA, default_sort};
use atlan_query::{Index, Query, Search, Timestamp};
use futures_util::FutureExt;

use super::ahead::{Anchor, Fetched, Fetching};
use crate::client::AtlanClient;
use crate::requests::index_search;

/// Whether `search` lists newest first by creation time (Atlan's default sort), so that its
/// listing can be pinned.
pub(crate) fn anchored(search: &Search) -> bool {
    search.sort == [default_sort()]
}

/// `size` results of `search` at `from`: of the search itself, or (with an anchor) of the
/// results created at or before the anchor.
pub(crate) fn fetch(
    client: &AtlanClient,
    operation: &'static str,
    index: Index,
    search: &Search,
    anchor: Option<Anchor>,
    from: u64,
    size: u64,
) -> Fetching<WorkflowSearchResult> {
    let mut search = search.clone();
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
    let client = client.clone();
    async move {
        let request = index_search(operation, index, &search)?;
        let (response, throttled): (WorkflowSearchResponse, bool) =
            client.execute_json_noting_throttling(&request).await?;
        let total = response.hits.total.clone();
        Ok(Fetched {
            items: response.into_hits(),
            total,
            throttled,
        })
    }
    .boxed()
}

/// A result's id.
pub(crate) fn id(result: &WorkflowSearchResult) -> Option<&str> {
    Some(&result.id)
}

/// A result's creation time: its sort value (epoch milliseconds under the default sort), else its
/// `metadata.creationTimestamp`.
pub(crate) fn created(result: &WorkflowSearchResult) -> Option<Timestamp> {
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

/// A legacy listing's query: `impl ListingQuery for $query` over the legacy index `$index`
/// (`Runs` or `Workflows`), with the query's own `operation` and `ready` (which makes the
/// [`Search`]) and the engine's side, the same for every legacy listing; sealed.
macro_rules! legacy_listing {
    ($query:ty, $index:ident, { $($own:tt)* }) => {
        impl $crate::sealed::Sealed for $query {}

        impl $crate::listing::ListingQuery for $query {
            type Item = ::atlan_model::WorkflowSearchResult;
            type Ready = ::atlan_query::Search;

            $($own)*

            legacy_listing!(@source $index);
        }
    };
    (@source $index:ident) => {
        fn anchored(search: &::atlan_query::Search) -> bool {
            $crate::paging::legacy::anchored(search)
        }

        fn fetch(
            client: &$crate::AtlanClient,
            operation: &'static str,
            search: &::atlan_query::Search,
            anchor: Option<$crate::paging::ahead::Anchor>,
            from: u64,
            size: u64,
        ) -> ::futures_util::future::BoxFuture<
            'static,
            $crate::Result<$crate::paging::ahead::Fetched<::atlan_model::WorkflowSearchResult>>,
        > {
            $crate::paging::legacy::fetch(
                client,
                operation,
                ::atlan_query::Index::$index,
                search,
                anchor,
                from,
                size,
            )
        }

        fn id(result: &::atlan_model::WorkflowSearchResult) -> Option<&str> {
            $crate::paging::legacy::id(result)
        }

        fn created(
            result: &::atlan_model::WorkflowSearchResult,
        ) -> Option<::atlan_query::Timestamp> {
            $crate::paging::legacy::created(result)
        }
    };
}

pub(crate) use legacy_listing;
