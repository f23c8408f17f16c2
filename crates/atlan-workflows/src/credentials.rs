//! [`Credentials`]: create (with a test), get, list, test, test and update, update, purge.

use atlan_model::{Credential, CredentialListResponse, CredentialResponse, CredentialTestResponse};
use serde_json::{Map, Value};

use crate::client::AtlanClient;
use crate::error::{Error, Result};
use crate::requests::credentials as requests;

/// Credential operations; from [`AtlanClient::credentials`].
#[derive(Debug, Clone)]
pub struct Credentials {
    client: AtlanClient,
}

/// What [`Credentials::list`] asks for: a filter on field values, a page, or a workflow's
/// credential.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct CredentialQuery {
    /// Field values to match, such as `{"connectorConfigName": "atlan-connectors-snowflake"}`.
    pub filter: Option<Map<String, Value>>,
    /// How many to return.
    pub limit: Option<u64>,
    /// How many to skip.
    pub offset: Option<u64>,
    /// The credential of this workflow (adds its `name` to the filter).
    pub workflow_name: Option<String>,
}

impl CredentialQuery {
    /// Everything.
    pub fn new() -> Self {
        Self::default()
    }

    /// Matches this field value (added to the filter).
    #[must_use]
    pub fn filter(mut self, field: impl Into<String>, value: impl Into<Value>) -> Self {
        self.filter
            .get_or_insert_with(Map::new)
            .insert(field.into(), value.into());
        self
    }

    /// At most `limit` credentials.
    #[must_use]
    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Skips `offset` credentials.
    #[must_use]
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = Some(offset);
        self
    }

    /// The credential of this workflow.
    #[must_use]
    pub fn workflow_name(mut self, workflow_name: impl Into<String>) -> Self {
        self.workflow_name = Some(workflow_name.into());
        self
    }

    /// The request it makes.
    pub fn request(&self) -> crate::ApiRequest {
        let mut filter = self.filter.clone();
        if let Some(workflow_name) = &self.workflow_name {
            filter
                .get_or_insert_with(Map::new)
                .extend(requests::workflow_filter(workflow_name));
        }
        requests::list(filter.as_ref(), self.limit, self.offset)
    }
}

impl Credentials {
    pub(crate) fn new(client: AtlanClient) -> Self {
        Self { client }
    }

    /// Stores a credential; with `test`, the server tests it first and refuses it when the test
    /// fails.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when `test` is false for a credential with a username or password
    /// (an untested login is refused before anything is sent, as pyatlan does); [`Error::Api`]
    /// when the server's test fails; otherwise as [`AtlanClient::execute`].
    pub async fn create(&self, credential: &Credential, test: bool) -> Result<CredentialResponse> {
        self.client
            .execute_json(&requests::create(credential, test)?)
            .await
    }

    /// A stored credential (never its password).
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown id; otherwise as [`AtlanClient::execute`].
    pub async fn get(&self, id: &str) -> Result<CredentialResponse> {
        self.client.execute_json(&requests::get(id)?).await
    }

    /// Stored credentials matching a query.
    ///
    /// # Errors
    /// [`Error::Api`] for a filter key the server does not know (400); otherwise as
    /// [`AtlanClient::execute`].
    pub async fn list(&self, query: &CredentialQuery) -> Result<Vec<CredentialResponse>> {
        let response: CredentialListResponse = self.client.execute_json(&query.request()).await?;
        Ok(response.records)
    }

    /// Tests a credential without storing it; [`CredentialTestResponse::is_successful`] tells.
    ///
    /// # Errors
    /// As [`AtlanClient::execute`].
    pub async fn test(&self, credential: &Credential) -> Result<CredentialTestResponse> {
        self.client.execute_json(&requests::test(credential)?).await
    }

    /// Tests a credential, then stores it over the one with its id only if the test passed.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] with the server's message when the test fails, or for a credential
    /// without an id; otherwise as [`AtlanClient::execute`].
    pub async fn test_and_update(&self, credential: &Credential) -> Result<CredentialResponse> {
        let request = requests::update(credential)?;
        let test = self.test(credential).await?;
        if !test.is_successful() {
            let reason = test.reason().unwrap_or("no reason given");
            return Err(Error::invalid(format!(
                "the credential test failed, nothing was updated: {reason}"
            )));
        }
        self.client.execute_json(&request).await
    }

    /// Stores a credential over the one with its id, without a test.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a credential without an id; [`Error::NotFound`] for an unknown
    /// id; otherwise as [`AtlanClient::execute`].
    pub async fn update(&self, credential: &Credential) -> Result<CredentialResponse> {
        self.client
            .execute_json(&requests::update(credential)?)
            .await
    }

    /// Purges (deletes) a credential.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown id; otherwise as [`AtlanClient::execute`].
    pub async fn purge(&self, id: &str) -> Result<()> {
        self.client.execute(&requests::purge(id)?).await?;
        Ok(())
    }
}
