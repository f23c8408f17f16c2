//! A tower layer that counts the requests the client sends (each call once, before retries), so
//! that a command can say how many it took.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};

use bytes::Bytes;
use tower::{Layer, Service};

/// Counts every request through it in a shared counter.
#[derive(Debug, Clone, Default)]
pub(crate) struct CountRequests {
    count: Arc<AtomicU64>,
}

impl CountRequests {
    /// How many requests went through so far.
    pub(crate) fn count(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }
}

impl<S> Layer<S> for CountRequests {
    type Service = Counted<S>;

    fn layer(&self, inner: S) -> Counted<S> {
        Counted {
            inner,
            count: Arc::clone(&self.count),
        }
    }
}

/// The service of [`CountRequests`].
#[derive(Debug, Clone)]
pub(crate) struct Counted<S> {
    inner: S,
    count: Arc<AtomicU64>,
}

impl<S: Service<http::Request<Bytes>>> Service<http::Request<Bytes>> for Counted<S> {
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<Bytes>) -> Self::Future {
        self.count.fetch_add(1, Ordering::Relaxed);
        self.inner.call(request)
    }
}
