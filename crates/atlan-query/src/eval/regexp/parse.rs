//! Lucene's regular-expression syntax (and Elasticsearch's wildcard syntax) parsed into a tree.
//!
//! The parser recurses only into parentheses, and at most [`MAX_NESTING`] deep; a tree deeper than
//! [`MAX_DEPTH`] (long chains of `?`, `*`, `+`) is refused as well, so that neither parsing nor
//! compiling can exhaust the stack whatever the pattern.

use super::PatternError;
use super::ranges::{self, Ranges};

/// The deepest parentheses may nest.
pub(super) const MAX_NESTING: usize = 100;
/// The deepest the tree may be (nesting plus repetition operators applied to one another).
pub(super) const MAX_DEPTH: usize = 200;
/// The largest bound of a `<min-max>` interval (Lucene reads them as Java `int`s).
const MAX_INTERVAL: u64 = i32::MAX as u64;

/// A parsed pattern.
#[derive(Debug, Clone)]
pub(super) enum Node {
    /// The empty string.
    Empty,
    /// No string at all (`#`).
    Nothing,
    /// Any string (`@`, or a wildcard's `*`).
    AnyString,
    /// One character of a set of code point ranges.
    Class(Ranges),
    Concat(Vec<Node>),
    Union(Vec<Node>),
    Intersection(Vec<Node>),
    Complement(Box<Node>),
    Repeat {
        node: Box<Node>,
        min: u32,
        max: Option<u32>,
    },
}

impl Node {
    fn char(c: char) -> Self {
        Self::Class(ranges::single(c))
    }

    /// How deep the tree is, measured without recursion.
    fn depth(&self) -> usize {
        let mut deepest = 0;
        let mut stack = vec![(self, 1)];
        while let Some((node, depth)) = stack.pop() {
            deepest = deepest.max(depth);
            match node {
                Self::Concat(items) | Self::Union(items) | Self::Intersection(items) => {
                    stack.extend(items.iter().map(|item| (item, depth + 1)));
                }
                Self::Complement(inner) | Self::Repeat { node: inner, .. } => {
                    stack.push((inner, depth + 1));
                }
                Self::Empty | Self::Nothing | Self::AnyString | Self::Class(_) => {}
            }
        }
        deepest
    }
}

/// Which optional operators are on (Lucene's `RegExp` flags).
#[derive(Debug, Clone, Copy)]
pub(super) struct Flags {
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
    pub(super) fn parse(text: Option<&str>) -> Result<Self, PatternError> {
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
                other => {
                    return Err(PatternError::Syntax(format!(
                        "unknown regexp flag [{other}]"
                    )));
                }
            }
        }
        Ok(flags)
    }
}

/// Parses a Lucene regular expression.
pub(super) fn regexp(pattern: &str, flags: Flags) -> Result<Node, PatternError> {
    let mut parser = Parser {
        chars: pattern.chars().collect(),
        at: 0,
        flags,
        nesting: 0,
    };
    let root = parser.union()?;
    if parser.at < parser.chars.len() {
        return Err(parser.error("unexpected character"));
    }
    if root.depth() > MAX_DEPTH {
        return Err(PatternError::Syntax(format!(
            "the expression nests more than {MAX_DEPTH} operators deep"
        )));
    }
    Ok(root)
}

/// Parses a wildcard pattern: `*` any run of characters, `?` one, `\` escapes.
pub(super) fn wildcard(pattern: &str) -> Node {
    let mut items = Vec::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        items.push(match c {
            '*' => Node::AnyString,
            '?' => Node::Class(ranges::any()),
            '\\' => Node::char(chars.next().unwrap_or('\\')),
            c => Node::char(c),
        });
    }
    Node::Concat(items)
}

struct Parser {
    chars: Vec<char>,
    at: usize,
    flags: Flags,
    /// How many parentheses are open.
    nesting: usize,
}

impl Parser {
    fn error(&self, what: &str) -> PatternError {
        PatternError::Syntax(format!("{what} at position {}", self.at))
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
        Ok(single_or(branches, Node::Union))
    }

    fn intersection(&mut self) -> Result<Node, PatternError> {
        let mut parts = vec![self.concat()?];
        while self.flags.intersection && self.eat('&') {
            parts.push(self.concat()?);
        }
        Ok(single_or(parts, Node::Intersection))
    }

