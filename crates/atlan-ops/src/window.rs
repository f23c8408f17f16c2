//! The window of time figures are taken over: `--since` and `--before`, date math or RFC 3339,
//! resolved once against an injected `now` so that every search and check sees the same instants.

use atlan_workflows::query::{Rounding, TimeBound};
use jiff::Timestamp;
use jiff::tz::TimeZone;

/// The default lower bound of a window: the last seven days.
pub const DEFAULT_SINCE: &str = "now-7d";

/// From `since` (inclusive) to `before` (inclusive; open when absent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Window {
    /// The earliest start counted.
    pub since: Timestamp,
    /// The latest start counted.
    pub before: Option<Timestamp>,
}

/// A bound that is not a date, or bounds the wrong way round.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WindowError {
    /// A bound that is neither date math nor a date.
    #[error(
        "--{option} `{text}` is not a date or date math (such as now-7d or 2026-12-01T00:00:00Z): {reason}"
    )]
    NotADate {
        /// `since` or `before`.
        option: &'static str,
        /// What was given (at most 256 characters of it).
        text: String,
        /// Why.
        reason: String,
    },
    /// `before` is earlier than `since`.
    #[error("--since {since} is after --before {before}: the bounds are the wrong way round")]
    WrongWayRound {
        /// The lower bound, resolved.
        since: Timestamp,
        /// The upper bound, resolved.
        before: Timestamp,
    },
}

impl Window {
    /// The window between two instants.
    pub fn between(since: Timestamp, before: Option<Timestamp>) -> Self {
        Self { since, before }
    }

    /// Reads `since` and `before` (date math, in UTC, or dates) at `now`.
    ///
    /// # Errors
    /// [`WindowError`] naming the bound.
    pub fn parse(since: &str, before: Option<&str>, now: Timestamp) -> Result<Self, WindowError> {
        let since = checked("since", since)?;
        let before = before.map(|before| checked("before", before)).transpose()?;
        Self::resolve(&since, before.as_ref(), now)
    }

    /// The window of bounds already checked (as the CLI reads them), at `now`.
    ///
    /// # Errors
    /// [`WindowError`] naming the bound (one whose date math leaves the range of dates, or bounds
    /// the wrong way round).
    pub fn resolve(
        since: &TimeBound,
        before: Option<&TimeBound>,
        now: Timestamp,
    ) -> Result<Self, WindowError> {
        let since = resolve("since", since, now, Rounding::Down)?;
        let before = before
            .map(|before| resolve("before", before, now, Rounding::Up))
            .transpose()?;
        if let Some(before) = before
            && before < since
        {
            return Err(WindowError::WrongWayRound { since, before });
        }
        Ok(Self { since, before })
    }

    /// Whether `at` is in the window.
    pub fn contains(&self, at: Timestamp) -> bool {
        at >= self.since && self.before.is_none_or(|before| at <= before)
    }

    /// The end of the window: `before`, else `now`.
    pub fn end(&self, now: Timestamp) -> Timestamp {
        self.before.unwrap_or(now).min(now.max(self.since))
    }
}

/// `text` as a bound, or why it is not one.
fn checked(option: &'static str, text: &str) -> Result<TimeBound, WindowError> {
    TimeBound::parse(text).map_err(|error| not_a_date(option, text, error.to_string()))
}

fn not_a_date(option: &'static str, text: &str, reason: String) -> WindowError {
    WindowError::NotADate {
        option,
        text: text.chars().take(256).collect(),
        reason,
    }
}

fn resolve(
    option: &'static str,
    bound: &TimeBound,
    now: Timestamp,
    rounding: Rounding,
) -> Result<Timestamp, WindowError> {
    bound
        .date_math()
        .resolve(now, &TimeZone::UTC, rounding)
        .map_err(|error| not_a_date(option, bound.as_str(), error.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_math_and_dates_resolve_at_now() {
        let now: Timestamp = "2026-12-01T12:00:00Z".parse().unwrap();
        let window = Window::parse("now-7d", Some("2026-11-30T00:00:00Z"), now).unwrap();
        assert_eq!(window.since, "2026-11-24T12:00:00Z".parse().unwrap());
        assert!(window.contains("2026-11-29T00:00:00Z".parse().unwrap()));
        assert!(!window.contains("2026-11-30T00:00:01Z".parse().unwrap()));
    }

    #[test]
    fn bad_dates_and_reversed_bounds_name_the_option() {
        let now: Timestamp = "2026-12-01T12:00:00Z".parse().unwrap();
        let bad = Window::parse("yesterday", None, now).unwrap_err();
        assert!(bad.to_string().contains("--since `yesterday`"), "{bad}");
        let reversed = Window::parse("now-1d", Some("now-2d"), now).unwrap_err();
        assert!(
            matches!(reversed, WindowError::WrongWayRound { .. }),
            "{reversed}"
        );
    }
}
