//! `--workflow` values that name legacy workflows: a name is that workflow; a pattern (`*`, `?`)
//! names the tenant's legacy workflows it matches (read once per command, however many patterns, page by page).
//! A command about one workflow needs a pattern that matches exactly one.

use atlan_ops::Glob;
use atlan_workflows::{AtlanClient, Error};
use futures_util::TryStreamExt;

use crate::error::CliError;

/// How many matches a usage error lists.
const MAX_LISTED: usize = 10;

/// The tenant's legacy workflow names, read once (the first pattern that needs them reads them).
struct Tenant<'a> {
    client: &'a AtlanClient,
    names: Option<Vec<String>>,
}

impl<'a> Tenant<'a> {
    fn new(client: &'a AtlanClient) -> Self {
        Self {
            client,
            names: None,
        }
    }

    /// The legacy workflows `pattern` matches, sorted (a name: itself, without a request).
    async fn matching(&mut self, pattern: &Glob) -> Result<Vec<String>, CliError> {
        if let Some(name) = pattern.literal() {
            return Ok(vec![name.to_owned()]);
        }
        let names = match &mut self.names {
            Some(names) => names,
            unread => {
                let mut names: Vec<String> = self
                    .client
                    .workflows()
                    .every()
                    .stream()
                    .map_ok(|hit| hit.name().to_owned())
                    .try_collect()
                    .await?;
                names.sort();
                names.dedup();
                unread.insert(names)
            }
        };
        let matched: Vec<String> = names
            .iter()
            .filter(|name| pattern.matches(name))
            .cloned()
            .collect();
        if matched.is_empty() {
            return Err(CliError::Api(Error::NotFound {
                operation: "workflows",
                what: format!("a workflow matching `{}`", pattern.as_str()),
                body: None,
            }));
        }
        Ok(matched)
    }
}

/// The one legacy workflow `pattern` names.
///
/// # Errors
/// Not found (exit 3) when it matches none; a usage error listing them when it matches several.
pub(crate) async fn one(client: &AtlanClient, pattern: &Glob) -> Result<String, CliError> {
    let mut names = Tenant::new(client).matching(pattern).await?;
    if names.len() == 1 {
        return Ok(names.remove(0));
    }
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
    Err(CliError::Usage(format!(
        "`{}` matches {} workflows ({listed}): this command takes one",
        pattern.as_str(),
        names.len()
    )))
}

/// Every legacy workflow `patterns` name, each once, in their order.
///
/// # Errors
/// Not found (exit 3) when a pattern matches none.
pub(crate) async fn all(client: &AtlanClient, patterns: &[Glob]) -> Result<Vec<String>, CliError> {
    let mut tenant = Tenant::new(client);
    let mut names: Vec<String> = Vec::new();
    for pattern in patterns {
        for name in tenant.matching(pattern).await? {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    Ok(names)
}
