//! Date math and time zones from arbitrary text: an instant or a typed error, never a panic on
//! overflow.
#![no_main]

use atlan_query::{DateMath, Rounding, parse_time_zone};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, &str)| {
    let (math, zone) = input;
    let Ok(zone) = parse_time_zone(zone).or_else(|_| parse_time_zone("UTC")) else {
        return;
    };
    let Ok(math) = DateMath::parse(math) else {
        return;
    };
    let Ok(now) = "2026-06-15T12:00:00Z".parse() else {
        return;
    };
    for rounding in [Rounding::Down, Rounding::Up] {
        let _ = math.resolve(now, &zone, rounding);
    }
});
