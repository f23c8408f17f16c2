//! The query DSL: one [`Query`] enum over the Elasticsearch queries Atlan's indexes are searched
//! with, one module per kind (as elasticsearch-dsl-rs lays it out).
//!
//! Each kind serializes to exactly the wire JSON Atlan expects (`{"term": {F: {"value": V}}}`, …).
//! Decoding also accepts Elasticsearch's short forms (`{"term": {F: V}}`, a single clause instead of
//! a list in `bool`) and refuses unknown parameters the way Elasticsearch does, naming them.
//!
//! Every constructor returns its kind's own type (`Query::term` a [`TermQuery`], `Query::bool` a
//! [`BoolQuery`], …), which converts into a [`Query`] wherever one is expected. Every kind has the
//! typed setters `boost` and `name` (`_name` on the wire); parameters that do not change which
//! documents match and that the DSL does not model (`rewrite`, `score_mode`, …) are kept in
//! `params` so that a decoded query round-trips.

#[macro_use]
mod wire;

mod bool;
mod exists;
mod match_all;
mod nested;
mod range;
mod terms;
mod value;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use self::bool::{BoolQuery, MinimumShouldMatch};
pub use self::exists::ExistsQuery;
pub use self::match_all::MatchAllQuery;
pub use self::nested::NestedQuery;
pub use self::range::RangeQuery;
pub use self::terms::TermsQuery;
pub use self::value::{PrefixQuery, RegexpQuery, TermQuery, WildcardQuery};

