//! A local Atlan-compatible server for the workflow API.
//!
//! It serves every workflow, run, schedule and credential endpoint the Atlan SDKs use, under
//! `/api/service/`, with real behaviour: stored state; runs that move from Pending to Running to
//! Succeeded (or Failed) on the clock; Atlan-shaped errors; bearer-key auth; searches evaluated with
//! Elasticsearch semantics (`atlan-query`) over indexed documents; fault injection; and, when asked,
//! a state file that survives `kill -9`.
//!
//! ```no_run
//! use std::time::Duration;
//! use atlan_sandbox::{FaultRule, Sandbox, Seed};
//!
//! # async fn example() -> Result<(), atlan_sandbox::SandboxError> {
//! let sandbox = Sandbox::builder()
//!     .seed(Seed::Default)
//!     .run_durations(Duration::from_secs(1), Duration::from_secs(5))
//!     .start()
//!     .await?;
//! println!("{} with key {}", sandbox.base_url(), sandbox.api_key());
//! sandbox.faults().add(FaultRule::status("POST /api/service/runs/indexsearch", 503).times(1)).expect("a valid rule");
//! sandbox.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! The binary `atlan-sandbox` (and the CLI's `atlanctl sandbox serve`) parses its command line into
//! [`ServeOptions`] and runs [`serve`]; the library itself parses no command line.

mod accept;
mod app_request;
mod body;
mod catalog;
mod clock;
mod contract_check;
mod directory;
mod envelope;
mod error;
mod failure;
mod faults;
mod glob;
mod ids;
mod json;
mod persist;
mod recording;
mod routes;
mod seed;
#[cfg(feature = "clap")]
mod serve_args;
mod standalone;
mod store;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use accept::{ConnectionLimits, serve_router};
pub use clock::{Clock, ManualClock, StartedClock, SystemClock};
pub use failure::FailureCause;
pub use faults::{
    FaultAction, FaultControl, FaultRule, FaultRuleError, MAX_INDEX_LAG_MS, MAX_LATENCY_MS,
};
pub use persist::{DEFAULT_COMPACT_AFTER, StateError};
pub use seed::{Seed, SeedError};
#[cfg(feature = "clap")]
pub use serve_args::ServeArgs;
pub use standalone::{ServeOptions, StopSignals, serve, wait_for_signal};
pub use store::CredentialTestRule;

use routes::{Identity, ServerState};
use store::{Store, StoreSettings};

/// The API key the sandbox accepts unless told otherwise.
pub const DEFAULT_API_KEY: &str = "atlan-sandbox-key";

/// The store's state at `now`: replayed from the state file at `state` (compacted after
/// `compact_after` bytes), or `seed` when there is none yet; laid out for searching.
fn load_store(
    mut store: Store,
    now: jiff::Timestamp,
    state: Option<&std::path::Path>,
    compact_after: u64,
    seed: &Seed,
) -> Result<Store, SandboxError> {
    if let Some(path) = state {
        let mut opened = persist::Log::open(path)?;
        opened.log.set_compact_after(compact_after);
        let replayed = opened.events.len();
        if let Some((line, bytes)) = opened.recovered {
            tracing::warn!(path = %path.display(), line, bytes, "recovered the state file: cut off an unfinished last write (the process stopped while writing it; it was never acknowledged)");
        }
        store.replay(opened.events);
        tracing::info!(path = %opened.log.path().display(), events = replayed, "state replayed");
        store.attach_log(opened.log);
    }
    if store.is_empty() {
        let events = seed::events(seed, now.as_millisecond(), store.rng())?;
        store.commit_seed(events).map_err(SandboxError::Persist)?;
    }
    if state.is_some() {
        // The seed data stays reproducible; the ids of this session must differ from those of
        // every session before it that wrote to the same file.
        store.reseed(fastrand::u64(..) ^ now.as_nanosecond().unsigned_abs() as u64);
    }
    store.compact_log_if_superseded();
    store.compact();
    Ok(store)
}

