//! What every query kind's serde shares: reading parameters the way Elasticsearch does (naming what
//! it refuses), the typed `boost` and `_name` every kind accepts, and the shape of the single-field
//! kinds with a `value` (`term`, `prefix`, `regexp`, `wildcard`).

use std::collections::BTreeMap;

use serde::ser::SerializeMap;
use serde_json::{Map, Value};

/// Parameters every query accepts, typed on every kind (`boost`, `_name`).
pub(super) const COMMON_PARAMS: &[&str] = &["boost", "_name"];

/// Takes the parameters in `allowed` (and the common ones) out of `map` into a params map; any
/// other key is an error that names it and what is supported.
pub(super) fn take_params<E: serde::de::Error>(
    kind: &str,
    map: Map<String, Value>,
    allowed: &[&str],
) -> Result<BTreeMap<String, Value>, E> {
    let mut params = BTreeMap::new();
    for (key, value) in map {
        if !COMMON_PARAMS.contains(&key.as_str()) && !allowed.contains(&key.as_str()) {
            let mut all: Vec<&str> = allowed.to_vec();
            all.extend_from_slice(COMMON_PARAMS);
            return Err(E::custom(format_args!(
                "[{kind}] query does not support [{key}] (supported: {})",
                all.join(", ")
            )));
        }
        params.insert(key, value);
    }
    Ok(params)
}

/// Splits `{FIELD: inner}` with exactly one field.
pub(super) fn single_field<E: serde::de::Error>(
    kind: &str,
    map: Map<String, Value>,
) -> Result<(String, Value), E> {
    let mut entries = map.into_iter();
    match (entries.next(), entries.next()) {
        (Some(entry), None) => Ok(entry),
        (None, _) => Err(E::custom(format_args!("[{kind}] query has no field"))),
        (Some((first, _)), Some((second, _))) => Err(E::custom(format_args!(
            "[{kind}] query does not support more than one field: [{first}], [{second}]"
        ))),
    }
}

/// Takes a boolean parameter (`true`, `false`, or those as strings).
pub(super) fn take_bool<E: serde::de::Error>(
    kind: &str,
    params: &mut BTreeMap<String, Value>,
    key: &str,
) -> Result<Option<bool>, E> {
    match params.remove(key) {
        None => Ok(None),
        Some(Value::Bool(flag)) => Ok(Some(flag)),
        Some(Value::String(text)) if text == "true" || text == "false" => Ok(Some(text == "true")),
        Some(other) => Err(E::custom(format_args!(
            "[{kind}] [{key}] must be a boolean, found {other}"
        ))),
    }
}

/// Takes a string parameter.
pub(super) fn take_string<E: serde::de::Error>(
    kind: &str,
    params: &mut BTreeMap<String, Value>,
    key: &str,
) -> Result<Option<String>, E> {
    match params.remove(key) {
        None => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(other) => Err(E::custom(format_args!(
            "[{kind}] [{key}] must be a string, found {other}"
        ))),
    }
}

/// Takes `boost`: a finite number, or a string holding one (Elasticsearch coerces it).
pub(super) fn take_boost<E: serde::de::Error>(
    kind: &str,
    params: &mut BTreeMap<String, Value>,
) -> Result<Option<f64>, E> {
    let Some(value) = params.remove("boost") else {
        return Ok(None);
    };
    let number = match &value {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.trim().parse::<f64>().ok(),
        _ => None,
    };
    match number {
        Some(boost) if boost.is_finite() => Ok(Some(boost)),
        _ => Err(E::custom(format_args!(
            "[{kind}] [boost] must be a number, found {value}"
        ))),
    }
}

/// The typed parameters every kind has.
pub(super) struct Common {
    pub(super) boost: Option<f64>,
    pub(super) name: Option<String>,
}

/// Takes `boost` and `_name` out of `params`.
pub(super) fn take_common<E: serde::de::Error>(
    kind: &str,
    params: &mut BTreeMap<String, Value>,
) -> Result<Common, E> {
    Ok(Common {
        boost: take_boost(kind, params)?,
        name: take_string(kind, params, "_name")?,
    })
}

/// Writes `boost` and `_name` when set; a boost that is not a finite number cannot be written.
pub(super) fn write_common<M: SerializeMap>(
    map: &mut M,
    boost: Option<f64>,
    name: Option<&str>,
) -> Result<(), M::Error> {
    if let Some(boost) = boost {
        if !boost.is_finite() {
            return Err(serde::ser::Error::custom(format_args!(
                "a query's boost must be a finite number, got {boost}"
            )));
        }
        map.serialize_entry("boost", &boost)?;
    }
    if let Some(name) = name {
        map.serialize_entry("_name", name)?;
    }
    Ok(())
}