/// The `Query` enum, its `kind()` (the wire name of each variant) and a `From` of each kind's
/// query, from one list.
macro_rules! queries {
    (
        $(#[$enum_doc:meta])*
        pub enum Query {
            $($(#[$doc:meta])* $variant:ident($ty:ty) = $kind:literal,)+
        }
    ) => {
        $(#[$enum_doc])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        #[non_exhaustive]
        pub enum Query {
            $($(#[$doc])* $variant($ty),)+
        }

        impl Query {
            /// The query's kind as it appears on the wire (`term`, `bool`, …).
            pub fn kind(&self) -> &'static str {
                match self {
                    $(Self::$variant(_) => $kind,)+
                }
            }
        }

        $(impl From<$ty> for Query {
            fn from(query: $ty) -> Self {
                Self::$variant(query)
            }
        })+
    };
}

queries! {
    /// A query.
    ///
    /// ```
    /// use atlan_query::Query;
    ///
    /// let query = Query::bool()
    ///     .filter(Query::nested("metadata", Query::term("metadata.name.keyword", "atlan-snowflake-1714638976")))
    ///     .must_not(Query::exists("status.finishedAt"));
    /// assert_eq!(
    ///     serde_json::to_value(Query::from(query))?,
    ///     serde_json::json!({"bool": {
    ///         "filter": [{"nested": {"path": "metadata", "query": {"term": {"metadata.name.keyword": {"value": "atlan-snowflake-1714638976"}}}}}],
    ///         "must_not": [{"exists": {"field": "status.finishedAt"}}]
    ///     }})
    /// );
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub enum Query {
        /// An exact value.
        Term(TermQuery) = "term",
        /// Any of several exact values.
        Terms(TermsQuery) = "terms",
        /// A Lucene regular expression over the whole value.
        Regexp(RegexpQuery) = "regexp",
        /// A value prefix.
        Prefix(PrefixQuery) = "prefix",
        /// A wildcard pattern (`*`, `?`) over the whole value.
        Wildcard(WildcardQuery) = "wildcard",
        /// A range of numbers, dates (with date math) or strings.
        Range(RangeQuery) = "range",
        /// The field has a value.
        Exists(ExistsQuery) = "exists",
        /// A query over the objects at a nested path.
        Nested(NestedQuery) = "nested",
        /// A combination of queries.
        Bool(BoolQuery) = "bool",
        /// Every document.
        MatchAll(MatchAllQuery) = "match_all",
    }
}

impl Query {
    /// `term`: the field has exactly this value.
    pub fn term(field: impl Into<String>, value: impl Into<Value>) -> TermQuery {
        TermQuery::new(field, value)
    }

    /// `terms`: the field has one of these values. An empty list matches nothing (it is kept, not
    /// dropped).
    pub fn terms<V: Into<Value>>(
        field: impl Into<String>,
        values: impl IntoIterator<Item = V>,
    ) -> TermsQuery {
        TermsQuery::new(field, values)
    }

    /// `regexp`: the whole value matches this Lucene regular expression.
    pub fn regexp(field: impl Into<String>, pattern: impl Into<String>) -> RegexpQuery {
        RegexpQuery::new(field, pattern)
    }

    /// `prefix`: the value starts with this prefix.
    pub fn prefix(field: impl Into<String>, prefix: impl Into<String>) -> PrefixQuery {
        PrefixQuery::new(field, prefix)
    }

    /// `wildcard`: the whole value matches this pattern (`*` any run, `?` one character).
    pub fn wildcard(field: impl Into<String>, pattern: impl Into<String>) -> WildcardQuery {
        WildcardQuery::new(field, pattern)
    }

    /// `range`: set bounds with [`RangeQuery::gte`] and friends.
    pub fn range(field: impl Into<String>) -> RangeQuery {
        RangeQuery::new(field)
    }

    /// `exists`: the field has a non-null value.
    pub fn exists(field: impl Into<String>) -> ExistsQuery {
        ExistsQuery::new(field)
    }

    /// `nested`: `query` matches one of the objects at `path`.
    pub fn nested(path: impl Into<String>, query: impl Into<Query>) -> NestedQuery {
        NestedQuery::new(path, query)
    }

    /// `bool`: add clauses with [`BoolQuery::must`] and friends.
    pub fn bool() -> BoolQuery {
        BoolQuery::default()
    }

    /// `match_all`: every document.
    pub fn match_all() -> MatchAllQuery {
        MatchAllQuery::default()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_constructor_converts_into_a_query_of_its_kind() {
        let kinds: [(Query, &str); 10] = [
            (Query::term("f", 1).into(), "term"),
            (Query::terms("f", [1]).into(), "terms"),
            (Query::regexp("f", "a").into(), "regexp"),
            (Query::prefix("f", "a").into(), "prefix"),
            (Query::wildcard("f", "a").into(), "wildcard"),
            (Query::range("f").gte(1).into(), "range"),
            (Query::exists("f").into(), "exists"),
            (Query::nested("p", Query::match_all()).into(), "nested"),
            (Query::bool().into(), "bool"),
            (Query::match_all().into(), "match_all"),
        ];
        for (query, kind) in kinds {
            assert_eq!(query.kind(), kind);
            let wire = serde_json::to_value(&query).unwrap();
            assert!(wire.get(kind).is_some(), "{wire}");
            assert_eq!(serde_json::from_value::<Query>(wire).unwrap(), query);
        }
    }

    #[test]
    fn boost_and_name_are_typed_on_every_kind() {
        let queries: [Query; 10] = [
            Query::term("f", 1).boost(2.0).name("q").into(),
            Query::terms("f", [1]).boost(2.0).name("q").into(),
            Query::regexp("f", "a").boost(2.0).name("q").into(),
            Query::prefix("f", "a").boost(2.0).name("q").into(),
            Query::wildcard("f", "a").boost(2.0).name("q").into(),
            Query::range("f").gte(1).boost(2.0).name("q").into(),
            Query::exists("f").boost(2.0).name("q").into(),
            Query::nested("p", Query::match_all())
                .boost(2.0)
                .name("q")
                .into(),
            Query::bool().boost(2.0).name("q").into(),
            Query::match_all().boost(2.0).name("q").into(),
        ];
        for query in queries {
            let text = serde_json::to_string(&query).unwrap();
            assert!(
                text.contains(r#""boost":2.0"#) && text.contains(r#""_name":"q""#),
                "{text}"
            );
            let decoded: Query = serde_json::from_str(&text).unwrap();
            assert_eq!(decoded, query, "{text}");
        }
    }

    #[test]
    fn a_boost_must_be_a_finite_number() {
        let error =
            serde_json::from_value::<Query>(json!({"term": {"f": {"value": 1, "boost": "x"}}}))
                .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("[term] [boost] must be a number"),
            "{error}"
        );
        let from_text: Query =
            serde_json::from_value(json!({"exists": {"field": "f", "boost": "1.5"}})).unwrap();
        assert_eq!(from_text, Query::exists("f").boost(1.5).into());
        let error =
            serde_json::to_string(&Query::from(Query::term("f", 1).boost(f64::NAN))).unwrap_err();
        assert!(error.to_string().contains("finite"), "{error}");
        let error =
            serde_json::from_value::<Query>(json!({"match_all": {"_name": 3}})).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("[match_all] [_name] must be a string"),
            "{error}"
        );
    }
}
