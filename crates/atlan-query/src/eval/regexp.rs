//! Lucene regular expressions (the syntax of Elasticsearch's `regexp` query), matched against a whole
//! value, and `wildcard` patterns.
//!
//! Lucene's syntax is not Perl's: a pattern always matches the entire value; `"…"` quotes a literal;
//! `()` is the empty string; and, with the default flags, `#` (matches nothing), `@` (any string),
//! `&` (intersection), `~` (complement) and `<n-m>` (a decimal number in a range) are operators.
//! `\d \D \s \S \w \W` are character classes. Matching simulates all positions at once (a set of
//! positions per step), so it is linear in the value for ordinary patterns and never backtracks.

use std::fmt;

/// A compiled pattern.
#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    root: Node,
}

#[derive(Debug, Clone)]
enum Node {
    /// The empty string.
    Empty,
    /// No string at all (`#`).
    Nothing,
    /// Any string (`@`).
    AnyString,
    /// One character of a class.
    Class(Class),
    Concat(Vec<Node>),
    Union(Vec<Node>),
    Intersection(Box<Node>, Box<Node>),
    Complement(Box<Node>),
    Repeat {
        node: Box<Node>,
        min: u32,
        max: Option<u32>,
    },
    /// `<min-max>`: a decimal number in the range; `digits > 0` fixes the width (zero padded).
    Interval {
        min: String,
        max: String,
        digits: usize,
    },
}

/// A set of characters.
#[derive(Debug, Clone)]
enum Class {
    Any,
    Char(char),
    Set {
        negated: bool,
        items: Vec<ClassItem>,
    },
}

#[derive(Debug, Clone, Copy)]
enum ClassItem {
    Char(char),
    Range(char, char),
    Digit(bool),
    Space(bool),
    Word(bool),
}

impl ClassItem {
    fn contains(self, c: char) -> bool {
        match self {
            Self::Char(x) => x == c,
            Self::Range(low, high) => low <= c && c <= high,
            Self::Digit(negated) => c.is_ascii_digit() != negated,
            Self::Space(negated) => c.is_whitespace() != negated,
            Self::Word(negated) => (c.is_alphanumeric() || c == '_') != negated,
        }
    }
}

impl Class {
    fn contains(&self, c: char, case_insensitive: bool) -> bool {
        let test = |c: char| match self {
            Self::Any => true,
            Self::Char(x) => *x == c,
            Self::Set { negated, items } => items.iter().any(|item| item.contains(c)) != *negated,
        };
        if test(c) {
            return true;
        }
        case_insensitive && (c.to_lowercase().any(test) || c.to_uppercase().any(test))
    }
}

/// Which optional operators are on (Lucene's `RegExp` flags).
#[derive(Debug, Clone, Copy)]
struct Flags {
    intersection: bool,
    complement: bool,
    empty: bool,
    any_string: bool,
    interval: bool,
}

impl Flags {
    const ALL: Self = Self {
        intersection: true,
        complement: true,
        empty: true,
        any_string: true,
        interval: true,
    };
    const NONE: Self = Self {
        intersection: false,
        complement: false,
        empty: false,
        any_string: false,
        interval: false,
    };

    /// Elasticsearch's `flags` parameter: `ALL` (default), `NONE`, or `|`-separated names.
    fn parse(text: Option<&str>) -> Result<Self, String> {
        let Some(text) = text else {
            return Ok(Self::ALL);
        };
        let mut flags = Self::NONE;
        for name in text
            .split('|')
            .map(str::trim)
            .filter(|name| !name.is_empty())
        {
            match name.to_ascii_uppercase().as_str() {
                "ALL" => flags = Self::ALL,
                "NONE" => {}
                "INTERSECTION" => flags.intersection = true,
                "COMPLEMENT" => flags.complement = true,
                "EMPTY" => flags.empty = true,
                "ANYSTRING" => flags.any_string = true,
                "INTERVAL" => flags.interval = true,
                other => return Err(format!("unknown regexp flag [{other}]")),
            }
        }
        Ok(flags)
    }
}