/// How long after a stop is asked for a run ends, unless told otherwise.
pub const DEFAULT_STOP_DELAY: Duration = Duration::from_secs(1);

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// A sandbox that could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SandboxError {
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The state file cannot be used.
    #[error(transparent)]
    State(#[from] StateError),
    /// The seed data cannot be loaded.
    #[error(transparent)]
    Seed(#[from] SeedError),
    /// A fault rule given at start is invalid.
    #[error("invalid fault rule: {0}")]
    Fault(#[from] FaultRuleError),
    /// Writing the seed into the state file failed.
    #[error("cannot write the seed into the state file: {0}")]
    Persist(#[source] StateError),
}

/// Starts sandboxes.
#[derive(Debug, Clone, Copy)]
pub struct Sandbox;

impl Sandbox {
    /// A builder with the defaults: 127.0.0.1:0, [`DEFAULT_API_KEY`], the system clock, the default
    /// seed, runs Pending for 2 s then Running for 10 s, state in memory.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder::default()
    }
}

/// How to start a sandbox.
#[must_use]
pub struct SandboxBuilder {
    addr: SocketAddr,
    api_key: String,
    clock: Arc<dyn Clock>,
    pending: Duration,
    running: Duration,
    stop_delay: Duration,
    index_lag: Duration,
    clock_speed: f64,
    seed: Seed,
    state: Option<PathBuf>,
    faults: Vec<FaultRule>,
    credential_rules: Vec<CredentialTestRule>,
    api_token_user: bool,
    random_seed: u64,
    limits: ConnectionLimits,
    compact_after: u64,
}

impl Default for SandboxBuilder {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            api_key: DEFAULT_API_KEY.to_owned(),
            clock: Arc::new(SystemClock),
            pending: Duration::from_secs(2),
            running: Duration::from_secs(10),
            stop_delay: DEFAULT_STOP_DELAY,
            index_lag: Duration::ZERO,
            clock_speed: 1.0,
            seed: Seed::Default,
            state: None,
            faults: Vec::new(),
            credential_rules: CredentialTestRule::defaults(),
            api_token_user: true,
            random_seed: 7,
            limits: ConnectionLimits::default(),
            compact_after: DEFAULT_COMPACT_AFTER,
        }
    }
}

