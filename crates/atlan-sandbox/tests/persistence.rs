//! The state file: writes acknowledged with 2xx survive a restart and `kill -9`; a torn last line is
//! cut off; a corrupt or foreign file is refused and left untouched.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::path::PathBuf;
use std::process::Command;

use atlan_sandbox::{Sandbox, SandboxError, Seed, StateError};
use common::{Api, credential, empty_with_state};
use http::StatusCode;
use serde_json::json;

fn state_path(name: &str) -> PathBuf {
    common::state_path("test", name)
}

#[tokio::test]
async fn writes_survive_a_restart_and_the_seed_is_loaded_once() {
    let path = state_path("restart");
    let first = Sandbox::builder()
        .stop_delay(std::time::Duration::ZERO)
        .state(&path)
        .start()
        .await
        .unwrap();
    let seeded = first.counts();
    let api = Api::new(&first.base_url(), first.api_key());
    assert_eq!(api.create_credential("kept").await, StatusCode::OK);
    let rerun = json!({"namespace": "default", "resourceKind": "WorkflowTemplate", "resourceName": "atlan-snowflake-1714638976"});
    let (_, run) = api.post("/api/service/workflows/submit", &rerun).await;
    let run_id = run["metadata"]["name"].as_str().unwrap().to_owned();
    assert_eq!(
        api.post_empty(&format!("/api/service/runs/{run_id}/stop"))
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        api.post_empty("/api/service/workflows/atlan-snowflake-miner-1714638976/archive")
            .await
            .0,
        StatusCode::OK
    );
    first.shutdown().await;

    let second = Sandbox::builder()
        .stop_delay(std::time::Duration::ZERO)
        .state(&path)
        .seed(Seed::Synthetic {
            workflows: 5,
            runs: 5,
        })
        .start()
        .await
        .unwrap();
    assert_eq!(
        second.counts(),
        (seeded.0 - 1, seeded.1 + 1, seeded.2 + 1),
        "the log, not the new seed"
    );
    let api = Api::new(&second.base_url(), second.api_key());
    let (_, list) = api
        .get("/api/service/credentials?filter=%7B%22name%22%3A%22kept%22%7D")
        .await;
    assert_eq!(list["records"].as_array().unwrap().len(), 1);
    let (_, found) = api
        .post(
            "/api/service/runs/indexsearch",
            &serde_json::to_value(atlan_query::workflows::find_run_by_id(&run_id).unwrap())
                .unwrap(),
        )
        .await;
    assert_eq!(
        found["hits"]["hits"][0]["_source"]["status"]["message"],
        "Stopped with strategy 'Stop'"
    );
    second.shutdown().await;
    std::fs::remove_file(&path).unwrap();
}

#[tokio::test]
async fn a_torn_last_line_is_cut_and_corruption_is_refused_untouched() {
    let path = state_path("torn");
    let (sandbox, api) = empty_with_state(&path).await;
    assert_eq!(api.create_credential("one").await, StatusCode::OK);
    sandbox.shutdown().await;
    let good = std::fs::read(&path).unwrap();

    // A crash in the middle of an (unacknowledged) write leaves a line without its newline.
    let mut torn = good.clone();
    torn.extend_from_slice(br#"{"event":"put_credential","credential":{"id":"half"#);
    std::fs::write(&path, &torn).unwrap();
    let (sandbox, _) = empty_with_state(&path).await;
    assert_eq!(sandbox.counts(), (0, 0, 1));
    sandbox.shutdown().await;
    assert_eq!(
        std::fs::read(&path).unwrap(),
        good,
        "the torn tail was cut off"
    );

    // A complete line that does not read is corruption: refused, and the file is not touched.
    let mut corrupt = good.clone();
    corrupt.extend_from_slice(b"{not json}\n");
    corrupt.extend_from_slice(&good[good.iter().position(|b| *b == b'\n').unwrap() + 1..]);
    std::fs::write(&path, &corrupt).unwrap();
    let error = Sandbox::builder().state(&path).start().await.unwrap_err();
    let SandboxError::State(StateError::Corrupt { line, .. }) = &error else {
        panic!("{error}")
    };
    assert_eq!(*line, 3);
    assert!(error.to_string().contains("left untouched"), "{error}");
    assert_eq!(std::fs::read(&path).unwrap(), corrupt);

    std::fs::write(&path, b"some other file\n").unwrap();
    let error = Sandbox::builder().state(&path).start().await.unwrap_err();
    assert!(
        error
            .to_string()
            .contains("not an atlan-sandbox state file"),
        "{error}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), b"some other file\n");
    std::fs::remove_file(&path).unwrap();
}

/// Starts the binary on an empty tenant; returns the child and its base URL.
fn spawn(path: &std::path::Path) -> (std::process::Child, String) {
    common::spawn_binary(&["--empty"], path)
}

#[tokio::test]
async fn acknowledged_writes_survive_kill_9() {
    let path = state_path("kill");
    let (mut child, url) = spawn(&path);
    let api = Api::new(&url, atlan_sandbox::DEFAULT_API_KEY);
    let mut acknowledged = 0;
    for index in 0..40 {
        let (status, _) = api
            .post(
                "/api/service/credentials?testCredential=false",
                &credential(&format!("c{index}")),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        acknowledged += 1;
    }
    child.kill().unwrap(); // SIGKILL: no shutdown, no flush
    child.wait().unwrap();

    let (mut child, url) = spawn(&path);
    let (_, list) = Api::new(&url, atlan_sandbox::DEFAULT_API_KEY)
        .get("/api/service/credentials")
        .await;
    assert_eq!(list["records"].as_array().map_or(0, Vec::len), acknowledged);
    child.kill().unwrap();
    child.wait().unwrap();
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn the_binary_prints_where_it_listens_and_stops_on_sigterm() {
    let path = state_path("sigterm");
    let (mut child, url) = spawn(&path);
    assert!(
        url.starts_with("http://127.0.0.1:") && !url.ends_with(":0"),
        "{url}"
    );
    let status = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "a clean shutdown: {exit:?}");
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_second_server_on_the_same_state_file_is_refused_naming_the_first() {
    let path = state_path("two-servers");
    let (mut first, _) = spawn(&path);
    let second = Command::new(env!("CARGO_BIN_EXE_atlan-sandbox"))
        .args(["--addr", "127.0.0.1:0", "--empty", "--state"])
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(!second.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("in use by process {}", first.id())),
        "{stderr}"
    );
    first.kill().unwrap();
    first.wait().unwrap();
    // Once the first is gone (even by kill -9), the lock is free.
    let (mut third, url) = spawn(&path);
    assert!(url.starts_with("http://"));
    third.kill().unwrap();
    third.wait().unwrap();
    std::fs::remove_file(&path).unwrap();
}
