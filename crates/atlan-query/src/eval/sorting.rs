//! Sort keys: one comparable value per sort, with Elasticsearch's rules for multi-valued fields
//! (ascending takes the smallest value, descending the largest) and missing values (last, unless
//! `missing` says `_first` or gives a value).

use std::cmp::Ordering;

use serde_json::Value;

use super::fields::{Field, FieldValue, Scope};
use crate::datemath::parse_date;
use crate::search::{Sort, SortOrder};

/// A sort, ready to compute keys.
#[derive(Debug, Clone)]
pub(crate) struct SortSpec {
    kind: SortKind,
    order: SortOrder,
    missing_first: bool,
    missing_value: Option<Key>,
}

#[derive(Debug, Clone)]
enum SortKind {
    Field {
        field: Field,
        /// The nested path, and the same as a field to find its objects.
        nested: Option<(String, Field)>,
    },
    /// `_doc` and `_score`: every document scores the same here, so index order.
    IndexOrder,
}

/// One sort value of a document.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Key {
    Missing,
    Number(f64),
    /// Epoch milliseconds of a date (what Elasticsearch returns as a date's sort value).
    Date(i64),
    Text(String),
    Bool(bool),
}

impl Key {
    fn of(value: FieldValue<'_>) -> Option<Self> {
        Some(match value {
            FieldValue::Id(id) => Self::Text(id.to_owned()),
            FieldValue::Date(_, date) => Self::Date(date.as_millisecond()),
            FieldValue::Json(Value::Number(number)) => Self::Number(number.as_f64()?),
            FieldValue::Json(Value::String(text)) => match parse_date(text) {
                Some(date) => Self::Date(date.as_millisecond()),
                None => Self::Text(text.clone()),
            },
            FieldValue::Json(Value::Bool(flag)) => Self::Bool(*flag),
            FieldValue::Json(_) => return None,
        })
    }

    /// The value reported in a hit's `sort` array.
    pub(crate) fn to_json(&self) -> Value {
        match self {
            Self::Missing => Value::Null,
            Self::Number(number) => Value::from(*number),
            Self::Date(millis) => Value::from(*millis),
            Self::Text(text) => Value::from(text.as_str()),
            Self::Bool(flag) => Value::from(*flag),
        }
    }

    fn rank(&self) -> u8 {
        match self {
            Self::Number(_) | Self::Date(_) => 0,
            Self::Text(_) => 1,
            Self::Bool(_) => 2,
            Self::Missing => 3,
        }
    }

    fn as_number(&self) -> Option<f64> {
        match self {
            Self::Number(number) => Some(*number),
            Self::Date(millis) => Some(*millis as f64),
            _ => None,
        }
    }

    /// Total order between present values.
    fn compare(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Self::Date(a), Self::Date(b)) => a.cmp(b),
            (Self::Text(a), Self::Text(b)) => a.cmp(b),
            (Self::Bool(a), Self::Bool(b)) => a.cmp(b),
            _ => match (self.as_number(), other.as_number()) {
                (Some(a), Some(b)) => a.total_cmp(&b),
                _ => self.rank().cmp(&other.rank()),
            },
        }
    }
}

impl SortSpec {
    pub(crate) fn new(sort: &Sort) -> Self {
        let kind = match sort.field.as_str() {
            "_doc" | "_score" => SortKind::IndexOrder,
            field => SortKind::Field {
                field: Field::new(field),
                nested: sort
                    .nested_path
                    .as_ref()
                    .map(|path| (path.clone(), Field::new(path))),
            },
        };
        let (missing_first, missing_value) = match &sort.missing {
            Some(Value::String(text)) if text == "_first" => (true, None),
            None => (false, None),
            Some(Value::String(text)) if text == "_last" => (false, None),
            Some(value) => (false, Key::of(FieldValue::Json(value))),
        };
        Self {
            kind,
            order: sort.effective_order(),
            missing_first,
            missing_value,
        }
    }

    /// The key of a document.
    pub(crate) fn key(&self, scope: &Scope<'_>) -> Key {
        let SortKind::Field { field, nested } = &self.kind else {
            return Key::Missing;
        };
        let mut chosen: Option<Key> = None;
        let order = self.order;
        let mut consider = |value: FieldValue<'_>| {
            let Some(key) = Key::of(value) else { return };
            let better = chosen.as_ref().is_none_or(|best| match order {
                SortOrder::Asc => key.compare(best).is_lt(),
                SortOrder::Desc => key.compare(best).is_gt(),
            });
            if better {
                chosen = Some(key);
            }
        };
        match nested {
            Some((path, target)) => {
                scope.any_nested(path, target, &mut |nested| {
                    nested.each_value(field, &mut consider);
                    false
                });
            }
            None => scope.each_value(field, &mut consider),
        }
        chosen
            .or_else(|| self.missing_value.clone())
            .unwrap_or(Key::Missing)
    }

    /// Orders two keys of this sort.
    pub(crate) fn compare(&self, a: &Key, b: &Key) -> Ordering {
        if matches!(self.kind, SortKind::IndexOrder) {
            return Ordering::Equal;
        }
        match (a, b) {
            (Key::Missing, Key::Missing) => Ordering::Equal,
            (Key::Missing, _) => {
                if self.missing_first {
                    Ordering::Less
                } else {
                    Ordering::Greater
                }
            }
            (_, Key::Missing) => {
                if self.missing_first {
                    Ordering::Greater
                } else {
                    Ordering::Less
                }
            }
            _ => match self.order {
                SortOrder::Asc => a.compare(b),
                SortOrder::Desc => b.compare(a),
            },
        }
    }
}
