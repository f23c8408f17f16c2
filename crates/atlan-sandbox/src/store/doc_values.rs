//! Doc values: the fields Atlan's searches read most, kept aside from each document in one compact
//! allocation, as Elasticsearch keeps its columnar doc values.
//!
//! A search over thousands of stored JSON documents is bound by cache misses: every field read
//! walks a few B-tree nodes and key strings scattered over the heap. Reading the same values from
//! one small array per document costs a fraction of that. The values are extracted with
//! `atlan_query`'s own [`field_values`], so they are exactly what the evaluator would find.

use atlan_query::eval::{DocValue, Document, field_values};
use serde_json::Value;

/// The fields kept as doc values: the nested paths (as object counts) and what
/// `atlan_query::workflows` filters and sorts on.
pub(crate) const DOC_VALUE_FIELDS: [&str; 11] = [
    "metadata",
    "spec",
    "metadata.name",
    "metadata.creationTimestamp",
    "metadata.labels.workflows.argoproj.io/phase",
    "metadata.labels.workflows.argoproj.io/creator",
    "metadata.annotations.package.argoproj.io/name",
    "spec.workflowTemplateRef.name",
    "status.phase",
    "status.startedAt",
    "status.finishedAt",
];

/// The nested paths of Atlan's indexes, as `EvalOptions::at` sets them.
const NESTED_PATHS: [&str; 2] = ["metadata", "spec"];

/// One document's doc values: the values of field `i` are `values[ends[i - 1]..ends[i]]`.
#[derive(Debug, Clone)]
pub(crate) struct DocValues {
    ends: [u16; DOC_VALUE_FIELDS.len()],
    values: Box<[DocValue]>,
}

impl DocValues {
    /// The doc values of `document`, or `None` when they could differ from what a `nested` query
    /// sees: a nested path holding an array, or a top-level key with a dot in it (which a dotted
    /// field name also reaches, but not from inside the nested object).
    pub(crate) fn of(document: &Value) -> Option<Self> {
        let root = document.as_object()?;
        if root.keys().any(|key| key.contains('.')) {
            return None;
        }
        if NESTED_PATHS
            .iter()
            .any(|path| root.get(*path).is_some_and(|value| !value.is_object()))
        {
            return None;
        }
        let mut ends = [0_u16; DOC_VALUE_FIELDS.len()];
        let mut values = Vec::new();
        for (end, field) in ends.iter_mut().zip(DOC_VALUE_FIELDS) {
            if NESTED_PATHS.contains(&field) {
                // A nested path's doc values count its objects: one, or none.
                if root.contains_key(field) {
                    values.push(DocValue::new(Value::Bool(true)));
                }
            } else {
                values.extend(
                    field_values(document, field)
                        .into_iter()
                        .map(|value| DocValue::new(value.clone())),
                );
            }
            *end = u16::try_from(values.len()).ok()?;
        }
        Some(Self {
            ends,
            values: values.into_boxed_slice(),
        })
    }

    /// The values of `path`, if it is a doc-value field.
    #[cfg(test)]
    fn get(&self, path: &str) -> Option<&[DocValue]> {
        self.column(column_of(path)?)
    }

    /// The values of column `index` (a position in [`DOC_VALUE_FIELDS`]).
    fn column(&self, index: usize) -> Option<&[DocValue]> {
        let start = match index.checked_sub(1) {
            Some(previous) => usize::from(*self.ends.get(previous)?),
            None => 0,
        };
        let end = usize::from(*self.ends.get(index)?);
        self.values.get(start..end)
    }
}

/// A stored document as the evaluator sees it: id, source and doc values.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StoredDocument<'a> {
    pub(crate) name: &'a str,
    pub(crate) source: &'a Value,
    pub(crate) values: Option<&'a DocValues>,
}

impl StoredDocument<'static> {
    /// No document: an empty name and a `null` source.
    pub(crate) const NONE: Self = Self {
        name: "",
        source: &Value::Null,
        values: None,
    };
}

impl Document for StoredDocument<'_> {
    fn id(&self) -> Option<&str> {
        Some(self.name)
    }

    fn source(&self) -> &Value {
        self.source
    }

    fn doc_value_column(&self, path: &str) -> Option<usize> {
        column_of(path)
    }

    fn doc_values(&self, column: usize) -> Option<&[DocValue]> {
        self.values?.column(column)
    }
}

/// The column of a doc-value field.
fn column_of(path: &str) -> Option<usize> {
    DOC_VALUE_FIELDS.iter().position(|field| *field == path)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn values_per_field_and_the_documents_that_get_none() {
        let run = json!({
            "metadata": {"name": "r-1", "labels": {"workflows.argoproj.io/phase": "Running"}},
            "spec": {"workflowTemplateRef": {"name": "wf"}},
            "status": {"phase": "Running", "startedAt": ["2026-01-01T00:00:00Z", null]},
        });
        let values = DocValues::of(&run).unwrap();
        let plain = |path: &str| -> Option<Vec<Value>> {
            values
                .get(path)
                .map(|found| found.iter().map(|value| value.value().clone()).collect())
        };
        assert_eq!(plain("metadata.name"), Some(vec![json!("r-1")]));
        assert_eq!(
            plain("metadata.labels.workflows.argoproj.io/phase"),
            Some(vec![json!("Running")])
        );
        assert_eq!(
            plain("status.startedAt"),
            Some(vec![json!("2026-01-01T00:00:00Z"), Value::Null])
        );
        assert_eq!(
            values.get("status.startedAt").unwrap()[0].date(),
            Some("2026-01-01T00:00:00Z".parse().unwrap()),
            "dates are read once"
        );
        assert_eq!(plain("status.finishedAt"), Some(vec![]));
        assert_eq!(plain("status.message"), None, "not a doc-value field");
        assert_eq!(plain("metadata"), Some(vec![json!(true)]), "one object");
        let bare = DocValues::of(&json!({"status": {}})).unwrap();
        assert_eq!(
            bare.get("metadata").map(<[DocValue]>::len),
            Some(0),
            "no object"
        );

        assert!(DocValues::of(&json!({"metadata": [{"name": "a"}]})).is_none());
        assert!(DocValues::of(&json!({"metadata.name": "a", "metadata": {}})).is_none());
        assert!(DocValues::of(&json!("not an object")).is_none());
    }
}
