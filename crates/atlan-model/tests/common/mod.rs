//! Shared test helpers: the fixture folders, their model types, and a JSON diff for readable failures.

#![allow(dead_code, unreachable_pub, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};

use atlan_model::{
    ApiErrorBody, AppConflict, AppInfo, AppList, AppResponse, AppRunResponse, AppSummary,
    AtlasSearchResponse, CancelRunResponse, CreateApp, Credential, CredentialListResponse,
    CredentialResponse, CredentialTestResponse, DecodeError, DeleteAppResponse, InputContract,
    ScheduleAdded, ScheduleRemoved, UpdateApp, Workflow, WorkflowResponse, WorkflowRunResponse,
    WorkflowScheduleList, WorkflowScheduleResponse, WorkflowSearchResponse,
    WorkflowSearchResultDetail, decode,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The model type of the documents in one fixture folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Workflow,
    Credential,
    ArgoObject,
    SearchResponse,
    WorkflowResponse,
    WorkflowRunResponse,
    CredentialResponse,
    CredentialList,
    CredentialTest,
    Schedule,
    ScheduleList,
    ErrorBody,
    AppInfo,
    InputContract,
    CreateApp,
    UpdateApp,
    AppResponse,
    AppSummary,
    AppList,
    AppRun,
    AppCancel,
    AppDelete,
    ScheduleAdded,
    ScheduleRemoved,
    AppConflict,
    AtlasSearch,
    /// Documents of another crate (such as search bodies, tested by atlan-query): only checked to be
    /// JSON here.
    OtherCrate,
}

/// Every fixture folder and its type; a folder missing here fails `every_fixture_has_a_known_type`.
pub const FOLDERS: &[(&str, Kind)] = &[
    ("requests/workflow", Kind::Workflow),
    ("requests/credential", Kind::Credential),
    ("argo/workflow", Kind::ArgoObject),
    ("argo/workflowtemplate", Kind::ArgoObject),
    ("responses/workflows-search", Kind::SearchResponse),
    ("responses/runs-search", Kind::SearchResponse),
    ("responses/workflow", Kind::WorkflowResponse),
    ("responses/workflow-run", Kind::WorkflowRunResponse),
    ("responses/credential", Kind::CredentialResponse),
    ("responses/credential-list", Kind::CredentialList),
    ("responses/credential-test", Kind::CredentialTest),
    ("responses/schedule", Kind::Schedule),
    ("responses/schedule-list", Kind::ScheduleList),
    ("responses/error", Kind::ErrorBody),
    ("apps/info", Kind::AppInfo),
    ("apps/create", Kind::CreateApp),
    ("apps/update", Kind::UpdateApp),
    ("apps/response", Kind::AppResponse),
    ("apps/summary", Kind::AppSummary),
    ("apps/list", Kind::AppList),
    ("apps/run", Kind::AppRun),
    ("apps/cancel", Kind::AppCancel),
    ("apps/delete", Kind::AppDelete),
    ("apps/schedule-added", Kind::ScheduleAdded),
    ("apps/schedule-removed", Kind::ScheduleRemoved),
    ("apps/conflict", Kind::AppConflict),
    ("apps/search", Kind::AtlasSearch),
    ("requests/search", Kind::OtherCrate),
];

impl Kind {
    /// The type of a fixture, from its folder (relative to the fixtures root).
    pub fn of(relative: &Path) -> Option<Kind> {
        let folder = relative.parent()?.to_str()?.replace('\\', "/");
        FOLDERS
            .iter()
            .find(|(name, _)| *name == folder)
            .map(|(_, kind)| *kind)
    }

