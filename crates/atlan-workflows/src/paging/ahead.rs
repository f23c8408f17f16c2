//! Fetching pages ahead: the engine under the facade's offset-paged listings.
//!
//! The first page is fetched alone: it gives the total and pins the listing. Then up to
//! `concurrency` pages are in flight at once, and come out in order.
//!
//! - **Pinned.** When results come newest first by creation time from the first one (a
//!   [`Source::anchored`] listing), every later page asks only for results created at or before
//!   the first result: runs created while the listing runs do not shift the pages, and are not
//!   listed. The listing is a snapshot of what existed when its first page was answered.
//! - **Checked.** Every page after the first asks for one result more, in front: the last result
//!   of the page before it. When that result is not there, the pages shifted (a result entered or
//!   left the search in between, such as a run that finished). An anchored listing then drops
//!   the pages fetched ahead and goes on from the last result it yielded, by creation time, as
//!   the sequential walk does; any other listing ends with [`Error::ListingChanged`]. Either way
//!   nothing is yielded twice and no result that matched throughout is skipped.
//! - **Windows.** Elasticsearch answers no page past 10,000 results. An anchored listing starts
//!   a new window there: results created at or before the last one yielded, after those of them
//!   already yielded. What is left is known from the first count, so the new window's pages go
//!   out together, as many as the concurrency allows.
//! - **Throttled.** An answer that came after a 429 or 503 (the transport retried it, honouring
//!   `Retry-After`) halves the concurrency for the rest of the listing, down to one.
//! - **Each once.** A result the listing already yielded (on an earlier page, or earlier in the
//!   same page), or, newest first, a result newer than one before it, ends the listing with
//!   [`Error::BrokenListing`] after the results before it: a server that repeats itself never makes
//!   a listing yield a duplicate or go round forever. What this remembers is bounded: newest first,
//!   the ids of the results created at the last result's instant; otherwise (a listing that cannot
//!   pass 10,000 results) the ids it yielded.
//! - **Bounded.** At most `concurrency` pages are in memory besides the one being read. A failed
//!   page ends the stream with its error after every page before it.
//! - **Side by side.** On a Tokio runtime each page in flight is a task of its own: on a
//!   multi-threaded runtime the answers are decoded in parallel, and they go on while the reader
//!   is busy with the page before (printing it, say). Dropping the listing aborts them.

use std::collections::HashSet;
use std::sync::Arc;

use atlan_model::{TotalHits, TotalHitsRelation};
use atlan_query::{MAX_RESULT_WINDOW, Timestamp};
use futures_util::future::BoxFuture;
use futures_util::stream::{BoxStream, FuturesOrdered};
use futures_util::{FutureExt, StreamExt, stream};

use super::Page;
use crate::error::{Error, ListingProblem, Result};

/// Pages in flight at once when a listing does not say: enough for 100 pages to cost about 13
/// round trips instead of 100, and few enough that a tenant's rate limit is not the first thing
/// a listing meets.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// The most pages a listing may have in flight at once.
pub const MAX_CONCURRENCY: usize = 32;

/// A page's fetch (its request and the decode of its answer) as a task of its own on the current
/// Tokio runtime, so that the pages in flight are decoded side by side on a multi-threaded runtime
/// and go on while the listing's reader is busy with the page before; polled in place where there
/// is no runtime. Dropping it (a listing dropped, pages fetched ahead thrown away) aborts the task;
/// a panic in it is the reader's, as it would be in place.
fn spawned<T: Send + 'static>(
    fetch: BoxFuture<'static, Result<Fetched<T>>>,
) -> BoxFuture<'static, Result<Fetched<T>>> {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return fetch;
    };
    let mut task = AbortOnDrop(runtime.spawn(fetch));
    async move {
        match (&mut task.0).await {
            Ok(answer) => answer,
            Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
            // Cancelled: only by the runtime shutting down, which drops the reader too.
            Err(_) => std::future::pending().await,
        }
    }
    .boxed()
}

/// A task aborted when its handle is dropped.
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Checks a concurrency asked for: 1 to [`MAX_CONCURRENCY`].
///
/// # Errors
/// [`Error::InvalidInput`] for 0 or more than [`MAX_CONCURRENCY`].
pub(crate) fn check_concurrency(concurrency: usize) -> Result<usize> {
    if (1..=MAX_CONCURRENCY).contains(&concurrency) {
        Ok(concurrency)
    } else {
        Err(Error::invalid(format!(
            "a listing's concurrency must be between 1 and {MAX_CONCURRENCY}, not {concurrency}"
        )))
    }
}

