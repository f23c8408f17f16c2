//! The sandbox's clock: the system's, or one a test moves by hand so that runs change phase without
//! anyone waiting.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::Timestamp;

/// Where the sandbox reads the time.
pub trait Clock: Send + Sync + 'static {
    /// The current instant.
    fn now(&self) -> Timestamp;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// The system clock's pace from a chosen instant: a sandbox on it sees the same tenant whatever
/// the hour it starts at (its seeded history, scheduled runs included, is laid out before that
/// instant), and its runs still end in real time.
///
/// ```
/// use atlan_sandbox::{Clock, StartedClock};
///
/// let clock = StartedClock::at("2026-06-15T12:00:00Z".parse().unwrap());
/// assert!(clock.now() >= "2026-06-15T12:00:00Z".parse().unwrap());
/// assert!(clock.now() < "2026-06-15T12:01:00Z".parse().unwrap());
/// ```
#[derive(Debug, Clone, Copy)]
pub struct StartedClock {
    start: Timestamp,
    began: std::time::Instant,
}

impl StartedClock {
    /// A clock that reads `start` now.
    pub fn at(start: Timestamp) -> Self {
        Self {
            start,
            began: std::time::Instant::now(),
        }
    }

    /// A clock that reads noon UTC of today now: what tests and examples that re-run the default
    /// tenant's crawler start at, so that its daily scheduled run (due at 20:37 UTC, about 40
    /// minutes long) is not under way then.
    pub fn noon_today() -> Self {
        const DAY: i64 = 86_400;
        let now = Timestamp::now().as_second();
        let noon = Timestamp::from_second(now - now.rem_euclid(DAY) + DAY / 2)
            .unwrap_or_else(|_| Timestamp::now());
        Self::at(noon)
    }
}

impl Clock for StartedClock {
    fn now(&self) -> Timestamp {
        let elapsed = jiff::SignedDuration::try_from(self.began.elapsed()).unwrap_or_default();
        self.start.saturating_add(elapsed).unwrap_or(self.start)
    }
}

/// A clock that only moves when told to. Clones share the same time.
///
/// ```
/// use std::time::Duration;
/// use atlan_sandbox::{Clock, ManualClock};
///
/// let clock = ManualClock::new("2026-01-01T00:00:00Z".parse().unwrap());
/// clock.advance(Duration::from_secs(90));
/// assert_eq!(clock.now().to_string(), "2026-01-01T00:01:30Z");
/// ```
#[derive(Clone)]
pub struct ManualClock(Arc<Mutex<Timestamp>>);

impl ManualClock {
    /// A clock stopped at `at`.
    pub fn new(at: Timestamp) -> Self {
        Self(Arc::new(Mutex::new(at)))
    }

    /// Sets the time.
    pub fn set(&self, at: Timestamp) {
        if let Ok(mut now) = self.0.lock() {
            *now = at;
        }
    }

    /// Moves the time forward.
    pub fn advance(&self, by: Duration) {
        if let Ok(mut now) = self.0.lock() {
            let by = jiff::SignedDuration::try_from(by).unwrap_or(jiff::SignedDuration::MAX);
            *now = now.saturating_add(by).unwrap_or(*now);
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        self.0
            .lock()
            .map(|now| *now)
            .unwrap_or(Timestamp::UNIX_EPOCH)
    }
}

impl fmt::Debug for ManualClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ManualClock").field(&self.now()).finish()
    }
}

/// The tenant's clock: the sandbox's clock (system or manual), sped up for demos and moved forward
/// through `/_sandbox/clock`, never backwards.
pub(crate) struct TenantClock {
    base: Arc<dyn Clock>,
    /// The base clock's time when the sandbox started (speed-up counts from there).
    origin: Timestamp,
    speed: f64,
    /// Milliseconds added through [`TenantClock::advance`].
    offset: Mutex<i64>,
}

/// The fastest a tenant's clock may run: a day in under 15 minutes.
pub(crate) const MAX_SPEED: f64 = 100.0;

