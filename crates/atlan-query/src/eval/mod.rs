//! Evaluating a [`Search`] over JSON documents with Elasticsearch semantics (feature `eval`).
//!
//! This is how `atlan-sandbox` serves `indexsearch`, and how property tests check what a search
//! means. What it does, as Elasticsearch does with dynamic mapping:
//!
//! - `X.keyword` matches the exact string of `X`; `X` alone is a text field, matched on lowercase
//!   tokens (so a `term` on `status.phase` for `Succeeded` finds nothing, as in Elasticsearch);
//!   strings that are dates (`2024-11-18T05:45:01Z`) are dates.
//! - `_id` is the document's id ([`Document::id`]).
//! - `nested` tests each object (or array element) at its path; fields under the nested paths of
//!   [`EvalOptions::nested_paths`] are invisible outside a `nested` query or sort on that path.
//! - `regexp` is Lucene's syntax, anchored to the whole value; `wildcard` and `prefix` likewise.
//! - `range` compares numbers, dates (bounds may be date math, rounded per bound kind, in
//!   `time_zone`) and strings.
//! - `bool`: `must` and `filter` all match, no `must_not` matches, and `should` needs one match when
//!   there is no `must` or `filter` (or `minimum_should_match`).
//! - Sort: ascending takes a field's smallest value, descending its largest; documents without a
//!   value go last unless `missing` says otherwise; ties keep the input order. Without a sort, hits
//!   come in input order (every document scores the same here).
//! - `from`/`size` page the sorted hits; `from + size` over 10,000 is refused as Elasticsearch does;
//!   `track_total_hits` counts all matches (`true`), none (`false`), up to a number, or up to 10,000
//!   when absent.
//!
//! The clock is injected: date math resolves against [`EvalOptions::now`].

mod fields;
mod matching;
mod regexp;
mod sorting;

use atlan_model::{TotalHits, TotalHitsRelation};
use jiff::Timestamp;
use serde_json::Value;

use crate::search::{MAX_RESULT_WINDOW, Search, TrackTotalHits};
use fields::Scope;
use matching::Matcher;
use sorting::{Key, SortSpec};

/// The nested paths of Atlan's workflow and run indexes.
pub const ATLAN_NESTED_PATHS: [&str; 2] = ["metadata", "spec"];

/// How many matches Elasticsearch counts when `track_total_hits` is absent.
const DEFAULT_TRACK_TOTAL_HITS: u64 = 10_000;

/// A document to search: an id and a JSON source, and optionally doc values.
pub trait Document {
    /// The document id (`_id`), if it has one.
    fn id(&self) -> Option<&str>;
    /// The document's source.
    fn source(&self) -> &Value;
    /// The doc-value column of the field at `path` (dotted, without a `.keyword` suffix), when
    /// documents of this kind keep one; the default keeps none. It must depend on `path` alone:
    /// the evaluator asks the first document of a search once per field and uses the answer for
    /// every document.
    fn doc_value_column(&self, path: &str) -> Option<usize> {
        let _ = path;
        None
    }

    /// Doc values, as Elasticsearch keeps them: this document's values in `column`, or `None` to
    /// make the evaluator walk the source for them.
    ///
    /// When `Some`, they must be exactly what [`field_values`] finds in the source (each made a
    /// [`DocValue`]): every leaf, arrays flattened. For a nested path itself (a `nested` query's or sort's target), the column
    /// holds one value (of any content) when the path holds an object and none when it holds
    /// nothing; answer `None` when it holds an array, or when a key with a dot in it also reaches
    /// below the path. The evaluator then skips finding the nested object.
    ///
    /// A store that searches many documents for a few fields gains here: walking JSON trees is
    /// bound by cache misses, reading a compact column is not.
    fn doc_values(&self, column: usize) -> Option<&[DocValue]> {
        let _ = column;
        None
    }

    /// Called once the evaluator has matched this document and read its sort keys: it reads
    /// nothing more of it, though it keeps the document until the page is cut. A document that
    /// parses its source lazily can drop the parsed tree here, so that a search matching many
    /// documents does not hold all their trees at once. The default does nothing.
    fn evaluated(&mut self) {}
}

