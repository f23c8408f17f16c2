//! The DSL's wire form across kinds: a whole search, nested parameters that do not filter, and
//! what is refused at the search level. Each query kind's own wire tests live beside it
//! (`src/query/<kind>.rs`).

#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use atlan_query::{Query, Search, Sort, SortOrder};
use serde_json::{Value, json};

fn decode(value: Value) -> Result<Query, String> {
    serde_json::from_value(value).map_err(|error| error.to_string())
}

#[test]
fn sorts_accept_elasticsearchs_short_forms() {
    let search: Search = serde_json::from_value(json!({"sort": "f", "size": 3})).unwrap();
    assert_eq!(search.sort, [Sort::new("f")]);
    let search: Search = serde_json::from_value(json!({"sort": [{"f": "desc"}, "_doc"]})).unwrap();
    assert_eq!(
        search.sort,
        [Sort::new("f").order(SortOrder::Desc), Sort::new("_doc")]
    );
    assert_eq!(
        (search.from, search.size),
        (0, 10),
        "Elasticsearch's defaults"
    );
}

#[test]
fn parameters_that_do_not_filter_are_kept() {
    let wire = json!({"bool": {"filter": [{"nested": {"path": "p", "score_mode": "avg", "query": {"term": {"f": {"value": "v", "boost": 2.0, "_name": "t"}}}}}], "boost": 1.5}});
    let query = decode(wire.clone()).unwrap();
    assert_eq!(serde_json::to_value(&query).unwrap(), wire);
    let Query::Bool(boolean) = &query else {
        panic!("a bool")
    };
    assert_eq!(boolean.boost, Some(1.5), "typed, not in an untyped map");
    let search = json!({"sort": [{"f": {"order": "asc", "mode": "min", "missing": "_first", "nested": {"path": "p"}}}]});
    let decoded: Search = serde_json::from_value(search.clone()).unwrap();
    assert_eq!(
        serde_json::to_value(&decoded).unwrap()["sort"],
        search["sort"]
    );
}

#[test]
fn unknown_things_are_named() {
    let error = decode(json!({"match": {"f": "v"}})).unwrap_err();
    assert!(error.contains("unknown variant `match`"), "{error}");
    let error = serde_json::from_value::<Search>(json!({"query": {"match_all": {}}, "aggs": {}}))
        .unwrap_err();
    assert!(
        error.to_string().contains("unknown field `aggs`"),
        "{error}"
    );
    let error =
        serde_json::from_value::<Search>(json!({"sort": [{"f": {"order": "up"}}]})).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("order must be \"asc\" or \"desc\""),
        "{error}"
    );
}

#[test]
fn paging_helpers() {
    let search = Search::new().from(100).size(50);
    assert_eq!(search.next_page().from, 150);
    assert!(search.within_result_window());
    assert!(!Search::new().from(9_990).size(11).within_result_window());
    assert!(!Search::new().from(u64::MAX).size(1).within_result_window());
}
