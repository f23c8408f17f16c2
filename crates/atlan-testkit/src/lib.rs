//! Shared test helpers of the atlan-rs workspace (`publish = false`): what every crate's tests
//! used to copy. With the default feature `sandbox`: the clock the default seed is placed on
//! ([`clock`]), a sandbox on it ([`sandbox_with`]), retries that never wait ([`quick_retries`]) and
//! a layer that records every request ([`Recorder`]); always: the workspace's [`fixtures`] and the
//! official Python SDK in a venv ([`pyatlan`]), for the compat runs and the benchmarks, the venvs
//! themselves ([`venv`]: pyatlan's and maturin's), a tool's process run to its end ([`command`]), plain
//! [`http`] for the tools that talk to a server process, and what `/proc` says of one
//! ([`process`]).
//!
//! Tests still never sleep on the wall clock: the sandbox runs on a [`ManualClock`] they advance.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod command;
pub mod fixtures;
pub mod http;
pub mod process;
pub mod pyatlan;
#[cfg(feature = "sandbox")]
mod recorder;
#[cfg(feature = "sandbox")]
mod sandbox;
pub mod server;
pub mod venv;

#[cfg(feature = "sandbox")]
pub use atlan_sandbox::ManualClock;
#[cfg(feature = "sandbox")]
pub use recorder::{Recorded, Recorder, Recording};
#[cfg(feature = "sandbox")]
pub use sandbox::{CLOCK_START, clock, quick_retries, sandbox_with};

/// The default seed's legacy miner workflow.
pub const MINER: &str = "atlan-snowflake-miner-1714638976";
/// The default seed's legacy crawler workflow.
pub const CRAWLER: &str = "atlan-snowflake-1714638976";
/// The default seed's Snowflake credential (the crawler's).
pub const SNOWFLAKE_CREDENTIAL: &str = "972a87c1-28d7-8bf2-896d-ea5bd3e9c691";
