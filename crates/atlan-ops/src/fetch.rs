//! Run views from a tenant, through the facade only: one run by id (either API), the previous
//! successful run of a workflow, and every run started in a window.

use atlan_workflows::Paginated;
use atlan_workflows::model::{AppRunStatus, WorkflowPackage};
use atlan_workflows::{AtlanClient, Error, Listing, Result, TimeBounded, WorkflowPhase};
use futures_util::{StreamExt, TryStreamExt};

use crate::found_run::FoundRun;
use crate::glob::Glob;
use crate::selection::{ApiChoice, Selection};
use crate::view::{self, Api, RunView};
use crate::window::Window;

/// How many of a workflow's successful runs are read, newest first, to find the one before a run.
const PREVIOUS_SEARCH: usize = 200;

/// Whether `error` says the tenant does not serve that API at all.
pub fn not_served(error: &Error) -> bool {
    error.status().is_some_and(|status| status.as_u16() == 404)
}

/// The view of a run of either API by its id (see [`found`]).
///
/// # Errors
/// As [`found`].
pub async fn run(client: &AtlanClient, run: &str, api: ApiChoice) -> Result<RunView> {
    Ok(found(client, run, api).await?.view())
}

/// Why `run` of `api` ended as it did: [`crate::explain()`] of the run read now, without a
/// previous run to compare.
///
/// # Errors
/// As [`run`].
pub async fn explanation(
    client: &AtlanClient,
    api: Api,
    run_id: &str,
) -> Result<crate::explain::Explanation> {
    Ok(crate::explain::explain(
        run(client, run_id, api.into()).await?,
        None,
    ))
}

/// A run of either API by its id, as the tenant answers it: a legacy run's name or an app run's
/// id (both looked up at once).
///
/// # Errors
/// [`Error::NotFound`] when neither API has it; otherwise the first failure of a lookup.
pub async fn found(client: &AtlanClient, run: &str, api: ApiChoice) -> Result<FoundRun> {
    let legacy = async {
        if api.includes(Api::Legacy) {
            client.runs().get_opt(run).await
        } else {
            Ok(None)
        }
    };
    let apps = async {
        if api.includes(Api::Apps) {
            client.apps().runs().find_opt(run).await
        } else {
            Ok(None)
        }
    };
    let (legacy, apps) = futures_util::future::join(legacy, apps).await;
    match (legacy, apps) {
        (Ok(Some(hit)), _) => return Ok(hit.into()),
        (_, Ok(Some(found))) => return Ok(found.into()),
        (Err(error), _) | (_, Err(error)) if !not_served(&error) => return Err(error),
        _ => {}
    }
    // A run just submitted may not be in the asset search yet: the run itself answers.
    if api.includes(Api::Apps) {
        match client.apps().runs().get(run).await {
            Ok(answer) => return Ok(answer.into()),
            // Not found, or not something an app run id can be (such as `..`).
            Err(error)
                if error.is_not_found()
                    || not_served(&error)
                    || matches!(error, Error::InvalidInput { .. }) => {}
            Err(error) => return Err(error),
        }
    }
    Err(Error::NotFound {
        operation: "runs.explain",
        what: format!("run `{run}`"),
        body: None,
    })
}

/// How many of a workflow's newest runs are looked at for its latest ended one, or for the last
/// one its schedule started.
pub const RECENT_RUNS: u64 = 20;

/// The latest ended run of `workflow` on the chosen APIs: a legacy workflow's name, an app
/// workflow's slug, or an app workflow's name (when exactly one has it); the newest by start of
/// each API's [`RECENT_RUNS`] newest runs that ended.
///
/// # Errors
/// [`Error::NotFound`] when no chosen API has an ended run of it; otherwise the first failure of
/// a read, other than an API the tenant does not serve.
pub async fn latest_ended(client: &AtlanClient, workflow: &str, api: ApiChoice) -> Result<RunView> {
    let legacy = async {
        if !api.includes(Api::Legacy) {
            return Ok(Vec::new());
        }
        recent_runs(client, Api::Legacy, workflow).await
    };
    let apps = async {
        if !api.includes(Api::Apps) {
            return Ok(Vec::new());
        }
        match app_slug(client, workflow).await? {
            Some(slug) => recent_runs(client, Api::Apps, &slug).await,
            None => Ok(Vec::new()),
        }
    };
    let (legacy, apps) = futures_util::future::join(legacy, apps).await;
    let mut ended = Vec::new();
    for read in [legacy, apps] {
        match read {
            Ok(views) => ended.extend(views.into_iter().filter(|run| run.status.is_ended())),
            Err(error) if not_served(&error) || error.is_not_found() => {}
            Err(error) => return Err(error),
        }
    }
    ended
        .into_iter()
        .max_by_key(|run| run.started)
        .ok_or_else(|| Error::NotFound {
            operation: "runs.explain",
            what: format!("an ended run of workflow `{workflow}`"),
            body: None,
        })
}

