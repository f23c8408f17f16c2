//! `atlan credentials create | get | list | test | update | purge`.
//!
//! Passwords and `extra` values are never printed: not in results, not in dry runs, not in errors.

use atlan_workflows::CredentialResponse;
use serde_json::json;

use super::Env;
use crate::cli::{CredentialInput, CredentialsCommand};
use crate::error::CliError;
use crate::input;
use crate::rows::{self, CREDENTIAL_COLUMNS, TEST_COLUMNS};

/// Runs `atlan credentials …`.
pub(crate) async fn run(command: CredentialsCommand, env: &mut Env) -> Result<(), CliError> {
    match command {
        CredentialsCommand::Create { input, no_test } => create(&input, no_test, env).await,
        CredentialsCommand::Get { guid } => {
            let credential = env.client().await?.credentials().get(&guid).await?;
            env.printer
                .records(CREDENTIAL_COLUMNS, &[rows::credential(&credential)])
        }
        CredentialsCommand::List {
            filter,
            limit,
            offset,
            workflow,
        } => {
            let mut list = env.client().await?.credentials().list();
            for (field, value) in filter.into_iter().flatten() {
                list = list.filter(field, value);
            }
            if let Some(limit) = limit {
                list = list.limit(limit);
            }
            if let Some(offset) = offset {
                list = list.offset(offset);
            }
            if let Some(workflow) = workflow {
                list = list.workflow(workflow);
            }
            print_list(&list.await?, env)
        }
        CredentialsCommand::Test { input } => test(&input, env).await,
        CredentialsCommand::Update { input } => update(&input, env).await,
        CredentialsCommand::Purge { guid } => {
            env.client().await?.credentials().purge(&guid).await?;
            env.printer.message(
                &format!("credential {guid} purged"),
                &json!({ "id": guid, "purged": true }),
            )
        }
    }
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

fn print_list(credentials: &[CredentialResponse], env: &mut Env) -> Result<(), CliError> {
    if credentials.is_empty() {
        env.printer.note("no credentials found");
        return Ok(());
    }
    let records: Vec<_> = credentials.iter().map(rows::credential).collect();
    env.printer.records(CREDENTIAL_COLUMNS, &records)
}

/// A failed test is printed, then exits 1.
async fn test(input: &CredentialInput, env: &mut Env) -> Result<(), CliError> {
    let credential = read(input)?;
    let test = env.client().await?.credentials().test(&credential).await?;
    env.printer
        .records(TEST_COLUMNS, &[rows::credential_test(&test)])?;
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
