//! The migration mapping over every legacy request body of `fixtures/requests/workflow/` (66),
//! each checked against the input contract the sandbox serves for its app over HTTP: every
//! parameter is carried (with its provenance) or listed (unmapped, with a reason, or as a
//! problem), a `ready` plan passes the contract, and a package without an app is `unsupported`.

#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::print_stdout)]

use std::collections::BTreeMap;
use std::path::Path;

use atlan_ops::migrate::{self, MigrationStatus};
use atlan_workflows::model::{AppInputs, InputContract, Workflow, decode_value};
use serde_json::Value;

mod common;

use common::tenant;

fn bodies() -> Vec<(String, Workflow)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/requests/workflow");
    let mut bodies: Vec<(String, Workflow)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let body: Value = serde_json::from_str(&text).unwrap();
            (
                path.file_stem().unwrap().to_string_lossy().into_owned(),
                decode_value(body).unwrap(),
            )
        })
        .collect();
    bodies.sort_by(|a, b| a.0.cmp(&b.0));
    bodies
}

#[tokio::test]
async fn every_legacy_body_maps_each_parameter_or_lists_it() {
    let (_clock, _sandbox, _recorder, client) = tenant().await;
    let bodies = bodies();
    assert_eq!(bodies.len(), 66);
    let mut contracts: BTreeMap<String, InputContract> = BTreeMap::new();
    let mut statuses: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (file, workflow) in &bodies {
        let target = migrate::target_of(workflow);
        let contract = match target {
            Some(target) => {
                if !contracts.contains_key(target.app_id) {
                    let mut query = client.apps().input_contract(target.app_id);
                    if let Some(entrypoint) = target.entrypoint {
                        query = query.entrypoint(entrypoint);
                    }
                    contracts.insert(target.app_id.to_owned(), query.send().await.unwrap());
                }
                contracts[target.app_id].clone()
            }
            None => decode_value(serde_json::json!({})).unwrap(),
        };
        let plan = migrate::map_workflow(workflow, target, &contract);
        statuses
            .entry(plan.status.as_str())
            .or_default()
            .push(format!(
                "{file} ({})",
                plan.package.as_deref().unwrap_or("?")
            ));
        let parameters = workflow.spec.first_task().unwrap().parameters();
        for parameter in parameters {
            let name = &parameter.name;
            let carried = plan
                .provenance
                .values()
                .any(|source| source.contains(&format!("`{name}`")));
            let listed = plan.unmapped.iter().any(|u| &u.parameter == name);
            let problem = plan
                .problems
                .iter()
                .any(|problem| problem.contains(&format!("`{name}`")));
            assert!(
                carried || listed || problem,
                "{file}: `{name}` is neither carried nor listed: {plan:#?}"
            );
        }
        match target {
            None => {
                assert_eq!(plan.status, MigrationStatus::Unsupported, "{file}");
                assert_eq!(plan.unmapped.len(), parameters.len(), "{file}");
            }
            Some(target) => {
                assert_ne!(plan.status, MigrationStatus::Unsupported, "{file}");
                if plan.status == MigrationStatus::Ready {
                    let inputs = AppInputs::from_map(plan.inputs.clone());
                    atlan_workflows::check_inputs(target.app_id, &contract, &inputs)
                        .unwrap_or_else(|error| panic!("{file}: ready but {error}"));
                } else {
                    assert!(
                        !plan.missing.is_empty() || !plan.problems.is_empty(),
                        "{file}: {plan:?}"
                    );
                }
            }
        }
    }
    for (status, files) in &statuses {
        println!("{status}: {} {files:?}", files.len());
    }
    assert!(statuses.contains_key("unsupported"));
    assert!(
        statuses.get("ready").is_some_and(|ready| !ready.is_empty())
            || statuses.contains_key("needs_input")
    );
}

