//! App workflow request bodies (`POST v1/app`, `PUT v1/app/{slug}`, `POST v1/app/{slug}/schedule`),
//! read and checked before the store is locked: the JSON parse of a body of up to 2 MiB is the
//! costly part of a write, and it needs nothing of the store.
//!
//! Inputs are read as their top-level fields, each kept as the JSON text it came as (see
//! [`crate::store::StoredInputs`]), so a big body is never held as a `Value` tree. Errors name the
//! field and what it must be, never the value (a credential, or a password typed into `port`).

use std::collections::BTreeMap;

use atlan_model::Credential;
use http::StatusCode;
use serde_json::Value;
use serde_json::value::RawValue;

use crate::body;
use crate::catalog::{self, App};
use crate::error::{ApiError, ApiResult};
use crate::store::{RawField, check_credential_name};

/// Keys the server adds to stored inputs at run time; dropped from what clients send.
const RUNTIME_KEYS: [&str; 4] = ["user-id", "user_id", "workflow_id", "correlation_id"];
/// The longest workflow name.
const MAX_NAME: usize = 256;

/// A `POST v1/app`, read and checked.
#[derive(Debug)]
pub(crate) struct CreateApp {
    pub(crate) app: &'static App,
    pub(crate) name: String,
    pub(crate) entrypoint: String,
    /// Whether a run starts at once (the default unless `"run": false`).
    pub(crate) run: bool,
    /// `(cron, timezone)`.
    pub(crate) schedule: Option<(String, String)>,
    pub(crate) inputs: Inputs,
}

/// A `PUT v1/app/{slug}`, read (its entrypoint is resolved against the stored workflow's app).
#[derive(Debug)]
pub(crate) struct UpdateApp {
    pub(crate) entrypoint: Option<String>,
    pub(crate) inputs: Inputs,
}

/// The `inputs` of a request: its fields without the runtime keys, and the raw `credential` to
/// vault (taken out of the fields).
#[derive(Debug)]
pub(crate) struct Inputs {
    pub(crate) fields: BTreeMap<String, RawField>,
    pub(crate) credential: Option<Credential>,
}

fn bad_request(message: impl Into<String>) -> ApiError {
    ApiError::app(StatusCode::BAD_REQUEST, 400, message)
}

/// An app that is not in the catalog, on create or for its contract: 400 with code 1003.
pub(crate) fn unknown_app(app_id: &str) -> ApiError {
    ApiError::app(
        StatusCode::BAD_REQUEST,
        1003,
        format!(
            "unknown app {app_id:?}: unknown entrypoint or app does not expose an input contract"
        ),
    )
}

/// An entrypoint the app does not have: 400 with code 1003.
pub(crate) fn unknown_entrypoint(app: &App, asked: Option<&str>) -> ApiError {
    ApiError::app(
        StatusCode::BAD_REQUEST,
        1003,
        format!(
            "unknown entrypoint {:?} for app {}: unknown entrypoint or app does not expose an input contract",
            asked.unwrap_or_default(),
            app.id
        ),
    )
}

/// The top-level members of a body: an object nested at most [`body::MAX_BODY_DEPTH`] deep.
fn members(bytes: &[u8]) -> ApiResult<BTreeMap<String, RawField>> {
    body::check_depth(bytes)?;
    serde_json::from_slice(bytes).map_err(|error| {
        if error.is_data() {
            body::not_an_object()
        } else {
            ApiError::malformed_json(&error)
        }
    })
}

/// A small member parsed; `None` when absent or `null`.
fn value(members: &BTreeMap<String, RawField>, name: &str) -> ApiResult<Option<Value>> {
    let Some(raw) = members.get(name) else {
        return Ok(None);
    };
    let value: Value = serde_json::from_str(raw.get())
        .map_err(|_| bad_request(format!("{name} is not valid JSON")))?;
    Ok((!value.is_null()).then_some(value))
}

/// A string member, or a 400 naming it.
fn string(members: &BTreeMap<String, RawField>, name: &str) -> ApiResult<Option<String>> {
    match value(members, name)? {
        None => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(_) => Err(bad_request(format!("{name} must be a string"))),
    }
}

