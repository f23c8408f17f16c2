//! App workflows, the connectors of newer Atlan tenants (`/api/service/v1/app…`): describe an app
//! and its input contract; create, list, get, change, delete workflows; submit, watch and cancel
//! runs; find runs through the asset search; add and remove schedules.
//!
//! What this does that pyatlan 11.6.0 does not: ids are encoded as one path segment (and empty or
//! dot-segment ids refused); create, submit and cancel are never re-sent once they may have reached
//! the server; creating sends `"run": false` unless [`CreateAppBuilder::run`] is called; a name
//! conflict is a typed error unless reuse is asked for ([`CreateAppBuilder::or_reuse`]), and the
//! answer says whether it reused; an idempotent submit reports the active run's id; `Error` is a
//! terminal status, and [`AppMonitor`] has a timeout.

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use atlan_model::{
    AppConflict, AppInfo, AppInputs, AppList, AppResponse, AppRunResponse, AppRunStatus,
    AppSchedule, AppSummary, AppWorkflowRunAttributes, AtlasSearchResponse, CancelRunResponse,
    CreateApp, DeleteAppResponse, InputContract, ScheduleAdded, ScheduleRemoved, UpdateApp,
    decode_value,
};
use atlan_query::apps::{self as searches, RUN_TYPE, RunFilter};
use atlan_query::workflows::TimeBounds;
use futures_core::Stream;
use http::StatusCode;
use serde_json::Value;

use crate::client::AtlanClient;
use crate::error::{Error, ListingProblem, Result};
use crate::paging::ahead;
use crate::paging::app_runs::{self, AppRunPager};
use crate::requests::apps as requests;

/// The most workflows (and pages) the name lookup of a create's 409 walks.
const NAME_LOOKUP_BOUND: u64 = 100;

/// How many times a submit that answered 5xx checks the asset search for the active run.
const RECHECKS: u32 = 3;
/// The pause between those checks (the index may lag the run by seconds).
const RECHECK_PAUSE: Duration = Duration::from_secs(1);

/// App workflow operations; from [`AtlanClient::apps`].
#[derive(Debug, Clone)]
pub struct Apps {
    client: AtlanClient,
}

impl Apps {
    pub(crate) fn new(client: AtlanClient) -> Self {
        Self { client }
    }

    /// What an app is: its name, how it runs, its entrypoints.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty id; [`Error::NotFound`] for an unknown app; otherwise as
    /// [`AtlanClient::execute`].
    pub async fn describe(&self, app_id: &str) -> Result<AppInfo> {
        self.client.execute_json(&requests::describe(app_id)?).await
    }

    /// The JSON Schema an app's inputs must satisfy (for its default entrypoint, or
    /// [`InputContractQuery::entrypoint`]).
    pub fn input_contract(&self, app_id: impl Into<String>) -> InputContractQuery {
        InputContractQuery {
            client: self.client.clone(),
            app_id: app_id.into(),
            entrypoint: None,
        }
    }

    /// Creates a workflow of `app_id` named `name` (the server mints its slug). It does not start a
    /// run unless [`CreateAppBuilder::run`] is called: `"run": false` is always sent.
    pub fn create(
        &self,
        app_id: impl Into<String>,
        name: impl Into<String>,
        inputs: AppInputs,
    ) -> CreateAppBuilder {
        CreateAppBuilder {
            client: self.client.clone(),
            request: CreateApp::new(app_id, name, inputs),
            reuse: false,
            validate: false,
        }
    }

    /// The workflows, a page at a time ([`AppListing::page`]) or one by one
    /// ([`AppListing::stream`], which follows `next_cursor`).
    pub fn list(&self) -> AppListing {
        AppListing {
            client: self.client.clone(),
            name: None,
            limit: None,
            cursor: None,
            cursors: HashSet::new(),
            pages: 0,
            bound: MAX_APP_LISTING,
            broken: None,
        }
    }

    /// One workflow.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown (or archived) slug; [`Error::InvalidInput`] for an empty
    /// or dot-segment slug; otherwise as [`AtlanClient::execute`].
    pub async fn get(&self, slug: &str) -> Result<AppSummary> {
        self.client.execute_json(&requests::get(slug)?).await
    }

