//! The tests of `datemath`.

use super::*;

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn resolve(expression: &str, now: &str, rounding: Rounding) -> String {
    DateMath::parse(expression)
        .unwrap()
        .resolve(at(now), &TimeZone::UTC, rounding)
        .unwrap()
        .to_string()
}

#[test]
fn relative_expressions() {
    let now = "2026-11-28T14:44:56.123Z";
    assert_eq!(
        resolve("now", now, Rounding::Down),
        "2026-11-28T14:44:56.123Z"
    );
    assert_eq!(
        resolve("now-6h", now, Rounding::Down),
        "2026-11-28T08:44:56.123Z"
    );
    assert_eq!(
        resolve("now-1d/d", now, Rounding::Down),
        "2026-11-27T00:00:00Z"
    );
    assert_eq!(
        resolve("now-1d/d", now, Rounding::Up),
        "2026-11-27T23:59:59.999Z"
    );
    assert_eq!(
        resolve("now/M", now, Rounding::Down),
        "2026-11-01T00:00:00Z"
    );
    assert_eq!(
        resolve("now/w", now, Rounding::Down),
        "2026-11-23T00:00:00Z"
    );
    assert_eq!(
        resolve("now/y", now, Rounding::Up),
        "2026-12-31T23:59:59.999Z"
    );
    assert_eq!(
        resolve("now+1M-2d/h", now, Rounding::Down),
        "2026-12-26T14:00:00Z"
    );
    assert_eq!(
        resolve("now-d", now, Rounding::Down),
        "2026-11-27T14:44:56.123Z"
    );
}

#[test]
fn anchored_expressions() {
    let now = "2000-01-01T00:00:00Z";
    assert_eq!(
        resolve("2026-01-31||+1M", now, Rounding::Down),
        "2026-02-28T00:00:00Z"
    );
    assert_eq!(
        resolve("2026-01-01T10:30:00+02:00||/d", now, Rounding::Down),
        "2026-01-01T00:00:00Z"
    );
    assert_eq!(
        resolve("2026-01-01", now, Rounding::Down),
        "2026-01-01T00:00:00Z"
    );
    assert_eq!(
        resolve("1714638976000", now, Rounding::Down),
        "2024-05-02T08:36:16Z"
    );
    assert_eq!(
        resolve("2024-11-18T05:45:01Z", now, Rounding::Up),
        "2024-11-18T05:45:01Z"
    );
}

#[test]
fn rounding_happens_in_the_given_time_zone() {
    let zone = parse_time_zone("+01:00").unwrap();
    let instant = DateMath::parse("now/d")
        .unwrap()
        .resolve(at("2026-11-28T23:30:00Z"), &zone, Rounding::Down)
        .unwrap();
    assert_eq!(instant.to_string(), "2026-11-28T23:00:00Z");
}

#[test]
fn bad_expressions_say_why() {
    for (input, reason) in [
        ("yesterday", "is not a date"),
        ("now-6", "must be followed by an amount and a unit"),
        ("now-6x", "unknown unit `x`"),
        ("now/", "must be followed by a unit"),
        ("now 6h", "unexpected ` `"),
        ("2026-13-01", "is not a date"),
        ("now-", "must be followed by an amount and a unit"),
    ] {
        let error = DateMath::parse(input).unwrap_err().to_string();
        assert!(error.contains(reason), "{input}: {error}");
    }
}

#[test]
fn display_round_trips() {
    for input in ["now", "now-6h", "now-1d/d", "now+1M-2d/h"] {
        assert_eq!(DateMath::parse(input).unwrap().to_string(), input);
    }
}

#[test]
fn document_dates() {
    assert_eq!(
        parse_date("2024-11-18T05:45:01Z"),
        Some(at("2024-11-18T05:45:01Z"))
    );
    assert_eq!(
        parse_date("2024-02-29T00:00:00Z"),
        Some(at("2024-02-29T00:00:00Z"))
    );
    assert_eq!(parse_date("2023-02-29T00:00:00Z"), None);
    assert_eq!(
        parse_date("2024-11-18T05:45:01.5+01:00"),
        Some(at("2024-11-18T04:45:01.5Z"))
    );
    assert_eq!(parse_date("2024-11-18"), Some(at("2024-11-18T00:00:00Z")));
    assert_eq!(parse_date("Succeeded"), None);
    assert_eq!(parse_date(""), None);
    assert_eq!(parse_date("-"), None);
}

#[test]
fn fast_path_agrees_with_jiff() {
    for text in [
        "1970-01-01T00:00:00Z",
        "2000-02-29T23:59:59Z",
        "2024-12-31T12:00:00Z",
        "1969-07-20T20:17:40Z",
        "2400-03-01T00:00:00Z",
    ] {
        assert_eq!(parse_rfc3339_seconds_utc(text), text.parse().ok(), "{text}");
    }
}

#[test]
fn time_zones() {
    assert!(parse_time_zone("Z").is_ok());
    assert!(parse_time_zone("-0530").is_ok());
    assert!(parse_time_zone("+01").is_ok());
    assert!(parse_time_zone("Europe/Paris").is_ok());
    assert!(parse_time_zone("Mars/Olympus").is_err());
    assert!(parse_time_zone("../../etc/passwd").is_err());
    assert!(parse_time_zone("+25:00").is_err());
}
