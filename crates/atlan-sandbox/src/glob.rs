//! `*` patterns, as fault rules match routes (`POST /api/service/*/indexsearch`) and workflows
//! (`atlan-snowflake-*`).

/// Whether `name` matches `pattern`, where `*` matches any run of characters (an empty one too)
/// and every other character itself. Linear in the length of both: no backtracking.
pub(crate) fn matches(pattern: &str, name: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = name.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = rest.get(at + part.len()..).unwrap_or_default(),
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn stars_match_any_run() {
        assert!(matches("*", "anything"));
        assert!(matches("*", ""));
        assert!(matches("atlan-snowflake-*", "atlan-snowflake-1714638976"));
        assert!(!matches("atlan-snowflake-*", "atlan-snow"));
        assert!(matches(
            "POST /api/service/*/indexsearch",
            "POST /api/service/runs/indexsearch"
        ));
        assert!(matches("a*b*c", "aXbYc") && !matches("a*b*c", "aXbY"));
        assert!(matches("exact", "exact") && !matches("exact", "exactly"));
        assert!(
            !matches("ab*ba", "aba"),
            "the prefix and suffix may not overlap"
        );
    }
}
