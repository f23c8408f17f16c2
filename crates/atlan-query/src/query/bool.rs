//! `bool`: a combination of queries.

use serde::de::Error as _;
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use super::Query;
use super::wire;

/// How many `should` clauses must match: a count (negative: all but that many) or Elasticsearch's
/// textual forms (`"75%"`, `"-25%"`, `"3<90%"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum MinimumShouldMatch {
    /// A count; negative means all but that many.
    Count(i64),
    /// A textual specification, such as `"75%"`.
    Text(String),
}

impl From<i64> for MinimumShouldMatch {
    fn from(count: i64) -> Self {
        Self::Count(count)
    }
}

/// `bool`: `must` and `filter` clauses all match, no `must_not` clause matches, and `should`
/// clauses match as [`minimum_should_match`](Self::minimum_should_match) says (at least one when
/// there is no `must` or `filter`). A `bool` with no clause matches every document.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct BoolQuery {
    /// Clauses that must match (and score).
    pub must: Vec<Query>,
    /// Clauses that must match (without scoring).
    pub filter: Vec<Query>,
    /// Clauses that should match.
    pub should: Vec<Query>,
    /// Clauses that must not match.
    pub must_not: Vec<Query>,
    /// How many `should` clauses must match.
    pub minimum_should_match: Option<MinimumShouldMatch>,
    /// The relevance multiplier (`boost`).
    pub boost: Option<f64>,
    /// The query's name (`_name`).
    pub name: Option<String>,
}

impl BoolQuery {
    /// Adds a `must` clause.
    #[must_use]
    pub fn must(mut self, query: impl Into<Query>) -> Self {
        self.must.push(query.into());
        self
    }

    /// Adds a `filter` clause.
    #[must_use]
    pub fn filter(mut self, query: impl Into<Query>) -> Self {
        self.filter.push(query.into());
        self
    }

    /// Adds a `should` clause.
    #[must_use]
    pub fn should(mut self, query: impl Into<Query>) -> Self {
        self.should.push(query.into());
        self
    }

    /// Adds a `must_not` clause.
    #[must_use]
    pub fn must_not(mut self, query: impl Into<Query>) -> Self {
        self.must_not.push(query.into());
        self
    }

    /// Sets how many `should` clauses must match.
    #[must_use]
    pub fn minimum_should_match(mut self, minimum: impl Into<MinimumShouldMatch>) -> Self {
        self.minimum_should_match = Some(minimum.into());
        self
    }
}

common_setters!(BoolQuery);

const BOOL_CLAUSES: [&str; 4] = ["must", "filter", "should", "must_not"];

impl Serialize for BoolQuery {
    /// Empty clause lists are left out (as Atlan's SDKs send them); everything else is written.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (key, clauses) in
            BOOL_CLAUSES
                .iter()
                .zip([&self.must, &self.filter, &self.should, &self.must_not])
        {
            if !clauses.is_empty() {
                map.serialize_entry(key, clauses)?;
            }
        }
        if let Some(minimum) = &self.minimum_should_match {
            map.serialize_entry("minimum_should_match", minimum)?;
        }
        wire::write_common(&mut map, self.boost, self.name.as_deref())?;
        map.end()
    }
}

impl<'de> Deserialize<'de> for BoolQuery {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut map = Map::deserialize(deserializer)?;
        let mut clauses = |key: &str| -> Result<Vec<Query>, D::Error> {
            let parse = |value: Value| {
                serde_json::from_value::<Query>(value)
                    .map_err(|error| D::Error::custom(format_args!("[bool] [{key}] {error}")))
            };
            match map.remove(key) {
                None | Some(Value::Null) => Ok(Vec::new()),
                Some(Value::Array(items)) => items.into_iter().map(parse).collect(),
                Some(single) => Ok(vec![parse(single)?]),
            }
        };
        let (must, filter, should, must_not) = (
            clauses("must")?,
            clauses("filter")?,
            clauses("should")?,
            clauses("must_not")?,
        );
        let minimum_should_match = map
            .remove("minimum_should_match")
            .map(serde_json::from_value)
            .transpose()
            .map_err(|error| {
                D::Error::custom(format_args!("[bool] [minimum_should_match] {error}"))
            })?;
        let mut params = wire::take_params::<D::Error>("bool", map, &[])?;
        let common = wire::take_common::<D::Error>("bool", &mut params)?;
        Ok(Self {
            must,
            filter,
            should,
            must_not,
            minimum_should_match,
            boost: common.boost,
            name: common.name,
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::MinimumShouldMatch;
    use crate::Query;

    #[test]
    fn empty_clauses_are_left_out() {
        let cases: [(Query, _); 2] = [
            (Query::bool().into(), json!({"bool": {}})),
            (
                Query::bool()
                    .must(Query::term("a", 1))
                    .should(Query::term("b", 2))
                    .minimum_should_match(1)
                    .into(),
                json!({"bool": {"must": [{"term": {"a": {"value": 1}}}], "should": [{"term": {"b": {"value": 2}}}], "minimum_should_match": 1}}),
            ),
        ];
        for (query, wire) in cases {
            assert_eq!(serde_json::to_value(&query).unwrap(), wire);
            assert_eq!(serde_json::from_value::<Query>(wire).unwrap(), query);
        }
    }

    #[test]
    fn a_single_clause_and_textual_minimums_are_accepted() {
        assert_eq!(
            serde_json::from_value::<Query>(json!({"bool": {"filter": {"term": {"f": "v"}}}}))
                .unwrap(),
            Query::bool().filter(Query::term("f", "v")).into()
        );
        let Query::Bool(boolean) = serde_json::from_value::<Query>(
            json!({"bool": {"should": [], "minimum_should_match": "75%"}}),
        )
        .unwrap() else {
            panic!("a bool")
        };
        assert_eq!(
            boolean.minimum_should_match,
            Some(MinimumShouldMatch::Text("75%".into()))
        );
        let error = serde_json::from_value::<Query>(json!({"bool": {"must": [{"nope": {}}]}}))
            .unwrap_err()
            .to_string();
        assert!(error.contains("[bool] [must]"), "{error}");
    }
}
