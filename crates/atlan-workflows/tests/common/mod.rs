//! A sandbox for each test, a client for it over loopback HTTP, and a layer that records requests.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use atlan_sandbox::{ManualClock, Sandbox, SandboxBuilder, SandboxHandle};
use atlan_workflows::transport::{RetryConfig, Transport, TransportError};
use atlan_workflows::{AtlanClient, AtlanClientBuilder};
use bytes::Bytes;
use tower::{Layer, Service, ServiceExt};

pub const MINER: &str = "atlan-snowflake-miner-1714638976";
pub const CRAWLER: &str = "atlan-snowflake-1714638976";
pub const SNOWFLAKE_CREDENTIAL: &str = "972a87c1-28d7-8bf2-896d-ea5bd3e9c691";

/// The sandbox's clock: the default seed's runs are placed relative to it.
pub fn clock() -> ManualClock {
    ManualClock::new("2026-06-15T12:00:00Z".parse().unwrap())
}

/// A started sandbox on `clock` (runs: 2 s Pending, 30 s Running), customised by `customise`.
pub async fn sandbox_with(
    clock: &ManualClock,
    customise: impl FnOnce(SandboxBuilder) -> SandboxBuilder,
) -> SandboxHandle {
    customise(
        Sandbox::builder()
            .clock(clock.clone())
            .run_durations(Duration::from_secs(2), Duration::from_secs(30)),
    )
    .start()
    .await
    .unwrap()
}

/// Retries without waits, so that no test sleeps.
pub fn quick_retries() -> RetryConfig {
    let mut retry = RetryConfig::default();
    retry.initial_backoff = Duration::ZERO;
    retry.max_backoff = Duration::ZERO;
    retry
}

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

/// `METHOD path?query` of every request that went through.
#[derive(Clone, Default)]
pub struct Recorder(Arc<Mutex<Vec<String>>>);

impl Recorder {
    pub fn requests(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }

    pub fn clear(&self) {
        self.0.lock().unwrap().clear();
    }
}

impl Layer<Transport> for Recorder {
    type Service = Recording;

    fn layer(&self, inner: Transport) -> Recording {
        Recording {
            inner,
            seen: self.clone(),
        }
    }
}

#[derive(Clone)]
pub struct Recording {
    inner: Transport,
    seen: Recorder,
}

impl Service<http::Request<Bytes>> for Recording {
    type Response = http::Response<Bytes>;
    type Error = TransportError;
    type Future = std::pin::Pin<
        Box<dyn Future<Output = Result<http::Response<Bytes>, TransportError>> + Send>,
    >;

    fn poll_ready(
        &mut self,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), TransportError>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Bytes>) -> Self::Future {
        self.seen
            .0
            .lock()
            .unwrap()
            .push(format!("{} {}", request.method(), request.uri()));
        let inner = self.inner.clone();
        Box::pin(async move { inner.oneshot(request).await })
    }
}

/// A fixture of the workspace, as JSON.
pub fn fixture(path: &str) -> serde_json::Value {
    let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(path);
    serde_json::from_slice(&std::fs::read(full).unwrap()).unwrap()
}

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
