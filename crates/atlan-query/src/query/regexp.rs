//! `regexp`: the whole value matches a Lucene regular expression.

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
    use serde_json::json;

    use crate::Query;

    #[test]
    fn wire_form_with_flags() {
        let query: Query = Query::regexp("f", "a.*").into();
        assert_eq!(
            serde_json::to_value(&query).unwrap(),
            json!({"regexp": {"f": {"value": "a.*"}}})
        );
        let wire = json!({"regexp": {"f": {"value": "a<1-5>", "flags": "INTERVAL", "max_determinized_states": 100}}});
        let Query::Regexp(decoded) = serde_json::from_value::<Query>(wire.clone()).unwrap() else {
            panic!("a regexp")
        };
        assert_eq!(decoded.flags.as_deref(), Some("INTERVAL"));
        assert_eq!(serde_json::to_value(&decoded).unwrap(), wire["regexp"]);
    }
}
