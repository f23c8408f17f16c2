//! App workflows: create, update, list, get, delete and schedule requests and answers.

use serde_json::Value;

use super::inputs::AppInputs;
use crate::wire::wire_object;

wire_object! {
    @manual_debug
    /// `POST v1/app`: create a workflow of an app (and publish it, schedule it, run it).
    ///
    /// `run` is always sent by [`CreateApp::new`] (as `false`): the server's default, when it is
    /// absent, is to start a run.
    pub struct CreateApp {
        /// The app, such as `snowflake-crawler`.
        req "app_id" app_id: String,
        /// The display name (the server mints the slug).
        req "name" name: String,
        /// The app's inputs.
        req "inputs" inputs: AppInputs,
        /// The app's operation (the server's default when absent).
        opt "entrypoint" entrypoint: String,
        /// A schedule to add.
        opt "schedule" schedule: AppSchedule,
        /// Whether to start a run now (the server's default: yes).
        opt "run" run: bool,
    }
}

impl CreateApp {
    /// A create request that does not start a run (`"run": false`).
    pub fn new(app_id: impl Into<String>, name: impl Into<String>, inputs: AppInputs) -> Self {
        Self {
            app_id: app_id.into(),
            name: name.into(),
            inputs,
            run: Some(false),
            ..Self::default()
        }
    }
}

impl std::fmt::Debug for CreateApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreateApp")
            .field("app_id", &self.app_id)
            .field("name", &self.name)
            .field("inputs", &self.inputs)
            .field("entrypoint", &self.entrypoint)
            .field("schedule", &self.schedule)
            .field("run", &self.run)
            .finish_non_exhaustive()
    }
}

wire_object! {
    @manual_debug
    /// `PUT v1/app/{slug}`: replace a workflow's inputs (a new version on the same slug).
    pub struct UpdateApp {
        /// The whole new inputs (not a patch).
        req "inputs" inputs: AppInputs,
        /// The app's operation.
        opt "entrypoint" entrypoint: String,
    }
}

impl UpdateApp {
    /// An update with these inputs.
    pub fn new(inputs: AppInputs) -> Self {
        Self {
            inputs,
            ..Self::default()
        }
    }
}

impl std::fmt::Debug for UpdateApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UpdateApp")
            .field("inputs", &self.inputs)
            .field("entrypoint", &self.entrypoint)
            .finish_non_exhaustive()
    }
}

wire_object! {
    /// A schedule: a cron expression and the IANA zone it is read in (`POST v1/app/{slug}/schedule`,
    /// and `schedule` on create).
    pub struct AppSchedule {
        /// Five fields or an `@` macro.
        req "cron" cron: String,
        /// Such as `Europe/Paris` (the server's default on create: UTC).
        opt "timezone" timezone: String,
    }
}

impl AppSchedule {
    /// A schedule with an explicit time zone.
    pub fn new(cron: impl Into<String>, timezone: impl Into<String>) -> Self {
        Self {
            cron: cron.into(),
            timezone: Some(timezone.into()),
            ..Self::default()
        }
    }
}

wire_object! {
    /// The answer of create and update.
    pub struct AppResponse {
        /// The workflow's identity, minted by the server.
        req "slug" slug: String,
        /// Its version (bumped by every update).
        opt "version" version: i64,
        /// The run started by a create with `run`.
        opt "run_id" run_id: String,
        /// The schedule added by a create with `schedule`.
        opt "schedule_trigger_id" schedule_trigger_id: String,
        /// How the app runs.
        opt "execution_mode" execution_mode: String,
    }
}

wire_object! {
    /// A schedule of a stored workflow (`schedules` of [`AppSummary`]).
    pub struct AppScheduleEntry {
        /// Its id, to remove it.
        opt "trigger_id" trigger_id: String,
        /// The cron expression.
        opt "cron" cron: String,
        /// The time zone.
        opt "timezone" timezone: String,
    }
}

