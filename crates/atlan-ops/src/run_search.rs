//! Runs of both APIs found one way, newest first: a search of every workflow's runs by status and
//! time, a workflow's runs, its latest run and its active one. Each API's listing is read as it
//! is (pages fetched ahead, as the facade does) and the two are merged by start as their pages
//! come; an API the tenant does not serve is left out (and said so once) when both are chosen.

use std::future::Future;
use std::pin::Pin;

use atlan_workflows::model::AppRunStatus;
use atlan_workflows::query::TimeBound;
use atlan_workflows::{AtlanClient, Listing, Result, TimeBounded, WorkflowPhase};
use futures_util::stream::{BoxStream, Peekable};
use futures_util::{StreamExt, TryStreamExt};

use crate::fetch::not_served;
use crate::found_run::{self, FoundRun};
use crate::selection::ApiChoice;
use crate::view::Api;
use crate::workflow_ref::WorkflowRef;

/// What a listing of both APIs yields: a run, or the news that an API is left out.
#[derive(Debug, Clone)]
pub enum Listed {
    /// The next run, newest first.
    Run(FoundRun),
    /// The tenant does not serve this API: its runs are left out (yielded once, before any run of
    /// it would have been).
    Skipped(Api),
}

/// The time bounds of a run search, the same on both APIs (each `None` is no bound).
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct RunTimes {
    /// Started at or after.
    pub started_since: Option<TimeBound>,
    /// Started at or before.
    pub started_before: Option<TimeBound>,
    /// Finished at or after.
    pub finished_since: Option<TimeBound>,
    /// Finished at or before.
    pub finished_before: Option<TimeBound>,
}

impl RunTimes {
    /// `search` with these bounds.
    pub fn bound<Q: TimeBounded>(&self, mut search: Listing<Q>) -> Listing<Q> {
        let bounds = [
            (
                &self.started_since,
                Listing::<Q>::started_since as fn(_, _) -> _,
            ),
            (&self.started_before, Listing::<Q>::started_before),
            (&self.finished_since, Listing::<Q>::finished_since),
            (&self.finished_before, Listing::<Q>::finished_before),
        ];
        for (time, set) in bounds {
            if let Some(time) = time {
                search = set(search, time.clone());
            }
        }
        search
    }
}

/// Which runs a listing of both APIs reads, and how.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RunQuery {
    /// The APIs.
    pub api: ApiChoice,
    /// The statuses, any of them (every status when empty). A status one API does not have
    /// (`Stopped` on the legacy API) leaves that API out.
    pub statuses: Vec<AppRunStatus>,
    /// The time bounds (for a search of every workflow's runs).
    pub times: RunTimes,
    /// Legacy runs without a creator too (the runs schedules started), which the legacy search
    /// leaves out by default, as Atlan's SDKs do. App runs are never left out.
    pub include_scheduled: bool,
    /// Skip this many of the merged runs.
    pub from: u64,
    /// Runs per request.
    pub page_size: u64,
    /// Requests in flight per API.
    pub concurrency: usize,
}

impl RunQuery {
    /// Every run of the chosen APIs, 50 per request, one request at a time.
    pub fn new(api: ApiChoice) -> Self {
        Self {
            api,
            statuses: Vec::new(),
            times: RunTimes::default(),
            include_scheduled: false,
            from: 0,
            page_size: 50,
            concurrency: 1,
        }
    }

    /// The legacy phases of the chosen statuses: `None` when a status was chosen and none of
    /// them is a legacy phase (the legacy API is left out).
    fn legacy_phases(&self) -> Option<Vec<WorkflowPhase>> {
        let phases: Vec<WorkflowPhase> = if self.statuses.is_empty() {
            LEGACY_STATUSES.iter().filter_map(legacy_phase).collect()
        } else {
            self.statuses.iter().filter_map(legacy_phase).collect()
        };
        (!phases.is_empty()).then_some(phases)
    }

    /// `listing` read as this query pages (from the start when runs of both APIs are merged).
    fn paged<Q: atlan_workflows::ListingQuery>(
        &self,
        listing: Listing<Q>,
        merged: bool,
    ) -> Listing<Q> {
        let from = if merged { 0 } else { self.from };
        listing
            .from(from)
            .size(self.page_size)
            .concurrency(self.concurrency)
    }
}

/// The statuses legacy runs have (their phases).
const LEGACY_STATUSES: [AppRunStatus; 5] = [
    AppRunStatus::Pending,
    AppRunStatus::Running,
    AppRunStatus::Succeeded,
    AppRunStatus::Failed,
    AppRunStatus::Error,
];

