//! Elasticsearch date math: `now`, `now-6h`, `now-1d/d`, `2026-01-01||+1M/d`, and plain dates.
//!
//! [`DateMath::parse`] checks the syntax (so that a search is refused before it is sent);
//! [`DateMath::resolve`] turns it into an instant for a given `now`, rounding the way Elasticsearch
//! does for each kind of range bound.

use std::fmt;
use std::str::FromStr;

use jiff::civil::{Date, DateTime};
use jiff::tz::{Offset, TimeZone};
use jiff::{Span, Timestamp, ZonedDateTime};

/// A parsed date math expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateMath {
    anchor: Anchor,
    operations: Vec<Operation>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Anchor {
    Now,
    /// A date written in the expression, already read as an instant (UTC unless it says otherwise,
    /// or the `time_zone` given when resolving for a date without an offset).
    Date(AnchorDate),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum AnchorDate {
    /// The date carried its own offset (or was epoch milliseconds).
    Instant(Timestamp),
    /// A civil date-time without offset: read in the resolving time zone.
    Civil(DateTime),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operation {
    Add(i64, Unit),
    Round(Unit),
}

/// A date math unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Year,
    Month,
    Week,
    Day,
    Hour,
    Minute,
    Second,
}

impl Unit {
    fn parse(c: char) -> Option<Self> {
        Some(match c {
            'y' => Self::Year,
            'M' => Self::Month,
            'w' => Self::Week,
            'd' => Self::Day,
            'h' | 'H' => Self::Hour,
            'm' => Self::Minute,
            's' => Self::Second,
            _ => return None,
        })
    }
}

/// How a range bound rounds (Elasticsearch: `gt` and `lte` round up to the last millisecond of the
/// unit, `gte` and `lt` round down to its first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rounding {
    /// Round down (`gte`, `lt`, and values that are not bounds).
    Down,
    /// Round up to the last millisecond of the unit (`gt`, `lte`).
    Up,
}

/// A date math expression that is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid date math `{input}`: {reason}")]
pub struct DateMathError {
    input: String,
    reason: String,
}

impl DateMathError {
    /// The text that is not valid date math.
    pub fn input(&self) -> &str {
        &self.input
    }

    fn new(input: &str, reason: impl Into<String>) -> Self {
        Self {
            input: input.to_owned(),
            reason: reason.into(),
        }
    }
}

impl DateMath {
    /// Parses `now[math]`, `DATE[||math]` or `DATE`, where DATE is `yyyy-MM-dd`, optionally with
    /// `THH:mm[:ss[.fraction]]` and an offset (`Z`, `+01:00`), or epoch milliseconds; math is a
    /// sequence of `+N<unit>`, `-N<unit>` and `/<unit>`, with units `y M w d h H m s`.
    ///
    /// # Errors
    /// [`DateMathError`] naming what is wrong.
    pub fn parse(input: &str) -> Result<Self, DateMathError> {
        let (anchor, math) = if let Some(rest) = input.strip_prefix("now") {
            (Anchor::Now, rest)
        } else if let Some((date, math)) = input.split_once("||") {
            (Anchor::Date(parse_anchor_date(input, date)?), math)
        } else {
            (Anchor::Date(parse_anchor_date(input, input)?), "")
        };
        let operations = parse_operations(input, math)?;
        Ok(Self { anchor, operations })
    }

    /// The expression of one instant (no math).
    pub(crate) fn at(instant: Timestamp) -> Self {
        Self {
            anchor: Anchor::Date(AnchorDate::Instant(instant)),
            operations: Vec::new(),
        }
    }

    /// Whether the expression depends on `now`.
    pub fn is_relative(&self) -> bool {
        self.anchor == Anchor::Now
    }

    /// The instant this expression means at `now`, with date math and rounding in `zone`.
    ///
    /// # Errors
    /// [`DateMathError`] when the arithmetic leaves the supported range of dates.
    pub fn resolve(
        &self,
        now: Timestamp,
        zone: &TimeZone,
        rounding: Rounding,
    ) -> Result<Timestamp, DateMathError> {
        let overflow =
            |error: jiff::Error| DateMathError::new(&self.to_string(), error.to_string());
        let mut time: ZonedDateTime = match &self.anchor {
            Anchor::Now => now.to_zoned_datetime(zone.clone()),
            Anchor::Date(AnchorDate::Instant(instant)) => instant.to_zoned_datetime(zone.clone()),
            Anchor::Date(AnchorDate::Civil(civil)) => {
                civil.to_zoned_datetime(zone.clone()).map_err(overflow)?
            }
        };
        for operation in &self.operations {
            time = match *operation {
                Operation::Add(amount, unit) => {
                    time.checked_add(span(amount, unit)).map_err(overflow)?
                }
                Operation::Round(unit) => {
                    let floor = floor(&time, unit).map_err(overflow)?;
                    match rounding {
                        Rounding::Down => floor,
                        Rounding::Up => floor
                            .checked_add(span(1, unit))
                            .and_then(|next| next.checked_sub(Span::new().milliseconds(1)))
                            .map_err(overflow)?,
                    }
                }
            };
        }
        Ok(time.timestamp())
    }
}

