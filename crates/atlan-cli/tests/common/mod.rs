//! Running the `atlanctl` binary as a user would, against a sandbox started by the test.
//!
//! Every run checks that the API key appears in neither stdout nor stderr.

#![allow(
    dead_code,
    unused_imports,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

pub mod batch;
pub mod hook;
pub mod live;
pub mod terminal;

use std::path::{Path, PathBuf};
use std::process::Stdio;

use atlan_sandbox::{ManualClock, SandboxBuilder, SandboxHandle};
use tokio::io::AsyncWriteExt;
use tokio::process::Command;

/// The key the test sandboxes accept: it must never be printed.
pub const KEY: &str = "cli-sentinel-key-5f3a9";
/// A workflow of the default seed with runs (one Running, `9wfxz`; one Succeeded, `mzdza`); a
/// crawler of the default seed, scheduled, with an `enable-lineage` parameter; its credential.
pub use atlan_testkit::{CRAWLER, MINER, SNOWFLAKE_CREDENTIAL as CREDENTIAL, clock};

/// What a run of the binary printed, and how it exited.
#[derive(Debug)]
pub struct Output {
    /// The exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Output {
    /// Asserts a successful exit and returns stdout.
    #[track_caller]
    pub fn ok(&self) -> &str {
        assert_eq!(
            self.code, 0,
            "stderr: {}\nstdout: {}",
            self.stderr, self.stdout
        );
        &self.stdout
    }

    /// Asserts the exit code.
    #[track_caller]
    pub fn exits(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "stderr: {}\nstdout: {}",
            self.stderr, self.stdout
        );
        self
    }

    /// Asserts that stderr mentions `text`.
    #[track_caller]
    pub fn mentions(&self, text: &str) -> &Self {
        assert!(
            self.stderr.contains(text),
            "stderr lacks `{text}`: {}",
            self.stderr
        );
        self
    }

    /// The JSON documents of stdout, one per line.
    pub fn json_lines(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .map(|line| {
                serde_json::from_str(line).unwrap_or_else(|error| panic!("{error}: {line}"))
            })
            .collect()
    }
}

/// A sandbox on `clock` with [`KEY`], customised.
pub async fn sandbox_with(
    clock: &ManualClock,
    customise: impl FnOnce(SandboxBuilder) -> SandboxBuilder,
) -> SandboxHandle {
    atlan_testkit::sandbox_with(clock, |builder| customise(builder.api_key(KEY))).await
}

/// A sandbox with the default seed.
pub async fn sandbox() -> (ManualClock, SandboxHandle) {
    let clock = clock();
    let sandbox = sandbox_with(&clock, |builder| builder).await;
    (clock, sandbox)
}

/// `atlanctl watch` against `sandbox`, posting to the webhook `url` (both in its environment, as
/// a service would set them): add its options.
pub fn watching(sandbox: &SandboxHandle, url: &str) -> Command {
    let mut command = command();
    command
        .env("ATLAN_BASE_URL", sandbox.base_url())
        .env("ATLAN_API_KEY", KEY)
        .env("ATLAN_NOTIFY_URL", url)
        .arg("watch");
    command
}

/// The binary, with no Atlan configured from the environment and no profile (its configuration
/// directory is an empty one of this test binary's).
pub fn command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_atlanctl"));
    command
        .env_remove("ATLAN_BASE_URL")
        .env_remove("ATLAN_API_KEY")
        .env_remove("ATLAN_SANDBOX_API_KEY")
        .env_remove("ATLANCTL_PROFILE")
        .env_remove("COLUMNS")
        .env(
            "XDG_CONFIG_HOME",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("no-config"),
        )
        .env("NO_COLOR", "1")
        .kill_on_drop(true);
    command
}

/// Runs `atlan ARGS` against `sandbox` (through the environment, as the README advises).
pub async fn atlan<S: Arg>(sandbox: &SandboxHandle, args: &[S]) -> Output {
    atlan_with_stdin(sandbox, args, "").await
}

/// An argument: a `&str` or a `String`.
pub trait Arg: AsRef<std::ffi::OsStr> + std::fmt::Debug {}

impl<S: AsRef<std::ffi::OsStr> + std::fmt::Debug> Arg for S {}

/// Runs `atlan LINE` against `sandbox`, the line split as a shell splits it ([`shell_words`]).
pub async fn atlan_line(sandbox: &SandboxHandle, line: &str) -> Output {
    atlan(sandbox, &shell_words(line)).await
}

/// Runs `atlan LINE` against `sandbox` and checks that it exits with `code`, its stderr saying
/// each of `said`.
pub async fn fails_with(sandbox: &SandboxHandle, line: &str, code: i32, said: &[&str]) {
    let output = atlan_line(sandbox, line).await;
    output.exits(code);
    for text in said {
        output.mentions(text);
    }
}

/// Runs `atlan ARGS` against `sandbox` with `stdin` as its input.
pub async fn atlan_with_stdin<S: Arg>(sandbox: &SandboxHandle, args: &[S], stdin: &str) -> Output {
    let mut command = command();
    command
        .env("ATLAN_BASE_URL", sandbox.base_url())
        .env("ATLAN_API_KEY", KEY);
    run(command, args, stdin).await
}

/// Runs `atlan ARGS` with no Atlan configured.
pub async fn atlan_alone<S: Arg>(args: &[S]) -> Output {
    run(command(), args, "").await
}

/// Runs `command` with `args` and `stdin`; checks that the key is printed nowhere.
pub async fn run<S: Arg>(mut command: Command, args: &[S], stdin: &str) -> Output {
    let mut child = command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.as_bytes()).await.unwrap();
    drop(input);
    let output = child.wait_with_output().await.unwrap();
    let output = Output {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    };
    for (name, text) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
        assert!(
            !text.contains(KEY),
            "`atlan {args:?}` printed the API key on {name}"
        );
    }
    output
}

/// A repository fixture.
pub use atlan_testkit::fixtures::path as fixture;

/// Writes `contents` to a file of this test binary's scratch directory.
pub fn scratch(name: &str, contents: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

/// An empty directory of its own for test `name` of `suite` (made afresh, under the system's
/// temporary directory).
pub fn fresh_dir(suite: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("atlanctl-{suite}-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The words of a command line as a shell splits it (`'0 2 * * *'` is one word).
pub fn shell_words(line: &str) -> Vec<String> {
    shlex::split(line).unwrap_or_else(|| panic!("unbalanced quotes in `{line}`"))
}

/// A path as an argument.
pub fn arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Starts (`POST`) or reads (`GET`) the sandbox's recording of requests.
pub async fn recording(sandbox: &SandboxHandle, method: &'static str) -> serde_json::Value {
    let (base, key) = (sandbox.base_url(), sandbox.api_key().to_owned());
    let (status, body) = tokio::task::spawn_blocking(move || {
        atlan_testkit::http::exchange(&base, method, "/_sandbox/recording", Some(&key), None)
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap_or(serde_json::Value::Null)
}

/// Turns lineage off in `dir`'s exported file of the default tenant's `prod-snowflake` app
/// workflow (a drift from the tenant); answers the file's text as exported.
pub fn drift_prod_file(dir: &Path) -> String {
    let path = dir.join("apps-prod-snowflake.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("enable_lineage: true", "enable_lineage: false"),
    )
    .unwrap();
    text
}
