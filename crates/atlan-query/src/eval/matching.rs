//! Queries compiled for evaluation, and whether a document matches one.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde_json::Value;

use super::fields::{Field, FieldValue, Scope};
use super::regexp::{MAX_DETERMINIZED_STATES, MAX_REGEX_LENGTH, Pattern, PatternError};
use super::{EvalError, EvalOptions};
use crate::datemath::{DateMath, Rounding, parse_date, parse_time_zone};
use crate::query::{BoolQuery, MinimumShouldMatch, Query, RangeQuery};

/// The evaluator's error for a pattern that cannot be used, in Elasticsearch's words.
fn pattern_error(error: PatternError, pattern: &str) -> EvalError {
    match error {
        PatternError::Syntax(reason) => EvalError::InvalidRegexp {
            pattern: pattern.chars().take(MAX_REGEX_LENGTH).collect(),
            reason,
        },
        PatternError::TooLong { length } => EvalError::RegexpTooLong {
            length,
            max: MAX_REGEX_LENGTH,
        },
        PatternError::TooComplex {
            states,
            transitions,
        } => EvalError::TooComplexToDeterminize {
            states,
            transitions,
            max: MAX_DETERMINIZED_STATES,
        },
        PatternError::TooExpensive { steps } => EvalError::RegexpTooExpensive { steps },
    }
}

/// A query ready to test documents: field names read, patterns compiled, date math resolved.
#[derive(Debug, Clone)]
pub(crate) enum Matcher {
    All,
    Term {
        field: Field,
        value: TermValue,
        case_insensitive: bool,
    },
    Terms {
        field: Field,
        values: Vec<TermValue>,
    },
    Prefix {
        field: Field,
        prefix: String,
        case_insensitive: bool,
    },
    Pattern {
        field: Field,
        pattern: Pattern,
    },
    Range {
        field: Field,
        bounds: Vec<(Bound, std::cmp::Ordering, bool)>,
    },
    Exists {
        field: Field,
    },
    Nested {
        path: String,
        target: Field,
        inner: Box<Matcher>,
    },
    Bool {
        required: Vec<Matcher>,
        excluded: Vec<Matcher>,
        optional: Vec<Matcher>,
        minimum: usize,
    },
}

/// A range bound in every form it can be compared in.
#[derive(Debug, Clone)]
pub(crate) struct Bound {
    number: Option<f64>,
    date: Option<Timestamp>,
    text: String,
}

impl Matcher {
    /// Compiles `query` at `now`.
    pub(crate) fn compile(query: &Query, options: &EvalOptions) -> Result<Self, EvalError> {
        let field = |name: &str| Field::mapped(name, options.keyword_by_default);
        Ok(match query {
            Query::MatchAll(_) => Self::All,
            Query::Term(term) => Self::Term {
                field: field(&term.field),
                value: TermValue::new(&term.value),
                case_insensitive: term.case_insensitive.unwrap_or(false),
            },
            Query::Terms(terms) => Self::Terms {
                field: field(&terms.field),
                values: terms.values.iter().map(TermValue::new).collect(),
            },
            Query::Prefix(prefix) => Self::Prefix {
                field: field(&prefix.field),
                prefix: prefix.value.clone(),
                case_insensitive: prefix.case_insensitive.unwrap_or(false),
            },
            Query::Wildcard(wildcard) => Self::Pattern {
                field: field(&wildcard.field),
                pattern: Pattern::wildcard(
                    &wildcard.value,
                    wildcard.case_insensitive.unwrap_or(false),
                )
                .map_err(|error| pattern_error(error, &wildcard.value))?,
            },
            Query::Regexp(regexp) => Self::Pattern {
                field: field(&regexp.field),
                pattern: Pattern::regexp(
                    &regexp.value,
                    regexp.flags.as_deref(),
                    regexp.case_insensitive.unwrap_or(false),
                )
                .map_err(|error| pattern_error(error, &regexp.value))?,
            },
            Query::Range(range) => compile_range(range, options)?,
            Query::Exists(exists) => Self::Exists {
                field: field(&exists.field),
            },
            Query::Nested(nested) => Self::Nested {
                path: nested.path.clone(),
                target: field(&nested.path),
                inner: Box::new(Self::compile(&nested.query, options)?),
            },
            Query::Bool(boolean) => compile_bool(boolean, options)?,
        })
    }

    /// A rough cost of testing one document, to test cheap clauses first.
    fn cost(&self) -> usize {
        match self {
            Self::All => 0,
            Self::Term { field, .. }
            | Self::Exists { field }
            | Self::Range { field, .. }
            | Self::Prefix { field, .. } => field.cost(),
            Self::Terms { field, values } => field.cost() + values.len() / 4,
            Self::Pattern { field, .. } => field.cost() + 8,
            Self::Nested { target, inner, .. } => target.cost() + inner.cost() + 2,
            Self::Bool {
                required,
                excluded,
                optional,
                ..
            } => {
                required
                    .iter()
                    .chain(excluded)
                    .chain(optional)
                    .map(Self::cost)
                    .sum::<usize>()
                    + 1
            }
        }
    }