/// The [`RECENT_RUNS`] newest runs of a workflow of `api`, given by its legacy name or app slug.
///
/// # Errors
/// As the listing it reads.
pub async fn recent_runs(client: &AtlanClient, api: Api, workflow: &str) -> Result<Vec<RunView>> {
    Ok(match api {
        Api::Legacy => {
            let page = client
                .runs()
                .list(workflow)
                .size(RECENT_RUNS)
                .page()
                .await?;
            page.items.iter().map(view::legacy::view).collect()
        }
        Api::Apps => {
            let search = client.apps().runs().search().slug(workflow.to_owned());
            let page = search.size(RECENT_RUNS).page().await?;
            page.items.iter().map(view::apps::view).collect()
        }
    })
}

/// The slug of the app workflow `workflow` names: itself when it is a slug, else the slug of the
/// one app workflow of that name (none when no app workflow, or several, have it).
///
/// # Errors
/// As the lookup and the listing it reads.
pub async fn app_slug(client: &AtlanClient, workflow: &str) -> Result<Option<String>> {
    if client.apps().workflows().get_opt(workflow).await?.is_some() {
        return Ok(Some(workflow.to_owned()));
    }
    let named = client
        .apps()
        .workflows()
        .list()
        .name(workflow.to_owned())
        .all()
        .await?;
    Ok(match named.as_slice() {
        [one] => one.slug.clone(),
        _ => None,
    })
}

/// The latest successful run of `run`'s workflow that started before it.
///
/// # Errors
/// As the listing it reads.
pub async fn previous_success(client: &AtlanClient, run: &RunView) -> Result<Option<RunView>> {
    let Some(started) = run.started else {
        return Ok(None);
    };
    let before = |candidate: &RunView| {
        candidate.run != run.run && candidate.started.is_some_and(|at| at < started)
    };
    match run.api {
        Api::Legacy => {
            let mut successes = client
                .runs()
                .list(run.workflow.clone())
                .phase(WorkflowPhase::Succeeded)
                .size(50)
                .stream()
                .take(PREVIOUS_SEARCH);
            while let Some(hit) = successes.try_next().await? {
                let candidate = view::legacy::view(&hit);
                if before(&candidate) {
                    return Ok(Some(candidate));
                }
            }
            Ok(None)
        }
        Api::Apps => {
            let page = client
                .apps()
                .runs()
                .search()
                .slug(run.workflow.clone())
                .statuses([AppRunStatus::Succeeded])
                .started_before(started)
                .size(5)
                .page()
                .await?;
            let found = page.items.iter().map(view::apps::view).find(|c| before(c));
            // The listing carries no steps: read the run itself for them.
            match found {
                Some(found) => Ok(client
                    .apps()
                    .runs()
                    .find_opt(&found.run)
                    .await?
                    .map(|run| view::apps::view(&run))
                    .or(Some(found))),
                None => Ok(None),
            }
        }
    }
}

/// Every selected run started in `window`, given to `fold` as it arrives: the legacy search
/// (every phase, scheduled runs too) and the app runs search read at once (each fetching pages
/// ahead) and merged as their pages come, so nothing but the pages in flight is held. Returns the
/// APIs left out because the tenant does not serve them.
///
/// # Errors
/// The first failure of a listing (other than an API the tenant does not serve, with
/// [`ApiChoice::All`]).
pub async fn each_run(
    client: &AtlanClient,
    selection: &Selection,
    window: &Window,
    fold: impl FnMut(RunView),
) -> Result<Vec<Api>> {
    each_changed_run(client, selection, window, None, PAGE, fold).await
}

/// A run search bounded to the runs started in `window` (and changed since `changed_since`), the
/// same way on both APIs: the instants go to the search as they are, never as text to read again.
fn within<Q: TimeBounded>(
    search: Listing<Q>,
    window: &Window,
    changed_since: Option<jiff::Timestamp>,
) -> Listing<Q> {
    let mut search = search.started_since(window.since);
    if let Some(before) = window.before {
        search = search.started_before(before);
    }
    if let Some(changed) = changed_since {
        search = search.changed_since(changed);
    }
    search
}

/// App workflows per page of a listing read whole: the most the App workflows API answers (its
/// default is 50, which costs a fleet of 500 ten requests one after another instead of one).
pub const APP_WORKFLOWS_PAGE: u32 = 500;

