//! Credentials: stored with their secrets (which never leave the server), tested by rules, listed
//! with Atlan's filter, limit and offset.

use std::collections::BTreeMap;
use std::fmt;

use atlan_model::{Credential, ExposeSecret, decode_value};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::{Event, Store};
use crate::error::{ApiError, ApiResult};
use crate::ids;

/// The filter keys the credential list accepts; any other is a 400, as on a tenant.
pub(crate) const FILTER_KEYS: &[&str] = &[
    "id",
    "name",
    "description",
    "connector",
    "connectorConfigName",
    "connectorType",
    "authType",
    "host",
    "port",
    "username",
    "isActive",
    "createdBy",
    "tenantId",
];

/// A stored credential, secrets included.
#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct StoredCredential {
    pub(crate) id: String,
    pub(crate) version: u64,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
    pub(crate) created_by: String,
    /// Every field as sent, except `password` and `id` (kept apart).
    pub(crate) fields: Map<String, Value>,
    pub(crate) password: Option<String>,
}

impl fmt::Debug for StoredCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredCredential")
            .field("id", &self.id)
            .field("name", &self.fields.get("name"))
            .field("password", &self.password.as_ref().map(|_| "[REDACTED]"))
            .finish_non_exhaustive()
    }
}

impl StoredCredential {
    /// A credential from a request body.
    pub(crate) fn from_request(
        credential: &Credential,
        id: String,
        now: i64,
        created_by: &str,
    ) -> ApiResult<Self> {
        let mut fields = match serde_json::to_value(credential) {
            Ok(Value::Object(fields)) => fields,
            _ => return Err(ApiError::internal("a credential is an object")),
        };
        fields.remove("password");
        fields.remove("id");
        Ok(Self {
            id,
            version: 1,
            created_at: now,
            updated_at: now,
            created_by: created_by.to_owned(),
            fields,
            password: credential
                .password
                .as_ref()
                .map(|password| password.expose_secret().to_owned()),
        })
    }

    /// The credential as Atlan returns it: never the password.
    pub(crate) fn response(&self) -> Value {
        let mut response = json!({
            "id": self.id,
            "version": format!("v{}", self.version),
            "isActive": true,
            "createdAt": self.created_at,
            "updatedAt": self.updated_at,
            "createdBy": self.created_by,
            "tenantId": "default",
            "description": null,
            "metadata": null,
            "level": null,
            "connection": null,
        });
        if let Value::Object(response) = &mut response {
            for (key, value) in &self.fields {
                response.insert(key.clone(), value.clone());
            }
        }
        response
    }

    fn field_text(&self, key: &str) -> Option<String> {
        match key {
            "password" => self.password.clone(),
            _ => match key.strip_prefix("extra.") {
                Some(extra) => self.fields.get("extra")?.get(extra).map(text),
                None => self.response().get(key).map(text),
            },
        }
    }
}

fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// A rule that makes a credential test fail: when `field` (`password`, `host`, `username`, `name`,
/// `authType`, or `extra.<key>`) equals or contains a value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CredentialTestRule {
    /// The field the rule looks at.
    pub field: String,
    /// Fails when the field is exactly this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<String>,
    /// Fails when the field contains this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contains: Option<String>,
    /// The error the test reports.
    pub message: String,
}

impl CredentialTestRule {
    /// A rule on `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            equals: None,
            contains: None,
            message: message.into(),
        }
    }

    /// Fails when the field equals `value`.
    #[must_use]
    pub fn equals(mut self, value: impl Into<String>) -> Self {
        self.equals = Some(value.into());
        self
    }

    /// Fails when the field contains `value`.
    #[must_use]
    pub fn contains(mut self, value: impl Into<String>) -> Self {
        self.contains = Some(value.into());
        self
    }

    /// The default rules: password `wrong-password` fails authentication; a host ending in
    /// `.invalid` cannot be reached.
    pub fn defaults() -> Vec<Self> {
        vec![
            Self::new(
                "password",
                "authentication failed: incorrect username or password",
            )
            .equals("wrong-password"),
            Self::new(
                "host",
                "could not connect to the host: name or service not known",
            )
            .contains(".invalid"),
        ]
    }

    fn fails(&self, credential: &StoredCredential) -> bool {
        let Some(value) = credential.field_text(&self.field) else {
            return false;
        };
        self.equals.as_deref().is_some_and(|equals| value == equals)
            || self
                .contains
                .as_deref()
                .is_some_and(|contains| value.contains(contains))
    }
}

fn decode_credential(body: Value) -> ApiResult<Credential> {
    decode_value::<Credential>(body).map_err(|error| {
        ApiError::bad_request(format!("invalid credential: {error}")).cause(
            "ValidationError",
            error.to_string(),
            error.path(),
        )
    })
}

impl Store {
    /// The first failing rule's message, if any.
    fn test_failure(&self, credential: &StoredCredential) -> Option<String> {
        self.settings()
            .credential_rules
            .iter()
            .find(|rule| rule.fails(credential))
            .map(|rule| rule.message.clone())
    }

    fn test_response(&self, credential: &StoredCredential) -> Value {
        match self.test_failure(credential) {
            None => {
                json!({"code": 200, "error": "", "info": null, "message": "successful", "requestId": ids::uuid()})
            }
            Some(error) => {
                json!({"code": 400, "error": error, "info": {"checks": [{"name": "authentication", "passed": false}]}, "message": "failed", "requestId": ids::uuid()})
            }
        }
    }

