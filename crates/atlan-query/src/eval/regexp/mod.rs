//! Lucene regular expressions (the syntax of Elasticsearch's `regexp` query), matched against a whole
//! value, and `wildcard` patterns.
//!
//! Lucene's syntax is not Perl's: a pattern always matches the entire value; `"…"` quotes a literal;
//! `()` is the empty string; and, with the default flags, `#` (matches nothing), `@` (any string),
//! `&` (intersection), `~` (complement) and `<n-m>` (a decimal number in a range) are operators.
//! `\d \D \s \S \w \W` are Lucene's ASCII character classes.
//!
//! A pattern is compiled as Lucene compiles it ([`automaton`]): into a DFA, within Elasticsearch's
//! limits (`index.max_regex_length` 1,000 characters, `max_determinized_states` 10,000), so that
//! matching is one step per character of the value and a hostile pattern is refused with a typed
//! error instead of exhausting the stack or the CPU.

mod automaton;
mod parse;
mod ranges;

use automaton::{Budget, Dfa};

pub(crate) use automaton::MAX_DETERMINIZED_STATES;

/// Elasticsearch's default `index.max_regex_length`.
pub(crate) const MAX_REGEX_LENGTH: usize = 1_000;

/// A compiled pattern.
#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    dfa: Dfa,
}

/// A pattern that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PatternError {
    /// It does not parse (or nests too deeply).
    Syntax(String),
    /// It is longer than [`MAX_REGEX_LENGTH`] characters.
    TooLong { length: usize },
    /// Its automaton would need more than [`MAX_DETERMINIZED_STATES`] states.
    TooComplex { states: usize, transitions: usize },
    /// Compiling it would take more than `steps` elementary steps.
    TooExpensive { steps: u64 },
}

impl Pattern {
    /// Compiles a Lucene regular expression with the given `flags` parameter.
    pub(crate) fn regexp(
        pattern: &str,
        flags: Option<&str>,
        case_insensitive: bool,
    ) -> Result<Self, PatternError> {
        let length = pattern.chars().count();
        if length > MAX_REGEX_LENGTH {
            return Err(PatternError::TooLong { length });
        }
        let flags = parse::Flags::parse(flags)?;
        let tree = parse::regexp(pattern, flags)?;
        let dfa = automaton::compile(&tree, case_insensitive, &mut Budget::new())?;
        Ok(Self { dfa })
    }

    /// Compiles a wildcard pattern: `*` any run of characters, `?` one, `\` escapes.
    pub(crate) fn wildcard(pattern: &str, case_insensitive: bool) -> Result<Self, PatternError> {
        let tree = parse::wildcard(pattern);
        let dfa = automaton::compile(&tree, case_insensitive, &mut Budget::new())?;
        Ok(Self { dfa })
    }

