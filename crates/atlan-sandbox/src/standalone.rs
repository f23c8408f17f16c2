//! A sandbox as a process of its own: start, print where, serve until SIGINT or SIGTERM. The
//! `atlan-sandbox` binary and `atlanctl sandbox serve` parse their command lines into
//! [`ServeOptions`] and call [`serve`].

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::{DEFAULT_API_KEY, SandboxError, Seed};

/// The longest a run may be told to stay Pending or Running: a year.
const LONGEST_PHASE: Duration = Duration::from_secs(86_400 * 365);

/// How [`serve`] runs a sandbox.
///
/// ```
/// use atlan_sandbox::{Seed, ServeOptions};
///
/// let options = ServeOptions::default()
///     .with_addr("127.0.0.1:8700".parse().unwrap())
///     .with_seed(Seed::parse_synthetic("100,1000").unwrap())
///     .with_run_seconds(1.0, 5.0);
/// assert_eq!(options.seed, Seed::Synthetic { workflows: 100, runs: 1000 });
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ServeOptions {
    /// Where to listen (port 0 picks a free port; the real one is printed). Default
    /// `127.0.0.1:0`.
    pub addr: SocketAddr,
    /// The API key clients must present. Default [`DEFAULT_API_KEY`].
    pub api_key: String,
    /// The state file, replayed at start (in memory when `None`, the default).
    pub state: Option<PathBuf>,
    /// The first data. Default [`Seed::Default`].
    pub seed: Seed,
    /// How long a new run stays Pending (default 2 s).
    pub pending: Duration,
    /// How long a new run stays Running (default 10 s).
    pub running: Duration,
    /// When the state file is compacted (default [`crate::DEFAULT_COMPACT_AFTER`]; see
    /// [`crate::SandboxBuilder::compact_state_after`]).
    pub compact_after: u64,
    /// How long after a stop a run ends (default [`crate::DEFAULT_STOP_DELAY`]).
    pub stop_delay: Duration,
    /// How late searches see a new or changed run (default 0).
    pub index_lag: Duration,
    /// How many times as fast as real time the tenant's clock runs (default 1, at most 100).
    pub clock_speed: f64,
}

impl Default for ServeOptions {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            api_key: DEFAULT_API_KEY.to_owned(),
            state: None,
            seed: Seed::Default,
            pending: Duration::from_secs(2),
            running: Duration::from_secs(10),
            compact_after: crate::DEFAULT_COMPACT_AFTER,
            stop_delay: crate::DEFAULT_STOP_DELAY,
            index_lag: Duration::ZERO,
            clock_speed: 1.0,
        }
    }
}

