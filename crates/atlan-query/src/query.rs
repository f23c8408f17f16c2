//! The query DSL: one [`Query`] enum over the Elasticsearch queries Atlan's indexes are searched with.
//!
//! Each kind serializes to exactly the wire JSON Atlan expects (`{"term": {F: {"value": V}}}`, …).
//! Decoding also accepts Elasticsearch's short forms (`{"term": {F: V}}`, a single clause instead of a
//! list in `bool`) and refuses unknown parameters the way Elasticsearch does, naming them. Parameters
//! that do not change which documents match (`boost`, `_name`, `rewrite`, `score_mode`, …) are kept in
//! `params` so that a query round-trips.

use std::collections::BTreeMap;

use serde::de::Error as _;
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// A query.
///
/// ```
/// use atlan_query::Query;
///
/// let query = Query::bool()
///     .filter(Query::nested("metadata", Query::term("metadata.name.keyword", "atlan-snowflake-1714638976")))
///     .must_not(Query::exists("status.finishedAt"));
/// assert_eq!(
///     serde_json::to_value(Query::from(query))?,
///     serde_json::json!({"bool": {
///         "filter": [{"nested": {"path": "metadata", "query": {"term": {"metadata.name.keyword": {"value": "atlan-snowflake-1714638976"}}}}}],
///         "must_not": [{"exists": {"field": "status.finishedAt"}}]
///     }})
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Query {
    /// An exact value.
    Term(TermQuery),
    /// Any of several exact values.
    Terms(TermsQuery),
    /// A Lucene regular expression over the whole value.
    Regexp(RegexpQuery),
    /// A value prefix.
    Prefix(PrefixQuery),
    /// A wildcard pattern (`*`, `?`) over the whole value.
    Wildcard(WildcardQuery),
    /// A range of numbers, dates (with date math) or strings.
    Range(RangeQuery),
    /// The field has a value.
    Exists(ExistsQuery),
    /// A query over the objects at a nested path.
    Nested(NestedQuery),
    /// A combination of queries.
    Bool(BoolQuery),
    /// Every document.
    MatchAll(MatchAllQuery),
}

impl Query {
    /// `term`: the field has exactly this value.
    pub fn term(field: impl Into<String>, value: impl Into<Value>) -> Self {
        Self::Term(TermQuery::new(field, value))
    }

    /// `terms`: the field has one of these values. An empty list matches nothing (it is kept, not
    /// dropped).
    pub fn terms<V: Into<Value>>(
        field: impl Into<String>,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        Self::Terms(TermsQuery::new(field, values))
    }

    /// `regexp`: the whole value matches this Lucene regular expression.
    pub fn regexp(field: impl Into<String>, pattern: impl Into<String>) -> Self {
        Self::Regexp(RegexpQuery::new(field, pattern))
    }

    /// `prefix`: the value starts with this prefix.
    pub fn prefix(field: impl Into<String>, prefix: impl Into<String>) -> Self {
        Self::Prefix(PrefixQuery::new(field, prefix))
    }

    /// `wildcard`: the whole value matches this pattern (`*` any run, `?` one character).
    pub fn wildcard(field: impl Into<String>, pattern: impl Into<String>) -> Self {
        Self::Wildcard(WildcardQuery::new(field, pattern))
    }

    /// `range`: a builder; set bounds with [`RangeQuery::gte`] and friends, then convert with `into()`.
    pub fn range(field: impl Into<String>) -> RangeQuery {
        RangeQuery::new(field)
    }

    /// `exists`: the field has a non-null value.
    pub fn exists(field: impl Into<String>) -> Self {
        Self::Exists(ExistsQuery::new(field))
    }

    /// `nested`: `query` matches one of the objects at `path`.
    pub fn nested(path: impl Into<String>, query: impl Into<Query>) -> Self {
        Self::Nested(NestedQuery::new(path, query))
    }

    /// `bool`: a builder; add clauses with [`BoolQuery::must`] and friends, then convert with `into()`.
    pub fn bool() -> BoolQuery {
        BoolQuery::default()
    }

    /// `match_all`: every document.
    pub fn match_all() -> Self {
        Self::MatchAll(MatchAllQuery::default())
    }