    /// One workflow, or `None` when there is none with this slug.
    ///
    /// # Errors
    /// As [`Apps::get`], except not found.
    pub async fn get_opt(&self, slug: &str) -> Result<Option<AppSummary>> {
        Error::not_found_as_none(self.get(slug).await)
    }

    /// Replaces a workflow's inputs (the whole set, as the server does); a new version.
    pub fn update(&self, slug: impl Into<String>, inputs: AppInputs) -> UpdateAppBuilder {
        UpdateAppBuilder {
            client: self.client.clone(),
            slug: slug.into(),
            request: UpdateApp::new(inputs),
        }
    }

    /// Changes some inputs of a workflow: reads the stored ones, sets these, replaces the whole
    /// set (such as `.set("enable_lineage", true)`).
    pub fn change(&self, slug: impl Into<String>) -> ChangeInputs {
        ChangeInputs {
            client: self.client.clone(),
            slug: slug.into(),
            changes: Vec::new(),
        }
    }

    /// Deletes (archives) a workflow.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown slug; otherwise as [`AtlanClient::execute`].
    pub async fn delete(&self, slug: &str) -> Result<DeleteAppResponse> {
        self.client.execute_json(&requests::delete(slug)?).await
    }

    /// Starts a run of a workflow (never re-sent once it may have reached the server).
    pub fn submit(&self, slug: impl Into<String>) -> Submit {
        Submit {
            apps: self.clone(),
            slug: slug.into(),
            idempotent: false,
        }
    }

    /// A run's status.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown run; otherwise as [`AtlanClient::execute`].
    pub async fn get_run(&self, run_id: &str) -> Result<AppRunResponse> {
        self.client.execute_json(&requests::get_run(run_id)?).await
    }

    /// Cancels a run (a finished run is left as it is: `cancelled` is then false).
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown run; otherwise as [`AtlanClient::execute`].
    pub async fn cancel_run(&self, run_id: &str) -> Result<CancelRunResponse> {
        self.client
            .execute_json(&requests::cancel_run(run_id)?)
            .await
    }

    /// Polls a run until it ends (any terminal status, `Error` included) or the timeout.
    pub fn monitor(&self, run_id: impl Into<String>) -> AppMonitor {
        AppMonitor {
            apps: self.clone(),
            run_id: run_id.into(),
            interval: Duration::from_secs(5),
            timeout: Duration::from_secs(3600),
            on_progress: None,
        }
    }

    /// Runs, found through the asset search: of one workflow or all, by status and time.
    pub fn runs(&self) -> AppRunSearch {
        AppRunSearch {
            client: self.client.clone(),
            filter: RunFilter::default(),
            concurrency: crate::DEFAULT_CONCURRENCY,
        }
    }

    /// Adds a schedule; the time zone is `UTC` unless [`AddSchedule::timezone`] says otherwise (it
    /// is always sent).
    pub fn add_schedule(&self, slug: impl Into<String>, cron: impl Into<String>) -> AddSchedule {
        AddSchedule {
            client: self.client.clone(),
            slug: slug.into(),
            cron: cron.into(),
            timezone: "UTC".to_owned(),
        }
    }

    /// Removes a schedule.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown slug or trigger; otherwise as [`AtlanClient::execute`].
    pub async fn remove_schedule(&self, slug: &str, trigger_id: &str) -> Result<ScheduleRemoved> {
        self.client
            .execute_json(&requests::remove_schedule(slug, trigger_id)?)
            .await
    }

    /// The Pending or Running run of a workflow, per the asset search.
    async fn active_run(&self, slug: &str) -> Result<Option<AppWorkflowRunAttributes>> {
        let search = searches::active_runs(slug).map_err(Error::invalid)?;
        let answer: AtlasSearchResponse = self
            .client
            .execute_json(&requests::search(&search)?)
            .await?;
        answer
            .entities_of(RUN_TYPE)
            .next()
            .map(|entity| {
                entity.run_attributes().map_err(|source| Error::Decode {
                    operation: "apps.search_runs",
                    source,
                })
            })
            .transpose()
    }
}

