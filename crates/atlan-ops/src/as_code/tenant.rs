//! What a plan or an export reads of a tenant, through the facade, at once: every app workflow
//! (its name, slug and spec), every credential's name, and the input contract of each app the
//! files name.

use std::collections::{BTreeMap, BTreeSet};

use atlan_workflows::model::InputContract;
use atlan_workflows::{AtlanClient, Paginated, Result};

use super::credentials::CredentialNames;
use super::document::AppSpec;
use super::export::app_state;

/// Workflows per page of the app workflows listing (its most).
const APP_PAGE: u32 = 500;

/// An app workflow of the tenant.
#[derive(Debug, Clone, PartialEq)]
pub struct AppWorkflowState {
    /// Its display name: its identity in files.
    pub name: String,
    /// Its slug.
    pub slug: String,
    /// Its spec, credentials as GUIDs.
    pub spec: AppSpec,
}

/// What the tenant has.
#[derive(Debug, Clone, Default)]
pub struct Tenant {
    /// Every app workflow, by name then slug.
    pub apps: Vec<AppWorkflowState>,
    /// Every credential's name.
    pub credentials: CredentialNames,
}

impl Tenant {
    /// The app workflows named `name`.
    pub fn apps_named(&self, name: &str) -> Vec<&AppWorkflowState> {
        self.apps.iter().filter(|app| app.name == name).collect()
    }
}

/// Reads every app workflow and every credential of the tenant (the two listings at once).
///
/// # Errors
/// The first failure of a listing.
pub async fn read(client: &AtlanClient) -> Result<Tenant> {
    let apps = client.apps().workflows().list().limit(APP_PAGE).all();
    let credentials = client.credentials().list().all();
    let (apps, credentials) = futures_util::future::try_join(apps, credentials).await?;
    let mut apps: Vec<AppWorkflowState> = apps
        .iter()
        .filter_map(app_state)
        .map(|(name, slug, spec)| AppWorkflowState { name, slug, spec })
        .collect();
    apps.sort_by(|a, b| (&a.name, &a.slug).cmp(&(&b.name, &b.slug)));
    let credentials = CredentialNames::new(
        credentials
            .iter()
            .filter_map(|credential| Some((credential.id.as_str(), credential.name.as_deref()?))),
    );
    Ok(Tenant { apps, credentials })
}

/// An app and the entrypoint files name for it.
pub type ContractKey = (String, Option<String>);

/// The input contract of each app and entrypoint, or why it could not be read.
pub type Contracts = BTreeMap<ContractKey, std::result::Result<InputContract, String>>;

/// Reads the input contract of each of `apps` at once.
pub async fn contracts(client: &AtlanClient, apps: BTreeSet<ContractKey>) -> Contracts {
    let reads = apps.into_iter().map(|key| async move {
        let mut request = client.apps().input_contract(key.0.clone());
        if let Some(entrypoint) = &key.1 {
            request = request.entrypoint(entrypoint.clone());
        }
        let contract = request.send().await.map_err(|error| {
            if error.is_not_found() {
                format!("the tenant has no app `{}`", key.0)
            } else {
                format!(
                    "the input contract of `{}` could not be read: {error}",
                    key.0
                )
            }
        });
        (key, contract)
    });
    futures_util::future::join_all(reads)
        .await
        .into_iter()
        .collect()
}
