//! A Lucene regexp (and a wildcard) from arbitrary text, matched against a value from the same
//! input: compiled within Elasticsearch's limits or refused, then matched in linear time.
#![no_main]

use atlan_query::eval::EvalOptions;
use atlan_query::Search;
use libfuzzer_sys::fuzz_target;
use serde_json::json;

fuzz_target!(|input: (&str, &str, bool)| {
    let (pattern, value, case_insensitive) = input;
    let documents = [json!({"name": value})];
    let Ok(now) = "2026-06-15T12:00:00Z".parse() else {
        return;
    };
    let options = EvalOptions::at(now);
    for kind in ["regexp", "wildcard"] {
        let body = json!({"query": {kind: {"name": {"value": pattern, "case_insensitive": case_insensitive}}}});
        if let Ok(search) = serde_json::from_value::<Search>(body) {
            let _ = search.execute(&documents, &options);
        }
    }
});
