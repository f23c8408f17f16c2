//! Durations as people write them, for messages: `450ms`, `2.0s`, `5m 30s`, `1h 5m`, `2d 3h`.

use std::time::Duration;

/// `duration` as people write it: milliseconds under a second, seconds under a minute (with one
/// decimal when it is not a whole number of them), else its two largest units.
///
/// ```
/// use std::time::Duration;
/// use atlan_workflows::human_duration;
///
/// assert_eq!(human_duration(Duration::from_millis(2_004)), "2.0s");
/// assert_eq!(human_duration(Duration::from_secs(3_900)), "1h 5m");
/// assert_eq!(human_duration(Duration::from_secs(330)), "5m 30s");
/// ```
pub fn human_duration(duration: Duration) -> String {
    if duration.subsec_nanos() == 0 && duration.as_secs() < 60 {
        return format!("{}s", duration.as_secs());
    }
    if duration < Duration::from_secs(1) {
        return format!("{}ms", duration.as_millis());
    }
    let tenths = (duration.as_millis() + 50) / 100;
    if tenths < 600 {
        return format!("{}.{}s", tenths / 10, tenths % 10);
    }
    let seconds = duration.as_secs() + u64::from(duration.subsec_millis() >= 500);
    let units = [
        (seconds / 86_400, "d"),
        (seconds % 86_400 / 3_600, "h"),
        (seconds % 3_600 / 60, "m"),
        (seconds % 60, "s"),
    ];
    let first = units.iter().position(|(value, _)| *value > 0).unwrap_or(3);
    let mut parts: Vec<String> = units
        .iter()
        .skip(first)
        .take(2)
        .filter(|(value, _)| *value > 0)
        .map(|(value, unit)| format!("{value}{unit}"))
        .collect();
    if parts.is_empty() {
        parts.push("0s".to_owned());
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_people_write_them() {
        let cases = [
            (Duration::ZERO, "0s"),
            (Duration::from_millis(7), "7ms"),
            (Duration::from_millis(999), "999ms"),
            (Duration::from_secs(1), "1s"),
            (Duration::from_secs(42), "42s"),
            (Duration::from_nanos(2_004_149_322), "2.0s"),
            (Duration::from_millis(59_940), "59.9s"),
            (Duration::from_millis(59_960), "1m"),
            (Duration::from_secs(60), "1m"),
            (Duration::from_secs(330), "5m 30s"),
            (Duration::from_secs(3_600), "1h"),
            (Duration::from_secs(3_900), "1h 5m"),
            (Duration::from_secs(3_959), "1h 5m"),
            (Duration::from_secs(5_400), "1h 30m"),
            (Duration::from_secs(86_400 + 3 * 3_600 + 59), "1d 3h"),
            (Duration::from_secs(7 * 86_400), "7d"),
        ];
        for (duration, text) in cases {
            assert_eq!(human_duration(duration), text, "{duration:?}");
        }
    }
}
