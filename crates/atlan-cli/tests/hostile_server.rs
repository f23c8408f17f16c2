//! The CLI against servers that lie: one that echoes the API key or a secret the CLI sent back (in
//! an error and in a document) must not make the CLI print it; one whose body never ends must not
//! make it grow without bound; one that repeats its cursor or its results must not make a listing
//! print a line twice or go on for ever; names with escape sequences must not reach the terminal.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{command, scratch};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::process::Command;

const SENTINEL_KEY: &str = "sentinel-api-key-0123456789";

/// How the hostile server answers.
#[derive(Clone, Copy)]
enum Answer {
    /// `status` with a JSON body that quotes the request's authorization header.
    Echo(u16),
    /// 200 with a chunked body that never ends.
    Endless,
}

async fn hostile(answer: Answer) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut head = vec![0u8; 16 * 1024];
                let read = stream.read(&mut head).await.unwrap_or(0);
                let head = String::from_utf8_lossy(&head[..read]).into_owned();
                let authorization = head
                    .lines()
                    .find_map(|line| line.strip_prefix("authorization: "))
                    .unwrap_or("none")
                    .to_owned();
                match answer {
                    Answer::Echo(status) => {
                        let body = serde_json::json!({
                            "id": "c-1", "name": "echo", "host": authorization,
                            "errorCode": "ATLAN-JAVA-400-000",
                            "errorMessage": format!("your header was {authorization}"),
                        })
                        .to_string();
                        let response = format!(
                            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                            body.len()
                        );
                        let _ = stream.write_all(response.as_bytes()).await;
                    }
                    Answer::Endless => {
                        let _ = stream
                            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n")
                            .await;
                        let chunk = format!("4000\r\n{}\r\n", "[".repeat(0x4000));
                        while stream.write_all(chunk.as_bytes()).await.is_ok() {}
                    }
                }
            });
        }
    });
    addr
}

async fn atlan_against(addr: SocketAddr, args: &[&str]) -> (i32, String, String) {
    let mut command: Command = command();
    let output = command
        .env("ATLAN_BASE_URL", format!("http://{addr}"))
        .env("ATLAN_API_KEY", SENTINEL_KEY)
        .args(args)
        .output()
        .await
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn a_server_that_echoes_the_key_does_not_make_the_cli_print_it() {
    let error = hostile(Answer::Echo(400)).await;
    let (code, stdout, stderr) = atlan_against(error, &["credentials", "get", "c-1"]).await;
    assert_eq!(code, 1, "{stderr}");
    assert!(
        !stdout.contains(SENTINEL_KEY) && !stderr.contains(SENTINEL_KEY),
        "{stderr}"
    );
    assert!(
        stderr.contains("[REDACTED]"),
        "the echo was shown, scrubbed: {stderr}"
    );

    let document = hostile(Answer::Echo(200)).await;
    let (code, stdout, stderr) =
        atlan_against(document, &["-o", "json", "credentials", "get", "c-1"]).await;
    assert_eq!(code, 0, "{stderr}");
    assert!(
        !stdout.contains(SENTINEL_KEY) && !stderr.contains(SENTINEL_KEY),
        "{stdout}"
    );
    assert!(stdout.contains("Bearer [REDACTED]"), "{stdout}");
}

#[tokio::test]
async fn an_endless_body_is_an_error_at_the_limit() {
    let endless = hostile(Answer::Endless).await;
    let (code, _, stderr) = atlan_against(
        endless,
        &["--max-response-mib", "2", "credentials", "get", "c-1"],
    )
    .await;
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("larger than 2097152 bytes"), "{stderr}");
}

/// What a scripted server answers request `n` (0 for the first), given its request line
/// (`GET /api/service/v1/app?limit=50`) and body: a status and a JSON body.
type Script = Arc<dyn Fn(usize, &str, &str) -> (u16, Value) + Send + Sync>;

/// A server on real sockets that answers each request (one a connection) as `script` says, and
/// counts them.
async fn scripted(
    script: impl Fn(usize, &str, &str) -> (u16, Value) + Send + Sync + 'static,
) -> (SocketAddr, Arc<AtomicUsize>) {
    let script: Script = Arc::new(script);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&count);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let script = Arc::clone(&script);
            let n = seen.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let (line, body) = read_request(&mut stream).await;
                let (status, answer) = script(n, &line, &body);
                let answer = answer.to_string();
                let response = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
                    answer.len()
                );
                let _ = stream.write_all(response.as_bytes()).await;
            });
        }
    });
    (addr, count)
}