/// The input contract of an app; from [`Apps::input_contract`].
#[derive(Debug)]
#[must_use = "a query does nothing until it is awaited"]
pub struct InputContractQuery {
    client: AtlanClient,
    app_id: String,
    entrypoint: Option<String>,
}

impl InputContractQuery {
    /// For this entrypoint (an empty one means the default, as for pyatlan's contract call).
    pub fn entrypoint(mut self, entrypoint: impl Into<String>) -> Self {
        self.entrypoint = Some(entrypoint.into());
        self
    }

    /// Fetches the contract.
    ///
    /// # Errors
    /// [`Error::Api`] 400 (code 1003) for an unknown app or entrypoint; otherwise as
    /// [`AtlanClient::execute`].
    pub async fn send(self) -> Result<InputContract> {
        self.client
            .execute_json(&requests::input_contract(
                &self.app_id,
                self.entrypoint.as_deref(),
            )?)
            .await
    }
}

awaitable!(InputContractQuery, InputContract);

/// What [`CreateAppBuilder`] did.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CreatedApp {
    /// The answer: the slug, version, and the run or schedule started.
    pub response: AppResponse,
    /// Whether an existing workflow of the same name was reused ([`CreateAppBuilder::or_reuse`]):
    /// its inputs, entrypoint and schedules were then left as they were.
    pub reused: bool,
}

/// A create; from [`Apps::create`].
#[must_use = "a create does nothing until it is awaited"]
pub struct CreateAppBuilder {
    client: AtlanClient,
    request: CreateApp,
    reuse: bool,
    validate: bool,
}

impl fmt::Debug for CreateAppBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreateAppBuilder")
            .field("request", &self.request)
            .field("reuse", &self.reuse)
            .finish_non_exhaustive()
    }
}

impl CreateAppBuilder {
    /// The app's operation (the server's default when not set).
    pub fn entrypoint(mut self, entrypoint: impl Into<String>) -> Self {
        self.request.entrypoint = Some(entrypoint.into());
        self
    }

    /// Adds a schedule (checked before sending: a cron expression Argo reads, an IANA zone).
    pub fn schedule(mut self, cron: impl Into<String>, timezone: impl Into<String>) -> Self {
        self.request.schedule = Some(AppSchedule::new(cron, timezone));
        self
    }

    /// Starts a run once created (`"run": true`).
    pub fn run(mut self) -> Self {
        self.request.run = Some(true);
        self
    }

    /// On a name conflict, returns the existing workflow (when exactly one has the name) instead of
    /// [`Error::AppExists`]; [`CreatedApp::reused`] says so. Its inputs are not changed.
    pub fn or_reuse(mut self) -> Self {
        self.reuse = true;
        self
    }

    /// Checks the inputs against the app's input contract before sending (one more request, for
    /// the contract); a failure names every failing field, never a value, and sends nothing.
    pub fn validate(mut self) -> Self {
        self.validate = true;
        self
    }

