//! Every listing printed one way: one page with a note on what follows, or (`--all`) every page as
//! it arrives, with a progress line on a terminal. Runs, app runs, credentials and app workflows
//! all go through [`print()`]; only the columns and the row of a result differ.

use atlan_workflows::{Error, Page, Paginated};
use futures_util::TryStreamExt;
use futures_util::stream::BoxStream;
use jiff::Timestamp;

use crate::cli::Paging;
use crate::context::Env;
use crate::error::CliError;
use crate::progress::Progress;

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
    /// The workflow the listing is of, if it is of one: an empty listing of a workflow that does
    /// not exist is "not found" (exit 3), not "no results".
    pub(crate) owner: Option<Owner>,
}

/// The workflow a listing is of.
pub(crate) enum Owner {
    /// A legacy workflow.
    Workflow(String),
    /// An app workflow, by slug.
    AppWorkflow(String),
}

impl Owner {
    /// [`Error::NotFound`] when the workflow does not exist.
    async fn check(&self, operation: &'static str, env: &mut Env) -> Result<(), CliError> {
        let client = env.client().await?;
        let (exists, what) = match self {
            Self::Workflow(name) => (
                client.workflows().get_opt(name).await?.is_some(),
                format!("workflow `{name}`"),
            ),
            Self::AppWorkflow(slug) => (
                client.apps().workflows().get_opt(slug).await?.is_some(),
                format!("app workflow `{slug}`"),
            ),
        };
        if exists {
            return Ok(());
        }
        Err(CliError::Api(Error::NotFound {
            operation,
            what,
            body: None,
        }))
    }
}

/// Writes a result's JSON line into a buffer.
pub(crate) type LineOf<T> = fn(&T, &mut Vec<u8>) -> serde_json::Result<()>;

/// Prints `listing`: its first page (with a note on how to see more), or every page with `all`.
pub(crate) async fn print<L: Paginated>(
    listing: L,
    all: bool,
    shown: Shown<L::Item>,
    env: &mut Env,
) -> Result<(), CliError> {
    if !all {
        let page = listing.page().await?;
        if page.items.is_empty() {
            return nothing(&shown, env).await;
        }
        print_page(&page, &shown, env)?;
        if let Some(note) = more(&page) {
            env.printer.note(&note);
        }
        return Ok(());
    }

    let progress = Progress::listing();
    let mut pages = listing.pages();
    let (mut fetched, mut items) = (0_u64, 0_u64);
    let result: Result<(), CliError> = async {
        while let Some(page) = pages.try_next().await? {
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
        return nothing(&shown, env).await;
    }
    Ok(())
}

/// An empty listing: not found when its workflow does not exist, else a note.
async fn nothing<T>(shown: &Shown<T>, env: &mut Env) -> Result<(), CliError> {
    if let Some(owner) = &shown.owner {
        owner.check(shown.noun, env).await?;
    }
    env.printer.note(&format!("no {} found", shown.noun));
    Ok(())
}

/// Prints results that a stream yields already in order (such as runs of both APIs merged), read
/// `paging.size` at a time from `paging.from` (the stream starts there): the first `size` with a
/// note when more follow, or every one with `paging.all`.
pub(crate) async fn print_stream<T>(
    mut stream: BoxStream<'_, Result<T, Error>>,
    paging: &Paging,
    shown: Shown<T>,
    env: &mut Env,
) -> Result<(), CliError> {
    let progress = paging.all.then(Progress::listing);
    let size = usize::try_from(paging.size).unwrap_or(usize::MAX);
    let (mut batch, mut printed, mut batches) = (Vec::new(), 0_u64, 0_u64);
    let result: Result<bool, CliError> = async {
        while let Some(item) = stream.try_next().await? {
            if !paging.all && printed == paging.size {
                return Ok(true);
            }
            batch.push(item);
            if batch.len() == size {
                print_items(&batch, &shown, env)?;
                (printed, batches) = (printed + batch.len() as u64, batches + 1);
                batch.clear();
                if let Some(progress) = &progress {
                    progress.fetched(batches, printed, None);
                }
            }
        }
        Ok(false)
    }
    .await;
    if let Some(progress) = progress {
        progress.finish();
    }
    let more = result?;
    if !batch.is_empty() {
        print_items(&batch, &shown, env)?;
        printed += batch.len() as u64;
    }
    if printed == 0 {
        return nothing(&shown, env).await;
    }
    if more {
        let shown_to = paging.from + printed;
        env.printer.note(&format!(
            "showing {}-{shown_to}; more with --from {shown_to}, or all with --all",
            paging.from + 1
        ));
    }
    Ok(())
}

/// One page, its rows (in a table) taken at the time it arrived.
fn print_page<T>(page: &Page<T>, shown: &Shown<T>, env: &mut Env) -> Result<(), CliError> {
    print_items(&page.items, shown, env)
}

/// Results, their rows (in a table) taken now.
fn print_items<T>(items: &[T], shown: &Shown<T>, env: &mut Env) -> Result<(), CliError> {
    let now = Timestamp::now();
    let line = |item: &T, buffer: &mut Vec<u8>| match shown.line {
        Some(line) => line(item, buffer),
        None => serde_json::to_writer(buffer, &(shown.json)(item)),
    };
    env.printer.listed_with(
        shown.columns,
        items,
        |item| (shown.row)(item, now),
        shown.json,
        line,
    )
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
