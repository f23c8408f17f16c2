//! "Retrieve all workflow credentials": everything, a filtered page, and a workflow's credential.
//!
//! `cargo run -p atlan-workflows --example list_credentials`

#![allow(clippy::print_stdout)]

mod common;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let connection = common::connect().await?;
    let credentials = connection.client.credentials();

    let all = credentials.list().await?;
    println!("{} credentials", all.len());

    let snowflake = credentials
        .list()
        .filter("connector", "snowflake")
        .limit(5)
        .offset(0);
    for credential in snowflake.await? {
        println!(
            "snowflake: {} {}",
            credential.id,
            credential.name.as_deref().unwrap_or("?")
        );
    }

    for credential in credentials.list().workflow(common::CRAWLER).await? {
        println!("{}'s credential: {}", common::CRAWLER, credential.id);
    }
    Ok(())
}
