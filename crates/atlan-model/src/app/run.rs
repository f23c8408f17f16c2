//! Runs of app workflows: submit, get and cancel answers.

use super::status::AppRunStatus;
use crate::wire::wire_object;

wire_object! {
    /// The answer of submit (`POST v1/app/{slug}/submit`) and get run (`GET v1/app/runs/{run_id}`).
    pub struct AppRunResponse {
        /// The run.
        opt "run_id" run_id: String,
        /// Its status.
        opt "status" status: AppRunStatus,
        /// Its workflow.
        opt "slug" slug: String,
        /// When it started (RFC 3339).
        opt "started_at" started_at: String,
    }
}

wire_object! {
    /// The answer of `POST v1/app/runs/{run_id}/cancel`.
    pub struct CancelRunResponse {
        /// The run.
        opt "run_id" run_id: String,
        /// Whether this call cancelled it (false when it had already ended).
        opt "cancelled" cancelled: bool,
        /// Its status after the call.
        opt "status" status: AppRunStatus,
        /// Its workflow.
        opt "slug" slug: String,
    }
}