/// Checks a page fetched alone: [`Error::BrokenListing`] naming the first id that comes twice.
///
/// # Errors
/// When an id repeats.
pub(crate) fn check_page<'a, T>(
    operation: &'static str,
    items: &'a [T],
    id: impl Fn(&'a T) -> Option<&'a str>,
) -> Result<()> {
    let mut seen = HashSet::new();
    match items.iter().filter_map(id).find(|id| !seen.insert(*id)) {
        None => Ok(()),
        Some(id) => Err(Error::BrokenListing {
            operation,
            position: 0,
            problem: ListingProblem::RepeatedResult { id: id.to_owned() },
        }),
    }
}

/// Where an anchored window starts: the results created at or before `created`, after the first
/// `skip` of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Anchor {
    pub(crate) created: Timestamp,
    pub(crate) skip: u64,
}

/// One answer of a [`Source`].
#[derive(Debug)]
pub struct Fetched<T> {
    pub(crate) items: Vec<T>,
    pub(crate) total: Option<TotalHits>,
    /// The server asked to slow down before it answered.
    pub(crate) throttled: bool,
}

/// What a listing fetches its pages from.
pub(crate) trait Source: Send + Sync + 'static {
    /// What it lists.
    type Item: Send + 'static;

    /// The operation's name, for errors.
    fn operation(&self) -> &'static str;

    /// Whether results come newest first by creation time from the very first one, so that the
    /// listing can be pinned and windows anchored.
    fn anchored(&self) -> bool;

    /// `size` results at `from`: of the listing's own search (no anchor), or of the window of
    /// results created at or before `anchor.created` (`from` counts within the window).
    fn fetch(&self, anchor: Option<Anchor>, from: u64, size: u64) -> Fetching<Self::Item>;

    /// What tells a result from the others.
    fn id(item: &Self::Item) -> Option<&str>;

    /// When a result was created (`None`: the listing cannot anchor on it).
    fn created(item: &Self::Item) -> Option<Timestamp>;
}

/// The listing's first result, page size and concurrency.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Plan {
    pub(crate) start: u64,
    pub(crate) size: u64,
    pub(crate) concurrency: usize,
}

/// Every page of `source`, as the module describes.
pub(crate) fn pages<S: Source>(source: S, plan: Plan) -> BoxStream<'static, Result<Page<S::Item>>> {
    let engine = Engine {
        anchored: source.anchored() && plan.start == 0,
        source: Arc::new(source),
        size: plan.size,
        concurrency: plan.concurrency.clamp(1, MAX_CONCURRENCY),
        window: Window {
            anchor: None,
            base: plan.start,
            next: 0,
            end: None,
        },
        in_flight: FuturesOrdered::new(),
        yielded: 0,
        start: plan.start,
        last: None,
        total: None,
        done: false,
        seen: HashSet::new(),
        pending: None,
    };
    stream::unfold(engine, |mut engine| async move {
        let page = engine.next_page().await?;
        Some((page, engine))
    })
    .boxed()
}

/// The window being walked.
#[derive(Debug)]
struct Window {
    /// `None`: the listing's own search, before it is pinned.
    anchor: Option<Anchor>,
    /// The `from` of the window's first result.
    base: u64,
    /// The offset (from `base`) of the next page to ask for.
    next: u64,
    /// The total as the latest answer in this window counted it (`None`: no answer yet).
    end: Option<TotalHits>,
}

/// The last result yielded.
#[derive(Debug)]
struct Last {
    id: Option<String>,
    created: Option<Timestamp>,
    /// How many results yielded in a row were created at that same instant.
    ties: u64,
}

type Answer<T> = (u64, Result<Fetched<T>>);

/// A page being fetched.
pub(crate) type Fetching<T> = BoxFuture<'static, Result<Fetched<T>>>;

struct Engine<S: Source> {
    source: Arc<S>,
    size: u64,
    concurrency: usize,
    anchored: bool,
    window: Window,
    /// Pages asked for, by offset in the window, in order.
    in_flight: FuturesOrdered<BoxFuture<'static, Answer<S::Item>>>,
    yielded: u64,
    start: u64,
    last: Option<Last>,
    /// The listing's total, as its first page counted it.
    total: Option<TotalHits>,
    done: bool,
    /// The ids yielded that a later result could repeat: newest first, those created at the last
    /// result's instant; otherwise every one.
    seen: HashSet<String>,
    /// An error to end with, after the results before it were yielded.
    pending: Option<Error>,
}

/// What to do with an answer.
enum Verdict<T> {
    /// Yield these results; `last` when no page follows.
    Yield { items: Vec<T>, last: bool },
    /// The pages shifted under the listing.
    Shifted,
}

