//! A workflow named by a person, on either API: a legacy workflow's name, an app workflow's slug
//! or its display name, or a pattern (`*`, `?`) over all of those.

use atlan_workflows::{AtlanClient, Result};
use futures_util::TryStreamExt;

use crate::fetch::not_served;
use crate::glob::Glob;
use crate::selection::ApiChoice;
use crate::view::Api;

/// A workflow a name or pattern matched.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct WorkflowRef {
    /// Its API.
    pub api: Api,
    /// How that API names it: a legacy workflow's name, an app workflow's slug.
    pub id: String,
}

/// The workflows of the chosen APIs that `pattern` names, sorted and without repeats.
///
/// A plain name is taken as a legacy workflow's name as it is (no request: a legacy listing of a
/// workflow that does not exist is empty) and looked up as an app workflow's slug, then as the
/// name of exactly one app workflow. A pattern is matched against every legacy workflow's name and
/// every app workflow's slug and name (each read page by page). An API the tenant does not serve
/// matches nothing when both are chosen.
///
/// # Errors
/// The first failure of a read, other than an API the tenant does not serve with
/// [`ApiChoice::All`].
pub async fn matching(
    client: &AtlanClient,
    pattern: &Glob,
    api: ApiChoice,
) -> Result<Vec<WorkflowRef>> {
    let legacy = async {
        if !api.includes(Api::Legacy) {
            return Ok(Vec::new());
        }
        if let Some(name) = pattern.literal() {
            return Ok(vec![name.to_owned()]);
        }
        client
            .workflows()
            .every()
            .stream()
            .try_filter_map(|hit| async move {
                Ok(pattern.matches(hit.name()).then(|| hit.name().to_owned()))
            })
            .try_collect()
            .await
    };
    let apps = async {
        if !api.includes(Api::Apps) {
            return Ok(Vec::new());
        }
        if let Some(name) = pattern.literal() {
            return Ok(crate::fetch::app_slug(client, name)
                .await?
                .into_iter()
                .collect());
        }
        client
            .apps()
            .workflows()
            .list()
            .stream()
            .try_filter_map(|workflow| async move {
                let named = [&workflow.slug, &workflow.name]
                    .into_iter()
                    .flatten()
                    .any(|text| pattern.matches(text));
                Ok(workflow.slug.filter(|_| named))
            })
            .try_collect()
            .await
    };
    let (legacy, apps) = futures_util::future::join(legacy, apps).await;
    let mut matched = Vec::new();
    for (kind, read) in [(Api::Legacy, legacy), (Api::Apps, apps)] {
        match read {
            Ok(ids) => matched.extend(ids.into_iter().map(|id| WorkflowRef { api: kind, id })),
            Err(error) if api == ApiChoice::All && not_served(&error) => {}
            Err(error) => return Err(error),
        }
    }
    matched.sort();
    matched.dedup();
    Ok(matched)
}
