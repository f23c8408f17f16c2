//! When a schedule is due: a cron expression read in its time zone ([`CronSchedule`]), the same
//! computation for the sandbox's scheduler and for the health checks that look for missed runs.

use croner::{CivilDate, CivilDateTime, CivilTime, Cron, CronDateTime, Resolution, Weekday};
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::{SignedDuration, Timestamp, ZonedDateTime};

use crate::schedule::InvalidSchedule;

/// A cron expression (five fields, or a descriptor such as `@daily`) in an IANA time zone.
///
/// ```
/// use atlan_model::CronSchedule;
///
/// let nightly = CronSchedule::parse("0 2 * * *", "America/New_York")?;
/// let after: jiff::Timestamp = "2026-12-01T00:00:00Z".parse()?;
/// // 02:00 in New York is 07:00 UTC in winter.
/// assert_eq!(nightly.next_after(after), Some("2026-12-01T07:00:00Z".parse()?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct CronSchedule {
    cron: Cron,
    zone: TimeZone,
}

impl CronSchedule {
    /// Reads `cron` (seconds not allowed, as Argo) in `timezone` (`""` is UTC).
    ///
    /// # Errors
    /// [`InvalidSchedule::Cron`] for an expression croner cannot read, [`InvalidSchedule::Timezone`]
    /// for a zone not in the database.
    pub fn parse(cron: &str, timezone: &str) -> Result<Self, InvalidSchedule> {
        let parsed = croner::parser::CronParser::builder()
            .seconds(croner::parser::Seconds::Disallowed)
            .build()
            .parse(cron)
            .map_err(|error| InvalidSchedule::Cron {
                cron: cron.chars().take(256).collect(),
                reason: error.to_string(),
            })?;
        let name = if timezone.is_empty() { "UTC" } else { timezone };
        let zone = TimeZone::get(name).map_err(|_| InvalidSchedule::Timezone {
            timezone: timezone.chars().take(256).collect(),
        })?;
        Ok(Self { cron: parsed, zone })
    }

    /// The first due time strictly after `after`, if there is one.
    pub fn next_after(&self, after: Timestamp) -> Option<Timestamp> {
        let from = after.to_zoned_datetime(self.zone.clone());
        let next = self.cron.find_next_occurrence(&Civil(from), false).ok()?;
        Some(next.0.timestamp())
    }

    /// The due times strictly after `after` and at or before `until`, oldest first, at most `limit`
    /// of them (a schedule of every minute over a year has half a million).
    pub fn due_between(&self, after: Timestamp, until: Timestamp, limit: usize) -> Vec<Timestamp> {
        let mut due = Vec::new();
        let mut at = after;
        while due.len() < limit {
            match self.next_after(at) {
                Some(next) if next <= until && next > at => {
                    due.push(next);
                    at = next;
                }
                _ => break,
            }
        }
        due
    }
}

/// jiff 1.0's `ZonedDateTime` for croner (whose `jiff` feature is built on jiff 0.2).
#[derive(Clone)]
struct Civil(ZonedDateTime);

impl CronDateTime for Civil {
    fn to_civil(&self) -> CivilDateTime {
        let at = self.0.datetime();
        CivilDateTime::new(
            CivilDate::from_parts_unchecked(
                i32::from(at.year()),
                u32::try_from(at.month()).unwrap_or(1),
                u32::try_from(at.day()).unwrap_or(1),
            ),
            CivilTime::from_parts_unchecked(
                u32::try_from(at.hour()).unwrap_or(0),
                u32::try_from(at.minute()).unwrap_or(0),
                u32::try_from(at.second()).unwrap_or(0),
            ),
        )
    }

    fn civil_weekday(&self) -> Weekday {
        Weekday::from_days_from_sunday(
            u32::try_from(self.0.weekday().to_sunday_zero_offset()).unwrap_or(0),
        )
    }

    fn resolve_civil(
        &self,
        civil: CivilDateTime,
    ) -> Result<Resolution<Self>, croner::errors::CronError> {
        use croner::errors::CronError;
        let at = jiff::civil::DateTime::new(
            i16::try_from(civil.year()).map_err(|_| CronError::InvalidDate)?,
            i8::try_from(civil.month()).map_err(|_| CronError::InvalidDate)?,
            i8::try_from(civil.day()).map_err(|_| CronError::InvalidDate)?,
            i8::try_from(civil.hour()).map_err(|_| CronError::InvalidTime)?,
            i8::try_from(civil.minute()).map_err(|_| CronError::InvalidTime)?,
            i8::try_from(civil.second()).map_err(|_| CronError::InvalidTime)?,
            0,
        )
        .map_err(|_| CronError::InvalidDate)?;
        let ambiguous = self.0.time_zone().to_ambiguous_zoned_datetime(at);
        Ok(match ambiguous.offset() {
            AmbiguousOffset::Unambiguous { .. } => Resolution::Single(Civil(
                ambiguous
                    .unambiguous()
                    .map_err(|_| CronError::InvalidTime)?,
            )),
            AmbiguousOffset::Fold { .. } => {
                let earlier = ambiguous
                    .clone()
                    .earlier()
                    .map_err(|_| CronError::InvalidTime)?;
                let later = ambiguous.later().map_err(|_| CronError::InvalidTime)?;
                Resolution::Ambiguous(Civil(earlier), Civil(later))
            }
            AmbiguousOffset::Gap { .. } => Resolution::Gap,
        })
    }

    fn checked_add_seconds(&self, seconds: i64) -> Option<Self> {
        self.0
            .checked_add(SignedDuration::from_secs(seconds))
            .ok()
            .map(Civil)
    }

    fn cmp_instant(&self, other: &Self) -> std::cmp::Ordering {
        self.0.timestamp().cmp(&other.0.timestamp())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn due_times_are_in_the_zone_and_strictly_after() {
        let utc = CronSchedule::parse("0 2 * * *", "").unwrap();
        assert_eq!(
            utc.next_after(at("2026-12-01T02:00:00Z")),
            Some(at("2026-12-02T02:00:00Z"))
        );
        let due = utc.due_between(at("2026-12-01T00:00:00Z"), at("2026-12-04T02:00:00Z"), 10);
        assert_eq!(due.len(), 4, "the 1st to the 4th, the last inclusive");
        assert_eq!(
            utc.due_between(at("2026-12-01T00:00:00Z"), at("2027-12-01T00:00:00Z"), 3)
                .len(),
            3,
            "bounded by the limit"
        );
    }

    #[test]
    fn bad_expressions_and_zones_are_errors() {
        assert!(matches!(
            CronSchedule::parse("61 * * * *", "UTC"),
            Err(InvalidSchedule::Cron { .. })
        ));
        assert!(matches!(
            CronSchedule::parse("* * * * *", "Mars/Olympus"),
            Err(InvalidSchedule::Timezone { .. })
        ));
    }
}
