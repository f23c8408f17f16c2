//! `wildcard`: the whole value matches a pattern of `*` and `?`.

value_query! {
    /// `wildcard`: the whole value matches `value`, where `*` is any run of characters and `?` one.
    WildcardQuery, "wildcard", value: String, aliases: ["wildcard"], extra: ["rewrite"],
    flags: [
        /// Whether to match ignoring case.
        case_insensitive = "case_insensitive"
    ],
    texts: []
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::Query;

    #[test]
    fn wire_form_and_the_wildcard_alias() {
        let query: Query = Query::wildcard("f", "a*").into();
        assert_eq!(
            serde_json::to_value(&query).unwrap(),
            json!({"wildcard": {"f": {"value": "a*"}}})
        );
        assert_eq!(
            serde_json::from_value::<Query>(json!({"wildcard": {"f": {"wildcard": "a*"}}}))
                .unwrap(),
            query
        );
    }
}
