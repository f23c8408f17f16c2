//! A collection of documents with the indexes Atlan's searches filter on, and a planner that turns a
//! search's required clauses into a small candidate set before the exact evaluation runs.
//!
//! The planner only ever narrows to a superset of the matches: the candidates are then evaluated
//! with `atlan_query`'s evaluator, so the result is exactly a full scan's, only faster.

use std::collections::{BTreeSet, HashMap};

use atlan_query::eval::{EvalError, EvalOptions, Page};
use atlan_query::{DateMath, Query, Rounding, Search, Timestamp, parse_date};
use jiff::tz::TimeZone;
use serde_json::Value;

use super::doc_values::{self, DocValues, Layout, StoredDocument};
use super::result_cache::{self, ResultCache};

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

/// A stored document with its doc values.
#[derive(Debug)]
struct Entry {
    name: String,
    document: Value,
    values: Option<DocValues>,
}

impl Entry {
    fn new(name: &str, document: Value, layout: &Layout) -> Self {
        Self {
            name: name.to_owned(),
            values: DocValues::of(&document, layout),
            document,
        }
    }

    fn stored(&self, layout: &'static Layout) -> StoredDocument<'_> {
        StoredDocument {
            name: &self.name,
            source: &self.document,
            values: self.values.as_ref(),
            layout,
        }
    }
}

/// Documents by name, in insertion order (Elasticsearch's index order), with their indexes.
#[derive(Debug)]
pub(crate) struct Collection {
    schema: &'static Schema,
    slots: Vec<Option<Entry>>,
    ids: HashMap<String, usize>,
    terms: HashMap<&'static str, HashMap<String, BTreeSet<usize>>>,
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

    pub(crate) fn get(&self, name: &str) -> Option<&Value> {
        let slot = *self.ids.get(name)?;
        self.slots.get(slot)?.as_ref().map(|entry| &entry.document)
    }

    /// Every document, in index order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.slots
            .iter()
            .flatten()
            .map(|entry| (entry.name.as_str(), &entry.document))
    }

    /// Inserts or replaces a document.
    pub(crate) fn put(&mut self, name: &str, document: Value) {
        self.generation += 1;
        let slot = match self.ids.get(name) {
            Some(&slot) => {
                self.unindex(slot);
                slot
            }
            None => {
                self.slots.push(None);
                let slot = self.slots.len() - 1;
                self.ids.insert(name.to_owned(), slot);
                slot
            }
        };
        self.index(slot, &document);
        if let Some(entry) = self.slots.get_mut(slot) {
            *entry = Some(Entry::new(name, document, self.schema.layout));
        }
    }

    /// Re-allocates every document in index order, so that each document's nodes sit together in
    /// memory: after a bulk load they are interleaved with index entries, and a search that touches
    /// a few fields of thousands of documents is bound by cache misses.
    pub(crate) fn compact(&mut self) {
        // Documents first, then all doc values together: a search reads the doc values of many
        // documents and the sources of a few.
        for entry in self.slots.iter_mut().flatten() {
            entry.document = entry.document.clone();
        }
        for entry in self.slots.iter_mut().flatten() {
            entry.values = entry.values.clone();
        }
    }

    /// Removes a document; returns it.
    pub(crate) fn remove(&mut self, name: &str) -> Option<Value> {
        self.generation += 1;
        let slot = self.ids.remove(name)?;
        self.unindex(slot);
        self.slots.get_mut(slot)?.take().map(|entry| entry.document)
    }

    fn index(&mut self, slot: usize, document: &Value) {
        for (field, path) in self.schema.terms {
            if let Some(value) = at_path(document, path).and_then(Value::as_str) {
                self.terms
                    .entry(field)
                    .or_default()
                    .entry(value.to_owned())
                    .or_default()
                    .insert(slot);
            }
        }
        for (field, path) in self.schema.dates {
            match at_path(document, path) {
                None | Some(Value::Null) => {}
                Some(value) => match value.as_str().and_then(parse_date) {
                    Some(date) => {
                        self.dates
                            .entry(field)
                            .or_default()
                            .insert((date.as_millisecond(), slot));
                    }
                    None => {
                        self.undated.entry(field).or_default().insert(slot);
                    }
                },
            }
        }
    }

