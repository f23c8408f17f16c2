//! The whole stack over real loopback sockets: gzip, keep-alive reuse, headers, timeouts, and the
//! POST that must not be sent twice after the server read it and dropped the connection.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;
use std::time::Duration;

use atlan_transport::{Idempotent, TimeoutKind, Transport, TransportConfig, TransportError};
use bytes::Bytes;
use common::{Reply, Seen, Server, json};
use http::{Method, Request, Response};
use http_body_util::Full;

fn transport(server: &Server, adjust: impl FnOnce(&mut TransportConfig)) -> Transport {
    let mut config = TransportConfig::new(&server.url(), "loopback-key").unwrap();
    // No backoff: these tests run on the real clock and must not wait on it.
    config.retry.initial_backoff = Duration::ZERO;
    config.retry.max_backoff = Duration::ZERO;
    adjust(&mut config);
    Transport::new(config).unwrap()
}

fn request(method: Method, path: &str, body: &'static str) -> Request<Bytes> {
    Request::builder()
        .method(method)
        .uri(path)
        .body(Bytes::from_static(body.as_bytes()))
        .unwrap()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

#[tokio::test]
async fn gzip_responses_are_decompressed_and_sequential_requests_share_one_connection() {
    let payload = "{\"hits\":{\"hits\":[]}}".repeat(200);
    let expected = payload.clone();
    let server = Server::start(move |seen: Seen| {
        let accepts_gzip = seen
            .head
            .headers
            .get("accept-encoding")
            .is_some_and(|v| v.to_str().unwrap_or("").contains("gzip"));
        let mut response = Response::builder().status(200);
        let body = if accepts_gzip {
            response = response.header("content-encoding", "gzip");
            gzip(payload.as_bytes())
        } else {
            payload.as_bytes().to_vec()
        };
        Reply::Respond(response.body(Full::new(Bytes::from(body))).unwrap())
    })
    .await;
    let transport = transport(&server, |_| {});
    for _ in 0..1_000 {
        let response = transport
            .send(request(Method::GET, "/api/service/runs/cron", ""))
            .await
            .unwrap();
        assert_eq!(response.body(), expected.as_bytes());
    }
    assert_eq!(server.requests(), 1_000);
    assert_eq!(
        server.connections(),
        1,
        "1,000 sequential requests reuse one connection"
    );

    let plain = Server::start(|seen: Seen| {
        assert!(
            seen.head.headers.get("accept-encoding").is_none(),
            "gzip off: not asked for"
        );
        json(200, "{}")
    })
    .await;
    let transport = self::transport(&plain, |config| config.gzip = false);
    assert_eq!(
        transport
            .send(request(Method::GET, "/x", ""))
            .await
            .unwrap()
            .body(),
        &Bytes::from_static(b"{}")
    );
}

#[tokio::test]
async fn the_server_sees_the_sdk_headers_the_key_and_the_body() {
    let server = Server::start(|seen: Seen| {
        let header = |name: &str| {
            seen.head
                .headers
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default()
        };
        assert_eq!(seen.head.uri.path(), "/api/service/credentials/test");
        assert_eq!(header("authorization"), "Bearer loopback-key");
        assert!(header("user-agent").starts_with("atlan-rs/"));
        assert_eq!(header("x-atlan-agent-id"), "rust");
        assert_eq!(header("x-atlan-request-id").len(), 36);
        assert_eq!(&seen.body[..], b"{\"name\":\"c\"}");
        json(200, "{\"message\":\"successful\"}")
    })
    .await;
    let transport = transport(&server, |_| {});
    let response = transport
        .send(request(
            Method::POST,
            "/api/service/credentials/test",
            "{\"name\":\"c\"}",
        ))
        .await
        .unwrap();
    assert_eq!(
        response.body(),
        &Bytes::from_static(b"{\"message\":\"successful\"}")
    );
}

#[tokio::test]
async fn a_post_the_server_read_is_not_sent_again_after_the_connection_drops() {
    let server = Server::start(|_| Reply::Drop).await;
    let transport = transport(&server, |config| config.retry.max_attempts = 4);
    let error = transport
        .send(request(
            Method::POST,
            "/api/service/workflows?submit=true",
            "{}",
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            TransportError::Dispatch {
                maybe_sent: true,
                ..
            }
        ),
        "{error}"
    );
    assert_eq!(server.requests(), 1, "a workflow submit must not run twice");

    // The same failure on an idempotent request is retried up to max_attempts.
    let mut search = request(Method::POST, "/api/service/runs/indexsearch", "{}");
    search.extensions_mut().insert(Idempotent);
    let error = transport.send(search).await.unwrap_err();
    assert!(matches!(error, TransportError::Dispatch { .. }), "{error}");
    assert_eq!(server.requests(), 1 + 4);
}

#[tokio::test]
async fn throttling_is_retried_until_it_clears() {
    let server = Server::start(|seen: Seen| {
        if seen.number < 3 {
            json(503, "{\"code\":503}")
        } else {
            json(200, "{}")
        }
    })
    .await;
    let transport = transport(&server, |config| config.retry.max_attempts = 3);
    let response = transport
        .send(request(Method::GET, "/api/service/runs/cron", ""))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(server.requests(), 3);
}

#[tokio::test]
async fn nothing_listening_is_a_connect_error_and_the_request_was_not_sent() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let mut config = TransportConfig::new(&url, "k").unwrap();
    config.retry.initial_backoff = Duration::ZERO;
    config.retry.max_backoff = Duration::ZERO;
    let transport = Transport::new(config).unwrap();
    let error = transport
        .send(request(
            Method::POST,
            "/api/service/workflows?submit=true",
            "{}",
        ))
        .await
        .unwrap_err();
    assert!(matches!(error, TransportError::Connect { .. }), "{error}");
    assert!(error.is_unsent() && error.is_retryable());
    let host = url.trim_start_matches("http://");
    assert!(
        error
            .to_string()
            .starts_with(&format!("could not connect to {host}:")),
        "the host and port are named: {error}"
    );
}

