//! `prefix`: the value starts with a prefix.

value_query! {
    /// `prefix`: the value starts with `value`.
    PrefixQuery, "prefix", value: String, aliases: [], extra: ["rewrite"],
    flags: [
        /// Whether to compare ignoring case.
        case_insensitive = "case_insensitive"
    ],
    texts: []
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::Query;

    #[test]
    fn wire_form_and_kept_parameters() {
        let query: Query = Query::prefix("f", "asq-").into();
        assert_eq!(
            serde_json::to_value(&query).unwrap(),
            json!({"prefix": {"f": {"value": "asq-"}}})
        );
        assert_eq!(
            serde_json::from_value::<Query>(json!({"prefix": {"f": "asq-"}})).unwrap(),
            query
        );
        let rewrite = json!({"prefix": {"f": {"value": "a", "rewrite": "constant_score"}}});
        let decoded: Query = serde_json::from_value(rewrite.clone()).unwrap();
        assert_eq!(serde_json::to_value(&decoded).unwrap(), rewrite);
        let error = serde_json::from_value::<Query>(json!({"prefix": {"f": {"value": 3}}}))
            .unwrap_err()
            .to_string();
        assert!(error.contains("[prefix] value"), "{error}");
    }
}
