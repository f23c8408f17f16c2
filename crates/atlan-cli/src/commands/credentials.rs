//! `atlan credentials create | get | list | test | update | purge`.
//!
//! Passwords and `extra` values are never printed: not in results, not in dry runs, not in errors.

use atlan_workflows::CredentialQuery;
use atlan_workflows::requests::credentials as requests;
use serde_json::json;

use super::Env;
use crate::cli::{CredentialInput, CredentialsCommand};
use crate::error::CliError;
use crate::input;
use crate::rows::{self, CREDENTIAL_COLUMNS, TEST_COLUMNS};

/// Runs `atlan credentials …`.
pub(crate) async fn run(command: CredentialsCommand, env: &mut Env) -> Result<(), CliError> {
    match command {
        CredentialsCommand::Create { input, no_test } => {
            let credential = read(&input)?;
            if env.dry_run() {
                return env.show(&requests::create(&credential, !no_test)?);
            }
            let created = env
                .client()
                .await?
                .credentials()
                .create(&credential, !no_test)
                .await?;
            env.printer
                .records(CREDENTIAL_COLUMNS, &[rows::credential(&created)])
        }
        CredentialsCommand::Get { guid } => {
            if env.dry_run() {
                return env.show(&requests::get(&guid)?);
            }
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
            let mut query = CredentialQuery::new();
            for (field, value) in filter.into_iter().flatten() {
                query = query.filter(field, value);
            }
            if let Some(limit) = limit {
                query = query.limit(limit);
            }
            if let Some(offset) = offset {
                query = query.offset(offset);
            }
            if let Some(workflow) = workflow {
                query = query.workflow_name(workflow);
            }
            if env.dry_run() {
                return env.show(&query.request());
            }
            let credentials = env.client().await?.credentials().list(&query).await?;
            if credentials.is_empty() {
                env.printer.note("no credentials found");
                return Ok(());
            }
            let records: Vec<_> = credentials.iter().map(rows::credential).collect();
            env.printer.records(CREDENTIAL_COLUMNS, &records)
        }
        CredentialsCommand::Test { input } => {
            let credential = read(&input)?;
            if env.dry_run() {
                return env.show(&requests::test(&credential)?);
            }
            let test = env.client().await?.credentials().test(&credential).await?;
            env.printer
                .records(TEST_COLUMNS, &[rows::credential_test(&test)])?;
            if test.is_successful() {
                Ok(())
            } else {
                Err(CliError::TestFailed {
                    reason: failure_reason(&test),
                    before_update: false,
                })
            }
        }
        CredentialsCommand::Update { input } => {
            let credential = read(&input)?;
            if credential.id.as_deref().is_none_or(str::is_empty) {
                return Err(CliError::Usage(format!(
                    "{}: an update needs the credential's \"id\"",
                    input.file.display()
                )));
            }
            if env.dry_run() {
                // The test comes first; the update is sent only if it passes.
                return env.show(&requests::test(&credential)?);
            }
            let credentials = env.client().await?.credentials();
            let test = credentials.test(&credential).await?;
            if !test.is_successful() {
                return Err(CliError::TestFailed {
                    reason: failure_reason(&test),
                    before_update: true,
                });
            }
            let updated = credentials.update(&credential).await?;
            env.printer
                .records(CREDENTIAL_COLUMNS, &[rows::credential(&updated)])
        }
        CredentialsCommand::Purge { guid } => {
            if env.dry_run() {
                return env.show(&requests::purge(&guid)?);
            }
            env.client().await?.credentials().purge(&guid).await?;
            env.printer.message(
                &format!("credential {guid} purged"),
                &json!({ "id": guid, "purged": true }),
            )
        }
    }
}

fn read(input: &CredentialInput) -> Result<atlan_workflows::Credential, CliError> {
    input::credential_file(&input.file, input.password_stdin)
}

fn failure_reason(test: &atlan_workflows::CredentialTestResponse) -> String {
    test.reason().unwrap_or("no reason given").to_owned()
}
