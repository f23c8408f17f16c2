//! App workflows (`/api/service/v1/app…`) and their runs, beside the legacy workflows in the same
//! store, on the same clock and the same state file. Runs are also `AppWorkflowRun` assets of the
//! Atlas search (`POST /api/meta/search/indexsearch`), visible there as soon as submit answers.

use atlan_model::{
    AppRunStatus, Credential, app_run_qualified_name, app_workflow_qualified_name, decode_value,
};
use atlan_query::apps::AtlasSearch;
use atlan_query::eval::EvalOptions;
use http::StatusCode;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::{Event, Store, StoredCredential};
use crate::catalog::{self, App};
use crate::contract_check;
use crate::error::{ApiError, ApiResult};

/// Keys the server adds to stored inputs at run time; dropped from what clients send.
const RUNTIME_KEYS: [&str; 4] = ["user-id", "user_id", "workflow_id", "correlation_id"];
/// The longest workflow name.
const MAX_NAME: usize = 256;
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
    pub(crate) inputs: Map<String, Value>,
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

    /// The run as an `AppWorkflowRun` asset document.
    fn asset(&self, now: i64) -> Value {
        let mut document = json!({
            "__typeName": "AppWorkflowRun",
            "__state": "ACTIVE",
            "__guid": self.run_id,
            "qualifiedName": app_run_qualified_name(&self.slug, self.version, &self.run_id),
            "name": self.run_id,
            "appWorkflowRunLabel": self.workflow_name,
            "appWorkflowRunStatus": self.status(now).as_str(),
            "appWorkflowRunStartedAt": self.created,
            "appWorkflowRunStartedBy": self.started_by,
            "appWorkflowRunAppName": self.app_id,
            "appWorkflowRunAppQualifiedName": format!("default/apps/{}", self.app_id),
            "appWorkflowRunAppWorkflowQualifiedName": app_workflow_qualified_name(&self.slug),
            "appWorkflowRunAppWorkflowName": self.workflow_name,
            "appWorkflowRunAppWorkflowSlug": self.slug,
            "appWorkflowRunAppWorkflowVersion": self.version.to_string(),
            "appWorkflowRunWorkflowOwnership": "USER",
            "appWorkflowRunSource": "connector",
            "appWorkflowRunIsTestRun": false,
        });
        if let Some(completed) = self.completed_at(now) {
            crate::json::set(&mut document, "appWorkflowRunCompletedAt", json!(completed));
        }
        if let Some(by) = &self.stopped_by {
            crate::json::set(&mut document, "appWorkflowRunStoppedBy", json!(by));
        }
        document
    }
}

impl AppWorkflowRecord {
    /// `GET v1/app/{slug}`: the summary, with the stored inputs under `dag.extract.inputs.args`
    /// (and the keys the server adds at run time, as a tenant's do).
    fn summary(&self) -> Value {
        let mut args = self.inputs.clone();
        args.insert("user_id".into(), json!(self.owner));
        args.insert("workflow_id".into(), json!(self.slug));
        json!({
            "slug": self.slug,
            "name": self.name,
            "version": self.version,
            "owner": self.owner,
            "app_id": self.app_id,
            "schedules": self.schedules.iter().map(ScheduleRecord::response).collect::<Vec<_>>(),
            "dag": {"extract": {"inputs": {"app_id": self.app_id, "entrypoint": self.entrypoint, "args": args}}},
        })
    }

    /// The workflow as an `AtlanAppWorkflow` asset document.
    fn asset(&self) -> Value {
        json!({
            "__typeName": "AtlanAppWorkflow",
            "__state": "ACTIVE",
            "__guid": self.guid,
            "qualifiedName": app_workflow_qualified_name(&self.slug),
            "name": self.name,
            "appId": self.app_id,
            "atlanAppQualifiedName": format!("default/apps/{}", self.app_id),
            "atlanAppName": self.app_id,
            "atlanAppWorkflowSlug": self.slug,
            "atlanAppWorkflowVersion": self.version.to_string(),
            "atlanAppWorkflowStatus": "PUBLISHED",
            "atlanAppWorkflowOwnership": "USER",
            "atlanAppWorkflowSource": "connector",
        })
    }
}

impl ScheduleRecord {
    fn response(&self) -> Value {
        json!({"trigger_id": self.trigger_id, "cron": self.cron, "timezone": self.timezone})
    }
}

