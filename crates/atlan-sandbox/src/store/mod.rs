//! The sandbox's state: workflows, runs, credentials; every change is an [`Event`], logged (when the
//! state is persisted) before it is applied, so that replaying the log rebuilds the same state.

mod apply;
mod apps;
mod connections;
mod credentials;
mod doc_values;
mod health;
pub(crate) mod index;
mod legacy;
mod loading;
mod postings;
mod result_cache;
pub(crate) mod runs;
mod snapshot;
mod source;
mod timetable;
mod workflows;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use atlan_query::eval::{EvalOptions, Page};
use atlan_query::{Index, Search};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use apps::AppStore;
pub(crate) use apps::{
    AppRunRecord, AppWorkflowRecord, RawField, ScheduleRecord, StoredInputs, views,
};
pub use credentials::CredentialTestRule;
pub(crate) use credentials::{StoredCredential, check_credential_name};
pub(crate) use doc_values::StoredDocument;
use health::Counts;
pub(crate) use health::Health;
use legacy::LegacyStore;
pub(crate) use runs::{Creator, Outcome, RunRecord};
pub(crate) use source::Source;
pub(crate) use workflows::{annotation, package_of, package_steps, template_document};

use crate::error::{ApiError, ApiResult};
use crate::failure::Failure;
use crate::faults::FaultControl;
use crate::ids;
use crate::persist::Log;

/// One change of state.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub(crate) enum Event {
    /// A workflow (WorkflowTemplate document) created or replaced; `schedule_since` is when its
    /// schedule was added, for a change that adds one (its CronWorkflow's creation: due times
    /// before it cannot have been missed). Without it a schedule kept keeps its instant, and a
    /// new one dates from the document's creation.
    PutWorkflow {
        name: String,
        document: Value,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        schedule_since: Option<i64>,
    },
    /// A workflow deleted.
    DeleteWorkflow { name: String },
    /// A run submitted (its lifecycle follows from the record and the clock).
    PutRun { record: Box<RunRecord> },
    /// A run loaded as a fixed document (seed data), with no lifecycle.
    PutFixedRun { name: String, document: Value },
    /// A run asked to stop at `at`; it ends Failed at `effective` (files written before stops
    /// were asynchronous have none: the stop took effect at once).
    StopRun {
        name: String,
        at: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        effective: Option<i64>,
    },
    /// A credential created or replaced (with its secrets: they stay on the server).
    PutCredential { credential: StoredCredential },
    /// A credential purged.
    DeleteCredential { id: String },
    /// An app workflow created or replaced (a new version).
    PutAppWorkflow { record: Box<AppWorkflowRecord> },
    /// A schedule added to an app workflow.
    AddAppSchedule {
        slug: String,
        schedule: ScheduleRecord,
    },
    /// A schedule removed from an app workflow.
    RemoveAppSchedule { slug: String, trigger_id: String },
    /// An app workflow archived.
    DeleteAppWorkflow { slug: String },
    /// An app workflow run submitted.
    PutAppRun { record: Box<AppRunRecord> },
    /// An app workflow run cancelled.
    CancelAppRun { run_id: String, at: i64, by: String },
    /// A `Connection` asset saved (created, updated or soft-deleted).
    PutConnection { entity: Box<Value> },
    /// A `Connection` asset purged.
    DeleteConnection { guid: String },
}

/// Settings the store's behaviour depends on.
#[derive(Debug, Clone)]
pub(crate) struct StoreSettings {
    /// How long a new run stays Pending.
    pub(crate) pending_ms: i64,
    /// How long a new run stays Running.
    pub(crate) running_ms: i64,
    /// How long after a stop is asked for the controller fails the run.
    pub(crate) stop_ms: i64,
    /// How long after a run changes searches see it (unless a fault rule says otherwise).
    pub(crate) index_lag_ms: i64,
    /// Rules that make credential tests fail.
    pub(crate) credential_rules: Vec<CredentialTestRule>,
    /// Seed of the random names and ids.
    pub(crate) seed: u64,
}

#[cfg(test)]
impl Default for StoreSettings {
    /// The store's unit tests' settings: new runs Pending 1 s then Running 2 s, stops effective
    /// after 1 s, no index lag, no credential rules, seed 7.
    fn default() -> Self {
        Self {
            pending_ms: 1_000,
            running_ms: 2_000,
            stop_ms: 1_000,
            index_lag_ms: 0,
            credential_rules: Vec::new(),
            seed: 7,
        }
    }
}