impl<S: Source> Engine<S> {
    async fn next_page(&mut self) -> Option<Result<Page<S::Item>>> {
        loop {
            if let Some(error) = self.pending.take() {
                return Some(Err(error));
            }
            if self.done {
                return None;
            }
            if let Err(error) = self.ask() {
                return Some(Err(self.stop(error)));
            }
            let Some((offset, answer)) = self.in_flight.next().await else {
                // Nothing could be asked: this window is used up (its 10,000 results).
                if let Err(error) = self.next_window() {
                    return Some(Err(self.stop(error)));
                }
                continue;
            };
            let fetched = match answer {
                Ok(fetched) => fetched,
                Err(error) => return Some(Err(self.stop(error))),
            };
            if fetched.throttled && self.concurrency > 1 {
                self.concurrency /= 2;
                tracing::debug!(
                    operation = self.source.operation(),
                    concurrency = self.concurrency,
                    "the server asked to slow down: fewer pages in flight"
                );
            }
            let total = fetched.total.clone();
            match self.verdict(offset, fetched) {
                Ok(Verdict::Yield { items, last }) => {
                    return Some(self.yielded_answer(items, last, total));
                }
                Ok(Verdict::Shifted) => {
                    if let Err(error) = self.shifted(offset) {
                        return Some(Err(self.stop(error)));
                    }
                }
                Err(error) => return Some(Err(self.stop(error))),
            }
        }
    }

    /// Ends the listing on an error: nothing more is asked or yielded.
    fn stop(&mut self, error: Error) -> Error {
        self.done = true;
        self.in_flight = FuturesOrdered::new();
        error
    }

    /// The page an answer that fits yields (its items, screened), with the problem found in
    /// them kept for the next call when some items came before it.
    fn yielded_answer(
        &mut self,
        items: Vec<S::Item>,
        last: bool,
        total: Option<TotalHits>,
    ) -> Result<Page<S::Item>> {
        if self.total.is_none() {
            self.total.clone_from(&total);
        }
        // An answer without a total keeps the last one (or none: one page at a time).
        if total.is_some() {
            self.window.end = total;
        }
        let (items, problem) = self.screen(items);
        if last || problem.is_some() {
            self.done = true;
            self.in_flight = FuturesOrdered::new();
        }
        if let Some(problem) = problem {
            let error = Error::BrokenListing {
                operation: self.source.operation(),
                position: self.start + self.yielded + items.len() as u64,
                problem,
            };
            if items.is_empty() {
                return Err(error);
            }
            self.pending = Some(error);
        }
        Ok(self.yield_page(items))
    }

    /// The results shifted under an answer at `offset`: an anchored listing past its first page
    /// starts again from the anchor; any other fails.
    fn shifted(&mut self, offset: u64) -> Result<()> {
        let position = self.start + self.yielded;
        tracing::debug!(
            operation = self.source.operation(),
            position,
            "the results shifted while they were listed"
        );
        self.in_flight = FuturesOrdered::new();
        if offset == 0 || !self.anchored {
            return Err(Error::ListingChanged {
                operation: self.source.operation(),
                position,
            });
        }
        self.restart()
    }

    /// Asks for as many pages as the concurrency allows: one while the window has no answer yet.
    fn ask(&mut self) -> Result<()> {
        let limit = if self.window.end.is_none() {
            1
        } else {
            self.concurrency
        };
        while self.in_flight.len() < limit {
            let offset = self.window.next;
            let from = self.window.base + offset;
            // A page after the first asks for the result before it too.
            let overlap = u64::from(self.last.is_some());
            if from + self.size > MAX_RESULT_WINDOW {
                break;
            }
            if let Some(end) = &self.window.end
                && end.relation != Some(TotalHitsRelation::Gte)
                && from >= end.value
            {
                break;
            }
            let fetch = spawned(self.source.fetch(
                self.window.anchor,
                from - overlap,
                self.size + overlap,
            ));
            self.in_flight
                .push_back(fetch.map(move |answer| (offset, answer)).boxed());
            self.window.next += self.size;
            if self.window.end.is_none() {
                break;
            }
        }
        if self.in_flight.is_empty() && self.window.next == 0 {
            return Err(Error::invalid(format!(
                "a search cannot page past {MAX_RESULT_WINDOW} results unless it keeps Atlan's \
                 default sort and starts at 0"
            )));
        }
        Ok(())
    }

