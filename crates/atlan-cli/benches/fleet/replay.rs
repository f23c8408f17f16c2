//! A command's floor: the requests it made (recorded by the sandbox, `/_sandbox/recording`)
//! replayed by a bare client, with at most as many in flight as the command had at once. The
//! bare client writes each request on a connection of its own and reads the answer to its end:
//! no decoding, no logic, nothing waiting on an earlier answer.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use serde_json::Value;

use crate::support::{KEY, Server};

/// What a recording held.
pub(crate) struct Recorded {
    /// The requests, in the order they came.
    pub(crate) requests: Vec<Value>,
    /// The most in flight at once.
    pub(crate) concurrency: usize,
}

/// Starts recording every request the server gets.
pub(crate) fn start(server: &Server) {
    let (status, answer) = control(server, "POST");
    assert_eq!(status, 200, "recording starts: {answer}");
}

/// The requests recorded since [`start`]; the recording stops.
pub(crate) fn take(server: &Server) -> Recorded {
    let (status, answer) = control(server, "GET");
    assert_eq!(status, 200, "the recording: {answer}");
    control(server, "DELETE");
    let report: Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(report["dropped"], 0, "every request was kept");
    Recorded {
        requests: report["requests"].as_array().cloned().unwrap_or_default(),
        concurrency: report["peak_in_flight"].as_u64().unwrap_or(1).max(1) as usize,
    }
}

fn control(server: &Server, method: &str) -> (u16, String) {
    atlan_testkit::http::exchange(
        &server.base_url,
        method,
        "/_sandbox/recording",
        Some(KEY),
        None,
    )
    .unwrap()
}

/// Seconds the bare client takes to replay `recorded` at its concurrency.
pub(crate) fn floor(server: &Server, recorded: &Recorded) -> f64 {
    let address = server
        .base_url
        .trim_start_matches("http://")
        .trim_end_matches('/');
    let next = AtomicUsize::new(0);
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..recorded.concurrency.min(recorded.requests.len()) {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(request) = recorded.requests.get(index) else {
                        break;
                    };
                    send(address, request);
                }
            });
        }
    });
    started.elapsed().as_secs_f64()
}

/// One request as recorded, its answer read to the end.
fn send(address: &str, request: &Value) {
    let body = request["body"].as_str().unwrap_or("");
    let encoding = request["accept_encoding"]
        .as_str()
        .map(|value| format!("Accept-Encoding: {value}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "{} {} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {KEY}\r\n{encoding}\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        request["method"].as_str().unwrap(),
        request["target"].as_str().unwrap(),
        body.len()
    );
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_nodelay(true).unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body.as_bytes()).unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    assert!(answer.starts_with(b"HTTP/1.1 "), "an HTTP answer");
}
