//! App workflows (`/api/service/v1/app…`) and their runs, beside the legacy workflows in the same
//! store, on the same clock and the same state file. Runs are also `AppWorkflowRun` assets of the
//! Atlas search (`POST /api/meta/search/indexsearch`), visible there as soon as submit answers.
//!
//! Records are immutable and shared (`Arc`): a read takes the records it answers under the lock
//! and renders them after letting go of it ([`views`]); a change makes a new record. A schedule
//! change is an event of its own, so the state file grows by the schedule, not by the record.

mod assets;
mod inputs;
pub(crate) mod views;

use std::sync::Arc;

use atlan_model::AppRunStatus;
use http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

pub(crate) use inputs::{RawField, StoredInputs};

use super::{Event, Store, StoredCredential};
use crate::app_request::{CreateApp, Inputs, UpdateApp, unknown_entrypoint};
use crate::catalog::{self, App};
use crate::contract_check;
use crate::error::{ApiError, ApiResult};

/// The most live app workflows a sandbox holds (with each body at most
/// [`crate::body::MAX_BODY_BYTES`], their inputs take at most about 20 GiB; in practice a test
/// tenant holds a few hundred).
pub(crate) const MAX_APP_WORKFLOWS: usize = 10_000;
/// List page sizes.
const LIMITS: std::ops::RangeInclusive<usize> = 1..=500;
/// The list's default page size.
const DEFAULT_LIMIT: usize = 50;

/// A stored app workflow.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct AppWorkflowRecord {
    pub(crate) slug: String,
    pub(crate) guid: String,
    pub(crate) name: String,
    pub(crate) app_id: String,
    pub(crate) entrypoint: String,
    pub(crate) version: i64,
    pub(crate) owner: String,
    /// The stored inputs (a raw credential already vaulted into `credential_guid`).
    pub(crate) inputs: StoredInputs,
    pub(crate) schedules: Vec<ScheduleRecord>,
    pub(crate) created: i64,
}

/// One schedule of a workflow.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ScheduleRecord {
    pub(crate) trigger_id: String,
    pub(crate) cron: String,
    pub(crate) timezone: String,
}

/// A run of an app workflow; its status follows from the clock.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct AppRunRecord {
    pub(crate) run_id: String,
    pub(crate) slug: String,
    pub(crate) version: i64,
    pub(crate) workflow_name: String,
    pub(crate) app_id: String,
    pub(crate) created: i64,
    pub(crate) pending_ms: i64,
    pub(crate) running_ms: i64,
    /// Whether it ends Failed rather than Succeeded (the `fail_runs` fault).
    pub(crate) fails: bool,
    pub(crate) stopped_at: Option<i64>,
    pub(crate) started_by: String,
    pub(crate) stopped_by: Option<String>,
    /// A status that never changes (seed data).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) fixed: Option<String>,
}

impl AppRunRecord {
    fn ends(&self) -> i64 {
        self.created
            .saturating_add(self.pending_ms)
            .saturating_add(self.running_ms)
    }

    /// The status at `now`.
    pub(crate) fn status(&self, now: i64) -> AppRunStatus {
        if let Some(fixed) = &self.fixed {
            return AppRunStatus::from(fixed.as_str());
        }
        match self.stopped_at {
            Some(at) if at < self.ends() && at <= now => return AppRunStatus::Stopped,
            _ => {}
        }
        if now < self.created.saturating_add(self.pending_ms) {
            AppRunStatus::Pending
        } else if now < self.ends() {
            AppRunStatus::Running
        } else if self.fails {
            AppRunStatus::Failed
        } else {
            AppRunStatus::Succeeded
        }
    }

    /// When it ended, if it has.
    fn completed_at(&self, now: i64) -> Option<i64> {
        let status = self.status(now);
        if !status.is_terminal() {
            return None;
        }
        Some(match (status, self.stopped_at) {
            (AppRunStatus::Stopped, Some(at)) => at,
            _ if self.fixed.is_some() => self.created.saturating_add(60_000),
            _ => self.ends(),
        })
    }

    /// `{"run_id", "status", "slug", "started_at"}`.
    fn response(&self, now: i64) -> Value {
        json!({
            "run_id": self.run_id,
            "status": self.status(now).as_str(),
            "slug": self.slug,
            "started_at": rfc3339(self.created),
        })
    }
}

fn rfc3339(millis: i64) -> String {
    jiff::Timestamp::from_millisecond(millis)
        .map(|at| at.to_string())
        .unwrap_or_default()
}

