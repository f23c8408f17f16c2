//! The requests clients made, kept while a recording is on (`/_sandbox/recording`): each one's
//! method, target and, for the read-only searches, body, and the most requests in flight at once.
//! A bench replays what a command needed with a bare client at the same concurrency: the floor
//! the command is measured against.
//!
//! Bodies of anything but a search (`…/indexsearch`) are withheld (a credential's body carries
//! its secrets); at most [`MAX_RECORDED`] requests are kept, those past it are counted.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use serde_json::{Value, json};

/// The most requests one recording keeps.
pub(crate) const MAX_RECORDED: usize = 200_000;

/// One request as it came.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Recorded {
    /// `GET`, `POST`…
    pub(crate) method: String,
    /// The path and query.
    pub(crate) target: String,
    /// The body of a search; `None` for no body or a withheld one.
    pub(crate) body: Option<String>,
    /// Whether a body was sent and not kept.
    pub(crate) withheld: bool,
    /// The client's `Accept-Encoding`, sent again by a replay.
    pub(crate) accept_encoding: Option<String>,
    /// When it came, in milliseconds since the recording started.
    pub(crate) at_ms: u64,
}

impl Recorded {
    /// A request with `body` (kept only for a search).
    pub(crate) fn new(
        method: &str,
        target: &str,
        body: &[u8],
        accept_encoding: Option<&str>,
    ) -> Self {
        let search = target
            .split('?')
            .next()
            .is_some_and(|path| path.ends_with("/indexsearch"));
        let kept = search && !body.is_empty();
        Self {
            method: method.to_owned(),
            target: target.to_owned(),
            body: kept.then(|| String::from_utf8_lossy(body).into_owned()),
            withheld: !kept && !body.is_empty(),
            accept_encoding: accept_encoding.map(str::to_owned),
            at_ms: 0,
        }
    }
}

/// The recording of a running sandbox; clones share it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Recording {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    on: AtomicBool,
    requests: Mutex<Vec<Recorded>>,
    dropped: AtomicU64,
    in_flight: AtomicUsize,
    peak: AtomicUsize,
    started: Mutex<Option<std::time::Instant>>,
}

impl Recording {
    /// Starts a recording afresh: no requests, the peak from the requests in flight now.
    pub(crate) fn start(&self) {
        if let Ok(mut requests) = self.inner.requests.lock() {
            requests.clear();
        }
        self.inner.dropped.store(0, Ordering::Relaxed);
        let now = self.inner.in_flight.load(Ordering::Relaxed);
        self.inner.peak.store(now, Ordering::Relaxed);
        if let Ok(mut started) = self.inner.started.lock() {
            *started = Some(std::time::Instant::now());
        }
        self.inner.on.store(true, Ordering::Release);
    }

    /// Stops and forgets.
    pub(crate) fn stop(&self) {
        self.inner.on.store(false, Ordering::Release);
        if let Ok(mut requests) = self.inner.requests.lock() {
            *requests = Vec::new();
        }
    }

    /// Whether requests are being recorded.
    pub(crate) fn is_on(&self) -> bool {
        self.inner.on.load(Ordering::Acquire)
    }

    /// Keeps `request` (stamped with when it came), or counts it past [`MAX_RECORDED`].
    pub(crate) fn record(&self, mut request: Recorded) {
        if !self.is_on() {
            return;
        }
        request.at_ms = self
            .inner
            .started
            .lock()
            .ok()
            .and_then(|started| *started)
            .map_or(0, |started| {
                u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
            });
        if let Ok(mut requests) = self.inner.requests.lock()
            && requests.len() < MAX_RECORDED
        {
            requests.push(request);
            return;
        }
        self.inner.dropped.fetch_add(1, Ordering::Relaxed);
    }

    /// A request begins: in flight until the guard is dropped.
    pub(crate) fn enter(&self) -> InFlight {
        let now = self.inner.in_flight.fetch_add(1, Ordering::Relaxed) + 1;
        self.inner.peak.fetch_max(now, Ordering::Relaxed);
        InFlight(self.inner.clone())
    }

    /// `{"on", "requests": [...], "peak_in_flight", "dropped"}`.
    pub(crate) fn report(&self) -> Value {
        let requests = self
            .inner
            .requests
            .lock()
            .map(|requests| json!(*requests))
            .unwrap_or_else(|_| json!([]));
        json!({
            "on": self.is_on(),
            "requests": requests,
            "peak_in_flight": self.inner.peak.load(Ordering::Relaxed),
            "dropped": self.inner.dropped.load(Ordering::Relaxed),
        })
    }
}

/// A request in flight; dropping it ends it.
#[derive(Debug)]
pub(crate) struct InFlight(Arc<Inner>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_search_bodies_only_and_counts_the_peak() {
        let recording = Recording::default();
        recording.record(Recorded::new("GET", "/a", b"", None));
        assert_eq!(
            recording.report()["requests"],
            json!([]),
            "off: nothing kept"
        );
        recording.start();
        let first = recording.enter();
        let second = recording.enter();
        drop(first);
        let _third = recording.enter();
        recording.record(Recorded::new(
            "POST",
            "/api/meta/search/indexsearch",
            br#"{"dsl":{}}"#,
            Some("gzip"),
        ));
        recording.record(Recorded::new(
            "POST",
            "/api/service/credentials",
            br#"{"password":"hunter2"}"#,
            None,
        ));
        let report = recording.report();
        assert_eq!(report["peak_in_flight"], 2);
        assert_eq!(report["requests"][0]["body"], r#"{"dsl":{}}"#);
        assert_eq!(report["requests"][0]["accept_encoding"], "gzip");
        assert_eq!(report["requests"][1]["body"], Value::Null);
        assert_eq!(report["requests"][1]["withheld"], true);
        assert!(!report.to_string().contains("hunter2"));
        drop(second);
        recording.start();
        assert_eq!(
            recording.report()["peak_in_flight"],
            1,
            "the one still in flight"
        );
        recording.stop();
        assert_eq!(recording.report()["on"], false);
    }
}
