//! A collection of documents with the indexes Atlan's searches filter on, and a planner that turns a
//! search's required clauses into a small candidate set before the exact evaluation runs.
//!
//! The planner only ever narrows to a superset of the matches: the candidates are then evaluated
//! with `atlan_query`'s evaluator, so the result is exactly a full scan's, only faster.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

use atlan_query::eval::{EvalError, EvalOptions, Page};
use atlan_query::{DateMath, Query, Rounding, Search, Timestamp, parse_date};
use jiff::tz::TimeZone;
use serde_json::Value;

use super::doc_values::{self, DocValues, Layout, StoredDocument};
use super::postings::Postings;
use super::result_cache::{self, ResultCache};
use super::source::Source;

/// What a collection indexes: keyword fields by exact value, date fields by instant (each with
/// where its values are in a document), and which fields it keeps as doc values.
#[derive(Debug)]
pub(crate) struct Schema {
    terms: &'static [(&'static str, &'static [&'static str])],
    dates: &'static [(&'static str, &'static [&'static str])],
    layout: &'static Layout,
}

/// The legacy indexes, `workflows` and `runs`.
pub(crate) const ARGO: Schema = Schema {
    terms: TERM_FIELDS,
    dates: DATE_FIELDS,
    layout: &doc_values::ARGO,
};

/// The asset index that finds app workflows and runs (every string a keyword; its dates are
/// epoch milliseconds, which the date index does not read, so they are always candidates).
pub(crate) const ASSETS: Schema = Schema {
    terms: &[
        ("__typeName.keyword", &["__typeName"]),
        ("__typeName", &["__typeName"]),
        ("__state", &["__state"]),
        ("appWorkflowRunStatus", &["appWorkflowRunStatus"]),
    ],
    dates: &[],
    layout: &doc_values::ASSETS,
};

/// Keyword fields of the legacy indexes.
const TERM_FIELDS: &[(&str, &[&str])] = &[
    ("metadata.name.keyword", &["metadata", "name"]),
    (
        "spec.workflowTemplateRef.name.keyword",
        &["spec", "workflowTemplateRef", "name"],
    ),
    (
        "metadata.labels.workflows.argoproj.io/phase.keyword",
        &["metadata", "labels", "workflows.argoproj.io/phase"],
    ),
    ("status.phase.keyword", &["status", "phase"]),
    (
        "metadata.annotations.package.argoproj.io/name.keyword",
        &["metadata", "annotations", "package.argoproj.io/name"],
    ),
];

/// Date fields of the legacy indexes.
const DATE_FIELDS: &[(&str, &[&str])] = &[
    ("status.startedAt", &["status", "startedAt"]),
    ("status.finishedAt", &["status", "finishedAt"]),
    (
        "metadata.creationTimestamp",
        &["metadata", "creationTimestamp"],
    ),
];

fn at_path<'a>(document: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(document, |value, key| value.get(key))
}

/// A stored document: its source (as text) and its doc values.
#[derive(Debug)]
struct Entry {
    name: String,
    source: Source,
    values: Option<DocValues>,
}

impl Entry {
    fn new(name: &str, document: &Value, layout: &Layout) -> Self {
        Self {
            name: name.to_owned(),
            values: DocValues::of(document, layout),
            source: Source::of(document),
        }
    }