/// A pattern that does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PatternError(pub(crate) String);

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Pattern {
    /// Compiles a Lucene regular expression with the given `flags` parameter.
    pub(crate) fn regexp(pattern: &str, flags: Option<&str>) -> Result<Self, PatternError> {
        let flags = Flags::parse(flags).map_err(PatternError)?;
        let mut parser = Parser {
            chars: pattern.chars().collect(),
            at: 0,
            flags,
        };
        let root = parser.union()?;
        if parser.at < parser.chars.len() {
            return Err(parser.error("unexpected character"));
        }
        Ok(Self { root })
    }

    /// Compiles a wildcard pattern: `*` any run of characters, `?` one, `\` escapes.
    pub(crate) fn wildcard(pattern: &str) -> Self {
        let mut items = Vec::new();
        let mut chars = pattern.chars();
        while let Some(c) = chars.next() {
            items.push(match c {
                '*' => Node::Repeat {
                    node: Box::new(Node::Class(Class::Any)),
                    min: 0,
                    max: None,
                },
                '?' => Node::Class(Class::Any),
                '\\' => Node::Class(Class::Char(chars.next().unwrap_or('\\'))),
                c => Node::Class(Class::Char(c)),
            });
        }
        Self {
            root: Node::Concat(items),
        }
    }

    /// Whether the whole of `value` matches.
    pub(crate) fn matches(&self, value: &str, case_insensitive: bool) -> bool {
        let chars: Vec<char> = value.chars().collect();
        let matcher = Matcher {
            input: &chars,
            case_insensitive,
        };
        let mut start = Positions::new(chars.len());
        start.insert(0);
        matcher.step(&self.root, &start).contains(chars.len())
    }
}

struct Parser {
    chars: Vec<char>,
    at: usize,
    flags: Flags,
}

