//! The stack over a mock connection (tower-test), with tokio's paused clock: attempts, backoff,
//! Retry-After, the retry budget, timeouts, auth scoping and headers. No test waits on the wall clock.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, SystemTime};

use atlan_transport::{
    BoxError, Idempotent, REQUEST_ID_HEADER, RetryBudget, Throttled, TimeoutKind, Transport,
    TransportConfig, TransportError,
};
use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use tokio::time::Instant;
use tower_test::mock::{self, Handle, SendResponse};

type Body = BoxBody<Bytes, BoxError>;
type Mock = Handle<Request<Full<Bytes>>, Response<Body>>;

fn config() -> TransportConfig {
    let mut config = TransportConfig::new("https://tenant.atlan.com", "sentinel-key").unwrap();
    config.retry.max_attempts = 3;
    config.retry.initial_backoff = Duration::from_millis(100);
    config.retry.max_backoff = Duration::from_secs(5);
    config
}

fn transport(config: TransportConfig) -> (Transport, Mock) {
    let (service, handle) = mock::pair::<Request<Full<Bytes>>, Response<Body>>();
    (Transport::over(config, service).unwrap(), handle)
}

fn response(status: u16) -> Response<Body> {
    Response::builder()
        .status(status)
        .body(
            Full::new(Bytes::from_static(b"{}"))
                .map_err(Into::into)
                .boxed(),
        )
        .unwrap()
}

fn request(method: Method, uri: &str) -> Request<Bytes> {
    Request::builder()
        .method(method)
        .uri(uri)
        .body(Bytes::from_static(b"{\"q\":1}"))
        .unwrap()
}

/// Sends `request` in a task; returns its join handle.
fn spawn_send(
    transport: &Transport,
    request: Request<Bytes>,
) -> tokio::task::JoinHandle<Result<Response<Bytes>, TransportError>> {
    let transport = transport.clone();
    tokio::spawn(async move { transport.send(request).await })
}

async fn next(handle: &mut Mock) -> (Request<Full<Bytes>>, SendResponse<Response<Body>>, Instant) {
    let (request, respond) = handle.next_request().await.expect("an attempt");
    (request, respond, Instant::now())
}

/// Checks that no request reaches the mock within `wait` (no retry, no further attempt).
async fn no_request_within(handle: &mut Mock, wait: Duration, why: &str) {
    assert!(
        tokio::time::timeout(wait, handle.next_request())
            .await
            .is_err(),
        "{why}"
    );
}

/// Answers the next attempt with `status` and checks that `call` ends with it and that no other
/// attempt follows within `quiet`.
async fn answered_once(
    handle: &mut Mock,
    call: tokio::task::JoinHandle<Result<Response<Bytes>, TransportError>>,
    status: u16,
    quiet: Duration,
) {
    let (_, respond, _) = next(handle).await;
    respond.send_response(response(status));
    assert_eq!(call.await.unwrap().unwrap().status().as_u16(), status);
    no_request_within(handle, quiet, "answered once, sent once").await;
}

#[tokio::test(start_paused = true)]
async fn throttled_gets_are_retried_with_the_same_request_id_and_bounded_backoff() {
    let (transport, mut handle) = transport(config());
    let call = spawn_send(&transport, request(Method::GET, "/api/service/runs/x"));
    let mut ids = Vec::new();
    let mut times = Vec::new();
    for status in [503, 500] {
        let (request, respond, at) = next(&mut handle).await;
        ids.push(request.headers()[REQUEST_ID_HEADER].clone());
        times.push(at);
        respond.send_response(response(status));
    }
    let (request, respond, at) = next(&mut handle).await;
    ids.push(request.headers()[REQUEST_ID_HEADER].clone());
    times.push(at);
    respond.send_response(response(200));
    let result = call.await.unwrap().unwrap();
    assert_eq!(result.status(), StatusCode::OK);
    assert_eq!(result.body(), &Bytes::from_static(b"{}"));
    assert!(
        ids.windows(2).all(|pair| pair[0] == pair[1]),
        "one request id per logical call: {ids:?}"
    );
    assert_eq!(ids[0].len(), 36, "a UUID");
    assert_eq!(
        result.headers().get(REQUEST_ID_HEADER),
        Some(&ids[0]),
        "the response names the call's id"
    );
    assert!(
        times[1] - times[0] <= Duration::from_millis(100),
        "first backoff within [0, 100ms]"
    );
    assert!(
        times[2] - times[1] <= Duration::from_millis(200),
        "second backoff within [0, 200ms]"
    );
}

