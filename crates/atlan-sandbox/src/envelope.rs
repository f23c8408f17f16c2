//! The wire envelopes the routes answer with, around the domain values the store answers: the
//! `indexsearch` answer (Elasticsearch's), the Atlas search answer (Atlas's), the credential
//! listing and the CronWorkflow list.

use std::time::Duration;

use atlan_query::Index;
use atlan_query::eval::Page;
use serde::Serialize;
use serde_json::{Value, json};

use atlan_query::eval::Document;

use crate::store::{Source, StoredDocument};

/// The body of an `indexsearch` answer for `page`, serialized straight from the stored documents:
/// each hit's stored text is written as it is (no copy or parse of it is made).
///
/// # Errors
/// When serializing fails (it cannot for JSON values, but the error is not hidden).
pub(crate) fn search(
    index: Index,
    page: &Page<StoredDocument<'_>>,
    took: Duration,
) -> serde_json::Result<Vec<u8>> {
    let hits = page
        .hits
        .iter()
        .enumerate()
        .map(|(position, hit)| SearchHit {
            index: index.elasticsearch_name(),
            kind: "_doc",
            id: hit.document.name,
            // Elasticsearch scores unsorted hits (filters only: 1.0) and omits `sort`.
            score: hit.sort.is_empty().then_some(1.0),
            seq_no: position,
            primary_term: 1,
            sort: (!hit.sort.is_empty()).then_some(hit.sort.as_slice()),
            source: hit.document.source,
        })
        .collect();
    serde_json::to_vec(&SearchResponse {
        took: u64::try_from(took.as_millis()).unwrap_or(u64::MAX),
        timed_out: false,
        shards: Shards::ONE,
        hits: SearchHits {
            total: page.total.as_ref(),
            max_score: None,
            hits,
        },
    })
}

/// The body of an Atlas search answer (`/api/meta/search/indexsearch`) for `page`:
/// `approximateCount`, and `entities` (absent when there are none, as Atlas answers) with the
/// attributes asked for besides `qualifiedName` and `name`, serialized straight from the stored
/// documents.
///
/// # Errors
/// When serializing fails (it cannot for JSON values, but the error is not hidden).
pub(crate) fn atlas_search(
    page: &Page<StoredDocument<'_>>,
    attributes: &[String],
) -> serde_json::Result<Vec<u8>> {
    let entities: Vec<AtlasEntity<'_>> = page
        .hits
        .iter()
        .map(|hit| AtlasEntity::of(hit.document.source(), attributes))
        .collect();
    serde_json::to_vec(&AtlasAnswer {
        approximate_count: page.total.as_ref().map_or(0, |total| total.value),
        entities: (!entities.is_empty()).then_some(entities),
    })
}

#[derive(Serialize)]
struct AtlasAnswer<'a> {
    #[serde(rename = "approximateCount")]
    approximate_count: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    entities: Option<Vec<AtlasEntity<'a>>>,
}

#[derive(Serialize)]
struct AtlasEntity<'a> {
    #[serde(rename = "typeName")]
    type_name: &'a Value,
    guid: &'a Value,
    status: &'a Value,
    attributes: serde_json::Map<String, Value>,
    #[serde(rename = "createTime", skip_serializing_if = "Option::is_none")]
    create_time: Option<&'a Value>,
    #[serde(rename = "updateTime", skip_serializing_if = "Option::is_none")]
    update_time: Option<&'a Value>,
}

impl<'a> AtlasEntity<'a> {
    fn of(document: &'a Value, asked: &[String]) -> Self {
        let wanted =
            |key: &str| key == "qualifiedName" || key == "name" || asked.iter().any(|a| a == key);
        let attributes = document
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(key, _)| !key.starts_with("__") && wanted(key))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        let field = |key: &str| document.get(key).unwrap_or(&Value::Null);
        Self {
            type_name: field("__typeName"),
            guid: field("__guid"),
            status: field("__state"),
            attributes,
            create_time: document.get("__timestamp").filter(|value| !value.is_null()),
            update_time: document
                .get("__modificationTimestamp")
                .filter(|value| !value.is_null()),
        }
    }
}

/// `GET credentials`: `{"records": [...]}`, or `{"records": null}` when nothing matches, as a
/// tenant answers.
pub(crate) fn credential_list(records: Vec<Value>) -> Value {
    if records.is_empty() {
        return json!({ "records": null });
    }
    json!({ "records": records })
}

/// `GET runs/cron`: a Kubernetes list of CronWorkflows.
pub(crate) fn cron_list(items: Vec<Value>) -> Value {
    json!({ "metadata": {}, "items": items })
}

#[derive(Serialize)]
struct SearchResponse<'a> {
    took: u64,
    timed_out: bool,
    #[serde(rename = "_shards")]
    shards: Shards,
    hits: SearchHits<'a>,
}

/// One shard, all answered.
#[derive(Serialize)]
struct Shards {
    total: u32,
    successful: u32,
    skipped: u32,
    failed: u32,
}

impl Shards {
    const ONE: Self = Self {
        total: 1,
        successful: 1,
        skipped: 0,
        failed: 0,
    };
}

#[derive(Serialize)]
struct SearchHits<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    total: Option<&'a atlan_model::TotalHits>,
    max_score: Option<f64>,
    hits: Vec<SearchHit<'a>>,
}

#[derive(Serialize)]
struct SearchHit<'a> {
    #[serde(rename = "_index")]
    index: &'a str,
    #[serde(rename = "_type")]
    kind: &'a str,
    #[serde(rename = "_id")]
    id: &'a str,
    #[serde(rename = "_score")]
    score: Option<f64>,
    #[serde(rename = "_seq_no")]
    seq_no: usize,
    #[serde(rename = "_primary_term")]
    primary_term: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    sort: Option<&'a [Value]>,
    /// The stored text, written as it is.
    #[serde(rename = "_source")]
    source: &'a Source,
}
