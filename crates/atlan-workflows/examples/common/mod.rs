//! What every example shares: a client for the tenant in `ATLAN_BASE_URL` / `ATLAN_API_KEY`, or,
//! when none is set, for a sandbox started in this process with the default seed.

#![allow(dead_code, unreachable_pub, clippy::print_stdout, clippy::print_stderr)]

use std::time::Duration;

use atlan_sandbox::{Sandbox, SandboxHandle};
use atlan_workflows::AtlanClient;

/// A workflow of the sandbox's default tenant: a Snowflake miner with runs in every phase.
pub const MINER: &str = "atlan-snowflake-miner-1714638976";
/// A Snowflake crawler of the default tenant.
pub const CRAWLER: &str = "atlan-snowflake-1714638976";
/// The crawler's credential in the default tenant.
pub const CREDENTIAL: &str = "972a87c1-28d7-8bf2-896d-ea5bd3e9c691";

/// A client, and the sandbox behind it when there is one (it stops when this is dropped).
pub struct Connection {
    pub client: AtlanClient,
    sandbox: Option<SandboxHandle>,
}

impl Connection {
    /// Whether the client talks to an in-process sandbox.
    pub fn is_sandbox(&self) -> bool {
        self.sandbox.is_some()
    }

    /// The first command-line argument; on the sandbox, `default` when there is none. Against a
    /// real tenant the argument is required: examples do not guess ids there.
    pub fn arg(&self, what: &str, default: &str) -> String {
        match std::env::args().nth(1) {
            Some(argument) => argument,
            None if self.is_sandbox() => default.to_owned(),
            None => {
                eprintln!("usage: give the {what} as the first argument");
                std::process::exit(2);
            }
        }
    }
}

/// Connects to `ATLAN_BASE_URL`, or starts a sandbox (runs last 1 s Pending and 2 s Running).
pub async fn connect() -> Result<Connection, Box<dyn std::error::Error>> {
    if std::env::var_os("ATLAN_BASE_URL").is_some() {
        return Ok(Connection {
            client: AtlanClient::from_env()?,
            sandbox: None,
        });
    }
    let sandbox = Sandbox::builder()
        // From noon UTC: the default tenant's scheduled runs (the crawler's starts at 20:37 UTC
        // and runs about 40 minutes) are never under way when an example starts.
        .clock(atlan_sandbox::StartedClock::noon_today())
        .run_durations(Duration::from_secs(1), Duration::from_secs(2))
        .start()
        .await?;
    println!(
        "(ATLAN_BASE_URL is not set: using a sandbox at {})",
        sandbox.base_url()
    );
    let client = AtlanClient::builder()
        .base_url(sandbox.base_url())
        .api_key(sandbox.api_key())
        .build()?;
    Ok(Connection {
        client,
        sandbox: Some(sandbox),
    })
}