/// All the state, in parts with one job each: the legacy workflows and their runs, the schedules
/// and when each is due, the app workflows and their runs with their assets, the credentials and
/// the connection assets; then what the whole store shares (settings, faults, the log, the clock).
pub(crate) struct Store {
    legacy: LegacyStore,
    schedules: ScheduleStore,
    apps: AppStore,
    credentials: BTreeMap<String, StoredCredential>,
    /// `Connection` assets by guid.
    connections: BTreeMap<String, Value>,
    rng: fastrand::Rng,
    settings: StoreSettings,
    /// The fault rules that decide how new runs fail and how late searches see them.
    faults: FaultControl,
    log: Option<Log>,
    /// The instant the documents were last brought up to date.
    now: i64,
    /// The counts `/_sandbox/health` answers, published after every change.
    health: Arc<Health>,
}

/// The schedules of both APIs and when each is next due.
#[derive(Default)]
struct ScheduleStore {
    timetable: timetable::Timetable,
    /// When each scheduled legacy workflow's schedule was added (its CronWorkflow's creation).
    since: HashMap<String, i64>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("workflows", &self.legacy.workflows.len())
            .field("runs", &self.legacy.runs.len())
            .field("credentials", &self.credentials.len())
            .finish_non_exhaustive()
    }
}

impl Store {
    pub(crate) fn new(settings: StoreSettings, now: Timestamp) -> Self {
        let rng = fastrand::Rng::with_seed(settings.seed);
        Self {
            legacy: LegacyStore::default(),
            schedules: ScheduleStore::default(),
            apps: AppStore::default(),
            credentials: BTreeMap::new(),
            connections: BTreeMap::new(),
            rng,
            faults: FaultControl::new(settings.seed),
            settings,
            log: None,
            now: now.as_millisecond(),
            health: Arc::new(Health::new()),
        }
    }

    /// What `/_sandbox/health` reads, without the store's lock.
    pub(crate) fn health(&self) -> Arc<Health> {
        Arc::clone(&self.health)
    }

    /// Publishes the counts for health.
    pub(crate) fn publish_health(&self) {
        let (workflows, runs, credentials) = self.counts();
        self.health.publish(Counts {
            workflows,
            runs,
            credentials,
            app_workflows: self.apps.workflows.len(),
            state_file: self.log.as_ref().map(|log| (log.len(), log.compactions())),
        });
    }

    /// Takes the sandbox's fault rules (new runs consult their `fail_runs` and `index_lag` rules).
    pub(crate) fn set_faults(&mut self, faults: FaultControl) {
        self.faults = faults;
    }

    /// How a new run of `workflow` fails (consuming a `fail_runs` rule), and how late searches
    /// see its changes.
    pub(crate) fn fate_of(&self, workflow: &str) -> (Option<(Failure, Option<String>)>, i64) {
        let lag = self
            .faults
            .run_lag(workflow)
            .unwrap_or(self.settings.index_lag_ms);
        (self.faults.run_failure(workflow), lag)
    }

    /// Persists every later change to `log` (after replaying what it holds).
    pub(crate) fn attach_log(&mut self, log: Log) {
        self.log = Some(log);
    }

    /// Stops persisting (closing the state file and releasing its lock).
    pub(crate) fn detach_log(&mut self) {
        self.log = None;
    }

    /// Whether nothing has been stored yet.
    pub(crate) fn is_empty(&self) -> bool {
        self.legacy.workflows.len() == 0
            && self.legacy.runs.len() == 0
            && self.credentials.is_empty()
            && self.apps.workflows.is_empty()
            && self.connections.is_empty()
    }

    /// Counts, for logs and tests: (workflows, runs, credentials).
    pub(crate) fn counts(&self) -> (usize, usize, usize) {
        (
            self.legacy.workflows.len(),
            self.legacy.run_count(),
            self.credentials.len(),
        )
    }

    pub(crate) fn settings(&self) -> &StoreSettings {
        &self.settings
    }

    pub(crate) fn rng(&mut self) -> &mut fastrand::Rng {
        &mut self.rng
    }

    /// Draws the ids of this session from `seed` from now on. A sandbox with a state file calls
    /// this after replaying it with a seed of its own, so that a restarted (or second) process
    /// does not draw the ids of the one before.
    pub(crate) fn reseed(&mut self, seed: u64) {
        self.rng = fastrand::Rng::with_seed(seed);
    }

    /// A UUID that no stored credential has as its id.
    pub(crate) fn new_credential_id(&mut self) -> String {
        loop {
            let id = ids::uuid_from(&mut self.rng);
            if !self.credentials.contains_key(&id) {
                return id;
            }
        }
    }

    /// A UUID for a document's `metadata.uid` (122 random bits: a repeat needs a repeated seed,
    /// which [`Store::reseed`] rules out).
    pub(crate) fn new_uid(&mut self) -> String {
        ids::uuid_from(&mut self.rng)
    }