impl ServeOptions {
    /// Listens on `addr`.
    #[must_use]
    pub fn with_addr(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// Accepts this API key.
    #[must_use]
    pub fn with_api_key(mut self, api_key: impl Into<String>) -> Self {
        self.api_key = api_key.into();
        self
    }

    /// Persists the state in this file.
    #[must_use]
    pub fn with_state(mut self, state: impl Into<PathBuf>) -> Self {
        self.state = Some(state.into());
        self
    }

    /// Starts with this data.
    #[must_use]
    pub fn with_seed(mut self, seed: Seed) -> Self {
        self.seed = seed;
        self
    }

    /// Compacts the state file once it is larger than `bytes` (and than twice its size after its
    /// last compaction).
    #[must_use]
    pub fn with_compact_after(mut self, bytes: u64) -> Self {
        self.compact_after = bytes;
        self
    }

    /// How many seconds a stop takes, and how many seconds searches lag, as a command line gives
    /// them (clamped as [`ServeOptions::with_run_seconds`]; the lag to an hour).
    #[must_use]
    pub fn with_stop_and_lag_seconds(mut self, stop: f64, lag: f64) -> Self {
        self.stop_delay = seconds(stop);
        self.index_lag = seconds(lag).min(Duration::from_millis(crate::MAX_INDEX_LAG_MS));
        self
    }

    /// Runs the tenant's clock `speed` times as fast as real time (for demos).
    #[must_use]
    pub fn with_clock_speed(mut self, speed: f64) -> Self {
        self.clock_speed = speed;
        self
    }

    /// How many seconds a new run stays Pending, then Running, as a command line gives them:
    /// negative and NaN are 0, and each is at most a year.
    #[must_use]
    pub fn with_run_seconds(mut self, pending: f64, running: f64) -> Self {
        self.pending = seconds(pending);
        self.running = seconds(running);
        self
    }
}

/// Seconds from a command line: negative and NaN are 0, at most a year.
fn seconds(value: f64) -> Duration {
    if value.is_nan() || value <= 0.0 {
        Duration::ZERO
    } else {
        Duration::from_secs_f64(value.min(LONGEST_PHASE.as_secs_f64()))
    }
}

/// Starts a sandbox, writes `listening on http://ADDR` as the first line of `out`, and serves until
/// SIGINT or SIGTERM; then shuts down cleanly.
///
/// # Errors
/// [`SandboxError`] when the sandbox cannot start.
pub async fn serve(
    options: ServeOptions,
    out: &mut (dyn Write + Send),
) -> Result<(), SandboxError> {
    let mut builder = crate::Sandbox::builder()
        .addr(options.addr)
        .api_key(options.api_key)
        .seed(options.seed)
        .run_durations(options.pending, options.running)
        .stop_delay(options.stop_delay)
        .index_lag(options.index_lag)
        .clock_speed(options.clock_speed)
        .compact_state_after(options.compact_after);
    if let Some(path) = options.state {
        builder = builder.state(path);
    }
    let signals = StopSignals::listen();
    let sandbox = builder.start().await?;
    let _ = writeln!(out, "listening on {}", sandbox.base_url());
    let _ = out.flush();
    signals.wait().await;
    tracing::info!("shutting down");
    sandbox.shutdown().await;
    Ok(())
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM: how `serve`, and every long-running command of the
/// CLI, is told to stop. A signal that comes before this is first polled is not caught: a
/// command that says it is ready before it waits holds a [`StopSignals`] from the start.
pub async fn wait_for_signal() {
    StopSignals::listen().wait().await;
}

/// SIGINT and SIGTERM, caught from the moment this is made (not from the first wait), so that a
/// signal sent as soon as a server says it is listening stops it cleanly.
#[derive(Debug)]
pub struct StopSignals {
    #[cfg(unix)]
    terminate: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    interrupt: Option<tokio::signal::unix::Signal>,
}

impl StopSignals {
    /// Starts catching them (on a platform without SIGTERM, Ctrl-C only, from the first wait).
    pub fn listen() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Self {
                terminate: signal(SignalKind::terminate()).ok(),
                interrupt: signal(SignalKind::interrupt()).ok(),
            }
        }
        #[cfg(not(unix))]
        {
            Self {}
        }
    }

    /// Resolves on the first of them.
    pub async fn wait(mut self) {
        #[cfg(unix)]
        {
            let terminate = async {
                match &mut self.terminate {
                    Some(terminate) => terminate.recv().await,
                    None => std::future::pending().await,
                }
            };
            let interrupt = async {
                match &mut self.interrupt {
                    Some(interrupt) => interrupt.recv().await,
                    None => tokio::signal::ctrl_c().await.ok(),
                }
            };
            tokio::select! {
                _ = terminate => {}
                _ = interrupt => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = &mut self;
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_seconds_are_clamped_not_trusted() {
        let options = ServeOptions::default().with_run_seconds(-3.0, f64::NAN);
        assert_eq!(
            (options.pending, options.running),
            (Duration::ZERO, Duration::ZERO)
        );
        let options = ServeOptions::default().with_run_seconds(1.5, 1e300);
        assert_eq!(options.pending, Duration::from_millis(1500));
        assert_eq!(options.running, LONGEST_PHASE);
    }
}
