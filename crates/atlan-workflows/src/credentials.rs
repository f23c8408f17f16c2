//! [`Credentials`]: create (with a test), get, list, test, test a stored one by its GUID, test
//! and update, update, purge.

use atlan_model::{Credential, CredentialListResponse, CredentialResponse, CredentialTestResponse};
use serde_json::{Map, Value};

use atlan_query::Timestamp;
use futures_util::FutureExt;

use crate::client::AtlanClient;
use crate::error::{Error, Result};
use crate::listing::{Listing, ListingQuery};
use crate::paging::ahead::{Anchor, Fetched, Fetching};
use crate::requests::credentials as requests;
use crate::sealed::Sealed;

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
    pub fn create(&self, credential: &Credential) -> CreateCredential {
        CreateCredential {
            client: self.client.clone(),
            credential: credential.clone(),
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

    /// Stored credentials: every one, or those matching `.filter(..)`, `.workflow(..)`; a page
    /// with `.size(..)` and `.from(..)` (sent as `limit` and `offset`), or all of them with
    /// `.stream()`.
    ///
    /// ```no_run
    /// use atlan_workflows::AtlanClient;
    ///
    /// # async fn example(client: AtlanClient) -> atlan_workflows::Result<()> {
    /// let snowflake = client
    ///     .credentials()
    ///     .list()
    ///     .filter("connectorConfigName", "atlan-connectors-snowflake")
    ///     .size(10)
    ///     .page()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn list(&self) -> CredentialList {
        Listing::new(self.client.clone(), StoredCredentials::default())
    }

    /// Tests a credential without storing it; [`CredentialTestResponse::is_successful`] tells.
    ///
    /// # Errors
    /// As [`AtlanClient::execute`].
    pub async fn test(&self, credential: &Credential) -> Result<CredentialTestResponse> {
        self.client.execute_json(&requests::test(credential)?).await
    }

    /// Tests a stored credential by its GUID (`POST credentials/{guid}/test`), with what the
    /// server holds: nothing secret is sent.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty or dot-segment id; [`Error::NotFound`] for an unknown
    /// one; otherwise as [`AtlanClient::execute`].
    pub async fn test_by_id(&self, id: &str) -> Result<CredentialTestResponse> {
        self.client.execute_json(&requests::test_by_id(id)?).await
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
pub struct CreateCredential {
    client: AtlanClient,
    credential: Credential,
    test: bool,
}

impl CreateCredential {
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
            requests::create(&self.credential)?
        } else {
            requests::create_untested(&self.credential)?
        };
        self.client.execute_json(&request).await
    }
}

awaitable!(CreateCredential, CredentialResponse);

/// Stored credentials by filter: the query of a [`CredentialList`].
#[derive(Debug, Clone, Default)]
pub struct StoredCredentials {
    filter: Option<Map<String, Value>>,
    workflow_name: Option<String>,
}

impl Sealed for StoredCredentials {}

impl ListingQuery for StoredCredentials {
    type Item = CredentialResponse;
    type Ready = Option<Map<String, Value>>;

    fn operation(&self) -> &'static str {
        "credentials.list"
    }

    fn ready(&self, _from: u64, _size: u64) -> Result<Self::Ready> {
        let mut filter = self.filter.clone();
        if let Some(workflow_name) = &self.workflow_name {
            filter
                .get_or_insert_with(Map::new)
                .extend(requests::workflow_filter(workflow_name));
        }
        Ok(filter)
    }

    fn anchored(_: &Self::Ready) -> bool {
        false
    }

    fn fetch(
        client: &AtlanClient,
        _operation: &'static str,
        filter: &Self::Ready,
        _anchor: Option<Anchor>,
        from: u64,
        size: u64,
    ) -> Fetching<CredentialResponse> {
        let request = requests::list(filter.as_ref(), Some(size), Some(from));
        let client = client.clone();
        async move {
            let (response, throttled): (CredentialListResponse, bool) =
                client.execute_json_noting_throttling(&request).await?;
            Ok(Fetched {
                items: response.records,
                total: None,
                throttled,
            })
        }
        .boxed()
    }

    fn id(credential: &CredentialResponse) -> Option<&str> {
        Some(&credential.id)
    }

    fn created(_: &CredentialResponse) -> Option<Timestamp> {
        None
    }
}

/// Stored credentials, a page at a time (`limit` and `offset` on the wire); from
/// [`Credentials::list`]. Set the filter and the page, then fetch `.page()`, `.pages()` or
/// `.stream()` (see [`Listing`]). The server gives no total: the stream ends at a short page.
pub type CredentialList = Listing<StoredCredentials>;

impl Listing<StoredCredentials> {
    /// Only credentials whose `field` has this value (added to the filter), such as
    /// `("connectorConfigName", "atlan-connectors-snowflake")`.
    pub fn filter(mut self, field: impl Into<String>, value: impl Into<Value>) -> Self {
        self.query
            .filter
            .get_or_insert_with(Map::new)
            .insert(field.into(), value.into());
        self
    }

    /// Only the credential of this workflow (its name, as pyatlan derives it, is added to the
    /// filter).
    pub fn workflow(mut self, workflow_name: impl Into<String>) -> Self {
        self.query.workflow_name = Some(workflow_name.into());
        self
    }
}
