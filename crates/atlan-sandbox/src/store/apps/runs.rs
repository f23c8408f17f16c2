//! App runs: submit, read, cancel.

use http::StatusCode;
use serde_json::{Value, json};

use super::{AppRunRecord, AppWorkflowRecord, not_found};
use crate::error::{ApiError, ApiResult};
use crate::store::{Event, Store};

impl Store {
    pub(in crate::store) fn new_app_run(
        &mut self,
        workflow: &AppWorkflowRecord,
        started_by: &str,
    ) -> AppRunRecord {
        let (failure, lag_ms) = self.fate_of(&workflow.slug);
        let run_id = loop {
            let id = crate::ids::uuid_from(self.rng());
            if !self.apps.runs.contains_key(&id) {
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
            fails: failure.is_some(),
            failure: failure.map(|(mut failure, message)| {
                failure.message = message;
                failure
            }),
            lag_ms,
            scheduled: None,
            stopped_at: None,
            started_by: started_by.to_owned(),
            stopped_by: None,
            fixed: None,
        }
    }

    /// `POST v1/app/{slug}/submit`: a new run, or 500 while one is Pending or Running.
    pub(crate) fn submit_app(&mut self, slug: &str, by: &str) -> ApiResult<Value> {
        let workflow = self.app_workflow(slug)?;
        let now = self.now();
        if self
            .apps
            .runs
            .values()
            .any(|run| run.slug == slug && run.status(now).is_active())
        {
            let message = format!("workflow {slug} already has an active run");
            return Err(
                ApiError::app(StatusCode::INTERNAL_SERVER_ERROR, 500, message.clone())
                    .with_body(json!({"message": message})),
            );
        }
        let run = self.new_app_run(&workflow, by);
        let response = run.response(now);
        self.commit(vec![Event::PutAppRun {
            record: Box::new(run),
        }])?;
        Ok(response)
    }

    /// `GET v1/app/runs/{run_id}`, as of `now` (reads do not move the store's clock).
    pub(crate) fn get_app_run(&self, run_id: &str, now: jiff::Timestamp) -> ApiResult<Value> {
        self.apps
            .runs
            .get(run_id)
            .map(|run| run.response(now.as_millisecond()))
            .ok_or_else(|| not_found("run", run_id))
    }

    /// `POST v1/app/runs/{run_id}/cancel`: an active run becomes Stopped; a finished one is left as
    /// it is (`cancelled: false`).
    pub(crate) fn cancel_app_run(&mut self, run_id: &str, by: &str) -> ApiResult<Value> {
        let run = self
            .apps
            .runs
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
}
