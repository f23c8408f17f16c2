//! `match_all`: every document.

use std::collections::BTreeMap;

use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use super::wire;

/// `match_all`: every document.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct MatchAllQuery {
    /// The relevance multiplier (`boost`).
    pub boost: Option<f64>,
    /// The query's name (`_name`).
    pub name: Option<String>,
}

common_setters!(MatchAllQuery);

impl Serialize for MatchAllQuery {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        wire::write_common(&mut map, self.boost, self.name.as_deref())?;
        map.end()
    }
}

impl<'de> Deserialize<'de> for MatchAllQuery {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = Map::deserialize(deserializer)?;
        let mut params: BTreeMap<String, Value> =
            wire::take_params::<D::Error>("match_all", map, &[])?;
        let common = wire::take_common::<D::Error>("match_all", &mut params)?;
        Ok(Self {
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
    fn wire_form() {
        let query: Query = Query::match_all().into();
        assert_eq!(
            serde_json::to_value(&query).unwrap(),
            json!({"match_all": {}})
        );
        assert_eq!(
            serde_json::from_value::<Query>(json!({"match_all": {}})).unwrap(),
            query
        );
        let error = serde_json::from_value::<Query>(json!({"match_all": {"x": 1}}))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("[match_all] query does not support [x]"),
            "{error}"
        );
    }
}
