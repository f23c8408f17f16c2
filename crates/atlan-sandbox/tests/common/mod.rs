//! A small HTTP client for the sandbox's tests: JSON in, status and JSON out, over real sockets.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use bytes::Bytes;
use http::{Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;

/// A client for one sandbox.
#[derive(Clone)]
pub struct Api {
    base: String,
    key: Option<String>,
    client: Client<HttpConnector, Full<Bytes>>,
}

impl Api {
    pub fn new(base: &str, key: &str) -> Self {
        Self {
            base: base.to_owned(),
            key: Some(key.to_owned()),
            client: Client::builder(TokioExecutor::new()).build_http(),
        }
    }

    /// The same client without a key.
    pub fn anonymous(&self) -> Self {
        Self {
            key: None,
            ..self.clone()
        }
    }

    /// Sends a request; returns the status and the body as JSON (`Null` when empty).
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> (StatusCode, Value) {
        let (status, bytes) = self
            .send_raw(
                method,
                path,
                body.map(|b| b.to_string().into_bytes()).unwrap_or_default(),
            )
            .await
            .expect("a response");
        let json = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).expect("a JSON body")
        };
        (status, json)
    }

    /// Sends raw bytes; returns the status and raw body, or the client's error.
    pub async fn send_raw(
        &self,
        method: Method,
        path: &str,
        body: Vec<u8>,
    ) -> Result<(StatusCode, Bytes), String> {
        let mut request = Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base))
            .header("content-type", "application/json");
        if let Some(key) = &self.key {
            request = request.header("authorization", format!("Bearer {key}"));
        }
        let response = self
            .client
            .request(request.body(Full::new(Bytes::from(body))).unwrap())
            .await
            .map_err(|e| format!("{e:?}"))?;
        let status = response.status();
        let bytes = response
            .into_body()
            .collect()
            .await
            .map_err(|e| format!("{e:?}"))?
            .to_bytes();
        Ok((status, bytes))
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        self.send(Method::POST, path, Some(body)).await
    }

    /// Creates the fixture's credential named `name` (tested); answers the status.
    pub async fn create_credential(&self, name: &str) -> StatusCode {
        self.post(CREATE_CREDENTIAL, &credential(name)).await.0
    }

    pub async fn post_empty(&self, path: &str) -> (StatusCode, Value) {
        self.send(Method::POST, path, None).await
    }
}

/// A state file path in the temporary directory, unique to this test process, removed if present.
pub fn state_path(test: &str, name: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!(
        "atlan-sandbox-{test}-{}-{name}.jsonl",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&path);
    path
}

/// The credential create with its connection test.
pub const CREATE_CREDENTIAL: &str = "/api/service/credentials?testCredential=true";

/// An empty sandbox that keeps its state in `path`, and a client for it.
pub async fn empty_with_state(path: &std::path::Path) -> (atlan_sandbox::SandboxHandle, Api) {
    let sandbox = atlan_sandbox::Sandbox::builder()
        .state(path)
        .seed(atlan_sandbox::Seed::Empty)
        .start()
        .await
        .unwrap();
    let api = Api::new(&sandbox.base_url(), sandbox.api_key());
    (sandbox, api)
}

/// The fixture's credential create body, named `name`.
pub fn credential(name: &str) -> Value {
    let mut body = fixture("requests/credential/create-snowflake.json");
    body["name"] = Value::from(name);
    body
}

/// Starts the `atlan-sandbox` binary on 127.0.0.1 with `args` and the state file `path`; returns
/// the child and the base URL it announces on its first line.
pub fn spawn_binary(args: &[&str], path: &std::path::Path) -> (std::process::Child, String) {
    let mut all: Vec<std::ffi::OsString> = args.iter().map(Into::into).collect();
    all.push("--state".into());
    all.push(path.into());
    spawn_sandbox(env!("CARGO_BIN_EXE_atlan-sandbox").as_ref(), &all)
}

/// Starts an `atlan-sandbox` binary on 127.0.0.1 with `args` (its stderr discarded); returns the
/// child and the base URL it announces on its first line.
pub fn spawn_sandbox(
    binary: &std::ffi::OsStr,
    args: &[std::ffi::OsString],
) -> (std::process::Child, String) {
    atlan_testkit::server::spawn(
        std::process::Command::new(binary)
            .args(["--addr", "127.0.0.1:0"])
            .args(args),
    )
    .unwrap()
}

/// The `main` of a bench binary: measures only when run with `--bench` (`cargo test --benches`
/// runs bench targets without it, as divan and criterion expect), on 2 worker threads.
pub fn bench_main<F: Future<Output = std::process::ExitCode>>(
    run: impl FnOnce() -> F,
) -> std::process::ExitCode {
    if !std::env::args().any(|argument| argument == "--bench") {
        return std::process::ExitCode::SUCCESS;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run())
}

/// A fixture of the workspace, as JSON.
pub fn fixture(path: &str) -> Value {
    let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(path);
    serde_json::from_slice(&std::fs::read(full).unwrap()).unwrap()
}

/// The ids of a search response's hits.
pub fn hit_ids(response: &Value) -> Vec<String> {
    response["hits"]["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["_id"].as_str().unwrap().to_owned())
        .collect()
}

/// A sandbox on `clock` with `seed`, runs Pending 2 s then Running 30 s, and a client for it.
pub async fn start_on(
    clock: &atlan_sandbox::ManualClock,
    seed: atlan_sandbox::Seed,
) -> (atlan_sandbox::SandboxHandle, Api) {
    let sandbox = atlan_sandbox::Sandbox::builder()
        .clock(clock.clone())
        .seed(seed)
        .run_durations(
            std::time::Duration::from_secs(2),
            std::time::Duration::from_secs(30),
        )
        .start()
        .await
        .unwrap();
    let api = Api::new(&sandbox.base_url(), sandbox.api_key());
    (sandbox, api)
}