impl TenantClock {
    /// A clock that runs `speed` times as fast as `base` (clamped to 0..=[`MAX_SPEED`]; NaN is 1).
    pub(crate) fn new(base: Arc<dyn Clock>, speed: f64) -> Self {
        let speed = if speed.is_nan() {
            1.0
        } else {
            speed.clamp(0.0, MAX_SPEED)
        };
        Self {
            origin: base.now(),
            base,
            speed,
            offset: Mutex::new(0),
        }
    }

    /// How many times as fast as the real clock it runs.
    pub(crate) fn speed(&self) -> f64 {
        self.speed
    }

    /// The current instant.
    pub(crate) fn now(&self) -> Timestamp {
        let offset = self.offset.lock().map_or(0, |offset| *offset);
        let base = self.base.now();
        let elapsed = if (self.speed - 1.0).abs() < f64::EPSILON {
            base.as_millisecond() - self.origin.as_millisecond()
        } else {
            // Saturating float-to-int conversion: a clock run for centuries stays a clock.
            ((base.as_millisecond() - self.origin.as_millisecond()) as f64 * self.speed) as i64
        };
        let millis = self
            .origin
            .as_millisecond()
            .saturating_add(elapsed)
            .saturating_add(offset);
        Timestamp::from_millisecond(millis).unwrap_or(Timestamp::MAX)
    }

    /// Moves the clock forward by `millis` (at most [`MAX_ADVANCE_MS`] at once); answers the new
    /// time.
    ///
    /// # Errors
    /// A message when `millis` is negative or too large.
    pub(crate) fn advance(&self, millis: i64) -> Result<Timestamp, String> {
        if millis < 0 {
            return Err("the clock only moves forward".to_owned());
        }
        if millis > MAX_ADVANCE_MS {
            return Err(format!(
                "the clock moves at most {} days at once",
                MAX_ADVANCE_MS / 86_400_000
            ));
        }
        if let Ok(mut offset) = self.offset.lock() {
            *offset = offset.saturating_add(millis);
        }
        Ok(self.now())
    }

    /// Moves the clock forward to `at`.
    ///
    /// # Errors
    /// A message when `at` is before now (the clock never moves backwards) or too far ahead.
    pub(crate) fn move_to(&self, at: Timestamp) -> Result<Timestamp, String> {
        let now = self.now();
        if at < now {
            return Err(format!(
                "the clock only moves forward: {at} is before the sandbox's now, {now}"
            ));
        }
        self.advance(at.as_millisecond() - now.as_millisecond())
    }
}

/// The most the clock moves in one step: a year.
pub(crate) const MAX_ADVANCE_MS: i64 = 366 * 86_400_000;

impl Clock for TenantClock {
    fn now(&self) -> Timestamp {
        TenantClock::now(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tenant_clock_moves_forward_only_and_speeds_up() {
        let base = ManualClock::new("2026-01-01T00:00:00Z".parse().unwrap());
        let clock = TenantClock::new(Arc::new(base.clone()), 1.0);
        clock.advance(86_400_000).unwrap();
        assert_eq!(clock.now().to_string(), "2026-01-02T00:00:00Z");
        assert!(clock.advance(-1).is_err());
        assert!(
            clock
                .move_to("2026-01-01T12:00:00Z".parse().unwrap())
                .is_err()
        );
        assert_eq!(
            clock.now().to_string(),
            "2026-01-02T00:00:00Z",
            "a refusal moves nothing"
        );
        clock
            .move_to("2026-01-03T00:00:00Z".parse().unwrap())
            .unwrap();
        base.advance(Duration::from_secs(60));
        assert_eq!(clock.now().to_string(), "2026-01-03T00:01:00Z");

        let fast = TenantClock::new(Arc::new(base.clone()), 60.0);
        let start = fast.now();
        base.advance(Duration::from_secs(60));
        assert_eq!(
            fast.now().as_millisecond() - start.as_millisecond(),
            3_600_000
        );
        assert_eq!(TenantClock::new(Arc::new(base), 1e9).speed(), MAX_SPEED);
    }
}
