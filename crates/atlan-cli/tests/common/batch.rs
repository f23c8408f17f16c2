//! Bulk commands as processes of their own, for the kill -9 and concurrency tests of every
//! journalled command: start one, wait until its journal holds a first outcome, kill it, and see
//! a second process on the same journal refused.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use atlan_sandbox::SandboxHandle;

use super::{KEY, command};

/// `atlanctl ARGS` against `sandbox`, running, its output piped.
pub fn spawn(sandbox: &SandboxHandle, args: &[&str]) -> tokio::process::Child {
    let mut command = command();
    command
        .env("ATLAN_BASE_URL", sandbox.base_url())
        .env("ATLAN_API_KEY", KEY)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command.spawn().unwrap()
}

/// Waits (within a minute, the guard of a batch that never gets going) until the journal at
/// `path` holds `count` outcomes.
pub async fn until_done(path: &Path, count: usize) {
    let started = Instant::now();
    while std::fs::read_to_string(path)
        .map(|text| text.matches("\"record\":\"done\"").count())
        .unwrap_or(0)
        < count
    {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the batch never got going"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Makes every request to `route` (a fault rule's pattern) take `millis` more: a batch is under
/// way long enough to be caught.
pub fn slow(sandbox: &SandboxHandle, route: &str, millis: u64) {
    sandbox
        .faults()
        .add(atlan_sandbox::FaultRule::latency(
            route,
            Duration::from_millis(millis),
        ))
        .unwrap();
}

/// Makes a FIFO at `path` (and its directory): a path that blocks whoever opens it to read.
pub fn fifo(path: &Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(made.success());
}

/// Kills `child` with SIGKILL and reaps it.
pub async fn kill_9(mut child: tokio::process::Child) {
    child.start_kill().unwrap();
    child.wait().await.unwrap();
}

/// Starts `first` (a batch on the journal at `path`), and once its journal holds an outcome runs
/// `second` on the same journal, which must be refused naming the first's pid; then kills the
/// first with -9.
pub async fn held_then_killed(
    sandbox: &SandboxHandle,
    path: &Path,
    first: &[&str],
    second: &[&str],
) {
    let child = spawn(sandbox, first);
    let holder = child.id().unwrap();
    until_done(path, 1).await;
    refused_by(&super::atlan(sandbox, second).await, holder);
    kill_9(child).await;
}

/// Checks that `refused` was told the journal is held by process `holder`, exited 1 and wrote
/// nothing on stdout.
pub fn refused_by(refused: &super::Output, holder: u32) {
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert!(
        refused
            .stderr
            .contains(&format!("is in use by process {holder}")),
        "{}",
        refused.stderr
    );
    assert!(refused.stdout.is_empty(), "{}", refused.stdout);
}
