//! The CLI against servers that lie: one that echoes the API key back (in an error and in a
//! document) must not make the CLI print it, and one whose body never ends must not make it grow
//! without bound.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::net::SocketAddr;

use common::command;
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
