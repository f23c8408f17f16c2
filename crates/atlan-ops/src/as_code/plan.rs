//! A plan (pure): for each workflow file, what applying it would do to the tenant — `create`,
//! `update` with its field-level changes, or `unchanged` — and, with a prune selector, `delete`
//! for each workflow in the selector that no file names. Each file is checked against the tenant
//! first (credential names resolved, inputs against the app's contract, its name held at most
//! once): a file with a problem is never applied.

use std::collections::BTreeMap;

use atlan_workflows::check_inputs;
use atlan_workflows::model::{AppInputs, InputContract};
use serde::Serialize;

use super::credentials;
use super::diff::{Action, Change, app_changes, legacy_changes};
use super::document::{AppSpec, Document, LegacySpec};
use super::tenant::{Contracts, Tenant};
use crate::glob::Glob;
use crate::view::Api;

/// What a plan does to one workflow.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Planned {
    /// The workflow's name.
    pub workflow: String,
    /// Its API.
    pub api: Api,
    /// What applying does.
    pub action: Action,
    /// The fields it changes (an update), or sets (a create).
    pub changes: Vec<Change>,
    /// Why it cannot be applied (nothing is, while any workflow has one).
    pub problems: Vec<String>,
    /// The file it comes from (none for a delete).
    pub file: Option<String>,
    /// The tenant's workflow it acts on (none for a create).
    pub slug: Option<String>,
    /// The spec to apply (an app workflow's, credentials resolved to GUIDs).
    #[serde(skip)]
    pub desired: Option<AppSpec>,
    /// The spec to apply of a legacy workflow (credentials resolved to GUIDs).
    #[serde(skip)]
    pub legacy: Option<LegacySpec>,
}

/// Which of the tenant's workflows a prune may delete.
#[derive(Debug, Clone, Default)]
pub struct Prune {
    /// Those whose name matches.
    pub workflow: Option<Glob>,
    /// Those of this app.
    pub package: Option<String>,
}

impl Prune {
    fn covers(&self, name: &str, app: &str) -> bool {
        self.workflow.as_ref().is_none_or(|glob| glob.matches(name))
            && self.package.as_ref().is_none_or(|package| package == app)
    }
}

/// The plan of `files` (each with its file name) against `tenant`.
pub fn plan(
    files: &[(String, Document)],
    tenant: &Tenant,
    contracts: &Contracts,
    prune: Option<&Prune>,
) -> Vec<Planned> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, document) in files {
        *counts.entry(document.name()).or_default() += 1;
    }
    let mut planned: Vec<Planned> = files
        .iter()
        .map(|(file, document)| {
            let mut one = plan_one(file, document, tenant, contracts);
            if counts.get(document.name()).is_some_and(|count| *count > 1) {
                one.problems
                    .push("another file names the same workflow".to_owned());
            }
            one
        })
        .collect();
    if let Some(prune) = prune {
        for app in &tenant.apps {
            let named = counts.contains_key(app.name.as_str());
            if !named && prune.covers(&app.name, &app.spec.app) {
                planned.push(Planned {
                    workflow: app.name.clone(),
                    api: Api::Apps,
                    action: Action::Delete,
                    changes: Vec::new(),
                    problems: Vec::new(),
                    file: None,
                    slug: Some(app.slug.clone()),
                    desired: None,
                    legacy: None,
                });
            }
        }
    }
    planned.sort_by(|a, b| (&a.workflow, &a.slug).cmp(&(&b.workflow, &b.slug)));
    planned
}

fn plan_one(file: &str, document: &Document, tenant: &Tenant, contracts: &Contracts) -> Planned {
    let mut planned = Planned {
        workflow: document.name().to_owned(),
        api: document.api(),
        action: Action::Unchanged,
        changes: Vec::new(),
        problems: Vec::new(),
        file: Some(file.to_owned()),
        slug: None,
        desired: None,
        legacy: None,
    };
    let spec = match document {
        Document::AppWorkflow { spec, .. } => spec,
        Document::LegacyWorkflow { spec, .. } => {
            plan_legacy(&mut planned, spec, tenant);
            return planned;
        }
    };
    let mut desired = spec.clone();
    for (name, value) in &mut desired.inputs {
        for (field, problem) in
            credentials::resolve(&format!("spec.inputs.{name}"), value, &tenant.credentials)
        {
            planned.problems.push(format!("{field}: {problem}"));
        }
    }
    let key = (desired.app.clone(), desired.entrypoint.clone());
    match contracts.get(&key) {
        Some(Ok(contract)) if planned.problems.is_empty() => {
            let inputs = AppInputs::from_map(desired.inputs.clone().into_iter().collect());
            if let Err(error) = check_inputs(&desired.app, contract, &inputs) {
                planned.problems.push(format!("spec.inputs: {error}"));
            }
            planned.problems.extend(undeclared(&desired, contract));
        }
        Some(Err(problem)) => planned.problems.push(format!("spec.app: {problem}")),
        _ => {}
    }
    match tenant.apps_named(&planned.workflow).as_slice() {
        [] => {
            planned.action = Action::Create;
            // Everything the file sets, from nothing.
            planned.changes = app_changes(&desired, &AppSpec::default())
                .into_iter()
                .filter(|change| change.to.is_some())
                .map(|change| Change {
                    from: None,
                    ..change
                })
                .collect();
        }
        [actual] => {
            planned.slug = Some(actual.slug.clone());
            if actual.spec.app != desired.app {
                planned.problems.push(format!(
                    "spec.app: the tenant's `{}` is a workflow of `{}`: an app cannot change (delete it, or give this one another name)",
                    actual.slug, actual.spec.app
                ));
            }
            planned.changes = app_changes(&desired, &actual.spec);
            if !planned.changes.is_empty() {
                planned.action = Action::Update;
            }
        }
        several => {
            let slugs: Vec<&str> = several.iter().map(|app| app.slug.as_str()).collect();
            planned.problems.push(format!(
                "metadata.name: the tenant has {} app workflows of this name ({}): rename all but one",
                slugs.len(),
                slugs.join(", ")
            ));
        }
    }
    planned.desired = Some(desired);
    planned
}

