//! Checking an app workflow's `inputs` against its input contract, as the server does: required
//! fields present and not null, declared types, `enum` and `const`, `anyOf`, `$ref` into `$defs`,
//! nested objects and arrays. Fields the contract does not declare are allowed unless it says
//! `additionalProperties: false`. Recursion follows the contract (which the sandbox owns), bounded
//! at [`MAX_DEPTH`] all the same.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::store::RawField;

/// The deepest the check follows schemas.
const MAX_DEPTH: usize = 16;

/// Checks the top-level `fields` of an `inputs` object (each as its JSON text) against
/// `contract`; the error names the field (`inputs.connection.typeName`), never its value. Only
/// the fields the contract declares are parsed, one at a time.
pub(crate) fn check(fields: &BTreeMap<String, RawField>, contract: &Value) -> Result<(), String> {
    let properties = contract.get("properties").and_then(Value::as_object);
    for name in required(contract) {
        if fields.get(name).is_none_or(|raw| raw.get() == "null") {
            return Err(format!("inputs.{name} is required"));
        }
    }
    for (name, raw) in fields {
        match properties.and_then(|properties| properties.get(name)) {
            Some(field) => {
                let at = format!("inputs.{name}");
                let value: Value = serde_json::from_str(raw.get())
                    .map_err(|_| format!("{at} is not valid JSON"))?;
                check_value(&value, field, contract, &at, 1)?;
            }
            None if contract.get("additionalProperties") == Some(&Value::Bool(false)) => {
                return Err(format!("inputs.{name} is not a field of this app"));
            }
            None => {}
        }
    }
    Ok(())
}

/// The names a schema requires.
fn required(schema: &Value) -> impl Iterator<Item = &str> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

fn check_object(
    object: &Map<String, Value>,
    schema: &Value,
    root: &Value,
    at: &str,
    depth: usize,
) -> Result<(), String> {
    let properties = schema.get("properties").and_then(Value::as_object);
    for name in required(schema) {
        if object.get(name).is_none_or(Value::is_null) {
            return Err(format!("{at}.{name} is required"));
        }
    }
    for (name, value) in object {
        match properties.and_then(|properties| properties.get(name)) {
            Some(field) => check_value(value, field, root, &format!("{at}.{name}"), depth + 1)?,
            None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => {
                return Err(format!("{at}.{name} is not a field of this app"));
            }
            None => {}
        }
    }
    Ok(())
}

fn check_value(
    value: &Value,
    schema: &Value,
    root: &Value,
    at: &str,
    depth: usize,
) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Ok(());
    }
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let target = reference
            .strip_prefix("#/$defs/")
            .and_then(|name| root.get("$defs")?.get(name))
            .ok_or_else(|| format!("{at}: the contract's reference {reference} is unknown"))?;
        return check_value(value, target, root, at, depth + 1);
    }
    if let Some(branches) = schema.get("anyOf").and_then(Value::as_array) {
        return if branches
            .iter()
            .any(|branch| check_value(value, branch, root, at, depth + 1).is_ok())
        {
            Ok(())
        } else {
            Err(format!("{at} matches none of the types it may have"))
        };
    }
    if let Some(expected) = schema.get("const")
        && value != expected
    {
        return Err(format!("{at} must be {expected}"));
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !allowed.contains(value)
    {
        let allowed: Vec<String> = allowed.iter().map(Value::to_string).collect();
        return Err(format!("{at} must be one of {}", allowed.join(", ")));
    }
    if let Some(kind) = schema.get("type").and_then(Value::as_str) {
        let fits = match kind {
            "string" => value.is_string(),
            "boolean" => value.is_boolean(),
            "object" => value.is_object(),
            "array" => value.is_array(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "null" => value.is_null(),
            _ => true,
        };
        if !fits {
            return Err(format!("{at} must be a JSON {kind}"));
        }
    }
    if let Some(object) = value.as_object()
        && (schema.get("properties").is_some() || schema.get("required").is_some())
    {
        check_object(object, schema, root, at, depth)?;
    }
    if let (Some(items), Some(schema)) = (value.as_array(), schema.get("items")) {
        for (index, item) in items.iter().enumerate() {
            check_value(item, schema, root, &format!("{at}[{index}]"), depth + 1)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::catalog;

    fn inputs(value: Value) -> BTreeMap<String, RawField> {
        serde_json::from_value::<Map<String, Value>>(value)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(key, value)| Some((key, serde_json::value::to_raw_value(&value).ok()?)))
            .collect()
    }

    #[test]
    fn the_snowflake_contract_names_the_failing_field() {
        let contract = catalog::find("snowflake-crawler")
            .map(|app| app.contract().clone())
            .unwrap_or_default();
        let good = json!({"connection": {"typeName": "Connection", "attributes": {"qualifiedName": "default/snowflake/1"}},
                          "extraction_method": "direct", "credential_guid": "", "enable_lineage": true, "unknown_extra": 1});
        assert_eq!(check(&inputs(good.clone()), &contract), Ok(()));
        for (change, says) in [
            (
                json!({"credential_guid": null}),
                "inputs.credential_guid is required",
            ),
            (
                json!({"enable_lineage": "yes"}),
                "inputs.enable_lineage must be a JSON boolean",
            ),
            (
                json!({"extract_strategy": "guess"}),
                "inputs.extract_strategy must be one of",
            ),
            (
                json!({"connection": {"typeName": "Table", "attributes": {"qualifiedName": "x"}}}),
                "inputs.connection.typeName must be \"Connection\"",
            ),
            (
                json!({"connection": {"typeName": "Connection", "attributes": {}}}),
                "inputs.connection.attributes.qualifiedName is required",
            ),
            (
                json!({"include_filter": 3}),
                "inputs.include_filter matches none",
            ),
        ] {
            let mut bad = good.clone();
            for (key, value) in change.as_object().unwrap_or(&Map::new()) {
                bad[key] = value.clone();
            }
            let error = check(&inputs(bad), &contract).unwrap_err();
            assert!(error.starts_with(says), "{error}");
        }
    }
}
