//! The app workflows themselves: describe an app and its contract, create, list, update and
//! delete workflows.

use std::sync::Arc;

use http::StatusCode;
use serde_json::{Value, json};

use super::{
    AppPage, AppWorkflowRecord, DEFAULT_LIMIT, LIMITS, MAX_APP_WORKFLOWS, ScheduleRecord,
    StoredInputs, bad_request, not_found, raw_string, slug_base,
};
use crate::app_request::{CreateApp, Inputs, UpdateApp, unknown_entrypoint};
use crate::catalog::{self, App};
use crate::contract_check;
use crate::error::{ApiError, ApiResult};
use crate::store::{Event, Store, StoredCredential};

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
        self.apps
            .workflows
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

    /// The 409 for a name a live workflow has.
    fn check_name_is_free(&self, name: &str) -> ApiResult<()> {
        match self
            .apps
            .names
            .get(name)
            .and_then(|slug| self.apps.workflows.get(slug))
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
            if !self.apps.workflows.contains_key(&slug) {
                return slug;
            }
        }
    }

    /// `POST v1/app`: create (and schedule, and run unless `"run": false`).
    pub(crate) fn create_app(&mut self, request: CreateApp, owner: &str) -> ApiResult<Value> {
        self.check_room_for(&request.name)?;
        let (inputs, vaulted) = self.prepare_inputs(request.app, request.inputs, owner, None)?;
        let record = self.new_app_record(
            request.name,
            request.app,
            request.entrypoint,
            request.schedule,
            inputs,
            owner,
        );
        let run = request.run.then(|| self.new_app_run(&record, owner));
        let response = created(&record, run.as_ref());
        let mut events: Vec<Event> = vaulted.into_iter().collect();
        events.push(Event::PutAppWorkflow {
            record: Box::new(record),
        });
        events.extend(run.map(|run| Event::PutAppRun {
            record: Box::new(run),
        }));
        self.commit(events)?;
        Ok(response)
    }

    /// Whether a workflow named `name` may be created: the name is free and the sandbox has room.
    fn check_room_for(&self, name: &str) -> ApiResult<()> {
        self.check_name_is_free(name)?;
        if self.apps.workflows.len() >= MAX_APP_WORKFLOWS {
            return Err(bad_request(format!(
                "the sandbox holds at most {MAX_APP_WORKFLOWS} app workflows; delete some first"
            )));
        }
        Ok(())
    }

    /// A new workflow's record, with a fresh slug, guid and trigger id.
    fn new_app_record(
        &mut self,
        name: String,
        app: &App,
        entrypoint: String,
        schedule: Option<(String, String)>,
        inputs: StoredInputs,
        owner: &str,
    ) -> AppWorkflowRecord {
        let slug = self.new_slug(&name);
        let schedules = schedule
            .map(|(cron, timezone)| ScheduleRecord {
                trigger_id: self.new_trigger_id(),
                cron,
                timezone,
                added: Some(self.now()),
            })
            .into_iter()
            .collect();
        AppWorkflowRecord {
            slug,
            guid: self.new_uid(),
            name,
            app_id: app.id.to_owned(),
            entrypoint,
            version: (self.now() / 1000).max(1),
            owner: owner.to_owned(),
            inputs,
            schedules,
            created: self.now(),
        }
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
            .apps
            .workflows
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
}

/// The answer of a create: the slug, version, schedule and run.
fn created(record: &AppWorkflowRecord, run: Option<&super::AppRunRecord>) -> Value {
    let mut response =
        json!({"slug": record.slug, "version": record.version, "execution_mode": "native"});
    if let Some(schedule) = record.schedules.first() {
        crate::json::set(
            &mut response,
            "schedule_trigger_id",
            json!(schedule.trigger_id),
        );
    }
    if let Some(run) = run {
        crate::json::set(&mut response, "run_id", json!(run.run_id));
    }
    response
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde_json::json;

    use super::*;
    use crate::store::StoreSettings;
    use crate::store::apps::MAX_APP_WORKFLOWS;

    fn store() -> Store {
        let settings = StoreSettings {
            pending_ms: 0,
            running_ms: 1,
            seed: 1,
            ..StoreSettings::default()
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
                .create_app(create(&format!("w{index}")), "jane")
                .unwrap();
        }
        let refused = store
            .create_app(create("one-too-many"), "jane")
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
        store.create_app(create("one-too-many"), "jane").unwrap();
    }
}
