//! When to poll again: every interval while polls succeed; after failures, a doubling wait (from
//! twice the interval, or four times after the tenant throttled: a 429 or 503), never more than
//! [`MAX_BACKOFF`] or the interval if that is longer; and never less than the server's
//! `Retry-After` (itself bounded by [`MAX_RETRY_AFTER`], so that a hostile answer cannot stop the
//! polling for days).

use std::time::Duration;

/// The longest wait after failures (unless the interval itself is longer).
pub const MAX_BACKOFF: Duration = Duration::from_secs(15 * 60);
/// The longest `Retry-After` honoured.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60 * 60);

/// The failures in a row, and how long to wait before the next poll.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Backoff {
    failures: u32,
    throttled: bool,
    retry_after: Option<Duration>,
}

impl Backoff {
    /// A poll succeeded.
    pub fn succeeded(&mut self) {
        *self = Self::default();
    }

    /// A poll failed; `throttled` when the tenant answered 429 or 503, with the `Retry-After` it
    /// gave, if any.
    pub fn failed(&mut self, throttled: bool, retry_after: Option<Duration>) {
        self.failures = self.failures.saturating_add(1);
        self.throttled = throttled;
        self.retry_after = retry_after.map(|wait| wait.min(MAX_RETRY_AFTER));
    }

    /// How many polls failed in a row.
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// How long to wait before the next poll.
    pub fn delay(&self, interval: Duration) -> Duration {
        if self.failures == 0 {
            return interval;
        }
        let doublings = self
            .failures
            .saturating_add(u32::from(self.throttled))
            .min(16);
        let backoff = interval
            .saturating_mul(2u32.saturating_pow(doublings))
            .min(MAX_BACKOFF.max(interval));
        backoff.max(self.retry_after.unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_after_failures_up_to_the_ceiling_and_reset_on_success() {
        let interval = Duration::from_secs(60);
        let mut backoff = Backoff::default();
        assert_eq!(backoff.delay(interval), interval);
        backoff.failed(false, None);
        assert_eq!(backoff.delay(interval), Duration::from_secs(120));
        backoff.failed(false, None);
        assert_eq!(backoff.delay(interval), Duration::from_secs(240));
        backoff.failed(true, None);
        assert_eq!(backoff.delay(interval), Duration::from_secs(900));
        for _ in 0..100 {
            backoff.failed(false, None);
        }
        assert_eq!(backoff.delay(interval), MAX_BACKOFF);
        assert_eq!(
            backoff.delay(Duration::from_secs(3600)),
            Duration::from_secs(3600)
        );
        backoff.succeeded();
        assert_eq!(backoff.failures(), 0);
        assert_eq!(backoff.delay(interval), interval);
    }

    #[test]
    fn throttling_waits_longer_from_the_first_failure() {
        let mut backoff = Backoff::default();
        backoff.failed(true, None);
        assert_eq!(
            backoff.delay(Duration::from_secs(10)),
            Duration::from_secs(40)
        );
    }

    #[test]
    fn a_retry_after_is_waited_for_within_an_hour() {
        let mut backoff = Backoff::default();
        backoff.failed(true, Some(Duration::from_secs(300)));
        assert_eq!(
            backoff.delay(Duration::from_secs(10)),
            Duration::from_secs(300)
        );
        backoff.failed(true, Some(Duration::from_secs(1)));
        assert_eq!(
            backoff.delay(Duration::from_secs(10)),
            Duration::from_secs(80)
        );
        backoff.failed(true, Some(Duration::from_secs(86_400 * 30)));
        assert_eq!(backoff.delay(Duration::from_secs(10)), MAX_RETRY_AFTER);
    }
}
