//! A search body from arbitrary bytes, evaluated over a few run documents (what the sandbox does
//! with every `indexsearch`): hits or a typed error, in bounded time.
#![no_main]

use atlan_query::Search;
use atlan_query::eval::EvalOptions;
use libfuzzer_sys::fuzz_target;
use serde_json::json;

fuzz_target!(|bytes: &[u8]| {
    let Ok(search) = serde_json::from_slice::<Search>(bytes) else {
        return;
    };
    let documents = [
        json!({"metadata": {"name": "atlan-snowflake-1714638976-abcde", "creationTimestamp": "2026-06-15T10:00:00Z"},
               "status": {"phase": "Succeeded", "startedAt": "2026-06-15T10:00:05Z"}}),
        json!({"metadata": {"name": "x", "labels": {"a": "b"}}, "spec": {"templates": [{"name": "t"}]}}),
    ];
    let Ok(now) = "2026-06-15T12:00:00Z".parse() else {
        return;
    };
    let _ = search.execute(&documents, &EvalOptions::at(now));
});
