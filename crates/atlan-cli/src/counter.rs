//! Counting the requests the client sends (each call once, before retries), so that a command
//! can say how many it took: tower's `MapRequestLayer` with a shared counter.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use tower::util::MapRequestLayer;

/// A shared count of the requests through [`CountRequests::layer`].
#[derive(Debug, Clone, Default)]
pub(crate) struct CountRequests {
    count: Arc<AtomicU64>,
}

impl CountRequests {
    /// How many requests went through so far.
    pub(crate) fn count(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }

    /// The layer that counts each request into this count.
    pub(crate) fn layer(
        &self,
    ) -> MapRequestLayer<
        impl Fn(http::Request<Bytes>) -> http::Request<Bytes> + Clone + Send + Sync + 'static,
    > {
        let count = Arc::clone(&self.count);
        MapRequestLayer::new(move |request| {
            count.fetch_add(1, Ordering::Relaxed);
            request
        })
    }
}