impl Parser {
    fn error(&self, what: &str) -> PatternError {
        PatternError(format!("{what} at position {}", self.at))
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn union(&mut self) -> Result<Node, PatternError> {
        let mut branches = vec![self.intersection()?];
        while self.eat('|') {
            branches.push(self.intersection()?);
        }
        Ok(if branches.len() == 1 {
            branches.remove(0)
        } else {
            Node::Union(branches)
        })
    }

    fn intersection(&mut self) -> Result<Node, PatternError> {
        let left = self.concat()?;
        if self.flags.intersection && self.eat('&') {
            let right = self.intersection()?;
            return Ok(Node::Intersection(Box::new(left), Box::new(right)));
        }
        Ok(left)
    }

    fn concat(&mut self) -> Result<Node, PatternError> {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' || (c == '&' && self.flags.intersection) {
                break;
            }
            items.push(self.repeat()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Node::Concat(items)
        })
    }

    fn repeat(&mut self) -> Result<Node, PatternError> {
        let mut node = self.complement()?;
        loop {
            let (min, max) = match self.peek() {
                Some('?') => (0, Some(1)),
                Some('*') => (0, None),
                Some('+') => (1, None),
                Some('{') => {
                    self.at += 1;
                    let min = self
                        .number()?
                        .ok_or_else(|| self.error("expected a number after `{`"))?;
                    let max = if self.eat(',') {
                        self.number()?
                    } else {
                        Some(min)
                    };
                    if !self.eat('}') {
                        return Err(self.error("expected `}`"));
                    }
                    if max.is_some_and(|max| max < min) {
                        return Err(self.error("repetition maximum is below its minimum"));
                    }
                    node = Node::Repeat {
                        node: Box::new(node),
                        min,
                        max,
                    };
                    continue;
                }
                _ => return Ok(node),
            };
            self.at += 1;
            node = Node::Repeat {
                node: Box::new(node),
                min,
                max,
            };
        }
    }

    fn number(&mut self) -> Result<Option<u32>, PatternError> {
        let start = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.at += 1;
        }
        if start == self.at {
            return Ok(None);
        }
        let text: String = self
            .chars
            .get(start..self.at)
            .unwrap_or_default()
            .iter()
            .collect();
        text.parse()
            .map(Some)
            .map_err(|_| self.error("repetition count too large"))
    }

    fn complement(&mut self) -> Result<Node, PatternError> {
        if self.flags.complement && self.eat('~') {
            return Ok(Node::Complement(Box::new(self.complement()?)));
        }
        self.class_or_simple()
    }

    fn class_or_simple(&mut self) -> Result<Node, PatternError> {
        if self.eat('[') {
            let negated = self.eat('^');
            let mut items = Vec::new();
            loop {
                match self.peek() {
                    None => return Err(self.error("unterminated character class")),
                    Some(']') if !items.is_empty() => {
                        self.at += 1;
                        break;
                    }
                    _ => {}
                }
                let item = self.class_char()?;
                if let ClassItem::Char(low) = item
                    && self.peek() == Some('-')
                    && self.chars.get(self.at + 1).is_some_and(|c| *c != ']')
                {
                    self.at += 1;
                    let ClassItem::Char(high) = self.class_char()? else {
                        return Err(self.error("a range cannot end in a class escape"));
                    };
                    if high < low {
                        return Err(self.error("invalid character range"));
                    }
                    items.push(ClassItem::Range(low, high));
                    continue;
                }
                items.push(item);
            }
            return Ok(Node::Class(Class::Set { negated, items }));
        }
        self.simple()
    }

    fn class_char(&mut self) -> Result<ClassItem, PatternError> {
        let c = self.peek().ok_or_else(|| self.error("unexpected end"))?;
        self.at += 1;
        if c != '\\' {
            return Ok(ClassItem::Char(c));
        }
        let escaped = self.peek().ok_or_else(|| self.error("dangling `\\`"))?;
        self.at += 1;
        Ok(match escaped {
            'd' => ClassItem::Digit(false),
            'D' => ClassItem::Digit(true),
            's' => ClassItem::Space(false),
            'S' => ClassItem::Space(true),
            'w' => ClassItem::Word(false),
            'W' => ClassItem::Word(true),
            other => ClassItem::Char(other),
        })
    }

    fn simple(&mut self) -> Result<Node, PatternError> {
        let c = self.peek().ok_or_else(|| self.error("unexpected end"))?;
        match c {
            '.' => {
                self.at += 1;
                Ok(Node::Class(Class::Any))
            }
            '#' if self.flags.empty => {
                self.at += 1;
                Ok(Node::Nothing)
            }
            '@' if self.flags.any_string => {
                self.at += 1;
                Ok(Node::AnyString)
            }
            '"' => {
                self.at += 1;
                let mut items = Vec::new();
                loop {
                    match self.peek() {
                        None => return Err(self.error("unterminated quoted string")),
                        Some('"') => {
                            self.at += 1;
                            break;
                        }
                        Some(c) => {
                            self.at += 1;
                            items.push(Node::Class(Class::Char(c)));
                        }
                    }
                }
                Ok(Node::Concat(items))
            }
            '(' => {
                self.at += 1;
                if self.eat(')') {
                    return Ok(Node::Empty);
                }
                let inner = self.union()?;
                if !self.eat(')') {
                    return Err(self.error("expected `)`"));
                }
                Ok(inner)
            }
            '<' if self.flags.interval => {
                self.at += 1;
                let start = self.at;
                while self.peek().is_some_and(|c| c != '>') {
                    self.at += 1;
                }
                let body: String = self
                    .chars
                    .get(start..self.at)
                    .unwrap_or_default()
                    .iter()
                    .collect();
                if !self.eat('>') {
                    return Err(self.error("unterminated `<…>`"));
                }
                let (min, max) = body
                    .split_once('-')
                    .filter(|(min, max)| is_digits(min) && is_digits(max))
                    .ok_or_else(|| {
                        PatternError(format!("`<{body}>` is not a numeric interval <n-m>"))
                    })?;
                let digits = if min.len() == max.len() && min.len() > 1 {
                    min.len()
                } else {
                    0
                };
                let (min, max) = (trim_zeros(min).to_owned(), trim_zeros(max).to_owned());
                let (min, max) = if numeric_cmp(&min, &max).is_gt() {
                    (max, min)
                } else {
                    (min, max)
                };
                Ok(Node::Interval { min, max, digits })
            }
            ')' | '|' => Err(self.error("unexpected operator")),
            '*' | '+' | '?' | '{' => Err(self.error("repetition without anything to repeat")),
            '\\' => Ok(match self.class_char()? {
                ClassItem::Char(c) => Node::Class(Class::Char(c)),
                class => Node::Class(Class::Set {
                    negated: false,
                    items: vec![class],
                }),
            }),
            c => {
                self.at += 1;
                Ok(Node::Class(Class::Char(c)))
            }
        }
    }
}