fn rfc3339(millis: i64) -> String {
    Timestamp::from_millisecond(millis)
        .map(|at| at.to_string())
        .unwrap_or_default()
}

fn not_found(what: &str, id: &str) -> ApiError {
    ApiError::app(StatusCode::NOT_FOUND, 404, format!("{what} {id} not found"))
}

fn bad_request(message: impl Into<String>) -> ApiError {
    ApiError::app(StatusCode::BAD_REQUEST, 400, message)
}

fn unknown_entrypoint(app: &App, asked: Option<&str>) -> ApiError {
    ApiError::app(
        StatusCode::BAD_REQUEST,
        1003,
        format!(
            "unknown entrypoint {:?} for app {}: unknown entrypoint or app does not expose an input contract",
            asked.unwrap_or_default(),
            app.id
        ),
    )
}

/// An app that is not in the catalog, on create or for its contract: 400 with code 1003.
fn unknown_app(app_id: &str) -> ApiError {
    ApiError::app(
        StatusCode::BAD_REQUEST,
        1003,
        format!(
            "unknown app {app_id:?}: unknown entrypoint or app does not expose an input contract"
        ),
    )
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

/// A string member, or a 400 naming it.
fn string_member<'a>(body: &'a Map<String, Value>, name: &str) -> ApiResult<Option<&'a str>> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(_) => Err(bad_request(format!("{name} must be a string"))),
    }
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
        let app = catalog::find(app_id).ok_or_else(|| unknown_app(app_id))?;
        let entrypoint = entrypoint.filter(|entrypoint| !entrypoint.is_empty());
        app.resolve_entrypoint(entrypoint)
            .ok_or_else(|| unknown_entrypoint(app, entrypoint))?;
        Ok(app.contract())
    }

    fn live_app(&self, slug: &str) -> ApiResult<&AppWorkflowRecord> {
        self.app_workflows
            .get(slug)
            .ok_or_else(|| not_found("workflow", slug))
    }

    /// Checks and prepares inputs: an object, runtime keys dropped, checked against the contract,
    /// a raw `credential` vaulted (its event returned) and replaced by its new `credential_guid`.
    fn prepare_inputs(
        &mut self,
        app: &App,
        inputs: Option<&Value>,
        owner: &str,
        keep_guid: Option<&str>,
    ) -> ApiResult<(Map<String, Value>, Option<Event>)> {
        let mut inputs = match inputs {
            Some(Value::Object(inputs)) => inputs.clone(),
            _ => return Err(bad_request("inputs must be a JSON object")),
        };
        for key in RUNTIME_KEYS {
            inputs.remove(key);
        }
        let raw = inputs.remove("credential").filter(|raw| !raw.is_null());
        let guid_empty = inputs
            .get("credential_guid")
            .is_none_or(|guid| guid.as_str().is_some_and(str::is_empty));
        if raw.is_none()
            && guid_empty
            && let Some(kept) = keep_guid
        {
            inputs.insert("credential_guid".into(), json!(kept));
        }
        if raw.is_some() && !inputs.contains_key("credential_guid") {
            inputs.insert("credential_guid".into(), json!(""));
        }
        contract_check::check(&inputs, &app.contract()).map_err(bad_request)?;
        let mut vaulted = None;
        if let Some(raw) = raw {
            let mut credential: Credential = decode_value(raw).map_err(|error| {
                bad_request(format!("inputs.credential is not a credential: {error}"))
            })?;
            if credential.name.as_deref().is_none_or(str::is_empty) {
                credential.name = Some(format!("default-{}-{}-0", app.id, self.now() / 1000));
            }
            let id = self.new_credential_id();
            let stored =
                StoredCredential::from_request(&credential, id.clone(), self.now(), owner)?;
            inputs.insert("credential_guid".into(), json!(id));
            vaulted = Some(Event::PutCredential { credential: stored });
        }
        Ok((inputs, vaulted))
    }

    fn check_schedule(
        cron: Option<&Value>,
        timezone: Option<&Value>,
    ) -> ApiResult<(String, String)> {
        let cron = cron
            .and_then(Value::as_str)
            .ok_or_else(|| bad_request("schedule.cron must be a string"))?;
        let timezone = match timezone {
            None | Some(Value::Null) => return Err(bad_request("schedule.timezone is required")),
            Some(Value::String(zone)) => zone.as_str(),
            Some(_) => return Err(bad_request("schedule.timezone must be a string")),
        };
        atlan_model::check_cron(cron).map_err(|error| bad_request(error.to_string()))?;
        atlan_model::check_timezone(timezone).map_err(|error| bad_request(error.to_string()))?;
        Ok((cron.trim().to_owned(), timezone.to_owned()))
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

    /// `POST v1/app`: create (and schedule, and run unless `"run": false`).
    pub(crate) fn create_app(
        &mut self,
        body: &Value,
        owner: &str,
        fails: impl FnOnce(&str) -> bool,
    ) -> ApiResult<Value> {
        let body = body
            .as_object()
            .ok_or_else(|| bad_request("the body must be a JSON object"))?;
        let app_id =
            string_member(body, "app_id")?.ok_or_else(|| bad_request("app_id is required"))?;
        let app = catalog::find(app_id).ok_or_else(|| unknown_app(app_id))?;
        let name = string_member(body, "name")?
            .filter(|name| !name.trim().is_empty())
            .ok_or_else(|| bad_request("name is required"))?;
        if name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
            return Err(bad_request(format!(
                "name must be at most {MAX_NAME} characters without control characters"
            )));
        }
        let asked = string_member(body, "entrypoint")?;
        let entrypoint = app
            .resolve_entrypoint(asked)
            .ok_or_else(|| unknown_entrypoint(app, asked))?;
        let run = match body.get("run") {
            None | Some(Value::Null) => true,
            Some(Value::Bool(run)) => *run,
            Some(_) => return Err(bad_request("run must be a boolean")),
        };
        let schedule = match body.get("schedule") {
            None | Some(Value::Null) => None,
            Some(Value::Object(schedule)) => {
                let timezone = schedule
                    .get("timezone")
                    .filter(|zone| !zone.is_null())
                    .cloned()
                    .unwrap_or_else(|| json!("UTC"));
                Some(Self::check_schedule(schedule.get("cron"), Some(&timezone))?)
            }
            Some(_) => return Err(bad_request("schedule must be an object")),
        };
        if let Some(existing) = self
            .app_workflows
            .values()
            .find(|workflow| workflow.name == name)
        {
            return Err(ApiError::app(
                StatusCode::CONFLICT,
                409,
                "a workflow with that name already exists",
            )
            .with_body(json!({
                "message": "a workflow with that name already exists",
                "slug": existing.slug,
                "version": existing.version,
            })));
        }
        let (inputs, vaulted) = self.prepare_inputs(app, body.get("inputs"), owner, None)?;
        let slug = loop {
            let slug = format!("{}-{:08x}", slug_base(name), self.rng().u32(..));
            if !self.app_workflows.contains_key(&slug) {
                break slug;
            }
        };
        let schedules: Vec<ScheduleRecord> = schedule
            .map(|(cron, timezone)| ScheduleRecord {
                trigger_id: self.new_trigger_id(),
                cron,
                timezone,
            })
            .into_iter()
            .collect();
        let guid = self.new_uid();
        let record = AppWorkflowRecord {
            slug: slug.clone(),
            guid,
            name: name.to_owned(),
            app_id: app.id.to_owned(),
            entrypoint,
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
        if run {
            let run = self.new_app_run(&record, owner, fails(&slug));
            crate::json::set(&mut response, "run_id", json!(run.run_id));
            events.push(Event::PutAppWorkflow {
                record: Box::new(record),
            });
            events.push(Event::PutAppRun {
                record: Box::new(run),
            });
        } else {
            events.push(Event::PutAppWorkflow {
                record: Box::new(record),
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
    ) -> ApiResult<Value> {
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
        let mut workflows: Vec<&AppWorkflowRecord> = self
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
        let page: Vec<Value> = workflows
            .get(start..end)
            .unwrap_or_default()
            .iter()
            .map(|workflow| workflow.summary())
            .collect();
        let has_more = end < workflows.len();
        Ok(json!({
            "workflows": page,
            "has_more": has_more,
            "next_cursor": if has_more { json!(end.to_string()) } else { Value::Null },
        }))
    }

    /// `GET v1/app/{slug}`.
    pub(crate) fn get_app(&self, slug: &str) -> ApiResult<Value> {
        Ok(self.live_app(slug)?.summary())
    }

    /// `PUT v1/app/{slug}`: full replace of the inputs, a new version.
    pub(crate) fn update_app(&mut self, slug: &str, body: &Value, owner: &str) -> ApiResult<Value> {
        let body = body
            .as_object()
            .ok_or_else(|| bad_request("the body must be a JSON object"))?;
        let mut record = self.live_app(slug)?.clone();
        let app = catalog::find(&record.app_id).ok_or_else(|| not_found("app", &record.app_id))?;
        if let Some(asked) = string_member(body, "entrypoint")? {
            record.entrypoint = app
                .resolve_entrypoint(Some(asked))
                .ok_or_else(|| unknown_entrypoint(app, Some(asked)))?;
        }
        let kept = record
            .inputs
            .get("credential_guid")
            .and_then(Value::as_str)
            .filter(|guid| !guid.is_empty())
            .map(str::to_owned);
        let (inputs, vaulted) =
            self.prepare_inputs(app, body.get("inputs"), owner, kept.as_deref())?;
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
        self.live_app(slug)?;
        self.commit(vec![Event::DeleteAppWorkflow {
            slug: slug.to_owned(),
        }])?;
        Ok(json!({"slug": slug, "archived": true}))
    }

    /// `POST v1/app/{slug}/submit`: a new run, or 500 while one is Pending or Running.
    pub(crate) fn submit_app(&mut self, slug: &str, by: &str, fails: bool) -> ApiResult<Value> {
        let workflow = self.live_app(slug)?.clone();
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
    pub(crate) fn get_app_run(&self, run_id: &str, now: Timestamp) -> ApiResult<Value> {
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
            .ok_or_else(|| not_found("run", run_id))?
            .clone();
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

    /// `POST v1/app/{slug}/schedule`.
    pub(crate) fn add_app_schedule(&mut self, slug: &str, body: &Value) -> ApiResult<Value> {
        let mut record = self.live_app(slug)?.clone();
        let (cron, timezone) = Self::check_schedule(body.get("cron"), body.get("timezone"))?;
        let schedule = ScheduleRecord {
            trigger_id: self.new_trigger_id(),
            cron,
            timezone,
        };
        let response = schedule.response();
        record.schedules.push(schedule);
        self.commit(vec![Event::PutAppWorkflow {
            record: Box::new(record),
        }])?;
        Ok(response)
    }

    /// `DELETE v1/app/{slug}/schedule/{trigger_id}`.
    pub(crate) fn remove_app_schedule(&mut self, slug: &str, trigger_id: &str) -> ApiResult<Value> {
        let mut record = self.live_app(slug)?.clone();
        let before = record.schedules.len();
        record
            .schedules
            .retain(|schedule| schedule.trigger_id != trigger_id);
        if record.schedules.len() == before {
            return Err(not_found("schedule", trigger_id));
        }
        self.commit(vec![Event::PutAppWorkflow {
            record: Box::new(record),
        }])?;
        Ok(json!({"trigger_id": trigger_id, "deleted": true}))
    }

    /// `POST /api/meta/search/indexsearch` over the app workflow and run assets.
    pub(crate) fn atlas_search(&self, search: &AtlasSearch, now: Timestamp) -> ApiResult<Value> {
        let millis = now.as_millisecond();
        let documents: Vec<Value> = self
            .app_runs
            .values()
            .map(|run| run.asset(millis))
            .chain(self.app_workflows.values().map(AppWorkflowRecord::asset))
            .collect();
        let page = search
            .dsl
            .execute(&documents, &EvalOptions::atlas(now))
            .map_err(|error| bad_request(error.to_string()))?;
        let wanted = |key: &str| {
            key == "qualifiedName" || key == "name" || search.attributes.iter().any(|a| a == key)
        };
        let entities: Vec<Value> = page
            .hits
            .iter()
            .map(|hit| {
                let document = hit.document;
                let attributes: Map<String, Value> = document
                    .as_object()
                    .into_iter()
                    .flatten()
                    .filter(|(key, _)| !key.starts_with("__") && wanted(key))
                    .map(|(key, value)| (key.clone(), value.clone()))
                    .collect();
                let field = |key: &str| document.get(key).cloned().unwrap_or(Value::Null);
                json!({
                    "typeName": field("__typeName"),
                    "guid": field("__guid"),
                    "status": field("__state"),
                    "attributes": attributes,
                })
            })
            .collect();
        let mut answer = json!({"approximateCount": page.total.map_or(0, |total| total.value)});
        if !entities.is_empty() {
            crate::json::set(&mut answer, "entities", Value::Array(entities));
        }
        Ok(answer)
    }
}