impl CreateApp {
    /// Reads a create body.
    ///
    /// # Errors
    /// A 400 naming the member that is missing or of the wrong type (code 1003 for an unknown app
    /// or entrypoint), or the contract's first failing input.
    pub(crate) fn parse(bytes: &[u8]) -> ApiResult<Self> {
        let members = members(bytes)?;
        let app_id =
            string(&members, "app_id")?.ok_or_else(|| bad_request("app_id is required"))?;
        let app = catalog::find(&app_id).ok_or_else(|| unknown_app(&app_id))?;
        let name = string(&members, "name")?
            .filter(|name| !name.trim().is_empty())
            .ok_or_else(|| bad_request("name is required"))?;
        if name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
            return Err(bad_request(format!(
                "name must be at most {MAX_NAME} characters without control characters"
            )));
        }
        let asked = string(&members, "entrypoint")?;
        let entrypoint = app
            .resolve_entrypoint(asked.as_deref())
            .ok_or_else(|| unknown_entrypoint(app, asked.as_deref()))?;
        let run = match value(&members, "run")? {
            None => true,
            Some(Value::Bool(run)) => run,
            Some(_) => return Err(bad_request("run must be a boolean")),
        };
        let schedule = match value(&members, "schedule")? {
            None => None,
            Some(Value::Object(schedule)) => {
                let timezone = schedule
                    .get("timezone")
                    .filter(|zone| !zone.is_null())
                    .cloned()
                    .unwrap_or_else(|| Value::from("UTC"));
                Some(check_schedule(schedule.get("cron"), Some(&timezone))?)
            }
            Some(_) => return Err(bad_request("schedule must be an object")),
        };
        let inputs = Inputs::parse(members.get("inputs").map(AsRef::as_ref))?;
        Ok(Self {
            app,
            name,
            entrypoint,
            run,
            schedule,
            inputs,
        })
    }
}

impl UpdateApp {
    /// Reads an update body.
    ///
    /// # Errors
    /// A 400 naming the member that is missing or of the wrong type.
    pub(crate) fn parse(bytes: &[u8]) -> ApiResult<Self> {
        let members = members(bytes)?;
        Ok(Self {
            entrypoint: string(&members, "entrypoint")?,
            inputs: Inputs::parse(members.get("inputs").map(AsRef::as_ref))?,
        })
    }
}

/// Reads a `POST v1/app/{slug}/schedule` body: `(cron, timezone)`.
///
/// # Errors
/// A 400 naming the member that is missing or does not check.
pub(crate) fn parse_schedule(bytes: &[u8]) -> ApiResult<(String, String)> {
    let members = members(bytes)?;
    check_schedule(
        value(&members, "cron")?.as_ref(),
        value(&members, "timezone")?.as_ref(),
    )
}

/// A schedule's cron expression (as Argo reads it) and IANA time zone.
fn check_schedule(cron: Option<&Value>, timezone: Option<&Value>) -> ApiResult<(String, String)> {
    let cron = cron
        .and_then(Value::as_str)
        .ok_or_else(|| bad_request("schedule.cron must be a string"))?;
    let timezone = match timezone {
        None | Some(Value::Null) => return Err(bad_request("schedule.timezone is required")),
        Some(Value::String(zone)) => zone.as_str(),
        Some(_) => return Err(bad_request("schedule.timezone must be a string")),
    };
    atlan_model::check_cron(cron).map_err(|error| bad_request(error.to_string()))?;
    atlan_model::check_timezone(timezone).map_err(|error| bad_request(error.to_string()))?;
    Ok((cron.trim().to_owned(), timezone.to_owned()))
}

impl Inputs {
    /// The `inputs` member: an object; the runtime keys dropped, a non-null `credential` taken out
    /// and read as a credential (with the legacy API's limits).
    fn parse(raw: Option<&RawValue>) -> ApiResult<Self> {
        let not_an_object = || bad_request("inputs must be a JSON object");
        let raw = raw.ok_or_else(not_an_object)?;
        let mut fields: BTreeMap<String, RawField> =
            serde_json::from_str(raw.get()).map_err(|_| not_an_object())?;
        for key in RUNTIME_KEYS {
            fields.remove(key);
        }
        let credential = fields
            .remove("credential")
            .filter(|raw| raw.get() != "null")
            .map(|raw| read_credential(&raw))
            .transpose()?;
        Ok(Self { fields, credential })
    }
}