    /// The query's kind as it appears on the wire (`term`, `bool`, …).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Term(_) => "term",
            Self::Terms(_) => "terms",
            Self::Regexp(_) => "regexp",
            Self::Prefix(_) => "prefix",
            Self::Wildcard(_) => "wildcard",
            Self::Range(_) => "range",
            Self::Exists(_) => "exists",
            Self::Nested(_) => "nested",
            Self::Bool(_) => "bool",
            Self::MatchAll(_) => "match_all",
        }
    }
}

macro_rules! into_query {
    ($($variant:ident($ty:ty)),* $(,)?) => {
        $(impl From<$ty> for Query {
            fn from(query: $ty) -> Self {
                Self::$variant(query)
            }
        })*
    };
}

into_query!(
    Term(TermQuery),
    Terms(TermsQuery),
    Regexp(RegexpQuery),
    Prefix(PrefixQuery),
    Wildcard(WildcardQuery),
    Range(RangeQuery),
    Exists(ExistsQuery),
    Nested(NestedQuery),
    Bool(BoolQuery),
    MatchAll(MatchAllQuery),
);

/// Parameters every query accepts and that do not change which documents match.
const COMMON_PARAMS: &[&str] = &["boost", "_name"];

/// Takes the parameters in `allowed` out of `map` into a params map; any other key is an error.
fn take_params<E: serde::de::Error>(
    kind: &str,
    map: Map<String, Value>,
    allowed: &[&str],
) -> Result<BTreeMap<String, Value>, E> {
    let mut params = BTreeMap::new();
    for (key, value) in map {
        if !COMMON_PARAMS.contains(&key.as_str()) && !allowed.contains(&key.as_str()) {
            let mut all: Vec<&str> = allowed.to_vec();
            all.extend_from_slice(COMMON_PARAMS);
            return Err(E::custom(format_args!(
                "[{kind}] query does not support [{key}] (supported: {})",
                all.join(", ")
            )));
        }
        params.insert(key, value);
    }
    Ok(params)
}

/// Splits `{FIELD: inner}` with exactly one field.
fn single_field<E: serde::de::Error>(
    kind: &str,
    map: Map<String, Value>,
) -> Result<(String, Value), E> {
    let mut entries = map.into_iter();
    match (entries.next(), entries.next()) {
        (Some(entry), None) => Ok(entry),
        (None, _) => Err(E::custom(format_args!("[{kind}] query has no field"))),
        (Some((first, _)), Some((second, _))) => Err(E::custom(format_args!(
            "[{kind}] query does not support more than one field: [{first}], [{second}]"
        ))),
    }
}

fn take_bool<E: serde::de::Error>(
    kind: &str,
    params: &mut BTreeMap<String, Value>,
    key: &str,
) -> Result<Option<bool>, E> {
    match params.remove(key) {
        None => Ok(None),
        Some(Value::Bool(flag)) => Ok(Some(flag)),
        Some(Value::String(text)) if text == "true" || text == "false" => Ok(Some(text == "true")),
        Some(other) => Err(E::custom(format_args!(
            "[{kind}] [{key}] must be a boolean, found {other}"
        ))),
    }
}

fn take_string<E: serde::de::Error>(
    kind: &str,
    params: &mut BTreeMap<String, Value>,
    key: &str,
) -> Result<Option<String>, E> {
    match params.remove(key) {
        None => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(other) => Err(E::custom(format_args!(
            "[{kind}] [{key}] must be a string, found {other}"
        ))),
    }
}

/// A scalar query value: a string, number or boolean.
fn check_scalar<E: serde::de::Error>(kind: &str, value: Value) -> Result<Value, E> {
    match value {
        Value::String(_) | Value::Number(_) | Value::Bool(_) => Ok(value),
        other => Err(E::custom(format_args!(
            "[{kind}] value must be a string, number or boolean, found {other}"
        ))),
    }
}