    fn concat(&mut self) -> Result<Node, PatternError> {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' || (c == '&' && self.flags.intersection) {
                break;
            }
            items.push(self.repeat()?);
        }
        Ok(single_or(items, Node::Concat))
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
                    if self.peek() != Some('}') {
                        return Err(self.error("expected `}`"));
                    }
                    if max.is_some_and(|max| max < min) {
                        return Err(self.error("repetition maximum is below its minimum"));
                    }
                    (min, max)
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
        let digits = self.digits();
        if digits.is_empty() {
            return Ok(None);
        }
        digits
            .parse()
            .map(Some)
            .map_err(|_| self.error("repetition count too large"))
    }

    fn digits(&mut self) -> String {
        let start = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.at += 1;
        }
        self.chars
            .get(start..self.at)
            .unwrap_or_default()
            .iter()
            .collect()
    }

    /// `~` applies to what follows it; `~~x` is `x`, so a run of them is read without recursion.
    fn complement(&mut self) -> Result<Node, PatternError> {
        let mut count = 0usize;
        while self.flags.complement && self.eat('~') {
            count += 1;
        }
        let node = self.class_or_simple()?;
        Ok(if count % 2 == 1 {
            Node::Complement(Box::new(node))
        } else {
            node
        })
    }

    fn class_or_simple(&mut self) -> Result<Node, PatternError> {
        if !self.eat('[') {
            return self.simple();
        }
        let negated = self.eat('^');
        let mut set = Vec::new();
        let mut first = true;
        loop {
            match self.peek() {
                None => return Err(self.error("unterminated character class")),
                Some(']') if !first => {
                    self.at += 1;
                    break;
                }
                _ => {}
            }
            first = false;
            let item = self.class_char()?;
            if let ClassChar::Char(low) = item
                && self.peek() == Some('-')
                && self.chars.get(self.at + 1).is_some_and(|c| *c != ']')
            {
                self.at += 1;
                let ClassChar::Char(high) = self.class_char()? else {
                    return Err(self.error("a range cannot end in a class escape"));
                };
                if high < low {
                    return Err(self.error("invalid character range"));
                }
                set.push((u32::from(low), u32::from(high)));
                continue;
            }
            set.extend(item.ranges());
        }
        let set = ranges::normalize(set);
        Ok(Node::Class(if negated {
            ranges::negate(&set)
        } else {
            set
        }))
    }

    fn class_char(&mut self) -> Result<ClassChar, PatternError> {
        let c = self.peek().ok_or_else(|| self.error("unexpected end"))?;
        self.at += 1;
        if c != '\\' {
            return Ok(ClassChar::Char(c));
        }
        let escaped = self.peek().ok_or_else(|| self.error("dangling `\\`"))?;
        self.at += 1;
        Ok(match escaped {
            'd' => ClassChar::Shorthand(ranges::digit(), false),
            'D' => ClassChar::Shorthand(ranges::digit(), true),
            's' => ClassChar::Shorthand(ranges::space(), false),
            'S' => ClassChar::Shorthand(ranges::space(), true),
            'w' => ClassChar::Shorthand(ranges::word(), false),
            'W' => ClassChar::Shorthand(ranges::word(), true),
            other => ClassChar::Char(other),
        })
    }

    fn simple(&mut self) -> Result<Node, PatternError> {
        let c = self.peek().ok_or_else(|| self.error("unexpected end"))?;
        match c {
            '.' => {
                self.at += 1;
                Ok(Node::Class(ranges::any()))
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
                            items.push(Node::char(c));
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
                if self.nesting >= MAX_NESTING {
                    return Err(
                        self.error(&format!("parentheses nest more than {MAX_NESTING} deep"))
                    );
                }
                self.nesting += 1;
                let inner = self.union();
                self.nesting -= 1;
                let inner = inner?;
                if !self.eat(')') {
                    return Err(self.error("expected `)`"));
                }
                Ok(inner)
            }
            '<' if self.flags.interval => self.interval(),
            ')' | '|' => Err(self.error("unexpected operator")),
            '*' | '+' | '?' | '{' => Err(self.error("repetition without anything to repeat")),
            '\\' => Ok(match self.class_char()? {
                ClassChar::Char(c) => Node::char(c),
                shorthand => Node::Class(ranges::normalize(shorthand.ranges())),
            }),
            c => {
                self.at += 1;
                Ok(Node::char(c))
            }
        }
    }

    /// `<min-max>`: a decimal number in the range. When both bounds have the same number of digits
    /// (more than one), the value must have exactly that many (zero padded); otherwise any number of
    /// leading zeros is allowed.
    fn interval(&mut self) -> Result<Node, PatternError> {
        self.at += 1;
        let min = self.digits();
        let dash = self.eat('-');
        let max = self.digits();
        if !dash || min.is_empty() || max.is_empty() || !self.eat('>') {
            return Err(self.error("expected a numeric interval <n-m>"));
        }
        let parse = |text: &str| {
            text.parse::<u64>()
                .ok()
                .filter(|value| *value <= MAX_INTERVAL)
                .ok_or_else(|| self.error("interval bound too large"))
        };
        let width = if min.len() == max.len() && min.len() > 1 {
            min.len()
        } else {
            0
        };
        let (low, high) = (parse(&min)?, parse(&max)?);
        let (low, high) = (low.min(high), low.max(high));
        Ok(decimal_interval(low, high, width))
    }
}

