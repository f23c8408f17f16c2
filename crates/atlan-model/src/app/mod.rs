//! App workflows: Atlan's newer connector API under `/api/service/v1/app…` (the surface pyatlan 11
//! drives with `client.app`), and the `AppWorkflowRun` / `AtlanAppWorkflow` assets its runs are
//! found as through `POST /api/meta/search/indexsearch`.
//!
//! Wire keys of this API are snake_case (`app_id`, `has_more`); the asset search is Atlas's
//! camelCase. Every type keeps the fields it does not know, like the rest of this crate.

mod asset;
mod contract;
mod info;
mod inputs;
mod run;
mod status;
mod workflow;

pub use asset::{
    APP_WORKFLOWS_PREFIX, AppWorkflowRunAttributes, AtlanAppWorkflowAttributes, AtlasEntity,
    AtlasSearchResponse, app_run_qualified_name, app_workflow_qualified_name,
};
pub use contract::InputContract;
pub use info::{AppEntrypoint, AppInfo};
pub use inputs::{AppInputs, RUNTIME_INPUT_KEYS};
pub use run::{AppRunResponse, CancelRunResponse};
pub use status::AppRunStatus;
pub use workflow::{
    AppConflict, AppList, AppResponse, AppSchedule, AppScheduleEntry, AppSummary, CreateApp,
    DeleteAppResponse, ScheduleAdded, ScheduleRemoved, UpdateApp,
};
