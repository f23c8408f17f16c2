//! A search request: query, paging, sort and hit counting.

use std::collections::BTreeMap;

use serde::de::Error as _;
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::query::Query;

/// The largest `from + size` Elasticsearch serves (`index.max_result_window`).
pub const MAX_RESULT_WINDOW: u64 = 10_000;

/// A search request body, as POSTed to `workflows/indexsearch` and `runs/indexsearch`.
///
/// ```
/// use atlan_query::{Query, Search, Sort, SortOrder};
///
/// let search = Search::new()
///     .query(Query::term("_id", "atlan-snowflake-miner-1714638976-mzdza"))
///     .size(1)
///     .sort(Sort::new("status.startedAt").order(SortOrder::Desc));
/// assert_eq!(
///     serde_json::to_value(&search)?,
///     serde_json::json!({"from": 0, "size": 1, "query": {"term": {"_id": {"value": "atlan-snowflake-miner-1714638976-mzdza"}}},
///                        "sort": [{"status.startedAt": {"order": "desc"}}]})
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Search {
    /// Index of the first hit to return (default 0).
    #[serde(default)]
    pub from: u64,
    /// Number of hits to return (default 10).
    #[serde(default = "default_size")]
    pub size: u64,
    /// Whether (or up to what count) to count all matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub track_total_hits: Option<TrackTotalHits>,
    /// The query; every document when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<Query>,
    /// A filter applied to the hits after the query (it also narrows the total).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_filter: Option<Query>,
    /// The sort, first key first; index order when empty.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "sorts"
    )]
    pub sort: Vec<Sort>,
    /// Aggregations (Atlas searches send `{}`); kept as sent. The evaluator answers none and
    /// refuses a search that asks for one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregations: Option<Map<String, Value>>,
}

fn default_size() -> u64 {
    10
}

impl Default for Search {
    fn default() -> Self {
        Self {
            from: 0,
            size: default_size(),
            track_total_hits: None,
            query: None,
            post_filter: None,
            sort: Vec::new(),
            aggregations: None,
        }
    }
}

impl Search {
    /// A search for every document: from 0, size 10, no sort.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the query.
    #[must_use]
    pub fn query(mut self, query: impl Into<Query>) -> Self {
        self.query = Some(query.into());
        self
    }

    /// Sets the index of the first hit.
    #[must_use]
    pub fn from(mut self, from: u64) -> Self {
        self.from = from;
        self
    }

    /// Sets the number of hits.
    #[must_use]
    pub fn size(mut self, size: u64) -> Self {
        self.size = size;
        self
    }

    /// Adds a sort key (after those already set).
    #[must_use]
    pub fn sort(mut self, sort: Sort) -> Self {
        self.sort.push(sort);
        self
    }

    /// Sets whether (or up to what count) to count all matches.
    #[must_use]
    pub fn track_total_hits(mut self, track: impl Into<TrackTotalHits>) -> Self {
        self.track_total_hits = Some(track.into());
        self
    }

    /// Sets a post filter.
    #[must_use]
    pub fn post_filter(mut self, filter: impl Into<Query>) -> Self {
        self.post_filter = Some(filter.into());
        self
    }

    /// The same search for the page after this one (`from + size`).
    #[must_use]
    pub fn next_page(&self) -> Self {
        let mut next = self.clone();
        next.from = self.from.saturating_add(self.size);
        next
    }

    /// Whether `from + size` is within [`MAX_RESULT_WINDOW`].
    pub fn within_result_window(&self) -> bool {
        self.from
            .checked_add(self.size)
            .is_some_and(|end| end <= MAX_RESULT_WINDOW)
    }
}

/// Accepts a list of sorts or a single one, as Elasticsearch does (keeping each sort's own error).
fn sorts<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Sort>, D::Error> {
    let parse = |value: Value| {
        Sort::deserialize(value).map_err(|error| D::Error::custom(error.to_string()))
    };
    match Value::deserialize(deserializer)? {
        Value::Array(items) => items.into_iter().map(parse).collect(),
        single => Ok(vec![parse(single)?]),
    }
}

/// `track_total_hits`: `true` counts every match, `false` none, a number counts up to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum TrackTotalHits {
    /// Count every match (`true`) or none (`false`).
    Track(bool),
    /// Count up to this many matches, then report a lower bound.
    UpTo(u64),
}

impl From<bool> for TrackTotalHits {
    fn from(track: bool) -> Self {
        Self::Track(track)
    }
}

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum SortOrder {
    /// Smallest first.
    Asc,
    /// Largest first.
    Desc,
}

