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
