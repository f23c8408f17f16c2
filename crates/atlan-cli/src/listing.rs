//! Every listing printed one way: one page with a note on what follows, or (`--all`) every page as
//! it arrives, with a progress line on a terminal. Runs, app runs, credentials and app workflows
//! all go through [`print()`]; only the columns and the row of a result differ.

use atlan_workflows::model::AppSummary;
use atlan_workflows::{AppWorkflowList, Error, Listing, ListingQuery, Page};
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use jiff::Timestamp;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::commands::Env;
use crate::error::CliError;
use crate::progress::Progress;

/// A listing the CLI can print: its first page, or every page.
pub(crate) trait Paged: Sized {
    /// What it lists.
    type Item: Send + 'static;

    /// The page asked for.
    async fn first(&self) -> Result<Page<Self::Item>, Error>;

    /// Every page from there on.
    fn all(self) -> BoxStream<'static, Result<Page<Self::Item>, Error>>;
}

impl<Q: ListingQuery> Paged for Listing<Q> {
    type Item = Q::Item;

    async fn first(&self) -> Result<Page<Q::Item>, Error> {
        self.page().await
    }

    fn all(self) -> BoxStream<'static, Result<Page<Q::Item>, Error>> {
        self.pages()
    }
}

impl Paged for AppWorkflowList {
    type Item = AppSummary;

    async fn first(&self) -> Result<Page<AppSummary>, Error> {
        self.page().await
    }

    fn all(self) -> BoxStream<'static, Result<Page<AppSummary>, Error>> {
        self.pages()
    }
}

/// How a listing's results are shown.
pub(crate) struct Shown<T> {
    /// What the results are, for notes: `runs`, `app workflows`, …
    pub(crate) noun: &'static str,
    /// The table's columns.
    pub(crate) columns: &'static [&'static str],
    /// A result's table row, at the time the page arrived.
    pub(crate) row: fn(&T, Timestamp) -> Vec<String>,
    /// A result's JSON document.
    pub(crate) json: fn(&T) -> serde_json::Value,
    /// A result's JSON line, written without building `json`'s `Value` (the same text), for the
    /// results that can.
    pub(crate) line: Option<LineOf<T>>,
}

/// Writes a result's JSON line into a buffer.
pub(crate) type LineOf<T> = fn(&T, &mut Vec<u8>) -> serde_json::Result<()>;

/// Prints `listing`: its first page (with a note on how to see more), or every page with `all`.
pub(crate) async fn print<L: Paged>(
    listing: L,
    all: bool,
    shown: Shown<L::Item>,
    env: &mut Env,
) -> Result<(), CliError> {
    if !all {
        let page = listing.first().await?;
        if page.items.is_empty() {
            env.printer.note(&format!("no {} found", shown.noun));
            return Ok(());
        }
        print_page(&page, &shown, env)?;
        if let Some(note) = more(&page) {
            env.printer.note(&note);
        }
        return Ok(());
    }

    let progress = Progress::listing();
    let mut pages = Ahead::start(listing.all());
    let (mut fetched, mut items) = (0_u64, 0_u64);
    let result: Result<(), CliError> = async {
        while let Some(page) = pages.next().await? {
            fetched += 1;
            items += page.items.len() as u64;
            progress.fetched(fetched, items, page.total.as_ref().map(|total| total.value));
            if !page.items.is_empty() {
                print_page(&page, &shown, env)?;
            }
        }
        Ok(())
    }
    .await;
    progress.finish();
    result?;
    if items == 0 {
        env.printer.note(&format!("no {} found", shown.noun));
    }
    Ok(())
}

/// How many fetched pages wait while one is printed (besides those the listing has in flight).
const PAGES_WAITING: usize = 1;

/// A listing's pages fetched and decoded on a task of their own, so that the next page comes in
/// while this one is printed: with `--all`, printing costs no time of its own unless it is slower
/// than fetching. At most [`PAGES_WAITING`] pages wait; the task ends when the listing does, at
/// its first error, or when this is dropped (a closed stdout, an error in printing). A task that
/// ends any other way (a panic) is an error, never a listing that looks complete.
struct Ahead<P> {
    pages: mpsc::Receiver<Result<P, Error>>,
    task: Option<JoinHandle<()>>,
}

