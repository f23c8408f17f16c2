//! Property tests: documents shaped like the models, with every optional field absent, `null` or set
//! and unknown keys at every level, decode and re-encode to an equal value; nothing panics on
//! truncated or corrupted fixtures.

mod common;

use std::collections::BTreeMap;

use atlan_model::{
    ApiErrorBody, Credential, CredentialListResponse, Progress, Workflow, WorkflowPackage,
    WorkflowPhase, WorkflowScheduleList, WorkflowSearchResponse, decode,
};
use common::{Kind, all_fixtures, first_difference, value_of};
use proptest::prelude::*;
use proptest::strategy::BoxedStrategy;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// The JSON shape of a model field.
#[derive(Clone, Copy)]
enum Shape {
    Str,
    Int,
    UInt,
    Port,
    Bool,
    /// Any JSON (fields the models keep as `Value`).
    Json,
    /// A string enum: a known value or any other string.
    Enum(&'static [&'static str]),
    /// A string or a number (error codes).
    Code,
    Obj(&'static [Field]),
    Arr(&'static Shape),
    Map(&'static Shape),
}

/// One field of an object shape.
#[derive(Clone, Copy)]
struct Field(&'static str, bool, Shape);

const REQ: bool = true;
const OPT: bool = false;

const PHASES: &[&str] = &["Pending", "Running", "Succeeded", "Failed", "Error", ""];
const NODE_PHASES: &[&str] = &[
    "Pending",
    "Running",
    "Succeeded",
    "Skipped",
    "Failed",
    "Error",
    "Omitted",
];

const META: &[Field] = &[
    Field("name", OPT, Shape::Str),
    Field("namespace", OPT, Shape::Str),
    Field("generateName", OPT, Shape::Str),
    Field("uid", OPT, Shape::Str),
    Field("resourceVersion", OPT, Shape::Str),
    Field("generation", OPT, Shape::Int),
    Field("creationTimestamp", OPT, Shape::Str),
    Field("labels", OPT, Shape::Map(&Shape::Str)),
    Field("annotations", OPT, Shape::Map(&Shape::Str)),
    Field("managedFields", OPT, Shape::Arr(&Shape::Json)),
];
const PARAMETER: &[Field] = &[
    Field("name", REQ, Shape::Str),
    Field("value", OPT, Shape::Json),
];
const ARGUMENTS: &[Field] = &[Field("parameters", OPT, Shape::Arr(&Shape::Obj(PARAMETER)))];
const TEMPLATE_REF: &[Field] = &[
    Field("name", OPT, Shape::Str),
    Field("template", OPT, Shape::Str),
    Field("clusterScope", OPT, Shape::Bool),
];
const TASK: &[Field] = &[
    Field("name", REQ, Shape::Str),
    Field("arguments", OPT, Shape::Obj(ARGUMENTS)),
    Field("templateRef", OPT, Shape::Obj(TEMPLATE_REF)),
    Field("template", OPT, Shape::Str),
    Field("depends", OPT, Shape::Str),
];
const DAG: &[Field] = &[Field("tasks", REQ, Shape::Arr(&Shape::Obj(TASK)))];
const TEMPLATE: &[Field] = &[
    Field("name", OPT, Shape::Str),
    Field("inputs", OPT, Shape::Json),
    Field("outputs", OPT, Shape::Json),
    Field("metadata", OPT, Shape::Json),
    Field("dag", OPT, Shape::Obj(DAG)),
];
const WORKFLOW_TEMPLATE_REF: &[Field] = &[
    Field("name", OPT, Shape::Str),
    Field("clusterScope", OPT, Shape::Bool),
];
const SPEC: &[Field] = &[
    Field("entrypoint", OPT, Shape::Str),
    Field("arguments", OPT, Shape::Obj(ARGUMENTS)),
    Field("templates", OPT, Shape::Arr(&Shape::Obj(TEMPLATE))),
    Field(
        "workflowTemplateRef",
        OPT,
        Shape::Obj(WORKFLOW_TEMPLATE_REF),
    ),
    Field("workflowMetadata", OPT, Shape::Obj(META)),
];
const PACKAGE_PARAMETER: &[Field] = &[
    Field("parameter", OPT, Shape::Str),
    Field("type", OPT, Shape::Str),
    Field("body", OPT, Shape::Json),
];
const WORKFLOW: &[Field] = &[
    Field("metadata", REQ, Shape::Obj(META)),
    Field("spec", REQ, Shape::Obj(SPEC)),
    Field("payload", OPT, Shape::Arr(&Shape::Obj(PACKAGE_PARAMETER))),
];
const NODE: &[Field] = &[
    Field("id", REQ, Shape::Str),
    Field("name", REQ, Shape::Str),
    Field("type", REQ, Shape::Str),
    Field("displayName", OPT, Shape::Str),
    Field("phase", OPT, Shape::Enum(NODE_PHASES)),
    Field("templateName", OPT, Shape::Str),
    Field("templateRef", OPT, Shape::Obj(TEMPLATE_REF)),
    Field("templateScope", OPT, Shape::Str),
    Field("boundaryID", OPT, Shape::Str),
    Field("message", OPT, Shape::Str),
    Field("startedAt", OPT, Shape::Str),
    Field("finishedAt", OPT, Shape::Str),
    Field("estimatedDuration", OPT, Shape::Int),
    Field("progress", OPT, Shape::Str),
    Field("resourcesDuration", OPT, Shape::Map(&Shape::Int)),
    Field("inputs", OPT, Shape::Json),
    Field("outputs", OPT, Shape::Json),
    Field("children", OPT, Shape::Arr(&Shape::Str)),
    Field("outboundNodes", OPT, Shape::Arr(&Shape::Str)),
];
const CONDITION: &[Field] = &[
    Field("type", OPT, Shape::Str),
    Field("status", OPT, Shape::Str),
    Field("message", OPT, Shape::Str),
];
const STATUS: &[Field] = &[
    Field("phase", OPT, Shape::Enum(PHASES)),
    Field("startedAt", OPT, Shape::Str),
    Field("finishedAt", OPT, Shape::Str),
    Field("progress", OPT, Shape::Str),
    Field("estimatedDuration", OPT, Shape::Int),
    Field("message", OPT, Shape::Str),
    Field("nodes", OPT, Shape::Map(&Shape::Obj(NODE))),
    Field("conditions", OPT, Shape::Arr(&Shape::Obj(CONDITION))),
    Field("outputs", OPT, Shape::Json),
    Field("resourcesDuration", OPT, Shape::Map(&Shape::Int)),
    Field("storedTemplates", OPT, Shape::Map(&Shape::Obj(TEMPLATE))),
    Field("storedWorkflowTemplateSpec", OPT, Shape::Obj(SPEC)),
    Field("synchronization", OPT, Shape::Json),
];
const DETAIL: &[Field] = &[
    Field("apiVersion", OPT, Shape::Str),
    Field("kind", OPT, Shape::Str),
    Field("metadata", REQ, Shape::Obj(META)),
    Field("spec", REQ, Shape::Obj(SPEC)),
    Field("status", OPT, Shape::Obj(STATUS)),
];
const HIT: &[Field] = &[
    Field("_index", OPT, Shape::Str),
    Field("_type", OPT, Shape::Str),
    Field("_id", REQ, Shape::Str),
    Field("_score", OPT, Shape::Json),
    Field("_seq_no", OPT, Shape::Json),
    Field("_primary_term", OPT, Shape::Json),
    Field("sort", OPT, Shape::Arr(&Shape::Json)),
    Field("_source", REQ, Shape::Obj(DETAIL)),
];
const TOTAL: &[Field] = &[
    Field("value", REQ, Shape::UInt),
    Field("relation", OPT, Shape::Enum(&["eq", "gte"])),
];
const HITS: &[Field] = &[
    Field("total", OPT, Shape::Obj(TOTAL)),
    Field("max_score", OPT, Shape::Json),
    Field("hits", REQ, Shape::Arr(&Shape::Obj(HIT))),
];
const SEARCH: &[Field] = &[
    Field("took", OPT, Shape::Int),
    Field("timed_out", OPT, Shape::Bool),
    Field("_shards", OPT, Shape::Json),
    Field("hits", REQ, Shape::Obj(HITS)),
];
const CREDENTIAL: &[Field] = &[
    Field("id", REQ, Shape::Str),
    Field("version", OPT, Shape::Str),
    Field("isActive", OPT, Shape::Bool),
    Field("createdAt", OPT, Shape::Int),
    Field("updatedAt", OPT, Shape::Int),
    Field("createdBy", OPT, Shape::Str),
    Field("tenantId", OPT, Shape::Str),
    Field("name", OPT, Shape::Str),
    Field("description", OPT, Shape::Str),
    Field("connectorConfigName", OPT, Shape::Str),
    Field("connector", OPT, Shape::Str),
    Field("connectorType", OPT, Shape::Str),
    Field("authType", OPT, Shape::Str),
    Field("host", OPT, Shape::Str),
    Field("port", OPT, Shape::Port),
    Field("metadata", OPT, Shape::Json),
    Field("level", OPT, Shape::Json),
    Field("connection", OPT, Shape::Json),
    Field("username", OPT, Shape::Str),
    Field("extra", OPT, Shape::Map(&Shape::Json)),
];
const CREDENTIAL_REQUEST: &[Field] = &[
    Field("id", OPT, Shape::Str),
    Field("name", OPT, Shape::Str),
    Field("description", OPT, Shape::Str),
    Field("host", OPT, Shape::Str),
    Field("port", OPT, Shape::Port),
    Field("authType", OPT, Shape::Str),
    Field("connectorType", OPT, Shape::Str),
    Field("connector", OPT, Shape::Str),
    Field("connectorConfigName", OPT, Shape::Str),
    Field("username", OPT, Shape::Str),
    Field("password", OPT, Shape::Str),
    Field("extra", OPT, Shape::Map(&Shape::Json)),
    Field("metadata", OPT, Shape::Json),
    Field("level", OPT, Shape::Json),
];
const CREDENTIAL_LIST: &[Field] = &[Field("records", REQ, Shape::Arr(&Shape::Obj(CREDENTIAL)))];
const CAUSE: &[Field] = &[
    Field("errorType", OPT, Shape::Str),
    Field("errorMessage", OPT, Shape::Str),
    Field("location", OPT, Shape::Str),
];
const ERROR: &[Field] = &[
    Field("errorCode", OPT, Shape::Code),
    Field("code", OPT, Shape::Code),
    Field("errorMessage", OPT, Shape::Str),
    Field("message", OPT, Shape::Str),
    Field("error", OPT, Shape::Str),
    Field("causes", OPT, Shape::Arr(&Shape::Obj(CAUSE))),
    Field("errorId", OPT, Shape::Str),
    Field("requestId", OPT, Shape::Str),
    Field("doc", OPT, Shape::Str),
];
const SCHEDULE_SPEC: &[Field] = &[
    Field("schedule", OPT, Shape::Str),
    Field("timezone", OPT, Shape::Str),
    Field("workflowSpec", OPT, Shape::Obj(SPEC)),
    Field("concurrencyPolicy", OPT, Shape::Str),
    Field("startingDeadlineSeconds", OPT, Shape::Int),
    Field("successfulJobsHistoryLimit", OPT, Shape::Int),
    Field("failedJobsHistoryLimit", OPT, Shape::Int),
    Field("suspend", OPT, Shape::Bool),
    Field("workflowMetadata", OPT, Shape::Obj(META)),
];
const SCHEDULE_STATUS: &[Field] = &[
    Field("active", OPT, Shape::Json),
    Field("conditions", OPT, Shape::Json),
    Field("lastScheduledTime", OPT, Shape::Str),
];
const SCHEDULE: &[Field] = &[
    Field("apiVersion", OPT, Shape::Str),
    Field("kind", OPT, Shape::Str),
    Field("metadata", OPT, Shape::Obj(META)),
    Field("spec", OPT, Shape::Obj(SCHEDULE_SPEC)),
    Field("status", OPT, Shape::Obj(SCHEDULE_STATUS)),
    Field("workflowMetadata", OPT, Shape::Obj(META)),
];
const SCHEDULE_LIST: &[Field] = &[Field("items", OPT, Shape::Arr(&Shape::Obj(SCHEDULE)))];

/// A short string, sometimes with characters JSON must escape.
fn text() -> BoxedStrategy<String> {
    prop_oneof![3 => "[a-z0-9./-]{0,12}", 1 => "\\PC{0,6}"].boxed()
}

/// Any JSON value, a little nested.
fn json() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        text().prop_map(Value::from),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::from),
            prop::collection::btree_map("[a-z]{1,5}", inner, 0..3)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
    .boxed()
}

/// A value of the given shape.
fn value(shape: Shape) -> BoxedStrategy<Value> {
    match shape {
        Shape::Str => text().prop_map(Value::from).boxed(),
        Shape::Int => any::<i64>().prop_map(Value::from).boxed(),
        Shape::UInt => any::<u64>().prop_map(Value::from).boxed(),
        Shape::Port => any::<u16>().prop_map(Value::from).boxed(),
        Shape::Bool => any::<bool>().prop_map(Value::from).boxed(),
        Shape::Json => json(),
        Shape::Enum(known) => prop_oneof![
            prop::sample::select(known).prop_map(Value::from),
            text().prop_map(Value::from),
        ]
        .boxed(),
        Shape::Code => prop_oneof![
            any::<i64>().prop_map(Value::from),
            text().prop_map(Value::from)
        ]
        .boxed(),
        Shape::Arr(item) => prop::collection::vec(value(*item), 0..3)
            .prop_map(Value::from)
            .boxed(),
        Shape::Map(item) => prop::collection::btree_map("[a-zA-Z0-9./-]{1,10}", value(*item), 0..3)
            .prop_map(|map| Value::Object(map.into_iter().collect()))
            .boxed(),
        Shape::Obj(fields) => object(fields),
    }
}

/// An object with each required field set, each optional field absent, `null` or set, and up to
/// two unknown keys (prefixed `x-` so that they never name a modeled field).
fn object(fields: &'static [Field]) -> BoxedStrategy<Value> {
    let slots: Vec<BoxedStrategy<Option<Value>>> = fields
        .iter()
        .map(|Field(_, required, shape)| {
            if *required {
                value(*shape).prop_map(Some).boxed()
            } else {
                prop_oneof![
                    2 => Just(None),
                    1 => Just(Some(Value::Null)),
                    3 => value(*shape).prop_map(Some),
                ]
                .boxed()
            }
        })
        .collect();
    let unknown = prop::collection::btree_map("x-[a-z]{1,6}", json(), 0..2);
    (slots, unknown)
        .prop_map(
            move |(slots, unknown): (Vec<Option<Value>>, BTreeMap<String, Value>)| {
                let mut map = Map::new();
                for (Field(name, _, _), slot) in fields.iter().zip(slots) {
                    if let Some(value) = slot {
                        map.insert((*name).to_owned(), value);
                    }
                }
                map.extend(unknown);
                Value::Object(map)
            },
        )
        .boxed()
}

/// Decodes the text of `document` as `T` and re-encodes it.
fn round_trip<T: DeserializeOwned + Serialize>(document: &Value) -> Result<Value, String> {
    let model: T = decode(document.to_string().as_bytes()).map_err(|e| e.to_string())?;
    value_of(&model)
}

fn assert_lossless<T: DeserializeOwned + Serialize>(document: &Value) -> Result<(), TestCaseError> {
    let reencoded = round_trip::<T>(document).map_err(TestCaseError::fail)?;
    prop_assert_eq!(first_difference(document, &reencoded), None);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn workflows_round_trip(document in object(WORKFLOW)) {
        assert_lossless::<Workflow>(&document)?;
    }

    #[test]
    fn search_responses_round_trip(document in object(SEARCH)) {
        assert_lossless::<WorkflowSearchResponse>(&document)?;
    }

    #[test]
    fn credentials_round_trip(document in object(CREDENTIAL_REQUEST)) {
        assert_lossless::<Credential>(&document)?;
    }

    #[test]
    fn credential_lists_round_trip(document in object(CREDENTIAL_LIST)) {
        assert_lossless::<CredentialListResponse>(&document)?;
    }

    #[test]
    fn error_bodies_round_trip(document in object(ERROR)) {
        assert_lossless::<ApiErrorBody>(&document)?;
    }

    #[test]
    fn schedule_lists_round_trip(document in object(SCHEDULE_LIST)) {
        assert_lossless::<WorkflowScheduleList>(&document)?;
    }

    #[test]
    fn a_missing_required_field_is_an_error_not_a_default(document in object(WORKFLOW), spec in any::<bool>()) {
        let mut document = document;
        let removed = if spec { "spec" } else { "metadata" };
        document.as_object_mut().unwrap().remove(removed);
        let error = round_trip::<Workflow>(&document).unwrap_err();
        prop_assert!(error.contains(&format!("missing field `{removed}`")), "{}", error);
    }

    #[test]
    fn setting_a_parameter_changes_only_that_value(document in object(WORKFLOW), new in json()) {
        let mut workflow: Workflow = decode(document.to_string().as_bytes()).unwrap();
        let Some(name) = workflow.spec.first_task().and_then(|t| t.parameters().first()).map(|p| p.name.clone()) else {
            return Ok(());
        };
        let before: Vec<_> = workflow.spec.first_task().unwrap().parameters().to_vec();
        workflow.set_parameter(&name, new.clone()).unwrap();
        let again: Workflow = decode(serde_json::to_string(&workflow).unwrap().as_bytes()).unwrap();
        let after = again.spec.first_task().unwrap().parameters();
        prop_assert_eq!(after.len(), before.len());
        let first_with_name = before.iter().position(|p| p.name == name).unwrap();
        for (index, (old, new_parameter)) in before.iter().zip(after).enumerate() {
            if index == first_with_name {
                // `"value": null` reads back as no value (the null itself is kept on the wire).
                let expected = (!new.is_null()).then_some(&new);
                prop_assert_eq!(new_parameter.value.as_ref(), expected);
            } else {
                prop_assert_eq!(old, new_parameter);
            }
        }
    }

    #[test]
    fn enum_strings_round_trip_whatever_they_are(text in "\\PC{0,24}") {
        let phase = WorkflowPhase::from(text.as_str());
        prop_assert_eq!(phase.as_str(), text.as_str());
        let json = serde_json::to_string(&phase).unwrap();
        prop_assert_eq!(serde_json::from_str::<WorkflowPhase>(&json).unwrap(), phase);
        let package = WorkflowPackage::from(text.as_str());
        prop_assert_eq!(package.prefix(), text.as_str());
        prop_assert_eq!(package.is_known(), WorkflowPackage::KNOWN.iter().any(|p| p.prefix() == text));
    }

    #[test]
    fn progress_display_parses_back(done in 0u64..1000, extra in 0u64..1000) {
        let progress = Progress::new(done, done + extra).unwrap();
        prop_assert_eq!(progress.to_string().parse::<Progress>().unwrap(), progress);
    }

    #[test]
    fn error_bodies_are_read_from_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let body = ApiErrorBody::from_bytes(&bytes);
        prop_assert!(body.message().is_none_or(|m| m.len() <= 1024));
    }
}

