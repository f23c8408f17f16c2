//! Per-request overhead of the whole transport stack over a bare hyper client, on loopback, for
//! 1 KB responses (run with `cargo xtask bench`). Target: at most 10% more per request.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::sync::LazyLock;

use atlan_transport::{Transport, TransportConfig};
use bytes::Bytes;
use divan::Bencher;
use http::{Request, Response};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::runtime::Runtime;

fn main() {
    divan::main();
}

static RUNTIME: LazyLock<Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
});

/// A loopback server answering every request with 1 KB of JSON-ish bytes.
static SERVER: LazyLock<String> = LazyLock::new(|| {
    RUNTIME.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let body = Bytes::from(vec![b'x'; 1024]);
        tokio::spawn(async move {
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                let body = body.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |_: Request<Incoming>| {
                        let body = body.clone();
                        async move { Ok::<_, std::convert::Infallible>(Response::new(Full::new(body))) }
                    });
                    let _ = auto::Builder::new(TokioExecutor::new()).serve_connection(TokioIo::new(stream), service).await;
                });
            }
        });
        format!("http://{addr}")
    })
});

#[divan::bench(sample_count = 200, sample_size = 10)]
fn bare_hyper_client_1kb(bencher: Bencher<'_, '_>) {
    let client: Client<HttpConnector, Full<Bytes>> =
        Client::builder(TokioExecutor::new()).build_http();
    let uri: http::Uri = format!("{}/api/service/runs/cron", *SERVER)
        .parse()
        .unwrap();
    bencher.bench_local(|| {
        RUNTIME.block_on(async {
            let response = client
                .request(
                    Request::get(uri.clone())
                        .body(Full::new(Bytes::new()))
                        .unwrap(),
                )
                .await
                .unwrap();
            response.into_body().collect().await.unwrap().to_bytes()
        })
    });
}

#[divan::bench(sample_count = 200, sample_size = 10)]
fn transport_stack_1kb(bencher: Bencher<'_, '_>) {
    let transport = RUNTIME.block_on(async {
        Transport::new(TransportConfig::new(&SERVER, "bench-key").unwrap()).unwrap()
    });
    bencher.bench_local(|| {
        RUNTIME.block_on(async {
            let request = Request::get("/api/service/runs/cron")
                .body(Bytes::new())
                .unwrap();
            transport.send(request).await.unwrap().into_body()
        })
    });
}
