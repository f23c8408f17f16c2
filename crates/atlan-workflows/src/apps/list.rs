//! [`AppWorkflowList`]: the app workflows, a page at a time by cursor.

use std::collections::HashSet;

use atlan_model::{AppList, AppSummary};
use futures_util::stream::BoxStream;
use futures_util::{StreamExt, stream};

use crate::client::AtlanClient;
use crate::error::{Error, ListingProblem, Result};
use crate::listing::Paginated;
use crate::paging::{Page, ahead};
use crate::requests::apps as requests;
use crate::sealed::Sealed;

/// The most workflows (and pages) a listing of app workflows walks before it stops with
/// [`Error::BrokenListing`]: far more than a tenant holds (the sandbox holds at most 10,000), and
/// a bound on what a server that never stops giving new cursors can make a client fetch.
pub const MAX_APP_LISTING: u64 = 100_000;

/// The server's page size when none is asked for.
const SERVER_PAGE_SIZE: u64 = 50;

const OPERATION: &str = "apps.list";

/// A listing of app workflows; from [`crate::AppWorkflows::list`]. The same surface as every listing
/// ([`crate::Listing`]): `.page()`, `.pages()`, `.stream()` over [`Page`]. It is cursor-paged: a
/// page cannot be fetched before the one that names it, so pages come one after another, and a
/// page's [`Page::next_cursor`] says where the next starts.
///
/// A listing never follows a cursor the server gave before, and never yields a workflow twice:
/// either ends the listing with [`Error::BrokenListing`] (as do an empty page that says more
/// follow, and more than [`MAX_APP_LISTING`] pages or workflows).
#[derive(Debug, Clone)]
#[must_use = "a listing does nothing until .page(), .pages() or .stream()"]
pub struct AppWorkflowList {
    client: AtlanClient,
    name: Option<String>,
    limit: Option<u32>,
    cursor: Option<Option<String>>,
    /// The cursors followed so far.
    cursors: HashSet<String>,
    pages: u64,
    bound: u64,
    /// What the last page did that ends the listing at the next page.
    broken: Option<ListingProblem>,
}

impl AppWorkflowList {
    pub(crate) fn new(client: AtlanClient) -> Self {
        Self {
            client,
            name: None,
            limit: None,
            cursor: None,
            cursors: HashSet::new(),
            pages: 0,
            bound: MAX_APP_LISTING,
            broken: None,
        }
    }

    /// Only workflows with exactly this name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The page size (the server's default is 50; at most 500).
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Starts at this cursor (a [`Page::next_cursor`] of an earlier page).
    pub fn cursor(mut self, cursor: impl Into<String>) -> Self {
        self.cursor = Some(Some(cursor.into()));
        self
    }

    /// Stops at this many pages or workflows (at most [`MAX_APP_LISTING`]).
    pub(crate) fn bound(mut self, bound: u64) -> Self {
        self.bound = bound.min(MAX_APP_LISTING);
        self
    }

    fn size(&self) -> u64 {
        self.limit.map_or(SERVER_PAGE_SIZE, u64::from)
    }

    async fn fetch(&self, cursor: Option<&str>) -> Result<AppList> {
        let request = requests::list(self.limit, cursor, self.name.as_deref());
        self.client.execute_json(&request).await
    }

    /// The first page (or the page at the cursor).
    ///
    /// # Errors
    /// As [`AtlanClient::execute`]; [`Error::BrokenListing`] when a workflow comes twice in the
    /// page.
    pub async fn page(&self) -> Result<Page<AppSummary>> {
        let page = self.fetch(self.cursor.clone().flatten().as_deref()).await?;
        let next = next_cursor(&page);
        let workflows = page.workflows.unwrap_or_default();
        ahead::check_page(OPERATION, &workflows, |workflow| workflow.slug.as_deref())?;
        Ok(Page::cursor(workflows, next, 0, self.size()))
    }

    /// The next page, `None` after the last; moves the cursor on. Its `from` is 0: count the
    /// position with [`AppWorkflowList::pages`].
    ///
    /// # Errors
    /// As [`AtlanClient::execute`]; [`Error::BrokenListing`] for the page after one that named a
    /// cursor the listing followed before (that page itself is answered), for an empty page that
    /// says more follow, and past the bound.
    pub async fn next_page(&mut self) -> Result<Option<Page<AppSummary>>> {
        if let Some(problem) = self.broken.take() {
            self.cursor = Some(None);
            return Err(broken(0, problem));
        }
        let cursor = match &self.cursor {
            None => None,
            Some(None) => return Ok(None),
            Some(Some(cursor)) => Some(cursor.clone()),
        };
        if self.pages >= self.bound {
            self.cursor = Some(None);
            let problem = ListingProblem::TooLong {
                limit: self.bound,
                what: "pages",
            };
            return Err(broken(0, problem));
        }
        self.pages += 1;
        let page = self.fetch(cursor.as_deref()).await?;
        if let Some(cursor) = cursor {
            self.cursors.insert(cursor);
        }
        let next = next_cursor(&page);
        let workflows = page.workflows.unwrap_or_default();
        if next.is_some() && workflows.is_empty() {
            self.cursor = Some(None);
            return Err(broken(0, ListingProblem::EmptyPageWithMore));
        }
        if let Some(next) = next.as_ref().filter(|next| self.cursors.contains(*next)) {
            self.broken = Some(ListingProblem::RepeatedCursor {
                cursor: next.clone(),
            });
        }
        self.cursor = Some(next.clone());
        Ok(Some(Page::cursor(workflows, next, 0, self.size())))
    }

