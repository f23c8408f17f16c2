//! What the tenant tests share: a client of a test sandbox, every request recorded.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use atlan_sandbox::SandboxHandle;
use atlan_testkit::{Recorder, quick_retries};
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
