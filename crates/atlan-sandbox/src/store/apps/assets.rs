//! The asset index that the Atlas search (`POST /api/meta/search/indexsearch`) answers from: the
//! `AppWorkflowRun` and `AtlanAppWorkflow` documents of the app records, kept in a
//! [`crate::store::index::Collection`] of the asset schema as the records change, and brought up
//! to the clock as runs move from status to status (as the legacy run documents are).

use atlan_model::{app_run_qualified_name, app_workflow_qualified_name};
use atlan_query::apps::AtlasSearch;
use atlan_query::eval::{EvalOptions, Page};
use jiff::Timestamp;
use serde_json::{Value, json};

use atlan_model::AppRunStatus;

use super::{AppRunRecord, AppStore, AppWorkflowRecord, bad_request};
use crate::error::ApiResult;
use crate::failure::{Failure, FailureCause};
use crate::store::Store;
use crate::store::doc_values::StoredDocument;

impl AppRunRecord {
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
        if let Some(trigger) = &self.scheduled {
            crate::json::set(&mut document, "appWorkflowRunStartedBy", json!("scheduler"));
            crate::json::set(&mut document, "appWorkflowRunTriggerId", json!(trigger));
        }
        if self.fixed.is_none() {
            let (steps, error) = self.steps(now);
            crate::json::set(&mut document, "appWorkflowRunSteps", Value::Array(steps));
            if let Some(error) = error {
                crate::json::set(
                    &mut document,
                    "appWorkflowRunOutputs",
                    json!({"error": error}),
                );
            }
        }
        document
    }

    /// The steps shown at `now` (those started), each with its status and times, the failed one
    /// with its error, exit code, attempts and log in its outputs; and the run's error, if it
    /// failed.
    fn steps(&self, now: i64) -> (Vec<Value>, Option<String>) {
        let started = self.created.saturating_add(self.pending_ms);
        let status = self.status(now);
        if now < started || status == AppRunStatus::Pending {
            return (Vec::new(), None);
        }
        let failure = self.failure();
        let names: Vec<String> = APP_STEPS.map(String::from).into();
        let (count, step_ms) = self.step_plan(failure.as_ref());
        let until = self.completed_at(now).unwrap_or(now);
        let mut steps = Vec::new();
        let mut error = None;
        for (index, name) in names.iter().take(count).enumerate() {
            let begins = started + step_ms * i64::try_from(index).unwrap_or(0);
            if begins > until || (begins == until && index > 0) {
                break;
            }
            let ends = begins + step_ms;
            let last = index + 1 == count;
            let (step_status, completed) = if ends <= until && !(last && status.is_terminal()) {
                (AppRunStatus::Succeeded, Some(ends))
            } else if status.is_terminal() {
                (status.clone(), Some(until))
            } else {
                (AppRunStatus::Running, None)
            };
            let mut outputs = serde_json::Map::new();
            if step_status == AppRunStatus::Failed
                && let Some(failure) = &failure
            {
                let message = failure
                    .message
                    .clone()
                    .unwrap_or_else(|| failure.node_message());
                outputs.insert("error".into(), json!(message));
                if let Some(code) = failure.exit_code() {
                    outputs.insert("exit_code".into(), json!(code.to_string()));
                }
                outputs.insert("attempts".into(), json!((failure.retries + 1).to_string()));
                error = Some(message);
            }
            outputs.insert(
                "log".into(),
                json!(format!(
                    "apps/{}/runs/{}/{name}/main.log",
                    self.slug, self.run_id
                )),
            );
            let mut step = json!({
                "appWorkflowRunLabel": name,
                "appWorkflowRunStatus": step_status.as_str(),
                "appWorkflowRunStartedAt": begins,
                "appWorkflowRunOutputs": outputs,
            });
            if let Some(completed) = completed {
                crate::json::set(&mut step, "appWorkflowRunCompletedAt", json!(completed));
            }
            steps.push(step);
        }
        (steps, error)
    }
}

impl AppRunRecord {
    /// How it fails, if it does (a run of the `fails` of old fails at `extract`, exit code 1).
    fn failure(&self) -> Option<Failure> {
        self.failure.clone().or_else(|| {
            self.fails.then(|| {
                let mut failure = Failure::of(FailureCause::StepError);
                failure.step = Some("extract".into());
                failure
            })
        })
    }

    /// How many steps run, and how long each takes.
    fn step_plan(&self, failure: Option<&Failure>) -> (usize, i64) {
        let count = failure.map_or(APP_STEPS.len(), |failure| {
            let names: Vec<String> = APP_STEPS.map(String::from).into();
            failure.step_index(&names) + 1
        });
        (
            count,
            (self.running_ms / i64::try_from(count).unwrap_or(1)).max(1),
        )
    }
}

/// The steps of an app run (a connector's preflight, extraction, transformation and publish).
const APP_STEPS: [&str; 4] = ["preflight-check", "extract", "transform", "publish"];

