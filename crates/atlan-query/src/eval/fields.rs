//! Finding a field's values in a JSON document the way Elasticsearch indexes them.
//!
//! - Dotted names reach into objects, and keys that themselves contain dots
//!   (`workflows.argoproj.io/phase` under `labels`) are found too.
//! - Arrays are flattened: a path through an array of objects collects from every element.
//! - `X.keyword` is the exact string of `X` (dynamic mapping's keyword subfield): string values only.
//! - `_id` is the document id.
//! - Fields under a nested path (`metadata`, `spec` in Atlan's indexes) are only visible inside a
//!   `nested` query or sort on that path, as in Elasticsearch.

use std::cell::OnceCell;

use jiff::Timestamp;
use serde_json::Value;

use super::DocValue;

/// A field name, read once when a query is compiled.
#[derive(Debug, Clone)]
pub(crate) struct Field {
    /// The documents' doc-value column for `path`, asked of the first document that is searched
    /// (see [`super::Document::doc_value_column`]).
    column: OnceCell<Option<usize>>,
    /// The path without a `.keyword` suffix.
    path: String,
    /// Byte offsets of the dots in `path`: where a key may end.
    dots: Vec<usize>,
    /// Whether strings are matched exactly (the keyword subfield, or a keyword mapping).
    pub(crate) keyword: bool,
    /// Whether it names the keyword subfield, which holds string values only.
    strings_only: bool,
    /// Whether it is `_id`.
    pub(crate) is_id: bool,
}

impl Field {
    pub(crate) fn new(name: &str) -> Self {
        let (path, keyword) = match name.strip_suffix(".keyword") {
            Some(base) => (base, true),
            None => (name, false),
        };
        let dots = path.match_indices('.').map(|(index, _)| index).collect();
        Self {
            column: OnceCell::new(),
            path: path.to_owned(),
            dots,
            keyword,
            strings_only: keyword,
            is_id: name == "_id",
        }
    }

    /// A field of a query: as [`Field::new`], and with `keyword_by_default` (indexes whose strings
    /// are mapped as keywords, such as Atlas's) every string is matched exactly.
    pub(crate) fn mapped(name: &str, keyword_by_default: bool) -> Self {
        let mut field = Self::new(name);
        field.keyword |= keyword_by_default;
        field
    }

    /// A path as written, with no `.keyword` or `_id` meaning.
    fn raw(path: &str) -> Self {
        Self {
            column: OnceCell::new(),
            path: path.to_owned(),
            dots: path.match_indices('.').map(|(index, _)| index).collect(),
            keyword: false,
            strings_only: false,
            is_id: false,
        }
    }
}

impl Field {
    /// How many object lookups finding its values may take (one per place a key may end).
    pub(crate) fn cost(&self) -> usize {
        if self.is_id {
            1
        } else {
            2 * self.dots.len() + 1
        }
    }
}

/// Where field names are resolved: the document, or one object of a nested path.
#[derive(Clone, Copy)]
pub(crate) struct Scope<'a> {
    /// The document; its source (the root of every walk) is only read when a field has no doc
    /// values, so that a document that parses its source lazily is parsed only then.
    pub(crate) document: &'a dyn super::Document,
    /// The nested path and object being evaluated, if inside a `nested` query. The object is
    /// `None` when the document's doc values say the path holds a single object: it is then only
    /// looked up if a field under it has no doc values.
    pub(crate) nested: Option<(&'a str, Option<&'a Value>)>,
    pub(crate) nested_paths: &'a [String],
}

