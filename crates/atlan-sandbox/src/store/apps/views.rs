//! What `GET v1/app/{slug}` and `GET v1/app` answer, written straight from the shared records
//! after the store's lock is released: each stored input is copied out as its text, never parsed.

use serde::Serialize;

use super::inputs::Args;
use super::{AppPage, AppWorkflowRecord, ScheduleRecord};

/// A workflow's summary (`GET v1/app/{slug}`, and each item of a list), with the stored inputs
/// under `dag.extract.inputs.args` and the keys the server adds at run time, as a tenant's are.
#[derive(Serialize)]
pub(crate) struct Summary<'a> {
    app_id: &'a str,
    dag: Dag<'a>,
    name: &'a str,
    owner: &'a str,
    schedules: &'a [ScheduleRecord],
    slug: &'a str,
    version: i64,
}

#[derive(Serialize)]
struct Dag<'a> {
    extract: Extract<'a>,
}

#[derive(Serialize)]
struct Extract<'a> {
    inputs: DagInputs<'a>,
}

#[derive(Serialize)]
struct DagInputs<'a> {
    app_id: &'a str,
    args: Args<'a>,
    entrypoint: &'a str,
}

impl AppWorkflowRecord {
    /// The summary view of this record.
    pub(crate) fn summary(&self) -> Summary<'_> {
        Summary {
            app_id: &self.app_id,
            dag: Dag {
                extract: Extract {
                    inputs: DagInputs {
                        app_id: &self.app_id,
                        args: self.inputs.with_runtime_keys(&self.owner, &self.slug),
                        entrypoint: &self.entrypoint,
                    },
                },
            },
            name: &self.name,
            owner: &self.owner,
            schedules: &self.schedules,
            slug: &self.slug,
            version: self.version,
        }
    }
}

/// A page of `GET v1/app`: `{"has_more", "next_cursor", "workflows"}`.
#[derive(Serialize)]
pub(crate) struct ListPage<'a> {
    has_more: bool,
    next_cursor: Option<&'a str>,
    workflows: Vec<Summary<'a>>,
}

impl AppPage {
    /// The page's view.
    pub(crate) fn view(&self) -> ListPage<'_> {
        ListPage {
            has_more: self.next_cursor.is_some(),
            next_cursor: self.next_cursor.as_deref(),
            workflows: self
                .workflows
                .iter()
                .map(|workflow| workflow.summary())
                .collect(),
        }
    }
}
