//! `atlanctl watch` as a process over real sockets, against a sandbox on the system clock whose runs
//! end as soon as they are submitted, posting to a real webhook: each failure told once across a
//! kill -9, a failing webhook retried, `--once` keeping its state like the long-running watch, and
//! nothing told about what ended before the watch first started.
//!
//! The watch polls on the wall clock (`--interval`): the tests wait for what they expect with a
//! deadline, never for a fixed time.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::atomic::Ordering;

use atlan_sandbox::{FaultRule, SandboxHandle};
use common::hook::Hook;
use common::live::{eventually, live_sandbox, rerun};
use common::*;
use serde_json::Value;

fn state_file(name: &str) -> PathBuf {
    fresh_dir("watch", name).join("state.json")
}

/// `atlanctl watch` against `sandbox`, posting to `url`, running.
fn watch(sandbox: &SandboxHandle, url: &str, state: &PathBuf) -> tokio::process::Child {
    let mut command = watching(sandbox, url);
    command
        .args([
            "--interval",
            "200ms",
            "--cooldown",
            "0s",
            "--api",
            "legacy",
            "--state",
        ])
        .arg(state)
        .stdout(Stdio::null())
        .stderr(if std::env::var_os("WATCH_DEBUG").is_some() {
            Stdio::inherit()
        } else {
            Stdio::piped()
        });
    command.spawn().unwrap()
}

/// The state file's last poll, once it has one.
fn cursor(state: &PathBuf) -> Option<String> {
    let text = std::fs::read_to_string(state).ok()?;
    let state: Value = serde_json::from_str(&text).ok()?;
    state["cursor"].as_str().map(str::to_owned)
}

/// Waits for the watch to poll (its state file gets a newer cursor) after `since`.
async fn next_poll(state: &PathBuf, since: Option<String>) -> String {
    eventually("a poll", || async {
        cursor(state).filter(|cursor| Some(cursor) != since.as_ref())
    })
    .await
}

#[tokio::test]
async fn watch_tells_each_failure_once_across_a_kill_9_and_loses_none() {
    let sandbox = live_sandbox().await;
    let (hook, url) = Hook::start(0).await;
    let state = state_file("kill");
    let mut watcher = watch(&sandbox, &url, &state);
    let first = next_poll(&state, None).await;

    let failed = failure(&sandbox, "Authentication failed for user ETL").await;
    let key = format!("run_failed:legacy:{failed}");
    eventually("the failure's notification", || async {
        hook.keys().contains(&key).then_some(())
    })
    .await;
    let document = hook.documents.lock().unwrap()[0].clone();
    assert_eq!(document["event"], "run_failed");
    assert_eq!(document["workflow"], CRAWLER);
    assert_eq!(document["cause"], "credential", "{document}");
    assert!(document["text"].as_str().unwrap().contains(CRAWLER));

    // Delivery is at least once: a kill between the webhook's answer and the state file's write
    // would deliver it again. So the kill waits for the delivery to be recorded.
    eventually("the delivery recorded", || async {
        let text = std::fs::read_to_string(&state).ok()?;
        let saved: Value = serde_json::from_str(&text).ok()?;
        saved["outbox"]
            .as_array()
            .is_some_and(Vec::is_empty)
            .then_some(())
    })
    .await;
    // Killed, a failure happens while it is down; restarted, it tells that one and not the first.
    watcher.start_kill().unwrap();
    watcher.wait().await.unwrap();
    let missed_while_down = failure(&sandbox, "connection refused").await;
    let down_key = format!("run_failed:legacy:{missed_while_down}");
    let before_restart = cursor(&state);
    let mut watcher = watch(&sandbox, &url, &state);
    eventually("the failure while down", || async {
        hook.keys().contains(&down_key).then_some(())
    })
    .await;
    // Two more polls of the restarted watch tell nothing new.
    let after = next_poll(&state, before_restart).await;
    next_poll(&state, Some(after)).await;
    watcher.start_kill().unwrap();
    let output = watcher.wait_with_output().await.unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("secret-token-7c1d"), "{stderr}");
    assert!(!stderr.contains(KEY), "{stderr}");
    let keys = hook.keys();
    let mut unique = keys.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        keys.len(),
        unique.len(),
        "a notification was repeated: {keys:?}"
    );
    assert!(
        keys.contains(&key) && keys.contains(&down_key),
        "{keys:?} ({first})"
    );
}

