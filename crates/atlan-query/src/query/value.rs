//! The single-field queries with one value: `term` (exactly this value), `prefix` (starts with
//! it), `wildcard` (matches a pattern of `*` and `?`) and `regexp` (matches a Lucene regular
//! expression). All four are declared by `value_query!` and share one wire form,
//! `{KIND: {FIELD: {"value": V, …}}}`, with the short form `{KIND: {FIELD: V}}` accepted.

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

value_query! {
    /// `prefix`: the value starts with `value`.
    PrefixQuery, "prefix", value: String, aliases: [], extra: ["rewrite"],
    flags: [
        /// Whether to compare ignoring case.
        case_insensitive = "case_insensitive"
    ],
    texts: []
}

value_query! {
    /// `wildcard`: the whole value matches `value`, where `*` is any run of characters and `?` one.
    WildcardQuery, "wildcard", value: String, aliases: ["wildcard"], extra: ["rewrite"],
    flags: [
        /// Whether to match ignoring case.
        case_insensitive = "case_insensitive"
    ],
    texts: []
}

value_query! {
    /// `regexp`: the whole value matches the Lucene regular expression `value` (Lucene syntax, not
    /// Perl's: always anchored, `"…"` quotes, and with the default flags `#`, `@`, `&`, `~` and
    /// `<n-m>`).
    RegexpQuery, "regexp", value: String, aliases: [], extra: ["max_determinized_states", "rewrite"],
    flags: [
        /// Whether to match ignoring case.
        case_insensitive = "case_insensitive"
    ],
    texts: [
        /// Which optional operators are on (`ALL` by default; `NONE`, or `|`-separated names).
        flags = "flags"
    ]
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use crate::Query;

    /// Each built query, its wire form, and other wire forms that decode to the same query.
    fn built() -> Vec<(Query, Value, Vec<Value>)> {
        vec![
            (
                Query::term("f", "v").into(),
                json!({"term": {"f": {"value": "v"}}}),
                vec![json!({"term": {"f": "v"}})],
            ),
            (
                Query::term("f", 5).case_insensitive(true).into(),
                json!({"term": {"f": {"value": 5, "case_insensitive": true}}}),
                vec![],
            ),
            (
                Query::prefix("f", "asq-").into(),
                json!({"prefix": {"f": {"value": "asq-"}}}),
                vec![json!({"prefix": {"f": "asq-"}})],
            ),
            (
                Query::wildcard("f", "a*").into(),
                json!({"wildcard": {"f": {"value": "a*"}}}),
                vec![json!({"wildcard": {"f": {"wildcard": "a*"}}})],
            ),
            (
                Query::regexp("f", "a.*").into(),
                json!({"regexp": {"f": {"value": "a.*"}}}),
                vec![json!({"regexp": {"f": "a.*"}})],
            ),
        ]
    }

    #[test]
    fn wire_forms_short_forms_and_aliases() {
        for (query, wire, others) in built() {
            assert_eq!(serde_json::to_value(&query).unwrap(), wire);
            for other in others.into_iter().chain([wire]) {
                assert_eq!(
                    serde_json::from_value::<Query>(other.clone()).unwrap(),
                    query,
                    "{other}"
                );
            }
        }
    }

    #[test]
    fn kept_parameters_round_trip() {
        for wire in [
            json!({"prefix": {"f": {"value": "a", "rewrite": "constant_score"}}}),
            json!({"wildcard": {"f": {"value": "a?", "rewrite": "top_terms_5"}}}),
            json!({"regexp": {"f": {"value": "a<1-5>", "flags": "INTERVAL", "max_determinized_states": 100}}}),
        ] {
            let decoded: Query = serde_json::from_value(wire.clone()).unwrap();
            assert_eq!(serde_json::to_value(&decoded).unwrap(), wire);
        }
        let wire = json!({"regexp": {"f": {"value": "a", "flags": "INTERVAL"}}});
        let Query::Regexp(decoded) = serde_json::from_value::<Query>(wire).unwrap() else {
            panic!("a regexp")
        };
        assert_eq!(decoded.flags.as_deref(), Some("INTERVAL"));
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
            (json!({"prefix": {"f": {"value": 3}}}), "[prefix] value"),
            (
                json!({"wildcard": {"f": {"value": "a", "fuzzy": 1}}}),
                "[wildcard] query does not support [fuzzy]",
            ),
            (
                json!({"regexp": {"f": {"value": "a", "flags": 1}}}),
                "[flags] must be a string",
            ),
        ] {
            let error = serde_json::from_value::<Query>(wire)
                .unwrap_err()
                .to_string();
            assert!(error.contains(expected), "{error}");
        }
    }
}