/// The request line and the body of the request on `stream`.
async fn read_request(stream: &mut tokio::net::TcpStream) -> (String, String) {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    while let Ok(read) = stream.read(&mut chunk).await {
        if read == 0 {
            break;
        }
        buffer.extend_from_slice(&chunk[..read]);
        let text = String::from_utf8_lossy(&buffer).into_owned();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head
                .lines()
                .find_map(|line| {
                    line.to_ascii_lowercase()
                        .strip_prefix("content-length: ")
                        .map(str::to_owned)
                })
                .and_then(|length| length.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if body.len() >= length {
                let line = head.lines().next().unwrap_or_default();
                let line = line.rsplit_once(' ').map_or(line, |(line, _)| line);
                return (line.to_owned(), body.to_owned());
            }
        }
    }
    (String::new(), String::new())
}

fn app_page(slugs: &[String], next: Option<&str>) -> Value {
    let workflows: Vec<Value> = slugs
        .iter()
        .map(|slug| json!({"slug": slug, "name": slug, "version": 1, "app_id": "atlan-athena"}))
        .collect();
    json!({"workflows": workflows, "has_more": next.is_some(), "next_cursor": next})
}

/// `apps list --all` against a server that repeats its cursor ran for ever (457
/// requests and 22,700 duplicate lines in 20 s); it now prints each workflow once and ends with an
/// error naming the repeat.
#[tokio::test]
async fn apps_list_all_against_a_repeating_cursor_ends_without_a_duplicate_line() {
    let (addr, requests) = scripted(|n, _, _| {
        let slugs = vec![format!("w-{n}-a"), format!("w-{n}-b"), "w-0-a".to_owned()];
        match n {
            0 => (200, app_page(&slugs[..2], Some("c1"))),
            _ => (200, app_page(&slugs, Some("c1"))),
        }
    })
    .await;
    let (code, stdout, stderr) = atlan_against(addr, &["apps", "list", "--all"]).await;
    assert_eq!(code, 1, "{stderr}");
    let lines: Vec<&str> = stdout.lines().skip(1).collect();
    assert_eq!(lines.len(), 4, "{stdout}");
    let unique: std::collections::HashSet<&str> = lines.iter().copied().collect();
    assert_eq!(unique.len(), lines.len(), "no line twice: {stdout}");
    assert!(
        stderr.contains("returned `w-0-a` a second time"),
        "{stderr}"
    );
    assert_eq!(requests.load(Ordering::SeqCst), 2);
}

