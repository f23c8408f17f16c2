//! `terms`: the field has one of several values.

use std::collections::BTreeMap;

use serde::de::Error as _;
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use super::wire::{self, COMMON_PARAMS};

/// `terms`: the field has one of `values`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TermsQuery {
    /// The field.
    pub field: String,
    /// The values; an empty list matches nothing.
    pub values: Vec<Value>,
    /// The relevance multiplier (`boost`).
    pub boost: Option<f64>,
    /// The query's name (`_name`).
    pub name: Option<String>,
}

impl TermsQuery {
    /// A query on `field` for any of `values`.
    pub fn new<V: Into<Value>>(
        field: impl Into<String>,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        Self {
            field: field.into(),
            values: values.into_iter().map(Into::into).collect(),
            boost: None,
            name: None,
        }
    }
}

common_setters!(TermsQuery);

impl Serialize for TermsQuery {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry(&self.field, &self.values)?;
        wire::write_common(&mut map, self.boost, self.name.as_deref())?;
        map.end()
    }
}

impl<'de> Deserialize<'de> for TermsQuery {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = Map::deserialize(deserializer)?;
        let (common, fields): (Map<String, Value>, Map<String, Value>) = map
            .into_iter()
            .partition(|(key, _)| COMMON_PARAMS.contains(&key.as_str()));
        let mut params: BTreeMap<String, Value> = common.into_iter().collect();
        let (field, values) = wire::single_field::<D::Error>("terms", fields)?;
        let Value::Array(values) = values else {
            return Err(D::Error::custom(format_args!(
                "[terms] query on [{field}] needs a list of values (terms lookup is not supported)"
            )));
        };
        let values = values
            .into_iter()
            .map(|value| wire::check_scalar::<D::Error>("terms", value))
            .collect::<Result<_, _>>()?;
        let common = wire::take_common::<D::Error>("terms", &mut params)?;
        Ok(Self {
            field,
            values,
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
    fn wire_form_keeps_an_empty_list() {
        let cases: [(Query, _); 2] = [
            (
                Query::terms("f", ["a", "b"]).into(),
                json!({"terms": {"f": ["a", "b"]}}),
            ),
            (
                Query::terms("f", Vec::<String>::new()).into(),
                json!({"terms": {"f": []}}),
            ),
        ];
        for (query, wire) in cases {
            assert_eq!(serde_json::to_value(&query).unwrap(), wire);
            assert_eq!(serde_json::from_value::<Query>(wire).unwrap(), query);
        }
    }

    #[test]
    fn a_lookup_is_refused() {
        let error = serde_json::from_value::<Query>(
            json!({"terms": {"f": {"index": "i", "id": "1", "path": "p"}}}),
        )
        .unwrap_err()
        .to_string();
        assert!(error.contains("terms lookup is not supported"), "{error}");
    }
}