#[tokio::test(start_paused = true)]
async fn attempts_stop_at_max_attempts_and_return_the_last_response() {
    let (transport, mut handle) = transport(config());
    let call = spawn_send(&transport, request(Method::GET, "/x"));
    for _ in 0..3 {
        let (_, respond, _) = next(&mut handle).await;
        respond.send_response(response(502));
    }
    assert_eq!(
        call.await.unwrap().unwrap().status(),
        StatusCode::BAD_GATEWAY
    );
    handle.allow(1);
    no_request_within(&mut handle, Duration::from_secs(3600), "no fourth attempt").await;
}

#[tokio::test(start_paused = true)]
async fn a_plain_post_is_never_resent_but_a_marked_one_is() {
    let (transport, mut handle) = transport(config());
    let call = spawn_send(
        &transport,
        request(Method::POST, "/api/service/workflows?submit=true"),
    );
    // A plain post is not sent again.
    answered_once(&mut handle, call, 503, Duration::from_secs(3600)).await;

    let mut search = request(Method::POST, "/api/service/runs/indexsearch");
    search.extensions_mut().insert(Idempotent);
    let call = spawn_send(&transport, search);
    let (_, respond, _) = next(&mut handle).await;
    respond.send_response(response(429));
    let (_, respond, _) = next(&mut handle).await;
    respond.send_response(response(200));
    let answer = call.await.unwrap().unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(
        answer.extensions().get::<Throttled>(),
        Some(&Throttled(1)),
        "the answer says the server asked to slow down"
    );

    let mut search = request(Method::POST, "/api/service/runs/indexsearch");
    search.extensions_mut().insert(Idempotent);
    let call = spawn_send(&transport, search);
    let (_, respond, _) = next(&mut handle).await;
    respond.send_response(response(200));
    let answer = call.await.unwrap().unwrap();
    assert_eq!(
        answer.extensions().get::<Throttled>(),
        None,
        "not throttled"
    );
}

#[tokio::test(start_paused = true)]
async fn retry_after_seconds_are_honoured_and_capped() {
    let (transport, mut handle) = transport(config());
    let call = spawn_send(&transport, request(Method::GET, "/x"));
    let (_, respond, first) = next(&mut handle).await;
    let mut throttled = response(429);
    throttled
        .headers_mut()
        .insert(http::header::RETRY_AFTER, "3".parse().unwrap());
    respond.send_response(throttled);
    let (_, respond, second) = next(&mut handle).await;
    assert_eq!(second - first, Duration::from_secs(3));
    let mut throttled = response(503);
    throttled
        .headers_mut()
        .insert(http::header::RETRY_AFTER, "3600".parse().unwrap());
    respond.send_response(throttled);
    let (_, respond, third) = next(&mut handle).await;
    assert_eq!(
        third - second,
        Duration::from_secs(5),
        "capped by max_backoff"
    );
    respond.send_response(response(200));
    let answer = call.await.unwrap().unwrap();
    assert_eq!(answer.extensions().get::<Throttled>(), Some(&Throttled(2)));
}

