//! A `--workflow` value of a command about one workflow: a name is that workflow; a pattern (`*`,
//! `?`) must match exactly one of the tenant's workflows (read page by page): of the legacy API
//! ([`one`]), or of the chosen APIs ([`either`]).

use atlan_ops::{ApiChoice, Glob, WorkflowRef};
use atlan_workflows::{AtlanClient, Error};

use crate::error::CliError;

/// How many matches a usage error lists.
const MAX_LISTED: usize = 10;

/// The legacy workflows `pattern` matches, sorted (a name: itself, without a request).
///
/// # Errors
/// Not found (exit 3) when it matches none.
async fn matching(client: &AtlanClient, pattern: &Glob) -> Result<Vec<String>, CliError> {
    let matched = atlan_ops::workflow_ref::matching(client, pattern, ApiChoice::Legacy).await?;
    if matched.is_empty() {
        return Err(CliError::Api(Error::NotFound {
            operation: "workflows",
            what: format!("a workflow matching `{}`", pattern.as_str()),
            body: None,
        }));
    }
    Ok(matched.into_iter().map(|found| found.id).collect())
}

/// The one legacy workflow `pattern` names.
///
/// # Errors
/// Not found (exit 3) when it matches none; a usage error listing them when it matches several.
pub(crate) async fn one(client: &AtlanClient, pattern: &Glob) -> Result<String, CliError> {
    let mut names = matching(client, pattern).await?;
    if names.len() == 1 {
        return Ok(names.remove(0));
    }
    Err(several(pattern, &names))
}

/// The workflow `pattern` names on the chosen APIs: a name, the workflows of that name or slug
/// (a legacy workflow's name and an app workflow's slug may both be it); a pattern, the one
/// workflow of either API it matches (see [`atlan_ops::workflow_ref::matching`]).
///
/// # Errors
/// Not found (exit 3) when it matches none; a usage error listing them when a pattern matches
/// several.
pub(crate) async fn either(
    client: &AtlanClient,
    pattern: &Glob,
    api: ApiChoice,
) -> Result<Vec<WorkflowRef>, CliError> {
    let matched = atlan_ops::workflow_ref::matching(client, pattern, api).await?;
    if matched.is_empty() {
        let what = match pattern.literal() {
            Some(name) => format!("workflow `{name}`"),
            None => format!("a workflow matching `{}`", pattern.as_str()),
        };
        return Err(CliError::Api(Error::NotFound {
            operation: "workflows",
            what,
            body: None,
        }));
    }
    if pattern.literal().is_some() || matched.len() == 1 {
        return Ok(matched);
    }
    let names: Vec<String> = matched.iter().map(|found| found.id.clone()).collect();
    Err(several(pattern, &names))
}

/// The usage error of a pattern that matches several workflows (the first few named).
fn several(pattern: &Glob, names: &[String]) -> CliError {
    let more = names.len().saturating_sub(MAX_LISTED);
    let mut listed = names
        .iter()
        .take(MAX_LISTED)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if more > 0 {
        listed.push_str(&format!(" and {more} more"));
    }
    CliError::Usage(format!(
        "`{}` matches {} workflows ({listed}): this command takes one",
        pattern.as_str(),
        names.len()
    ))
}
