//! What `GET v1/app/{slug}` and `GET v1/app` answer, written straight from the shared records
//! after the store's lock is released: each stored input is copied out as its text, never parsed,
//! and a list one workflow at a time ([`ListBody`]).

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::Frame;
use serde::Serialize;
use serde_json::Value;

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
    /// About how many bytes its summary takes written out.
    pub(crate) fn summary_len(&self) -> usize {
        self.inputs.text_len() + 512 + 80 * self.schedules.len()
    }

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

/// The body of a `GET v1/app` page, `{"has_more", "next_cursor", "workflows": [...]}`, written one
/// workflow at a time as the connection takes it: an answer of 500 workflows of 2 MB each holds
/// one rendered summary in memory, not 1 GB, and no thread renders more than one at a time.
pub(crate) struct ListBody {
    head: Option<Bytes>,
    workflows: std::vec::IntoIter<Arc<AppWorkflowRecord>>,
    first: bool,
    done: bool,
}

impl ListBody {
    /// The body of `page`.
    pub(crate) fn new(page: AppPage) -> Self {
        let cursor = page.next_cursor.as_deref().map_or_else(
            || "null".to_owned(),
            |cursor| Value::from(cursor).to_string(),
        );
        let head = format!(
            r#"{{"has_more":{},"next_cursor":{cursor},"workflows":["#,
            page.next_cursor.is_some()
        );
        Self {
            head: Some(Bytes::from(head)),
            workflows: page.workflows.into_iter(),
            first: true,
            done: false,
        }
    }

    fn next_chunk(&mut self) -> Option<Bytes> {
        if let Some(head) = self.head.take() {
            return Some(head);
        }
        match self.workflows.next() {
            Some(workflow) => {
                let mut chunk = Vec::with_capacity(workflow.summary_len() + 1);
                let comma = !std::mem::take(&mut self.first);
                if comma {
                    chunk.push(b',');
                }
                // Writing into a Vec fails only for a map key that is not a string: there is none.
                if serde_json::to_writer(&mut chunk, &workflow.summary()).is_err() {
                    chunk.truncate(usize::from(comma));
                    chunk.extend_from_slice(b"null");
                }
                Some(Bytes::from(chunk))
            }
            None if !self.done => {
                self.done = true;
                Some(Bytes::from_static(b"]}"))
            }
            None => None,
        }
    }
}

impl http_body::Body for ListBody {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        Poll::Ready(
            self.get_mut()
                .next_chunk()
                .map(|chunk| Ok(Frame::data(chunk))),
        )
    }

    fn is_end_stream(&self) -> bool {
        self.done
    }
}

#[cfg(test)]
mod tests {
    use http_body_util::BodyExt;
    use serde_json::json;

    use super::*;
    use crate::store::StoredInputs;

    fn record(slug: &str) -> Arc<AppWorkflowRecord> {
        Arc::new(AppWorkflowRecord {
            slug: slug.to_owned(),
            guid: "g".into(),
            name: format!("name of {slug}"),
            app_id: "atlan-athena".into(),
            entrypoint: String::new(),
            version: 7,
            owner: "jane".into(),
            inputs: StoredInputs::from_map(
                json!({"a": [1, {"b": "c"}]})
                    .as_object()
                    .cloned()
                    .unwrap_or_default(),
            ),
            schedules: vec![ScheduleRecord {
                trigger_id: "t-1".into(),
                cron: "0 2 * * *".into(),
                timezone: "UTC".into(),
                added: None,
            }],
            created: 1,
        })
    }

    async fn body(page: AppPage) -> Value {
        let bytes = ListBody::new(page)
            .collect()
            .await
            .map(|body| body.to_bytes());
        serde_json::from_slice(&bytes.unwrap_or_default()).unwrap_or_default()
    }

    #[tokio::test]
    async fn a_list_is_written_one_workflow_at_a_time_as_one_document() {
        for (workflows, next_cursor) in [
            (vec![], None),
            (vec![record("a")], Some("1".to_owned())),
            (vec![record("a"), record("b"), record("c")], None),
        ] {
            let expected: Vec<Value> = workflows
                .iter()
                .map(|workflow| serde_json::to_value(workflow.summary()).unwrap_or_default())
                .collect();
            let page = AppPage {
                workflows,
                next_cursor: next_cursor.clone(),
            };
            assert_eq!(
                body(page).await,
                json!({"has_more": next_cursor.is_some(), "next_cursor": next_cursor, "workflows": expected})
            );
        }
        let one = serde_json::to_value(record("a").summary()).unwrap_or_default();
        assert_eq!(one["dag"]["extract"]["inputs"]["args"]["user_id"], "jane");
        assert_eq!(one["dag"]["extract"]["inputs"]["args"]["a"][1]["b"], "c");
        assert_eq!(one["schedules"][0]["trigger_id"], "t-1");
    }
}