/// One sort key: `{FIELD: {"order": …, "nested": {"path": …}, "missing": …}}`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Sort {
    /// The field (`_id`, `_doc` and `_score` are also accepted).
    pub field: String,
    /// Direction; ascending when absent (descending for `_score`).
    pub order: Option<SortOrder>,
    /// The nested path the field lives under, such as `metadata`.
    pub nested_path: Option<String>,
    /// Where documents without a value go: `"_last"` (the default), `"_first"`, or a value to use.
    pub missing: Option<Value>,
    /// Other sort parameters (`mode`, `unmapped_type`, `nested.filter`, …), kept as sent.
    pub params: BTreeMap<String, Value>,
}

impl Sort {
    /// An ascending sort on `field`.
    pub fn new(field: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            order: None,
            nested_path: None,
            missing: None,
            params: BTreeMap::new(),
        }
    }

    /// Sets the direction.
    #[must_use]
    pub fn order(mut self, order: SortOrder) -> Self {
        self.order = Some(order);
        self
    }

    /// Sets the nested path.
    #[must_use]
    pub fn nested(mut self, path: impl Into<String>) -> Self {
        self.nested_path = Some(path.into());
        self
    }

    /// Puts documents without a value first (`"_first"`) instead of last.
    #[must_use]
    pub fn missing_first(mut self) -> Self {
        self.missing = Some(Value::from("_first"));
        self
    }

    /// The effective direction.
    pub fn effective_order(&self) -> SortOrder {
        self.order.unwrap_or(if self.field == "_score" {
            SortOrder::Desc
        } else {
            SortOrder::Asc
        })
    }
}

impl Serialize for Sort {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        /// `{"path": …, more nested params…}`.
        struct Nested<'a>(&'a str, Option<&'a Map<String, Value>>);
        impl Serialize for Nested<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(None)?;
                map.serialize_entry("path", self.0)?;
                for (key, value) in self.1.into_iter().flatten() {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
        /// The sort options, written without building a map.
        struct Body<'a>(&'a Sort);
        impl Serialize for Body<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let sort = self.0;
                let more_nested = match sort.params.get("nested") {
                    Some(Value::Object(more)) => Some(more),
                    _ => None,
                };
                let mut map = serializer.serialize_map(None)?;
                if let Some(order) = sort.order {
                    map.serialize_entry("order", &order)?;
                }
                match (&sort.nested_path, more_nested) {
                    (Some(path), more) => map.serialize_entry("nested", &Nested(path, more))?,
                    (None, Some(more)) => map.serialize_entry("nested", more)?,
                    (None, None) => {}
                }
                if let Some(missing) = &sort.missing {
                    map.serialize_entry("missing", missing)?;
                }
                for (key, value) in sort.params.iter().filter(|(key, _)| *key != "nested") {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(&self.field, &Body(self))?;
        map.end()
    }
}

impl<'de> Deserialize<'de> for Sort {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = match Value::deserialize(deserializer)? {
            Value::String(field) => return Ok(Self::new(field)),
            Value::Object(map) => map,
            other => {
                return Err(D::Error::custom(format_args!(
                    "a sort is a field name or an object, found {other}"
                )));
            }
        };
        let mut entries = map.into_iter();
        let (field, inner) = match (entries.next(), entries.next()) {
            (Some(entry), None) => entry,
            _ => return Err(D::Error::custom("a sort object has exactly one field")),
        };
        let mut sort = Self::new(field);
        let inner = match inner {
            Value::String(order) => {
                let mut map = Map::new();
                map.insert("order".to_owned(), Value::String(order));
                map
            }
            Value::Object(map) => map,
            other => {
                return Err(D::Error::custom(format_args!(
                    "sort on [{}] must be an order or an object, found {other}",
                    sort.field
                )));
            }
        };
        for (key, value) in inner {
            match key.as_str() {
                "order" => {
                    sort.order = Some(serde_json::from_value(value).map_err(|_| {
                        D::Error::custom(format_args!(
                            "sort on [{}]: order must be \"asc\" or \"desc\"",
                            sort.field
                        ))
                    })?);
                }
                "nested" => {
                    let Value::Object(mut nested) = value else {
                        return Err(D::Error::custom("sort [nested] must be an object"));
                    };
                    match nested.remove("path") {
                        Some(Value::String(path)) => sort.nested_path = Some(path),
                        Some(_) => {
                            return Err(D::Error::custom("sort [nested.path] must be a string"));
                        }
                        None => {}
                    }
                    if !nested.is_empty() {
                        sort.params.insert(key, Value::Object(nested));
                    }
                }
                "missing" => sort.missing = Some(value),
                "mode" | "unmapped_type" | "numeric_type" | "format" => {
                    sort.params.insert(key, value);
                }
                other => {
                    return Err(D::Error::custom(format_args!(
                        "sort on [{}] does not support [{other}] (supported: order, nested, missing, mode, unmapped_type, numeric_type, format)",
                        sort.field
                    )));
                }
            }
        }
        Ok(sort)
    }
}
