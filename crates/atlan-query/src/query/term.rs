//! `term`: the field has exactly this value.

value_query! {
    /// `term`: the field has exactly this value (use a `.keyword` field for exact strings).
    ///
    /// ```
    /// use atlan_query::Query;
    ///
    /// let query = Query::term("status.phase.keyword", "Failed").case_insensitive(true);
    /// assert_eq!(
    ///     serde_json::to_value(Query::from(query))?,
    ///     serde_json::json!({"term": {"status.phase.keyword": {"value": "Failed", "case_insensitive": true}}})
    /// );
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    TermQuery, "term", value: serde_json::Value, aliases: [], extra: [],
    flags: [
        /// Whether to compare strings ignoring case.
        case_insensitive = "case_insensitive"
    ],
    texts: []
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::Query;

    #[test]
    fn long_and_short_forms() {
        let query: Query = Query::term("f", "v").into();
        assert_eq!(
            serde_json::to_value(&query).unwrap(),
            json!({"term": {"f": {"value": "v"}}})
        );
        for wire in [
            json!({"term": {"f": "v"}}),
            json!({"term": {"f": {"value": "v"}}}),
        ] {
            assert_eq!(serde_json::from_value::<Query>(wire).unwrap(), query);
        }
        let numeric: Query = Query::term("f", 5).case_insensitive(true).into();
        assert_eq!(
            serde_json::to_value(&numeric).unwrap(),
            json!({"term": {"f": {"value": 5, "case_insensitive": true}}})
        );
    }

    #[test]
    fn refusals_name_the_parameter() {
        for (wire, expected) in [
            (
                json!({"term": {"f": {"value": "v", "fuzzy": true}}}),
                "[term] query does not support [fuzzy]",
            ),
            (
                json!({"term": {"a": "1", "b": "2"}}),
                "more than one field: [a], [b]",
            ),
            (
                json!({"term": {"f": {"value": {"x": 1}}}}),
                "must be a string, number or boolean",
            ),
            (
                json!({"term": {"f": {}}}),
                "[term] query on [f] has no value",
            ),
            (
                json!({"term": {"f": {"value": 1, "case_insensitive": 2}}}),
                "[case_insensitive] must be a boolean",
            ),
        ] {
            let error = serde_json::from_value::<Query>(wire)
                .unwrap_err()
                .to_string();
            assert!(error.contains(expected), "{error}");
        }
    }
}
