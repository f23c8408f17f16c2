//! The DSL's wire form: exact output, Elasticsearch's short forms accepted, unknown parameters named.

#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use atlan_query::{MinimumShouldMatch, Query, Search, Sort, SortOrder, TermQuery};
use serde_json::{Value, json};

fn decode(value: Value) -> Result<Query, String> {
    serde_json::from_value(value).map_err(|error| error.to_string())
}

#[test]
fn every_kind_serializes_to_the_wire_form() {
    let cases = [
        (
            Query::term("f", "v"),
            json!({"term": {"f": {"value": "v"}}}),
        ),
        (
            TermQuery::new("f", 5).case_insensitive(true).into(),
            json!({"term": {"f": {"value": 5, "case_insensitive": true}}}),
        ),
        (
            Query::terms("f", ["a", "b"]),
            json!({"terms": {"f": ["a", "b"]}}),
        ),
        (
            Query::terms("f", Vec::<String>::new()),
            json!({"terms": {"f": []}}),
        ),
        (
            Query::regexp("f", "a.*"),
            json!({"regexp": {"f": {"value": "a.*"}}}),
        ),
        (
            Query::prefix("f", "asq-"),
            json!({"prefix": {"f": {"value": "asq-"}}}),
        ),
        (
            Query::wildcard("f", "a*"),
            json!({"wildcard": {"f": {"value": "a*"}}}),
        ),
        (
            Query::range("f").gte("now-6h").lte("now").into(),
            json!({"range": {"f": {"gte": "now-6h", "lte": "now"}}}),
        ),
        (
            Query::range("f").gt(1).lt(2.5).time_zone("+01:00").into(),
            json!({"range": {"f": {"gt": 1, "lt": 2.5, "time_zone": "+01:00"}}}),
        ),
        (Query::exists("f"), json!({"exists": {"field": "f"}})),
        (
            Query::nested("p", Query::match_all()),
            json!({"nested": {"path": "p", "query": {"match_all": {}}}}),
        ),
        (Query::bool().into(), json!({"bool": {}})),
        (
            Query::bool()
                .must(Query::term("a", 1))
                .should(Query::term("b", 2))
                .minimum_should_match(1)
                .into(),
            json!({"bool": {"must": [{"term": {"a": {"value": 1}}}], "should": [{"term": {"b": {"value": 2}}}], "minimum_should_match": 1}}),
        ),
    ];
    for (query, wire) in cases {
        assert_eq!(serde_json::to_value(&query).unwrap(), wire, "{query:?}");
        assert_eq!(decode(wire.clone()).unwrap(), query, "{wire}");
    }
}

#[test]
fn short_forms_are_accepted() {
    assert_eq!(
        decode(json!({"term": {"f": "v"}})).unwrap(),
        Query::term("f", "v")
    );
    assert_eq!(
        decode(json!({"prefix": {"f": "asq-"}})).unwrap(),
        Query::prefix("f", "asq-")
    );
    assert_eq!(
        decode(json!({"wildcard": {"f": {"wildcard": "a*"}}})).unwrap(),
        Query::wildcard("f", "a*")
    );
    assert_eq!(
        decode(json!({"bool": {"filter": {"term": {"f": "v"}}}})).unwrap(),
        Query::bool().filter(Query::term("f", "v")).into()
    );
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
    let search = json!({"sort": [{"f": {"order": "asc", "mode": "min", "missing": "_first", "nested": {"path": "p"}}}]});
    let decoded: Search = serde_json::from_value(search.clone()).unwrap();
    assert_eq!(
        serde_json::to_value(&decoded).unwrap()["sort"],
        search["sort"]
    );
}

#[test]
fn unknown_things_are_named() {
    let error = decode(json!({"term": {"f": {"value": "v", "fuzzy": true}}})).unwrap_err();
    assert!(
        error.contains("[term] query does not support [fuzzy]"),
        "{error}"
    );
    let error = decode(json!({"match": {"f": "v"}})).unwrap_err();
    assert!(error.contains("unknown variant `match`"), "{error}");
    let error = decode(json!({"term": {"a": "1", "b": "2"}})).unwrap_err();
    assert!(error.contains("more than one field: [a], [b]"), "{error}");
    let error = decode(json!({"range": {"f": {"from": 1}}})).unwrap_err();
    assert!(
        error.contains("[range] query does not support [from]"),
        "{error}"
    );
    let error =
        decode(json!({"terms": {"f": {"index": "i", "id": "1", "path": "p"}}})).unwrap_err();
    assert!(error.contains("terms lookup is not supported"), "{error}");
    let error = decode(json!({"term": {"f": {"value": {"x": 1}}}})).unwrap_err();
    assert!(
        error.contains("must be a string, number or boolean"),
        "{error}"
    );
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
fn minimum_should_match_accepts_counts_and_text() {
    let query = decode(json!({"bool": {"should": [], "minimum_should_match": "75%"}})).unwrap();
    let Query::Bool(boolean) = query else {
        panic!("a bool")
    };
    assert_eq!(
        boolean.minimum_should_match,
        Some(MinimumShouldMatch::Text("75%".into()))
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