/// A create whose 409 names no slug looked the name up for ever (3,269 requests and
/// 1.65 GB in 20 s); the lookup now stops at its bound.
#[tokio::test]
async fn apps_create_against_an_endless_name_lookup_stops_at_its_bound() {
    let (addr, requests) = scripted(|n, line, _| {
        if line.starts_with("POST") {
            return (
                409,
                json!({"message": "a workflow with that name already exists"}),
            );
        }
        (200, app_page(&[format!("dup-{n}")], Some(&format!("c{n}"))))
    })
    .await;
    let inputs = scratch(
        "hostile-lookup-inputs.json",
        r#"{"connection": {"typeName": "Connection"}}"#,
    );
    let (code, _, stderr) = atlan_against(
        addr,
        &[
            "apps",
            "create",
            "atlan-athena",
            "--name",
            "dup",
            "--inputs",
            inputs.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("the most it walks"), "{stderr}");
    assert!(requests.load(Ordering::SeqCst) <= 102, "{requests:?}");
}

/// A hit repeated inside one page was printed twice.
#[tokio::test]
async fn a_run_repeated_inside_a_page_is_an_error_not_a_second_line() {
    let hit = |id: &str| {
        json!({"_id": id, "_index": "argo-workflows", "sort": [1_700_000_000_000_i64],
               "_source": {"metadata": {"name": id, "creationTimestamp": "2023-11-14T22:13:20Z"},
                           "spec": {}, "status": {"phase": "Succeeded"}}})
    };
    let (addr, _) = scripted(move |_, _, _| {
        (
            200,
            json!({"took": 1, "hits": {"total": {"value": 3, "relation": "eq"},
                     "hits": [hit("run-a"), hit("run-b"), hit("run-a")]}}),
        )
    })
    .await;
    for args in [
        &["runs", "search", "--status", "Succeeded"][..],
        &[
            "-o",
            "json",
            "runs",
            "search",
            "--status",
            "Succeeded",
            "--all",
        ],
    ] {
        let (code, stdout, stderr) = atlan_against(addr, args).await;
        assert_eq!(code, 1, "{args:?}: {stderr}");
        assert!(
            stderr.contains("returned `run-a` a second time"),
            "{stderr}"
        );
        assert!(stdout.matches("run-a").count() <= 1, "{stdout}");
    }
}

/// A server's echo of a secret the CLI sent (a credential's password, an app's
/// credential given as JSON text) is scrubbed, in errors and in documents.
#[tokio::test]
async fn a_server_that_echoes_a_sent_secret_does_not_make_the_cli_print_it() {
    let (addr, _) = scripted(|_, line, body| {
        let status = if line.starts_with("POST") { 400 } else { 200 };
        (status, json!({"errorCode": "ATLAN-JAVA-400-000", "errorMessage": format!("bad request: {body}"),
                        "message": format!("bad request: {body}"), "code": 400}))
    })
    .await;
    let credential = scratch(
        "hostile-echo-credential.json",
        &json!({"name": "c", "authType": "basic", "username": "svc", "password": "pw-SENTINEL-1234",
               "extra": {"role": "role-SENTINEL-5678"}})
        .to_string(),
    );
    let as_text =
        json!({"password": "app-pw-SENTINEL", "extra": "extra-SENTINEL-as-text"}).to_string();
    let inputs = scratch(
        "hostile-echo-inputs.json",
        &json!({"credential": as_text}).to_string(),
    );
    for args in [
        vec![
            "credentials",
            "create",
            "--file",
            credential.to_str().unwrap(),
        ],
        vec![
            "credentials",
            "test",
            "--file",
            credential.to_str().unwrap(),
        ],
        vec![
            "apps",
            "create",
            "atlan-athena",
            "--name",
            "n",
            "--inputs",
            inputs.to_str().unwrap(),
        ],
    ] {
        let (code, stdout, stderr) = atlan_against(addr, &args).await;
        assert_eq!(code, 1, "{args:?}: {stderr}");
        assert!(
            stderr.contains("bad request"),
            "the echo was shown: {stderr}"
        );
        assert!(
            !stdout.contains("SENTINEL") && !stderr.contains("SENTINEL"),
            "{args:?} printed a secret: {stderr}"
        );
        assert!(stderr.contains("[REDACTED]"), "{stderr}");
    }
    // Echoed in a document the CLI prints: a credential test's answer.
    let (addr, _) = scripted(|_, _, body| {
        (
            200,
            json!({"code": 200, "message": "successful", "error": format!("echo: {body}"),
                     "info": {"echo": body}}),
        )
    })
    .await;
    for format in ["json", "table"] {
        let (code, stdout, stderr) = atlan_against(
            addr,
            &[
                "-o",
                format,
                "credentials",
                "test",
                "--file",
                credential.to_str().unwrap(),
            ],
        )
        .await;
        assert_eq!(code, 0, "{stderr}");
        assert!(stdout.contains("echo"), "{stdout}");
        assert!(
            !stdout.contains("SENTINEL") && !stderr.contains("SENTINEL"),
            "{stdout}"
        );
    }
}

/// Names with escape sequences and bidi overrides reached the terminal as they were.
#[tokio::test]
async fn server_supplied_names_cannot_drive_the_terminal() {
    let hostile = [
        "\u{1b}]0;pwned\u{7}",
        "clear\u{1b}[2J\u{1b}[H",
        "hidden\u{1b}[8m",
        "evil\u{202e}lmth.exe",
    ];
    let (addr, _) = scripted(move |_, _, _| {
        let slugs: Vec<String> = hostile.iter().map(|name| (*name).to_owned()).collect();
        (200, app_page(&slugs, None))
    })
    .await;
    let (code, stdout, stderr) = atlan_against(addr, &["apps", "list"]).await;
    assert_eq!(code, 0, "{stderr}");
    assert!(
        !stdout
            .chars()
            .any(|c| (c.is_control() && c != '\n') || c == '\u{202e}'),
        "{stdout:?}"
    );
    assert!(stdout.contains("\\u{1b}]0;pwned\\u{7}"), "{stdout}");
    let (code, stdout, _) = atlan_against(addr, &["-o", "json", "apps", "list"]).await;
    assert_eq!(code, 0);
    let first: Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    assert_eq!(first["slug"], hostile[0], "JSON stays exact");
}

/// A run whose node lacks `id`, `name` and `type` made `runs stats` (and doctor, and the plan of
/// `runs rerun --failed`) fail for the whole tenant with a decode error: it is now a run whose
/// step has what was sent.
#[tokio::test]
async fn a_node_without_its_id_name_or_type_does_not_sink_the_stats() {
    let started = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(2);
    let hit = move |id: &str, node: Value| {
        json!({"_id": id, "_index": "argo-workflows", "sort": [started.as_millisecond()],
               "_source": {"metadata": {"name": id, "creationTimestamp": started.to_string(),
                                        "labels": {"workflows.argoproj.io/workflow-template": "atlan-snowflake-1"}},
                           "spec": {},
                           "status": {"phase": "Failed", "startedAt": started.to_string(),
                                      "finishedAt": started.to_string(),
                                      "nodes": {format!("{id}-1"): node}}}})
    };
    let (addr, _) = scripted(move |_, line, _| {
        if line.contains("runs/indexsearch") {
            (
                200,
                json!({"took": 1, "hits": {"total": {"value": 2, "relation": "eq"}, "hits": [
                    hit("atlan-snowflake-1-aaaaa", json!({"phase": "Failed", "message": "no id, name or type"})),
                    hit("atlan-snowflake-1-bbbbb", json!({"id": "atlan-snowflake-1-bbbbb-1", "name": "x.extract", "type": "Pod", "phase": "Failed"})),
                ]}}),
            )
        } else {
            (404, json!({"errorCode": "ATLAN-404", "errorMessage": "not here"}))
        }
    })
    .await;
    let (code, stdout, stderr) = atlan_against(
        addr,
        &[
            "-o", "json", "runs", "stats", "--api", "legacy", "--since", "now-1d",
        ],
    )
    .await;
    assert_eq!(code, 0, "{stderr}");
    let row: Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    assert_eq!(row["workflow"], "atlan-snowflake-1", "{stdout}");
    assert_eq!(row["failed"], 2, "both runs count: {stdout}");
}

/// `runs explain` printed a megabyte message whole, twice (status and message lines): a person
/// gets its start and how much was left out; `-o json`, for programs, has it whole.
#[tokio::test]
async fn explain_clips_a_megabyte_message_for_people_and_json_has_it_whole() {
    let message = format!("Authentication failed: {}", "trace line\n".repeat(100_000));
    let run = json!({"_id": "atlan-snowflake-1-aaaaa", "_index": "argo-workflows",
        "sort": [1_780_000_000_000_i64],
        "_source": {"metadata": {"name": "atlan-snowflake-1-aaaaa", "creationTimestamp": "2026-05-28T20:26:40Z",
                                 "labels": {"workflows.argoproj.io/workflow-template": "atlan-snowflake-1"}},
                    "spec": {},
                    "status": {"phase": "Failed", "startedAt": "2026-05-28T20:26:40Z",
                               "finishedAt": "2026-05-28T20:30:00Z", "message": message.clone(),
                               "nodes": {"atlan-snowflake-1-aaaaa-1": {
                                   "id": "atlan-snowflake-1-aaaaa-1", "name": "atlan-snowflake-1-aaaaa.extract",
                                   "displayName": "extract", "type": "Pod", "phase": "Failed",
                                   "message": message}}}}});
    let (addr, _) = scripted(move |_, line, _| {
        if line.contains("runs/indexsearch") {
            (
                200,
                json!({"took": 1, "hits": {"total": {"value": 1, "relation": "eq"}, "hits": [run.clone()]}}),
            )
        } else {
            (404, json!({"errorCode": "ATLAN-404", "errorMessage": "not here"}))
        }
    })
    .await;
    let (code, stdout, stderr) =
        atlan_against(addr, &["runs", "explain", "atlan-snowflake-1-aaaaa"]).await;
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.len() < 10_000, "{} bytes printed", stdout.len());
    assert!(stdout.contains("more characters)"), "{stdout}");
    let (code, stdout, stderr) = atlan_against(
        addr,
        &["-o", "json", "runs", "explain", "atlan-snowflake-1-aaaaa"],
    )
    .await;
    assert_eq!(code, 0, "{stderr}");
    let explained: Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    assert!(explained["message"].as_str().unwrap().len() >= 1_000_000);
}