    /// Whether the document (or nested object) in `scope` matches.
    pub(crate) fn matches(&self, scope: &Scope<'_>) -> bool {
        match self {
            Self::All => true,
            Self::Term {
                field,
                value,
                case_insensitive,
            } => any_value(scope, field, |found| {
                term_matches(field, found, value, *case_insensitive)
            }),
            Self::Terms { field, values } => any_value(scope, field, |found| {
                values
                    .iter()
                    .any(|value| term_matches(field, found, value, false))
            }),
            Self::Prefix {
                field,
                prefix,
                case_insensitive,
            } => any_term(scope, field, |term| {
                if *case_insensitive {
                    term.to_lowercase().starts_with(&prefix.to_lowercase())
                } else {
                    term.starts_with(prefix.as_str())
                }
            }),
            Self::Pattern { field, pattern } => {
                any_term(scope, field, |term| pattern.matches(term))
            }
            Self::Range { field, bounds } => {
                any_value(scope, field, |found| range_matches(found, bounds))
            }
            Self::Exists { field } => any_value(scope, field, |found| match found.plain() {
                FieldValue::Json(value) | FieldValue::Date(value, _) => {
                    !value.is_null() && value.as_object().is_none_or(|map| !map.is_empty())
                }
                FieldValue::Id(_) => true,
            }),
            Self::Nested {
                path,
                target,
                inner,
            } => scope.any_nested(path, target, &mut |nested| inner.matches(nested)),
            Self::Bool {
                required,
                excluded,
                optional,
                minimum,
            } => {
                required.iter().all(|clause| clause.matches(scope))
                    && !excluded.iter().any(|clause| clause.matches(scope))
                    && (*minimum == 0
                        || optional
                            .iter()
                            .filter(|clause| clause.matches(scope))
                            .take(*minimum)
                            .count()
                            >= *minimum)
            }
        }
    }
}

fn compile_bool(boolean: &BoolQuery, options: &EvalOptions) -> Result<Matcher, EvalError> {
    let compile_all = |clauses: &[Query]| {
        clauses
            .iter()
            .map(|clause| Matcher::compile(clause, options))
            .collect::<Result<Vec<_>, _>>()
    };
    let mut required = compile_all(&boolean.must)?;
    required.extend(compile_all(&boolean.filter)?);
    let optional = compile_all(&boolean.should)?;
    let minimum = match &boolean.minimum_should_match {
        None if required.is_empty() && !optional.is_empty() => 1,
        None => 0,
        Some(spec) => minimum_should_match(spec, optional.len())?,
    };
    let mut excluded = compile_all(&boolean.must_not)?;
    let mut optional = optional;
    // Cheapest clauses first: `all` and `any` stop at the first answer, and the order of a
    // conjunction or disjunction does not change its result.
    for clauses in [&mut required, &mut excluded, &mut optional] {
        clauses.sort_by_key(Matcher::cost);
    }
    Ok(Matcher::Bool {
        required,
        excluded,
        optional,
        minimum,
    })
}

/// Elasticsearch's `minimum_should_match` for `clauses` should clauses: a count, a negative count
/// (all but), a percentage or a negative percentage (rounded down), clamped to `0..=clauses`.
fn minimum_should_match(spec: &MinimumShouldMatch, clauses: usize) -> Result<usize, EvalError> {
    let clauses_i = i64::try_from(clauses).unwrap_or(i64::MAX);
    let count = match spec {
        MinimumShouldMatch::Count(count) => *count,
        MinimumShouldMatch::Text(text) => {
            let text = text.trim();
            let unsupported = || EvalError::Unsupported {
                what: format!("minimum_should_match `{text}`"),
            };
            if let Some(percent) = text.strip_suffix('%') {
                let percent: i64 = percent.trim().parse().map_err(|_| unsupported())?;
                let share = clauses_i.saturating_mul(percent.abs()) / 100;
                if percent < 0 { -share } else { share }
            } else {
                text.parse().map_err(|_| unsupported())?
            }
        }
    };
    let count = if count < 0 { clauses_i + count } else { count };
    Ok(usize::try_from(count.max(0)).unwrap_or(usize::MAX))
}