#[tokio::test(start_paused = true)]
async fn retry_after_as_an_http_date_is_honoured() {
    let (transport, mut handle) = transport(config());
    let call = spawn_send(&transport, request(Method::GET, "/x"));
    let (_, respond, first) = next(&mut handle).await;
    let mut throttled = response(503);
    let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(4));
    throttled
        .headers_mut()
        .insert(http::header::RETRY_AFTER, date.parse().unwrap());
    respond.send_response(throttled);
    let (_, respond, second) = next(&mut handle).await;
    let waited = second - first;
    assert!(
        waited > Duration::from_secs(2) && waited <= Duration::from_secs(4),
        "waited {waited:?}"
    );
    respond.send_response(response(200));
    assert!(call.await.unwrap().is_ok());
}

#[tokio::test(start_paused = true)]
async fn an_exhausted_budget_stops_retries() {
    let mut config = config();
    config.retry.max_attempts = 10;
    let mut budget = RetryBudget::default();
    budget.ttl = Duration::from_secs(1);
    budget.min_per_sec = 1;
    budget.retry_percent = 0.0;
    config.retry.budget = budget;
    let (transport, mut handle) = transport(config);

    // The budget holds one retry: the first call gets it, then stops.
    let call = spawn_send(&transport, request(Method::GET, "/x"));
    for _ in 0..2 {
        let (_, respond, _) = next(&mut handle).await;
        respond.send_response(response(503));
    }
    assert_eq!(
        call.await.unwrap().unwrap().status(),
        StatusCode::SERVICE_UNAVAILABLE
    );

    // The next call, in the same second, gets no retry at all.
    let call = spawn_send(&transport, request(Method::GET, "/x"));
    answered_once(&mut handle, call, 503, Duration::from_millis(500)).await;
}

#[tokio::test(start_paused = true)]
async fn the_key_goes_to_the_configured_host_only() {
    let (transport, mut handle) = transport(config());
    for (uri, expect_key) in [
        ("/api/service/whoami", true),
        ("https://tenant.atlan.com/api/service/whoami", true),
        ("http://tenant.atlan.com/api/service/whoami", false),
        ("https://evil.example.com/steal", false),
        ("https://tenant.atlan.com:8443/x", false),
    ] {
        let call = spawn_send(&transport, request(Method::GET, uri));
        let (request, respond, _) = next(&mut handle).await;
        let auth = request.headers().get(http::header::AUTHORIZATION);
        assert_eq!(auth.is_some(), expect_key, "{uri}");
        if let Some(auth) = auth {
            assert_eq!(auth, "Bearer sentinel-key");
            assert!(auth.is_sensitive());
            assert!(!format!("{:?}", request.headers()).contains("sentinel-key"));
        }
        respond.send_response(response(200));
        call.await.unwrap().unwrap();
    }
}

#[tokio::test(start_paused = true)]
async fn sdk_headers_and_the_base_url_are_applied() {
    let mut config = TransportConfig::new("http://127.0.0.1:9999/prefix", "k").unwrap();
    config
        .extra_headers
        .push(("x-tenant-hint".parse().unwrap(), "blue".parse().unwrap()));
    let (transport, mut handle) = transport(config);
    let mut custom = request(Method::POST, "/api/service/credentials?testCredential=true");
    custom
        .headers_mut()
        .insert(http::header::USER_AGENT, "my-app/1.0".parse().unwrap());
    let call = spawn_send(&transport, custom);
    let (request, respond, _) = next(&mut handle).await;
    assert_eq!(
        request.uri(),
        "http://127.0.0.1:9999/prefix/api/service/credentials?testCredential=true"
    );
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    assert_eq!(
        header("user-agent").as_deref(),
        Some("my-app/1.0"),
        "the caller's header wins"
    );
    assert_eq!(header("x-atlan-agent").as_deref(), Some("sdk"));
    assert_eq!(header("x-atlan-agent-id").as_deref(), Some("rust"));
    assert_eq!(
        header("x-atlan-client-origin").as_deref(),
        Some("product_sdk")
    );
    assert_eq!(header("accept").as_deref(), Some("application/json"));
    assert_eq!(header("content-type").as_deref(), Some("application/json"));
    assert_eq!(header("accept-encoding").as_deref(), Some("gzip"));
    assert_eq!(header("x-tenant-hint").as_deref(), Some("blue"));
    assert_eq!(
        request.into_body().collect().await.unwrap().to_bytes(),
        Bytes::from_static(b"{\"q\":1}")
    );
    respond.send_response(response(200));
    call.await.unwrap().unwrap();
}

