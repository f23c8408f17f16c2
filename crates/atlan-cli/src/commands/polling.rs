//! What the long-running commands (`exporter`, `watch`) share: a [`Polling`] that polls the
//! tenant with a timeout and backs off after failures, and a status line on stderr (the signals
//! that end them are `atlan_sandbox::StopSignals`, as for `sandbox serve`).

use std::fmt;
use std::io::Write;
use std::time::Duration;

use atlan_ops::watch::{Backoff, PollReport, WatchConfig, Watcher};
use atlan_workflows::{AtlanClient, Error};
use jiff::Timestamp;

use crate::cli::PollArgs;
use crate::{scrub, terminal};

/// Why a poll failed.
#[derive(Debug)]
pub(crate) enum PollError {
    /// The tenant (or the network) failed it.
    Api(Error),
    /// It took longer than `--poll-timeout`.
    TimedOut(Duration),
}

impl fmt::Display for PollError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Api(error) => write!(f, "{error}"),
            Self::TimedOut(after) => {
                write!(
                    f,
                    "the poll took longer than {} (--poll-timeout)",
                    atlan_workflows::human_duration(*after)
                )
            }
        }
    }
}

impl PollError {
    /// Whether the tenant throttled (429) or was unavailable (503).
    fn throttled(&self) -> bool {
        match self {
            Self::Api(error) => error
                .status()
                .is_some_and(|status| matches!(status.as_u16(), 429 | 503)),
            Self::TimedOut(_) => false,
        }
    }

    /// The server's `Retry-After`, if it gave one.
    fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Api(error) => error.retry_after(),
            Self::TimedOut(_) => None,
        }
    }
}

/// A watcher, its client, and when to poll next.
pub(crate) struct Polling {
    /// What was seen.
    pub(crate) watcher: Watcher,
    client: AtlanClient,
    interval: Duration,
    timeout: Duration,
    backoff: Backoff,
}

impl Polling {
    /// Polling as `args` say, from `now`, the watcher's configuration then given to `more`
    /// (for the events' start, the service levels, the breaches open before).
    pub(crate) fn new(
        args: &PollArgs,
        client: AtlanClient,
        now: Timestamp,
        more: impl FnOnce(WatchConfig) -> WatchConfig,
    ) -> Self {
        let config = more(
            WatchConfig::new(args.api.into())
                .lookback(args.lookback)
                .overlap(args.overlap)
                .max_workflows(args.max_workflows),
        );
        Self {
            watcher: Watcher::new(config, now),
            client,
            interval: args.interval,
            timeout: args.poll_timeout,
            backoff: Backoff::default(),
        }
    }

    /// Polls at `now`, within the timeout.
    ///
    /// # Errors
    /// [`PollError`]; the next poll then waits longer.
    pub(crate) async fn poll(&mut self, now: Timestamp) -> Result<PollReport, PollError> {
        let polled = tokio::time::timeout(self.timeout, self.watcher.poll(&self.client, now)).await;
        let result = match polled {
            Ok(Ok(report)) => Ok(report),
            Ok(Err(error)) => Err(PollError::Api(error)),
            Err(_) => Err(PollError::TimedOut(self.timeout)),
        };
        match &result {
            Ok(_) => self.backoff.succeeded(),
            Err(error) => self.backoff.failed(error.throttled(), error.retry_after()),
        }
        result
    }

    /// How long to wait before the next poll.
    pub(crate) fn delay(&self) -> Duration {
        self.backoff.delay(self.interval)
    }
}

/// A line for people on stderr, secrets scrubbed and control characters made safe.
pub(crate) fn say(text: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "{}", terminal::safe_lines(&scrub::text(text)));
}