/// A doc value: one leaf of a document's source, and its instant when it is a date string (read
/// once, as [`crate::parse_date`] reads it), so that ranges and sorts need not parse it again.
#[derive(Debug, Clone, PartialEq)]
pub struct DocValue {
    value: Value,
    date: Option<Timestamp>,
}

impl DocValue {
    /// A doc value for `value`.
    pub fn new(value: Value) -> Self {
        let date = value.as_str().and_then(crate::parse_date);
        Self { value, date }
    }

    /// The value.
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// Its instant, when it is a date string.
    pub fn date(&self) -> Option<Timestamp> {
        self.date
    }
}

impl From<Value> for DocValue {
    fn from(value: Value) -> Self {
        Self::new(value)
    }
}

/// The leaf values at `path` in `source`, as the evaluator finds them: dotted names reach into
/// objects, keys containing dots are found too, arrays are flattened, nested visibility is not
/// applied. For building [`Document::doc_values`].
pub fn field_values<'a>(source: &'a Value, path: &str) -> Vec<&'a Value> {
    fields::leaves(source, path)
}

/// A bare JSON document: its id is `metadata.name`, as in Atlan's indexes.
impl Document for Value {
    fn id(&self) -> Option<&str> {
        self.get("metadata")?.get("name")?.as_str()
    }

    fn source(&self) -> &Value {
        self
    }
}

impl<D: Document + ?Sized> Document for &D {
    fn id(&self) -> Option<&str> {
        (**self).id()
    }

    fn source(&self) -> &Value {
        (**self).source()
    }

    fn doc_value_column(&self, path: &str) -> Option<usize> {
        (**self).doc_value_column(path)
    }

    fn doc_values(&self, column: usize) -> Option<&[DocValue]> {
        (**self).doc_values(column)
    }
}

/// A borrowed `(id, source)` pair: evaluate stored documents without copying them.
impl Document for (&str, &Value) {
    fn id(&self) -> Option<&str> {
        Some(self.0)
    }

    fn source(&self) -> &Value {
        self.1
    }
}

impl<I: AsRef<str>> Document for (I, Value) {
    fn id(&self) -> Option<&str> {
        Some(self.0.as_ref())
    }

    fn source(&self) -> &Value {
        &self.1
    }
}

/// The environment of an evaluation.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct EvalOptions {
    /// The instant `now` means in date math.
    pub now: Timestamp,
    /// Paths mapped as `nested`: their fields are only visible inside a `nested` query or sort.
    pub nested_paths: Vec<String>,
    /// Whether strings are mapped as keywords (matched exactly, as Atlas maps `__state`,
    /// `qualifiedName` and asset attributes) rather than as text with a `.keyword` subfield.
    pub keyword_by_default: bool,
}

impl EvalOptions {
    /// Options for Atlan's indexes (nested paths `metadata` and `spec`) at `now`.
    pub fn at(now: Timestamp) -> Self {
        Self {
            now,
            nested_paths: ATLAN_NESTED_PATHS
                .iter()
                .map(|path| (*path).to_owned())
                .collect(),
            keyword_by_default: false,
        }
    }

    /// Options for Atlas's asset index (`/api/meta/search/indexsearch`) at `now`: no nested paths,
    /// strings mapped as keywords.
    pub fn atlas(now: Timestamp) -> Self {
        Self {
            now,
            nested_paths: Vec::new(),
            keyword_by_default: true,
        }
    }

    /// Sets the nested paths.
    #[must_use]
    pub fn nested_paths<S: Into<String>>(mut self, paths: impl IntoIterator<Item = S>) -> Self {
        self.nested_paths = paths.into_iter().map(Into::into).collect();
        self
    }
}

/// One page of a search's results.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<D> {
    /// How many documents matched (absent when `track_total_hits` is `false`).
    pub total: Option<TotalHits>,
    /// The hits of this page, in order.
    pub hits: Vec<Hit<D>>,
}

impl<D> Default for Page<D> {
    /// No hits, no total.
    fn default() -> Self {
        Self {
            total: None,
            hits: Vec::new(),
        }
    }
}