fn not_found(what: &str, id: &str) -> ApiError {
    ApiError::app(StatusCode::NOT_FOUND, 404, format!("{what} {id} not found"))
}

fn bad_request(message: impl Into<String>) -> ApiError {
    ApiError::app(StatusCode::BAD_REQUEST, 400, message)
}

/// `{name, lower case, non-alphanumerics → "-"}`, at most 54 characters.
fn slug_base(name: &str) -> String {
    let base: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .take(54)
        .collect();
    let base = base.trim_matches('-');
    if base.is_empty() {
        "workflow".into()
    } else {
        base.to_owned()
    }
}

/// A raw JSON string.
fn raw_string(text: &str) -> ApiResult<RawField> {
    serde_json::value::to_raw_value(text).map_err(|error| ApiError::internal(error.to_string()))
}

/// A page of `GET v1/app`: the records to render (after the lock is released).
#[derive(Debug)]
pub(crate) struct AppPage {
    pub(crate) workflows: Vec<Arc<AppWorkflowRecord>>,
    pub(crate) next_cursor: Option<String>,
}

impl Store {
    /// `GET v1/apps/{app_id}`.
    pub(crate) fn app_info(&self, app_id: &str) -> ApiResult<Value> {
        catalog::find(app_id)
            .map(App::info)
            .ok_or_else(|| not_found("app", app_id))
    }

    /// `GET v1/apps/{app_id}/inputs[?entrypoint=]`: an unknown app does not expose an input
    /// contract (400, code 1003, as an unknown entrypoint).
    pub(crate) fn app_contract(&self, app_id: &str, entrypoint: Option<&str>) -> ApiResult<Value> {
        let app = catalog::find(app_id).ok_or_else(|| crate::app_request::unknown_app(app_id))?;
        let entrypoint = entrypoint.filter(|entrypoint| !entrypoint.is_empty());
        app.resolve_entrypoint(entrypoint)
            .ok_or_else(|| unknown_entrypoint(app, entrypoint))?;
        Ok(app.contract().clone())
    }

    /// A live workflow, shared.
    pub(crate) fn app_workflow(&self, slug: &str) -> ApiResult<Arc<AppWorkflowRecord>> {
        self.app_workflows
            .get(slug)
            .cloned()
            .ok_or_else(|| not_found("workflow", slug))
    }

    /// Checks request inputs against the app's contract and vaults a raw `credential` (its event
    /// returned; its new id becomes `credential_guid`). An empty or missing guid keeps `keep_guid`
    /// when no credential is sent.
    fn prepare_inputs(
        &mut self,
        app: &App,
        inputs: Inputs,
        owner: &str,
        keep_guid: Option<&str>,
    ) -> ApiResult<(StoredInputs, Option<Event>)> {
        let Inputs {
            mut fields,
            credential,
        } = inputs;
        let guid_empty = fields.get("credential_guid").is_none_or(|guid| {
            serde_json::from_str::<Value>(guid.get())
                .is_ok_and(|guid| guid.as_str().is_some_and(str::is_empty))
        });
        if credential.is_none()
            && guid_empty
            && let Some(kept) = keep_guid
        {
            fields.insert("credential_guid".into(), raw_string(kept)?);
        }
        if credential.is_some() && !fields.contains_key("credential_guid") {
            fields.insert("credential_guid".into(), raw_string("")?);
        }
        contract_check::check(&fields, app.contract()).map_err(bad_request)?;
        let mut vaulted = None;
        if let Some(mut credential) = credential {
            if credential.name.as_deref().is_none_or(str::is_empty) {
                credential.name = Some(format!("default-{}-{}-0", app.id, self.now() / 1000));
            }
            let id = self.new_credential_id();
            let stored =
                StoredCredential::from_request(&credential, id.clone(), self.now(), owner)?;
            fields.insert("credential_guid".into(), raw_string(&id)?);
            vaulted = Some(Event::PutCredential { credential: stored });
        }
        Ok((StoredInputs::new(fields), vaulted))
    }

    fn new_trigger_id(&mut self) -> String {
        format!("t-{:08x}", self.rng().u32(..))
    }

    fn new_app_run(
        &mut self,
        workflow: &AppWorkflowRecord,
        started_by: &str,
        fails: bool,
    ) -> AppRunRecord {
        let run_id = loop {
            let id = crate::ids::uuid_from(self.rng());
            if !self.app_runs.contains_key(&id) {
                break id;
            }
        };
        AppRunRecord {
            run_id,
            slug: workflow.slug.clone(),
            version: workflow.version,
            workflow_name: workflow.name.clone(),
            app_id: workflow.app_id.clone(),
            created: self.now(),
            pending_ms: self.settings().pending_ms,
            running_ms: self.settings().running_ms,
            fails,
            stopped_at: None,
            started_by: started_by.to_owned(),
            stopped_by: None,
            fixed: None,
        }
    }