/// A scalar query value: a string, number or boolean.
pub(super) fn check_scalar<E: serde::de::Error>(kind: &str, value: Value) -> Result<Value, E> {
    match value {
        Value::String(_) | Value::Number(_) | Value::Bool(_) => Ok(value),
        other => Err(E::custom(format_args!(
            "[{kind}] value must be a string, number or boolean, found {other}"
        ))),
    }
}

/// The `boost` and `name` setters of a kind with `boost: Option<f64>` and `name: Option<String>`.
macro_rules! common_setters {
    ($name:ident) => {
        impl $name {
            /// Multiplies the query's relevance score (which documents match does not change).
            #[must_use]
            pub fn boost(mut self, boost: f64) -> Self {
                self.boost = Some(boost);
                self
            }

            /// Names the query (`_name`), so that a hit can report which named queries it matched.
            #[must_use]
            pub fn name(mut self, name: impl Into<String>) -> Self {
                self.name = Some(name.into());
                self
            }
        }
    };
}

/// Declares a single-field query with a `value` (`term`, `prefix`, `regexp`, `wildcard`): the
/// struct, its constructor and setters, and its serde.
macro_rules! value_query {
    (
        $(#[$meta:meta])*
        $name:ident, $kind:literal, value: $value_ty:ty, aliases: [$($alias:literal),*], extra: [$($extra:literal),*],
        flags: [$( $(#[$flag_meta:meta])* $flag:ident = $flag_key:literal ),*],
        texts: [$( $(#[$text_meta:meta])* $text:ident = $text_key:literal ),*]
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub struct $name {
            /// The field.
            pub field: String,
            /// The value.
            pub value: $value_ty,
            $( $(#[$flag_meta])* pub $flag: Option<bool>, )*
            $( $(#[$text_meta])* pub $text: Option<String>, )*
            /// The relevance multiplier (`boost`).
            pub boost: Option<f64>,
            /// The query's name (`_name`).
            pub name: Option<String>,
            /// Other parameters that do not change which documents match (such as `rewrite`), kept
            /// as sent.
            pub params: std::collections::BTreeMap<String, serde_json::Value>,
        }

        impl $name {
            /// A query on `field` for `value`.
            pub fn new(field: impl Into<String>, value: impl Into<$value_ty>) -> Self {
                Self {
                    field: field.into(),
                    value: value.into(),
                    $( $flag: None, )*
                    $( $text: None, )*
                    boost: None,
                    name: None,
                    params: std::collections::BTreeMap::new(),
                }
            }

            $(
                $(#[$flag_meta])*
                #[must_use]
                pub fn $flag(mut self, $flag: bool) -> Self {
                    self.$flag = Some($flag);
                    self
                }
            )*
        }

        common_setters!($name);

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap;

                /// `{"value": …, options…, params…}`, written without building a map.
                struct Body<'a>(&'a $name);
                impl serde::Serialize for Body<'_> {
                    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                        let query = self.0;
                        let mut map = serializer.serialize_map(None)?;
                        map.serialize_entry("value", &query.value)?;
                        $( if let Some(flag) = query.$flag { map.serialize_entry($flag_key, &flag)?; } )*
                        $( if let Some(text) = &query.$text { map.serialize_entry($text_key, text)?; } )*
                        $crate::query::wire::write_common(&mut map, query.boost, query.name.as_deref())?;
                        for (key, value) in &query.params {
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

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                use serde::de::Error as _;
                use $crate::query::wire;

                let map = serde_json::Map::deserialize(deserializer)?;
                let (field, inner) = wire::single_field::<D::Error>($kind, map)?;
                let mut inner = match inner {
                    serde_json::Value::Object(map) => map,
                    short => {
                        let mut map = serde_json::Map::new();
                        map.insert("value".to_owned(), short);
                        map
                    }
                };
                let value = inner
                    .remove("value")
                    $( .or_else(|| inner.remove($alias)) )*
                    .ok_or_else(|| D::Error::custom(format_args!("[{}] query on [{field}] has no value", $kind)))?;
                let value = wire::check_scalar::<D::Error>($kind, value)?;
                let value: $value_ty = serde_json::from_value(value)
                    .map_err(|error| D::Error::custom(format_args!("[{}] value: {error}", $kind)))?;
                let mut params = wire::take_params::<D::Error>($kind, inner, &[$($flag_key,)* $($text_key,)* $($extra),*])?;
                $( let $flag = wire::take_bool::<D::Error>($kind, &mut params, $flag_key)?; )*
                $( let $text = wire::take_string::<D::Error>($kind, &mut params, $text_key)?; )*
                let common = wire::take_common::<D::Error>($kind, &mut params)?;
                Ok(Self {
                    field,
                    value,
                    $($flag,)*
                    $($text,)*
                    boost: common.boost,
                    name: common.name,
                    params,
                })
            }
        }
    };
}