/// With tokio's paused clock, a server that never answers makes the attempt timeout expire without
/// waiting: nothing else can happen, so the clock jumps to the deadline.
#[tokio::test(start_paused = true)]
async fn a_server_that_never_answers_hits_the_attempt_timeout() {
    let server = Server::start(|_| Reply::Hang).await;
    let transport = transport(&server, |config| {
        config.retry.max_attempts = 1;
        config.timeouts.attempt = Duration::from_secs(30);
    });
    let started = tokio::time::Instant::now();
    let error = transport
        .send(request(Method::GET, "/x", ""))
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            TransportError::Timeout {
                which: TimeoutKind::Attempt,
                ..
            }
        ),
        "{error}"
    );
    assert!(started.elapsed() >= Duration::from_secs(30));
    assert_eq!(server.requests(), 1);
}

/// A raw server that answers every connection with a chunked body that never ends.
async fn endless_body_server() -> std::net::SocketAddr {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut head = [0u8; 4096];
                let _ = stream.read(&mut head).await;
                let _ = stream
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n")
                    .await;
                let chunk = format!("4000\r\n{}\r\n", "[".repeat(0x4000));
                while stream.write_all(chunk.as_bytes()).await.is_ok() {}
            });
        }
    });
    addr
}

#[tokio::test]
async fn an_endless_body_stops_at_the_limit_with_a_clear_error() {
    let addr = endless_body_server().await;
    let mut config = TransportConfig::new(&format!("http://{addr}"), "loopback-key")
        .unwrap()
        .with_max_response_bytes(1024 * 1024);
    config.retry.initial_backoff = Duration::ZERO;
    config.retry.max_backoff = Duration::ZERO;
    let transport = Transport::new(config).unwrap();
    let error = transport
        .send(request(Method::GET, "/api/service/whoami", ""))
        .await
        .unwrap_err();
    assert!(
        matches!(error, TransportError::BodyTooLarge { limit: 1_048_576 }),
        "{error:?}"
    );
    assert!(!error.is_retryable());
    assert!(error.to_string().contains("1048576 bytes"), "{error}");
}

#[tokio::test]
async fn a_gzip_bomb_is_limited_after_decompression() {
    let bomb = gzip(&vec![b' '; 64 * 1024 * 1024]);
    assert!(bomb.len() < 512 * 1024);
    let server = Server::start(move |_| {
        Reply::Respond(
            Response::builder()
                .header("content-encoding", "gzip")
                .body(Full::new(Bytes::from(bomb.clone())))
                .unwrap(),
        )
    })
    .await;
    let transport = transport(&server, |config| config.max_response_bytes = 1024 * 1024);
    let error = transport
        .send(request(Method::GET, "/api/service/whoami", ""))
        .await
        .unwrap_err();
    assert!(
        matches!(error, TransportError::BodyTooLarge { .. }),
        "{error:?}"
    );
}
