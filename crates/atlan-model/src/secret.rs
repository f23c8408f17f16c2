//! Secret values: never in `Debug`, never echoed by a decode error, written only when serialized for
//! sending, and zeroized on drop.

use std::collections::BTreeMap;
use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;
use zeroize::Zeroize;

/// What `Debug` prints in place of a secret.
pub(crate) use crate::redact::REDACTED;

/// A JSON value that is secret, such as one entry of a credential's `extra` map.
///
/// `Debug` prints `[REDACTED]`; the value is only reachable through [`ExposeSecret`] and through
/// `Serialize` (which is how it is sent). Strings inside it are zeroized when it is dropped.
#[derive(Clone, Default, PartialEq)]
pub struct SecretValue(Value);

impl SecretValue {
    /// Wraps a JSON value as a secret.
    pub fn new(value: impl Into<Value>) -> Self {
        Self(value.into())
    }
}

impl ExposeSecret<Value> for SecretValue {
    fn expose_secret(&self) -> &Value {
        &self.0
    }
}

impl<T: Into<Value>> From<T> for SecretValue {
    fn from(value: T) -> Self {
        Self::new(value)
    }
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl Drop for SecretValue {
    fn drop(&mut self) {
        zeroize_json(&mut self.0);
    }
}

impl Serialize for SecretValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for SecretValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Value::deserialize(deserializer).map(Self)
    }
}

/// Overwrites every string (keys included) of a JSON value before it is freed.
fn zeroize_json(value: &mut Value) {
    match std::mem::take(value) {
        Value::String(mut text) => text.zeroize(),
        Value::Array(items) => {
            for mut item in items {
                zeroize_json(&mut item);
            }
        }
        Value::Object(map) => {
            for (mut key, mut item) in map {
                key.zeroize();
                zeroize_json(&mut item);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// `Debug` for a map whose values may be secret: keys are shown, values are not.
pub(crate) struct RedactedValues<'a, V>(pub(crate) &'a BTreeMap<String, V>);

impl<V> fmt::Debug for RedactedValues<'_, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.keys().map(|key| (key, Redacted)))
            .finish()
    }
}

/// Prints `[REDACTED]` without quotes.
pub(crate) struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// A map of secret values as read from JSON (a credential's `extra`): an object, or `null`
/// (`None`). Any other JSON type is refused with an error that names the type, never the value
/// (serde's usual "invalid type: string \"…\"" would print the secret).
pub(crate) struct OptionalSecretMap(pub(crate) Option<BTreeMap<String, SecretValue>>);

impl<'de> Deserialize<'de> for OptionalSecretMap {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Any JSON is read whole (so no error can quote part of it), then its type is checked.
        let value = Value::deserialize(deserializer)?;
        let kind = match value {
            Value::Null => return Ok(Self(None)),
            Value::Object(map) => {
                return Ok(Self(Some(
                    map.into_iter()
                        .map(|(key, value)| (key, SecretValue(value)))
                        .collect(),
                )));
            }
            Value::String(mut text) => {
                text.zeroize();
                "string"
            }
            Value::Array(items) => {
                let mut items = Value::Array(items);
                zeroize_json(&mut items);
                "array"
            }
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
        };
        Err(de::Error::custom(format_args!(
            "invalid type: {kind} (value withheld: secret field), expected a map"
        )))
    }
}

/// A secret string field as read from JSON: a string, or `null` (`None`). Any other JSON type is
/// refused with an error that does not repeat the value (serde's usual "invalid type: integer
/// `1234`" would print the secret).
pub(crate) struct OptionalSecretString(pub(crate) Option<SecretString>);

impl<'de> Deserialize<'de> for OptionalSecretString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // `deserialize_any`, not `deserialize_str`: a buffering deserializer would otherwise build
        // serde's own "invalid type" error, which prints the value.
        deserializer
            .deserialize_any(SecretStringVisitor)
            .map(OptionalSecretString)
    }
}

struct SecretStringVisitor;

/// The error for a secret field of the wrong type; it names the type, never the value.
fn wrong_type<E: de::Error>(kind: &str) -> E {
    E::custom(format_args!(
        "invalid type: {kind} (value withheld: secret field), expected a string"
    ))
}

impl<'de> Visitor<'de> for SecretStringVisitor {
    type Value = Option<SecretString>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or null")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok(Some(SecretString::from(value)))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Self::Value, E> {
        Ok(Some(SecretString::from(value)))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Err(wrong_type("boolean"))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Err(wrong_type("integer"))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Err(wrong_type("integer"))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Err(wrong_type("number"))
    }

    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<Self::Value, E> {
        Err(wrong_type("bytes"))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(wrong_type("array"))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(wrong_type("object"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_value_debug_is_redacted_and_serialize_exposes() {
        let secret = SecretValue::new("hunter2-sentinel");
        assert_eq!(format!("{secret:?}"), "[REDACTED]");
        assert_eq!(format!("{secret:#?}"), "[REDACTED]");
        assert_eq!(
            serde_json::to_string(&secret).ok().as_deref(),
            Some("\"hunter2-sentinel\"")
        );
        assert_eq!(secret.expose_secret(), &Value::from("hunter2-sentinel"));
    }

    #[test]
    fn zeroize_json_empties_nested_values() {
        let mut value = serde_json::json!({"a": ["x", {"b": "y"}], "c": 1});
        zeroize_json(&mut value);
        assert_eq!(value, Value::Null);
    }

    #[test]
    fn redacted_values_show_keys_only() {
        let map: BTreeMap<String, Value> =
            [("role".to_owned(), Value::from("sentinel-role"))].into();
        let shown = format!("{:?}", RedactedValues(&map));
        assert_eq!(shown, r#"{"role": [REDACTED]}"#);
    }
}
