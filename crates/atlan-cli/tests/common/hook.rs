//! A webhook receiver for the tests of `atlanctl watch`: a real HTTP server on loopback.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// A webhook receiver: records each document posted (and its `Authorization` header), and
/// answers 500 to the first `fail` posts; with `hang`, it reads each post and never answers,
/// counting the posts it holds and those whose client gave up (closed the connection).
#[derive(Clone, Default)]
pub struct Hook {
    pub documents: Arc<Mutex<Vec<Value>>>,
    pub authorizations: Arc<Mutex<Vec<Option<String>>>>,
    pub fail: Arc<AtomicUsize>,
    pub hang: Arc<AtomicBool>,
    pub held: Arc<AtomicUsize>,
    pub given_up: Arc<AtomicUsize>,
}

impl Hook {
    pub async fn start(fail: usize) -> (Self, String) {
        let hook = Self::default();
        hook.fail.store(fail, Ordering::SeqCst);
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!(
            "http://{}/hooks/T000/B000/secret-token-7c1d",
            listener.local_addr().unwrap()
        );
        let serving = hook.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let hook = serving.clone();
                tokio::spawn(async move { hook.answer(stream).await });
            }
        });
        (hook, url)
    }

    async fn answer(&self, stream: TcpStream) {
        let mut reader = BufReader::new(stream);
        let mut length = 0;
        let mut authorization = None;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                return;
            }
            if let Some(value) = line.to_lowercase().strip_prefix("content-length:") {
                length = value.trim().parse().unwrap();
            }
            if line.to_lowercase().starts_with("authorization:") {
                authorization = line
                    .split_once(':')
                    .map(|(_, value)| value.trim().to_owned());
            }
            if line == "\r\n" {
                break;
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).await.unwrap();
        if self.hang.load(Ordering::SeqCst) {
            self.held.fetch_add(1, Ordering::SeqCst);
            // Never answers: reads until the client gives up and closes the connection.
            let mut rest = Vec::new();
            let _ = reader.read_to_end(&mut rest).await;
            self.given_up.fetch_add(1, Ordering::SeqCst);
            return;
        }
        self.authorizations.lock().unwrap().push(authorization);
        let failing = self
            .fail
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        let status = if failing {
            "500 Internal Server Error"
        } else {
            self.documents
                .lock()
                .unwrap()
                .push(serde_json::from_slice(&body).unwrap());
            "200 OK"
        };
        let answer =
            format!("HTTP/1.1 {status}\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        let _ = reader.into_inner().write_all(answer.as_bytes()).await;
    }

    pub fn keys(&self) -> Vec<String> {
        self.documents
            .lock()
            .unwrap()
            .iter()
            .map(|document| document["key"].as_str().unwrap().to_owned())
            .collect()
    }
}