/// The legacy phase of a run status; `None` for a status only app runs have (`Stopped`,
/// `Paused`, `Terminated`, `Skipped`).
pub fn legacy_phase(status: &AppRunStatus) -> Option<WorkflowPhase> {
    LEGACY_STATUSES
        .contains(status)
        .then(|| WorkflowPhase::from(status.to_string().as_str()))
}

/// A stream of one API's runs.
type Source = (Api, BoxStream<'static, Result<FoundRun>>);

/// Every workflow's runs of the chosen APIs, statuses and times, newest first.
pub fn search(client: &AtlanClient, query: &RunQuery) -> BoxStream<'static, Result<Listed>> {
    let legacy = query
        .api
        .includes(Api::Legacy)
        .then(|| query.legacy_phases())
        .flatten();
    let apps = query.api.includes(Api::Apps);
    let merged = legacy.is_some() && apps;
    let mut sources: Vec<Source> = Vec::new();
    if let Some(phases) = legacy {
        let mut search = client.runs().search().phases(phases);
        if query.include_scheduled {
            search = search.including_scheduled();
        }
        let search = query.paged(query.times.bound(search), merged);
        sources.push((Api::Legacy, search.stream().map_ok(FoundRun::from).boxed()));
    }
    if apps {
        let search = client
            .apps()
            .runs()
            .search()
            .statuses(query.statuses.clone());
        let search = query.paged(query.times.bound(search), merged);
        sources.push((Api::Apps, search.stream().map_ok(FoundRun::from).boxed()));
    }
    newest_first(sources, query)
}

/// The runs of `workflows` (of either API), newest first, in the chosen statuses; `query`'s time
/// bounds and `include_scheduled` do not apply (a workflow's listing has every run of it).
pub fn workflow_runs(
    client: &AtlanClient,
    workflows: &[WorkflowRef],
    query: &RunQuery,
) -> BoxStream<'static, Result<Listed>> {
    let legacy_phases = query.legacy_phases();
    let chosen: Vec<&WorkflowRef> = workflows
        .iter()
        .filter(|workflow| workflow.api == Api::Apps || legacy_phases.is_some())
        .collect();
    let merged = chosen.len() > 1;
    let mut sources: Vec<Source> = Vec::new();
    for workflow in chosen {
        let stream = match workflow.api {
            Api::Legacy => {
                // One status is the listing's phase; several are picked from every run.
                let phases = legacy_phases.clone().unwrap_or_default();
                let several = query.statuses.len() > 1;
                let one = (query.statuses.len() == 1)
                    .then(|| phases.first().cloned())
                    .flatten();
                let list = query.paged(client.runs().list(workflow.id.clone()).phase(one), merged);
                list.stream()
                    .try_filter(move |hit| {
                        let phase = hit.source.status.as_ref().and_then(|s| s.phase.as_ref());
                        let wanted = !several || phase.is_some_and(|phase| phases.contains(phase));
                        std::future::ready(wanted)
                    })
                    .map_ok(FoundRun::from)
                    .boxed()
            }
            Api::Apps => {
                let search = client.apps().runs().search().slug(workflow.id.clone());
                let search = query.paged(search.statuses(query.statuses.clone()), merged);
                search.stream().map_ok(FoundRun::from).boxed()
            }
        };
        sources.push((workflow.api, stream));
    }
    newest_first(sources, query)
}

/// The newest run of `workflows` (any status), if one has a run.
///
/// # Errors
/// The first failure of a read, other than an API the tenant does not serve with
/// [`ApiChoice::All`].
pub async fn latest(
    client: &AtlanClient,
    workflows: &[WorkflowRef],
    api: ApiChoice,
) -> Result<Option<FoundRun>> {
    newest_of(workflows, api, |workflow| {
        newest_run(client, workflow, false)
    })
    .await
}

/// The Pending or Running run of `workflows`, the newest if several are.
///
/// # Errors
/// As [`latest`].
pub async fn current(
    client: &AtlanClient,
    workflows: &[WorkflowRef],
    api: ApiChoice,
) -> Result<Option<FoundRun>> {
    newest_of(workflows, api, |workflow| {
        newest_run(client, workflow, true)
    })
    .await
}