    /// Decodes with this type and re-encodes to a JSON value.
    pub fn round_trip(self, bytes: &[u8]) -> Result<Value, DecodeError> {
        match self {
            Kind::Workflow => reencode::<Workflow>(bytes),
            Kind::Credential => reencode::<Credential>(bytes),
            Kind::ArgoObject => reencode::<WorkflowSearchResultDetail>(bytes),
            Kind::SearchResponse => reencode::<WorkflowSearchResponse>(bytes),
            Kind::WorkflowResponse => reencode::<WorkflowResponse>(bytes),
            Kind::WorkflowRunResponse => reencode::<WorkflowRunResponse>(bytes),
            Kind::CredentialResponse => reencode::<CredentialResponse>(bytes),
            Kind::CredentialList => reencode::<CredentialListResponse>(bytes),
            Kind::CredentialTest => reencode::<CredentialTestResponse>(bytes),
            Kind::Schedule => reencode::<WorkflowScheduleResponse>(bytes),
            Kind::ScheduleList => reencode::<WorkflowScheduleList>(bytes),
            Kind::ErrorBody => reencode::<ApiErrorBody>(bytes),
            Kind::AppInfo => reencode::<AppInfo>(bytes),
            Kind::InputContract => reencode::<InputContract>(bytes),
            Kind::CreateApp => reencode::<CreateApp>(bytes),
            Kind::UpdateApp => reencode::<UpdateApp>(bytes),
            Kind::AppResponse => reencode::<AppResponse>(bytes),
            Kind::AppSummary => reencode::<AppSummary>(bytes),
            Kind::AppList => reencode::<AppList>(bytes),
            Kind::AppRun => reencode::<AppRunResponse>(bytes),
            Kind::AppCancel => reencode::<CancelRunResponse>(bytes),
            Kind::AppDelete => reencode::<DeleteAppResponse>(bytes),
            Kind::ScheduleAdded => reencode::<ScheduleAdded>(bytes),
            Kind::ScheduleRemoved => reencode::<ScheduleRemoved>(bytes),
            Kind::AppConflict => reencode::<AppConflict>(bytes),
            Kind::AtlasSearch => reencode::<AtlasSearchResponse>(bytes),
            Kind::OtherCrate => reencode::<Value>(bytes),
        }
    }
}

fn reencode<T: DeserializeOwned + Serialize>(bytes: &[u8]) -> Result<Value, DecodeError> {
    let model: T = decode(bytes)?;
    Ok(value_of(&model).expect("a decoded model writes the text of its Value"))
}

/// A model's `Value`, checked to have the very text the model writes itself (a model writes its
/// keys in order, as a `Value` does).
pub fn value_of<T: Serialize>(model: &T) -> Result<Value, String> {
    let value = serde_json::to_value(model).map_err(|e| e.to_string())?;
    let text = serde_json::to_string(model).map_err(|e| e.to_string())?;
    // Not `text != value`: a `Value` equals a `String` when it is that string.
    let value_text = value.to_string();
    if text != value_text {
        return Err(format!("the model's text differs from its Value's: {text}"));
    }
    Ok(value)
}

/// The fixtures root.
pub fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// One fixture file.
#[derive(Debug)]
pub struct Fixture {
    /// Path relative to the fixtures root, with `/` separators.
    pub name: String,
    pub kind: Option<Kind>,
    pub bytes: Vec<u8>,
}

/// Every `.json` file under the fixtures root, sorted by path.
pub fn all_fixtures() -> Vec<Fixture> {
    let root = fixtures_root();
    let mut paths = Vec::new();
    collect_json(&root, &mut paths);
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let relative = path
                .strip_prefix(&root)
                .expect("under the root")
                .to_path_buf();
            Fixture {
                name: relative.to_string_lossy().replace('\\', "/"),
                kind: Kind::of(&relative),
                bytes: fs::read(&path).expect("readable fixture"),
            }
        })
        .collect()
}

/// The fixtures of one type.
pub fn fixtures_of(kind: Kind) -> Vec<Fixture> {
    all_fixtures()
        .into_iter()
        .filter(|fixture| fixture.kind == Some(kind))
        .collect()
}

/// One fixture by its path relative to the root.
pub fn fixture(name: &str) -> Vec<u8> {
    fs::read(fixtures_root().join(name)).unwrap_or_else(|error| panic!("fixture {name}: {error}"))
}

fn collect_json(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("readable fixtures folder") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            collect_json(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "json") {
            out.push(path);
        }
    }
}

/// The first place where two JSON values differ, as `path: left != right`; `None` when equal.
pub fn first_difference(left: &Value, right: &Value) -> Option<String> {
    difference_at("$", left, right)
}

fn difference_at(path: &str, left: &Value, right: &Value) -> Option<String> {
    match (left, right) {
        (Value::Object(a), Value::Object(b)) => {
            for key in a.keys().chain(b.keys()) {
                let child = format!("{path}.{key}");
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => {
                        if let Some(found) = difference_at(&child, x, y) {
                            return Some(found);
                        }
                    }
                    (x, y) => return Some(format!("{child}: {x:?} != {y:?}")),
                }
            }
            None
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (x, y))| difference_at(&format!("{path}[{i}]"), x, y)),
        _ if left == right => None,
        _ => Some(format!("{path}: {left} != {right}")),
    }
}
