//! [`TimeBound`]: one bound of a time range (`now-6h`, `now/d`, `2026-01-31T00:00:00Z`), checked
//! once where it is read and carried as it is from there to the wire: the CLI, the operations, the
//! facade and the searches all take this value, and none parses it again.

use std::fmt;
use std::str::FromStr;

use crate::datemath::{DateMath, DateMathError};
use jiff::Timestamp;

/// A time bound: date math or a date, validated, with the text sent on the wire exactly as it was
/// written (trimmed), or an instant (sent in RFC 3339).
///
/// ```
/// use atlan_query::TimeBound;
/// let bound: TimeBound = " now-6h ".parse()?;
/// assert_eq!(bound.as_str(), "now-6h");
/// assert!(bound.date_math().is_relative());
/// assert!("yesterday".parse::<TimeBound>().is_err());
/// # Ok::<(), atlan_query::DateMathError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeBound {
    text: String,
    /// Boxed: a bound is carried in arguments and filters far more than it is resolved.
    math: Box<DateMath>,
}

impl TimeBound {
    /// Reads `text` (trimmed) as date math or a date.
    ///
    /// # Errors
    /// [`DateMathError`] naming what is wrong.
    pub fn parse(text: &str) -> Result<Self, DateMathError> {
        let text = text.trim();
        Ok(Self {
            math: Box::new(DateMath::parse(text)?),
            text: text.to_owned(),
        })
    }

    /// The bound at an instant.
    pub fn at(instant: Timestamp) -> Self {
        Self {
            text: instant.to_string(),
            math: Box::new(DateMath::at(instant)),
        }
    }

    /// The text sent on the wire.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The date math it is: [`DateMath::is_relative`] (whether it depends on `now`) and
    /// [`DateMath::resolve`] (the instant it means at `now`).
    pub fn date_math(&self) -> &DateMath {
        &self.math
    }
}

impl FromStr for TimeBound {
    type Err = DateMathError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl From<Timestamp> for TimeBound {
    fn from(instant: Timestamp) -> Self {
        Self::at(instant)
    }
}

impl fmt::Display for TimeBound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// What a time bound can be given as: text (checked here, once), an instant, or a bound already
/// checked (taken as it is).
pub trait IntoTimeBound {
    /// The bound.
    ///
    /// # Errors
    /// [`DateMathError`] for text that is neither date math nor a date.
    fn into_time_bound(self) -> Result<TimeBound, DateMathError>;
}

impl IntoTimeBound for TimeBound {
    fn into_time_bound(self) -> Result<TimeBound, DateMathError> {
        Ok(self)
    }
}

impl IntoTimeBound for &TimeBound {
    fn into_time_bound(self) -> Result<TimeBound, DateMathError> {
        Ok(self.clone())
    }
}

impl IntoTimeBound for Timestamp {
    fn into_time_bound(self) -> Result<TimeBound, DateMathError> {
        Ok(TimeBound::at(self))
    }
}

impl IntoTimeBound for &str {
    fn into_time_bound(self) -> Result<TimeBound, DateMathError> {
        TimeBound::parse(self)
    }
}

impl IntoTimeBound for String {
    fn into_time_bound(self) -> Result<TimeBound, DateMathError> {
        TimeBound::parse(&self)
    }
}

impl IntoTimeBound for &String {
    fn into_time_bound(self) -> Result<TimeBound, DateMathError> {
        TimeBound::parse(self)
    }
}

#[cfg(test)]
mod tests {
    use jiff::tz::TimeZone;

    use super::*;
    use crate::Rounding;

    #[test]
    fn an_instant_is_sent_as_rfc_3339_and_means_itself() {
        let instant: Timestamp = "2026-11-24T12:00:00Z".parse().unwrap();
        let bound = TimeBound::at(instant);
        assert_eq!(bound.as_str(), "2026-11-24T12:00:00Z");
        assert!(!bound.date_math().is_relative());
        let now: Timestamp = "2027-01-01T00:00:00Z".parse().unwrap();
        for rounding in [Rounding::Down, Rounding::Up] {
            let resolved = bound.date_math().resolve(now, &TimeZone::UTC, rounding);
            assert_eq!(resolved.unwrap(), instant);
        }
        assert_eq!(
            TimeBound::parse(bound.as_str()).unwrap().as_str(),
            bound.as_str()
        );
    }

    #[test]
    fn text_is_kept_as_written_and_checked() {
        assert_eq!(
            TimeBound::parse(" now-1d/d ").unwrap().to_string(),
            "now-1d/d"
        );
        let error = "yesterday".into_time_bound().unwrap_err();
        assert!(error.to_string().contains("yesterday"), "{error}");
    }
}