fn is_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

fn trim_zeros(digits: &str) -> &str {
    let trimmed = digits.trim_start_matches('0');
    if trimmed.is_empty() { "0" } else { trimmed }
}

/// Compares two digit strings without leading zeros as numbers.
fn numeric_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// A set of positions in the input (0..=len), as a bit set.
#[derive(Clone, PartialEq)]
struct Positions {
    bits: Vec<u64>,
}

impl Positions {
    fn new(input_len: usize) -> Self {
        Self {
            bits: vec![0; input_len / 64 + 1],
        }
    }

    fn insert(&mut self, position: usize) {
        if let Some(word) = self.bits.get_mut(position / 64) {
            *word |= 1 << (position % 64);
        }
    }

    fn contains(&self, position: usize) -> bool {
        self.bits
            .get(position / 64)
            .is_some_and(|word| word & (1 << (position % 64)) != 0)
    }

    fn is_empty(&self) -> bool {
        self.bits.iter().all(|word| *word == 0)
    }

    /// The positions in the set, in order (skipping empty words).
    fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.bits.iter().enumerate().flat_map(|(index, &word)| {
            let mut rest = word;
            std::iter::from_fn(move || {
                (rest != 0).then(|| {
                    let bit = rest.trailing_zeros() as usize;
                    rest &= rest - 1;
                    index * 64 + bit
                })
            })
        })
    }

    fn union_with(&mut self, other: &Self) {
        for (a, b) in self.bits.iter_mut().zip(&other.bits) {
            *a |= b;
        }
    }

    fn intersect_with(&mut self, other: &Self) {
        for (a, b) in self.bits.iter_mut().zip(&other.bits) {
            *a &= b;
        }
    }

    /// Removes every position of `other`; returns whether anything is left.
    fn subtract(&mut self, other: &Self) -> bool {
        for (a, b) in self.bits.iter_mut().zip(&other.bits) {
            *a &= !b;
        }
        !self.is_empty()
    }
}

struct Matcher<'a> {
    input: &'a [char],
    case_insensitive: bool,
}

