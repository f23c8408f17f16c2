//! `range`: the value is within bounds.

use std::collections::BTreeMap;

use serde::de::Error as _;
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use super::wire;

/// `range`: the field's value is within bounds. Bounds are numbers, or strings: a date, date math
/// (`now-6h`, `now-1d/d`, `2026-01-01||+1M`) or any string (compared as text).
///
/// ```
/// use atlan_query::Query;
///
/// let started = Query::range("status.startedAt").gte("now-6h").lte("now");
/// assert_eq!(
///     serde_json::to_value(Query::from(started))?,
///     serde_json::json!({"range": {"status.startedAt": {"gte": "now-6h", "lte": "now"}}})
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct RangeQuery {
    /// The field.
    pub field: String,
    /// Greater than.
    pub gt: Option<Value>,
    /// Greater than or equal.
    pub gte: Option<Value>,
    /// Less than.
    pub lt: Option<Value>,
    /// Less than or equal.
    pub lte: Option<Value>,
    /// Date format of the bounds, such as `strict_date_optional_time||epoch_millis`.
    pub format: Option<String>,
    /// Time zone of the bounds and of date math rounding, such as `+01:00` (default UTC).
    pub time_zone: Option<String>,
    /// The relevance multiplier (`boost`).
    pub boost: Option<f64>,
    /// The query's name (`_name`).
    pub name: Option<String>,
    /// Other parameters that do not change which documents match (`relation`), kept as sent.
    pub params: BTreeMap<String, Value>,
}

impl RangeQuery {
    /// A range on `field` with no bounds yet.
    pub fn new(field: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            ..Self::default()
        }
    }

    /// Greater than `bound`.
    #[must_use]
    pub fn gt(mut self, bound: impl Into<Value>) -> Self {
        self.gt = Some(bound.into());
        self
    }

    /// Greater than or equal to `bound`.
    #[must_use]
    pub fn gte(mut self, bound: impl Into<Value>) -> Self {
        self.gte = Some(bound.into());
        self
    }

    /// Less than `bound`.
    #[must_use]
    pub fn lt(mut self, bound: impl Into<Value>) -> Self {
        self.lt = Some(bound.into());
        self
    }

    /// Less than or equal to `bound`.
    #[must_use]
    pub fn lte(mut self, bound: impl Into<Value>) -> Self {
        self.lte = Some(bound.into());
        self
    }

    /// The date format of the bounds.
    #[must_use]
    pub fn format(mut self, format: impl Into<String>) -> Self {
        self.format = Some(format.into());
        self
    }

    /// The time zone of the bounds (`Z` or an offset such as `+01:00`).
    #[must_use]
    pub fn time_zone(mut self, time_zone: impl Into<String>) -> Self {
        self.time_zone = Some(time_zone.into());
        self
    }

    /// Whether it has at least one bound.
    pub fn has_bounds(&self) -> bool {
        self.gt.is_some() || self.gte.is_some() || self.lt.is_some() || self.lte.is_some()
    }
}

common_setters!(RangeQuery);

const RANGE_BOUNDS: [&str; 4] = ["gt", "gte", "lt", "lte"];

impl Serialize for RangeQuery {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        /// The bounds and options, written without building a map.
        struct Body<'a>(&'a RangeQuery);
        impl Serialize for Body<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let range = self.0;
                let mut map = serializer.serialize_map(None)?;
                for (key, bound) in RANGE_BOUNDS
                    .iter()
                    .zip([&range.gt, &range.gte, &range.lt, &range.lte])
                {
                    if let Some(bound) = bound {
                        map.serialize_entry(key, bound)?;
                    }
                }
                if let Some(format) = &range.format {
                    map.serialize_entry("format", format)?;
                }
                if let Some(zone) = &range.time_zone {
                    map.serialize_entry("time_zone", zone)?;
                }
                wire::write_common(&mut map, range.boost, range.name.as_deref())?;
                for (key, value) in &range.params {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(&self.field, &Body(self))?;
        map.end()
    }
}

impl<'de> Deserialize<'de> for RangeQuery {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let (field, inner) =
            wire::single_field::<D::Error>("range", Map::deserialize(deserializer)?)?;
        let Value::Object(inner) = inner else {
            return Err(D::Error::custom(format_args!(
                "[range] query on [{field}] must be an object"
            )));
        };
        let mut params = wire::take_params::<D::Error>(
            "range",
            inner,
            &["gt", "gte", "lt", "lte", "format", "time_zone", "relation"],
        )?;
        let mut bound = |key: &str| -> Result<Option<Value>, D::Error> {
            params
                .remove(key)
                .map(|value| wire::check_scalar::<D::Error>("range", value))
                .transpose()
        };
        let (gt, gte, lt, lte) = (bound("gt")?, bound("gte")?, bound("lt")?, bound("lte")?);
        let format = wire::take_string::<D::Error>("range", &mut params, "format")?;
        let time_zone = wire::take_string::<D::Error>("range", &mut params, "time_zone")?;
        let common = wire::take_common::<D::Error>("range", &mut params)?;
        Ok(Self {
            field,
            gt,
            gte,
            lt,
            lte,
            format,
            time_zone,
            boost: common.boost,
            name: common.name,
            params,
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::Query;

    #[test]
    fn bounds_and_options_in_wire_order() {
        let cases: [(Query, _); 2] = [
            (
                Query::range("f").gte("now-6h").lte("now").into(),
                json!({"range": {"f": {"gte": "now-6h", "lte": "now"}}}),
            ),
            (
                Query::range("f").gt(1).lt(2.5).time_zone("+01:00").into(),
                json!({"range": {"f": {"gt": 1, "lt": 2.5, "time_zone": "+01:00"}}}),
            ),
        ];
        for (query, wire) in cases {
            assert_eq!(serde_json::to_value(&query).unwrap(), wire);
            assert_eq!(serde_json::from_value::<Query>(wire).unwrap(), query);
        }
        let text = serde_json::to_string(&Query::from(Query::range("f").lte(2).gte(1))).unwrap();
        assert_eq!(text, r#"{"range":{"f":{"gte":1,"lte":2}}}"#);
    }

    #[test]
    fn refusals() {
        for (wire, expected) in [
            (
                json!({"range": {"f": {"from": 1}}}),
                "[range] query does not support [from]",
            ),
            (
                json!({"range": {"f": 1}}),
                "[range] query on [f] must be an object",
            ),
            (
                json!({"range": {"f": {"gte": [1]}}}),
                "must be a string, number or boolean",
            ),
        ] {
            let error = serde_json::from_value::<Query>(wire)
                .unwrap_err()
                .to_string();
            assert!(error.contains(expected), "{error}");
        }
        assert!(!Query::range("f").has_bounds());
    }
}
