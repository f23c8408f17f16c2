//! [`Listing`]: a listing fetched as one page, every page, or every result, whatever it lists.
//! Every offset-paged listing of the facade is a `Listing` of its query: legacy workflows
//! ([`crate::WorkflowList`]), legacy runs
//! ([`crate::RunList`], [`crate::RunSearch`]), app runs ([`crate::AppRunSearch`]) and stored
//! credentials ([`crate::CredentialList`]); they page the same way, through one engine. The
//! cursor-paged listing of app workflows ([`crate::AppWorkflowList`]) has the same surface.

use std::fmt;

use atlan_query::Timestamp;
use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;
use futures_util::{FutureExt, StreamExt, TryStreamExt, stream};

use crate::client::AtlanClient;
use crate::error::Result;
use crate::paging::ahead::{self, Anchor, Fetching};
use crate::paging::{DEFAULT_CONCURRENCY, Page};
use crate::sealed::Sealed;

/// Results per page when none is set.
pub const DEFAULT_PAGE_SIZE: u64 = 100;

/// Every listing of the facade, offset-paged ([`Listing`]) or cursor-paged
/// ([`crate::AppWorkflowList`]): one page, every page, or every result. Code that takes any
/// listing (a printer, a collector) takes this. Sealed; each listing has the same methods of its
/// own, so calling them needs no import.
pub trait Paginated: Sealed + Sized + Send + 'static {
    /// What it lists.
    type Item: Send + 'static;

    /// The page asked for (its position and size as set).
    fn page(&self) -> impl Future<Output = Result<Page<Self::Item>>> + Send;

    /// Every page from the one asked for, as they arrive.
    fn pages(self) -> BoxStream<'static, Result<Page<Self::Item>>>;

    /// Every result, one by one; an error ends the stream after the results before it.
    fn stream(self) -> BoxStream<'static, Result<Self::Item>> {
        self.pages()
            .map_ok(|page| stream::iter(page.items.into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }

    /// Every result, gathered (the first error fails it): for listings known to be small, such as
    /// a tenant's app workflows.
    fn all(self) -> BoxFuture<'static, Result<Vec<Self::Item>>> {
        FutureExt::boxed(self.stream().try_collect())
    }
}

impl<Q: ListingQuery> Sealed for Listing<Q> {}

impl<Q: ListingQuery> Paginated for Listing<Q> {
    type Item = Q::Item;

    fn page(&self) -> impl Future<Output = Result<Page<Q::Item>>> + Send {
        Listing::page(self)
    }

    fn pages(self) -> BoxStream<'static, Result<Page<Q::Item>>> {
        Listing::pages(self)
    }
}

/// What a [`Listing`] lists: how it fetches a page at a position. Implemented by the facade's
/// queries only (sealed); its hidden methods are the engine's and may change.
pub trait ListingQuery: Sealed + Clone + fmt::Debug + Send + Sync + 'static {
    /// What the listing yields.
    type Item: Send + 'static;
    /// The query made ready to fetch pages (a search, a filter), once checked.
    #[doc(hidden)]
    type Ready: Send + Sync + 'static;

    /// The operation's name, such as `runs.search`.
    fn operation(&self) -> &'static str;

    /// Checks the query and makes it ready for pages of `size` results from `from`.
    ///
    /// # Errors
    /// [`crate::Error::InvalidInput`] when the query or the page cannot make a valid request.
    #[doc(hidden)]
    fn ready(&self, from: u64, size: u64) -> Result<Self::Ready>;

    /// Whether results come newest first by creation time, so that a listing from its first
    /// result can be pinned.
    #[doc(hidden)]
    fn anchored(ready: &Self::Ready) -> bool;

    /// `size` results at `from` for `operation` (the query's name): of the query itself, or of the results created at or before the
    /// anchor.
    #[doc(hidden)]
    fn fetch(
        client: &AtlanClient,
        operation: &'static str,
        ready: &Self::Ready,
        anchor: Option<Anchor>,
        from: u64,
        size: u64,
    ) -> Fetching<Self::Item>;

    /// What tells a result from the others.
    #[doc(hidden)]
    fn id(item: &Self::Item) -> Option<&str>;

    /// When a result was created.
    #[doc(hidden)]
    fn created(item: &Self::Item) -> Option<Timestamp>;
}

