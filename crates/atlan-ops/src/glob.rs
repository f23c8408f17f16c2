//! [`Glob`]: a workflow pattern, as every `--workflow` takes it: `*` any run of characters, `?`
//! one, the rest as it is (matched without backtracking blow-ups, by `wildmatch`).

/// The longest pattern.
pub const MAX_GLOB: usize = 256;

/// A workflow pattern: `*` any run of characters, `?` one, the rest as it is; a name without
/// either is itself.
#[derive(Debug, Clone)]
pub struct Glob {
    text: String,
    matcher: wildmatch::WildMatch,
}

impl Glob {
    /// The pattern `text`, or `None` when it is longer than [`MAX_GLOB`].
    pub fn new(text: &str) -> Option<Self> {
        (text.len() <= MAX_GLOB).then(|| Self {
            text: text.to_owned(),
            matcher: wildmatch::WildMatch::new(text),
        })
    }

    /// Whether `workflow` matches it.
    pub fn matches(&self, workflow: &str) -> bool {
        self.matcher.matches(workflow)
    }

    /// The pattern as given.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The name it is, when it has no `*` or `?` (it then matches that name only).
    pub fn literal(&self) -> Option<&str> {
        (!self.text.contains(['*', '?'])).then_some(self.text.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pattern_matches_names_and_a_plain_name_is_itself() {
        let glob = Glob::new("atlan-snowflake-*").unwrap_or_else(|| unreachable!());
        assert!(glob.matches("atlan-snowflake-1714638976"));
        assert!(!glob.matches("atlan-snowflakes"));
        assert_eq!(glob.literal(), None);
        let one = Glob::new("atlan-snowflake-1714638976").unwrap_or_else(|| unreachable!());
        assert_eq!(one.literal(), Some("atlan-snowflake-1714638976"));
        assert!(one.matches("atlan-snowflake-1714638976") && !one.matches("atlan-snowflake-1"));
        assert!(Glob::new(&"x".repeat(MAX_GLOB + 1)).is_none());
        let three = Glob::new("atlan-???-1").unwrap_or_else(|| unreachable!());
        assert!(three.matches("atlan-dbt-1"));
        // No backtracking blow-up on a hostile pattern.
        let hostile = Glob::new(&"*a".repeat(100)).unwrap_or_else(|| unreachable!());
        assert!(!hostile.matches(&"a".repeat(99)));
    }
}