impl std::fmt::Debug for SandboxBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxBuilder")
            .field("addr", &self.addr)
            .field("seed", &self.seed)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl SandboxBuilder {
    /// The address to listen on (port 0 picks a free port).
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// The API key every request must present.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = key.into();
        self
    }

    /// The clock (a [`ManualClock`] lets tests move runs through their phases without waiting).
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// How long a new run stays Pending, then Running.
    pub fn run_durations(mut self, pending: Duration, running: Duration) -> Self {
        self.pending = pending;
        self.running = running;
        self
    }

    /// How long after a stop is asked for a run ends `Failed` (default [`DEFAULT_STOP_DELAY`]):
    /// meanwhile it is still active with `spec.shutdown: Stop`, as on a tenant.
    pub fn stop_delay(mut self, delay: Duration) -> Self {
        self.stop_delay = delay;
        self
    }

    /// How long after a run is submitted or changes searches see it (default 0; at most
    /// [`MAX_INDEX_LAG_MS`]): a tenant's index lags. Reads by name and id are not delayed.
    pub fn index_lag(mut self, lag: Duration) -> Self {
        self.index_lag = lag.min(Duration::from_millis(MAX_INDEX_LAG_MS));
        self
    }

    /// Runs the tenant's clock this many times as fast as the clock (default 1, at most 100):
    /// for demos, where a schedule should fire every few seconds.
    pub fn clock_speed(mut self, speed: f64) -> Self {
        self.clock_speed = speed;
        self
    }

    /// The first data.
    pub fn seed(mut self, seed: Seed) -> Self {
        self.seed = seed;
        self
    }

    /// Persists the state in this file (replayed at start; the seed is only loaded into a new file).
    pub fn state(mut self, path: impl Into<PathBuf>) -> Self {
        self.state = Some(path.into());
        self
    }

    /// Adds a fault rule from the start.
    pub fn fault(mut self, rule: FaultRule) -> Self {
        self.faults.push(rule);
        self
    }

    /// The rules that make credential tests fail (default: [`CredentialTestRule::defaults`]).
    pub fn credential_rules(mut self, rules: Vec<CredentialTestRule>) -> Self {
        self.credential_rules = rules;
        self
    }

    /// Whether the key is an API token (default) or a user's, which makes the SDKs use the
    /// `package-workflows/` endpoints.
    pub fn api_token_user(mut self, api_token_user: bool) -> Self {
        self.api_token_user = api_token_user;
        self
    }

    /// What one client may hold of the server: connections, header and request timeouts.
    pub fn connection_limits(mut self, limits: ConnectionLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Compacts the state file once it is larger than `bytes` (default
    /// [`DEFAULT_COMPACT_AFTER`], 16 MiB) and than twice its size after its last compaction: the
    /// file stays within about twice what the state needs, whatever is rewritten how often. At
    /// start it is also compacted when most of it was superseded. Compaction writes a snapshot
    /// beside the file, syncs it and renames it over the file, so a crash during it loses nothing;
    /// writes wait while it runs.
    pub fn compact_state_after(mut self, bytes: u64) -> Self {
        self.compact_after = bytes;
        self
    }

    /// The seed of generated names, ids and fault probabilities.
    pub fn random_seed(mut self, seed: u64) -> Self {
        self.random_seed = seed;
        self
    }

    /// Loads the state and seed, binds the address and starts serving.
    ///
    /// # Errors
    /// [`SandboxError`] when the state, seed, faults or address cannot be used.
    pub async fn start(self) -> Result<SandboxHandle, SandboxError> {
        let clock = Arc::new(clock::TenantClock::new(self.clock, self.clock_speed));
        let now = clock.now();
        let creator = seed::creator("service-account-apikey");
        let settings = StoreSettings {
            pending_ms: i64::try_from(self.pending.as_millis()).unwrap_or(i64::MAX),
            running_ms: i64::try_from(self.running.as_millis())
                .unwrap_or(i64::MAX)
                .max(1),
            stop_ms: millis(self.stop_delay),
            index_lag_ms: millis(self.index_lag),
            credential_rules: self.credential_rules,
            seed: self.random_seed,
        };
        let mut store = load_store(
            Store::new(settings, now),
            now,
            self.state.as_deref(),
            self.compact_after,
            &self.seed,
        )?;
        let (workflows, runs, credentials) = store.counts();
        tracing::info!(workflows, runs, credentials, "sandbox loaded");
        let faults = FaultControl::new(self.random_seed);
        for rule in self.faults {
            faults.add(rule)?;
        }
        store.set_faults(faults.clone());
        store.publish_health();
        let health = store.health();
        let state = ServerState {
            health,
            persisted: self.state.is_some(),
            store: Arc::new(RwLock::new(store)),
            clock,
            faults: faults.clone(),
            api_key: Arc::from(self.api_key.as_str()),
            identity: Arc::new(Identity {
                creator,
                api_token_user: self.api_token_user,
            }),
        };
        let listener = TcpListener::bind(self.addr)
            .await
            .map_err(|source| SandboxError::Bind {
                addr: self.addr,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| SandboxError::Bind {
            addr: self.addr,
            source,
        })?;
        let (shutdown, receiver) = watch::channel(false);
        let router = routes::router(state.clone());
        let task = tokio::spawn(accept::serve(
            listener,
            router,
            Some(faults.clone()),
            self.limits,
            receiver,
        ));
        Ok(SandboxHandle {
            addr,
            api_key: self.api_key,
            faults,
            shutdown,
            task: Some(task),
            state,
        })
    }
}

/// A running sandbox. Dropping it stops it; [`SandboxHandle::shutdown`] also waits for requests
/// under way.
pub struct SandboxHandle {
    addr: SocketAddr,
    api_key: String,
    faults: FaultControl,
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
    state: ServerState,
}

impl std::fmt::Debug for SandboxHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxHandle")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl SandboxHandle {
    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The API key it accepts.
    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    /// The fault rules (shared with `/_sandbox/faults`).
    pub fn faults(&self) -> &FaultControl {
        &self.faults
    }

    /// How many workflows, runs and credentials it holds.
    pub fn counts(&self) -> (usize, usize, usize) {
        self.state
            .store
            .read()
            .map(|store| store.counts())
            .unwrap_or_default()
    }

    /// Stops accepting, lets requests under way finish, and returns.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        // Every request has finished: close the state file, which releases its lock now rather
        // than when the last connection task happens to drop its handle on the store.
        if let Ok(mut store) = self.state.store.write() {
            store.detach_log();
        }
    }
}

impl Drop for SandboxHandle {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}