/// Declares a single-field query with a `value` (`term`, `prefix`, `regexp`, `wildcard`): the struct,
/// its builders and its serde.
macro_rules! value_query {
    (
        $(#[$meta:meta])*
        $name:ident, $kind:literal, value: $value_ty:ty, aliases: [$($alias:literal),*], extra: [$($extra:literal),*],
        flags: [$( $(#[$flag_meta:meta])* $flag:ident = $flag_key:literal ),*],
        texts: [$( $(#[$text_meta:meta])* $text:ident = $text_key:literal ),*]
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub struct $name {
            /// The field.
            pub field: String,
            /// The value.
            pub value: $value_ty,
            $( $(#[$flag_meta])* pub $flag: Option<bool>, )*
            $( $(#[$text_meta])* pub $text: Option<String>, )*
            /// Parameters that do not change which documents match (`boost`, `_name`, …), kept as sent.
            pub params: BTreeMap<String, Value>,
        }

        impl $name {
            /// A query on `field` for `value`.
            pub fn new(field: impl Into<String>, value: impl Into<$value_ty>) -> Self {
                Self {
                    field: field.into(),
                    value: value.into(),
                    $( $flag: None, )*
                    $( $text: None, )*
                    params: BTreeMap::new(),
                }
            }

            $(
                $(#[$flag_meta])*
                #[must_use]
                pub fn $flag(mut self, $flag: bool) -> Self {
                    self.$flag = Some($flag);
                    self
                }
            )*
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                /// `{"value": …, options…, params…}`, written without building a map.
                struct Body<'a>(&'a $name);
                impl Serialize for Body<'_> {
                    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                        let query = self.0;
                        let mut map = serializer.serialize_map(None)?;
                        map.serialize_entry("value", &query.value)?;
                        $( if let Some(flag) = query.$flag { map.serialize_entry($flag_key, &flag)?; } )*
                        $( if let Some(text) = &query.$text { map.serialize_entry($text_key, text)?; } )*
                        for (key, value) in &query.params {
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

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let (field, inner) = single_field::<D::Error>($kind, Map::deserialize(deserializer)?)?;
                let mut inner = match inner {
                    Value::Object(map) => map,
                    short => {
                        let mut map = Map::new();
                        map.insert("value".to_owned(), short);
                        map
                    }
                };
                let value = inner
                    .remove("value")
                    $( .or_else(|| inner.remove($alias)) )*
                    .ok_or_else(|| D::Error::custom(format_args!("[{}] query on [{field}] has no value", $kind)))?;
                let value = check_scalar::<D::Error>($kind, value)?;
                let value: $value_ty = serde_json::from_value(value)
                    .map_err(|error| D::Error::custom(format_args!("[{}] value: {error}", $kind)))?;
                let mut params = take_params::<D::Error>($kind, inner, &[$($flag_key,)* $($text_key,)* $($extra),*])?;
                $( let $flag = take_bool::<D::Error>($kind, &mut params, $flag_key)?; )*
                $( let $text = take_string::<D::Error>($kind, &mut params, $text_key)?; )*
                Ok(Self { field, value, $($flag,)* $($text,)* params })
            }
        }
    };
}

value_query! {
    /// `term`: the field has exactly this value (use a `.keyword` field for exact strings).
    TermQuery, "term", value: Value, aliases: [], extra: [],
    flags: [
        /// Whether to compare strings ignoring case.
        case_insensitive = "case_insensitive"
    ],
    texts: []
}

value_query! {
    /// `prefix`: the value starts with `value`.
    PrefixQuery, "prefix", value: String, aliases: [], extra: ["rewrite"],
    flags: [
        /// Whether to compare ignoring case.
        case_insensitive = "case_insensitive"
    ],
    texts: []
}

value_query! {
    /// `regexp`: the whole value matches the Lucene regular expression `value` (Lucene syntax, not
    /// Perl's: always anchored, `"…"` quotes, and with the default flags `#`, `@`, `&`, `~` and `<n-m>`).
    RegexpQuery, "regexp", value: String, aliases: [], extra: ["max_determinized_states", "rewrite"],
    flags: [
        /// Whether to match ignoring case.
        case_insensitive = "case_insensitive"
    ],
    texts: [
        /// Which optional operators are on (`ALL` by default; `NONE`, or `|`-separated names).
        flags = "flags"
    ]
}

value_query! {
    /// `wildcard`: the whole value matches `value`, where `*` is any run of characters and `?` one.
    WildcardQuery, "wildcard", value: String, aliases: ["wildcard"], extra: ["rewrite"],
    flags: [
        /// Whether to match ignoring case.
        case_insensitive = "case_insensitive"
    ],
    texts: []
}

/// `terms`: the field has one of `values`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TermsQuery {
    /// The field.
    pub field: String,
    /// The values; an empty list matches nothing.
    pub values: Vec<Value>,
    /// Parameters that do not change which documents match, kept as sent.
    pub params: BTreeMap<String, Value>,
}

impl TermsQuery {
    /// A query on `field` for any of `values`.
    pub fn new<V: Into<Value>>(
        field: impl Into<String>,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        Self {
            field: field.into(),
            values: values.into_iter().map(Into::into).collect(),
            params: BTreeMap::new(),
        }
    }
}

impl Serialize for TermsQuery {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1 + self.params.len()))?;
        map.serialize_entry(&self.field, &self.values)?;
        for (key, value) in &self.params {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for TermsQuery {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = Map::deserialize(deserializer)?;
        let (fields, params): (Map<String, Value>, Map<String, Value>) = map
            .into_iter()
            .partition(|(key, _)| !COMMON_PARAMS.contains(&key.as_str()));
        let (field, values) = single_field::<D::Error>("terms", fields)?;
        let Value::Array(values) = values else {
            return Err(D::Error::custom(format_args!(
                "[terms] query on [{field}] needs a list of values (terms lookup is not supported)"
            )));
        };
        let values = values
            .into_iter()
            .map(|value| check_scalar::<D::Error>("terms", value))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            field,
            values,
            params: params.into_iter().collect(),
        })
    }
}

/// `range`: the field's value is within bounds. Bounds are numbers, or strings: a date, date math
/// (`now-6h`, `now-1d/d`, `2026-01-01||+1M`) or any string (compared as text).
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct RangeQuery {
    /// The field.
    pub field: String,
    /// Greater than.
    pub gt: Option<Value>,
    /// Greater than or equal.
    pub gte: Option<Value>,
    /// Less than.
    pub lt: Option<Value>,
    /// Less than or equal.
    pub lte: Option<Value>,
    /// Date format of the bounds, such as `strict_date_optional_time||epoch_millis`.
    pub format: Option<String>,
    /// Time zone of the bounds and of date math rounding, such as `+01:00` (default UTC).
    pub time_zone: Option<String>,
    /// Parameters that do not change which documents match, kept as sent.
    pub params: BTreeMap<String, Value>,
}

impl RangeQuery {
    /// A range on `field` with no bounds yet.
    pub fn new(field: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            ..Self::default()
        }
    }

    /// Greater than `bound`.
    #[must_use]
    pub fn gt(mut self, bound: impl Into<Value>) -> Self {
        self.gt = Some(bound.into());
        self
    }

    /// Greater than or equal to `bound`.
    #[must_use]
    pub fn gte(mut self, bound: impl Into<Value>) -> Self {
        self.gte = Some(bound.into());
        self
    }

    /// Less than `bound`.
    #[must_use]
    pub fn lt(mut self, bound: impl Into<Value>) -> Self {
        self.lt = Some(bound.into());
        self
    }

    /// Less than or equal to `bound`.
    #[must_use]
    pub fn lte(mut self, bound: impl Into<Value>) -> Self {
        self.lte = Some(bound.into());
        self
    }

    /// The date format of the bounds.
    #[must_use]
    pub fn format(mut self, format: impl Into<String>) -> Self {
        self.format = Some(format.into());
        self
    }

    /// The time zone of the bounds (`Z` or an offset such as `+01:00`).
    #[must_use]
    pub fn time_zone(mut self, time_zone: impl Into<String>) -> Self {
        self.time_zone = Some(time_zone.into());
        self
    }

    /// Whether it has at least one bound.
    pub fn has_bounds(&self) -> bool {
        self.gt.is_some() || self.gte.is_some() || self.lt.is_some() || self.lte.is_some()
    }
}

const RANGE_BOUNDS: [&str; 4] = ["gt", "gte", "lt", "lte"];

impl Serialize for RangeQuery {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        /// The bounds and options, written without building a map.
        struct Body<'a>(&'a RangeQuery);
        impl Serialize for Body<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let range = self.0;
                let mut map = serializer.serialize_map(None)?;
                for (key, bound) in RANGE_BOUNDS
                    .iter()
                    .zip([&range.gt, &range.gte, &range.lt, &range.lte])
                {
                    if let Some(bound) = bound {
                        map.serialize_entry(key, bound)?;
                    }
                }
                if let Some(format) = &range.format {
                    map.serialize_entry("format", format)?;
                }
                if let Some(zone) = &range.time_zone {
                    map.serialize_entry("time_zone", zone)?;
                }
                for (key, value) in &range.params {
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

impl<'de> Deserialize<'de> for RangeQuery {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let (field, inner) = single_field::<D::Error>("range", Map::deserialize(deserializer)?)?;
        let Value::Object(inner) = inner else {
            return Err(D::Error::custom(format_args!(
                "[range] query on [{field}] must be an object"
            )));
        };
        let mut params = take_params::<D::Error>(
            "range",
            inner,
            &["gt", "gte", "lt", "lte", "format", "time_zone", "relation"],
        )?;
        let mut bound = |key: &str| -> Result<Option<Value>, D::Error> {
            params
                .remove(key)
                .map(|value| check_scalar::<D::Error>("range", value))
                .transpose()
        };
        let (gt, gte, lt, lte) = (bound("gt")?, bound("gte")?, bound("lt")?, bound("lte")?);
        let format = take_string::<D::Error>("range", &mut params, "format")?;
        let time_zone = take_string::<D::Error>("range", &mut params, "time_zone")?;
        Ok(Self {
            field,
            gt,
            gte,
            lt,
            lte,
            format,
            time_zone,
            params,
        })
    }
}

/// `exists`: the field has a non-null value.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ExistsQuery {
    /// The field.
    pub field: String,
    /// Parameters that do not change which documents match, kept as sent.
    pub params: BTreeMap<String, Value>,
}

impl ExistsQuery {
    /// An exists query on `field`.
    pub fn new(field: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            params: BTreeMap::new(),
        }
    }
}

impl Serialize for ExistsQuery {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1 + self.params.len()))?;
        map.serialize_entry("field", &self.field)?;
        for (key, value) in &self.params {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for ExistsQuery {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut map = Map::deserialize(deserializer)?;
        let field = match map.remove("field") {
            Some(Value::String(field)) => field,
            Some(other) => {
                return Err(D::Error::custom(format_args!(
                    "[exists] [field] must be a string, found {other}"
                )));
            }
            None => return Err(D::Error::custom("[exists] query has no [field]")),
        };
        Ok(Self {
            field,
            params: take_params::<D::Error>("exists", map, &[])?,
        })
    }
}

/// `nested`: `query` matches one of the objects at `path` (fields inside it are named in full,
/// such as `metadata.name.keyword` under path `metadata`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct NestedQuery {
    /// The nested path, such as `metadata`.
    pub path: String,
    /// The query each nested object is tested with.
    pub query: Box<Query>,
    /// Parameters that do not change which documents match (`score_mode`, `ignore_unmapped`, …).
    pub params: BTreeMap<String, Value>,
}

impl NestedQuery {
    /// A nested query.
    pub fn new(path: impl Into<String>, query: impl Into<Query>) -> Self {
        Self {
            path: path.into(),
            query: Box::new(query.into()),
            params: BTreeMap::new(),
        }
    }
}

impl Serialize for NestedQuery {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2 + self.params.len()))?;
        map.serialize_entry("path", &self.path)?;
        map.serialize_entry("query", &self.query)?;
        for (key, value) in &self.params {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for NestedQuery {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut map = Map::deserialize(deserializer)?;
        let path = match map.remove("path") {
            Some(Value::String(path)) => path,
            Some(other) => {
                return Err(D::Error::custom(format_args!(
                    "[nested] [path] must be a string, found {other}"
                )));
            }
            None => return Err(D::Error::custom("[nested] query has no [path]")),
        };
        let query = map
            .remove("query")
            .ok_or_else(|| D::Error::custom("[nested] query has no [query]"))?;
        let query: Query = serde_json::from_value(query)
            .map_err(|error| D::Error::custom(format_args!("[nested] {error}")))?;
        let params = take_params::<D::Error>(
            "nested",
            map,
            &["score_mode", "ignore_unmapped", "inner_hits"],
        )?;
        Ok(Self {
            path,
            query: Box::new(query),
            params,
        })
    }
}

/// How many `should` clauses must match: a count (negative: all but that many) or Elasticsearch's
/// textual forms (`"75%"`, `"-25%"`, `"3<90%"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum MinimumShouldMatch {
    /// A count; negative means all but that many.
    Count(i64),
    /// A textual specification, such as `"75%"`.
    Text(String),
}

