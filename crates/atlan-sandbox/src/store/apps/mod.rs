//! App workflows (`/api/service/v1/app…`) and their runs, beside the legacy workflows in the same
//! store, on the same clock and the same state file. Runs are also `AppWorkflowRun` assets of the
//! Atlas search (`POST /api/meta/search/indexsearch`), visible there as soon as submit answers.
//!
//! Records are immutable and shared (`Arc`): a read takes the records it answers under the lock
//! and renders them after letting go of it ([`views`]); a change makes a new record. A schedule
//! change is an event of its own, so the state file grows by the schedule, not by the record.

mod assets;
mod events;
mod inputs;
mod runs;
mod schedules;
pub(crate) mod views;
mod workflows;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use atlan_model::AppRunStatus;
use http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

pub(crate) use inputs::{RawField, StoredInputs};

use super::index::Collection;

use crate::error::{ApiError, ApiResult};
use crate::failure::Failure;

fn is_zero(value: &i64) -> bool {
    *value == 0
}

/// The most live app workflows a sandbox holds (with each body at most
/// [`crate::body::MAX_BODY_BYTES`], their inputs take at most about 20 GiB; in practice a test
/// tenant holds a few hundred).
pub(crate) const MAX_APP_WORKFLOWS: usize = 10_000;

/// The app workflows and their runs, and the asset documents the Atlas search reads.
pub(in crate::store) struct AppStore {
    /// Live app workflows by slug (shared with the reads that answer them).
    pub(in crate::store) workflows: BTreeMap<String, Arc<AppWorkflowRecord>>,
    /// The slug of the live app workflow of each name (names are unique among live workflows).
    pub(in crate::store) names: HashMap<String, String>,
    /// App workflow runs by run id.
    pub(in crate::store) runs: BTreeMap<String, Arc<AppRunRecord>>,
    /// The asset documents of app workflows and runs, indexed for the Atlas search.
    pub(in crate::store) assets: Collection,
    /// App runs whose asset document changes at a future instant: (instant, run id).
    pub(in crate::store) changes: BTreeSet<(i64, String)>,
}

impl Default for AppStore {
    fn default() -> Self {
        Self {
            workflows: BTreeMap::new(),
            names: HashMap::new(),
            runs: BTreeMap::new(),
            assets: Collection::new(&super::index::ASSETS),
            changes: BTreeSet::new(),
        }
    }
}
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
    /// When it was added (epoch milliseconds; records written before this was kept have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) added: Option<i64>,
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
    /// How it fails: the step, the cause, the retries (runs written before causes existed have
    /// none: they fail at `extract` with exit code 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) failure: Option<Failure>,
    /// How long after each change searches see it.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub(crate) lag_ms: i64,
    /// The trigger that started it, for a scheduled run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) scheduled: Option<String>,
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