/// A listing: set where it starts and the page size, then fetch `.page()` (one page, with the
/// total), `.pages()` (every page) or `.stream()` (every result). Its query's own options are set
/// on it too (see [`crate::RunList`], [`crate::RunSearch`], [`crate::AppRunSearch`] and
/// [`crate::CredentialList`]).
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

    /// One page.
    ///
    /// # Errors
    /// [`crate::Error::InvalidInput`] when the query or the page is invalid (a size of 0, a page
    /// past 10,000 results, a time bound that is not a time), before anything is sent;
    /// [`crate::Error::BrokenListing`] when a result comes twice in the page; otherwise as
    /// [`AtlanClient::execute`].
    pub async fn page(&self) -> Result<Page<Q::Item>> {
        let ready = self.query.ready(self.from, self.size)?;
        let fetched = Q::fetch(
            &self.client,
            self.query.operation(),
            &ready,
            None,
            self.from,
            self.size,
        )
        .await?;
        ahead::check_page(self.query.operation(), &fetched.items, Q::id)?;
        Ok(Page::offset(
            fetched.items,
            fetched.total,
            self.from,
            self.size,
        ))
    }

    /// Every result from `from` on, in order and each once, fetched as the stream is read with
    /// up to [`Listing::concurrency`] pages in flight after the first; it owns a client clone,
    /// so it can outlive the handler. It ends after a short page, or when the total is reached.
    ///
    /// **What it is a snapshot of.** From `from` 0, a listing whose results come newest first
    /// (Atlan's default sort of runs; app runs by start time) is pinned to what was created up
    /// to its first result: results created while it runs are not listed and do not shift its
    /// pages. Each page after the first also asks for the last result of the page before it;
    /// when that one moved (a result entered or left the search meanwhile, such as a run that
    /// finished), the pages fetched ahead are dropped and the listing goes on from the last
    /// result yielded by creation time, as a sequential walk would. So no result is yielded
    /// twice, and none that matched throughout is skipped; a result that started to match after
    /// its place was passed is not listed. The walk goes past Elasticsearch's 10,000-result
    /// window the same way. Another sort or `from` cannot resume: a shift ends the stream with
    /// [`crate::Error::ListingChanged`].
    ///
    /// Memory holds at most `concurrency` pages besides the one being read. An error ends the
    /// stream after every result before it: never a silent gap; a server that repeats itself
    /// ends it with [`crate::Error::BrokenListing`].
    ///
    /// The stream is boxed (`Unpin`, `Send`): `while let Some(run) = stream.try_next().await?`
    /// works as is. An invalid listing is a stream of its one error.
    pub fn stream(self) -> BoxStream<'static, Result<Q::Item>> {
        Paginated::stream(self)
    }

    /// The same walk as [`Listing::stream`], a page at a time: each [`Page`] has its position in
    /// the whole listing (`from`) and the listing's total as the first page counted it, for a
    /// progress line without a request of its own.
    pub fn pages(self) -> BoxStream<'static, Result<Page<Q::Item>>> {
        let ready = ahead::check_concurrency(self.concurrency)
            .and_then(|concurrency| Ok((concurrency, self.query.ready(self.from, self.size)?)));
        match ready {
            Ok((concurrency, ready)) => {
                let plan = ahead::Plan {
                    start: self.from,
                    size: self.size,
                    concurrency,
                };
                let walk = Walk::<Q> {
                    client: self.client,
                    operation: self.query.operation(),
                    ready,
                };
                ahead::pages(walk, plan)
            }
            Err(error) => stream::once(async move { Err(error) }).boxed(),
        }
    }
}

/// A ready query and its client: what the engine fetches pages from.
struct Walk<Q: ListingQuery> {
    client: AtlanClient,
    operation: &'static str,
    ready: Q::Ready,
}

impl<Q: ListingQuery> ahead::Source for Walk<Q> {
    type Item = Q::Item;

    fn operation(&self) -> &'static str {
        self.operation
    }

    fn anchored(&self) -> bool {
        Q::anchored(&self.ready)
    }

    fn fetch(&self, anchor: Option<Anchor>, from: u64, size: u64) -> Fetching<Q::Item> {
        Q::fetch(
            &self.client,
            self.operation,
            &self.ready,
            anchor,
            from,
            size,
        )
    }

    fn id(item: &Q::Item) -> Option<&str> {
        Q::id(item)
    }

    fn created(item: &Q::Item) -> Option<Timestamp> {
        Q::created(item)
    }
}
