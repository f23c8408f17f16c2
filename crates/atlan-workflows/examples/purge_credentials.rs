//! "Hard-delete a workflow credential".
//!
//! `cargo run -p atlan-workflows --example purge_credentials [CREDENTIAL_GUID]`

#![allow(clippy::print_stdout)]

mod common;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let connection = common::connect().await?;
    let guid = connection.arg("credential GUID", common::CREDENTIAL);
    connection.client.credentials().purge(&guid).await?;
    println!("purged {guid}");
    match connection.client.credentials().get(&guid).await {
        Err(error) if error.is_not_found() => println!("it is gone"),
        other => println!("unexpected: {other:?}"),
    }
    Ok(())
}