    fn stored(&self, layout: &'static Layout) -> StoredDocument<'_> {
        StoredDocument::new(&self.name, &self.source, self.values.as_ref(), layout)
    }
}

/// A document made ready to store: its entry and the keys it is indexed under, computed from the
/// document alone, so that a bulk load prepares many at once, off the store's lock.
#[derive(Debug)]
pub(crate) struct Prepared {
    entry: Entry,
    keys: Keys,
}

/// The keys a document is indexed under.
#[derive(Debug, Default)]
struct Keys {
    /// (field, keyword value).
    terms: Vec<(&'static str, String)>,
    /// (field, instant in milliseconds, or `None` when the field holds something not a date).
    dates: Vec<(&'static str, Option<i64>)>,
}

impl Schema {
    /// `document`, named `name`, ready to be stored in a collection of this schema.
    pub(crate) fn prepare(&'static self, name: &str, document: &Value) -> Prepared {
        Prepared {
            entry: Entry::new(name, document, self.layout),
            keys: self.keys(document),
        }
    }

    /// The keys `document` is indexed under.
    fn keys(&self, document: &Value) -> Keys {
        let mut keys = Keys::default();
        for (field, path) in self.terms {
            if let Some(value) = at_path(document, path).and_then(Value::as_str) {
                keys.terms.push((field, value.to_owned()));
            }
        }
        for (field, path) in self.dates {
            match at_path(document, path) {
                None | Some(Value::Null) => {}
                Some(value) => keys.dates.push((
                    field,
                    value
                        .as_str()
                        .and_then(parse_date)
                        .map(|date| date.as_millisecond()),
                )),
            }
        }
        keys
    }
}

/// Documents by name, in insertion order (Elasticsearch's index order), with their indexes.
#[derive(Debug)]
pub(crate) struct Collection {
    schema: &'static Schema,
    slots: Vec<Option<Entry>>,
    ids: HashMap<String, usize>,
    terms: HashMap<&'static str, HashMap<String, Postings>>,
    /// (instant in milliseconds, slot) pairs: one dense B-tree per field, read in order by a range.
    dates: HashMap<&'static str, BTreeSet<(i64, usize)>>,
    /// Documents whose date field holds something that is not a date: always candidates.
    undated: HashMap<&'static str, BTreeSet<usize>>,
    /// Bumped by every write: what a kept result is valid for.
    generation: u64,
    /// Whole results of recent searches, so that a deep page costs what the first one does.
    results: ResultCache,
}

impl Default for Collection {
    /// A collection of the legacy schema.
    fn default() -> Self {
        Self::new(&ARGO)
    }
}

impl Collection {
    /// An empty collection indexed as `schema` says.
    pub(crate) fn new(schema: &'static Schema) -> Self {
        Self {
            schema,
            slots: Vec::new(),
            ids: HashMap::new(),
            terms: HashMap::new(),
            dates: HashMap::new(),
            undated: HashMap::new(),
            generation: 0,
            results: ResultCache::default(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.ids.len()
    }

    /// The document `name` (parsed from its text).
    pub(crate) fn get(&self, name: &str) -> Option<Cow<'_, Value>> {
        self.source(name).map(Source::value)
    }

    /// The source of document `name`, unparsed.
    pub(crate) fn source(&self, name: &str) -> Option<&Source> {
        let slot = *self.ids.get(name)?;
        self.slots.get(slot)?.as_ref().map(|entry| &entry.source)
    }

    /// Whether document `name` is stored.
    pub(crate) fn contains(&self, name: &str) -> bool {
        self.ids.contains_key(name)
    }

    /// Every document, in index order, each parsed from its text as it is reached.
    #[cfg(test)]
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, Cow<'_, Value>)> {
        self.sources().map(|(name, source)| (name, source.value()))
    }

    /// The documents whose keyword `field` (one the schema indexes) holds a value `wanted`
    /// accepts, in index order, unparsed. Documents with no string there are not indexed under
    /// the field, and never found.
    pub(crate) fn with_term(
        &self,
        field: &str,
        wanted: impl Fn(&str) -> bool,
    ) -> impl Iterator<Item = (&str, &Source)> {
        let mut slots: Vec<usize> = self
            .terms
            .get(field)
            .into_iter()
            .flatten()
            .filter(|(value, _)| wanted(value))
            .flat_map(|(_, slots)| slots.iter())
            .collect();
        slots.sort_unstable();
        slots.dedup();
        slots
            .into_iter()
            .filter_map(|slot| self.slots.get(slot)?.as_ref())
            .map(|entry| (entry.name.as_str(), &entry.source))
    }

    /// Every document's source, in index order, unparsed.
    pub(crate) fn sources(&self) -> impl Iterator<Item = (&str, &Source)> {
        self.slots
            .iter()
            .flatten()
            .map(|entry| (entry.name.as_str(), &entry.source))
    }

    /// The schema the collection is indexed by.
    pub(crate) fn schema(&self) -> &'static Schema {
        self.schema
    }

    /// Inserts or replaces a document.
    pub(crate) fn put(&mut self, name: &str, document: &Value) {
        self.put_prepared(self.schema.prepare(name, document));
    }

    /// Inserts or replaces a document prepared by this collection's [`Schema::prepare`].
    pub(crate) fn put_prepared(&mut self, prepared: Prepared) {
        let Prepared { entry, keys } = prepared;
        self.generation += 1;
        let slot = match self.ids.get(entry.name.as_str()) {
            Some(&slot) => {
                self.unindex(slot);
                slot
            }
            None => {
                self.slots.push(None);
                let slot = self.slots.len() - 1;
                self.ids.insert(entry.name.clone(), slot);
                slot
            }
        };
        self.index(slot, keys);
        if let Some(stored) = self.slots.get_mut(slot) {
            *stored = Some(entry);
        }
    }

    /// Re-allocates every document's doc values in index order, so that they sit together in
    /// memory: after a bulk load they are interleaved with the texts and index entries, and a
    /// search that reads a few doc values of thousands of documents is bound by cache misses.
    pub(crate) fn compact(&mut self) {
        for entry in self.slots.iter_mut().flatten() {
            entry.values = entry.values.clone();
        }
    }

    /// Removes a document; returns whether it was stored.
    pub(crate) fn remove(&mut self, name: &str) -> bool {
        self.generation += 1;
        let Some(slot) = self.ids.remove(name) else {
            return false;
        };
        self.unindex(slot);
        self.slots
            .get_mut(slot)
            .is_some_and(|entry| entry.take().is_some())
    }

    fn index(&mut self, slot: usize, keys: Keys) {
        for (field, value) in keys.terms {
            let values = self.terms.entry(field).or_default();
            match values.get_mut(value.as_str()) {
                Some(postings) => postings.insert(slot),
                None => {
                    values.insert(value, Postings::One(slot));
                }
            }
        }
        for (field, date) in keys.dates {
            match date {
                Some(date) => {
                    self.dates.entry(field).or_default().insert((date, slot));
                }
                None => {
                    self.undated.entry(field).or_default().insert(slot);
                }
            }
        }
    }

    fn unindex(&mut self, slot: usize) {
        let Some(Some(Entry { source, .. })) = self.slots.get(slot) else {
            return;
        };
        let keys = self.schema.keys(&source.value());
        for (field, value) in keys.terms {
            if let Some(values) = self.terms.get_mut(field)
                && values
                    .get_mut(value.as_str())
                    .is_some_and(|postings| postings.remove(slot))
            {
                values.remove(value.as_str());
            }
        }
        for (field, date) in keys.dates {
            let removed = match date {
                Some(date) => self
                    .dates
                    .get_mut(field)
                    .map(|dates| dates.remove(&(date, slot))),
                None => self.undated.get_mut(field).map(|slots| slots.remove(&slot)),
            };
            debug_assert!(removed.is_some(), "an indexed key is in its index");
        }
    }

    /// Runs a search: a slice of its whole result when a page of it was asked for since the last
    /// write ([`result_cache`]), else candidates from the indexes, then the exact evaluation over
    /// them (reading doc values where the document has them).
    pub(crate) fn search(
        &self,
        search: &Search,
        options: &EvalOptions,
    ) -> Result<Page<StoredDocument<'_>>, EvalError> {
        let Some(key) = result_cache::key(search) else {
            return self.evaluate(search, options);
        };
        let whole = match self.results.get(&key, self.generation) {
            Some(whole) => whole,
            None => {
                let page = self.evaluate(&result_cache::whole_search(search), options)?;
                let whole =
                    std::sync::Arc::new(page.map(|document| {
                        self.ids.get(document.name).copied().unwrap_or(usize::MAX)
                    }));
                self.results.put(key, self.generation, whole.clone());
                whole
            }
        };
        let from = usize::try_from(search.from).unwrap_or(usize::MAX);
        let size = usize::try_from(search.size).unwrap_or(usize::MAX);
        let mut page = whole.slice(from, size, |&slot| {
            self.slots
                .get(slot)
                .and_then(Option::as_ref)
                .map(|entry| entry.stored(self.schema.layout))
        });
        // Every kept slot holds its document (the generation has not moved); a hole would only
        // shorten the page.
        page.hits.retain(|hit| hit.document.is_some());
        Ok(page.map(|document| document.unwrap_or_else(StoredDocument::none)))
    }