#[tokio::test]
async fn a_failing_webhook_is_retried_and_what_it_missed_survives_a_kill_9() {
    let sandbox = live_sandbox().await;
    // The webhook fails for a long while: the notification waits in the state file.
    let (hook, url) = Hook::start(1_000).await;
    let state = state_file("retry");
    let mut watcher = watch(&sandbox, &url, &state);
    next_poll(&state, None).await;
    let failed = failure(&sandbox, "Authentication failed").await;
    let key = format!("run_failed:legacy:{failed}");
    eventually("the notification in the outbox", || async {
        std::fs::read_to_string(&state)
            .ok()
            .filter(|text| text.contains(&key) && text.contains("\"attempts\":1"))
            .map(|_| ())
    })
    .await;
    watcher.start_kill().unwrap();
    watcher.wait().await.unwrap();
    assert!(hook.keys().is_empty());

    // The webhook works again; a single run of `--once` delivers it, and only once.
    hook.fail.store(0, Ordering::SeqCst);
    once_ok(&sandbox, &url, &state).await;
    assert_eq!(hook.keys(), vec![key.clone()]);
    once_ok(&sandbox, &url, &state).await;
    assert_eq!(hook.keys(), vec![key]);
}

/// `atlanctl watch --once` against `sandbox`, posting to `url`, with the state in `state`.
async fn once(sandbox: &SandboxHandle, url: &str, state: &PathBuf) -> std::process::Output {
    let mut command = watching(sandbox, url);
    command
        .args(["--once", "--api", "legacy", "--state"])
        .arg(state);
    command.output().await.unwrap()
}

/// `once`, which must succeed.
async fn once_ok(sandbox: &SandboxHandle, url: &str, state: &PathBuf) {
    let out = once(sandbox, url, state).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Makes the crawler's next run fail and runs it (it ends at once); answers its name.
async fn failure(sandbox: &SandboxHandle, message: &str) -> String {
    sandbox
        .faults()
        .add(FaultRule::fail_runs(CRAWLER, message).times(1))
        .unwrap();
    rerun(sandbox).await
}

#[tokio::test]
async fn once_keeps_its_state_so_two_runs_with_a_failure_between_tell_it_once() {
    let sandbox = live_sandbox().await;
    let (hook, url) = Hook::start(0).await;
    let state = state_file("once");
    // A failure before the watch ever started: never told.
    let before = failure(&sandbox, "Authentication failed").await;
    let ended = jiff::Timestamp::now().as_second();
    // Tenants give times in whole seconds: the watch starts in a later one than that run ended.
    eventually("the next second", || async {
        (jiff::Timestamp::now().as_second() > ended).then_some(())
    })
    .await;

    once_ok(&sandbox, &url, &state).await;
    assert!(hook.keys().is_empty(), "{:?}", hook.keys());
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    assert!(
        saved["cursor"].is_string(),
        "--once saves its poll: {saved}"
    );
    assert!(saved["started"].is_string(), "and its first start: {saved}");

    let between = failure(&sandbox, "connection refused").await;
    once_ok(&sandbox, &url, &state).await;
    let told = format!("run_failed:legacy:{between}");
    assert_eq!(hook.keys(), vec![told.clone()]);

    // Again: nothing new, and never the failure from before the first start.
    once_ok(&sandbox, &url, &state).await;
    assert_eq!(hook.keys(), vec![told]);
    assert!(!hook.keys().iter().any(|key| key.contains(&before)));
}

#[tokio::test]
async fn once_exits_1_when_its_poll_fails_and_the_next_run_goes_on_from_the_last_good_poll() {
    let sandbox = live_sandbox().await;
    let (hook, url) = Hook::start(0).await;
    let state = state_file("once-fails");
    once_ok(&sandbox, &url, &state).await;
    let first = cursor(&state);
    let outage = sandbox
        .faults()
        .add(FaultRule::status("POST /api/service/runs/indexsearch", 400))
        .unwrap();
    let between = failure(&sandbox, "connection refused").await;
    let out = once(&sandbox, &url, &state).await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("poll failed") && stderr.contains("nothing was lost"),
        "{stderr}"
    );
    assert_eq!(
        cursor(&state),
        first,
        "a failed poll leaves the cursor where it was"
    );
    sandbox.faults().remove(outage);
    once_ok(&sandbox, &url, &state).await;
    assert_eq!(hook.keys(), vec![format!("run_failed:legacy:{between}")]);
}

