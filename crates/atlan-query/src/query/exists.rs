//! `exists`: the field has a value.

use std::collections::BTreeMap;

use serde::de::Error as _;
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use super::wire;

/// `exists`: the field has a non-null value.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ExistsQuery {
    /// The field.
    pub field: String,
    /// The relevance multiplier (`boost`).
    pub boost: Option<f64>,
    /// The query's name (`_name`).
    pub name: Option<String>,
}

impl ExistsQuery {
    /// An exists query on `field`.
    pub fn new(field: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            boost: None,
            name: None,
        }
    }
}

common_setters!(ExistsQuery);

impl Serialize for ExistsQuery {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("field", &self.field)?;
        wire::write_common(&mut map, self.boost, self.name.as_deref())?;
        map.end()
    }
}

impl<'de> Deserialize<'de> for ExistsQuery {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut map = Map::deserialize(deserializer)?;
        let field = match map.remove("field") {
            Some(Value::String(field)) => field,
            Some(other) => {
                return Err(D::Error::custom(format_args!(
                    "[exists] [field] must be a string, found {other}"
                )));
            }
            None => return Err(D::Error::custom("[exists] query has no [field]")),
        };
        let mut params: BTreeMap<String, Value> =
            wire::take_params::<D::Error>("exists", map, &[])?;
        let common = wire::take_common::<D::Error>("exists", &mut params)?;
        Ok(Self {
            field,
            boost: common.boost,
            name: common.name,
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::Query;

    #[test]
    fn wire_form_and_refusals() {
        let query: Query = Query::exists("f").into();
        assert_eq!(
            serde_json::to_value(&query).unwrap(),
            json!({"exists": {"field": "f"}})
        );
        for (wire, expected) in [
            (json!({"exists": {}}), "[exists] query has no [field]"),
            (
                json!({"exists": {"field": 1}}),
                "[exists] [field] must be a string",
            ),
            (
                json!({"exists": {"field": "f", "x": 1}}),
                "[exists] query does not support [x]",
            ),
        ] {
            let error = serde_json::from_value::<Query>(wire)
                .unwrap_err()
                .to_string();
            assert!(error.contains(expected), "{error}");
        }
    }
}