impl FromStr for DateMath {
    type Err = DateMathError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}

impl fmt::Display for DateMath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.anchor {
            Anchor::Now => f.write_str("now")?,
            Anchor::Date(AnchorDate::Instant(instant)) => write!(f, "{instant}||")?,
            Anchor::Date(AnchorDate::Civil(civil)) => write!(f, "{civil}||")?,
        }
        for operation in &self.operations {
            let (prefix, amount, unit) = match *operation {
                Operation::Add(amount, unit) if amount < 0 => {
                    ("-", amount.unsigned_abs().to_string(), unit)
                }
                Operation::Add(amount, unit) => ("+", amount.to_string(), unit),
                Operation::Round(unit) => ("/", String::new(), unit),
            };
            let unit = match unit {
                Unit::Year => 'y',
                Unit::Month => 'M',
                Unit::Week => 'w',
                Unit::Day => 'd',
                Unit::Hour => 'h',
                Unit::Minute => 'm',
                Unit::Second => 's',
            };
            write!(f, "{prefix}{amount}{unit}")?;
        }
        Ok(())
    }
}

fn span(amount: i64, unit: Unit) -> Span {
    // Spans are bounded by jiff; amounts out of range saturate here and fail in checked_add.
    let clamp = |limit: i64| amount.clamp(-limit, limit);
    match unit {
        Unit::Year => Span::new().years(clamp(19_998)),
        Unit::Month => Span::new().months(clamp(239_976)),
        Unit::Week => Span::new().weeks(clamp(1_043_497)),
        Unit::Day => Span::new().days(clamp(7_304_484)),
        Unit::Hour => Span::new().hours(clamp(175_307_616)),
        Unit::Minute => Span::new().minutes(clamp(10_518_456_960)),
        Unit::Second => Span::new().seconds(clamp(631_107_417_600)),
    }
}

/// The start of the unit containing `time`, in its time zone. Weeks start on Monday.
fn floor(time: &ZonedDateTime, unit: Unit) -> Result<ZonedDateTime, jiff::Error> {
    let date = time.date();
    let start_of = |date: Date| date.to_zoned_datetime(time.time_zone().clone());
    match unit {
        Unit::Year => start_of(date.first_of_year()),
        Unit::Month => start_of(date.first_of_month()),
        Unit::Week => start_of(
            date.checked_sub(Span::new().days(i64::from(date.weekday().to_monday_zero_offset())))?,
        ),
        Unit::Day => start_of(date),
        Unit::Hour => time.with().minute(0).second(0).subsec_nanosecond(0).build(),
        Unit::Minute => time.with().second(0).subsec_nanosecond(0).build(),
        Unit::Second => time.with().subsec_nanosecond(0).build(),
    }
}

fn parse_operations(input: &str, math: &str) -> Result<Vec<Operation>, DateMathError> {
    let mut operations = Vec::new();
    let mut chars = math.chars().peekable();
    let unit = |c: Option<char>, after: &str| -> Result<Unit, DateMathError> {
        let c = c.ok_or_else(|| {
            DateMathError::new(input, format!("{after} must be followed by a unit"))
        })?;
        Unit::parse(c).ok_or_else(|| {
            DateMathError::new(input, format!("unknown unit `{c}` (use y M w d h H m s)"))
        })
    };
    while let Some(first) = chars.next() {
        let operation = match first {
            '/' => Operation::Round(unit(chars.next(), "`/`")?),
            '+' | '-' => {
                let mut digits = String::new();
                while let Some(digit) = chars.next_if(char::is_ascii_digit) {
                    digits.push(digit);
                }
                let amount: i64 = if digits.is_empty() {
                    1
                } else {
                    digits
                        .parse()
                        .map_err(|_| DateMathError::new(input, "the amount is too large"))?
                };
                let unit =
                    unit(chars.next(), &format!("`{first}` and an amount")).map_err(|error| {
                        if chars.peek().is_none() && error.reason.contains("followed") {
                            DateMathError::new(
                                input,
                                format!("`{first}` must be followed by an amount and a unit"),
                            )
                        } else {
                            error
                        }
                    })?;
                Operation::Add(if first == '-' { -amount } else { amount }, unit)
            }
            other => {
                return Err(DateMathError::new(
                    input,
                    format!("unexpected `{other}`: expected `+`, `-` or `/`"),
                ));
            }
        };
        operations.push(operation);
    }
    Ok(operations)
}

fn parse_anchor_date(input: &str, date: &str) -> Result<AnchorDate, DateMathError> {
    parse_date_anchor(date).ok_or_else(|| {
        DateMathError::new(
            input,
            format!("`{date}` is not a date (expected now, yyyy-MM-dd[THH:mm[:ss[.SSS]]][Z|±HH:mm] or epoch milliseconds)"),
        )
    })
}