/// Fixtures small enough to corrupt many times per test case.
fn fixture_cases() -> Vec<(Kind, Vec<u8>)> {
    all_fixtures()
        .into_iter()
        .filter_map(|fixture| Some((fixture.kind?, fixture.bytes)))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Cutting any fixture anywhere gives an error (never a panic, never a success).
    #[test]
    fn truncated_fixtures_fail_cleanly(index in any::<prop::sample::Index>(), cut in any::<prop::sample::Index>()) {
        let cases = fixture_cases();
        let (kind, bytes) = &cases[index.index(cases.len())];
        let end = cut.index(bytes.len());
        let truncated = &bytes[..end];
        if truncated.iter().all(u8::is_ascii_whitespace) || !bytes[end..].iter().all(u8::is_ascii_whitespace) {
            prop_assert!(kind.round_trip(truncated).is_err());
        }
    }

    /// Overwriting bytes of a fixture gives an error or a value that round-trips; never a panic.
    #[test]
    fn corrupted_fixtures_never_panic(
        index in any::<prop::sample::Index>(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
    ) {
        let cases = fixture_cases();
        let (kind, bytes) = &cases[index.index(cases.len())];
        let mut bytes = bytes.clone();
        for (at, byte) in edits {
            let at = at.index(bytes.len());
            bytes[at] = byte;
        }
        if let Ok(reencoded) = kind.round_trip(&bytes) {
            let original: Value = serde_json::from_slice(&bytes).unwrap();
            prop_assert_eq!(first_difference(&original, &reencoded), None);
        }
    }
}