/// A problem for each input the app's contract does not declare (when it declares any).
fn undeclared(desired: &AppSpec, contract: &InputContract) -> Vec<String> {
    let contract = serde_json::to_value(contract).unwrap_or_default();
    let Some(declared) = contract.get("properties").and_then(|p| p.as_object()) else {
        return Vec::new();
    };
    desired
        .inputs
        .keys()
        .filter(|name| !declared.contains_key(*name))
        .map(|name| {
            format!(
                "spec.inputs.{name}: the input contract of `{}` does not declare it",
                desired.app
            )
        })
        .collect()
}

/// A legacy workflow's plan: an update of the existing workflow of that name (legacy workflows
/// are never created from files), its parameters only those its first task has.
fn plan_legacy(planned: &mut Planned, spec: &LegacySpec, tenant: &Tenant) {
    let mut desired = spec.clone();
    for (name, value) in &mut desired.parameters {
        let field = format!("spec.parameters.{name}");
        for (field, problem) in credentials::resolve(&field, value, &tenant.credentials) {
            planned.problems.push(format!("{field}: {problem}"));
        }
    }
    let Some(actual) = tenant.legacy_named(&planned.workflow) else {
        planned.action = Action::Create;
        planned.problems.push(
            "metadata.name: the tenant has no legacy workflow of this name, and legacy workflows \
             are not created from files (`migrate` moves them to app workflows)"
                .to_owned(),
        );
        return;
    };
    planned.slug = Some(actual.name.clone());
    for name in desired.parameters.keys() {
        if !actual.spec.parameters.contains_key(name) {
            planned.problems.push(format!(
                "spec.parameters.{name}: the workflow's first task has no such parameter"
            ));
        }
    }
    for name in actual.spec.parameters.keys() {
        if !desired.parameters.contains_key(name) {
            planned.problems.push(format!(
                "spec.parameters.{name}: a legacy workflow's parameter cannot be removed (keep it in the file)"
            ));
        }
    }
    if desired.package != actual.spec.package {
        planned.problems.push(format!(
            "spec.package: the tenant's workflow is of `{}`: a package cannot change",
            actual.spec.package
        ));
    }
    planned.changes = legacy_changes(&desired, &actual.spec);
    if !planned.changes.is_empty() {
        planned.action = Action::Update;
    }
    planned.legacy = Some(desired);
}

