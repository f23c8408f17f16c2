//! `nested`: a query over the objects at a nested path.

use std::collections::BTreeMap;

use serde::de::Error as _;
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use super::Query;
use super::wire;

/// `nested`: `query` matches one of the objects at `path` (fields inside it are named in full,
/// such as `metadata.name.keyword` under path `metadata`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct NestedQuery {
    /// The nested path, such as `metadata`.
    pub path: String,
    /// The query each nested object is tested with.
    pub query: Box<Query>,
    /// The relevance multiplier (`boost`).
    pub boost: Option<f64>,
    /// The query's name (`_name`).
    pub name: Option<String>,
    /// Other parameters that do not change which documents match (`score_mode`,
    /// `ignore_unmapped`, `inner_hits`), kept as sent.
    pub params: BTreeMap<String, Value>,
}

impl NestedQuery {
    /// A nested query.
    pub fn new(path: impl Into<String>, query: impl Into<Query>) -> Self {
        Self {
            path: path.into(),
            query: Box::new(query.into()),
            boost: None,
            name: None,
            params: BTreeMap::new(),
        }
    }
}

common_setters!(NestedQuery);

impl Serialize for NestedQuery {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("path", &self.path)?;
        map.serialize_entry("query", &self.query)?;
        wire::write_common(&mut map, self.boost, self.name.as_deref())?;
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
        let mut params = wire::take_params::<D::Error>(
            "nested",
            map,
            &["score_mode", "ignore_unmapped", "inner_hits"],
        )?;
        let common = wire::take_common::<D::Error>("nested", &mut params)?;
        Ok(Self {
            path,
            query: Box::new(query),
            boost: common.boost,
            name: common.name,
            params,
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::Query;

    #[test]
    fn wire_form_keeps_score_mode() {
        let query: Query = Query::nested("p", Query::match_all()).into();
        assert_eq!(
            serde_json::to_value(&query).unwrap(),
            json!({"nested": {"path": "p", "query": {"match_all": {}}}})
        );
        let wire = json!({"nested": {"path": "p", "score_mode": "avg", "query": {"exists": {"field": "p.x"}}}});
        let decoded: Query = serde_json::from_value(wire.clone()).unwrap();
        assert_eq!(serde_json::to_value(&decoded).unwrap(), wire);
        for (wire, expected) in [
            (
                json!({"nested": {"query": {"match_all": {}}}}),
                "has no [path]",
            ),
            (json!({"nested": {"path": "p"}}), "has no [query]"),
            (
                json!({"nested": {"path": "p", "query": {"match": {}}}}),
                "[nested] unknown variant",
            ),
        ] {
            let error = serde_json::from_value::<Query>(wire)
                .unwrap_err()
                .to_string();
            assert!(error.contains(expected), "{error}");
        }
    }
}
