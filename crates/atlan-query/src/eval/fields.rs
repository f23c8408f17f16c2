//! Finding a field's values in a JSON document the way Elasticsearch indexes them.
//!
//! - Dotted names reach into objects, and keys that themselves contain dots
//!   (`workflows.argoproj.io/phase` under `labels`) are found too.
//! - Arrays are flattened: a path through an array of objects collects from every element.
//! - `X.keyword` is the exact string of `X` (dynamic mapping's keyword subfield): string values only.
//! - `_id` is the document id.
//! - Fields under a nested path (`metadata`, `spec` in Atlan's indexes) are only visible inside a
//!   `nested` query or sort on that path, as in Elasticsearch.

use serde_json::Value;

/// A field name, read once when a query is compiled.
#[derive(Debug, Clone)]
pub(crate) struct Field {
    /// The path without a `.keyword` suffix.
    path: String,
    /// Byte offsets of the dots in `path`: where a key may end.
    dots: Vec<usize>,
    /// Whether it names the keyword subfield.
    pub(crate) keyword: bool,
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
            path: path.to_owned(),
            dots,
            keyword,
            is_id: name == "_id",
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
    pub(crate) document: &'a dyn super::Document,
    pub(crate) root: &'a Value,
    /// The nested path and object being evaluated, if inside a `nested` query.
    pub(crate) nested: Option<(&'a str, &'a Value)>,
    pub(crate) nested_paths: &'a [String],
}

/// One value of a field.
#[derive(Debug, Clone, Copy)]
pub(crate) enum FieldValue<'a> {
    Json(&'a Value),
    Id(&'a str),
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
        let keyword = field.keyword;
        self.visit(field, false, &mut |value| {
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
    pub(crate) fn any_object(&self, path: &Field, test: &mut dyn FnMut(&'a Value) -> bool) -> bool {
        self.visit(path, true, &mut |value| value.is_object() && test(value))
    }

    /// Visits the leaves at `field`'s path, respecting nested visibility; `is_nested_target` allows
    /// naming a nested path itself (for a `nested` query or sort).
    fn visit(
        &self,
        field: &Field,
        is_nested_target: bool,
        test: &mut dyn FnMut(&'a Value) -> bool,
    ) -> bool {
        let path = field.path.as_str();
        if let Some((nested_path, object)) = self.nested {
            let inside = path
                .strip_prefix(nested_path)
                .is_some_and(|rest| rest.starts_with('.'));
            return inside && visit_path(object, field, nested_path.len() + 1, test);
        }
        let hidden = self.nested_paths.iter().any(|nested| {
            path.strip_prefix(nested.as_str())
                .is_some_and(|rest| rest.starts_with('.') || (rest.is_empty() && !is_nested_target))
        });
        !hidden && visit_path(self.root, field, 0, test)
    }
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
                // One pass over a small object beats a lookup per place a key may end.
                let first = rest.as_bytes().first();
                return map.iter().any(|(key, child)| {
                    let key_first = key.as_bytes().first();
                    if (key_first.is_some() && key_first != first)
                        || !rest.starts_with(key.as_str())
                    {
                        return false;
                    }
                    match rest.as_bytes().get(key.len()) {
                        None => visit_leaves(child, test),
                        Some(b'.') => visit_path(child, field, start + key.len() + 1, test),
                        Some(_) => false,
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
            root: document,
            nested: None,
            nested_paths: &nested,
        };
        let mut out = Vec::new();
        scope.each_value(&Field::new(name), &mut |value| {
            out.push(match value {
                FieldValue::Json(value) => value.clone(),
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
            root: &document,
            nested: Some(("metadata", object)),
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