/// Every app workflow, [`APP_WORKFLOWS_PAGE`] a page: the listing a command reads whole.
pub fn every_app_workflow(client: &AtlanClient) -> atlan_workflows::AppWorkflowList {
    client.apps().workflows().list().limit(APP_WORKFLOWS_PAGE)
}

/// The page size of [`each_run`]: a window's runs are read whole, so a page of 500 runs costs
/// a fifth of the round trips pages of 100 do (4 per 10,000-result window instead of 14, at 8
/// pages in flight), while the pages in flight stay a few MiB. Atlan documents no largest page;
/// Elasticsearch's is the 10,000-result window.
const PAGE: u64 = 500;

/// As [`each_run`], `page` runs per request, and, with `changed_since`, only the runs that
/// changed at or after it (started or finished then, or still active): the incremental read of
/// a monitor.
///
/// # Errors
/// As [`each_run`].
pub async fn each_changed_run(
    client: &AtlanClient,
    selection: &Selection,
    window: &Window,
    changed_since: Option<jiff::Timestamp>,
    page: u64,
    mut fold: impl FnMut(RunView),
) -> Result<Vec<Api>> {
    let legacy = if selection.api.includes(Api::Legacy) {
        let search = client
            .runs()
            .search()
            .phases([
                WorkflowPhase::Pending,
                WorkflowPhase::Running,
                WorkflowPhase::Succeeded,
                WorkflowPhase::Failed,
                WorkflowPhase::Error,
            ])
            .including_scheduled();
        within(search, window, changed_since)
            .size(page)
            .stream()
            .map(|hit| (Api::Legacy, hit.map(|hit| view::legacy::view(&hit))))
            .boxed()
    } else {
        futures_util::stream::empty().boxed()
    };
    let apps = if selection.api.includes(Api::Apps) {
        let mut search = client.apps().runs().search();
        if let Some(slug) = selection.named() {
            search = search.slug(slug.to_owned());
        }
        within(search, window, changed_since)
            .size(page)
            .stream()
            .map(|run| (Api::Apps, run.map(|run| view::apps::view(&run))))
            .boxed()
    } else {
        futures_util::stream::empty().boxed()
    };
    let mut merged = futures_util::stream::select(legacy, apps);
    let mut skipped = Vec::new();
    while let Some((api, item)) = merged.next().await {
        match item {
            Ok(_) if skipped.contains(&api) => {}
            Ok(view) if selection.matches(&view) => fold(view),
            Ok(_) => {}
            Err(error) if selection.api == ApiChoice::All && not_served(&error) => {
                if !skipped.contains(&api) {
                    skipped.push(api);
                }
            }
            Err(error) => return Err(error),
        }
    }
    Ok(skipped)
}

/// Checks that the workflow and package a selection names exist on a chosen API, so that a typo
/// is told apart from a quiet workflow (called when nothing was selected: a pattern that matched
/// no run is not found either).
///
/// # Errors
/// [`Error::NotFound`] naming the workflow, pattern or package; otherwise as the lookups.
pub async fn check_selection(client: &AtlanClient, selection: &Selection) -> Result<()> {
    let served = |result: Result<bool>| match result {
        Ok(found) => Ok(found),
        Err(error) if not_served(&error) || error.is_not_found() => Ok(false),
        Err(error) => Err(error),
    };
    if let Some(pattern) = selection.pattern() {
        return Err(Error::NotFound {
            operation: "runs.stats",
            what: format!("a workflow matching `{}` with runs", pattern.as_str()),
            body: None,
        });
    }
    for workflow in selection.workflows.iter().filter_map(Glob::literal) {
        let legacy = selection.api.includes(Api::Legacy)
            && served(
                client
                    .workflows()
                    .get_opt(workflow)
                    .await
                    .map(|w| w.is_some()),
            )?;
        let apps = selection.api.includes(Api::Apps)
            && served(
                client
                    .apps()
                    .workflows()
                    .get_opt(workflow)
                    .await
                    .map(|w| w.is_some()),
            )?;
        if !legacy && !apps {
            return Err(Error::NotFound {
                operation: "runs.stats",
                what: format!("workflow `{workflow}`"),
                body: None,
            });
        }
    }
    if let Some(package) = &selection.package {
        let legacy = selection.api.includes(Api::Legacy)
            && served(
                client
                    .workflows()
                    .find_by_type(WorkflowPackage::named(package))
                    .max_results(1)
                    .send()
                    .await
                    .map(|found| !found.is_empty()),
            )?;
        let apps = selection.api.includes(Api::Apps)
            && served(client.apps().describe(package).await.map(|_| true))?;
        if !legacy && !apps {
            return Err(Error::NotFound {
                operation: "runs.stats",
                what: format!("package `{package}`"),
                body: None,
            });
        }
    }
    Ok(())
}