fn compile_range(range: &RangeQuery, options: &EvalOptions) -> Result<Matcher, EvalError> {
    let now = options.now;
    if let Some(format) = &range.format {
        let supported = format.split("||").all(|part| {
            matches!(
                part,
                "strict_date_optional_time"
                    | "date_optional_time"
                    | "epoch_millis"
                    | "strict_date_time"
                    | "date_time"
                    | "date"
            )
        });
        if !supported {
            return Err(EvalError::Unsupported {
                what: format!("date format `{format}`"),
            });
        }
    }
    let zone = match &range.time_zone {
        Some(zone) => parse_time_zone(zone).map_err(|error| EvalError::InvalidDate {
            reason: error.to_string(),
        })?,
        None => TimeZone::UTC,
    };
    use std::cmp::Ordering::{Greater, Less};
    let mut bounds = Vec::new();
    for (bound, ordering, inclusive, rounding) in [
        (&range.gt, Greater, false, Rounding::Up),
        (&range.gte, Greater, true, Rounding::Down),
        (&range.lt, Less, false, Rounding::Down),
        (&range.lte, Less, true, Rounding::Up),
    ] {
        if let Some(bound) = bound {
            bounds.push((
                compile_bound(bound, now, &zone, rounding)?,
                ordering,
                inclusive,
            ));
        }
    }
    Ok(Matcher::Range {
        field: Field::mapped(&range.field, options.keyword_by_default),
        bounds,
    })
}

fn compile_bound(
    bound: &Value,
    now: Timestamp,
    zone: &TimeZone,
    rounding: Rounding,
) -> Result<Bound, EvalError> {
    Ok(match bound {
        Value::Number(number) => Bound {
            number: number.as_f64(),
            date: number
                .as_i64()
                .and_then(|millis| Timestamp::from_millisecond(millis).ok()),
            text: number.to_string(),
        },
        Value::String(text) => {
            let date = match DateMath::parse(text) {
                Ok(math) => Some(math.resolve(now, zone, rounding).map_err(|error| {
                    EvalError::InvalidDate {
                        reason: error.to_string(),
                    }
                })?),
                Err(_) => None,
            };
            Bound {
                number: text.parse().ok(),
                date,
                text: text.clone(),
            }
        }
        Value::Bool(flag) => Bound {
            number: None,
            date: None,
            text: flag.to_string(),
        },
        other => {
            return Err(EvalError::InvalidDate {
                reason: format!("a range bound cannot be {other}"),
            });
        }
    })
}

fn any_value<'a>(
    scope: &Scope<'a>,
    field: &Field,
    mut test: impl FnMut(FieldValue<'a>) -> bool,
) -> bool {
    scope.any_value(field, &mut test)
}

/// Tests the indexed terms of a field: the whole string for keyword fields and `_id`, the analyzed
/// tokens for text fields.
fn any_term(scope: &Scope<'_>, field: &Field, mut test: impl FnMut(&str) -> bool) -> bool {
    any_value(scope, field, |value| match value.plain() {
        FieldValue::Id(id) => test(id),
        FieldValue::Json(Value::String(text)) if field.keyword => test(text),
        FieldValue::Json(Value::String(text)) => tokens(text).any(|token| test(&token)),
        FieldValue::Json(_) | FieldValue::Date(..) => false,
    })
}

/// The standard analyzer, approximately: runs of letters and digits, lowercased.
fn tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|token| !token.is_empty())
        .map(str::to_lowercase)
}

/// A `term` value in every form a field value is compared with, computed once per search.
#[derive(Debug, Clone)]
pub(crate) struct TermValue {
    json: Value,
    /// As compared with keyword fields and `_id` (numbers and booleans as written).
    text: Option<String>,
    /// Lowercased, for case-insensitive and text-field comparisons.
    lower: Option<String>,
    /// As a date, when it is one.
    date: Option<Timestamp>,
    /// As a number, when it is one (or a string holding one).
    number: Option<f64>,
}

impl TermValue {
    fn new(value: &Value) -> Self {
        let text = match value {
            Value::String(text) => Some(text.clone()),
            Value::Number(number) => Some(number.to_string()),
            Value::Bool(flag) => Some(flag.to_string()),
            _ => None,
        };
        Self {
            json: value.clone(),
            lower: text.as_deref().map(str::to_lowercase),
            date: value.as_str().and_then(parse_date),
            number: match value {
                Value::Number(number) => number.as_f64(),
                Value::String(text) => text.parse().ok(),
                _ => None,
            },
            text,
        }
    }

    fn text_eq(&self, found: &str, case_insensitive: bool) -> bool {
        match (case_insensitive, &self.text, &self.lower) {
            (false, Some(text), _) => found == text,
            (true, _, Some(lower)) => found.to_lowercase() == *lower,
            _ => false,
        }
    }
}

