//! A sandbox for each test and a client for it over loopback HTTP; the shared helpers (clock,
//! sandbox start-up, fast retries, the request recorder) come from `atlan-testkit`.

#![allow(
    dead_code,
    unused_imports,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used
)]

use atlan_sandbox::{ManualClock, SandboxHandle};
use atlan_workflows::{AtlanClient, AtlanClientBuilder};

pub use atlan_testkit::{
    CRAWLER, MINER, Recorder, SNOWFLAKE_CREDENTIAL, clock, quick_retries, sandbox_with,
};

/// A client builder for a sandbox.
pub fn builder(sandbox: &SandboxHandle) -> AtlanClientBuilder {
    AtlanClient::builder()
        .base_url(sandbox.base_url())
        .api_key(sandbox.api_key())
        .retry(quick_retries())
}

/// A sandbox with the default seed and a client for it.
pub async fn start() -> (ManualClock, SandboxHandle, AtlanClient) {
    let clock = clock();
    let sandbox = sandbox_with(&clock, |builder| builder).await;
    let client = builder(&sandbox).build().unwrap();
    (clock, sandbox, client)
}

/// The name of a Running run of the default seed's miner (it has one).
pub async fn running_miner_run(client: &AtlanClient) -> String {
    let running = client
        .runs()
        .list(MINER)
        .phase(atlan_workflows::WorkflowPhase::Running)
        .page()
        .await
        .unwrap();
    running.items[0].name().to_owned()
}

/// A fixture of the workspace, as JSON.
pub use atlan_testkit::fixtures::json as fixture;

/// Inputs of a snowflake-crawler app workflow, with a credential to vault.
pub fn app_inputs() -> atlan_workflows::model::AppInputs {
    atlan_workflows::model::AppInputs::from_map(
        serde_json::json!({
            "connection": {"typeName": "Connection", "attributes": {"qualifiedName": "default/snowflake/1767225600", "connectorName": "snowflake"}},
            "extraction_method": "direct", "credential_guid": "", "enable_lineage": false,
            "credential": {"authType": "basic", "name": "c", "connectorConfigName": "atlan-connectors-snowflake",
                           "host": "h", "port": 443, "username": "u", "password": "sentinel-app-secret"},
        })
        .as_object()
        .unwrap()
        .clone(),
    )
}