    /// Sends the create.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a bad schedule, an empty app id or name, or (with
    /// [`CreateAppBuilder::validate`]) inputs that break the contract: nothing is sent;
    /// [`Error::AppExists`] on a name conflict (unless reusing); otherwise as
    /// [`AtlanClient::execute`].
    pub async fn send(self) -> Result<CreatedApp> {
        if let Some(schedule) = &self.request.schedule {
            atlan_model::check_cron(&schedule.cron)?;
            atlan_model::check_timezone(schedule.timezone.as_deref().unwrap_or("UTC"))?;
        }
        let request = requests::create(&self.request)?;
        if self.validate {
            let apps = Apps::new(self.client.clone());
            let mut query = apps.input_contract(self.request.app_id.clone());
            if let Some(entrypoint) = &self.request.entrypoint {
                query = query.entrypoint(entrypoint.clone());
            }
            check_inputs(
                &self.request.app_id,
                &query.send().await?,
                &self.request.inputs,
            )?;
        }
        match self.client.execute_json::<AppResponse>(&request).await {
            Ok(response) => Ok(CreatedApp {
                response,
                reused: false,
            }),
            Err(Error::Api { status, body, .. }) if status == StatusCode::CONFLICT => {
                let conflict: AppConflict = serde_json::to_value(&body)
                    .ok()
                    .and_then(|value| decode_value(value).ok())
                    .unwrap_or_default();
                let mut slugs: Vec<String> = conflict
                    .existing_slugs()
                    .into_iter()
                    .map(str::to_owned)
                    .collect();
                if slugs.is_empty() {
                    // The 409 did not name the workflow: find it by name. A name is unique on a
                    // sane server, so the lookup stops at a few workflows.
                    let apps = Apps::new(self.client.clone());
                    let mut found = Box::pin(
                        apps.list()
                            .name(&self.request.name)
                            .bound(NAME_LOOKUP_BOUND)
                            .stream(),
                    );
                    while let Some(workflow) = futures_util::StreamExt::next(&mut found).await {
                        slugs.extend(workflow?.slug);
                    }
                }
                match (self.reuse, slugs.as_slice()) {
                    (true, [slug]) => {
                        let existing = Apps::new(self.client.clone()).get(slug).await?;
                        let mut response = AppResponse::default();
                        response.slug = slug.clone();
                        response.version = existing.version;
                        Ok(CreatedApp {
                            response,
                            reused: true,
                        })
                    }
                    _ => Err(Error::AppExists {
                        name: self.request.name,
                        slugs,
                    }),
                }
            }
            Err(other) => Err(other),
        }
    }
}

awaitable!(CreateAppBuilder, CreatedApp);

/// Checks `inputs` against `contract` (JSON Schema, with the `jsonschema` crate; nothing is
/// resolved over the network or from files). The error names each failing field and the rule it
/// breaks, never the value (a credential's secret could be one).
///
/// # Errors
/// [`Error::InvalidInput`] listing every failure, or when the contract is not a JSON Schema.
pub fn check_inputs(app_id: &str, contract: &InputContract, inputs: &AppInputs) -> Result<()> {
    let schema = serde_json::to_value(contract).map_err(|error| {
        Error::invalid(format!("cannot read the contract of {app_id}: {error}"))
    })?;
    let validator = jsonschema::validator_for(&schema).map_err(|error| {
        Error::invalid(format!(
            "the input contract of {app_id} is not a JSON Schema: {}",
            error.kind().keyword()
        ))
    })?;
    let instance = Value::Object(inputs.as_map().clone());
    let failures: Vec<String> = validator
        .iter_errors(&instance)
        .map(|error| {
            let path = error.instance_path().to_string();
            let field = format!("inputs{}", path.replace('/', "."));
            match error.kind() {
                jsonschema::error::ValidationErrorKind::Required { property } => {
                    format!("{field}.{} is required", property.as_str().unwrap_or("?"))
                }
                kind => format!("{field} breaks `{}`", kind.keyword()),
            }
        })
        .collect();
    if failures.is_empty() {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "the inputs do not satisfy the input contract of {app_id}: {}",
            failures.join("; ")
        )))
    }
}

/// The most workflows (and pages) a listing of app workflows walks before it stops with
/// [`Error::BrokenListing`]: far more than a tenant holds (the sandbox holds at most 10,000), and
/// a bound on what a server that never stops giving new cursors can make a client fetch.
pub const MAX_APP_LISTING: u64 = 100_000;

/// A page-by-page listing of workflows; from [`Apps::list`]. The list is cursor-paged: a page
/// cannot be fetched before the one that names it, so pages come one after another.
///
/// A listing never follows a cursor the server gave before, and [`AppListing::stream`] never
/// yields a workflow twice: either ends the listing with [`Error::BrokenListing`] (as do an empty
/// page that says more follow, and more than [`MAX_APP_LISTING`] pages or workflows).
#[derive(Debug, Clone)]
#[must_use = "a listing does nothing until a page is asked for"]
pub struct AppListing {
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

impl AppListing {
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

    /// Starts at this cursor (a `next_cursor` of an earlier page).
    pub fn cursor(mut self, cursor: impl Into<String>) -> Self {
        self.cursor = Some(Some(cursor.into()));
        self
    }