fn term_matches(
    field: &Field,
    found: FieldValue<'_>,
    wanted: &TermValue,
    case_insensitive: bool,
) -> bool {
    if let FieldValue::Date(_, date) = found
        && !field.keyword
        && let Some(wanted_date) = wanted.date
    {
        return date == wanted_date;
    }
    match found.plain() {
        FieldValue::Id(id) => wanted.text_eq(id, case_insensitive),
        FieldValue::Json(Value::String(text)) if field.keyword => {
            wanted.text_eq(text, case_insensitive)
        }
        FieldValue::Json(Value::String(text)) => {
            if let Some(wanted_date) = wanted.date
                && let Some(date) = parse_date(text)
            {
                return date == wanted_date;
            }
            let token = if case_insensitive {
                wanted.lower.as_deref()
            } else {
                wanted.text.as_deref()
            };
            token.is_some_and(|wanted| tokens(text).any(|token| token == wanted))
        }
        FieldValue::Json(Value::Number(number)) => match &wanted.json {
            Value::Number(_) | Value::String(_) => {
                wanted.number.is_some() && number.as_f64() == wanted.number
            }
            _ => false,
        },
        FieldValue::Json(Value::Bool(flag)) => match &wanted.json {
            Value::Bool(wanted) => flag == wanted,
            Value::String(text) => text == if *flag { "true" } else { "false" },
            _ => false,
        },
        FieldValue::Json(_) | FieldValue::Date(..) => false,
    }
}

fn range_matches(found: FieldValue<'_>, bounds: &[(Bound, std::cmp::Ordering, bool)]) -> bool {
    let satisfies =
        |ordering: Option<std::cmp::Ordering>, wanted: std::cmp::Ordering, inclusive: bool| {
            ordering.is_some_and(|ordering| ordering == wanted || (inclusive && ordering.is_eq()))
        };
    let dated = |date: Timestamp| {
        bounds.iter().all(|(bound, wanted, inclusive)| {
            satisfies(
                bound.date.map(|limit| date.cmp(&limit)),
                *wanted,
                *inclusive,
            )
        })
    };
    match found {
        FieldValue::Date(_, date) => dated(date),
        FieldValue::Json(Value::Number(number)) => {
            let Some(value) = number.as_f64() else {
                return false;
            };
            bounds.iter().all(|(bound, wanted, inclusive)| {
                let limit = bound
                    .number
                    .or_else(|| bound.date.map(|date| date.as_millisecond() as f64));
                satisfies(
                    limit.and_then(|limit| value.partial_cmp(&limit)),
                    *wanted,
                    *inclusive,
                )
            })
        }
        FieldValue::Json(Value::String(text)) => match parse_date(text) {
            Some(date) => dated(date),
            None => bounds.iter().all(|(bound, wanted, inclusive)| {
                satisfies(
                    Some(text.as_str().cmp(bound.text.as_str())),
                    *wanted,
                    *inclusive,
                )
            }),
        },
        FieldValue::Id(id) => bounds.iter().all(|(bound, wanted, inclusive)| {
            satisfies(Some(id.cmp(bound.text.as_str())), *wanted, *inclusive)
        }),
        FieldValue::Json(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimum_should_match_forms() {
        let count =
            |spec: MinimumShouldMatch, clauses| minimum_should_match(&spec, clauses).unwrap();
        assert_eq!(count(MinimumShouldMatch::Count(2), 3), 2);
        assert_eq!(count(MinimumShouldMatch::Count(-1), 3), 2);
        assert_eq!(count(MinimumShouldMatch::Count(-5), 3), 0);
        assert_eq!(count(MinimumShouldMatch::Text("75%".into()), 3), 2);
        assert_eq!(count(MinimumShouldMatch::Text("-25%".into()), 4), 3);
        assert_eq!(count(MinimumShouldMatch::Text("2".into()), 4), 2);
        assert!(minimum_should_match(&MinimumShouldMatch::Text("3<90%".into()), 4).is_err());
    }

    #[test]
    fn text_fields_match_tokens_and_keyword_fields_whole_values() {
        assert_eq!(
            tokens("main: Error (exit code 1)").collect::<Vec<_>>(),
            ["main", "error", "exit", "code", "1"]
        );
        let text = Field::new("status.message");
        let keyword = Field::new("status.message.keyword");
        let value = Value::from("main: Error (exit code 1)");
        let check = |field: &Field, wanted: &str, case_insensitive: bool| {
            term_matches(
                field,
                FieldValue::Json(&value),
                &TermValue::new(&Value::from(wanted)),
                case_insensitive,
            )
        };
        assert!(check(&text, "error", false));
        assert!(!check(&text, "Error", false));
        assert!(check(&text, "Error", true));
        assert!(!check(&keyword, "error", false));
        assert!(check(&keyword, "main: Error (exit code 1)", false));
        assert!(check(&keyword, "MAIN: error (EXIT code 1)", true));
    }
}