impl<D> Page<D> {
    /// The same page with each document mapped (a server keeping a result to page through keeps
    /// ids, not documents).
    pub fn map<E>(self, mut f: impl FnMut(D) -> E) -> Page<E> {
        Page {
            total: self.total,
            hits: self
                .hits
                .into_iter()
                .map(|hit| Hit {
                    document: f(hit.document),
                    sort: hit.sort,
                })
                .collect(),
        }
    }

    /// The `size` hits from `from` on, with this page's total: a later page of a result kept
    /// whole (sorted once, paged through many times).
    pub fn slice<E>(&self, from: usize, size: usize, mut f: impl FnMut(&D) -> E) -> Page<E> {
        Page {
            total: self.total.clone(),
            hits: self
                .hits
                .iter()
                .skip(from)
                .take(size)
                .map(|hit| Hit {
                    document: f(&hit.document),
                    sort: hit.sort.clone(),
                })
                .collect(),
        }
    }
}

/// One hit.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Hit<D> {
    /// The document.
    pub document: D,
    /// Its sort values, one per sort key (dates as epoch milliseconds, missing as `null`); empty
    /// when the search has no sort.
    pub sort: Vec<Value>,
}

/// A search that cannot be evaluated; Elasticsearch answers these with a 400.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EvalError {
    /// `from + size` beyond the result window.
    #[error(
        "Result window is too large, from + size must be less than or equal to: [{max}] but was [{requested}]"
    )]
    ResultWindow {
        /// `from + size`.
        requested: u64,
        /// 10,000.
        max: u64,
    },
    /// A `regexp` that does not parse.
    #[error("invalid regular expression `{pattern}`: {reason}")]
    InvalidRegexp {
        /// The pattern.
        pattern: String,
        /// What is wrong, with its position.
        reason: String,
    },
    /// A `regexp` longer than Elasticsearch's `index.max_regex_length` (1,000).
    #[error(
        "The length of regex [{length}] used in the Regexp Query request has exceeded the allowed maximum of [{max}]. This maximum can be set by changing the [index.max_regex_length] index level setting."
    )]
    RegexpTooLong {
        /// The pattern's length in characters.
        length: usize,
        /// 1,000.
        max: usize,
    },
    /// A `regexp` or `wildcard` whose automaton would exceed `max_determinized_states` (10,000).
    #[error(
        "Determinizing automaton with {states} states and {transitions} transitions would result in more than {max} states."
    )]
    TooComplexToDeterminize {
        /// States of the automaton being determinized.
        states: usize,
        /// Its transitions.
        transitions: usize,
        /// 10,000.
        max: usize,
    },
    /// A `regexp` or `wildcard` whose compilation would take more than `steps` elementary steps
    /// (a bound of this evaluator, below Elasticsearch's state limit for pathological patterns).
    #[error(
        "the regular expression is too expensive to compile (more than {steps} steps); simplify it"
    )]
    RegexpTooExpensive {
        /// The budget.
        steps: u64,
    },
    /// A date bound or time zone that cannot be used.
    #[error("invalid date: {reason}")]
    InvalidDate {
        /// What is wrong.
        reason: String,
    },
    /// A feature of Elasticsearch this evaluator does not implement.
    #[error("not supported by this evaluator: {what}")]
    Unsupported {
        /// What was asked for.
        what: String,
    },
}