    fn unindex(&mut self, slot: usize) {
        let Some(Some(Entry { document, .. })) = self.slots.get(slot) else {
            return;
        };
        let document = document.clone();
        for (field, path) in self.schema.terms {
            if let Some(value) = at_path(&document, path).and_then(Value::as_str)
                && let Some(slots) = self
                    .terms
                    .get_mut(field)
                    .and_then(|values| values.get_mut(value))
            {
                slots.remove(&slot);
            }
        }
        for (field, path) in self.schema.dates {
            if let Some(date) = at_path(&document, path)
                .and_then(Value::as_str)
                .and_then(parse_date)
                && let Some(dates) = self.dates.get_mut(field)
            {
                dates.remove(&(date.as_millisecond(), slot));
            }
            if let Some(slots) = self.undated.get_mut(field) {
                slots.remove(&slot);
            }
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
        Ok(page.map(|document| document.unwrap_or(StoredDocument::NONE)))
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
    Sets(Vec<&'a BTreeSet<usize>>),
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
                    slots.extend(set.iter().copied());
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

static EMPTY: std::sync::LazyLock<HashMap<String, BTreeSet<usize>>> =
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
mod tests {
    use atlan_model::WorkflowPhase;
    use atlan_query::workflows::{self, TimeBounds};
    use serde_json::json;

    use super::*;

    fn run(index: usize) -> (String, Value) {
        let phases = ["Succeeded", "Failed", "Running", "Pending", "Error"];
        let name = format!("wf-{}-{index:04}", index % 3);
        let started = if index % 5 == 3 {
            Value::Null
        } else {
            json!(format!("2026-06-15T{:02}:00:00Z", index % 24))
        };
        (
            name.clone(),
            json!({
                "metadata": {"name": name, "creationTimestamp": format!("2026-06-15T{:02}:{:02}:00Z", index % 24, index % 60),
                    "labels": {"workflows.argoproj.io/phase": phases[index % 5], "workflows.argoproj.io/creator": "x"}},
                "spec": {"workflowTemplateRef": {"name": format!("wf-{}", index % 3)}},
                "status": {"phase": phases[index % 5], "startedAt": started},
            }),
        )
    }

    /// The planner must never change a result: every search gives the same page as a full scan.
    #[test]
    fn indexed_searches_equal_full_scans() {
        let mut collection = Collection::default();
        for index in 0..400 {
            let (name, document) = run(index);
            collection.put(&name, document);
        }
        // Replace and remove some, so that the indexes are maintained, not only built.
        for index in (0..400).step_by(7) {
            let (name, mut document) = run(index);
            document["status"]["phase"] = json!("Succeeded");
            document["metadata"]["labels"]["workflows.argoproj.io/phase"] = json!("Succeeded");
            collection.put(&name, document);
        }
        for index in (0..400).step_by(11) {
            collection.remove(&run(index).0);
        }
        let options = EvalOptions::at("2026-06-15T20:00:00Z".parse().unwrap());
        let searches = [
            workflows::runs_by_phase("wf-1", &WorkflowPhase::Succeeded, 0, 50).unwrap(),
            workflows::runs_by_status_and_time(
                &[WorkflowPhase::Succeeded, WorkflowPhase::Failed],
                &TimeBounds::since("now-6h"),
                &TimeBounds::any(),
                0,
                100,
            )
            .unwrap(),
            workflows::runs_by_status_and_time(
                &[WorkflowPhase::Running],
                &TimeBounds::between("2026-06-15T03:00:00Z", "now-10h"),
                &TimeBounds::any(),
                5,
                20,
            )
            .unwrap(),
            workflows::find_run_by_id("wf-2-0005").unwrap(),
            workflows::latest_run("wf-0").unwrap(),
            workflows::current_run("wf-2").unwrap(),
            workflows::find_by_id("wf-1-0007").unwrap(),
        ];
        for search in searches {
            // Indexes and doc values against a plain scan of the sources.
            let indexed = collection.search(&search, &options).unwrap();
            let scanned = search.execute(collection.iter(), &options).unwrap();
            assert_eq!(indexed.total, scanned.total, "{search:?}");
            let indexed: Vec<_> = indexed
                .hits
                .iter()
                .map(|hit| (hit.document.name, hit.document.source, &hit.sort))
                .collect();
            let scanned: Vec<_> = scanned
                .hits
                .iter()
                .map(|hit| (hit.document.0, hit.document.1, &hit.sort))
                .collect();
            assert_eq!(indexed, scanned, "{search:?}");
            let plan = collection
                .plan(search.query.as_ref().unwrap(), options.now)
                .expect("the indexes narrow every Atlan search");
            assert!(plan.cost() < collection.len(), "narrowed: {search:?}");
        }
    }
}