impl AppWorkflowRecord {
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
            "__timestamp": self.created,
            "__modificationTimestamp": self.updated(),
        })
    }

    /// When it last changed: its latest version (the sandbox versions a workflow by the second
    /// it was written) or its latest schedule added, whichever is later.
    pub(crate) fn updated(&self) -> i64 {
        let added = self.schedules.iter().filter_map(|schedule| schedule.added);
        added
            .chain([self.version.saturating_mul(1000), self.created])
            .max()
            .unwrap_or(self.created)
    }
}

/// The key of a run's asset document.
fn run_key(run_id: &str) -> String {
    format!("run:{run_id}")
}

/// The key of a workflow's asset document: its slug (a put replaces the document of the slug).
fn workflow_key(slug: &str) -> String {
    format!("workflow:{slug}")
}

impl AppRunRecord {
    /// The first instant after `now` at which the run's asset document changes (its status moves
    /// on), if any.
    fn next_change(&self, now: i64) -> Option<i64> {
        if self.fixed.is_some() {
            return None;
        }
        let started = self.created.saturating_add(self.pending_ms);
        let (count, step_ms) = self.step_plan(self.failure().as_ref());
        let steps = (1..count).map(|step| {
            started.saturating_add(step_ms.saturating_mul(i64::try_from(step).unwrap_or(0)))
        });
        [Some(started), Some(self.ends()), self.stopped_at]
            .into_iter()
            .flatten()
            .chain(steps)
            .filter(|at| *at > now)
            .min()
    }
}

impl AppStore {
    /// Indexes (or re-indexes) the asset of run `run_id` as of `now`, and files when it next
    /// changes.
    pub(in crate::store) fn index_run(&mut self, run_id: &str, now: i64) {
        let Some(run) = self.runs.get(run_id) else {
            self.assets.remove(&run_key(run_id));
            return;
        };
        let seen = now.saturating_sub(run.lag_ms);
        if run.created > seen {
            // Not yet in a lagging index.
            let visible = run.created.saturating_add(run.lag_ms);
            self.assets.remove(&run_key(run_id));
            self.changes.insert((visible, run_id.to_owned()));
            return;
        }
        let document = run.asset(seen);
        let next = run
            .next_change(seen)
            .map(|at| at.saturating_add(run.lag_ms));
        self.assets.put(&run_key(run_id), &document);
        if let Some(at) = next {
            self.changes.insert((at, run_id.to_owned()));
        }
    }

    /// Indexes (or re-indexes) the asset of a workflow.
    pub(in crate::store) fn index_workflow(&mut self, record: &AppWorkflowRecord) {
        self.assets
            .put(&workflow_key(&record.slug), &record.asset());
    }

    /// Removes the asset of a deleted workflow.
    pub(in crate::store) fn unindex_workflow(&mut self, slug: &str) {
        self.assets.remove(&workflow_key(slug));
    }

    /// Whether a run's asset changes at or before `now`.
    pub(in crate::store) fn is_due(&self, now: i64) -> bool {
        self.changes.first().is_some_and(|(at, _)| *at <= now)
    }

    /// The run whose asset change is due first, at or before `now`, taken off the schedule.
    fn next_due(&mut self, now: i64) -> Option<String> {
        if !self.is_due(now) {
            return None;
        }
        self.changes.pop_first().map(|(_, run_id)| run_id)
    }
}

impl Store {
    /// Brings the assets of runs whose status moved on up to the store's instant; a crawler run
    /// that succeeded publishes its connection (a `Connection` asset), as on a tenant.
    pub(in crate::store) fn advance_assets(&mut self) {
        let mut published = Vec::new();
        while let Some(run_id) = self.apps.next_due(self.now) {
            self.apps.index_run(&run_id, self.now);
            if let Some(event) = self.publication(&run_id) {
                published.push(event);
            }
        }
        if !published.is_empty()
            && let Err(error) = self.commit(published)
        {
            tracing::warn!(%error, "a crawler's connection could not be written");
        }
    }

    /// The `Connection` a run publishes now: a crawler's run that has just succeeded, whose
    /// connection is not stored yet.
    fn publication(&mut self, run_id: &str) -> Option<crate::store::Event> {
        let run = self.apps.runs.get(run_id)?;
        let ended = run.completed_at(self.now)?;
        if run.fixed.is_some()
            || run.status(self.now) != AppRunStatus::Succeeded
            || !run.app_id.contains("crawler") && run.app_id != "atlan-athena"
        {
            return None;
        }
        let by = run.started_by.clone();
        let connection = self.apps.workflows.get(&run.slug)?.inputs.connection()?;
        self.published_connection(&connection, &by, ended)
    }

    /// An Atlas search: the page of asset documents that match, in order (the routes render the
    /// envelope around it, [`crate::envelope::atlas_search`]). The documents are indexed as they
    /// change, with the doc values and kept results of the legacy searches: nothing is built per
    /// search.
    ///
    /// # Errors
    /// A 400 when the search cannot be evaluated.
    pub(crate) fn atlas_search(
        &self,
        search: &AtlasSearch,
        now: Timestamp,
    ) -> ApiResult<Page<StoredDocument<'_>>> {
        self.apps
            .assets
            .search(&search.dsl, &EvalOptions::atlas(now))
            .map_err(|error| bad_request(error.to_string()))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use atlan_model::AppRunStatus;
    use atlan_query::apps::{RunFilter, active_runs, runs};
    use atlan_query::eval::Document;
    use serde_json::json;