#[tokio::test]
async fn a_second_watch_on_one_state_is_refused_with_the_first_ones_pid() {
    let sandbox = live_sandbox().await;
    let (_hook, url) = Hook::start(0).await;
    let state = state_file("two");
    let mut first = watch(&sandbox, &url, &state);
    next_poll(&state, None).await;
    let out = once(&sandbox, &url, &state).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("is in use by process {}", first.id().unwrap())),
        "{stderr}"
    );
    first.start_kill().unwrap();
    first.wait().await.unwrap();
    // A watch killed with -9 leaves its lock behind, and the next one takes it.
    once_ok(&sandbox, &url, &state).await;
}

#[cfg(unix)]
#[tokio::test]
async fn a_fifo_given_as_the_state_is_refused_at_once() {
    let sandbox = live_sandbox().await;
    let (_hook, url) = Hook::start(0).await;
    let state = state_file("fifo");
    batch::fifo(&state);
    // Before the fix the command blocked in `open` for ever: the guard fails the test instead.
    let out = tokio::time::timeout(
        std::time::Duration::from_secs(60),
        once(&sandbox, &url, &state),
    )
    .await
    .expect("watch --once blocked on a FIFO");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("not a regular file"), "{stderr}");
}

/// `atlanctl watch --once` posting to each of `urls` (in that order), with `extra` options.
fn once_to(
    sandbox: &SandboxHandle,
    urls: &[&str],
    state: &PathBuf,
    extra: &[&str],
) -> tokio::process::Command {
    let mut command = command();
    command
        .env("ATLAN_BASE_URL", sandbox.base_url())
        .env("ATLAN_API_KEY", KEY)
        .args(extra)
        .args(["watch", "--once", "--api", "legacy", "--state"])
        .arg(state);
    for url in urls {
        command.args(["--notify", url]);
    }
    command
}

/// Runs the first `watch --once`, which only marks where the watch starts from.
async fn started_from_here(mut first: tokio::process::Command) {
    let out = first.output().await.unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn a_webhook_that_never_answers_does_not_delay_a_healthy_one() {
    let sandbox = live_sandbox().await;
    let (hanging, hanging_url) = Hook::start(0).await;
    hanging.hang.store(true, Ordering::SeqCst);
    let (healthy, healthy_url) = Hook::start(0).await;
    let state = state_file("hanging");
    let urls = [hanging_url.as_str(), healthy_url.as_str()];
    started_from_here(once_to(&sandbox, &urls, &state, &[])).await;
    let failed = failure(&sandbox, "Authentication failed").await;
    let key = format!("run_failed:legacy:{failed}");
    let started = std::time::Instant::now();
    let mut watcher = once_to(&sandbox, &urls, &state, &[])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    eventually("the healthy webhook's notification", || async {
        healthy.keys().contains(&key).then_some(())
    })
    .await;
    eprintln!(
        "the healthy webhook's notification, beside one that never answers: {:?} after the start",
        started.elapsed()
    );
    // The hanging webhook, posted to first, still holds its post: the healthy one did not wait
    // for it to time out (it waited 10 s per post before).
    assert_eq!(hanging.held.load(Ordering::SeqCst), 1);
    assert_eq!(hanging.given_up.load(Ordering::SeqCst), 0);
    watcher.start_kill().unwrap();
    watcher.wait().await.unwrap();
}

#[tokio::test]
async fn a_webhook_password_is_sent_as_basic_authentication_and_never_logged() {
    let sandbox = live_sandbox().await;
    let (hook, url) = Hook::start(0).await;
    let password = "pw-4f9a2c71e";
    let url = url.replacen("http://", &format!("http://alerts:{password}@"), 1);
    let state = state_file("userinfo");
    started_from_here(once_to(&sandbox, &[&url], &state, &[])).await;
    let failed = failure(&sandbox, "Authentication failed").await;
    let out = once_to(&sandbox, &[&url], &state, &["-vv"])
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(hook.keys(), [format!("run_failed:legacy:{failed}")]);
    // base64("alerts:pw-4f9a2c71e")
    assert_eq!(
        hook.authorizations.lock().unwrap().as_slice(),
        [Some("Basic YWxlcnRzOnB3LTRmOWEyYzcxZQ==".to_owned())]
    );
    assert!(stderr.contains("TRACE"), "the trace logs are on: {stderr}");
    assert!(
        stderr.contains("hyper_util"),
        "a dependency's logs too: {stderr}"
    );
    for secret in [password, "secret-token-7c1d", "YWxlcnRzOnB3LTRmOWEyYzcxZQ"] {
        assert!(!stderr.contains(secret), "{secret} in the logs: {stderr}");
    }
}