/// A character of a class: a character, or a shorthand such as `\d` (negated for `\D`).
enum ClassChar {
    Char(char),
    Shorthand(Ranges, bool),
}

impl ClassChar {
    fn ranges(self) -> Ranges {
        match self {
            Self::Char(c) => ranges::single(c),
            Self::Shorthand(set, false) => set,
            Self::Shorthand(set, true) => ranges::negate(&set),
        }
    }
}

fn single_or(mut items: Vec<Node>, many: fn(Vec<Node>) -> Node) -> Node {
    if items.len() == 1 {
        items.pop().unwrap_or(Node::Empty)
    } else {
        many(items)
    }
}

/// The decimal numbers from `low` to `high`: exactly `width` digits when `width > 0`, else with
/// any number of leading zeros.
fn decimal_interval(low: u64, high: u64, width: usize) -> Node {
    if width > 0 {
        let pad = |value: u64| format!("{value:0width$}").into_bytes();
        return digit_range(&pad(low), &pad(high));
    }
    let (low_text, high_text) = (low.to_string(), high.to_string());
    let mut lengths = Vec::new();
    for length in low_text.len()..=high_text.len() {
        let from = if length == low_text.len() {
            low_text.clone().into_bytes()
        } else {
            format!("1{}", "0".repeat(length - 1)).into_bytes()
        };
        let to = if length == high_text.len() {
            high_text.clone().into_bytes()
        } else {
            vec![b'9'; length]
        };
        lengths.push(digit_range(&from, &to));
    }
    Node::Concat(vec![
        Node::Repeat {
            node: Box::new(Node::char('0')),
            min: 0,
            max: None,
        },
        single_or(lengths, Node::Union),
    ])
}

/// The digit strings of one length from `low` to `high` (at most ten digits: the recursion is
/// shallow).
fn digit_range(low: &[u8], high: &[u8]) -> Node {
    let (Some((&first_low, rest_low)), Some((&first_high, rest_high))) =
        (low.split_first(), high.split_first())
    else {
        return Node::Empty;
    };
    let digit = |from: u8, to: u8| Node::Class(vec![(u32::from(from), u32::from(to))]);
    let any_digits = |count: usize| Node::Repeat {
        node: Box::new(digit(b'0', b'9')),
        min: u32::try_from(count).unwrap_or(u32::MAX),
        max: Some(u32::try_from(count).unwrap_or(u32::MAX)),
    };
    if low.iter().all(|d| *d == b'0') && high.iter().all(|d| *d == b'9') {
        return any_digits(low.len());
    }
    if first_low == first_high {
        return Node::Concat(vec![
            digit(first_low, first_low),
            digit_range(rest_low, rest_high),
        ]);
    }
    let nines = vec![b'9'; rest_low.len()];
    let zeros = vec![b'0'; rest_high.len()];
    let mut branches = vec![Node::Concat(vec![
        digit(first_low, first_low),
        digit_range(rest_low, &nines),
    ])];
    if first_high - first_low > 1 {
        branches.push(Node::Concat(vec![
            digit(first_low + 1, first_high - 1),
            any_digits(rest_low.len()),
        ]));
    }
    branches.push(Node::Concat(vec![
        digit(first_high, first_high),
        digit_range(&zeros, rest_high),
    ]));
    Node::Union(branches)
}