    /// Stops at this many pages or workflows (at most [`MAX_APP_LISTING`]).
    pub(crate) fn bound(mut self, bound: u64) -> Self {
        self.bound = bound.min(MAX_APP_LISTING);
        self
    }

    /// The first page (or the page at the cursor).
    ///
    /// # Errors
    /// As [`AtlanClient::execute`]; [`Error::BrokenListing`] when a workflow comes twice in the
    /// page.
    pub async fn page(&self) -> Result<AppList> {
        let cursor = self.cursor.clone().flatten();
        let page: AppList = self
            .client
            .execute_json(&requests::list(
                self.limit,
                cursor.as_deref(),
                self.name.as_deref(),
            ))
            .await?;
        let workflows = page.workflows.as_deref().unwrap_or_default();
        ahead::check_page("apps.list", workflows, |workflow| workflow.slug.as_deref())?;
        Ok(page)
    }

    /// The next page, `None` after the last; moves the cursor on.
    ///
    /// # Errors
    /// As [`AtlanClient::execute`]; [`Error::BrokenListing`] for the page after one that named a
    /// cursor the listing followed before (that page itself is answered), for an empty page that
    /// says more follow, and past the bound.
    pub async fn next_page(&mut self) -> Result<Option<AppList>> {
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
            return Err(broken(
                0,
                ListingProblem::TooLong {
                    limit: self.bound,
                    what: "pages",
                },
            ));
        }
        self.pages += 1;
        let page: AppList = self
            .client
            .execute_json(&requests::list(
                self.limit,
                cursor.as_deref(),
                self.name.as_deref(),
            ))
            .await?;
        if let Some(cursor) = cursor {
            self.cursors.insert(cursor);
        }
        let next = page
            .next_cursor
            .clone()
            .filter(|_| page.has_more.unwrap_or(false));
        if next.is_some() && page.workflows.as_ref().is_none_or(Vec::is_empty) {
            self.cursor = Some(None);
            return Err(broken(0, ListingProblem::EmptyPageWithMore));
        }
        if let Some(next) = next.as_ref().filter(|next| self.cursors.contains(*next)) {
            self.broken = Some(ListingProblem::RepeatedCursor {
                cursor: next.clone(),
            });
        }
        self.cursor = Some(next);
        Ok(Some(page))
    }

    /// Every workflow, following the cursors, each once; an error ends the stream after the
    /// workflows already yielded.
    pub fn stream(self) -> impl Stream<Item = Result<AppSummary>> + Send + 'static {
        let walk = AppWalk {
            listing: self,
            buffered: Vec::new().into_iter(),
            slugs: HashSet::new(),
            yielded: 0,
            done: false,
        };
        futures_util::stream::unfold(walk, |mut walk| async move {
            let item = walk.next().await?;
            Some((item, walk))
        })
    }
}

/// The state of [`AppListing::stream`].
struct AppWalk {
    listing: AppListing,
    buffered: std::vec::IntoIter<AppSummary>,
    /// The slugs yielded: the bound keeps this under [`MAX_APP_LISTING`].
    slugs: HashSet<String>,
    yielded: u64,
    done: bool,
}

impl AppWalk {
    async fn next(&mut self) -> Option<Result<AppSummary>> {
        loop {
            if self.done {
                return None;
            }
            if let Some(workflow) = self.buffered.next() {
                return Some(self.admit(workflow));
            }
            match self.listing.next_page().await {
                Ok(Some(page)) => self.buffered = page.workflows.unwrap_or_default().into_iter(),
                Ok(None) => return None,
                Err(error) => return Some(Err(self.fail(error))),
            }
        }
    }

    /// A workflow the page held: yielded unless it repeats one or the listing is at its bound.
    fn admit(&mut self, workflow: AppSummary) -> Result<AppSummary> {
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
        match problem {
            Some(problem) => Err(self.fail(broken(0, problem))),
            None => {
                self.yielded += 1;
                Ok(workflow)
            }
        }
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
        operation: "apps.list",
        position,
        problem,
    }
}

/// An update; from [`Apps::update`].
#[must_use = "an update does nothing until it is awaited"]
pub struct UpdateAppBuilder {
    client: AtlanClient,
    slug: String,
    request: UpdateApp,
}

