//! Workflows as code: export the tenant's app workflows as documents, change one in memory, and
//! plan it against the tenant (`atlan_ops::as_code`), as `atlanctl export` and `plan` do.
//!
//! `cargo run -p atlan-ops --example workflows_as_code`

#![allow(clippy::print_stdout)]

#[path = "../../atlan-workflows/examples/common/mod.rs"]
mod common;

use atlan_ops::ApiChoice;
use atlan_ops::as_code::{Document, export, load, plan, tenant};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let connection = common::connect().await?;
    let client = &connection.client;
    // One read of the tenant: every app workflow and credential.
    let state = tenant::read(client, ApiChoice::Apps).await?;
    let mut files = Vec::new();
    for app in &state.apps {
        let document = export::app_document(&app.name, app.spec.clone(), &state.credentials);
        let text = export::to_yaml(&document)?;
        // What a file holds reads back as the same document.
        let file = export::file_name(atlan_ops::Api::Apps, &app.name, None);
        let read = load::parse(&file, &text, &load::Variables::default())
            .map_err(|problems| format!("{problems:?}"))?;
        files.push((file, read));
    }
    // Change the first workflow's file: lineage off.
    if let Some((_, Document::AppWorkflow { spec, .. })) = files.first_mut() {
        spec.inputs
            .insert("enable_lineage".into(), serde_json::Value::Bool(false));
    }
    let contracts = tenant::Contracts::new();
    for planned in plan::plan(&files, &state, &contracts, None) {
        println!(
            "{} {} ({} change(s))",
            planned.action.as_str(),
            planned.workflow,
            planned.changes.len()
        );
        for change in &planned.changes {
            println!("  {}: {:?} -> {:?}", change.path, change.from, change.to);
        }
    }
    Ok(())
}