    /// The 409 for a name a live workflow has.
    fn check_name_is_free(&self, name: &str) -> ApiResult<()> {
        match self
            .app_names
            .get(name)
            .and_then(|slug| self.app_workflows.get(slug))
        {
            None => Ok(()),
            Some(existing) => Err(ApiError::app(
                StatusCode::CONFLICT,
                409,
                "a workflow with that name already exists",
            )
            .with_body(json!({
                "message": "a workflow with that name already exists",
                "slug": existing.slug,
                "version": existing.version,
            }))),
        }
    }

    /// A slug no live workflow has.
    fn new_slug(&mut self, name: &str) -> String {
        loop {
            let slug = format!("{}-{:08x}", slug_base(name), self.rng().u32(..));
            if !self.app_workflows.contains_key(&slug) {
                return slug;
            }
        }
    }

    /// `POST v1/app`: create (and schedule, and run unless `"run": false`).
    pub(crate) fn create_app(
        &mut self,
        request: CreateApp,
        owner: &str,
        fails: impl FnOnce(&str) -> bool,
    ) -> ApiResult<Value> {
        self.check_name_is_free(&request.name)?;
        if self.app_workflows.len() >= MAX_APP_WORKFLOWS {
            return Err(bad_request(format!(
                "the sandbox holds at most {MAX_APP_WORKFLOWS} app workflows; delete some first"
            )));
        }
        let (inputs, vaulted) = self.prepare_inputs(request.app, request.inputs, owner, None)?;
        let slug = self.new_slug(&request.name);
        let schedules: Vec<ScheduleRecord> = request
            .schedule
            .map(|(cron, timezone)| ScheduleRecord {
                trigger_id: self.new_trigger_id(),
                cron,
                timezone,
            })
            .into_iter()
            .collect();
        let record = AppWorkflowRecord {
            slug: slug.clone(),
            guid: self.new_uid(),
            name: request.name,
            app_id: request.app.id.to_owned(),
            entrypoint: request.entrypoint,
            version: (self.now() / 1000).max(1),
            owner: owner.to_owned(),
            inputs,
            schedules,
            created: self.now(),
        };
        let mut response =
            json!({"slug": slug, "version": record.version, "execution_mode": "native"});
        if let Some(schedule) = record.schedules.first() {
            crate::json::set(
                &mut response,
                "schedule_trigger_id",
                json!(schedule.trigger_id),
            );
        }
        let mut events: Vec<Event> = vaulted.into_iter().collect();
        let run = request
            .run
            .then(|| self.new_app_run(&record, owner, fails(&slug)));
        events.push(Event::PutAppWorkflow {
            record: Box::new(record),
        });
        if let Some(run) = run {
            crate::json::set(&mut response, "run_id", json!(run.run_id));
            events.push(Event::PutAppRun {
                record: Box::new(run),
            });
        }
        self.commit(events)?;
        Ok(response)
    }

    /// `GET v1/app?limit=&cursor=&name=`: live workflows in creation order.
    pub(crate) fn list_apps(
        &self,
        limit: Option<&str>,
        cursor: Option<&str>,
        name: Option<&str>,
    ) -> ApiResult<AppPage> {
        let limit = match limit {
            None => DEFAULT_LIMIT,
            Some(text) => text
                .parse::<usize>()
                .ok()
                .filter(|limit| LIMITS.contains(limit))
                .ok_or_else(|| {
                    bad_request(format!("limit must be between 1 and 500, got {text:?}"))
                })?,
        };
        let mut workflows: Vec<&Arc<AppWorkflowRecord>> = self
            .app_workflows
            .values()
            .filter(|workflow| name.is_none_or(|name| workflow.name == name))
            .collect();
        workflows.sort_by(|a, b| a.created.cmp(&b.created).then_with(|| a.slug.cmp(&b.slug)));
        let start = match cursor {
            None | Some("") => 0,
            Some(text) => text
                .parse::<usize>()
                .ok()
                .filter(|start| *start <= workflows.len())
                .ok_or_else(|| {
                    bad_request(format!("cursor {text:?} is not one this server gave"))
                })?,
        };
        let end = start.saturating_add(limit).min(workflows.len());
        Ok(AppPage {
            workflows: workflows
                .get(start..end)
                .unwrap_or_default()
                .iter()
                .map(|workflow| Arc::clone(workflow))
                .collect(),
            next_cursor: (end < workflows.len()).then(|| end.to_string()),
        })
    }

