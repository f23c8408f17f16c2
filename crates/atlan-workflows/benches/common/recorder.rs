//! A layer that records the URI and body of every request, to replay them with a bare client.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use atlan_workflows::transport::{Transport, TransportError};
use bytes::Bytes;
use tower::{Layer, Service, ServiceExt};

/// Records the URI and body of every request, to replay them with a bare client.
#[derive(Clone, Default)]
pub(crate) struct Recorder(Arc<Mutex<Vec<(String, Bytes)>>>);

impl Recorder {
    pub(crate) fn clear(&self) {
        self.0.lock().unwrap().clear();
    }

    pub(crate) fn take(&self) -> Vec<(String, Bytes)> {
        std::mem::take(&mut *self.0.lock().unwrap())
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

#[derive(Clone)]
pub(crate) struct Recording {
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
        self.seen
            .0
            .lock()
            .unwrap()
            .push((request.uri().to_string(), request.body().clone()));
        let inner = self.inner.clone();
        Box::pin(async move { inner.oneshot(request).await })
    }
}