impl From<i64> for MinimumShouldMatch {
    fn from(count: i64) -> Self {
        Self::Count(count)
    }
}

/// `bool`: `must` and `filter` clauses all match, no `must_not` clause matches, and `should` clauses
/// match as [`minimum_should_match`](Self::minimum_should_match) says (at least one when there is no
/// `must` or `filter`). A `bool` with no clause matches every document.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct BoolQuery {
    /// Clauses that must match (and score).
    pub must: Vec<Query>,
    /// Clauses that must match (without scoring).
    pub filter: Vec<Query>,
    /// Clauses that should match.
    pub should: Vec<Query>,
    /// Clauses that must not match.
    pub must_not: Vec<Query>,
    /// How many `should` clauses must match.
    pub minimum_should_match: Option<MinimumShouldMatch>,
    /// Parameters that do not change which documents match, kept as sent.
    pub params: BTreeMap<String, Value>,
}

impl BoolQuery {
    /// Adds a `must` clause.
    #[must_use]
    pub fn must(mut self, query: impl Into<Query>) -> Self {
        self.must.push(query.into());
        self
    }

    /// Adds a `filter` clause.
    #[must_use]
    pub fn filter(mut self, query: impl Into<Query>) -> Self {
        self.filter.push(query.into());
        self
    }

