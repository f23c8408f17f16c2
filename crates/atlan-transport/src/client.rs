//! The innermost service: hyper's pooled client over rustls (ring), HTTP/1.1 and HTTP/2.

use std::sync::Arc;

use bytes::Bytes;
use http_body_util::Full;
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use http::Uri;
use tower::Service;

use crate::config::TransportConfig;
use crate::error::TransportError;

/// The connector: TCP with `TCP_NODELAY` and keep-alive, TLS by rustls when the URL says `https`, and
/// the connect timeout over both.
pub(crate) type Connector = ConnectTimeout<HttpsConnector<HttpConnector>>;

/// Bounds connecting (TCP and TLS) by a timeout; an expired one is an I/O `TimedOut` error, which the
/// transport reports as [`TimeoutKind::Connect`](crate::TimeoutKind::Connect).
#[derive(Clone, Debug)]
pub(crate) struct ConnectTimeout<C> {
    inner: C,
    timeout: Duration,
}

impl<C> Service<Uri> for ConnectTimeout<C>
where
    C: Service<Uri>,
    C::Future: Send + 'static,
    C::Error: Into<crate::BoxError>,
{
    type Response = C::Response;
    type Error = crate::BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<C::Response, crate::BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let connecting = self.inner.call(uri);
        let timeout = self.timeout;
        Box::pin(async move {
            match tokio::time::timeout(timeout, connecting).await {
                Ok(connected) => connected.map_err(Into::into),
                Err(_) => Err(Box::new(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "connect timed out",
                )) as crate::BoxError),
            }
        })
    }
}

/// hyper's client as the stack uses it.
pub(crate) type HyperClient = Client<Connector, Full<Bytes>>;

/// Builds the pooled client.
pub(crate) fn build(config: &TransportConfig) -> Result<HyperClient, TransportError> {
    build_with(
        config.timeouts.connect,
        config.pool_idle_timeout,
        config.pool_max_idle_per_host,
    )
}

/// Builds a pooled client with these settings.
pub(crate) fn build_with(
    connect: Duration,
    pool_idle_timeout: Duration,
    pool_max_idle_per_host: usize,
) -> Result<HyperClient, TransportError> {
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_nodelay(true);
    http.set_connect_timeout(Some(connect));
    http.set_keepalive(Some(Duration::from_secs(60)));
    let https = tls_builder()?
        .https_or_http()
        .enable_all_versions()
        .wrap_connector(http);
    let connector = ConnectTimeout {
        inner: https,
        timeout: connect,
    };
    Ok(Client::builder(TokioExecutor::new())
        .pool_timer(TokioTimer::new())
        .pool_idle_timeout(pool_idle_timeout)
        .pool_max_idle_per_host(pool_max_idle_per_host)
        .build(connector))
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

#[cfg(feature = "native-roots")]
fn tls_builder()
-> Result<HttpsConnectorBuilder<hyper_rustls::builderstates::WantsSchemes>, TransportError> {
    HttpsConnectorBuilder::new()
        .with_provider_and_native_roots(provider())
        .map_err(|error| {
            TransportError::construction(format!(
                "cannot load the system's root certificates: {error}"
            ))
        })
}

#[cfg(all(feature = "webpki-roots", not(feature = "native-roots")))]
fn tls_builder()
-> Result<HttpsConnectorBuilder<hyper_rustls::builderstates::WantsSchemes>, TransportError> {
    HttpsConnectorBuilder::new()
        .with_provider_and_webpki_roots(provider())
        .map_err(|error| TransportError::construction(format!("cannot set up TLS: {error}")))
}

/// Without a root store feature, TLS has no trusted roots: only plain `http` works.
#[cfg(not(any(feature = "webpki-roots", feature = "native-roots")))]
fn tls_builder()
-> Result<HttpsConnectorBuilder<hyper_rustls::builderstates::WantsSchemes>, TransportError> {
    let config = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|error| TransportError::construction(format!("cannot set up TLS: {error}")))?
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth();
    Ok(HttpsConnectorBuilder::new().with_tls_config(config))
}