impl fmt::Debug for UpdateAppBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpdateAppBuilder")
            .field("slug", &self.slug)
            .field("request", &self.request)
            .finish_non_exhaustive()
    }
}

impl UpdateAppBuilder {
    /// The app's operation.
    pub fn entrypoint(mut self, entrypoint: impl Into<String>) -> Self {
        self.request.entrypoint = Some(entrypoint.into());
        self
    }

    /// Sends the update.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown slug; otherwise as [`AtlanClient::execute`].
    pub async fn send(self) -> Result<AppResponse> {
        self.client
            .execute_json(&requests::update(&self.slug, &self.request)?)
            .await
    }
}

awaitable!(UpdateAppBuilder, AppResponse);

/// A read-modify-write of some inputs; from [`Apps::change`].
#[derive(Debug)]
#[must_use = "a change does nothing until it is awaited"]
pub struct ChangeInputs {
    client: AtlanClient,
    slug: String,
    changes: Vec<(String, Value)>,
}

impl ChangeInputs {
    /// Sets one input (it must be a field of the app's contract or of the stored inputs).
    pub fn set(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.changes.push((name.into(), value.into()));
        self
    }

    /// Reads the stored inputs, applies the changes, and replaces the whole set.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a name the app does not know (listing the known ones), before
    /// anything is changed; [`Error::NotFound`] for an unknown slug; otherwise as
    /// [`AtlanClient::execute`].
    pub async fn send(self) -> Result<AppResponse> {
        let apps = Apps::new(self.client.clone());
        let summary = apps.get(&self.slug).await?;
        let mut inputs = summary.stored_inputs().unwrap_or_default();
        let entrypoint = summary
            .entrypoint()
            .filter(|entrypoint| !entrypoint.is_empty())
            .map(str::to_owned);
        let mut known: Vec<String> = inputs.as_map().keys().cloned().collect();
        if let Some(app_id) = summary.app() {
            let mut query = apps.input_contract(app_id);
            if let Some(entrypoint) = &entrypoint {
                query = query.entrypoint(entrypoint.clone());
            }
            let contract = query.send().await?;
            known.extend(contract.field_names().map(str::to_owned));
        }
        known.sort();
        known.dedup();
        for (name, value) in self.changes {
            if !known.contains(&name) {
                return Err(Error::invalid(format!(
                    "`{name}` is not an input of app workflow `{}`; its inputs are: {}",
                    self.slug,
                    known.join(", ")
                )));
            }
            inputs.set(name, value);
        }
        let mut update = apps.update(self.slug.clone(), inputs);
        if let Some(entrypoint) = entrypoint {
            update = update.entrypoint(entrypoint);
        }
        update.send().await
    }
}

awaitable!(ChangeInputs, AppResponse);

/// A submit; from [`Apps::submit`].
#[derive(Debug)]
#[must_use = "a submit does nothing until it is awaited"]
pub struct Submit {
    apps: Apps,
    slug: String,
    idempotent: bool,
}

impl Submit {
    /// Refuses to start a run while one is Pending or Running: checks the asset search first
    /// ([`Error::AlreadyRunning`] with the active run's id), and when the submit answers 5xx,
    /// checks again (three times, a second apart) and reports the active run instead.
    ///
    /// The race that remains: the check and the submit are two calls, so two clients can both pass
    /// the check; and the asset index may lag a run just started by another client. The server's
    /// own refusal (a 500 while a run is active) is what prevents a second run on a tenant that
    /// enforces it.
    pub fn idempotent(mut self) -> Self {
        self.idempotent = true;
        self
    }