/// One value of a field.
#[derive(Debug, Clone, Copy)]
pub(crate) enum FieldValue<'a> {
    Json(&'a Value),
    /// A string doc value already read as a date.
    Date(&'a Value, Timestamp),
    Id(&'a str),
}

impl<'a> FieldValue<'a> {
    /// The value without its cached date, for comparisons that do not use dates.
    pub(crate) fn plain(self) -> Self {
        match self {
            Self::Date(value, _) => Self::Json(value),
            other => other,
        }
    }
}

impl<'a> Scope<'a> {
    /// Calls `test` with each value of `field` until one passes; returns whether one did. Allocates
    /// nothing: this runs for every document of a search.
    pub(crate) fn any_value(
        &self,
        field: &Field,
        test: &mut dyn FnMut(FieldValue<'a>) -> bool,
    ) -> bool {
        if field.is_id {
            return self
                .document
                .id()
                .is_some_and(|id| test(FieldValue::Id(id)));
        }
        let keyword = field.strings_only;
        let Visibility::Below(below, start) = self.visible(&field.path, false) else {
            return false;
        };
        if let Some(values) = self.doc_values(field) {
            return values.iter().any(|doc_value| {
                let value = doc_value.value();
                (!keyword || value.is_string())
                    && test(match doc_value.date() {
                        Some(date) => FieldValue::Date(value, date),
                        None => FieldValue::Json(value),
                    })
            });
        }
        visit_path(self.at(below), field, start, &mut |value| {
            (!keyword || value.is_string()) && test(FieldValue::Json(value))
        })
    }

    /// Calls `visit` with every value of `field`.
    pub(crate) fn each_value(&self, field: &Field, visit: &mut dyn FnMut(FieldValue<'a>)) {
        self.any_value(field, &mut |value| {
            visit(value);
            false
        });
    }

    /// Calls `test` with each object at `path` (a nested query's or sort's targets) until one passes.
    fn any_object(&self, path: &Field, test: &mut dyn FnMut(&'a Value) -> bool) -> bool {
        self.visit(path, true, &mut |value| value.is_object() && test(value))
    }

    /// Calls `test` with a scope for each object at the nested path `path` (named by `target`)
    /// until one passes: a `nested` query's or sort's objects.
    pub(crate) fn any_nested<'s>(
        &'s self,
        path: &'s str,
        target: &Field,
        test: &mut dyn FnMut(&Scope<'s>) -> bool,
    ) -> bool {
        if self.visible(&target.path, true) == Visibility::Hidden {
            return false;
        }
        // The doc values of a nested path count its objects (at most one).
        if let Some(objects) = self.doc_values(target) {
            return !objects.is_empty()
                && test(&Scope {
                    nested: Some((path, None)),
                    ..*self
                });
        }
        self.any_object(target, &mut |object| {
            test(&Scope {
                nested: Some((path, Some(object))),
                ..*self
            })
        })
    }

    /// The document's doc values for `field`, if it keeps them.
    fn doc_values(&self, field: &Field) -> Option<&'a [DocValue]> {
        let column = field
            .column
            .get_or_init(|| self.document.doc_value_column(&field.path));
        self.document.doc_values((*column)?)
    }

    /// Whether `path` can be seen from this scope, and where to walk for it.
    fn visible(&self, path: &str, is_nested_target: bool) -> Visibility<'a> {
        if let Some((nested_path, object)) = self.nested {
            let inside = path
                .strip_prefix(nested_path)
                .is_some_and(|rest| rest.starts_with('.'));
            return match (inside, object) {
                (false, _) => Visibility::Hidden,
                (true, Some(object)) => Visibility::Below(Some(object), nested_path.len() + 1),
                // The document's single object there, reachable only through it: walk from the
                // root.
                (true, None) => Visibility::Below(None, 0),
            };
        }
        let hidden = self.nested_paths.iter().any(|nested| {
            path.strip_prefix(nested.as_str())
                .is_some_and(|rest| rest.starts_with('.') || (rest.is_empty() && !is_nested_target))
        });
        if hidden {
            Visibility::Hidden
        } else {
            Visibility::Below(None, 0)
        }
    }

    /// The value a walk starts from: `below`, or (`None`) the document's source, read only now.
    fn at(&self, below: Option<&'a Value>) -> &'a Value {
        below.unwrap_or_else(|| self.document.source())
    }

    /// Visits the leaves at `field`'s path, respecting nested visibility; `is_nested_target` allows
    /// naming a nested path itself (for a `nested` query or sort).
    fn visit(
        &self,
        field: &Field,
        is_nested_target: bool,
        test: &mut dyn FnMut(&'a Value) -> bool,
    ) -> bool {
        let Visibility::Below(below, start) = self.visible(&field.path, is_nested_target) else {
            return false;
        };
        visit_path(self.at(below), field, start, test)
    }
}

/// Where a field is found from a scope.
#[derive(PartialEq)]
enum Visibility<'a> {
    /// Not from here (a nested field outside its `nested` query).
    Hidden,
    /// Below this value (`None`: the document's source, not read until a walk needs it), from
    /// this byte of the field's path.
    Below(Option<&'a Value>, usize),
}

/// Every leaf at `path` below `source`, ignoring nested visibility (see
/// [`super::field_values`]).
pub(crate) fn leaves<'a>(source: &'a Value, path: &str) -> Vec<&'a Value> {
    let field = Field::raw(path);
    let mut out = Vec::new();
    visit_path(source, &field, 0, &mut |value| {
        out.push(value);
        false
    });
    out
}

/// Objects up to this many keys are scanned rather than searched.
const SCAN_BELOW: usize = 12;

/// Visits the leaf values at `field.path[start..]` below `value` (arrays flattened at every level)
/// until `test` passes. A key may contain dots, so every dot of the path is a place a key may end.
fn visit_path<'a>(
    value: &'a Value,
    field: &Field,
    start: usize,
    test: &mut dyn FnMut(&'a Value) -> bool,
) -> bool {
    let rest = field.path.get(start..).unwrap_or_default();
    match value {
        Value::Array(items) => items
            .iter()
            .any(|item| visit_path(item, field, start, test)),
        Value::Object(map) if !rest.is_empty() => {
            if map.len() <= SCAN_BELOW {
                // One pass over a small object beats a lookup per place a key may end. A key's
                // length sits in the map's node while its bytes are elsewhere on the heap, so keys
                // that cannot end where the path allows are skipped before their bytes are read:
                // over a large collection each read is a cache miss.
                return map.iter().any(|(key, child)| {
                    let ends = rest.as_bytes().get(key.len());
                    if !matches!(ends, None | Some(b'.')) || !rest.starts_with(key.as_str()) {
                        return false;
                    }
                    match ends {
                        None => visit_leaves(child, test),
                        _ => visit_path(child, field, start + key.len() + 1, test),
                    }
                });
            }
            if map.get(rest).is_some_and(|child| visit_leaves(child, test)) {
                return true;
            }
            let later = field.dots.partition_point(|dot| *dot < start);
            field
                .dots
                .get(later..)
                .unwrap_or_default()
                .iter()
                .any(|&dot| {
                    field
                        .path
                        .get(start..dot)
                        .and_then(|head| map.get(head))
                        .is_some_and(|child| visit_path(child, field, dot + 1, test))
                })
        }
        _ if rest.is_empty() => visit_leaves(value, test),
        _ => false,
    }
}

fn visit_leaves<'a>(value: &'a Value, test: &mut dyn FnMut(&'a Value) -> bool) -> bool {
    match value {
        Value::Array(items) => items.iter().any(|item| visit_leaves(item, test)),
        other => test(other),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn values(document: &Value, name: &str) -> Vec<Value> {
        let nested = ["metadata".to_owned()];
        let identified = ("doc-1", document.clone());
        let scope = Scope {
            document: &identified,
            nested: None,
            nested_paths: &nested,
        };
        let mut out = Vec::new();
        scope.each_value(&Field::new(name), &mut |value| {
            out.push(match value {
                FieldValue::Json(value) | FieldValue::Date(value, _) => value.clone(),
                FieldValue::Id(id) => Value::from(id),
            });
        });
        out
    }

    #[test]
    fn dotted_keys_arrays_keyword_and_id() {
        let document = json!({
            "status": {"phase": "Running", "nodes": [{"phase": "Succeeded"}, {"phase": ["Failed", null]}], "n": 3},
            "labels": {"workflows.argoproj.io/phase": "Running"},
            "metadata": {"name": "run-1"},
        });
        assert_eq!(values(&document, "status.phase"), [json!("Running")]);
        assert_eq!(
            values(&document, "status.nodes.phase"),
            [json!("Succeeded"), json!("Failed"), Value::Null]
        );
        assert_eq!(
            values(&document, "labels.workflows.argoproj.io/phase.keyword"),
            [json!("Running")]
        );
        assert_eq!(values(&document, "status.n.keyword"), Vec::<Value>::new());
        assert_eq!(values(&document, "_id"), [json!("doc-1")]);
        assert_eq!(values(&document, "status.missing"), Vec::<Value>::new());
    }

    #[test]
    fn nested_fields_are_hidden_outside_their_nested_scope() {
        let document = json!({"metadata": {"name": "run-1"}});
        assert!(values(&document, "metadata.name.keyword").is_empty());
        let nested = ["metadata".to_owned()];
        let object = &document["metadata"];
        let scope = Scope {
            document: &document,
            nested: Some(("metadata", Some(object))),
            nested_paths: &nested,
        };
        let mut count = 0;
        scope.each_value(&Field::new("metadata.name.keyword"), &mut |_| count += 1);
        assert_eq!(count, 1);
    }

    /// Small objects are scanned, large ones searched: both must find the same values.
    #[test]
    fn scanning_and_searching_agree() {
        let small =
            json!({"a.b": 1, "a": {"b": 2, "": {"c": 3}}, "labels": {"x.y/z": 4}, "": {"q": 5}});
        let mut large = small.clone();
        for i in 0..SCAN_BELOW {
            large[format!("filler-{i}")] = json!(i);
            large["a"][format!("filler-{i}")] = json!(i);
        }
        // The order of a field's values is not part of its meaning (any, min, max); compare as sets.
        let sorted = |document: &Value, path: &str| {
            let mut found: Vec<String> = values(document, path)
                .iter()
                .map(Value::to_string)
                .collect();
            found.sort();
            found
        };
        for path in [
            "a.b",
            "labels.x.y/z",
            "a..c",
            ".q",
            "labels",
            "a.b.c",
            "missing",
        ] {
            assert_eq!(sorted(&small, path), sorted(&large, path), "{path}");
        }
        assert_eq!(sorted(&small, "a.b"), ["1", "2"]);
        assert_eq!(values(&small, "a..c"), [json!(3)]);
    }
}
