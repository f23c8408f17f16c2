//! A stored document's source, held as its JSON text, as Elasticsearch holds `_source`.
//!
//! A `serde_json::Value` tree costs about five times its JSON text in small allocations; 100,000
//! runs held as trees took over 1 GB. The text is one allocation, is written into a search answer
//! as it is, and is parsed only when something needs the tree: a search reading a field that is
//! not a doc value, or a route reading the document.

use std::borrow::Cow;
use std::cell::RefCell;

use serde::{Serialize, Serializer};
use serde_json::Value;
use serde_json::value::RawValue;

/// The most levels of arrays and objects a document held as text has: `serde_json` parses 128 at
/// most, and the text must parse back to the tree it was written from. Deeper documents (which
/// only a document built around a deep request body can be) are kept as trees.
const MAX_TEXT_DEPTH: usize = 100;

/// A document's source: its JSON text, or (too deep to parse back) its tree.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    /// The compact JSON text, keys sorted as the tree had them.
    Text(Box<RawValue>),
    /// The tree itself.
    Tree(Value),
}

impl Source {
    /// The source of `document`: written into a reused buffer and copied out at its exact size
    /// (no growth of a new string), kept as text when it is shallow enough to parse back.
    pub(crate) fn of(document: &Value) -> Self {
        thread_local! {
            static BUFFER: RefCell<Vec<u8>> = RefCell::new(Vec::with_capacity(8 * 1024));
        }
        let text = BUFFER.with(|buffer| {
            let mut buffer = buffer.borrow_mut();
            buffer.clear();
            serde_json::to_writer(&mut *buffer, document).ok()?;
            let text = std::str::from_utf8(&buffer).ok()?;
            let text = (!depth_exceeds(text, MAX_TEXT_DEPTH)).then(|| text.to_owned());
            // A buffer grown by one huge document is not kept.
            if buffer.capacity() > 1024 * 1024 {
                *buffer = Vec::with_capacity(8 * 1024);
            }
            text
        });
        match text.map(RawValue::from_string) {
            Some(Ok(text)) => Self::Text(text),
            // Too deep to parse back (or, which cannot happen for a tree with string keys, not
            // serializable): kept whole.
            _ => Self::Tree(document.clone()),
        }
    }

    /// The source with nothing in it (`null`).
    pub(crate) const NULL: Self = Self::Tree(Value::Null);

    /// The tree: parsed from the text, or borrowed.
    pub(crate) fn value(&self) -> Cow<'_, Value> {
        match self {
            Self::Text(text) => Cow::Owned(parse(text)),
            Self::Tree(value) => Cow::Borrowed(value),
        }
    }

    /// The JSON text, when the source is held as text.
    pub(crate) fn text(&self) -> Option<&str> {
        match self {
            Self::Text(text) => Some(text.get()),
            Self::Tree(_) => None,
        }
    }
}

/// Parses text this module wrote. It cannot fail (the text was checked to parse back when it was
/// written); were it to, the document would read as `null` and the failure is logged.
pub(crate) fn parse(text: &RawValue) -> Value {
    serde_json::from_str(text.get()).unwrap_or_else(|error| {
        tracing::error!(%error, "a stored document's text does not parse back");
        Value::Null
    })
}

impl Serialize for Source {
    /// The document as JSON: the text is written as it is (no parse).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Text(text) => text.serialize(serializer),
            Self::Tree(value) => value.serialize(serializer),
        }
    }
}

/// Whether the JSON text `text` has more than `limit` levels of arrays and objects (or does not
/// balance, which text `serde_json` wrote always does): the request bodies' byte scan.
fn depth_exceeds(text: &str, limit: usize) -> bool {
    crate::body::depth(text.as_bytes(), limit).is_none_or(|depth| depth > limit)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn nested(depth: usize) -> Value {
        (0..depth).fold(json!(1), |inner, _| json!([inner]))
    }

    #[test]
    fn text_parses_back_to_the_same_tree() {
        let document = json!({
            "metadata": {"name": "run-1", "labels": {"a/b": "c"}},
            "status": {"progress": "1/2", "n": 1.5, "big": u64::MAX, "neg": -3, "none": null},
            "z": [true, "é\u{1F600}\"\\"],
        });
        let source = Source::of(&document);
        assert!(source.text().is_some(), "held as text");
        assert_eq!(source.value().into_owned(), document);
        assert_eq!(
            serde_json::to_string(&source).unwrap(),
            serde_json::to_string(&document).unwrap(),
            "serialized as the tree is"
        );
    }

    #[test]
    fn documents_too_deep_to_parse_back_stay_trees() {
        let shallow = Source::of(&nested(MAX_TEXT_DEPTH));
        assert!(shallow.text().is_some());
        assert_eq!(shallow.value().into_owned(), nested(MAX_TEXT_DEPTH));
        assert!(Source::of(&nested(MAX_TEXT_DEPTH + 1)).text().is_none());
        let deep = Source::of(&nested(200));
        assert!(deep.text().is_none(), "kept as a tree");
        assert_eq!(deep.value().into_owned(), nested(200));
        assert_eq!(
            serde_json::to_value(&deep).unwrap(),
            nested(200),
            "serialized whole"
        );
        let big = json!({"x": "y".repeat(2 * 1024 * 1024)});
        assert_eq!(Source::of(&big).value().into_owned(), big);
        assert_eq!(
            Source::of(&json!(3)).text(),
            Some("3"),
            "a buffer is reused clean"
        );
        assert!(!depth_exceeds(r#"{"a":[1,{"b":2}]}"#, 3));
        assert!(depth_exceeds(r#"{"a":[1,{"b":[2]}]}"#, 3));
        assert!(
            !depth_exceeds(r#"{"[[[[":"\\\"[[[[","b":[]}"#, 2),
            "brackets in strings, after escapes, do not count"
        );
    }
}
