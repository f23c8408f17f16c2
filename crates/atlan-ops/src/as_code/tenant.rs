//! What a plan or an export reads of a tenant, through the facade, at once: every app workflow
//! (its name, slug and spec), every credential's name, and the input contract of each app the
//! files name.

use std::collections::{BTreeMap, BTreeSet};

use atlan_workflows::model::InputContract;
use atlan_workflows::{AtlanClient, Paginated, Result};
use futures_util::TryStreamExt;

use super::credentials::CredentialNames;
use super::document::AppSpec;
use super::export::app_state;
use super::legacy::{LegacyWorkflowState, legacy_state};
use crate::fetch::not_served;
use crate::selection::ApiChoice;
use crate::view::Api;

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
    /// Every legacy workflow, by name (none when they were not read).
    pub legacy: Vec<LegacyWorkflowState>,
    /// Every credential's name.
    pub credentials: CredentialNames,
}

impl Tenant {
    /// The legacy workflow named `name`.
    pub fn legacy_named(&self, name: &str) -> Option<&LegacyWorkflowState> {
        self.legacy.iter().find(|workflow| workflow.name == name)
    }

    /// The app workflows named `name`.
    pub fn apps_named(&self, name: &str) -> Vec<&AppWorkflowState> {
        self.apps.iter().filter(|app| app.name == name).collect()
    }
}

/// Reads every app workflow, every credential and (with `api` choosing it) every legacy
/// workflow of the tenant, the listings at once; an API the tenant does not serve has none when
/// both are chosen.
///
/// # Errors
/// The first failure of a listing.
pub async fn read(client: &AtlanClient, api: ApiChoice) -> Result<Tenant> {
    let apps = async {
        if !api.includes(Api::Apps) {
            return Ok(Vec::new());
        }
        served(api, crate::fetch::every_app_workflow(client).all().await)
    };
    let legacy = async {
        if !api.includes(Api::Legacy) {
            return Ok(Vec::new());
        }
        let every = client.workflows().every().stream();
        served(
            api,
            every.map_ok(|hit| legacy_state(&hit)).try_collect().await,
        )
    };
    let credentials = client.credentials().list().all();
    let (apps, legacy, credentials) =
        futures_util::future::try_join3(apps, legacy, credentials).await?;
    let mut apps: Vec<AppWorkflowState> = apps
        .iter()
        .filter_map(app_state)
        .map(|(name, slug, spec)| AppWorkflowState { name, slug, spec })
        .collect();
    apps.sort_by(|a, b| (&a.name, &a.slug).cmp(&(&b.name, &b.slug)));
    let mut legacy: Vec<LegacyWorkflowState> = legacy;
    legacy.sort_by(|a, b| a.name.cmp(&b.name));
    let credentials = CredentialNames::new(
        credentials
            .iter()
            .filter_map(|credential| Some((credential.id.as_str(), credential.name.as_deref()?))),
    );
    Ok(Tenant {
        apps,
        legacy,
        credentials,
    })
}

/// The APIs a plan of `documents` reads: the legacy one only when a file is of a legacy workflow.
pub fn apis_of(documents: &[(String, super::document::Document)]) -> ApiChoice {
    if documents
        .iter()
        .any(|(_, document)| document.api() == Api::Legacy)
    {
        ApiChoice::All
    } else {
        ApiChoice::Apps
    }
}

/// A listing's answer; empty when its API is not served and both are chosen.
fn served<T>(api: ApiChoice, read: Result<Vec<T>>) -> Result<Vec<T>> {
    match read {
        Err(error) if api == ApiChoice::All && not_served(&error) => Ok(Vec::new()),
        other => other,
    }
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
