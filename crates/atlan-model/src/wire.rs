//! Serde helpers that keep the wire form exact: `null` stays `null`, absent stays absent.

use serde::{Deserialize, Deserializer};

/// Deserializes a present field into `Some`, so that an explicit JSON `null` in an `Option<Value>`
/// field becomes `Some(Value::Null)` (written back as `null`) instead of `None` (written back as
/// nothing). Use with `#[serde(default, deserialize_with = "wire::present")]`.
pub(crate) fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}