/// The newest run of one workflow, or (`active`) its Pending or Running one.
async fn newest_run(
    client: &AtlanClient,
    workflow: &WorkflowRef,
    active: bool,
) -> Result<Option<FoundRun>> {
    match workflow.api {
        Api::Legacy if active => Ok(client
            .runs()
            .current_opt(&workflow.id)
            .await?
            .map(FoundRun::from)),
        Api::Legacy => Ok(client
            .runs()
            .latest_opt(&workflow.id)
            .await?
            .map(FoundRun::from)),
        Api::Apps => {
            let statuses = if active {
                vec![AppRunStatus::Pending, AppRunStatus::Running]
            } else {
                Vec::new()
            };
            first_app_run(client, &workflow.id, statuses).await
        }
    }
}

/// The newest app run of `slug` in `statuses` (any when empty).
async fn first_app_run(
    client: &AtlanClient,
    slug: &str,
    statuses: Vec<AppRunStatus>,
) -> Result<Option<FoundRun>> {
    let search = client.apps().runs().search().slug(slug.to_owned());
    let page = search.statuses(statuses).size(1).page().await?;
    Ok(page.items.into_iter().next().map(FoundRun::from))
}

/// The newest of what `read` finds for each of `workflows` (read at once).
async fn newest_of<'a, F, Fut>(
    workflows: &'a [WorkflowRef],
    api: ApiChoice,
    read: F,
) -> Result<Option<FoundRun>>
where
    F: Fn(&'a WorkflowRef) -> Fut,
    Fut: Future<Output = Result<Option<FoundRun>>>,
{
    let found = futures_util::future::join_all(workflows.iter().map(read)).await;
    let mut newest: Option<FoundRun> = None;
    for read in found {
        match read {
            Ok(Some(run)) if newest.as_ref().is_none_or(|best| run.is_newer_than(best)) => {
                newest = Some(run);
            }
            Ok(_) => {}
            Err(error) if api == ApiChoice::All && (not_served(&error) || error.is_not_found()) => {
            }
            Err(error) => return Err(error),
        }
    }
    Ok(newest)
}

/// One source, peeked at.
type Peeked = (Api, Peekable<BoxStream<'static, Result<FoundRun>>>);

/// `sources` merged newest first (each is newest first), `query.from` skipped when there are
/// several; a source whose API the tenant does not serve is dropped with a [`Listed::Skipped`]
/// when both APIs are chosen.
fn newest_first(sources: Vec<Source>, query: &RunQuery) -> BoxStream<'static, Result<Listed>> {
    let skip = if sources.len() > 1 { query.from } else { 0 };
    // As one API's listing does: a page past the index's result window is refused, not walked to.
    let window = atlan_workflows::query::MAX_RESULT_WINDOW;
    if skip.saturating_add(query.page_size) > window {
        let message = format!(
            "from + size must be at most {window} (the index's result window), got {} + {}",
            query.from, query.page_size
        );
        let refused = atlan_workflows::Error::InvalidInput { message };
        return futures_util::stream::once(std::future::ready(Err(refused))).boxed();
    }
    let choice = query.api;
    let sources: Vec<Peeked> = sources
        .into_iter()
        .map(|(api, stream)| (api, stream.peekable()))
        .collect();
    let merged = futures_util::stream::unfold(sources, move |mut sources| async move {
        let next = next_of(&mut sources, choice).await?;
        Some((next, sources))
    });
    let mut skipped = 0_u64;
    merged
        .try_filter(move |listed| {
            let keep = match listed {
                Listed::Run(_) if skipped < skip => {
                    skipped += 1;
                    false
                }
                _ => true,
            };
            std::future::ready(keep)
        })
        .boxed()
}

/// The next of `sources`: the newest of their heads, or a skipped API, or a failure; `None` when
/// every source has ended.
async fn next_of(sources: &mut Vec<Peeked>, choice: ApiChoice) -> Option<Result<Listed>> {
    let mut newest: Option<(usize, Option<jiff::Timestamp>)> = None;
    let mut index = 0;
    while let Some((api, source)) = sources.get_mut(index) {
        let api = *api;
        match Pin::new(&mut *source).peek().await {
            None => {
                drop(sources.remove(index));
                continue;
            }
            Some(Err(error)) if choice == ApiChoice::All && not_served(error) => {
                drop(sources.remove(index));
                return Some(Ok(Listed::Skipped(api)));
            }
            Some(Err(_)) => {
                let failed = source.next().await?;
                sources.clear();
                return Some(failed.map(Listed::Run));
            }
            Some(Ok(run)) => {
                let time = run.sort_time();
                if newest.is_none_or(|(_, best)| found_run::newer(time, best)) {
                    newest = Some((index, time));
                }
            }
        }
        index += 1;
    }
    let (best, _) = newest?;
    let next = sources.get_mut(best)?.1.next().await?;
    Some(next.map(Listed::Run))
}
