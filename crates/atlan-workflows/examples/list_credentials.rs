//! "Retrieve all workflow credentials": everything, a filtered page, and a workflow's credential.
//!
//! `cargo run -p atlan-workflows --example list_credentials`

#![allow(clippy::print_stdout)]

mod common;

use futures_util::TryStreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let connection = common::connect().await?;
    let credentials = connection.client.credentials();

    // Every credential, page after page (the stream ends at a short page).
    let all: Vec<_> = credentials.list().stream().try_collect().await?;
    println!("{} credentials", all.len());

    // One page: `size` and `from` are sent as `limit` and `offset`.
    let snowflake = credentials
        .list()
        .filter("connector", "snowflake")
        .size(5)
        .from(0)
        .page()
        .await?;
    for credential in snowflake.items {
        println!(
            "snowflake: {} {}",
            credential.id,
            credential.name.as_deref().unwrap_or("?")
        );
    }

    let page = credentials.list().workflow(common::CRAWLER).page().await?;
    for credential in page.items {
        println!("{}'s credential: {}", common::CRAWLER, credential.id);
    }
    Ok(())
}
