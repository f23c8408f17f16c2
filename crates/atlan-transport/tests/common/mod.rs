//! A real HTTP server on 127.0.0.1:0 for full-stack tests: counts connections and requests, and
//! answers with a handler the test gives.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::net::TcpListener;

/// What the handler decides to do with a request.
pub enum Reply {
    /// Send this response.
    Respond(Response<Full<Bytes>>),
    /// Read the request, then close the connection without answering.
    Drop,
    /// Never answer (the connection stays open).
    Hang,
}

/// A request as the handler sees it: head and whole body.
pub struct Seen {
    pub head: http::request::Parts,
    pub body: Bytes,
    /// 1 for the first request the server received.
    pub number: usize,
}

type Handler = Arc<dyn Fn(Seen) -> Reply + Send + Sync>;

/// The server's answer to one request.
type Answer = Pin<Box<dyn Future<Output = Result<Response<Full<Bytes>>, std::io::Error>> + Send>>;

/// A running server.
pub struct Server {
    pub addr: SocketAddr,
    connections: Arc<AtomicUsize>,
    requests: Arc<AtomicUsize>,
}

impl Server {
    /// Starts a server on 127.0.0.1:0 with `handler`.
    pub async fn start(handler: impl Fn(Seen) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let connections = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(AtomicUsize::new(0));
        let handler: Handler = Arc::new(handler);
        let (conns, reqs) = (connections.clone(), requests.clone());
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                conns.fetch_add(1, Ordering::SeqCst);
                let handler = handler.clone();
                let reqs = reqs.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |request: Request<Incoming>| {
                        let handler = handler.clone();
                        let number = reqs.fetch_add(1, Ordering::SeqCst) + 1;
                        let answer: Answer = Box::pin(async move {
                            let (head, body) = request.into_parts();
                            let body = body
                                .collect()
                                .await
                                .map(|b| b.to_bytes())
                                .unwrap_or_default();
                            match handler(Seen { head, body, number }) {
                                Reply::Respond(response) => Ok(response),
                                Reply::Drop => {
                                    Err(std::io::Error::other("dropping the connection"))
                                }
                                Reply::Hang => std::future::pending().await,
                            }
                        });
                        answer
                    });
                    let _ = auto::Builder::new(TokioExecutor::new())
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Self {
            addr,
            connections,
            requests,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

/// A JSON response with `status` and `body`.
pub fn json(status: u16, body: &'static str) -> Reply {
    Reply::Respond(
        Response::builder()
            .status(status)
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from_static(body.as_bytes())))
            .unwrap(),
    )
}

/// Never used: keeps `Infallible` imported for handlers that want it.
pub fn _never(_: Infallible) {}