    /// `PUT v1/app/{slug}`: full replace of the inputs, a new version.
    pub(crate) fn update_app(
        &mut self,
        slug: &str,
        request: UpdateApp,
        owner: &str,
    ) -> ApiResult<Value> {
        let stored = self.app_workflow(slug)?;
        let app = catalog::find(&stored.app_id).ok_or_else(|| not_found("app", &stored.app_id))?;
        let mut record = AppWorkflowRecord::clone(&stored);
        if let Some(asked) = request.entrypoint.as_deref() {
            record.entrypoint = app
                .resolve_entrypoint(Some(asked))
                .ok_or_else(|| unknown_entrypoint(app, Some(asked)))?;
        }
        let kept = stored.inputs.credential_guid();
        let (inputs, vaulted) = self.prepare_inputs(app, request.inputs, owner, kept.as_deref())?;
        record.inputs = inputs;
        record.version = (self.now() / 1000).max(record.version + 1);
        let response =
            json!({"slug": record.slug, "version": record.version, "execution_mode": "native"});
        let mut events: Vec<Event> = vaulted.into_iter().collect();
        events.push(Event::PutAppWorkflow {
            record: Box::new(record),
        });
        self.commit(events)?;
        Ok(response)
    }

    /// `DELETE v1/app/{slug}`: archived workflows answer 404 everywhere and free their name.
    pub(crate) fn delete_app(&mut self, slug: &str) -> ApiResult<Value> {
        self.app_workflow(slug)?;
        self.commit(vec![Event::DeleteAppWorkflow {
            slug: slug.to_owned(),
        }])?;
        Ok(json!({"slug": slug, "archived": true}))
    }

    /// `POST v1/app/{slug}/submit`: a new run, or 500 while one is Pending or Running.
    pub(crate) fn submit_app(&mut self, slug: &str, by: &str, fails: bool) -> ApiResult<Value> {
        let workflow = self.app_workflow(slug)?;
        let now = self.now();
        if self
            .app_runs
            .values()
            .any(|run| run.slug == slug && run.status(now).is_active())
        {
            let message = format!("workflow {slug} already has an active run");
            return Err(
                ApiError::app(StatusCode::INTERNAL_SERVER_ERROR, 500, message.clone())
                    .with_body(json!({"message": message})),
            );
        }
        let run = self.new_app_run(&workflow, by, fails);
        let response = run.response(now);
        self.commit(vec![Event::PutAppRun {
            record: Box::new(run),
        }])?;
        Ok(response)
    }

    /// `GET v1/app/runs/{run_id}`, as of `now` (reads do not move the store's clock).
    pub(crate) fn get_app_run(&self, run_id: &str, now: jiff::Timestamp) -> ApiResult<Value> {
        self.app_runs
            .get(run_id)
            .map(|run| run.response(now.as_millisecond()))
            .ok_or_else(|| not_found("run", run_id))
    }

    /// `POST v1/app/runs/{run_id}/cancel`: an active run becomes Stopped; a finished one is left as
    /// it is (`cancelled: false`).
    pub(crate) fn cancel_app_run(&mut self, run_id: &str, by: &str) -> ApiResult<Value> {
        let run = self
            .app_runs
            .get(run_id)
            .cloned()
            .ok_or_else(|| not_found("run", run_id))?;
        let now = self.now();
        let status = run.status(now);
        if !status.is_active() || run.fixed.is_some() {
            return Ok(
                json!({"run_id": run_id, "cancelled": false, "status": status.as_str(), "slug": run.slug}),
            );
        }
        self.commit(vec![Event::CancelAppRun {
            run_id: run_id.to_owned(),
            at: now,
            by: by.to_owned(),
        }])?;
        Ok(json!({"run_id": run_id, "cancelled": true, "status": "Stopped", "slug": run.slug}))
    }

    /// `POST v1/app/{slug}/schedule`: one event with the schedule (not the record).
    pub(crate) fn add_app_schedule(
        &mut self,
        slug: &str,
        (cron, timezone): (String, String),
    ) -> ApiResult<Value> {
        self.app_workflow(slug)?;
        let schedule = ScheduleRecord {
            trigger_id: self.new_trigger_id(),
            cron,
            timezone,
        };
        let response = json!({"trigger_id": schedule.trigger_id, "cron": schedule.cron, "timezone": schedule.timezone});
        self.commit(vec![Event::AddAppSchedule {
            slug: slug.to_owned(),
            schedule,
        }])?;
        Ok(response)
    }