    /// Checks an answer against the page before it.
    fn verdict(&self, offset: u64, fetched: Fetched<S::Item>) -> Result<Verdict<S::Item>> {
        let mut items = fetched.items;
        if let Some(last) = &self.last {
            let Some(first) = items.first() else {
                return Ok(Verdict::Shifted);
            };
            if last.id.is_none() || S::id(first) != last.id.as_deref() {
                return Ok(Verdict::Shifted);
            }
            items.remove(0);
        }
        let from = self.window.base + offset;
        let end = from + items.len() as u64;
        let exact = fetched
            .total
            .as_ref()
            .filter(|total| total.relation != Some(TotalHitsRelation::Gte))
            .map(|total| total.value);
        if (items.len() as u64) < self.size {
            if let Some(total) = exact
                && end < total
            {
                return Err(Error::InconsistentListing {
                    operation: self.source.operation(),
                    position: self.start + self.yielded,
                    returned: items.len() as u64,
                    total,
                });
            }
            return Ok(Verdict::Yield { items, last: true });
        }
        let last = exact.is_some_and(|total| end >= total);
        Ok(Verdict::Yield { items, last })
    }

    /// The results of an answer up to the first that repeats one already yielded (or, newest
    /// first, that is newer than the one before it), and what that one did.
    fn screen(&mut self, mut items: Vec<S::Item>) -> (Vec<S::Item>, Option<ListingProblem>) {
        let ordered = self.anchored;
        let mut newest = self.last.as_ref().and_then(|last| last.created);
        for (index, item) in items.iter().enumerate() {
            let id = S::id(item);
            let mut problem = None;
            if ordered && let Some(created) = S::created(item) {
                match newest {
                    Some(newest) if created > newest => {
                        problem = Some(ListingProblem::OutOfOrder {
                            id: id.unwrap_or("?").to_owned(),
                        });
                    }
                    // An older result: the results created at the newer instant cannot come again.
                    Some(newest) if created < newest => self.seen.clear(),
                    _ => {}
                }
                newest = Some(created);
            }
            if problem.is_none()
                && let Some(id) = id
                && !self.seen.insert(id.to_owned())
            {
                problem = Some(ListingProblem::RepeatedResult { id: id.to_owned() });
            }
            if problem.is_some() {
                items.truncate(index);
                return (items, problem);
            }
        }
        (items, None)
    }

    fn yield_page(&mut self, items: Vec<S::Item>) -> Page<S::Item> {
        let first_yield = self.last.is_none();
        for item in &items {
            let created = S::created(item);
            match &mut self.last {
                Some(last) if created.is_some() && last.created == created => {
                    last.ties += 1;
                    last.id = S::id(item).map(str::to_owned);
                }
                slot => {
                    *slot = Some(Last {
                        id: S::id(item).map(str::to_owned),
                        created,
                        ties: 1,
                    });
                }
            }
            if created.is_none() {
                self.anchored = false;
            }
        }
        // Pin the listing on its first result: later pages count only what existed then.
        if first_yield
            && self.anchored
            && let Some(created) = items.first().and_then(S::created)
        {
            self.window.anchor = Some(Anchor { created, skip: 0 });
        }
        let page = Page::offset(
            items,
            self.total.clone(),
            self.start + self.yielded,
            self.size,
        );
        self.yielded += page.items.len() as u64;
        page
    }

    /// Goes on from the last result yielded, in a window of its own.
    fn restart(&mut self) -> Result<()> {
        let Some(Last {
            created: Some(created),
            ties,
            ..
        }) = &self.last
        else {
            return Err(Error::ListingChanged {
                operation: self.source.operation(),
                position: self.start + self.yielded,
            });
        };
        self.window = Window {
            anchor: Some(Anchor {
                created: *created,
                skip: *ties,
            }),
            base: *ties,
            next: 0,
            end: None,
        };
        Ok(())
    }

    /// The window's 10,000 results are used up: an anchored listing goes on in a new window.
    fn next_window(&mut self) -> Result<()> {
        if !self.anchored {
            return Err(Error::invalid(format!(
                "a search cannot page past {MAX_RESULT_WINDOW} results unless it keeps Atlan's \
                 default sort and starts at 0"
            )));
        }
        self.restart()?;
        if self.window.base + self.size > MAX_RESULT_WINDOW {
            return Err(Error::invalid(format!(
                "more than {MAX_RESULT_WINDOW} results were created at the same instant: the \
                 listing cannot go past them"
            )));
        }
        self.window.end = self.left_in_window();
        Ok(())
    }

    /// What a new window of a pinned listing holds, from the listing's exact first count: the
    /// results not yet yielded, after the ties it skips. Its pages are then asked for together,
    /// not its first alone. A count gone stale (results deleted meanwhile) costs an empty page,
    /// which starts the window again from the last result, as a shifted page does.
    fn left_in_window(&self) -> Option<TotalHits> {
        let total = self
            .total
            .as_ref()
            .filter(|total| total.relation != Some(TotalHitsRelation::Gte))?;
        let left = total.value.checked_sub(self.start + self.yielded)?;
        Some(TotalHits::exact(self.window.base + left))
    }
}