    /// [`Collection::search`] without kept results.
    fn evaluate(
        &self,
        search: &Search,
        options: &EvalOptions,
    ) -> Result<Page<StoredDocument<'_>>, EvalError> {
        let plan = search
            .query
            .as_ref()
            .and_then(|query| self.plan(query, options.now));
        match plan {
            Some(plan) => {
                let documents = plan
                    .slots()
                    .into_iter()
                    .filter_map(|slot| self.slots.get(slot)?.as_ref())
                    .map(|entry| entry.stored(self.schema.layout));
                search.execute(documents, options)
            }
            None => search.execute(
                self.slots
                    .iter()
                    .flatten()
                    .map(|entry| entry.stored(self.schema.layout)),
                options,
            ),
        }
    }

    /// The cheapest index lookup whose result is a superset of what `query` can match, or `None`
    /// when the indexes cannot narrow it. Only that one lookup is materialized: the exact
    /// evaluation applies every other clause, so intersecting here would only cost time.
    fn plan<'a>(&'a self, query: &Query, now: Timestamp) -> Option<Plan<'a>> {
        match query {
            Query::Term(term) if term.case_insensitive != Some(true) => {
                let value = scalar_text(&term.value)?;
                self.term_plan(&term.field, &[value])
            }
            Query::Terms(terms) => {
                let values: Option<Vec<String>> = terms.values.iter().map(scalar_text).collect();
                self.term_plan(&terms.field, &values?)
            }
            Query::Range(range) => self.range_plan(range, now),
            Query::Nested(nested) => self.plan(&nested.query, now),
            Query::Bool(boolean) => {
                let mut best: Option<(Plan<'a>, usize)> = None;
                for plan in boolean
                    .must
                    .iter()
                    .chain(&boolean.filter)
                    .filter_map(|clause| self.plan(clause, now))
                {
                    let limit = best.as_ref().map_or(usize::MAX, |(_, cost)| *cost);
                    let cost = plan.cost_up_to(limit);
                    if cost < limit {
                        best = Some((plan, cost));
                    }
                }
                best.map(|(plan, _)| plan)
            }
            _ => None,
        }
    }

    fn term_plan(&self, field: &str, values: &[String]) -> Option<Plan<'_>> {
        if field == "_id" {
            return Some(Plan::Slots(
                values
                    .iter()
                    .filter_map(|value| self.ids.get(value).copied())
                    .collect(),
            ));
        }
        let index = self.terms.get(field).or_else(|| {
            self.schema
                .terms
                .iter()
                .any(|(name, _)| *name == field)
                .then_some(&EMPTY)
        })?;
        Some(Plan::Sets(
            values.iter().filter_map(|value| index.get(value)).collect(),
        ))
    }

    fn range_plan(&self, range: &atlan_query::RangeQuery, now: Timestamp) -> Option<Plan<'_>> {
        if !self
            .schema
            .dates
            .iter()
            .any(|(name, _)| *name == range.field)
            || range.time_zone.is_some()
            || range.format.is_some()
        {
            return None;
        }
        let bound = |value: &Option<Value>, rounding| -> Option<Option<i64>> {
            match value {
                None => Some(None),
                Some(Value::String(text)) => {
                    let math = DateMath::parse(text).ok()?;
                    Some(Some(
                        math.resolve(now, &TimeZone::UTC, rounding)
                            .ok()?
                            .as_millisecond(),
                    ))
                }
                Some(_) => None,
            }
        };
        let gt = bound(&range.gt, Rounding::Up)?;
        let gte = bound(&range.gte, Rounding::Down)?;
        let lt = bound(&range.lt, Rounding::Down)?;
        let lte = bound(&range.lte, Rounding::Up)?;
        let low = match (gt, gte) {
            (Some(gt), Some(gte)) => Some(gte.max(gt.saturating_add(1))),
            (Some(gt), None) => Some(gt.saturating_add(1)),
            (None, gte) => gte,
        };
        let high = match (lt, lte) {
            (Some(lt), Some(lte)) => Some(lte.min(lt.saturating_sub(1))),
            (Some(lt), None) => Some(lt.saturating_sub(1)),
            (None, lte) => lte,
        };
        let low = low.unwrap_or(i64::MIN);
        let high = high.unwrap_or(i64::MAX);
        let undated = self.undated.get(range.field.as_str());
        let dates = self
            .dates
            .get(range.field.as_str())
            .filter(|_| low <= high)
            // Dates are indexed to the millisecond; bounds widen by one millisecond each way so
            // that sub-millisecond instants are never cut off.
            .map(|dates| {
                dates.range((low.saturating_sub(1), 0)..=(high.saturating_add(1), usize::MAX))
            });
        Some(Plan::Dates { undated, dates })
    }
}

