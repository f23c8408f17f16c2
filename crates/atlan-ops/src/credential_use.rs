//! Which workflows of both APIs use a credential: what purging it would break. A legacy workflow
//! uses it through its `credential-guid` parameter, an app workflow through its `credential_guid`
//! input (or its connection's default credential). An API the tenant would not list is said so:
//! its workflows may use it too.

use atlan_workflows::Paginated;
use atlan_workflows::{AtlanClient, Error, Result};

use crate::fetch::not_served;
use crate::uses;
use crate::view::Api;

/// The workflows that use a credential, and the APIs whose workflows could not all be read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CredentialUse {
    /// Each workflow that uses it: its API and name (or slug).
    pub workflows: Vec<(Api, String)>,
    /// Each API whose workflows could not all be read, and why.
    pub unread: Vec<(Api, String)>,
}

impl CredentialUse {
    /// Whether nothing uses it, as far as every API could be read.
    pub fn is_unused(&self) -> bool {
        self.workflows.is_empty() && self.unread.is_empty()
    }
}

/// The workflows of both APIs that use the credential `guid` (read-only: both APIs' workflows
/// page by page).
///
/// # Errors
/// The first failure of a read, other than an API the tenant does not serve (that one is in
/// [`CredentialUse::unread`]).
pub async fn credential_use(client: &AtlanClient, guid: &str) -> Result<CredentialUse> {
    let (legacy, apps) = futures_util::future::join(
        client.workflows().every().all(),
        crate::fetch::every_app_workflow(client).all(),
    )
    .await;
    let mut found = CredentialUse::default();
    match legacy {
        Ok(workflows) => found.workflows.extend(
            workflows
                .iter()
                .filter(|hit| uses::legacy_credential(&hit.source.spec).as_deref() == Some(guid))
                .map(|hit| (Api::Legacy, hit.name().to_owned())),
        ),
        Err(error) => found.unread.push((Api::Legacy, unread(error)?)),
    }
    match apps {
        Ok(workflows) => found
            .workflows
            .extend(workflows.iter().filter_map(|workflow| {
                let inputs = workflow.stored_inputs()?;
                (uses::app_credential(&inputs).as_deref() == Some(guid))
                    .then(|| (Api::Apps, workflow.slug.clone().unwrap_or_default()))
            })),
        Err(error) => found.unread.push((Api::Apps, unread(error)?)),
    }
    found.workflows.sort();
    Ok(found)
}

/// Why an API's workflows were not read, when the tenant does not serve it; else the error.
fn unread(error: Error) -> Result<String> {
    if not_served(&error) {
        Ok(format!("the tenant answered 404 ({error})"))
    } else {
        Err(error)
    }
}
