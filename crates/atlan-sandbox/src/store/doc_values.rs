//! Doc values: the fields Atlan's searches read most, kept aside from each document in one compact
//! allocation, as Elasticsearch keeps its columnar doc values.
//!
//! A search over thousands of stored JSON documents is bound by cache misses: every field read
//! walks a few B-tree nodes and key strings scattered over the heap. Reading the same values from
//! one small array per document costs a fraction of that. The values are extracted with
//! `atlan_query`'s own [`field_values`], so they are exactly what the evaluator would find.

use std::cell::OnceCell;

use atlan_query::eval::{DocValue, Document, field_values};
use serde_json::Value;

use super::source::{self, Source};

/// The most fields a layout keeps as doc values.
const MAX_FIELDS: usize = 11;

/// Which fields a collection keeps as doc values, and its nested paths (kept as object counts).
#[derive(Debug)]
pub(crate) struct Layout {
    /// The fields, at most [`MAX_FIELDS`]; nested paths among them count objects.
    pub(crate) fields: &'static [&'static str],
    /// The nested paths, as the collection's `EvalOptions` set them.
    pub(crate) nested: &'static [&'static str],
}

/// The legacy indexes (`workflows`, `runs`): the nested paths and what `atlan_query::workflows`
/// filters and sorts on; Atlan's nested paths, as `EvalOptions::at` sets them.
pub(crate) const ARGO: Layout = Layout {
    fields: &[
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
    ],
    nested: &["metadata", "spec"],
};

/// The asset index (`/api/meta/search/indexsearch`): what `atlan_query::apps` filters and sorts
/// on; no nested paths, as `EvalOptions::atlas` sets them.
pub(crate) const ASSETS: Layout = Layout {
    fields: &[
        "__typeName",
        "__state",
        "__guid",
        "qualifiedName",
        "appWorkflowRunStatus",
        "appWorkflowRunStartedAt",
        "appWorkflowRunCompletedAt",
    ],
    nested: &[],
};

const _: () = assert!(ARGO.fields.len() <= MAX_FIELDS && ASSETS.fields.len() <= MAX_FIELDS);

/// One document's doc values: the values of field `i` of its layout are
/// `values[ends[i - 1]..ends[i]]`.
#[derive(Debug, Clone)]
pub(crate) struct DocValues {
    ends: [u16; MAX_FIELDS],
    values: Box<[DocValue]>,
}

impl DocValues {
    /// The doc values of `document`, or `None` when they could differ from what a `nested` query
    /// sees: a nested path holding an array, or a top-level key with a dot in it (which a dotted
    /// field name also reaches, but not from inside the nested object).
    pub(crate) fn of(document: &Value, layout: &Layout) -> Option<Self> {
        let root = document.as_object()?;
        if root.keys().any(|key| key.contains('.')) {
            return None;
        }
        if layout
            .nested
            .iter()
            .any(|path| root.get(*path).is_some_and(|value| !value.is_object()))
        {
            return None;
        }
        let mut ends = [0_u16; MAX_FIELDS];
        let mut values = Vec::new();
        for (end, field) in ends.iter_mut().zip(layout.fields.iter().copied()) {
            if layout.nested.contains(&field) {
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

    /// The values of `path`, if it is a doc-value field of `layout`.
    #[cfg(test)]
    fn get(&self, path: &str, layout: &Layout) -> Option<&[DocValue]> {
        self.column(layout.column(path)?)
    }

    /// The values of column `index` (a position in its layout's fields).
    fn column(&self, index: usize) -> Option<&[DocValue]> {
        let start = match index.checked_sub(1) {
            Some(previous) => usize::from(*self.ends.get(previous)?),
            None => 0,
        };
        let end = usize::from(*self.ends.get(index)?);
        self.values.get(start..end)
    }
}

/// A stored document as the evaluator sees it: id, source and doc values. The source is parsed
/// from its text the first time a search reads a field that has no doc values, and dropped once
/// the document is evaluated.
#[derive(Debug, Clone)]
pub(crate) struct StoredDocument<'a> {
    pub(crate) name: &'a str,
    pub(crate) source: &'a Source,
    parsed: OnceCell<Value>,
    pub(crate) values: Option<&'a DocValues>,
    /// The layout of `values`.
    pub(crate) layout: &'static Layout,
}

impl<'a> StoredDocument<'a> {
    /// The document `name`, with its source and doc values (of `layout`).
    pub(crate) fn new(
        name: &'a str,
        source: &'a Source,
        values: Option<&'a DocValues>,
        layout: &'static Layout,
    ) -> Self {
        Self {
            name,
            source,
            parsed: OnceCell::new(),
            values,
            layout,
        }
    }
}

/// The source of no document.
static NO_SOURCE: Source = Source::NULL;

impl StoredDocument<'_> {
    /// No document: an empty name and a `null` source.
    pub(crate) fn none() -> Self {
        Self::new("", &NO_SOURCE, None, &ARGO)
    }
}

impl Document for StoredDocument<'_> {
    fn id(&self) -> Option<&str> {
        Some(self.name)
    }

    fn source(&self) -> &Value {
        match self.source {
            Source::Tree(value) => value,
            Source::Text(text) => self.parsed.get_or_init(|| source::parse(text)),
        }
    }

    fn doc_value_column(&self, path: &str) -> Option<usize> {
        self.layout.column(path)
    }

    fn doc_values(&self, column: usize) -> Option<&[DocValue]> {
        self.values?.column(column)
    }

    fn evaluated(&mut self) {
        self.parsed.take();
    }
}

impl Layout {
    /// The column of a doc-value field.
    fn column(&self, path: &str) -> Option<usize> {
        self.fields.iter().position(|field| *field == path)
    }
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
        let values = DocValues::of(&run, &ARGO).unwrap();
        let plain = |path: &str| -> Option<Vec<Value>> {
            values
                .get(path, &ARGO)
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
            values.get("status.startedAt", &ARGO).unwrap()[0].date(),
            Some("2026-01-01T00:00:00Z".parse().unwrap()),
            "dates are read once"
        );
        assert_eq!(plain("status.finishedAt"), Some(vec![]));
        assert_eq!(plain("status.message"), None, "not a doc-value field");
        assert_eq!(plain("metadata"), Some(vec![json!(true)]), "one object");
        let bare = DocValues::of(&json!({"status": {}}), &ARGO).unwrap();
        assert_eq!(
            bare.get("metadata", &ARGO).map(<[DocValue]>::len),
            Some(0),
            "no object"
        );

        assert!(DocValues::of(&json!({"metadata": [{"name": "a"}]}), &ARGO).is_none());
        assert!(DocValues::of(&json!({"metadata.name": "a", "metadata": {}}), &ARGO).is_none());
        assert!(DocValues::of(&json!("not an object"), &ARGO).is_none());
        let run = json!({"__typeName": "AppWorkflowRun", "appWorkflowRunStartedAt": 5});
        let asset = DocValues::of(&run, &ASSETS).unwrap();
        assert_eq!(
            asset
                .get("appWorkflowRunStartedAt", &ASSETS)
                .map(<[DocValue]>::len),
            Some(1)
        );
        assert_eq!(
            asset.get("__state", &ASSETS).map(<[DocValue]>::len),
            Some(0)
        );
    }
}
