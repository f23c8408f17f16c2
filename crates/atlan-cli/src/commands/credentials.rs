//! `atlanctl credentials create | get | list | test (--file or --id) | update | purge`.
//!
//! Passwords and `extra` values are never printed: not in results, not in dry runs, not in errors.

use atlan_workflows::CredentialTestResponse;
use serde_json::{Map, Value, json};

use super::polling::say;
use crate::cli::{CredentialInput, CredentialsCommand, Paging};
use crate::context::Env;
use crate::error::CliError;
use crate::input;
use crate::listing::{self, Owner, Shown};
use crate::rows::{self, CREDENTIAL_COLUMNS, TEST_COLUMNS};

/// Runs `atlanctl credentials …`.
pub(crate) async fn run(command: CredentialsCommand, env: &mut Env) -> Result<(), CliError> {
    match command {
        CredentialsCommand::Create { input, no_test } => create(&input, no_test, env).await,
        CredentialsCommand::Get { guid } => get(&guid, env).await,
        CredentialsCommand::List {
            filter,
            workflow,
            paging,
        } => list(filter, workflow, paging, env).await,
        CredentialsCommand::Test {
            id: Some(guid),
            file: _,
            password_stdin: _,
        } => test_stored(&guid, env).await,
        CredentialsCommand::Test {
            id: None,
            file,
            password_stdin,
        } => {
            let file = file.ok_or_else(|| CliError::Usage("give --file F or --id GUID".into()))?;
            let input = CredentialInput {
                file,
                password_stdin,
            };
            test(&input, env).await
        }
        CredentialsCommand::Update { input } => update(&input, env).await,
        CredentialsCommand::Purge { guid, yes, force } => purge(&guid, yes, force, env).await,
    }
}

async fn get(guid: &str, env: &mut Env) -> Result<(), CliError> {
    let credential = env.client().await?.credentials().get(guid).await?;
    env.printer
        .records(CREDENTIAL_COLUMNS, &[rows::credential(&credential)])
}

async fn list(
    filter: Option<Map<String, Value>>,
    workflow: Option<atlan_ops::Glob>,
    paging: Paging,
    env: &mut Env,
) -> Result<(), CliError> {
    let client = env.client().await?;
    let workflow = match &workflow {
        Some(pattern) => Some(crate::workflow_names::one(&client, pattern).await?),
        None => None,
    };
    let mut list = client
        .credentials()
        .list()
        .from(paging.from)
        .size(paging.size)
        .concurrency(paging.concurrency);
    for (field, value) in filter.into_iter().flatten() {
        list = list.filter(field, value);
    }
    if let Some(workflow) = &workflow {
        list = list.workflow(workflow.clone());
    }
    let shown = Shown {
        noun: "credentials",
        columns: CREDENTIAL_COLUMNS,
        row: |credential, _| rows::credential(credential).row,
        json: |credential| rows::credential(credential).json,
        line: None,
        owner: workflow.map(Owner::Workflow),
    };
    listing::print(list, paging.all, shown, env).await
}

/// Purges a credential: found, used by no workflow of either API (unless `force`), and agreed to
/// (a dry run asks nothing and shows the request).
async fn purge(guid: &str, yes: bool, force: bool, env: &mut Env) -> Result<(), CliError> {
    let client = env.client().await?;
    let preview = env.is_dry_run();
    if !preview || !force {
        let credential = client.credentials().get(guid).await?;
        let named = format!(
            "credential {guid} ({}, {})",
            credential.name.as_deref().unwrap_or("no name"),
            credential
                .connector_config_name
                .as_deref()
                .unwrap_or("no connector")
        );
        if !force {
            let users = atlan_ops::credential_use(&client, guid).await?;
            in_use(&named, &users)?;
            say(&format!("{named}: no workflow of either API uses it"));
        }
        if !preview
            && !crate::confirm::confirm(
                &format!("purge {named}? It cannot be undone."),
                &format!("{named} would be purged"),
                yes,
            )?
        {
            say("nothing was changed");
            return Ok(());
        }
    }
    match client.credentials().purge(guid).await {
        Err(atlan_workflows::Error::DryRun { request }) if preview && !force => {
            env.show(&request)?;
            say("dry run: 1 request would change something; nothing was sent");
            return Ok(());
        }
        purged => purged?,
    };
    env.printer.message(
        &format!("credential {guid} purged"),
        &json!({ "id": guid, "purged": true }),
    )
}

/// The refusal to purge a credential that workflows use (or may use: an API that could not be
/// read), naming them.
fn in_use(named: &str, users: &atlan_ops::CredentialUse) -> Result<(), CliError> {
    if users.is_unused() {
        return Ok(());
    }
    let mut reasons = Vec::new();
    if !users.workflows.is_empty() {
        let listed: Vec<String> = users
            .workflows
            .iter()
            .map(|(api, workflow)| format!("{workflow} ({})", api.as_str()))
            .collect();
        reasons.push(format!(
            "{} workflow(s) use it: {}",
            listed.len(),
            listed.join(", ")
        ));
    }
    for (api, why) in &users.unread {
        reasons.push(format!(
            "the {} API's workflows could not be read, so they may use it: {why}",
            api.as_str()
        ));
    }
    Err(CliError::Refused(format!(
        "{named} was not purged: {}; change them first, or pass --force to purge it anyway",
        reasons.join("; ")
    )))
}

async fn create(input: &CredentialInput, no_test: bool, env: &mut Env) -> Result<(), CliError> {
    let credential = read(input)?;
    let credentials = env.client().await?.credentials();
    let mut create = credentials.create(&credential);
    if no_test {
        create = create.without_test();
    }
    let created = create.await?;
    env.printer
        .records(CREDENTIAL_COLUMNS, &[rows::credential(&created)])
}

/// A failed test is printed, then exits 1.
async fn test(input: &CredentialInput, env: &mut Env) -> Result<(), CliError> {
    let credential = read(input)?;
    let test = env.client().await?.credentials().test(&credential).await?;
    print_test(&test, env)
}

/// The stored credential tested with what the server holds; a failed test exits 1.
async fn test_stored(guid: &str, env: &mut Env) -> Result<(), CliError> {
    let test = env.client().await?.credentials().test_by_id(guid).await?;
    print_test(&test, env)
}

fn print_test(test: &CredentialTestResponse, env: &mut Env) -> Result<(), CliError> {
    env.printer
        .records(TEST_COLUMNS, &[rows::credential_test(test)])?;
    if test.is_successful() {
        Ok(())
    } else {
        Err(CliError::TestFailed {
            reason: test.reason().unwrap_or("no reason given").to_owned(),
        })
    }
}

/// Tests, then stores only if the test passed (the facade's test and update).
async fn update(input: &CredentialInput, env: &mut Env) -> Result<(), CliError> {
    let credential = read(input)?;
    if credential.id.as_deref().is_none_or(str::is_empty) {
        return Err(CliError::Usage(format!(
            "{}: an update needs the credential's \"id\"",
            input.file.display()
        )));
    }
    let updated = env
        .client()
        .await?
        .credentials()
        .test_and_update(&credential)
        .await?;
    env.printer
        .records(CREDENTIAL_COLUMNS, &[rows::credential(&updated)])
}

fn read(input: &CredentialInput) -> Result<atlan_workflows::Credential, CliError> {
    input::credential_file(&input.file, input.password_stdin)
}
