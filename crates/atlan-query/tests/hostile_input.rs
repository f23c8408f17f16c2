//! Bad input never panics: arbitrary bytes and mutated seed searches into the search decoder and
//! the evaluator, arbitrary text into date math and time zones. Each gives a value or a typed error.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use atlan_query::eval::EvalOptions;
use atlan_query::{DateMath, Rounding, Search, Timestamp};
use proptest::prelude::*;
use serde_json::{Value, json};

/// Atlan's documented search bodies.
fn seed_searches() -> Vec<Value> {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/requests/search");
    let mut bodies: Vec<Value> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            serde_json::from_slice(&std::fs::read(entry.unwrap().path()).unwrap()).unwrap()
        })
        .collect();
    bodies.sort_by_key(Value::to_string);
    bodies
}

/// A few run documents to evaluate against.
fn documents() -> Vec<Value> {
    (0..5)
        .map(|index| {
            json!({
                "metadata": {"name": format!("atlan-snowflake-1714638976-{index}"), "creationTimestamp": "2026-06-15T10:00:00Z",
                             "labels": {"workflows.argoproj.io/workflow-template": "atlan-snowflake-1714638976"}},
                "status": {"phase": if index % 2 == 0 { "Succeeded" } else { "Failed" }, "startedAt": "2026-06-15T10:00:05Z"}
            })
        })
        .collect()
}

fn options() -> EvalOptions {
    EvalOptions::at("2026-06-15T12:00:00Z".parse::<Timestamp>().unwrap())
}

/// Replaces the value at the `pick`-th node (depth first) of `value` with `replacement`.
fn mutate(value: &mut Value, pick: &mut usize, replacement: &Value) {
    if *pick == 0 {
        *value = replacement.clone();
        *pick = usize::MAX;
        return;
    }
    *pick -= 1;
    match value {
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| mutate(item, pick, replacement)),
        Value::Object(map) => map
            .values_mut()
            .for_each(|item| mutate(item, pick, replacement)),
        _ => {}
    }
}

fn replacement() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "\\PC{0,40}".prop_map(Value::from),
        Just(json!([])),
        Just(json!({})),
        Just(json!({"bool": {"must": [{"regexp": {"metadata.name.keyword": "((a+)+)+"}}]}})),
        Just(
            json!({"range": {"status.startedAt": {"gte": "now-1y/M", "time_zone": "Europe/Paris"}}})
        ),
        Just(json!("now-1000000000d")),
        Just(json!(10_001)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_are_a_search_or_an_error(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(search) = serde_json::from_slice::<Search>(&bytes) {
            let _ = search.execute(&documents(), &options());
        }
    }

    #[test]
    fn mutated_seed_searches_decode_and_run_or_fail_cleanly(
        which in any::<prop::sample::Index>(),
        pick in 0usize..64,
        replacement in replacement(),
    ) {
        let bodies = seed_searches();
        let mut body = bodies[which.index(bodies.len())].clone();
        let mut pick = pick;
        mutate(&mut body, &mut pick, &replacement);
        if let Ok(search) = serde_json::from_value::<Search>(body) {
            let _ = search.execute(&documents(), &options());
        }
    }

    #[test]
    fn arbitrary_date_math_parses_or_is_an_error(text in "\\PC{0,48}") {
        let zone = atlan_query::parse_time_zone(&text).unwrap_or(jiff::tz::TimeZone::UTC);
        if let Ok(math) = DateMath::parse(&text) {
            for rounding in [Rounding::Down, Rounding::Up] {
                let _ = math.resolve(options().now, &zone, rounding);
            }
        }
    }

    #[test]
    fn date_math_shaped_text_parses_or_is_an_error(
        anchor in prop_oneof![Just("now".to_owned()), "[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}Z)?"],
        ops in prop::collection::vec(("[+-/]", 0i64..100_000_000_000, "[yMwdhHms]"), 0..6),
    ) {
        let mut text = anchor;
        for (op, amount, unit) in ops {
            if op == "/" {
                text.push_str(&format!("/{unit}"));
            } else {
                text.push_str(&format!("{op}{amount}{unit}"));
            }
        }
        let zone = atlan_query::parse_time_zone("Pacific/Kiritimati").unwrap();
        if let Ok(math) = DateMath::parse(&text) {
            for rounding in [Rounding::Down, Rounding::Up] {
                let _ = math.resolve(options().now, &zone, rounding);
            }
        }
    }
}