/// A raw credential to vault, as `POST credentials` would take it: an object of the credential's
/// fields, their types, and a name of at most 256 characters. The error names the field and the
/// type it must be, never a value.
fn read_credential(raw: &RawValue) -> ApiResult<Credential> {
    let credential: Credential = atlan_model::decode(raw.get().as_bytes())
        .map_err(|error| bad_request(format!("inputs.credential is not a credential: {error}")))?;
    if let Some(name) = &credential.name {
        check_credential_name(name)
            .map_err(|error| bad_request(format!("inputs.credential.{}", error.message)))?;
    }
    Ok(credential)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde_json::json;

    use super::*;

    fn create(body: &Value) -> ApiResult<CreateApp> {
        CreateApp::parse(body.to_string().as_bytes())
    }

    fn athena(inputs: Value) -> Value {
        json!({"app_id": "atlan-athena", "name": "a", "inputs": inputs})
    }

    #[test]
    fn inputs_are_read_as_fields_without_runtime_keys_and_with_the_credential_apart() {
        let parsed = create(&athena(json!({
            "connection": {"typeName": "Connection"}, "user_id": "x", "workflow_id": "y",
            "credential": {"name": "c", "authType": "basic", "password": "SENTINEL"},
        })))
        .unwrap();
        assert_eq!(
            parsed.inputs.fields.keys().collect::<Vec<_>>(),
            ["connection"]
        );
        assert_eq!(parsed.inputs.credential.unwrap().name.as_deref(), Some("c"));
        assert!(parsed.run && parsed.schedule.is_none());
    }

    /// A credential sent as a JSON string, a password typed into `port`, an `extra` of
    /// the wrong type: the 400 names the field and the type, and holds no value.
    #[test]
    fn a_bad_credential_is_refused_without_repeating_it() {
        let as_string =
            json!({"password": "SENTINEL-pw", "extra": {"k": "SENTINEL-x"}}).to_string();
        for credential in [
            json!(as_string),
            json!({"name": "c", "port": "SENTINEL-port"}),
            json!({"name": "c", "port": 987_654_321}),
            json!({"name": "c", "extra": "SENTINEL-extra"}),
            json!({"name": "c", "password": ["SENTINEL"]}),
            json!(["SENTINEL"]),
        ] {
            let error = create(&athena(json!({"credential": credential}))).unwrap_err();
            assert_eq!(error.status, StatusCode::BAD_REQUEST);
            assert!(
                !error.message.contains("SENTINEL") && !error.message.contains("987654321"),
                "{}",
                error.message
            );
            assert!(
                error
                    .message
                    .starts_with("inputs.credential is not a credential"),
                "{}",
                error.message
            );
        }
    }

    /// The vault takes what `POST credentials` takes, so a 100,000-character name is
    /// refused as it is there.
    #[test]
    fn the_vault_applies_the_credential_name_limit() {
        for name in ["x".repeat(100_000), "a\u{1b}[2Jb".to_owned()] {
            let error = create(&athena(json!({"credential": {"name": name}}))).unwrap_err();
            assert!(
                error.message.contains("at most 256 characters"),
                "{}",
                error.message
            );
        }
        assert!(create(&athena(json!({"credential": {"name": "x".repeat(256)}}))).is_ok());
    }

    #[test]
    fn members_of_the_wrong_type_are_named() {
        for (body, says) in [
            (json!({"app_id": 5}), "app_id must be a string"),
            (json!({"app_id": "nope", "name": "a"}), "unknown app"),
            (json!({"app_id": "atlan-athena"}), "name is required"),
            (athena(json!([1])), "inputs must be a JSON object"),
            (
                json!({"app_id": "atlan-athena", "name": "a"}),
                "inputs must be a JSON object",
            ),
            (
                json!({"app_id": "atlan-athena", "name": "a", "run": "yes", "inputs": {}}),
                "run must be a boolean",
            ),
            (
                json!({"app_id": "atlan-athena", "name": "a", "schedule": {"cron": "61 * * * *"}, "inputs": {}}),
                "cron",
            ),
        ] {
            let error = create(&body).unwrap_err();
            assert!(error.message.contains(says), "{body}: {}", error.message);
        }
        assert!(
            CreateApp::parse(b"[1]")
                .unwrap_err()
                .message
                .contains("must be a JSON object")
        );
        assert!(
            CreateApp::parse(b"{")
                .unwrap_err()
                .message
                .contains("not valid JSON")
        );
    }
}