/// A date as Elasticsearch's default format reads it: `strict_date_optional_time||epoch_millis`.
fn parse_date_anchor(text: &str) -> Option<AnchorDate> {
    if !text.is_empty()
        && text
            .bytes()
            .enumerate()
            .all(|(i, b)| b.is_ascii_digit() || (i == 0 && b == b'-'))
        && text != "-"
    {
        return text
            .parse()
            .ok()
            .and_then(|millis| Timestamp::from_millisecond(millis).ok())
            .map(AnchorDate::Instant);
    }
    if let Ok(instant) = text.parse::<Timestamp>() {
        return Some(AnchorDate::Instant(instant));
    }
    // A civil date-time or date, possibly with minutes only (`2026-01-01T10:00`).
    if let Ok(datetime) = text.parse::<DateTime>() {
        return Some(AnchorDate::Civil(datetime));
    }
    text.parse::<Date>()
        .ok()
        .map(|date| AnchorDate::Civil(date.to_datetime(jiff::civil::Time::midnight())))
}

/// Reads a document's date value the way Elasticsearch's default date format does (RFC 3339 with
/// `Z` or an offset, a date or date-time without offset as UTC, or epoch milliseconds). A fast path
/// handles `yyyy-MM-ddTHH:mm:ssZ`, the form Kubernetes writes.
pub fn parse_date(text: &str) -> Option<Timestamp> {
    if let Some(instant) = parse_rfc3339_seconds_utc(text) {
        return Some(instant);
    }
    match parse_date_anchor(text)? {
        AnchorDate::Instant(instant) => Some(instant),
        AnchorDate::Civil(civil) => civil
            .to_zoned_datetime(TimeZone::UTC)
            .ok()
            .map(|zoned| zoned.timestamp()),
    }
}

/// `yyyy-MM-ddTHH:mm:ssZ`, by arithmetic: about ten times faster than a general parser.
fn parse_rfc3339_seconds_utc(text: &str) -> Option<Timestamp> {
    let [
        y1,
        y2,
        y3,
        y4,
        b'-',
        mo1,
        mo2,
        b'-',
        d1,
        d2,
        b'T',
        h1,
        h2,
        b':',
        mi1,
        mi2,
        b':',
        s1,
        s2,
        b'Z',
    ] = *text.as_bytes()
    else {
        return None;
    };
    let number = |digits: &[u8]| -> Option<i64> {
        digits.iter().try_fold(0i64, |acc, &b| {
            b.is_ascii_digit().then(|| acc * 10 + i64::from(b - b'0'))
        })
    };
    let (year, month, day) = (
        number(&[y1, y2, y3, y4])?,
        number(&[mo1, mo2])?,
        number(&[d1, d2])?,
    );
    let (hour, minute, second) = (number(&[h1, h2])?, number(&[mi1, mi2])?, number(&[s1, s2])?);
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Timestamp::from_second(days * 86_400 + hour * 3_600 + minute * 60 + second).ok()
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// A time zone given as `Z`, `UTC`, a fixed offset (`+01:00`, `-0530`) or an IANA name
/// (`Europe/Paris`), from the time zone database compiled into jiff (no file is read).
///
/// # Errors
/// [`DateMathError`] for anything else.
pub fn parse_time_zone(text: &str) -> Result<TimeZone, DateMathError> {
    if matches!(text, "Z" | "UTC" | "utc" | "Etc/UTC" | "GMT") {
        return Ok(TimeZone::UTC);
    }
    let bad = || {
        DateMathError::new(
            text,
            "time zones are `Z`, `UTC`, a fixed offset such as `+01:00` or an IANA name such as `Europe/Paris`",
        )
    };
    if !text.starts_with(['+', '-']) {
        return if text.len() <= 256 && !text.contains("..") && !text.starts_with('/') {
            jiff::tz::db().get(text).map_err(|_| bad())
        } else {
            Err(bad())
        };
    }
    let digit = |b: u8| b.is_ascii_digit().then(|| i32::from(b - b'0'));
    let two = |a: u8, b: u8| Some(digit(a)? * 10 + digit(b)?);
    let (sign, hours, minutes) = match *text.as_bytes() {
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] | [sign @ (b'+' | b'-'), h1, h2, m1, m2] => {
            (sign, two(h1, h2), two(m1, m2))
        }
        [sign @ (b'+' | b'-'), h1, h2] => (sign, two(h1, h2), Some(0)),
        _ => return Err(bad()),
    };
    let (Some(hours), Some(minutes)) = (hours, minutes) else {
        return Err(bad());
    };
    let sign = if sign == b'-' { -1 } else { 1 };
    if hours > 18 || minutes > 59 {
        return Err(bad());
    }
    let offset = Offset::from_seconds(sign * (hours * 3_600 + minutes * 60)).map_err(|_| bad())?;
    Ok(TimeZone::fixed(offset))
}

#[cfg(test)]
mod tests;