    /// Submits.
    ///
    /// # Errors
    /// [`Error::AlreadyRunning`] (idempotent only); [`Error::NotFound`] for an unknown slug;
    /// otherwise as [`AtlanClient::execute`]. A submit whose connection failed after it may have
    /// arrived is not re-sent: [`Error::Transport`] says so.
    pub async fn send(self) -> Result<AppRunResponse> {
        if self.idempotent
            && let Some(active) = self.apps.active_run(&self.slug).await?
        {
            return Err(already_running(&self.slug, &active));
        }
        let submitted = self
            .apps
            .client
            .execute_json(&requests::submit(&self.slug)?)
            .await;
        match submitted {
            Err(Error::Api { status, .. }) if self.idempotent && status.is_server_error() => {
                for attempt in 0..RECHECKS {
                    if attempt > 0 {
                        tokio::time::sleep(RECHECK_PAUSE).await;
                    }
                    if let Some(active) = self.apps.active_run(&self.slug).await? {
                        return Err(already_running(&self.slug, &active));
                    }
                }
                submitted
            }
            other => other,
        }
    }
}

awaitable!(Submit, AppRunResponse);

fn already_running(slug: &str, active: &AppWorkflowRunAttributes) -> Error {
    let run_id = active.name.clone().or_else(|| {
        active
            .qualified_name
            .as_deref()
            .and_then(|name| name.rsplit('/').next())
            .map(str::to_owned)
    });
    Error::AlreadyRunning {
        slug: slug.to_owned(),
        run_id,
    }
}

/// A callback with each state of a monitored app run.
pub type AppProgressCallback = Arc<dyn Fn(&AppRunResponse) + Send + Sync>;

/// A wait for an app run to end; from [`Apps::monitor`].
#[must_use = "a monitor does nothing until it is awaited"]
pub struct AppMonitor {
    apps: Apps,
    run_id: String,
    interval: Duration,
    timeout: Duration,
    on_progress: Option<AppProgressCallback>,
}

impl fmt::Debug for AppMonitor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppMonitor")
            .field("run_id", &self.run_id)
            .field("interval", &self.interval)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl AppMonitor {
    /// Time between two polls (default 5 s; at least 100 ms).
    pub fn interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// The longest wait (default 1 hour); then [`Error::Timeout`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Calls `callback` with each state of the run seen.
    pub fn on_progress(
        mut self,
        callback: impl Fn(&AppRunResponse) + Send + Sync + 'static,
    ) -> Self {
        self.on_progress = Some(Arc::new(callback));
        self
    }

    /// Polls until the run ends, whatever its final status (`Error` and unknown terminal ones
    /// included), and returns it.
    ///
    /// # Errors
    /// [`Error::Timeout`] (naming the status last seen); [`Error::NotFound`] for an unknown run;
    /// otherwise as [`AtlanClient::execute`].
    pub async fn send(self) -> Result<AppRunResponse> {
        let started = tokio::time::Instant::now();
        loop {
            let run = self.apps.get_run(&self.run_id).await?;
            if let Some(on_progress) = &self.on_progress {
                on_progress(&run);
            }
            if run.status.as_ref().is_some_and(AppRunStatus::is_terminal) {
                return Ok(run);
            }
            let waited = started.elapsed();
            if waited >= self.timeout {
                let status = run
                    .status
                    .as_ref()
                    .map_or_else(|| "no status".to_owned(), |status| status.to_string());
                return Err(Error::Timeout {
                    what: format!("app run `{}` (last seen {status})", self.run_id),
                    waited,
                    last_phase: None,
                });
            }
            crate::monitor::wait_before_next_poll(self.interval, self.timeout, waited).await;
        }
    }
}

awaitable!(AppMonitor, AppRunResponse);

/// A page of app runs from the asset search.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct AppRunPage {
    /// The runs of this page, newest first.
    pub items: Vec<AppWorkflowRunAttributes>,
    /// How many runs match in all.
    pub total: u64,
    /// The position of the first run of this page.
    pub from: u64,
}

/// A search of app runs; from [`Apps::runs`].
#[derive(Debug, Clone)]
#[must_use = "a search does nothing until a page is asked for"]
pub struct AppRunSearch {
    client: AtlanClient,
    filter: RunFilter,
    concurrency: usize,
}

impl AppRunSearch {
    /// Runs of this workflow only.
    pub fn slug(mut self, slug: impl Into<String>) -> Self {
        self.filter = self.filter.slug(slug);
        self
    }

    /// Runs in one of these statuses.
    pub fn statuses(mut self, statuses: impl IntoIterator<Item = AppRunStatus>) -> Self {
        self.filter = self.filter.statuses(statuses);
        self
    }

