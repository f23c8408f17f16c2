//! [`Recorder`]: a layer over the transport that records every request that goes through it.

use std::sync::{Arc, Mutex, PoisonError};

use atlan_transport::{Transport, TransportError};
use bytes::Bytes;
use tower::{Layer, Service, ServiceExt};

/// One request as it went out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// Its method.
    pub method: http::Method,
    /// Its URI (path and query).
    pub uri: String,
    /// Its body.
    pub body: Bytes,
}

/// Records every request (method, URI, body) that goes through the client it layers; clones
/// share the record.
#[derive(Debug, Clone, Default)]
pub struct Recorder(Arc<Mutex<Vec<Recorded>>>);

impl Recorder {
    fn seen(&self) -> std::sync::MutexGuard<'_, Vec<Recorded>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// `METHOD uri` of every request so far.
    pub fn requests(&self) -> Vec<String> {
        self.seen()
            .iter()
            .map(|request| format!("{} {}", request.method, request.uri))
            .collect()
    }

    /// Every request so far, and forgets them.
    pub fn take(&self) -> Vec<Recorded> {
        std::mem::take(&mut *self.seen())
    }

    /// Forgets the requests so far.
    pub fn clear(&self) {
        self.seen().clear();
    }
}

impl Layer<Transport> for Recorder {
    type Service = Recording;

    fn layer(&self, inner: Transport) -> Recording {
        Recording {
            inner,
            seen: self.clone(),
        }
    }
}

/// The service a [`Recorder`] makes.
#[derive(Debug, Clone)]
pub struct Recording {
    inner: Transport,
    seen: Recorder,
}

type Answer = Result<http::Response<Bytes>, TransportError>;

impl Service<http::Request<Bytes>> for Recording {
    type Response = http::Response<Bytes>;
    type Error = TransportError;
    type Future = std::pin::Pin<Box<dyn Future<Output = Answer> + Send>>;

    fn poll_ready(
        &mut self,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), TransportError>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Bytes>) -> Self::Future {
        self.seen.seen().push(Recorded {
            method: request.method().clone(),
            uri: request.uri().to_string(),
            body: request.body().clone(),
        });
        let inner = self.inner.clone();
        Box::pin(async move { inner.oneshot(request).await })
    }
}
