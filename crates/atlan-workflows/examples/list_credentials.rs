//! "Retrieve all workflow credentials": everything, a filtered page, and a workflow's credential.
//!
//! `cargo run -p atlan-workflows --example list_credentials`

#![allow(clippy::print_stdout)]

mod common;

use atlan_workflows::CredentialQuery;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let connection = common::connect().await?;
    let credentials = connection.client.credentials();

    let all = credentials.list(&CredentialQuery::new()).await?;
    println!("{} credentials", all.len());

    let snowflake = CredentialQuery::new()
        .filter("connector", "snowflake")
        .limit(5)
        .offset(0);
    for credential in credentials.list(&snowflake).await? {
        println!(
            "snowflake: {} {}",
            credential.id,
            credential.name.as_deref().unwrap_or("?")
        );
    }

    let of_crawler = CredentialQuery::new().workflow_name(common::CRAWLER);
    for credential in credentials.list(&of_crawler).await? {
        println!("{}'s credential: {}", common::CRAWLER, credential.id);
    }
    Ok(())
}