    /// A generated run name (`{workflow}-xxxxx`, as Kubernetes' `generateName`) that no stored run
    /// has. After a few collisions the suffix grows, as the name space of five characters is small.
    ///
    /// # Errors
    /// [`ApiError`] 500 in the (practically impossible) case that 64 draws all collide.
    pub(crate) fn new_run_name(&mut self, workflow: &str) -> ApiResult<String> {
        let prefix = format!("{workflow}-");
        for attempt in 0..64 {
            let length = if attempt < 16 { 5 } else { 10 };
            let name = ids::generated_name_of_length(&prefix, length, &mut self.rng);
            if !self.legacy.records.contains_key(&name) && !self.legacy.runs.contains(&name) {
                return Ok(name);
            }
        }
        Err(ApiError::internal(format!(
            "could not generate a run name for {workflow} that is not taken"
        )))
    }

    /// A run's document as it is now (not as a lagging index shows it).
    pub(crate) fn run_document(&self, name: &str) -> Option<Value> {
        match self.legacy.records.get(name) {
            Some(record) => Some(record.document(self.now)),
            None => self.legacy.runs.get(name).map(Cow::into_owned),
        }
    }

    /// Lays documents out for searching after a bulk load (see [`Collection::compact`]).
    pub(crate) fn compact(&mut self) {
        self.legacy.runs.compact();
        self.legacy.workflows.compact();
    }

    /// Whether some run changes at or before `now` (checked under a read lock before taking a write
    /// lock for [`Store::advance`]).
    pub(crate) fn needs_advance(&self, now: Timestamp) -> bool {
        let now = now.as_millisecond();
        now > self.now
            && (self.legacy.is_due(now)
                || self.apps.is_due(now)
                || self.schedules.timetable.is_due(now))
    }

    /// Brings every run document up to `now`, starting the runs of the schedules due by then.
    pub(crate) fn advance(&mut self, now: Timestamp) {
        let now = now.as_millisecond();
        if now <= self.now {
            return;
        }
        self.now = now;
        self.fire_schedules(now);
        while let Some(name) = self.legacy.next_due(now) {
            self.refresh_run(&name);
        }
        self.advance_assets();
    }

    /// The store's current instant.
    pub(crate) fn now(&self) -> i64 {
        self.now
    }

    /// Searches an index: the page of stored documents that match, in order (the routes render
    /// the `indexsearch` envelope around it).
    pub(crate) fn search(
        &self,
        index: Index,
        search: &Search,
        now: Timestamp,
    ) -> ApiResult<Page<StoredDocument<'_>>> {
        let collection = match index {
            Index::Workflows => &self.legacy.workflows,
            Index::Runs => &self.legacy.runs,
            other => {
                return Err(ApiError::bad_request(format!(
                    "the sandbox has no index `{other}`"
                )));
            }
        };
        collection
            .search(search, &EvalOptions::at(now))
            .map_err(|error| {
                ApiError::bad_request(error.to_string()).cause(
                    "search_phase_execution_exception",
                    error.to_string(),
                    "query",
                )
            })
    }

    /// A workflow's document (parsed from its stored text).
    pub(crate) fn workflow(&self, name: &str) -> Option<Cow<'_, Value>> {
        self.legacy.workflows.get(name)
    }

    /// Whether a workflow is stored.
    pub(crate) fn has_workflow(&self, name: &str) -> bool {
        self.legacy.workflows.contains(name)
    }

    /// Every workflow's stored source, unparsed (for a cheap look at its text first).
    pub(crate) fn workflow_sources(&self) -> impl Iterator<Item = (&str, &Source)> {
        self.legacy.workflows.sources()
    }

    /// Whether a run is indexed.
    pub(crate) fn has_run(&self, name: &str) -> bool {
        self.legacy.runs.contains(name)
    }

    /// The indexed runs of the workflows `wanted` accepts (by `spec.workflowTemplateRef.name`), in
    /// index order, unparsed.
    pub(crate) fn runs_of_workflows(
        &self,
        wanted: impl Fn(&str) -> bool,
    ) -> impl Iterator<Item = (&str, &Source)> {
        self.legacy
            .runs
            .with_term("spec.workflowTemplateRef.name.keyword", wanted)
    }

    /// The names of the workflows of package `package` (by its `package.argoproj.io/name`
    /// annotation), in index order.
    pub(crate) fn workflows_of_package(&self, package: &str) -> impl Iterator<Item = &str> {
        self.legacy
            .workflows
            .with_term(
                "metadata.annotations.package.argoproj.io/name.keyword",
                move |value| value == package,
            )
            .map(|(name, _)| name)
    }

    pub(crate) fn record(&self, name: &str) -> Option<&RunRecord> {
        self.legacy.records.get(name).map(AsRef::as_ref)
    }

    pub(crate) fn credential(&self, id: &str) -> Option<&StoredCredential> {
        self.credentials.get(id)
    }

    pub(crate) fn credentials(&self) -> impl Iterator<Item = &StoredCredential> {
        self.credentials.values()
    }
}