/// A selection of names and patterns: each name, and the workflows each pattern matches, once
/// each; a pattern that matches nothing is not found, as is a name that is no workflow.
#[tokio::test]
async fn a_selection_takes_names_and_patterns() {
    use atlan_ops::{ApiChoice, Glob, Selection};

    let (_clock, _sandbox, _recorder, client) = tenant().await;
    let glob = |text: &str| Glob::new(text).unwrap();
    let names = |planned: Vec<migrate::Planned>| {
        planned
            .into_iter()
            .map(|p| p.plan.workflow)
            .collect::<Vec<_>>()
    };
    let every = names(
        migrate::select(&client, &Selection::new(ApiChoice::Legacy))
            .await
            .unwrap(),
    );
    let miners: Vec<&String> = every
        .iter()
        .filter(|n| n.starts_with("atlan-snowflake-miner-"))
        .collect();
    let crawler = every
        .iter()
        .find(|n| n.starts_with("atlan-snowflake-1"))
        .unwrap();
    assert!(!miners.is_empty());
    let selection = Selection::new(ApiChoice::Legacy)
        .workflow(glob("atlan-snowflake-miner-*"))
        .workflow(glob(crawler))
        .workflow(glob("atlan-snowflake-miner-1*"));
    let chosen = names(migrate::select(&client, &selection).await.unwrap());
    let mut expected: Vec<&String> = miners.clone();
    expected.push(crawler);
    expected.sort();
    assert_eq!(chosen.iter().collect::<Vec<_>>(), expected);

    for (selection, missing) in [
        (
            Selection::new(ApiChoice::Legacy).workflow(glob("nothing-*")),
            "nothing-*",
        ),
        (
            Selection::new(ApiChoice::Legacy).workflow(glob("atlan-nothing-1")),
            "atlan-nothing-1",
        ),
    ] {
        let error = migrate::select(&client, &selection).await.unwrap_err();
        assert!(
            error.is_not_found() && error.to_string().contains(missing),
            "{error}"
        );
    }
}

#[tokio::test]
async fn the_demo_tenant_rehearses_plan_apply_reapply_verify_and_archive() {
    let (_clock, sandbox, recorder, client) = tenant().await;
    let selection = atlan_ops::Selection::new(atlan_ops::ApiChoice::Legacy);
    let planned = migrate::select(&client, &selection).await.unwrap();
    let ready: Vec<_> = planned
        .iter()
        .filter(|p| p.plan.status == MigrationStatus::Ready)
        .collect();
    assert!(ready.len() >= 10, "{}", ready.len());
    let (_, runs_before, _) = sandbox.counts();
    for planned in &ready {
        let applied = migrate::apply(&client, planned).await.unwrap();
        assert!(!applied.reused, "{}", planned.plan.workflow);
        assert!(!applied.slug.is_empty());
    }
    let (_, runs_after, _) = sandbox.counts();
    assert_eq!(runs_after, runs_before, "created with run: false");

    // A second pass finds each by name and creates nothing.
    let again = migrate::select(&client, &selection).await.unwrap();
    recorder.clear();
    for planned in again
        .iter()
        .filter(|p| p.plan.status == MigrationStatus::Ready)
    {
        assert!(planned.migrated.is_some(), "{}", planned.plan.workflow);
        let applied = migrate::apply(&client, planned).await.unwrap();
        assert!(applied.reused);
        let verification = migrate::verify(&client, planned, None).await.unwrap();
        assert!(
            verification.differences.is_empty(),
            "{}: {:?}",
            planned.plan.workflow,
            verification.differences
        );
    }
    assert!(
        !recorder
            .requests()
            .iter()
            .any(|r| r.starts_with("POST") && r.ends_with("/api/service/v1/app")),
        "no create on the second pass: {:?}",
        recorder.requests()
    );

    // Archived once migrated: the legacy workflow and its schedule are gone, the app one stays.
    for planned in again.iter().filter(|p| p.migrated.is_some()) {
        migrate::archive_legacy(&client, planned).await.unwrap();
        assert!(
            client
                .workflows()
                .get_opt(&planned.plan.workflow)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            client
                .schedules()
                .get_opt(&planned.plan.workflow)
                .await
                .unwrap()
                .is_none()
        );
    }
    // Not migrated: never archived.
    let left = migrate::select(&client, &selection).await.unwrap();
    let unsupported = left
        .iter()
        .find(|p| p.plan.status != MigrationStatus::Ready)
        .unwrap();
    assert!(migrate::archive_legacy(&client, unsupported).await.is_err());
    assert!(
        client
            .workflows()
            .get_opt(&unsupported.plan.workflow)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        left.iter()
            .filter(|p| p.plan.status == MigrationStatus::Ready)
            .count(),
        0,
        "every ready one was migrated and archived"
    );
}

#[test]
fn every_field_of_pyatlans_models_is_named_as_its_legacy_alias_in_snake_case() {
    // The mapping's naming rule, checked against its source: pyatlan 11.6.0's typed input models.
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../atlan-sandbox/data/models/pyatlan-11.6.0.json");
    let models: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut aliased = 0;
    for app in models["apps"].as_array().unwrap() {
        for field in app["fields"].as_array().unwrap() {
            if let Some(alias) = field["alias"].as_str() {
                assert_eq!(field["name"].as_str().unwrap(), alias.replace('-', "_"));
                aliased += 1;
            }
        }
    }
    assert!(aliased > 200, "{aliased}");
}
