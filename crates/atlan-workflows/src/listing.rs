//! [`Listing`]: a search fetched as one page, every page, or every result, whatever it searches
//! for. The facade's listings are `Listing`s of their query ([`crate::RunList`],
//! [`crate::RunSearch`]): paging works the same for all of them.

use std::fmt;

use atlan_model::WorkflowSearchResult;
use atlan_query::{Index, Search};
use futures_util::stream::BoxStream;

use crate::client::AtlanClient;
use crate::error::Result;
use crate::paging::{DEFAULT_CONCURRENCY, Page, Pager, ahead};

/// Results per page when none is set.
pub const DEFAULT_PAGE_SIZE: u64 = 100;

pub(crate) mod sealed {
    /// Only the facade's queries are listed.
    pub trait Sealed {}
}

/// What a [`Listing`] searches for: it builds the search of the page at `from`. Implemented by the
/// facade's queries only (sealed).
pub trait ListingQuery: sealed::Sealed + Clone + fmt::Debug + Send + Sync + 'static {
    /// The operation's name, such as `runs.search`.
    fn operation(&self) -> &'static str;

    /// The index searched.
    fn index(&self) -> Index;

    /// The search of the page of `size` results at `from`.
    ///
    /// # Errors
    /// [`crate::Error::InvalidInput`] when the query or the page cannot make a valid search.
    fn search(&self, from: u64, size: u64) -> Result<Search>;
}

/// A listing: set where it starts and the page size, then fetch `.page()` (one page, with the
/// total), `.pages()` (every page) or `.stream()` (every result). Its query's own options are set
/// on it too (see [`crate::RunList`] and [`crate::RunSearch`]).
#[derive(Debug, Clone)]
#[must_use = "a listing does nothing until .page(), .pages() or .stream()"]
pub struct Listing<Q> {
    client: AtlanClient,
    pub(crate) query: Q,
    from: u64,
    size: u64,
    concurrency: usize,
}

impl<Q: ListingQuery> Listing<Q> {
    pub(crate) fn new(client: AtlanClient, query: Q) -> Self {
        Self {
            client,
            query,
            from: 0,
            size: DEFAULT_PAGE_SIZE,
            concurrency: DEFAULT_CONCURRENCY,
        }
    }

    /// Starts at this result (default 0).
    pub fn from(mut self, from: u64) -> Self {
        self.from = from;
        self
    }

    /// Results per page (default 100).
    pub fn size(mut self, size: u64) -> Self {
        self.size = size;
        self
    }

    /// How many pages [`Listing::stream`] and [`Listing::pages`] keep in flight after the
    /// first: 1 to [`crate::MAX_CONCURRENCY`] (32), default [`crate::DEFAULT_CONCURRENCY`] (8).
    /// With `n` in flight, 100 pages cost about `1 + 99/n` round trips; results still come out in
    /// order, and a 429 or 503 halves it for the rest of the listing. 1 fetches one page after
    /// another. Another value makes the stream a stream of one [`crate::Error::InvalidInput`].
    pub fn concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency;
        self
    }

    fn pager(&self) -> Result<Pager> {
        Ok(Pager {
            client: self.client.clone(),
            operation: self.query.operation(),
            index: self.query.index(),
            search: self.query.search(self.from, self.size)?,
            concurrency: ahead::check_concurrency(self.concurrency)?,
        })
    }

    /// One page.
    ///
    /// # Errors
    /// [`crate::Error::InvalidInput`] when the query or the page is invalid (a size of 0, a page
    /// past 10,000 results); otherwise as [`AtlanClient::execute`].
    pub async fn page(&self) -> Result<Page<WorkflowSearchResult>> {
        self.pager()?.page().await
    }

    /// Every result from `from` on, in order and each once, fetched as the stream is read with
    /// up to [`Listing::concurrency`] pages in flight after the first; it owns a client clone,
    /// so it can outlive the handler. It ends after a short page, or when the total is reached.
    ///
    /// **What it is a snapshot of.** With `from` 0 and Atlan's default sort (newest first), the
    /// listing is pinned to what was created up to its first result: runs created while it runs
    /// are not listed and do not shift its pages. Each page after the first also asks for the
    /// last result of the page before it; when that one moved (a result entered or left the
    /// search meanwhile, such as a run that finished), the pages fetched ahead are dropped and
    /// the listing goes on from the last result yielded by creation time, as a sequential walk
    /// would. So no result is yielded twice, and none that matched throughout is skipped; a
    /// result that started to match after its place was passed is not listed. The walk goes
    /// past Elasticsearch's 10,000-result window the same way. Another sort or `from` cannot
    /// resume: a shift ends the stream with [`crate::Error::ListingChanged`].
    ///
    /// Memory holds at most `concurrency` pages besides the one being read. An error ends the
    /// stream after every result before it: never a silent gap.
    ///
    /// The stream is boxed (`Unpin`, `Send`): `while let Some(run) = stream.try_next().await?`
    /// works as is. An invalid listing is a stream of its one error.
    pub fn stream(self) -> BoxStream<'static, Result<WorkflowSearchResult>> {
        Pager::stream_of(self.pager())
    }

    /// The same walk as [`Listing::stream`], a page at a time: each [`Page`] has its position in
    /// the whole listing (`from`) and the listing's total as the first page counted it, for a
    /// progress line without a request of its own.
    pub fn pages(self) -> BoxStream<'static, Result<Page<WorkflowSearchResult>>> {
        Pager::pages_of(self.pager())
    }
}