impl Matcher<'_> {
    fn empty(&self) -> Positions {
        Positions::new(self.input.len())
    }

    fn single(&self, position: usize) -> Positions {
        let mut set = self.empty();
        set.insert(position);
        set
    }

    /// The positions where `node` can end, having started at any of `starts`.
    fn step(&self, node: &Node, starts: &Positions) -> Positions {
        match node {
            Node::Empty => starts.clone(),
            Node::Nothing => self.empty(),
            Node::AnyString => {
                let mut ends = self.empty();
                if let Some(first) = starts.iter().next() {
                    (first..=self.input.len()).for_each(|position| ends.insert(position));
                }
                ends
            }
            Node::Class(class) => {
                let mut ends = self.empty();
                for start in starts.iter() {
                    if self
                        .input
                        .get(start)
                        .is_some_and(|c| class.contains(*c, self.case_insensitive))
                    {
                        ends.insert(start + 1);
                    }
                }
                ends
            }
            Node::Concat(items) => {
                let mut current = starts.clone();
                for item in items {
                    if current.is_empty() {
                        break;
                    }
                    current = self.step(item, &current);
                }
                current
            }
            Node::Union(branches) => {
                let mut ends = self.empty();
                for branch in branches {
                    ends.union_with(&self.step(branch, starts));
                }
                ends
            }
            Node::Intersection(left, right) => {
                let mut ends = self.empty();
                for start in starts.iter() {
                    let single = self.single(start);
                    let mut both = self.step(left, &single);
                    both.intersect_with(&self.step(right, &single));
                    ends.union_with(&both);
                }
                ends
            }
            Node::Complement(inner) => {
                let mut ends = self.empty();
                for start in starts.iter() {
                    let mut all = self.empty();
                    (start..=self.input.len()).for_each(|position| all.insert(position));
                    all.subtract(&self.step(inner, &self.single(start)));
                    ends.union_with(&all);
                }
                ends
            }
            Node::Repeat { node, min, max } => {
                let mut current = starts.clone();
                for _ in 0..*min {
                    current = self.step(node, &current);
                    if current.is_empty() {
                        return current;
                    }
                }
                let mut reached = current.clone();
                let mut frontier = current;
                let mut extra = 0u32;
                while max.is_none_or(|max| extra < max - min) {
                    let mut next = self.step(node, &frontier);
                    if !next.subtract(&reached) {
                        break;
                    }
                    reached.union_with(&next);
                    frontier = next;
                    extra += 1;
                }
                reached
            }
            Node::Interval { min, max, digits } => {
                let mut ends = self.empty();
                for start in starts.iter() {
                    let rest = self.input.get(start..).unwrap_or_default();
                    let run = rest.iter().take_while(|c| c.is_ascii_digit()).count();
                    for length in 1..=run {
                        if *digits > 0 && length != *digits {
                            continue;
                        }
                        let text: String = rest.get(..length).unwrap_or_default().iter().collect();
                        let value = trim_zeros(&text);
                        if numeric_cmp(value, min).is_ge() && numeric_cmp(value, max).is_le() {
                            ends.insert(start + length);
                        }
                    }
                }
                ends
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, value: &str) -> bool {
        Pattern::regexp(pattern, None)
            .unwrap()
            .matches(value, false)
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
        let literal = Pattern::regexp("a@b", Some("NONE")).unwrap();
        assert!(literal.matches("a@b", false) && !literal.matches("axxb", false));
        let only_interval = Pattern::regexp("x<1-3>&y", Some("INTERVAL")).unwrap();
        assert!(only_interval.matches("x2&y", false));
        assert!(Pattern::regexp("a", Some("BOGUS")).is_err());
    }

    #[test]
    fn case_insensitive() {
        let pattern = Pattern::regexp("snow[a-z]+", None).unwrap();
        assert!(pattern.matches("SnowFlake", true) && !pattern.matches("SnowFlake", false));
    }

    #[test]
    fn errors() {
        for bad in ["(ab", "[ab", "a{2", "*a", "a{3,1}", "\"ab", "<1-x>", "a)"] {
            assert!(Pattern::regexp(bad, None).is_err(), "{bad}");
        }
    }

    #[test]
    fn wildcards() {
        let pattern = Pattern::wildcard("atlan-*-1714?38976");
        assert!(pattern.matches("atlan-snowflake-miner-1714638976", false));
        assert!(!pattern.matches("atlan-snowflake-1714638976-x", false));
        assert!(
            Pattern::wildcard(r"a\*b").matches("a*b", false)
                && !Pattern::wildcard(r"a\*b").matches("axb", false)
        );
    }

    #[test]
    fn long_values_and_big_repeats_stay_fast() {
        let value = "a".repeat(5_000);
        assert!(matches("a*", &value) && matches("(a|aa)*", &value) && !matches("a*b", &value));
        assert!(matches("a{1000,}", &value));
    }
}
