//! What the tenant tests share: a client of a test sandbox, every request recorded.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use atlan_sandbox::{ManualClock, SandboxHandle};
use atlan_testkit::{Recorder, clock, quick_retries, sandbox_with};
use atlan_workflows::AtlanClient;

/// A client of `sandbox` that retries without waiting and records every request in `recorder`.
pub fn client(sandbox: &SandboxHandle, recorder: &Recorder) -> AtlanClient {
    AtlanClient::builder()
        .base_url(sandbox.base_url())
        .api_key(sandbox.api_key())
        .retry(quick_retries())
        .with_layer(recorder.clone())
        .build()
        .unwrap()
}

/// A sandbox with the default seed on a manual clock, and a client of it recording its requests.
pub async fn tenant() -> (ManualClock, SandboxHandle, Recorder, AtlanClient) {
    let clock = clock();
    let sandbox = sandbox_with(&clock, |builder| builder).await;
    let recorder = Recorder::default();
    let client = client(&sandbox, &recorder);
    (clock, sandbox, recorder, client)
}

/// The default tenant with failures in three lineage waves: its planted ones (sources), and a
/// miner's and a BI tool's latest runs made to fail (each re-run once and ended on the clock).
pub async fn failing_tenant() -> (ManualClock, SandboxHandle, Recorder, AtlanClient) {
    use atlan_sandbox::FaultRule;
    let (clock, sandbox, recorder, client) = tenant().await;
    for workflow in [
        "atlan-snowflake-miner-1726992729",
        "atlan-powerbi-1723961202",
    ] {
        sandbox
            .faults()
            .add(FaultRule::fail_runs(workflow, "main: Error (exit code 1)").times(1))
            .unwrap();
        client.workflows().rerun(workflow).await.unwrap();
    }
    clock.advance(std::time::Duration::from_secs(60));
    recorder.clear();
    (clock, sandbox, recorder, client)
}