    /// `DELETE v1/app/{slug}/schedule/{trigger_id}`: one event with the trigger id.
    pub(crate) fn remove_app_schedule(&mut self, slug: &str, trigger_id: &str) -> ApiResult<Value> {
        let record = self.app_workflow(slug)?;
        if !record
            .schedules
            .iter()
            .any(|schedule| schedule.trigger_id == trigger_id)
        {
            return Err(not_found("schedule", trigger_id));
        }
        self.commit(vec![Event::RemoveAppSchedule {
            slug: slug.to_owned(),
            trigger_id: trigger_id.to_owned(),
        }])?;
        Ok(json!({"trigger_id": trigger_id, "deleted": true}))
    }

    /// Applies an app event to memory (see [`Store::apply`]).
    pub(super) fn apply_app(&mut self, event: Event) {
        match event {
            Event::PutAppWorkflow { record } => {
                let (slug, name) = (record.slug.clone(), record.name.clone());
                self.index_app_workflow(&record);
                if let Some(previous) = self.app_workflows.insert(slug.clone(), Arc::from(record)) {
                    if previous.name != name && self.app_names.get(&previous.name) == Some(&slug) {
                        self.app_names.remove(&previous.name);
                    }
                    if self
                        .app_workflows
                        .get(&slug)
                        .is_some_and(|now| now.guid != previous.guid)
                    {
                        self.unindex_app_workflow(&previous.guid);
                    }
                }
                self.app_names.insert(name, slug);
            }
            Event::DeleteAppWorkflow { slug } => {
                if let Some(removed) = self.app_workflows.remove(&slug) {
                    self.unindex_app_workflow(&removed.guid);
                    if self.app_names.get(&removed.name) == Some(&slug) {
                        self.app_names.remove(&removed.name);
                    }
                }
            }
            Event::AddAppSchedule { slug, schedule } => {
                if let Some(record) = self.app_workflows.get_mut(&slug) {
                    Arc::make_mut(record).schedules.push(schedule);
                }
            }
            Event::RemoveAppSchedule { slug, trigger_id } => {
                if let Some(record) = self.app_workflows.get_mut(&slug) {
                    Arc::make_mut(record)
                        .schedules
                        .retain(|schedule| schedule.trigger_id != trigger_id);
                }
            }
            Event::PutAppRun { record } => {
                let run_id = record.run_id.clone();
                self.app_runs.insert(run_id.clone(), Arc::from(record));
                self.index_app_run(&run_id);
            }
            Event::CancelAppRun { run_id, at, by } => {
                if let Some(run) = self.app_runs.get_mut(&run_id) {
                    let run = Arc::make_mut(run);
                    run.stopped_at = Some(at);
                    run.stopped_by = Some(by);
                    self.index_app_run(&run_id);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde_json::json;

    use super::*;
    use crate::store::StoreSettings;

    fn store() -> Store {
        let settings = StoreSettings {
            pending_ms: 0,
            running_ms: 1,
            credential_rules: Vec::new(),
            seed: 1,
        };
        Store::new(settings, jiff::Timestamp::UNIX_EPOCH)
    }

    fn create(name: &str) -> CreateApp {
        let body = json!({"app_id": "atlan-athena", "name": name, "run": false, "inputs": {
            "connection": {"typeName": "Connection", "attributes": {"qualifiedName": "default/athena/1"}},
            "extraction_method": "direct", "credential_guid": "g"}});
        CreateApp::parse(body.to_string().as_bytes()).unwrap()
    }

    /// The documented limit: at most 10,000 live app workflows; a delete makes room again.
    #[test]
    fn a_sandbox_holds_at_most_its_limit_of_app_workflows() {
        let mut store = store();
        for index in 0..MAX_APP_WORKFLOWS {
            store
                .create_app(create(&format!("w{index}")), "jane", |_| false)
                .unwrap();
        }
        let refused = store
            .create_app(create("one-too-many"), "jane", |_| false)
            .unwrap_err();
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert!(
            refused.message.contains("at most 10000"),
            "{}",
            refused.message
        );
        let slug = store.list_apps(Some("1"), None, None).unwrap().workflows[0]
            .slug
            .clone();
        store.delete_app(&slug).unwrap();
        store
            .create_app(create("one-too-many"), "jane", |_| false)
            .unwrap();
    }
}
