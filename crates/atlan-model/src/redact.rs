//! Redacting secrets from JSON that is about to be shown (printed, logged, written to a file).
//!
//! The typed models already hide secrets in `Debug`; these work on JSON documents, such as a
//! request body or a server's answer, for the places that show JSON.

use serde_json::Value;

/// What replaces a secret.
pub const REDACTED: &str = "[REDACTED]";

/// Redacts a credential's JSON in place: a non-null `password`, and every `extra` value (the
/// whole `extra` when it is not an object).
///
/// ```
/// use serde_json::json;
///
/// let mut credential = json!({"username": "svc", "password": "p", "extra": {"role": "r"}});
/// atlan_model::redact_credential_json(&mut credential);
/// assert_eq!(credential, json!({"username": "svc", "password": "[REDACTED]", "extra": {"role": "[REDACTED]"}}));
/// ```
pub fn redact_credential_json(credential: &mut Value) {
    let Some(object) = credential.as_object_mut() else {
        return;
    };
    if let Some(password) = object.get_mut("password")
        && !password.is_null()
    {
        *password = Value::String(REDACTED.to_owned());
    }
    match object.get_mut("extra") {
        Some(Value::Object(extra)) => {
            for value in extra.values_mut() {
                *value = Value::String(REDACTED.to_owned());
            }
        }
        // `extra` of another type (a string holding JSON, an array): redacted whole.
        Some(extra) if !extra.is_null() => *extra = Value::String(REDACTED.to_owned()),
        _ => {}
    }
}

/// Redacts a workflow's JSON in place (a request, or a server's answer that echoes it): the
/// credentials in its `payload` (each parameter's `body`).
///
/// ```
/// use serde_json::json;
///
/// let mut workflow = json!({"payload": [{"parameter": "credentialGuid", "type": "credential",
///     "body": {"username": "svc", "password": "p"}}]});
/// atlan_model::redact_workflow_json(&mut workflow);
/// assert_eq!(workflow["payload"][0]["body"]["password"], "[REDACTED]");
/// ```
pub fn redact_workflow_json(workflow: &mut Value) {
    let payload = workflow
        .get_mut("payload")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten();
    for parameter in payload {
        if let Some(body) = parameter.get_mut("body") {
            redact_credential_json(body);
        }
    }
}
