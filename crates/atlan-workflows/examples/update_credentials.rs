//! "Update workflow source credentials": get a credential, change it, test it, and update it only
//! when the test passes.
//!
//! `cargo run -p atlan-workflows --example update_credentials [CREDENTIAL_GUID]`

#![allow(clippy::print_stdout)]

mod common;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let connection = common::connect().await?;
    let guid = connection.arg("credential GUID", common::CREDENTIAL);
    let credentials = connection.client.credentials();

    let mut credential = credentials.get(&guid).await?.to_credential();
    credential.auth_type = Some("basic".into());
    credential.username = Some("username".into());
    credential
        .set_password(std::env::var("SNOWFLAKE_PASSWORD").unwrap_or_else(|_| "password".into()));
    credential.insert_extra("role", "role-here");
    credential.insert_extra("warehouse", "warehouse-here");

    let test = credentials.test(&credential).await?;
    println!(
        "test: {}",
        if test.is_successful() {
            "successful"
        } else {
            "failed"
        }
    );
    let updated = credentials.test_and_update(&credential).await?;
    println!(
        "updated {} (version {})",
        updated.id,
        updated.version.as_deref().unwrap_or("?")
    );
    Ok(())
}
