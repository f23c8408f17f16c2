//! [`Credentials`]: create (with a test), get, list, test, test and update, update, purge.

use atlan_model::{Credential, CredentialListResponse, CredentialResponse, CredentialTestResponse};
use serde_json::{Map, Value};

use crate::client::AtlanClient;
use crate::error::{Error, Result};
use crate::request::ApiRequest;
use crate::requests::credentials as requests;

/// Credential operations; from [`AtlanClient::credentials`].
#[derive(Debug, Clone)]
pub struct Credentials {
    client: AtlanClient,
}

impl Credentials {
    pub(crate) fn new(client: AtlanClient) -> Self {
        Self { client }
    }

    /// Stores a credential. The server tests it first and refuses it when the test fails, unless
    /// `.without_test()` (which only a credential without a username or password may use).
    ///
    /// ```no_run
    /// use atlan_workflows::{AtlanClient, Credential};
    ///
    /// # async fn example(client: AtlanClient, credential: Credential) -> atlan_workflows::Result<()> {
    /// let stored = client.credentials().create(&credential).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn create<'a>(&self, credential: &'a Credential) -> CreateCredential<'a> {
        CreateCredential {
            client: self.client.clone(),
            credential,
            test: true,
        }
    }

    /// A stored credential (never its password).
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown id; [`Error::InvalidInput`] for an empty one; otherwise
    /// as [`AtlanClient::execute`].
    pub async fn get(&self, id: &str) -> Result<CredentialResponse> {
        self.client.execute_json(&requests::get(id)?).await
    }

    /// A stored credential, if there is one with this id.
    ///
    /// # Errors
    /// As [`Credentials::get`], but not [`Error::NotFound`].
    pub async fn get_opt(&self, id: &str) -> Result<Option<CredentialResponse>> {
        Error::not_found_as_none(self.get(id).await)
    }

    /// Stored credentials: every one, or those matching `.filter(..)`, `.workflow(..)`, a page
    /// with `.limit(..)` and `.offset(..)`. Await it.
    ///
    /// ```no_run
    /// use atlan_workflows::AtlanClient;
    ///
    /// # async fn example(client: AtlanClient) -> atlan_workflows::Result<()> {
    /// let snowflake = client
    ///     .credentials()
    ///     .list()
    ///     .filter("connectorConfigName", "atlan-connectors-snowflake")
    ///     .limit(10)
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn list(&self) -> CredentialList {
        CredentialList {
            client: self.client.clone(),
            filter: None,
            limit: None,
            offset: None,
            workflow_name: None,
        }
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
    /// [`Error::CredentialTestFailed`] with the server's reason when the test fails (nothing is
    /// stored); [`Error::InvalidInput`] for a credential without an id (nothing is sent); otherwise
    /// as [`AtlanClient::execute`].
    pub async fn test_and_update(&self, credential: &Credential) -> Result<CredentialResponse> {
        let update = requests::update(credential)?;
        let test = self.test(credential).await?;
        if !test.is_successful() {
            return Err(Error::CredentialTestFailed {
                operation: "credentials.test_and_update",
                reason: test.reason().unwrap_or("no reason given").to_owned(),
                response: Box::new(test),
            });
        }
        self.client.execute_json(&update).await
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

/// A credential to store; from [`Credentials::create`]. Await it.
#[derive(Debug, Clone)]
#[must_use = "nothing is stored until this is awaited"]
pub struct CreateCredential<'a> {
    client: AtlanClient,
    credential: &'a Credential,
    test: bool,
}

impl CreateCredential<'_> {
    /// Stores it without asking the server to test it first. Refused (before anything is sent)
    /// for a credential with a username or password, as Atlan's SDKs refuse it.
    pub fn without_test(mut self) -> Self {
        self.test = false;
        self
    }

    /// Stores the credential.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an untested credential with a login; [`Error::Api`] when the
    /// server's test fails; otherwise as [`AtlanClient::execute`].
    pub async fn send(self) -> Result<CredentialResponse> {
        let request = if self.test {
            requests::create(self.credential)?
        } else {
            requests::create_untested(self.credential)?
        };
        self.client.execute_json(&request).await
    }
}

awaitable!(CreateCredential<'a>, CredentialResponse);

/// A listing of stored credentials; from [`Credentials::list`]. Await it.
#[derive(Debug, Clone)]
#[must_use = "a listing does nothing until it is awaited"]
pub struct CredentialList {
    client: AtlanClient,
    filter: Option<Map<String, Value>>,
    limit: Option<u64>,
    offset: Option<u64>,
    workflow_name: Option<String>,
}

impl CredentialList {
    /// Only credentials whose `field` has this value (added to the filter), such as
    /// `("connectorConfigName", "atlan-connectors-snowflake")`.
    pub fn filter(mut self, field: impl Into<String>, value: impl Into<Value>) -> Self {
        self.filter
            .get_or_insert_with(Map::new)
            .insert(field.into(), value.into());
        self
    }

    /// At most `limit` credentials.
    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Skips `offset` credentials.
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = Some(offset);
        self
    }

    /// Only the credential of this workflow (its name, as pyatlan derives it, is added to the
    /// filter).
    pub fn workflow(mut self, workflow_name: impl Into<String>) -> Self {
        self.workflow_name = Some(workflow_name.into());
        self
    }

    fn request(&self) -> ApiRequest {
        let mut filter = self.filter.clone();
        if let Some(workflow_name) = &self.workflow_name {
            filter
                .get_or_insert_with(Map::new)
                .extend(requests::workflow_filter(workflow_name));
        }
        requests::list(filter.as_ref(), self.limit, self.offset)
    }

    /// Lists them.
    ///
    /// # Errors
    /// [`Error::Api`] for a filter key the server does not know (400); otherwise as
    /// [`AtlanClient::execute`].
    pub async fn send(self) -> Result<Vec<CredentialResponse>> {
        let response: CredentialListResponse = self.client.execute_json(&self.request()).await?;
        Ok(response.records)
    }
}

awaitable!(CredentialList, Vec<CredentialResponse>);