    /// Whether the whole of `value` matches: time linear in its length.
    pub(crate) fn matches(&self, value: &str) -> bool {
        self.dfa.matches(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, value: &str) -> bool {
        Pattern::regexp(pattern, None, false)
            .unwrap()
            .matches(value)
    }

    #[test]
    fn anchored_to_the_whole_value() {
        assert!(matches("abc", "abc"));
        assert!(!matches("abc", "abcd"));
        assert!(!matches("bc", "abc"));
        assert!(matches("a.c", "a-c"));
        assert!(matches("", ""));
    }

    #[test]
    fn atlan_workflow_ids() {
        let pattern = "atlan[-]snowflake[-][0-9]{10}";
        assert!(matches(pattern, "atlan-snowflake-1714638976"));
        assert!(!matches(pattern, "atlan-snowflake-miner-1714638976"));
        assert!(!matches(pattern, "atlan-snowflake-171463897"));
        assert!(!matches(pattern, "atlan-snowflake-1714638976-mzdza"));
    }

    #[test]
    fn operators() {
        assert!(matches("ab*c", "ac") && matches("ab*c", "abbbc"));
        assert!(matches("ab+c", "abc") && !matches("ab+c", "ac"));
        assert!(matches("ab?c", "ac") && !matches("ab?c", "abbc"));
        assert!(
            matches("a{2,3}", "aaa") && !matches("a{2,3}", "aaaa") && matches("a{2,}", "aaaaa")
        );
        assert!(matches("(ab|cd)+", "abcdab"));
        assert!(matches("[a-c]x", "bx") && !matches("[^a-c]x", "bx") && matches("[^a-c]x", "dx"));
        assert!(matches("\"a.b\"", "a.b") && !matches("\"a.b\"", "axb"));
        assert!(matches("a()b", "ab"));
        assert!(matches(r"\d+\s\w+", "42 runs"));
        assert!(matches(r"a\.b", "a.b") && !matches(r"a\.b", "axb"));
    }

    #[test]
    fn optional_operators() {
        assert!(matches("@", "anything") && matches("ab@", "abc"));
        assert!(!matches("#", "") && !matches("#", "a"));
        assert!(matches("aaa.+&.+bbb", "aaabbb") && !matches("aaa.+&.+bbb", "aaab"));
        assert!(matches("ab~cd", "abxd") && !matches("ab~cd", "abcd"));
        assert!(matches("~(a.*)", "bcd") && !matches("~(a.*)", "abc"));
        assert!(
            matches("foo<1-100>", "foo42")
                && !matches("foo<1-100>", "foo101")
                && matches("foo<1-100>", "foo0042")
        );
        assert!(matches("<01-10>", "05") && !matches("<01-10>", "5"));
    }

    #[test]
    fn flags_turn_operators_into_literals() {
        let literal = Pattern::regexp("a@b", Some("NONE"), false).unwrap();
        assert!(literal.matches("a@b") && !literal.matches("axxb"));
        let only_interval = Pattern::regexp("x<1-3>&y", Some("INTERVAL"), false).unwrap();
        assert!(only_interval.matches("x2&y"));
        assert!(Pattern::regexp("a", Some("BOGUS"), false).is_err());
    }

    #[test]
    fn case_insensitive() {
        let insensitive = Pattern::regexp("snow[a-z]+", None, true).unwrap();
        let sensitive = Pattern::regexp("snow[a-z]+", None, false).unwrap();
        assert!(insensitive.matches("SnowFlake") && !sensitive.matches("SnowFlake"));
    }

    #[test]
    fn errors() {
        for bad in ["(ab", "[ab", "a{2", "*a", "a{3,1}", "\"ab", "<1-x>", "a)"] {
            assert!(Pattern::regexp(bad, None, false).is_err(), "{bad}");
        }
    }

    #[test]
    fn wildcards() {
        let pattern = Pattern::wildcard("atlan-*-1714?38976", false).unwrap();
        assert!(pattern.matches("atlan-snowflake-miner-1714638976"));
        assert!(!pattern.matches("atlan-snowflake-1714638976-x"));
        let escaped = Pattern::wildcard(r"a\*b", false).unwrap();
        assert!(escaped.matches("a*b") && !escaped.matches("axb"));
        assert!(
            Pattern::wildcard("ATLAN-*", true)
                .unwrap()
                .matches("atlan-x")
        );
    }

    #[test]
    fn long_values_and_big_repeats_stay_fast() {
        let value = "a".repeat(5_000);
        assert!(matches("a*", &value) && matches("(a|aa)*", &value) && !matches("a*b", &value));
        assert!(matches("a{1000,}", &value));
    }

    /// The probe's patterns: each used to abort the process (stack overflow) or run for a minute.
    #[test]
    fn hostile_patterns_are_refused_or_linear() {
        let deep = format!("{}a{}", "(".repeat(2_100), ")".repeat(2_100));
        assert!(matches!(
            Pattern::regexp(&deep, None, false),
            Err(PatternError::TooLong { length: 4_201 })
        ));
        let nested = format!("{}a{}", "(".repeat(400), ")".repeat(400));
        assert!(matches!(
            Pattern::regexp(&nested, None, false),
            Err(PatternError::Syntax(reason)) if reason.contains("nest")
        ));
        let questions = format!("a{}", "?".repeat(999));
        assert!(matches!(
            Pattern::regexp(&questions, None, false),
            Err(PatternError::Syntax(reason)) if reason.contains("nests")
        ));
        // An odd run of `~` is one complement; an even run is none.
        assert!(matches(&format!("{}a", "~".repeat(999)), "b"));
        assert!(matches(&format!("{}a", "~".repeat(998)), "a"));
        // Catastrophic for a backtracker: nested `+` 22 deep, against a long value.
        let mut pattern = String::from(".");
        for _ in 0..22 {
            pattern = format!("({pattern}+)");
        }
        let value = "x".repeat(10_000);
        assert!(matches(&pattern, &value) && matches(&format!("{pattern}y"), &format!("{value}y")));
        assert!(!matches(&format!("{pattern}y"), &value));
        let name = "n".repeat(1_900_000);
        assert!(matches(".*", &name) && !matches(".*m", &name));
    }

    #[test]
    fn the_deepest_accepted_pattern_compiles_on_a_small_stack() {
        let nested = format!("{}a{}", "(".repeat(100), ")+".repeat(100));
        let compiled = std::thread::Builder::new()
            .stack_size(512 * 1024)
            .spawn(move || Pattern::regexp(&nested, None, false).map(|p| p.matches("aaa")))
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(compiled, Ok(true));
    }

    #[test]
    fn automata_beyond_the_state_limit_are_too_complex() {
        // `(a|b)*a(a|b){20}` needs 2^21 DFA states: Lucene's classic blow-up.
        assert!(matches!(
            Pattern::regexp("[ab]*a[ab]{20}", None, false),
            Err(PatternError::TooComplex { .. })
        ));
        assert!(matches!(
            Pattern::regexp("(a{1000}){1000}", None, false),
            Err(PatternError::TooComplex { .. } | PatternError::TooExpensive { .. })
        ));
        assert!(matches!(
            Pattern::regexp("(.*a.*b.*c.*d.*e.*f.*g.*h.*i.*j.*){30}", None, false),
            Err(PatternError::TooExpensive { steps: 4_000_000 })
        ));
        assert!(Pattern::regexp("[ab]*a[ab]{5}", None, false).is_ok());
    }

    /// A tiny tree of the operators, rendered as Lucene syntax and matched by brute force.
    #[derive(Debug, Clone)]
    enum Tree {
        Char(char),
        Any,
        Concat(Box<Tree>, Box<Tree>),
        Union(Box<Tree>, Box<Tree>),
        Intersection(Box<Tree>, Box<Tree>),
        Complement(Box<Tree>),
        Star(Box<Tree>),
        Plus(Box<Tree>),
        Optional(Box<Tree>),
        Between(Box<Tree>, u32, u32),
    }

    impl Tree {
        fn render(&self) -> String {
            match self {
                Self::Char(c) => c.to_string(),
                Self::Any => ".".into(),
                Self::Concat(a, b) => format!("({}{})", a.render(), b.render()),
                Self::Union(a, b) => format!("({}|{})", a.render(), b.render()),
                Self::Intersection(a, b) => format!("({}&{})", a.render(), b.render()),
                Self::Complement(a) => format!("(~({}))", a.render()),
                Self::Star(a) => format!("({})*", a.render()),
                Self::Plus(a) => format!("({})+", a.render()),
                Self::Optional(a) => format!("({})?", a.render()),
                Self::Between(a, min, max) => format!("({}){{{min},{max}}}", a.render()),
            }
        }

        /// Where the tree can end in `input`, having started at `start`.
        fn ends(&self, input: &[char], start: usize) -> std::collections::BTreeSet<usize> {
            use std::collections::BTreeSet;
            let from_all = |tree: &Tree, starts: &BTreeSet<usize>| -> BTreeSet<usize> {
                starts.iter().flat_map(|s| tree.ends(input, *s)).collect()
            };
            match self {
                Self::Char(c) => input
                    .get(start)
                    .filter(|x| *x == c)
                    .map(|_| start + 1)
                    .into_iter()
                    .collect(),
                Self::Any => (start < input.len())
                    .then_some(start + 1)
                    .into_iter()
                    .collect(),
                Self::Concat(a, b) => from_all(b, &a.ends(input, start)),
                Self::Union(a, b) => a
                    .ends(input, start)
                    .union(&b.ends(input, start))
                    .copied()
                    .collect(),
                Self::Intersection(a, b) => a
                    .ends(input, start)
                    .intersection(&b.ends(input, start))
                    .copied()
                    .collect(),
                Self::Complement(a) => {
                    let inner = a.ends(input, start);
                    (start..=input.len())
                        .filter(|end| !inner.contains(end))
                        .collect()
                }
                Self::Star(a) | Self::Plus(a) | Self::Optional(a) | Self::Between(a, ..) => {
                    let (min, max) = match self {
                        Self::Star(_) => (0, u32::MAX),
                        Self::Plus(_) => (1, u32::MAX),
                        Self::Optional(_) => (0, 1),
                        Self::Between(_, min, max) => (*min, *max),
                        _ => unreachable!(),
                    };
                    let mut reached = BTreeSet::new();
                    let mut current = BTreeSet::from([start]);
                    let mut count = 0;
                    loop {
                        if count >= min {
                            reached.extend(current.iter().copied());
                        }
                        if count == max || current.is_empty() || count > input.len() as u32 + min {
                            break;
                        }
                        current = from_all(a, &current);
                        count += 1;
                    }
                    reached
                }
            }
        }
    }

    fn tree() -> impl proptest::strategy::Strategy<Value = Tree> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Tree::Char('a')),
            Just(Tree::Char('b')),
            Just(Tree::Any)
        ];
        leaf.prop_recursive(4, 16, 2, |inner| {
            prop_oneof![
                (inner.clone(), inner.clone()).prop_map(|(a, b)| Tree::Concat(a.into(), b.into())),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| Tree::Union(a.into(), b.into())),
                (inner.clone(), inner.clone())
                    .prop_map(|(a, b)| Tree::Intersection(a.into(), b.into())),
                inner.clone().prop_map(|a| Tree::Complement(a.into())),
                inner.clone().prop_map(|a| Tree::Star(a.into())),
                inner.clone().prop_map(|a| Tree::Plus(a.into())),
                inner.clone().prop_map(|a| Tree::Optional(a.into())),
                (inner, 0u32..3, 0u32..3).prop_map(|(a, x, y)| Tree::Between(
                    a.into(),
                    x.min(y),
                    x.max(y)
                )),
            ]
        })
    }

    proptest::proptest! {
        #[test]
        fn the_automaton_agrees_with_brute_force(tree in tree(), value in "[abc]{0,7}") {
            let pattern = Pattern::regexp(&tree.render(), None, false).unwrap();
            let input: Vec<char> = value.chars().collect();
            let expected = tree.ends(&input, 0).contains(&input.len());
            proptest::prop_assert_eq!(pattern.matches(&value), expected, "{}", tree.render());
        }

        #[test]
        fn any_text_is_a_pattern_or_a_typed_error(text in "[()|&~*+?{}<>\\[\\]^.@#\"0-9a-c,-]{0,64}") {
            if let Ok(pattern) = Pattern::regexp(&text, None, false) {
                let _ = pattern.matches("abc");
            }
            let _ = Pattern::wildcard(&text, true);
        }
    }
}