    use super::*;
    use crate::app_request::CreateApp;
    use crate::store::StoreSettings;

    fn store() -> Store {
        Store::new(StoreSettings::default(), Timestamp::UNIX_EPOCH)
    }

    fn create(store: &mut Store, name: &str) -> String {
        let body = json!({"app_id": "atlan-athena", "name": name, "run": false, "inputs": {
            "connection": {"typeName": "Connection", "attributes": {"qualifiedName": "default/athena/1"}},
            "extraction_method": "direct", "credential_guid": "g"}});
        let request = CreateApp::parse(body.to_string().as_bytes()).unwrap();
        let created = store.create_app(request, "jane").unwrap();
        created["slug"].as_str().unwrap().to_owned()
    }

    /// The guids a search finds in the index, and those a full scan of documents built afresh
    /// from the records finds.
    fn indexed_and_scanned(store: &Store, search: &AtlasSearch) -> (Vec<String>, Vec<String>) {
        let now = Timestamp::from_millisecond(store.now).unwrap();
        let guid = |document: &Value| document["__guid"].as_str().unwrap_or_default().to_owned();
        let indexed = store.atlas_search(search, now).unwrap();
        let indexed = indexed
            .hits
            .iter()
            .map(|hit| guid(hit.document.source()))
            .collect();
        let documents: Vec<Value> = store
            .apps
            .runs
            .values()
            .map(|run| run.asset(store.now))
            .chain(
                store
                    .apps
                    .workflows
                    .values()
                    .map(|workflow| workflow.asset()),
            )
            .collect();
        let scanned = search
            .dsl
            .execute(&documents, &EvalOptions::atlas(now))
            .unwrap();
        let scanned = scanned.hits.iter().map(|hit| guid(hit.document)).collect();
        (indexed, scanned)
    }

    fn statuses(status: AppRunStatus) -> AtlasSearch {
        runs(&RunFilter::default().statuses([status])).unwrap()
    }

    #[test]
    fn the_asset_index_follows_the_clock_and_answers_what_a_full_scan_does() {
        let mut store = store();
        let slug = create(&mut store, "crawler");
        let other = create(&mut store, "other");
        let first = store.submit_app(&slug, "jane").unwrap();
        let first = first["run_id"].as_str().unwrap().to_owned();
        let searches = || {
            [
                AppRunStatus::Pending,
                AppRunStatus::Running,
                AppRunStatus::Succeeded,
                AppRunStatus::Stopped,
            ]
            .map(statuses)
            .into_iter()
            .chain([
                active_runs(&slug).unwrap(),
                active_runs(&other).unwrap(),
                runs(&RunFilter::default().slug(&slug)).unwrap(),
            ])
        };
        let found = |store: &Store, search: &AtlasSearch| {
            let (indexed, scanned) = indexed_and_scanned(store, search);
            assert_eq!(indexed, scanned, "the index answers what a full scan does");
            indexed
        };
        assert_eq!(
            found(&store, &statuses(AppRunStatus::Pending)),
            std::slice::from_ref(&first)
        );
        assert_eq!(
            found(&store, &active_runs(&slug).unwrap()),
            std::slice::from_ref(&first)
        );

        store.advance(Timestamp::from_millisecond(1_500).unwrap());
        assert!(found(&store, &statuses(AppRunStatus::Pending)).is_empty());
        assert_eq!(
            found(&store, &statuses(AppRunStatus::Running)),
            std::slice::from_ref(&first)
        );

        store.advance(Timestamp::from_millisecond(3_000).unwrap());
        assert_eq!(
            found(&store, &statuses(AppRunStatus::Succeeded)),
            std::slice::from_ref(&first)
        );
        assert!(
            found(&store, &active_runs(&slug).unwrap()).is_empty(),
            "it ended"
        );

        let second = store.submit_app(&other, "jane").unwrap();
        let second = second["run_id"].as_str().unwrap().to_owned();
        store.advance(Timestamp::from_millisecond(3_200).unwrap());
        store.cancel_app_run(&second, "jane").unwrap();
        store.advance(Timestamp::from_millisecond(9_000).unwrap());
        assert_eq!(
            found(&store, &statuses(AppRunStatus::Stopped)),
            std::slice::from_ref(&second)
        );
        for search in searches() {
            found(&store, &search);
        }

        store.delete_app(&other).unwrap();
        let workflows = AtlasSearch::new(
            atlan_query::Search::new().query(atlan_query::Query::term(
                "__typeName.keyword",
                "AtlanAppWorkflow",
            )),
            Vec::<String>::new(),
        );
        assert_eq!(
            found(&store, &workflows).len(),
            1,
            "a deleted workflow leaves the index"
        );
    }
}