impl Search {
    /// Runs this search over `documents` and returns the total and the requested page.
    ///
    /// ```
    /// use atlan_query::eval::EvalOptions;
    /// use atlan_query::{Query, Search, Timestamp};
    /// use serde_json::json;
    ///
    /// let runs = [
    ///     json!({"metadata": {"name": "a-1"}, "status": {"phase": "Running"}}),
    ///     json!({"metadata": {"name": "a-2"}, "status": {"phase": "Failed"}}),
    /// ];
    /// let search = Search::new().query(Query::term("status.phase.keyword", "Failed"));
    /// let page = search.execute(&runs, &EvalOptions::at(Timestamp::UNIX_EPOCH))?;
    /// assert_eq!(page.total.map(|t| t.value), Some(1));
    /// assert_eq!(page.hits[0].document["metadata"]["name"], "a-2");
    /// # Ok::<(), atlan_query::eval::EvalError>(())
    /// ```
    ///
    /// # Errors
    /// [`EvalError`] for a search Elasticsearch would refuse (result window, bad regexp or date) or
    /// one this evaluator does not support.
    pub fn execute<D: Document, I: IntoIterator<Item = D>>(
        &self,
        documents: I,
        options: &EvalOptions,
    ) -> Result<Page<D>, EvalError> {
        let end = self.page_end()?;
        let compile =
            |query: Option<&crate::Query>| query.map(|q| Matcher::compile(q, options)).transpose();
        let query = compile(self.query.as_ref())?;
        let post_filter = compile(self.post_filter.as_ref())?;
        let sorts: Vec<SortSpec> = self.sort.iter().map(SortSpec::new).collect();

        // Sort keys of all matches in one buffer: `keys[i * sorts.len()..][..sorts.len()]`.
        let mut keys: Vec<Key> = Vec::new();
        let mut matched: Vec<(usize, D)> = Vec::new();
        for document in documents {
            let scope = Scope {
                document: &document,
                nested: None,
                nested_paths: &options.nested_paths,
            };
            let selected = query.as_ref().is_none_or(|m| m.matches(&scope))
                && post_filter.as_ref().is_none_or(|m| m.matches(&scope));
            if selected {
                keys.extend(sorts.iter().map(|sort| sort.key(&scope)));
                let mut document = document;
                document.evaluated();
                matched.push((matched.len(), document));
            }
        }
        let keys_of = |index: usize| {
            keys.get(index * sorts.len()..(index + 1) * sorts.len())
                .unwrap_or_default()
        };
        let count = matched.len() as u64;
        if !sorts.is_empty() {
            // Ties keep the input order: the position breaks them, which makes the order total, so
            // only the hits up to the end of the page need sorting.
            let order = |(a, _): &(usize, D), (b, _): &(usize, D)| {
                sorts
                    .iter()
                    .zip(keys_of(*a).iter().zip(keys_of(*b)))
                    .map(|(sort, (a, b))| sort.compare(a, b))
                    .find(|ordering| ordering.is_ne())
                    .unwrap_or_else(|| a.cmp(b))
            };
            let end = usize::try_from(end).unwrap_or(usize::MAX);
            if end < matched.len() {
                matched.select_nth_unstable_by(end, order);
                matched.truncate(end);
            }
            matched.sort_unstable_by(order);
        }
        let total = self.total_of(count);
        let from = usize::try_from(self.from).unwrap_or(usize::MAX);
        let size = usize::try_from(self.size).unwrap_or(usize::MAX);
        let with_sort_values = !sorts.is_empty();
        let hits = matched
            .into_iter()
            .skip(from)
            .take(size)
            .map(|(index, document)| Hit {
                document,
                sort: if with_sort_values {
                    keys_of(index).iter().map(Key::to_json).collect()
                } else {
                    Vec::new()
                },
            })
            .collect();
        Ok(Page { total, hits })
    }

    /// Where the page ends (`from + size`), or why Elasticsearch would refuse the search: past
    /// the result window, or with aggregations (which this evaluator does not support).
    fn page_end(&self) -> Result<u64, EvalError> {
        let end = self.from.saturating_add(self.size);
        if end > MAX_RESULT_WINDOW {
            return Err(EvalError::ResultWindow {
                requested: end,
                max: MAX_RESULT_WINDOW,
            });
        }
        if self
            .aggregations
            .as_ref()
            .is_some_and(|aggregations| !aggregations.is_empty())
        {
            return Err(EvalError::Unsupported {
                what: "aggregations".into(),
            });
        }
        Ok(end)
    }

    /// The total an answer carries for `count` matches, as `track_total_hits` asks.
    fn total_of(&self, count: u64) -> Option<TotalHits> {
        match self.track_total_hits {
            Some(TrackTotalHits::Track(false)) => None,
            Some(TrackTotalHits::Track(true)) => Some(total_hits(count, u64::MAX)),
            Some(TrackTotalHits::UpTo(limit)) => Some(total_hits(count, limit)),
            None => Some(total_hits(count, DEFAULT_TRACK_TOTAL_HITS)),
        }
    }
}

fn total_hits(count: u64, limit: u64) -> TotalHits {
    let mut total = TotalHits::exact(count.min(limit));
    if count > limit {
        total.relation = Some(TotalHitsRelation::Gte);
    }
    total
}
