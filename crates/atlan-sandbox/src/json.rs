//! Safe edits of JSON documents: what `value["key"] = …` does, without its panic on a non-object.
//!
//! Stored documents come from requests, seed files and state files, so a field the code expects to
//! be an object may be a string. These helpers replace such a value with an object instead of
//! panicking, which keeps the "nothing panics on data from the network or a file" rule.

use serde_json::{Map, Value};

/// The member `key` of `value`, created as `null` when missing; a non-object `value` becomes `{}`
/// first.
#[allow(clippy::indexing_slicing)] // `value` is an object here, and IndexMut on an object inserts
pub(crate) fn member<'a>(value: &'a mut Value, key: &str) -> &'a mut Value {
    if !value.is_object() {
        *value = Value::Object(Map::new());
    }
    &mut value[key]
}

/// Sets `value[key]` to `new`; a non-object `value` becomes `{}` first.
pub(crate) fn set(value: &mut Value, key: &str, new: Value) {
    *member(value, key) = new;
}

/// The object at `value[key]`, made `{}` when it is missing or not an object; `None` never happens
/// in practice but keeps the function free of panics.
pub(crate) fn object_member<'a>(
    value: &'a mut Value,
    key: &str,
) -> Option<&'a mut Map<String, Value>> {
    let member = member(value, key);
    if !member.is_object() {
        *member = Value::Object(Map::new());
    }
    member.as_object_mut()
}