wire_object! {
    /// A stored workflow (`GET v1/app/{slug}`, and the items of a list).
    pub struct AppSummary {
        /// Its identity.
        opt "slug" slug: String,
        /// Its display name.
        opt "name" name: String,
        /// Its version.
        opt "version" version: i64,
        /// Who owns it.
        opt "owner" owner: String,
        /// Its app.
        opt "app_id" app_id: String,
        /// Its schedules.
        opt "schedules" schedules: Vec<AppScheduleEntry>,
        /// Its DAG, with the stored inputs under `extract.inputs.args`.
        opt "dag" dag: Value,
    }
}

impl AppSummary {
    /// The stored inputs (`dag.extract.inputs.args`), without the keys the server adds at run time.
    /// A `connection` stored as a JSON string is parsed back into an object.
    pub fn stored_inputs(&self) -> Option<AppInputs> {
        let args = self
            .dag
            .as_ref()?
            .pointer("/extract/inputs/args")?
            .as_object()?;
        let mut inputs = AppInputs::from_map(args.clone()).without_runtime_keys();
        if let Some(Value::String(text)) = inputs.get("connection")
            && let Ok(parsed @ Value::Object(_)) = serde_json::from_str::<Value>(text)
        {
            inputs.set("connection", parsed);
        }
        Some(inputs)
    }

    /// The app, from `app_id` or else `dag.extract.inputs.app_id`.
    pub fn app(&self) -> Option<&str> {
        self.app_id.as_deref().or_else(|| {
            self.dag
                .as_ref()?
                .pointer("/extract/inputs/app_id")?
                .as_str()
        })
    }

    /// The entrypoint the workflow was created with (`dag.extract.inputs.entrypoint`).
    pub fn entrypoint(&self) -> Option<&str> {
        self.dag
            .as_ref()?
            .pointer("/extract/inputs/entrypoint")?
            .as_str()
    }
}

wire_object! {
    /// A page of `GET v1/app`.
    pub struct AppList {
        /// The workflows of this page.
        opt "workflows" workflows: Vec<AppSummary>,
        /// Whether another page follows.
        opt "has_more" has_more: bool,
        /// The `cursor` of the next page (null on the last).
        opt "next_cursor" next_cursor: String,
    }
}

wire_object! {
    /// The answer of `DELETE v1/app/{slug}`.
    pub struct DeleteAppResponse {
        /// The workflow.
        opt "slug" slug: String,
        /// Whether it was archived.
        opt "archived" archived: bool,
    }
}

wire_object! {
    /// The answer of `POST v1/app/{slug}/schedule`.
    pub struct ScheduleAdded {
        /// The new schedule's id.
        opt "trigger_id" trigger_id: String,
        /// Its cron expression.
        opt "cron" cron: String,
        /// Its time zone.
        opt "timezone" timezone: String,
    }
}

wire_object! {
    /// The answer of `DELETE v1/app/{slug}/schedule/{trigger_id}`.
    pub struct ScheduleRemoved {
        /// The schedule.
        opt "trigger_id" trigger_id: String,
        /// Whether it was removed.
        opt "deleted" deleted: bool,
    }
}

wire_object! {
    /// A 409 on create: a live workflow already has the name. Two forms: one match
    /// (`{"message", "slug", "version"}`), several (`{"message", "slugs": [..]}`); some servers add
    /// a `code`.
    pub struct AppConflict {
        /// The text.
        opt "message" message: String,
        /// The existing workflow, when exactly one has the name.
        opt "slug" slug: String,
        /// Its version.
        opt "version" version: i64,
        /// The existing workflows, when several have the name.
        opt "slugs" slugs: Vec<String>,
        /// An error code, when the server sends one.
        opt "code" code: Value,
    }
}

impl AppConflict {
    /// Every existing slug the answer names (one or several).
    pub fn existing_slugs(&self) -> Vec<&str> {
        self.slug
            .iter()
            .map(String::as_str)
            .chain(self.slugs.iter().flatten().map(String::as_str))
            .filter(|slug| !slug.is_empty())
            .collect()
    }
}