#[tokio::test(start_paused = true)]
async fn an_attempt_that_hangs_times_out_and_only_idempotent_requests_try_again() {
    let mut config = config();
    config.timeouts.attempt = Duration::from_secs(2);
    let (transport, mut handle) = transport(config);

    let call = spawn_send(&transport, request(Method::GET, "/x"));
    let (_, hanging, first) = next(&mut handle).await;
    let (_, respond, second) = next(&mut handle).await;
    assert!(second - first >= Duration::from_secs(2));
    drop(hanging);
    respond.send_response(response(200));
    assert_eq!(call.await.unwrap().unwrap().status(), StatusCode::OK);

    let call = spawn_send(
        &transport,
        request(Method::POST, "/api/service/workflows/x/archive"),
    );
    let (_, _hanging, _) = next(&mut handle).await;
    let error = call.await.unwrap().unwrap_err();
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
}

#[tokio::test(start_paused = true)]
async fn the_whole_call_is_bounded_by_the_operation_timeout() {
    let mut config = config();
    config.retry.max_attempts = 10;
    config.timeouts.attempt = Duration::from_secs(10);
    config.timeouts.operation = Duration::from_secs(25);
    let (transport, mut handle) = transport(config);
    let started = Instant::now();
    let mut call = spawn_send(&transport, request(Method::GET, "/x"));
    let mut hanging = Vec::new();
    let error = loop {
        tokio::select! {
            attempt = handle.next_request() => hanging.push(attempt.expect("an attempt")),
            result = &mut call => break result.unwrap().unwrap_err(),
        }
    };
    assert!(
        matches!(
            error,
            TransportError::Timeout {
                which: TimeoutKind::Operation,
                ..
            }
        ),
        "{error}"
    );
    assert_eq!(Instant::now() - started, Duration::from_secs(25));
    assert!(hanging.len() >= 2);
}

#[tokio::test(start_paused = true)]
async fn a_body_that_never_ends_times_out() {
    struct Endless;
    impl http_body::Body for Endless {
        type Data = Bytes;
        type Error = BoxError;
        fn poll_frame(
            self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, BoxError>>> {
            std::task::Poll::Pending
        }
    }
    let mut config = config();
    config.retry = atlan_transport::RetryConfig::disabled();
    config.timeouts.body = Duration::from_secs(4);
    let (transport, mut handle) = transport(config);
    let call = spawn_send(&transport, request(Method::GET, "/x"));
    let (_, respond, _) = next(&mut handle).await;
    respond.send_response(Response::new(Endless.boxed()));
    let error = call.await.unwrap().unwrap_err();
    assert!(
        matches!(
            error,
            TransportError::Timeout {
                which: TimeoutKind::Body,
                ..
            }
        ),
        "{error}"
    );
}

#[tokio::test(start_paused = true)]
async fn connection_failures_are_classified_by_whether_the_request_was_sent() {
    let (transport, mut handle) = transport(config());
    // A failure the mock reports is a dispatch error that may have been sent: a POST stops there.
    let call = spawn_send(&transport, request(Method::POST, "/x"));
    let (_, respond, _) = next(&mut handle).await;
    respond.send_error(std::io::Error::new(
        std::io::ErrorKind::ConnectionReset,
        "reset",
    ));
    let error = call.await.unwrap().unwrap_err();
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
    assert!(error.is_retryable() && !error.is_unsent());
}
