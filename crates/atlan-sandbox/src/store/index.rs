//! A collection of documents with the indexes Atlan's searches filter on, and a planner that turns a
//! search's required clauses into a small candidate set before the exact evaluation runs.
//!
//! The planner only ever narrows to a superset of the matches: the candidates are then evaluated
//! with `atlan_query`'s evaluator, so the result is exactly a full scan's, only faster.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use atlan_query::eval::{EvalError, EvalOptions, Page};
use atlan_query::{DateMath, Query, Rounding, Search, Timestamp, parse_date};
use jiff::tz::TimeZone;
use serde_json::Value;

/// Keyword fields indexed by exact value, and where their values are in a document.
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

/// Date fields indexed by instant.
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

/// Documents by name, in insertion order (Elasticsearch's index order), with their indexes.
#[derive(Debug, Default)]
pub(crate) struct Collection {
    slots: Vec<Option<(String, Value)>>,
    ids: HashMap<String, usize>,
    terms: HashMap<&'static str, HashMap<String, BTreeSet<usize>>>,
    dates: HashMap<&'static str, BTreeMap<i64, BTreeSet<usize>>>,
    /// Documents whose date field holds something that is not a date: always candidates.
    undated: HashMap<&'static str, BTreeSet<usize>>,
}

impl Collection {
    pub(crate) fn len(&self) -> usize {
        self.ids.len()
    }

    pub(crate) fn get(&self, name: &str) -> Option<&Value> {
        let slot = *self.ids.get(name)?;
        self.slots.get(slot)?.as_ref().map(|(_, document)| document)
    }

    /// Every document, in index order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.slots
            .iter()
            .flatten()
            .map(|(name, document)| (name.as_str(), document))
    }

    /// Inserts or replaces a document.
    pub(crate) fn put(&mut self, name: &str, document: Value) {
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
            *entry = Some((name.to_owned(), document));
        }
    }

    /// Removes a document; returns it.
    pub(crate) fn remove(&mut self, name: &str) -> Option<Value> {
        let slot = self.ids.remove(name)?;
        self.unindex(slot);
        self.slots
            .get_mut(slot)?
            .take()
            .map(|(_, document)| document)
    }

    fn index(&mut self, slot: usize, document: &Value) {
        for (field, path) in TERM_FIELDS {
            if let Some(value) = at_path(document, path).and_then(Value::as_str) {
                self.terms
                    .entry(field)
                    .or_default()
                    .entry(value.to_owned())
                    .or_default()
                    .insert(slot);
            }
        }
        for (field, path) in DATE_FIELDS {
            match at_path(document, path) {
                None | Some(Value::Null) => {}
                Some(value) => match value.as_str().and_then(parse_date) {
                    Some(date) => {
                        self.dates
                            .entry(field)
                            .or_default()
                            .entry(date.as_millisecond())
                            .or_default()
                            .insert(slot);
                    }
                    None => {
                        self.undated.entry(field).or_default().insert(slot);
                    }
                },
            }
        }
    }

    fn unindex(&mut self, slot: usize) {
        let Some(Some((_, document))) = self.slots.get(slot) else {
            return;
        };
        let document = document.clone();
        for (field, path) in TERM_FIELDS {
            if let Some(value) = at_path(&document, path).and_then(Value::as_str)
                && let Some(slots) = self
                    .terms
                    .get_mut(field)
                    .and_then(|values| values.get_mut(value))
            {
                slots.remove(&slot);
            }
        }
        for (field, path) in DATE_FIELDS {
            if let Some(date) = at_path(&document, path)
                .and_then(Value::as_str)
                .and_then(parse_date)
                && let Some(slots) = self
                    .dates
                    .get_mut(field)
                    .and_then(|dates| dates.get_mut(&date.as_millisecond()))
            {
                slots.remove(&slot);
            }
            if let Some(slots) = self.undated.get_mut(field) {
                slots.remove(&slot);
            }
        }
    }

    /// Runs a search: candidates from the indexes, then the exact evaluation over them.
    pub(crate) fn search(
        &self,
        search: &Search,
        options: &EvalOptions,
    ) -> Result<Page<(&str, &Value)>, EvalError> {
        match search
            .query
            .as_ref()
            .and_then(|query| self.candidates(query, options.now))
        {
            Some(slots) => {
                let documents = slots
                    .into_iter()
                    .filter_map(|slot| self.slots.get(slot)?.as_ref())
                    .map(|(name, document)| (name.as_str(), document));
                search.execute(documents, options)
            }
            None => search.execute(self.iter(), options),
        }
    }

    /// A superset of the documents `query` can match, or `None` when the indexes cannot narrow it.
    fn candidates(&self, query: &Query, now: Timestamp) -> Option<BTreeSet<usize>> {
        match query {
            Query::Term(term) if term.case_insensitive != Some(true) => {
                let value = scalar_text(&term.value)?;
                self.term_slots(&term.field, &[value])
            }
            Query::Terms(terms) => {
                let values: Option<Vec<String>> = terms.values.iter().map(scalar_text).collect();
                self.term_slots(&terms.field, &values?)
            }
            Query::Range(range) => self.range_slots(range, now),
            Query::Nested(nested) => self.candidates(&nested.query, now),
            Query::Bool(boolean) => {
                let mut sets: Vec<BTreeSet<usize>> = boolean
                    .must
                    .iter()
                    .chain(&boolean.filter)
                    .filter_map(|clause| self.candidates(clause, now))
                    .collect();
                sets.sort_by_key(BTreeSet::len);
                let mut sets = sets.into_iter();
                let first = sets.next()?;
                Some(sets.fold(first, |acc, set| {
                    acc.into_iter().filter(|slot| set.contains(slot)).collect()
                }))
            }
            _ => None,
        }
    }

    fn term_slots(&self, field: &str, values: &[String]) -> Option<BTreeSet<usize>> {
        if field == "_id" {
            return Some(
                values
                    .iter()
                    .filter_map(|value| self.ids.get(value).copied())
                    .collect(),
            );
        }
        let index = self.terms.get(field).or_else(|| {
            TERM_FIELDS
                .iter()
                .any(|(name, _)| *name == field)
                .then_some(&EMPTY)
        })?;
        Some(
            values
                .iter()
                .filter_map(|value| index.get(value))
                .flatten()
                .copied()
                .collect(),
        )
    }

    fn range_slots(
        &self,
        range: &atlan_query::RangeQuery,
        now: Timestamp,
    ) -> Option<BTreeSet<usize>> {
        if !DATE_FIELDS.iter().any(|(name, _)| *name == range.field)
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
        let mut slots: BTreeSet<usize> = self
            .undated
            .get(range.field.as_str())
            .cloned()
            .unwrap_or_default();
        if low <= high
            && let Some(dates) = self.dates.get(range.field.as_str())
        {
            // Dates are indexed to the millisecond; bounds from whole-second values widen by one
            // millisecond each way so that sub-millisecond instants are never cut off.
            for (_, set) in dates.range(low.saturating_sub(1)..=high.saturating_add(1)) {
                slots.extend(set);
            }
        }
        Some(slots)
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
            let indexed = collection.search(&search, &options).unwrap();
            let scanned = search.execute(collection.iter(), &options).unwrap();
            assert_eq!(indexed, scanned, "{search:?}");
            assert!(
                collection
                    .candidates(search.query.as_ref().unwrap(), options.now)
                    .is_some(),
                "narrowed: {search:?}"
            );
        }
    }
}