    /// `POST credentials?testCredential=`: creates a credential, after testing it when asked.
    pub(crate) fn create_credential(
        &mut self,
        body: Value,
        test: bool,
        created_by: &str,
    ) -> ApiResult<Value> {
        let credential = decode_credential(body)?;
        let name = credential
            .name
            .clone()
            .filter(|name| !name.trim().is_empty())
            .ok_or_else(|| {
                ApiError::bad_request("name is required").cause(
                    "ValidationError",
                    "name is required",
                    "name",
                )
            })?;
        check_credential_name(&name)?;
        if self
            .credentials()
            .any(|stored| stored.fields.get("name").and_then(Value::as_str) == Some(name.as_str()))
        {
            return Err(ApiError::conflict(format!(
                "a credential named {name} already exists"
            )));
        }
        let id = self.new_credential_id();
        let stored = StoredCredential::from_request(&credential, id, self.now(), created_by)?;
        if test && let Some(error) = self.test_failure(&stored) {
            return Err(
                ApiError::bad_request(format!("credential test failed: {error}")).cause(
                    "CredentialTestFailed",
                    error,
                    "credential",
                ),
            );
        }
        let response = stored.response();
        self.commit(vec![Event::PutCredential { credential: stored }])?;
        Ok(response)
    }

    /// `GET credentials/{id}`.
    pub(crate) fn get_credential(&self, id: &str) -> ApiResult<Value> {
        self.credential(id)
            .map(StoredCredential::response)
            .ok_or_else(|| ApiError::not_found("Credential with GUID", id))
    }

    /// `GET credentials?filter=&limit=&offset=`.
    pub(crate) fn list_credentials(
        &self,
        filter: Option<&str>,
        limit: Option<usize>,
        offset: Option<usize>,
    ) -> ApiResult<Vec<Value>> {
        let filter: BTreeMap<String, Value> = match filter {
            None => BTreeMap::new(),
            Some(text) => {
                let value: Value = serde_json::from_str(text).map_err(|error| {
                    ApiError::bad_request(format!("filter is not valid JSON: {error}"))
                })?;
                let Value::Object(map) = value else {
                    return Err(ApiError::bad_request("filter must be a JSON object"));
                };
                map.into_iter().collect()
            }
        };
        if let Some(unknown) = filter
            .keys()
            .find(|key| !FILTER_KEYS.contains(&key.as_str()))
        {
            return Err(ApiError::bad_request(format!(
                "Invalid filter: unknown key `{unknown}`; allowed keys are {}",
                FILTER_KEYS.join(", ")
            ))
            .cause(
                "IllegalArgumentException",
                format!("unknown filter key: {unknown}"),
                "credentials.filter",
            ));
        }
        let mut matching: Vec<&StoredCredential> = self
            .credentials()
            .filter(|credential| {
                let response = credential.response();
                filter.iter().all(|(key, wanted)| {
                    response
                        .get(key)
                        .is_some_and(|value| text(value) == text(wanted))
                })
            })
            .collect();
        matching.sort_by_key(|credential| credential.created_at);
        Ok(matching
            .into_iter()
            .skip(offset.unwrap_or(0))
            .take(limit.unwrap_or(usize::MAX))
            .map(StoredCredential::response)
            .collect())
    }

    /// `POST credentials/test`: tests a credential without storing it.
    pub(crate) fn test_credential(&self, body: Value) -> ApiResult<Value> {
        let credential = decode_credential(body)?;
        let stored = StoredCredential::from_request(&credential, String::new(), self.now(), "")?;
        Ok(self.test_response(&stored))
    }

    /// `POST credentials/{id}/test`: tests a stored credential.
    pub(crate) fn test_stored_credential(&self, id: &str) -> ApiResult<Value> {
        let stored = self
            .credential(id)
            .ok_or_else(|| ApiError::not_found("Credential with GUID", id))?;
        Ok(self.test_response(stored))
    }

    /// `POST credentials/{id}`: updates a credential (fields given replace the stored ones; the
    /// password is kept when none is given).
    pub(crate) fn update_credential(&mut self, id: &str, body: Value) -> ApiResult<Value> {
        let existing = self
            .credential(id)
            .cloned()
            .ok_or_else(|| ApiError::not_found("Credential with GUID", id))?;
        let credential = decode_credential(body)?;
        if credential.id.as_deref().is_some_and(|given| given != id) {
            return Err(ApiError::bad_request(format!(
                "the body's id does not match the credential {id}"
            )));
        }
        if let Some(name) = &credential.name {
            check_credential_name(name)?;
        }
        let update = StoredCredential::from_request(
            &credential,
            id.to_owned(),
            self.now(),
            &existing.created_by,
        )?;
        let mut stored = existing;
        stored.fields.extend(update.fields);
        if update.password.is_some() {
            stored.password = update.password;
        }
        stored.version += 1;
        stored.updated_at = self.now();
        let response = stored.response();
        self.commit(vec![Event::PutCredential { credential: stored }])?;
        Ok(response)
    }

    /// `POST credentials/{id}/archive`: purges a credential.
    pub(crate) fn purge_credential(&mut self, id: &str) -> ApiResult<()> {
        if self.credential(id).is_none() {
            return Err(ApiError::not_found("Credential with GUID", id));
        }
        Ok(self.commit(vec![Event::DeleteCredential { id: id.to_owned() }])?)
    }
}

/// The longest credential name.
const MAX_CREDENTIAL_NAME: usize = 256;

/// A credential name: at most 256 characters, no control characters.
pub(crate) fn check_credential_name(name: &str) -> ApiResult<()> {
    if name.chars().count() <= MAX_CREDENTIAL_NAME && !name.chars().any(char::is_control) {
        return Ok(());
    }
    let reason =
        format!("name must be at most {MAX_CREDENTIAL_NAME} characters without control characters");
    Err(ApiError::bad_request(reason.clone()).cause("ValidationError", reason, "name"))
}
