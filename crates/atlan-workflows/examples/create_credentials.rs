//! "Create workflow credentials": a Snowflake basic credential, tested by the server first.
//!
//! `cargo run -p atlan-workflows --example create_credentials`

#![allow(clippy::print_stdout)]

mod common;

use atlan_workflows::Credential;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let connection = common::connect().await?;
    let mut credential = Credential::new("snowflake-credential-from-rust");
    credential.connector_config_name = Some("atlan-connectors-snowflake".into());
    credential.connector = Some("snowflake".into());
    credential.auth_type = Some("basic".into());
    credential.host = Some("test-host".into());
    credential.port = Some(1234);
    credential.username = Some("username".into());
    credential
        .set_password(std::env::var("SNOWFLAKE_PASSWORD").unwrap_or_else(|_| "password".into()));
    credential.insert_extra("role", "role-here");
    credential.insert_extra("warehouse", "warehouse-here");
    println!("creating {credential:?}"); // secrets are redacted

    let created = connection
        .client
        .credentials()
        .create(&credential) // tested by the server first; stored only if it passes
        .await?;
    println!(
        "created credential {} ({})",
        created.id,
        created.name.as_deref().unwrap_or("?")
    );
    Ok(())
}
