//! The tenant's roles and users (`GET /api/service/roles`, `GET /api/service/users`), with
//! Atlan's list shape (`totalRecord`, `filterRecord`, `records`) and its JSON filters
//! (`{"name": {"$ilike": "$%"}}`): what a client checks before it names `$admin` as a
//! connection's admin role, or whether a workflow's owner can still publish.

use serde_json::{Map, Value, json};

use crate::error::{ApiError, ApiResult};
use crate::ids::fnv32a;
use crate::seed::creator;

/// The roles of every tenant.
const ROLES: [(&str, &str, &str); 3] = [
    ("$admin", "Admin", "workspace"),
    ("$member", "Member", "workspace"),
    ("$guest", "Guest", "workspace"),
];

/// The users: those who submitted the default tenant's runs (one of them disabled, as an owner
/// who left), and the API key's service account.
const USERS: [(&str, &str, &str, bool, &str); 7] = [
    ("ana.diaz", "Ana", "Diaz", true, "$admin"),
    ("jane.doe", "Jane", "Doe", true, "$admin"),
    ("john.roe", "John", "Roe", false, "$member"),
    ("priya.rao", "Priya", "Rao", true, "$member"),
    ("sam.lee", "Sam", "Lee", true, "$member"),
    ("wei.chen", "Wei", "Chen", true, "$guest"),
    ("service-account-apikey", "Sandbox", "User", true, "$admin"),
];

/// The longest filter read (a query string is at most 8 KiB anyway).
const MAX_FILTER: usize = 4096;

fn role_id(name: &str) -> String {
    format!(
        "{:08x}-{:04x}-4000-8000-{:012x}",
        fnv32a(name),
        fnv32a(name) & 0xffff,
        u64::from(fnv32a(&name.repeat(3)))
    )
}

fn roles() -> Vec<Value> {
    ROLES
        .iter()
        .map(|(name, description, level)| {
            let members = USERS.iter().filter(|user| user.4 == *name).count();
            json!({
                "id": role_id(name),
                "name": name,
                "description": description,
                "clientRole": false,
                "level": level,
                "memberCount": members.to_string(),
                "userCount": members.to_string(),
            })
        })
        .collect()
}

fn users() -> Vec<Value> {
    USERS
        .iter()
        .map(|(username, first, last, enabled, role)| {
            let identity = creator(username);
            json!({
                "id": identity.sub,
                "username": username,
                "email": identity.email.replace(".at.", "@"),
                "firstName": first,
                "lastName": last,
                "enabled": enabled,
                "emailVerified": true,
                "workspaceRole": role,
                "createdTimestamp": 1_704_067_200_000_i64,
            })
        })
        .collect()
}

/// A page of roles.
///
/// # Errors
/// A 400 for a filter that is not a JSON object of conditions, or a bad count.
pub(crate) fn list_roles(query: &std::collections::HashMap<String, String>) -> ApiResult<Value> {
    page(roles(), query)
}

/// A page of users.
///
/// # Errors
/// As [`list_roles`].
pub(crate) fn list_users(query: &std::collections::HashMap<String, String>) -> ApiResult<Value> {
    page(users(), query)
}

fn page(
    records: Vec<Value>,
    query: &std::collections::HashMap<String, String>,
) -> ApiResult<Value> {
    let number = |key: &str, default: usize| -> ApiResult<usize> {
        query.get(key).map_or(Ok(default), |text| {
            text.parse()
                .map_err(|_| ApiError::bad_request(format!("{key} must be a count, got {text:?}")))
        })
    };
    let (offset, limit) = (number("offset", 0)?, number("limit", 30)?.min(1000));
    let filter = match query.get("filter").map(String::as_str) {
        None | Some("") => Map::new(),
        Some(text) => parse_filter(text)?,
    };
    let total = records.len();
    let matching: Vec<Value> = records
        .into_iter()
        .filter(|record| matches(&filter, record))
        .collect();
    let filtered = matching.len();
    let records: Vec<Value> = matching.into_iter().skip(offset).take(limit).collect();
    Ok(json!({"totalRecord": total, "filterRecord": filtered, "records": records}))
}