    /// Adds a `should` clause.
    #[must_use]
    pub fn should(mut self, query: impl Into<Query>) -> Self {
        self.should.push(query.into());
        self
    }

    /// Adds a `must_not` clause.
    #[must_use]
    pub fn must_not(mut self, query: impl Into<Query>) -> Self {
        self.must_not.push(query.into());
        self
    }

    /// Sets how many `should` clauses must match.
    #[must_use]
    pub fn minimum_should_match(mut self, minimum: impl Into<MinimumShouldMatch>) -> Self {
        self.minimum_should_match = Some(minimum.into());
        self
    }
}

const BOOL_CLAUSES: [&str; 4] = ["must", "filter", "should", "must_not"];

impl Serialize for BoolQuery {
    /// Empty clause lists are left out (as Atlan's SDKs send them); everything else is written.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (key, clauses) in
            BOOL_CLAUSES
                .iter()
                .zip([&self.must, &self.filter, &self.should, &self.must_not])
        {
            if !clauses.is_empty() {
                map.serialize_entry(key, clauses)?;
            }
        }
        if let Some(minimum) = &self.minimum_should_match {
            map.serialize_entry("minimum_should_match", minimum)?;
        }
        for (key, value) in &self.params {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for BoolQuery {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut map = Map::deserialize(deserializer)?;
        let mut clauses = |key: &str| -> Result<Vec<Query>, D::Error> {
            let parse = |value: Value| {
                serde_json::from_value::<Query>(value)
                    .map_err(|error| D::Error::custom(format_args!("[bool] [{key}] {error}")))
            };
            match map.remove(key) {
                None | Some(Value::Null) => Ok(Vec::new()),
                Some(Value::Array(items)) => items.into_iter().map(parse).collect(),
                Some(single) => Ok(vec![parse(single)?]),
            }
        };
        let (must, filter, should, must_not) = (
            clauses("must")?,
            clauses("filter")?,
            clauses("should")?,
            clauses("must_not")?,
        );
        let minimum_should_match = map
            .remove("minimum_should_match")
            .map(serde_json::from_value)
            .transpose()
            .map_err(|error| {
                D::Error::custom(format_args!("[bool] [minimum_should_match] {error}"))
            })?;
        let params = take_params::<D::Error>("bool", map, &[])?;
        Ok(Self {
            must,
            filter,
            should,
            must_not,
            minimum_should_match,
            params,
        })
    }
}

/// `match_all`: every document.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct MatchAllQuery {
    /// Parameters that do not change which documents match, kept as sent.
    pub params: BTreeMap<String, Value>,
}

impl Serialize for MatchAllQuery {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.params.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for MatchAllQuery {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = Map::deserialize(deserializer)?;
        Ok(Self {
            params: take_params::<D::Error>("match_all", map, &[])?,
        })
    }
}
