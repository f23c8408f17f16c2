//! Bad input gives a typed error that names where it went wrong; unknown enum strings are kept.

use atlan_model::{
    DecodeErrorKind, RunStatus, Workflow, WorkflowPackage, WorkflowPhase, WorkflowSearchResponse,
    decode, decode_value,
};
use serde_json::json;

#[test]
fn malformed_json_is_a_syntax_error_with_a_position() {
    let error = decode::<Workflow>(br#"{"metadata": {"name": nope}}"#).unwrap_err();
    assert_eq!(error.kind(), DecodeErrorKind::Syntax);
    assert_eq!((error.line(), error.column()), (1, 24));
    assert_eq!(error.path(), "metadata.name");
}

#[test]
fn truncated_json_is_an_eof_error() {
    let body =
        br#"{"took":3,"hits":{"total":{"value":1,"relation":"eq"},"hits":[{"_id":"atlan-snowf"#;
    let error = decode::<WorkflowSearchResponse>(body).unwrap_err();
    assert_eq!(error.kind(), DecodeErrorKind::Eof);
    assert_eq!(error.path(), "hits.hits[0]._id");
}

#[test]
fn trailing_bytes_are_refused() {
    let error = decode::<RunStatus>(br#"{"phase":"Running"} {"#).unwrap_err();
    assert_eq!(error.kind(), DecodeErrorKind::Syntax);
    assert!(error.to_string().contains("trailing characters"), "{error}");
}

#[test]
fn a_wrong_type_names_the_field_path() {
    let body = json!({"hits": {"hits": [{"_id": "run-1", "_source": {
        "metadata": {}, "spec": {}, "status": {"nodes": {"n1": {"id": "n1", "name": "n1", "type": "Pod", "progress": 5}}}
    }}]}});
    let error = decode::<WorkflowSearchResponse>(body.to_string().as_bytes()).unwrap_err();
    assert_eq!(error.kind(), DecodeErrorKind::Data);
    assert_eq!(
        error.path(),
        "hits.hits[0]._source.status.nodes.n1.progress"
    );
    assert!(error.to_string().starts_with(
        "invalid JSON at `hits.hits[0]._source.status.nodes.n1.progress`: invalid type: integer, expected a string"
    ), "{error}");
}

#[test]
fn a_missing_required_field_is_named() {
    let error = decode::<Workflow>(br#"{"metadata":{"name":"x"}}"#).unwrap_err();
    assert!(
        error.to_string().contains("missing field `spec`"),
        "{error}"
    );
    assert_eq!(error.path(), "");

    let body = json!({"hits": {"hits": [{"_source": {"metadata": {}, "spec": {}}}]}});
    let error = decode::<WorkflowSearchResponse>(body.to_string().as_bytes()).unwrap_err();
    assert!(error.to_string().contains("missing field `_id`"), "{error}");
    assert_eq!(error.path(), "hits.hits[0]");

    let error = decode_value::<WorkflowSearchResponse>(json!({"took": 1})).unwrap_err();
    assert!(
        error.to_string().contains("missing field `hits`"),
        "{error}"
    );
    assert_eq!(error.line(), 0, "a value has no line");
}

#[test]
fn null_in_a_required_field_is_an_error() {
    let error = decode::<Workflow>(br#"{"metadata":null,"spec":{}}"#).unwrap_err();
    assert_eq!(error.path(), "metadata");
    assert!(error.to_string().contains("invalid type: null"), "{error}");
}

#[test]
fn a_duplicate_key_is_an_error() {
    let error = decode::<RunStatus>(br#"{"phase":"Running","phase":"Failed"}"#).unwrap_err();
    assert!(
        error.to_string().contains("duplicate field `phase`"),
        "{error}"
    );
}

#[test]
fn a_port_out_of_range_is_refused() {
    let error = decode::<atlan_model::Credential>(br#"{"port": 70000}"#).unwrap_err();
    assert_eq!(error.path(), "port");
    assert!(error.to_string().contains("expected u16"), "{error}");
}

#[test]
fn unknown_phases_and_packages_decode_into_the_catch_all() {
    let status: RunStatus = decode(br#"{"phase":"Archived"}"#).unwrap();
    let phase = status.phase.clone().unwrap();
    assert!(!phase.is_known() && !phase.is_terminal());
    assert_eq!(phase.as_str(), "Archived");
    assert_eq!(
        serde_json::to_string(&status).unwrap(),
        r#"{"phase":"Archived"}"#
    );

    let package: WorkflowPackage = serde_json::from_str(r#""atlan-brand-new""#).unwrap();
    assert_eq!(package.prefix(), "atlan-brand-new");
    assert!(!package.is_known());
    let known: WorkflowPhase = serde_json::from_str(r#""Succeeded""#).unwrap();
    assert_eq!(known, WorkflowPhase::Succeeded);
}

#[test]
fn a_phase_that_is_not_a_string_is_a_typed_error() {
    let error = decode::<RunStatus>(br#"{"phase": 3}"#).unwrap_err();
    assert_eq!(error.path(), "phase");
    assert!(
        error
            .to_string()
            .contains("expected a string (WorkflowPhase)"),
        "{error}"
    );
}