/// Whether applying `plan` would change the tenant.
pub fn changes_anything(plan: &[Planned]) -> bool {
    plan.iter().any(|one| one.action != Action::Unchanged)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::as_code::credentials::CredentialNames;
    use crate::as_code::legacy::LegacyWorkflowState;
    use crate::as_code::tenant::AppWorkflowState;

    fn spec(name: &str) -> AppSpec {
        AppSpec {
            app: "snowflake-crawler".into(),
            inputs: BTreeMap::from([
                ("credential_guid".into(), json!("${credential.sf}")),
                ("connection".into(), json!({"attributes": {"name": name}})),
            ]),
            ..AppSpec::default()
        }
    }

    fn tenant() -> Tenant {
        let mut stored = spec("dev");
        stored.inputs.insert("credential_guid".into(), json!("g-1"));
        let state = |name: &str, slug: &str| AppWorkflowState {
            name: name.into(),
            slug: slug.into(),
            spec: stored.clone(),
        };
        Tenant {
            apps: vec![
                state("dev-snowflake", "dev-snowflake-1"),
                state("twice", "twice-1"),
                state("twice", "twice-2"),
                state("old", "old-1"),
            ],
            legacy: vec![LegacyWorkflowState {
                name: "atlan-snowflake-1".into(),
                spec: legacy_spec("false"),
            }],
            credentials: CredentialNames::new([("g-1", "sf")]),
        }
    }

    fn legacy_spec(lineage: &str) -> LegacySpec {
        LegacySpec {
            package: "atlan-snowflake".into(),
            parameters: BTreeMap::from([
                ("credential-guid".into(), json!("g-1")),
                ("enable-lineage".into(), json!(lineage)),
            ]),
            ..LegacySpec::default()
        }
    }

    #[test]
    fn a_legacy_file_updates_the_workflow_of_its_name_and_never_creates_one() {
        let mut spec = legacy_spec("true");
        spec.parameters
            .insert("credential-guid".into(), json!("${credential.sf}"));
        let file = |name: &str, spec: &LegacySpec| {
            vec![(format!("{name}.yaml"), Document::legacy(name, spec.clone()))]
        };
        let planned = plan(
            &file("atlan-snowflake-1", &spec),
            &tenant(),
            &Contracts::new(),
            None,
        );
        assert_eq!(planned[0].action, Action::Update);
        assert!(planned[0].problems.is_empty(), "{:?}", planned[0].problems);
        assert_eq!(planned[0].changes[0].path, "parameters.enable-lineage");
        assert_eq!(
            planned[0].legacy.as_ref().unwrap().parameters["credential-guid"],
            "g-1"
        );

        let missing = plan(
            &file("atlan-snowflake-2", &spec),
            &tenant(),
            &Contracts::new(),
            None,
        );
        assert!(missing[0].problems[0].contains("not created from files"));
        let mut unknown = spec.clone();
        unknown.parameters.remove("enable-lineage");
        unknown.parameters.insert("nope".into(), json!(1));
        let problems = &plan(
            &file("atlan-snowflake-1", &unknown),
            &tenant(),
            &Contracts::new(),
            None,
        )[0]
        .problems;
        assert!(
            problems.iter().any(|p| p
                .contains("spec.parameters.nope: the workflow's first task has no such parameter")),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|p| p.contains(
                "spec.parameters.enable-lineage: a legacy workflow's parameter cannot be removed"
            )),
            "{problems:?}"
        );
    }

    fn documents(documents: &[(&str, AppSpec)]) -> Vec<(String, Document)> {
        documents
            .iter()
            .map(|(name, spec)| (format!("{name}.yaml"), Document::app(*name, spec.clone())))
            .collect()
    }

    #[test]
    fn create_update_unchanged_and_problems() {
        let files = documents(&[
            ("dev-snowflake", spec("dev")),
            ("new", spec("dev")),
            ("twice", spec("dev")),
        ]);
        let planned = plan(&files, &tenant(), &Contracts::new(), None);
        let shown: Vec<(&str, Action, usize)> = planned
            .iter()
            .map(|one| (one.workflow.as_str(), one.action, one.problems.len()))
            .collect();
        assert_eq!(
            shown,
            [
                ("dev-snowflake", Action::Unchanged, 0),
                ("new", Action::Create, 0),
                ("twice", Action::Unchanged, 1),
            ]
        );
        assert!(planned[2].problems[0].contains("twice-1, twice-2"));
        assert_eq!(
            planned[0].desired.as_ref().unwrap().inputs["credential_guid"],
            "g-1"
        );
        assert!(!changes_anything(&planned[..1]));

        let changed = documents(&[("dev-snowflake", spec("prod"))]);
        let planned = plan(&changed, &tenant(), &Contracts::new(), None);
        assert_eq!(planned[0].action, Action::Update);
        assert_eq!(
            planned[0].changes[0].path,
            "inputs.connection.attributes.name"
        );
    }

    #[test]
    fn a_prune_deletes_only_inside_its_selector() {
        let files = documents(&[("dev-snowflake", spec("dev"))]);
        let prune = Prune {
            workflow: Glob::new("o*"),
            package: None,
        };
        let planned = plan(&files, &tenant(), &Contracts::new(), Some(&prune));
        let deleted: Vec<&str> = planned
            .iter()
            .filter(|one| one.action == Action::Delete)
            .map(|one| one.workflow.as_str())
            .collect();
        assert_eq!(deleted, ["old"], "twice is outside the selector");
    }

    #[test]
    fn an_unknown_credential_and_a_duplicate_file_are_problems() {
        let mut unknown = spec("dev");
        unknown
            .inputs
            .insert("credential_guid".into(), json!("${credential.nope}"));
        let files = documents(&[("a", unknown), ("a", spec("dev"))]);
        let planned = plan(&files, &tenant(), &Contracts::new(), None);
        assert!(
            planned[0]
                .problems
                .iter()
                .any(|p| p.contains("no credential named `nope`"))
        );
        assert!(
            planned
                .iter()
                .all(|one| one.problems.iter().any(|p| p.contains("same workflow")))
        );
    }
}
