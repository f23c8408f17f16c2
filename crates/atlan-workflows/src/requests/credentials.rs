//! Credentials: create (tested or not), get, list, test, update, purge.

use atlan_model::Credential;
use atlan_query::workflows::non_empty;
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::request::{ApiRequest, redact_credential};

/// `POST credentials?testCredential=true`: the server tests the credential, and stores it only if
/// the test passes.
///
/// # Errors
/// [`Error::InvalidInput`] when the body cannot be encoded.
pub fn create(credential: &Credential) -> Result<ApiRequest> {
    create_with(credential, true)
}

/// `POST credentials?testCredential=false`: stores a credential without a test.
///
/// # Errors
/// [`Error::InvalidInput`] for a credential with a username or password (as pyatlan: an untested
/// login is refused before anything is sent).
pub fn create_untested(credential: &Credential) -> Result<ApiRequest> {
    if credential.has_login() {
        return Err(Error::invalid(
            "a credential with a username or password must be tested when it is created",
        ));
    }
    create_with(credential, false)
}

fn create_with(credential: &Credential, test: bool) -> Result<ApiRequest> {
    Ok(ApiRequest::post("credentials.create", &["credentials"])
        .query("testCredential", test.to_string())
        .json_redacted(credential, redact_credential)?)
}

/// `GET credentials/{id}`.
///
/// # Errors
/// [`Error::InvalidInput`] for an empty id.
pub fn get(id: &str) -> Result<ApiRequest> {
    non_empty(id, "credential id")?;
    Ok(ApiRequest::get("credentials.get", &["credentials", id]))
}

/// `GET credentials?filter=&limit=&offset=`: a filter is a JSON object of field values, such as
/// `{"connectorConfigName": "atlan-connectors-snowflake"}`.
pub fn list(
    filter: Option<&Map<String, Value>>,
    limit: Option<u64>,
    offset: Option<u64>,
) -> ApiRequest {
    let mut request = ApiRequest::get("credentials.list", &["credentials"]);
    if let Some(filter) = filter {
        request = request.query("filter", Value::Object(filter.clone()).to_string());
    }
    if let Some(limit) = limit {
        request = request.query("limit", limit.to_string());
    }
    if let Some(offset) = offset {
        request = request.query("offset", offset.to_string());
    }
    request
}

/// The filter that finds a workflow's credential: `name` is the workflow name with `atlan-`
/// replaced by `default-`, plus `-0` (as pyatlan builds it).
pub fn workflow_filter(workflow_name: &str) -> Map<String, Value> {
    let base = workflow_name.replace("atlan-", "default-");
    let mut filter = Map::new();
    filter.insert("name".into(), Value::String(format!("{base}-0")));
    filter
}

/// `POST credentials/test`: tests a credential without storing it. It changes nothing, so it is
/// read-only (safe to re-send, and sent for real by a [`crate::DryRun::Writes`] client).
///
/// # Errors
/// [`Error::InvalidInput`] when the body cannot be encoded.
pub fn test(credential: &Credential) -> Result<ApiRequest> {
    Ok(
        ApiRequest::post("credentials.test", &["credentials", "test"])
            .read_only()
            .json_redacted(credential, redact_credential)?,
    )
}

/// `POST credentials/{id}/test`: tests a stored credential with what the server holds (no body:
/// nothing secret is sent). Read-only, like [`test()`].
///
/// # Errors
/// [`Error::InvalidInput`] for an empty id.
pub fn test_by_id(id: &str) -> Result<ApiRequest> {
    non_empty(id, "credential id")?;
    Ok(ApiRequest::post("credentials.test_by_id", &["credentials", id, "test"]).read_only())
}

/// `POST credentials/{id}`: replaces a stored credential.
///
/// # Errors
/// [`Error::InvalidInput`] for a credential without an id.
pub fn update(credential: &Credential) -> Result<ApiRequest> {
    let id = credential
        .id
        .as_deref()
        .filter(|id| !id.trim().is_empty())
        .ok_or_else(|| Error::invalid("the credential has no id"))?;
    Ok(ApiRequest::post("credentials.update", &["credentials", id])
        .json_redacted(credential, redact_credential)?)
}

/// `POST credentials/{id}/archive`: purges a credential.
///
/// # Errors
/// [`Error::InvalidInput`] for an empty id.
pub fn purge(id: &str) -> Result<ApiRequest> {
    non_empty(id, "credential id")?;
    Ok(ApiRequest::post(
        "credentials.purge",
        &["credentials", id, "archive"],
    ))
}