impl<P: Send + 'static> Ahead<P> {
    /// Starts fetching `pages`.
    fn start(mut pages: BoxStream<'static, Result<P, Error>>) -> Self {
        let (sender, receiver) = mpsc::channel(PAGES_WAITING);
        let task = tokio::spawn(async move {
            while let Some(page) = pages.next().await {
                let failed = page.is_err();
                if sender.send(page).await.is_err() || failed {
                    return;
                }
            }
        });
        Self {
            pages: receiver,
            task: Some(task),
        }
    }

    /// The next page, in order; `None` after the last.
    async fn next(&mut self) -> Result<Option<P>, CliError> {
        if let Some(page) = self.pages.recv().await {
            return Ok(Some(page?));
        }
        match self.task.take() {
            Some(task) => match task.await {
                Ok(()) => Ok(None),
                Err(error) => Err(CliError::ListingStopped(error.to_string())),
            },
            None => Ok(None),
        }
    }
}

impl<P> Drop for Ahead<P> {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

/// One page, its rows (in a table) taken at the time it arrived.
fn print_page<T>(page: &Page<T>, shown: &Shown<T>, env: &mut Env) -> Result<(), CliError> {
    let now = Timestamp::now();
    let row = |item: &T| (shown.row)(item, now);
    match shown.line {
        Some(line) => env
            .printer
            .listed_with(shown.columns, &page.items, row, shown.json, line),
        None => env
            .printer
            .listed(shown.columns, &page.items, row, shown.json),
    }
}

/// The note after a page that is not the last: where the next starts.
fn more<T>(page: &Page<T>) -> Option<String> {
    if page.is_last() {
        return None;
    }
    if let Some(cursor) = &page.next_cursor {
        return Some(format!("more with --cursor {cursor}, or all with --all"));
    }
    let shown_to = page.from + page.items.len() as u64;
    let of = page
        .total
        .as_ref()
        .map(|total| format!(" of {}", total.value))
        .unwrap_or_default();
    Some(format!(
        "showing {}-{shown_to}{of}; more with --from {shown_to}, or all with --all",
        page.from + 1,
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]

    use futures_util::stream;
    use tokio::sync::oneshot;

    use super::*;

    #[tokio::test]
    async fn pages_fetched_ahead_come_in_order_then_end() {
        let mut ahead = Ahead::start(stream::iter((0..5_u64).map(Ok)).boxed());
        for expected in 0..5 {
            assert_eq!(ahead.next().await.unwrap(), Some(expected));
        }
        assert_eq!(ahead.next().await.unwrap(), None);
        assert_eq!(ahead.next().await.unwrap(), None);
    }

    #[tokio::test]
    async fn an_error_ends_the_pages_after_those_before_it() {
        let pages = stream::iter([
            Ok(1_u64),
            Err(Error::InvalidInput {
                message: "gone".into(),
            }),
            Ok(2),
        ])
        .boxed();
        let mut ahead = Ahead::start(pages);
        assert_eq!(ahead.next().await.unwrap(), Some(1));
        assert!(matches!(ahead.next().await, Err(CliError::Api(_))));
        assert_eq!(ahead.next().await.unwrap(), None);
    }

    /// A fetching task that dies is an error, never a listing that looks complete.
    #[tokio::test]
    async fn a_fetcher_that_panics_is_an_error_not_an_end() {
        let pages = stream::iter([0_u64, 1])
            .map(|n| {
                if n == 1 {
                    panic!("the fetcher died")
                } else {
                    Ok(n)
                }
            })
            .boxed();
        let mut ahead = Ahead::start(pages);
        assert_eq!(ahead.next().await.unwrap(), Some(0));
        assert!(matches!(
            ahead.next().await,
            Err(CliError::ListingStopped(_))
        ));
    }

    /// Dropping the pages (stdout closed, an error in printing) stops the fetching task: a
    /// listing that would never end is let go. (On paused time, a task left running would make
    /// the timeout fire, not hang the test.)
    #[tokio::test(start_paused = true)]
    async fn dropping_the_pages_stops_the_fetcher() {
        let (alive, stopped) = oneshot::channel::<()>();
        let endless =
            stream::unfold(alive, |alive| async move { Some((Ok(0_u64), alive)) }).boxed();
        let mut ahead = Ahead::start(endless);
        assert_eq!(ahead.next().await.unwrap(), Some(0));
        drop(ahead);
        let stopped = tokio::time::timeout(std::time::Duration::from_secs(60), stopped).await;
        assert!(matches!(stopped, Ok(Err(_))), "the task's stream was dropped");
    }
}
