//! Reads Atlan workflow API documents (requests or responses saved as JSON), decodes each with the
//! model its shape calls for, prints a summary, and checks that it re-encodes without loss.
//!
//! ```text
//! cargo run -p atlan-model --example inspect -- fixtures/responses/runs-search/*.json
//! ```
//!
//! A document that does not decode is reported with the JSON path of the problem; the exit status is
//! 1 if any file failed. Secrets (credential passwords, `extra` values) are never printed.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;
use std::{env, fs};

use atlan_model::{
    ApiErrorBody, CredentialListResponse, CredentialResponse, CredentialTestResponse, DecodeError,
    Workflow, WorkflowRunResponse, WorkflowScheduleList, WorkflowSearchResponse,
    WorkflowSearchResultDetail, decode,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

fn main() -> ExitCode {
    let paths: Vec<String> = env::args().skip(1).collect();
    if paths.is_empty() || paths.iter().any(|p| p == "-h" || p == "--help") {
        eprintln!("usage: inspect FILE.json...");
        return ExitCode::from(2);
    }
    let mut failed = 0;
    for path in &paths {
        if let Err(message) = inspect(path) {
            eprintln!("{path}: {message}");
            failed += 1;
        }
    }
    println!("{} file(s), {} failed", paths.len(), failed);
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn inspect(path: &str) -> Result<(), String> {
    let bytes = fs::read(path).map_err(|error| format!("cannot read: {error}"))?;
    let value: Value = decode(&bytes).map_err(|error| error.to_string())?;
    let Value::Object(object) = &value else {
        return Err("not a JSON object".into());
    };
    let has = |key: &str| object.contains_key(key);
    let (kind, lines, reencoded) = if has("hits") {
        let (response, back) = read::<WorkflowSearchResponse>(&bytes)?;
        let total = response.total().map_or("?".into(), |t| t.to_string());
        let mut lines = vec![format!(
            "{total} match(es), {} on this page",
            response.hits().len()
        )];
        lines.extend(response.hits().iter().map(|hit| {
            let status = hit.source.status.as_ref();
            format!(
                "{:<45} {:<10} {:>6}  {}",
                hit.name(),
                hit.phase().map_or("-", |p| p.as_str()),
                status.and_then(|s| s.progress.as_deref()).unwrap_or("-"),
                status.and_then(|s| s.started_at.as_deref()).unwrap_or("-"),
            )
        }));
        ("search response", lines, back)
    } else if has("records") {
        let (list, back) = read::<CredentialListResponse>(&bytes)?;
        (
            "credential list",
            list.records.iter().map(ToString::to_string).collect(),
            back,
        )
    } else if has("items") {
        let (list, back) = read::<WorkflowScheduleList>(&bytes)?;
        let lines = list
            .items()
            .iter()
            .map(|item| match item.schedule() {
                Some(s) => format!(
                    "{}: {} ({})",
                    name_of(item.metadata.as_ref()),
                    s.cron,
                    s.timezone
                ),
                None => name_of(item.metadata.as_ref()).to_owned(),
            })
            .collect();
        ("schedule list", lines, back)
    } else if has("payload") && has("metadata") && has("spec") {
        let (workflow, back) = read::<Workflow>(&bytes)?;
        let task = workflow.spec.first_task();
        let mut lines = vec![format!(
            "{} runs {} with {} parameter(s)",
            workflow.name().unwrap_or("(unnamed)"),
            task.and_then(|t| t.template_ref.as_ref()?.name.as_deref())
                .unwrap_or("?"),
            task.map_or(0, |t| t.parameters().len()),
        )];
        lines.extend(
            workflow
                .payload
                .iter()
                .flatten()
                .filter_map(|p| p.to_credential())
                .map(|c| c.to_string()),
        );
        ("workflow", lines, back)
    } else if has("status") && has("metadata") && has("spec") {
        let (detail, back) = read::<WorkflowSearchResultDetail>(&bytes)?;
        let status = detail.status.as_ref();
        let line = format!(
            "{}: {} {}",
            detail.metadata.name().unwrap_or("(unnamed)"),
            status
                .and_then(|s| s.phase.as_ref())
                .map_or("-", |p| p.as_str()),
            status.and_then(|s| s.progress.as_deref()).unwrap_or(""),
        );
        ("run", vec![line], back)
    } else if has("status") {
        let (run, back) = read::<WorkflowRunResponse>(&bytes)?;
        let line = format!(
            "{}: {}",
            run.name().unwrap_or("(unnamed)"),
            run.phase().map_or("-", |p| p.as_str())
        );
        ("run response", vec![line], back)
    } else if has("metadata") && has("spec") {
        let (detail, back) = read::<WorkflowSearchResultDetail>(&bytes)?;
        let line = format!(
            "{} with {} task(s)",
            detail.metadata.name().unwrap_or("(unnamed)"),
            detail.spec.tasks().count()
        );
        ("workflow template", vec![line], back)
    } else if has("requestId") && has("message") && has("info") {
        let (test, back) = read::<CredentialTestResponse>(&bytes)?;
        let verdict = if test.is_successful() {
            "successful"
        } else {
            "failed"
        };
        (
            "credential test",
            vec![format!(
                "{verdict}: {}",
                test.error.as_deref().unwrap_or("")
            )],
            back,
        )
    } else if has("connectorConfigName") && has("id") {
        let (credential, back) = read::<CredentialResponse>(&bytes)?;
        ("credential", vec![credential.to_string()], back)
    } else {
        let (error, back) = read::<ApiErrorBody>(&bytes)?;
        ("error body", vec![error.to_string()], back)
    };
    let lossless = if reencoded == value {
        "lossless"
    } else {
        "CHANGED on re-encoding"
    };
    println!("{path}: {kind}, {lossless}");
    for line in lines {
        println!("  {line}");
    }
    Ok(())
}

/// Decodes as `T` and re-encodes, for the round-trip check.
fn read<T: DeserializeOwned + Serialize>(bytes: &[u8]) -> Result<(T, Value), String> {
    let model: T = decode(bytes).map_err(|error: DecodeError| error.to_string())?;
    let back = serde_json::to_value(&model).map_err(|error| error.to_string())?;
    Ok((model, back))
}

fn name_of(metadata: Option<&atlan_model::ObjectMeta>) -> &str {
    metadata.and_then(|m| m.name()).unwrap_or("(unnamed)")
}