    /// Every page, following the cursors, each workflow once; each page's `from` is its position
    /// in the whole listing. An error ends the stream after the workflows before it.
    pub fn pages(self) -> BoxStream<'static, Result<Page<AppSummary>>> {
        let walk = AppWalk {
            listing: self,
            slugs: HashSet::new(),
            yielded: 0,
            pending: None,
            done: false,
        };
        stream::unfold(walk, |mut walk| async move {
            let page = walk.next().await?;
            Some((page, walk))
        })
        .boxed()
    }

    /// Every workflow, following the cursors, each once; an error ends the stream after the
    /// workflows already yielded.
    pub fn stream(self) -> BoxStream<'static, Result<AppSummary>> {
        Paginated::stream(self)
    }
}

impl Sealed for AppWorkflowList {}

impl Paginated for AppWorkflowList {
    type Item = AppSummary;

    fn page(&self) -> impl Future<Output = Result<Page<AppSummary>>> + Send {
        AppWorkflowList::page(self)
    }

    fn pages(self) -> BoxStream<'static, Result<Page<AppSummary>>> {
        AppWorkflowList::pages(self)
    }
}

/// The cursor of the page after `page`, when it says one follows.
fn next_cursor(page: &AppList) -> Option<String> {
    page.next_cursor
        .clone()
        .filter(|_| page.has_more.unwrap_or(false))
}

/// The state of [`AppWorkflowList::pages`].
struct AppWalk {
    listing: AppWorkflowList,
    /// The slugs yielded: the bound keeps this under [`MAX_APP_LISTING`].
    slugs: HashSet<String>,
    yielded: u64,
    /// An error to end with, after the workflows before it were yielded.
    pending: Option<Error>,
    done: bool,
}

impl AppWalk {
    async fn next(&mut self) -> Option<Result<Page<AppSummary>>> {
        if let Some(error) = self.pending.take() {
            return Some(Err(error));
        }
        if self.done {
            return None;
        }
        let page = match self.listing.next_page().await {
            Ok(Some(page)) => page,
            Ok(None) => return None,
            Err(error) => return Some(Err(self.fail(error))),
        };
        let (items, problem) = self.screen(page.items);
        if let Some(problem) = problem {
            let error = self.fail(broken(0, problem));
            if items.is_empty() {
                return Some(Err(error));
            }
            self.pending = Some(error);
        }
        let from = self.yielded - items.len() as u64;
        let next = if self.done { None } else { page.next_cursor };
        Some(Ok(Page::cursor(items, next, from, page.size)))
    }

    /// The workflows of a page up to the first that repeats one or passes the bound.
    fn screen(&mut self, workflows: Vec<AppSummary>) -> (Vec<AppSummary>, Option<ListingProblem>) {
        let mut admitted = Vec::with_capacity(workflows.len());
        for workflow in workflows {
            let bound = self.listing.bound;
            let problem = if self.yielded >= bound {
                Some(ListingProblem::TooLong {
                    limit: bound,
                    what: "workflows",
                })
            } else {
                workflow
                    .slug
                    .as_ref()
                    .filter(|slug| !self.slugs.insert((*slug).clone()))
                    .map(|slug| ListingProblem::RepeatedResult { id: slug.clone() })
            };
            if problem.is_some() {
                return (admitted, problem);
            }
            self.yielded += 1;
            admitted.push(workflow);
        }
        (admitted, None)
    }

    /// Ends the walk with `error` (its position set to what was yielded).
    fn fail(&mut self, error: Error) -> Error {
        self.done = true;
        match error {
            Error::BrokenListing {
                operation, problem, ..
            } => Error::BrokenListing {
                operation,
                position: self.yielded,
                problem,
            },
            other => other,
        }
    }
}

fn broken(position: u64, problem: ListingProblem) -> Error {
    Error::BrokenListing {
        operation: OPERATION,
        position,
        problem,
    }
}