fn parse_filter(text: &str) -> ApiResult<Map<String, Value>> {
    if text.len() > MAX_FILTER {
        return Err(ApiError::bad_request(format!(
            "the filter is {} bytes; at most {MAX_FILTER} are read",
            text.len()
        )));
    }
    let value: Value = serde_json::from_str(text)
        .map_err(|error| ApiError::bad_request(format!("the filter is not JSON: {error}")))?;
    let Value::Object(conditions) = value else {
        return Err(ApiError::bad_request(
            "the filter must be a JSON object of field conditions",
        ));
    };
    for (field, condition) in &conditions {
        if let Value::Object(operators) = condition {
            for (operator, operand) in operators {
                let known = matches!(operator.as_str(), "$ilike" | "$like" | "$eq" | "$ne");
                if !known || operand.is_object() || operand.is_array() {
                    return Err(ApiError::bad_request(format!(
                        "unsupported condition {operator} on {field} (the sandbox reads $eq, $ne, $like and $ilike with a value)"
                    )));
                }
            }
        }
    }
    Ok(conditions)
}

fn matches(filter: &Map<String, Value>, record: &Value) -> bool {
    filter.iter().all(|(field, condition)| {
        let value = record.get(field).unwrap_or(&Value::Null);
        match condition {
            Value::Object(operators) => operators.iter().all(|(operator, operand)| {
                let text = |value: &Value| match value {
                    Value::String(text) => text.clone(),
                    other => other.to_string(),
                };
                match operator.as_str() {
                    "$eq" => value == operand,
                    "$ne" => value != operand,
                    "$like" => like(&text(value), &text(operand), false),
                    _ => like(&text(value), &text(operand), true),
                }
            }),
            other => value == other,
        }
    })
}

/// SQL `LIKE`: `%` any run, `_` one character; `fold` ignores case. Iterative, with a memo of
/// the positions tried, so a hostile pattern stays linear in pattern × text.
fn like(text: &str, pattern: &str, fold: bool) -> bool {
    let lower = |s: &str| -> Vec<char> {
        if fold {
            s.to_lowercase().chars().collect()
        } else {
            s.chars().collect()
        }
    };
    let (text, pattern) = (lower(text), lower(pattern));
    // reachable[j]: the pattern read so far can match the text's first j characters.
    let mut reachable: Vec<bool> = std::iter::once(true)
        .chain(text.iter().map(|_| false))
        .collect();
    for p in &pattern {
        reachable = if *p == '%' {
            let mut any = false;
            reachable
                .iter()
                .map(|here| {
                    any |= *here;
                    any
                })
                .collect()
        } else {
            std::iter::once(false)
                .chain(
                    reachable
                        .iter()
                        .zip(&text)
                        .map(|(here, c)| *here && (*p == '_' || c == p)),
                )
                .collect()
        };
    }
    reachable.last().copied().unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn query(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_official_sdks_role_lookup_finds_admin() {
        let page = list_roles(&query(&[
            ("count", "true"),
            ("offset", "0"),
            ("limit", "100"),
            ("filter", r#"{"name":{"$ilike":"$%"}}"#),
        ]))
        .unwrap();
        assert_eq!(page["totalRecord"], 3);
        assert_eq!(page["filterRecord"], 3);
        let names: Vec<&str> = page["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|role| role["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["$admin", "$member", "$guest"]);
        let admin = list_roles(&query(&[("filter", r#"{"name":"$admin"}"#)])).unwrap();
        assert_eq!(admin["filterRecord"], 1);
    }

    #[test]
    fn users_say_who_is_disabled() {
        let disabled = list_users(&query(&[("filter", r#"{"enabled":false}"#)])).unwrap();
        assert_eq!(disabled["records"][0]["username"], "john.roe");
        let page = list_users(&query(&[("limit", "2"), ("offset", "1")])).unwrap();
        assert_eq!(page["records"].as_array().unwrap().len(), 2);
        assert_eq!(page["records"][0]["username"], "jane.doe");
    }

    #[test]
    fn bad_filters_are_400s() {
        for filter in [
            "not json",
            "[1]",
            r#"{"name":{"$regex":"x"}}"#,
            r#"{"name":{"$ilike":{}}}"#,
        ] {
            let error = list_roles(&query(&[("filter", filter)])).unwrap_err();
            assert_eq!(error.status.as_u16(), 400, "{filter}");
        }
        assert!(list_roles(&query(&[("limit", "-1")])).is_err());
    }

    #[test]
    fn like_is_sql_like() {
        assert!(like("$admin", "$%", true));
        assert!(like("ADMIN", "a_m%", true));
        assert!(!like("ADMIN", "a_m%", false));
        assert!(!like("member", "$%", true));
        let hostile = "%".repeat(2000) + "x";
        assert!(!like(&"a".repeat(2000), &hostile, true));
    }
}
