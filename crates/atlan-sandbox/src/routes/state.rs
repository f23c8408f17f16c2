//! [`ServerState`]: what every handler shares, where its store work runs ([`Work`]), and the JSON
//! answers handlers build.

use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use axum::response::{IntoResponse, Response};
use bytes::Bytes;

use crate::clock::TenantClock;
use crate::error::{ApiError, ApiResult};
use crate::faults::FaultControl;
use crate::store::{Creator, Store};

/// Who the API key belongs to.
#[derive(Debug, Clone)]
pub(crate) struct Identity {
    pub(crate) creator: Creator,
    /// Whether the key is an API token (`$api-token-default-access`), which decides between the
    /// `workflows/` and `package-workflows/` endpoints in the SDKs.
    pub(crate) api_token_user: bool,
}

/// What every handler shares.
#[derive(Clone)]
pub(crate) struct ServerState {
    pub(crate) store: Arc<RwLock<Store>>,
    pub(crate) clock: Arc<TenantClock>,
    pub(crate) faults: FaultControl,
    pub(crate) api_key: Arc<str>,
    pub(crate) identity: Arc<Identity>,
    /// The store's counts, published after every change.
    pub(crate) health: Arc<crate::store::Health>,
    /// Whether changes are synced to a state file (so every write waits on the disk).
    pub(crate) persisted: bool,
}

/// The largest body whose parse is light work.
const LIGHT_BODY: usize = 64 * 1024;

/// Where a request's store work runs ([`ServerState::run`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Work {
    /// Small and in memory: on the async worker that serves the connection, the fastest place.
    Light,
    /// A state file to sync, a body over 64 KiB to parse, or work that grows with the whole
    /// store: on tokio's blocking pool, so that the async workers, which accept connections and
    /// answer `/_sandbox/health`, are never held up.
    Heavy,
}

impl ServerState {
    /// The store for reading, with run documents brought up to the clock first.
    pub(crate) fn read(&self) -> ApiResult<RwLockReadGuard<'_, Store>> {
        let now = self.clock.now();
        let needs = self
            .store
            .read()
            .map_err(|_| poisoned())?
            .needs_advance(now);
        if needs {
            self.store.write().map_err(|_| poisoned())?.advance(now);
        }
        self.store.read().map_err(|_| poisoned())
    }

    /// Runs `work` where [`Work`] says: here, or on tokio's blocking pool. Light work waits for
    /// nobody on an async worker: while the store is locked for writing (a clock moved by a year
    /// fires its schedules under the lock), it goes to the blocking pool too, so that the async
    /// workers go on accepting connections and answering `/_sandbox/health`.
    ///
    /// # Errors
    /// What `work` returns; a 500 if heavy work panicked (it must not) or the runtime is shutting
    /// down.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        kind: Work,
        work: impl FnOnce(&ServerState) -> ApiResult<T> + Send + 'static,
    ) -> ApiResult<T> {
        match kind {
            Work::Light if self.store_is_free() => work(self),
            _ => {
                let state = self.clone();
                tokio::task::spawn_blocking(move || work(&state))
                    .await
                    .map_err(|_| ApiError::internal("the request could not be completed"))?
            }
        }
    }

    /// Whether the store can be read at once (no writer holds it or waits for it).
    fn store_is_free(&self) -> bool {
        !matches!(
            self.store.try_read(),
            Err(std::sync::TryLockError::WouldBlock)
        )
    }

    /// `work` done as `kind` (as [`ServerState::run`]), its value answered as JSON.
    pub(crate) async fn answer<T: serde::Serialize + Send + 'static>(
        &self,
        kind: Work,
        work: impl FnOnce(&ServerState) -> ApiResult<T> + Send + 'static,
    ) -> ApiResult<Response> {
        self.run(kind, move |state| {
            work(state).map(|value| json_response(&value))
        })
        .await
    }

    /// A write: heavy when it syncs a state file or parses a body over 64 KiB.
    pub(crate) fn write_work(&self, body: &[u8]) -> Work {
        if self.persisted {
            Work::Heavy
        } else {
            Self::read_work(body)
        }
    }

    /// A read with a body (a search, a credential test): heavy when the body is over 64 KiB.
    pub(crate) fn read_work(body: &[u8]) -> Work {
        if body.len() > LIGHT_BODY {
            Work::Heavy
        } else {
            Work::Light
        }
    }

    /// The store for writing, brought up to the clock.
    pub(crate) fn write(&self) -> ApiResult<RwLockWriteGuard<'_, Store>> {
        let mut store = self.store.write().map_err(|_| poisoned())?;
        store.advance(self.clock.now());
        Ok(store)
    }
}