    /// Runs started at or after this time (RFC 3339 or date math such as `now-1d`).
    pub fn started_since(mut self, since: impl Into<String>) -> Self {
        self.filter.started.since = Some(since.into());
        self
    }

    /// Runs started at or before this time.
    pub fn started_before(mut self, before: impl Into<String>) -> Self {
        self.filter.started.before = Some(before.into());
        self
    }

    /// Runs that ended within these bounds.
    pub fn completed(mut self, bounds: TimeBounds) -> Self {
        self.filter = self.filter.completed(bounds);
        self
    }

    /// The first run to return.
    pub fn from(mut self, from: u64) -> Self {
        self.filter.from = from;
        self
    }

    /// The page size (default 100).
    pub fn size(mut self, size: u64) -> Self {
        self.filter.size = size;
        self
    }

    /// One page.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a bad bound or page (nothing sent); [`Error::BrokenListing`]
    /// when a run comes twice in the page; otherwise as [`AtlanClient::execute`].
    pub async fn page(&self) -> Result<AppRunPage> {
        let fetched = app_runs::fetch(&self.client, &self.filter).await?;
        ahead::check_page("apps.search_runs", &fetched.items, |run| {
            run.qualified_name.as_deref()
        })?;
        Ok(AppRunPage {
            items: fetched.items,
            total: fetched.total.map(|total| total.value).unwrap_or_default(),
            from: self.filter.from,
        })
    }

    /// How many pages [`AppRunSearch::stream`] keeps in flight after the first: 1 to
    /// [`crate::MAX_CONCURRENCY`], default [`crate::DEFAULT_CONCURRENCY`]; halved for the rest
    /// of the stream by a 429 or 503.
    pub fn concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency;
        self
    }

    /// Every run, in order and each once, with up to [`AppRunSearch::concurrency`] pages in
    /// flight after the first. From the first run (`from` 0) the listing is pinned to the runs
    /// started up to its first: runs started meanwhile are not listed and do not shift it, and
    /// when a run enters or leaves the search under it (a status search whose runs finish), it
    /// goes on from the last run yielded by start time, as [`crate::Listing::stream`] describes.
    /// An error ends the stream after the runs already yielded.
    pub fn stream(self) -> impl Stream<Item = Result<AppWorkflowRunAttributes>> + Send + 'static {
        use futures_util::{StreamExt, TryStreamExt, stream};
        let concurrency = match ahead::check_concurrency(self.concurrency) {
            Ok(concurrency) => concurrency,
            Err(error) => return stream::once(async move { Err(error) }).boxed(),
        };
        if let Err(error) = searches::runs(&self.filter) {
            let error = Error::invalid(error);
            return stream::once(async move { Err(error) }).boxed();
        }
        let plan = ahead::Plan {
            start: self.filter.from,
            size: self.filter.size,
            concurrency,
        };
        let pager = AppRunPager {
            client: self.client,
            filter: self.filter,
        };
        ahead::pages(pager, plan)
            .map_ok(|page| stream::iter(page.items.into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }
}

/// A schedule to add; from [`Apps::add_schedule`].
#[derive(Debug)]
#[must_use = "a schedule does nothing until it is awaited"]
pub struct AddSchedule {
    client: AtlanClient,
    slug: String,
    cron: String,
    timezone: String,
}

impl AddSchedule {
    /// The IANA time zone (default `UTC`).
    pub fn timezone(mut self, timezone: impl Into<String>) -> Self {
        self.timezone = timezone.into();
        self
    }

    /// Adds it.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a cron expression or zone that does not check (nothing sent);
    /// otherwise as [`AtlanClient::execute`].
    pub async fn send(self) -> Result<ScheduleAdded> {
        atlan_model::check_cron(&self.cron)?;
        atlan_model::check_timezone(&self.timezone)?;
        let schedule = AppSchedule::new(self.cron, self.timezone);
        self.client
            .execute_json(&requests::add_schedule(&self.slug, &schedule)?)
            .await
    }
}

awaitable!(AddSchedule, ScheduleAdded);