/// Candidate slots from one index lookup.
enum Plan<'a> {
    /// These slots.
    Slots(Vec<usize>),
    /// The union of these posting sets.
    Sets(Vec<&'a Postings>),
    /// The documents dated in a range, and those whose date could not be read.
    Dates {
        undated: Option<&'a BTreeSet<usize>>,
        dates: Option<std::collections::btree_set::Range<'a, (i64, usize)>>,
    },
}

impl Plan<'_> {
    /// How many candidates the plan yields (an upper bound: sets may overlap).
    #[cfg(test)]
    fn cost(&self) -> usize {
        self.cost_up_to(usize::MAX)
    }

    /// [`Plan::cost`], counted no further than `limit` (a date range is counted by walking it).
    fn cost_up_to(&self, limit: usize) -> usize {
        match self {
            Plan::Slots(slots) => slots.len(),
            Plan::Sets(sets) => sets.iter().map(|set| set.len()).sum(),
            Plan::Dates { undated, dates } => {
                let undated = undated.map_or(0, BTreeSet::len);
                let walked = limit.saturating_sub(undated);
                undated + dates.clone().map_or(0, |dates| dates.take(walked).count())
            }
        }
    }

    /// The candidates in index order, without duplicates.
    fn slots(self) -> Vec<usize> {
        let mut slots = match self {
            Plan::Slots(slots) => slots,
            Plan::Sets(sets) => {
                let mut slots = Vec::with_capacity(sets.iter().map(|set| set.len()).sum());
                for set in sets {
                    slots.extend(set.iter());
                }
                slots
            }
            Plan::Dates { undated, dates } => undated
                .into_iter()
                .flatten()
                .copied()
                .chain(dates.into_iter().flatten().map(|(_, slot)| *slot))
                .collect(),
        };
        slots.sort_unstable();
        slots.dedup();
        slots
    }
}

static EMPTY: std::sync::LazyLock<HashMap<String, Postings>> =
    std::sync::LazyLock::new(HashMap::new);

/// A term value as indexed keyword text.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