fn poisoned() -> ApiError {
    ApiError::internal("the sandbox's state is unavailable after a failure")
}

/// A JSON answer (a 500 in the impossible case that it cannot be written).
pub(crate) fn json_response(value: &impl serde::Serialize) -> Response {
    rendered(value, 0).unwrap_or_else(IntoResponse::into_response)
}

/// A JSON answer written from a view of shared records (after the store's lock is released)
/// into a buffer of about `size` bytes (so that a 32 MB answer is not copied as it grows).
///
/// # Errors
/// A 500 when the view cannot be written (it always can).
pub(crate) fn rendered(view: &impl serde::Serialize, size: usize) -> ApiResult<Response> {
    let mut bytes = Vec::with_capacity(size);
    serde_json::to_writer(&mut bytes, view)
        .map_err(|error| ApiError::internal(error.to_string()))?;
    Ok(bytes_response(bytes))
}

/// A JSON answer whose body is written as the connection takes it.
pub(crate) fn json_stream(
    body: impl http_body::Body<Data = Bytes, Error = std::convert::Infallible> + Send + 'static,
) -> Response {
    (
        [(http::header::CONTENT_TYPE, "application/json")],
        axum::body::Body::new(body),
    )
        .into_response()
}

pub(crate) fn bytes_response(bytes: Vec<u8>) -> Response {
    ([(http::header::CONTENT_TYPE, "application/json")], bytes).into_response()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::mpsc;
    use std::time::Duration;

    use super::*;
    use crate::store::StoreSettings;

    fn state() -> ServerState {
        let now = jiff::Timestamp::from_second(1_780_000_000).unwrap();
        let store = Store::new(StoreSettings::default(), now);
        let health = store.health();
        ServerState {
            health,
            persisted: false,
            store: Arc::new(RwLock::new(store)),
            clock: Arc::new(TenantClock::new(
                Arc::new(crate::ManualClock::new(now)),
                1.0,
            )),
            faults: FaultControl::new(7),
            api_key: Arc::from("key"),
            identity: Arc::new(Identity {
                creator: crate::seed::creator("test"),
                api_token_user: false,
            }),
        }
    }

    /// On a runtime of one thread: a light read that blocked its worker on the store's lock
    /// would stop every other task (health, accepting connections) until the writer let go.
    #[tokio::test(flavor = "current_thread")]
    async fn light_work_never_waits_for_a_writer_on_an_async_worker() {
        let state = state();
        let (locked, is_locked) = mpsc::channel();
        let (others_ran, did_others_run) = mpsc::channel();
        let store = Arc::clone(&state.store);
        // The writer holds the lock until the runtime shows it still runs other tasks (or for
        // 60 s, the guard against a runtime that is stuck: then the test fails).
        let writer = std::thread::spawn(move || {
            let _guard = store.write().unwrap();
            locked.send(()).unwrap();
            did_others_run.recv_timeout(Duration::from_secs(60)).is_ok()
        });
        is_locked.recv().unwrap();
        let reading = tokio::spawn({
            let state = state.clone();
            async move { state.run(Work::Light, |state| state.read().map(drop)).await }
        });
        tokio::task::yield_now().await;
        let other = tokio::spawn(async { 42 }).await.unwrap();
        others_ran.send(other).unwrap();
        assert!(
            writer.join().unwrap(),
            "the runtime was stuck behind a light read"
        );
        reading.await.unwrap().unwrap();
    }
}
