//! A legacy workflow's parameters as an app workflow's inputs, checked against the app's input
//! contract: [`map_workflow`], a pure function.
//!
//! The rules, and where each comes from:
//! - **Names.** A legacy DAG parameter (`enable-lineage`) becomes the input of the same name in
//!   snake case (`enable_lineage`) when the contract declares one: pyatlan 11.6.0's typed input
//!   models name each field so and give the hyphenated legacy name as its alias
//!   (`crates/atlan-sandbox/data/models/pyatlan-11.6.0.json`). Where the legacy name differs, a rule of
//!   [`RENAMES`] says so, with its source.
//! - **Types.** Legacy parameters are strings; each is typed as the contract types its input:
//!   `"true"`/`"false"` become booleans where it says `boolean`, numbers where it says `number`,
//!   JSON where it says `object` or `array`. A JSON filter stays a string where the contract takes
//!   a string (`anyOf` object or string), as pyatlan's builders send them. A value outside the
//!   input's `enum` is a problem, never a guess.
//! - **The connection** is carried by its qualified name: the legacy `connection` parameter (the
//!   Connection's JSON) is parsed into the object the contract's `connection` takes; a miner's
//!   `connection-qualified-name` becomes `{"typeName": "Connection", "attributes":
//!   {"qualifiedName": …}}` (ATLAN-APPS-API.md: a workflow that reuses a connection).
//! - **The credential** is carried by its GUID, never re-vaulted and never read: the legacy
//!   `credential-guid` when it holds one, else the connection's `defaultCredentialGuid`. A
//!   `{{credentialGuid}}` placeholder (a workflow whose credential was in its request's payload)
//!   is no GUID: the input is then missing, and the plan says so.
//! - **The schedule** (cron and time zone annotations) is carried as it is.
//! - A required input the legacy workflow lacks takes the contract's default when it has one;
//!   otherwise it is listed as missing. A parameter with no input is listed with its reason.

use std::collections::BTreeMap;

use atlan_workflows::model::{
    AppInputs, InputContract, Workflow, WorkflowPackage, WorkflowSchedule,
};
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::pairs::{self, AppTarget};
use crate::uses::is_guid;

/// A legacy parameter whose name differs from its app input's: (app, legacy name, input, source).
pub const RENAMES: [(&str, &str, &str, &str); 2] = [
    (
        "snowflake-crawler",
        "enable-snowflake-tag",
        "enable_snowflake_tags",
        "fixtures/requests/workflow/snowflake_basic.json names it `enable-snowflake-tag`; pyatlan 11.6.0 SnowflakeCrawlerInputs.enable_snowflake_tags (alias `enable-snowflake-tags`)",
    ),
    (
        "atlan-tableau",
        "crawl-unpublished-worksheets-dashboard",
        "crawl_unpublished_worksheets_dashboards",
        "fixtures/requests/workflow/tableau_basic.json names it `crawl-unpublished-worksheets-dashboard`; pyatlan 11.6.0 AtlanTableauInputs.crawl_unpublished_worksheets_dashboards (alias `crawl-unpublished-worksheets-dashboards`)",
    ),
];

/// A legacy value that the app names otherwise: (app, input, legacy value, app value, source).
pub const VALUE_RENAMES: [(&str, &str, &str, &str, &str); 1] = [(
    "databricks-crawler",
    "extract_strategy",
    "rest",
    "rest-api",
    "fixtures/requests/workflow/databricks_basic_rest.json sends `rest`; pyatlan 11.6.0 DatabricksCrawler.extraction_method takes Literal[\"system-tables\", \"rest-api\"]",
)];

/// Where a migration stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MigrationStatus {
    /// Every required input is there and checks.
    Ready,
    /// Something required is missing or malformed (see `missing` and `problems`).
    NeedsInput,
    /// No app takes over the package.
    Unsupported,
}

impl MigrationStatus {
    /// `ready`, `needs_input` or `unsupported`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ready => "ready",
            Self::NeedsInput => "needs_input",
            Self::Unsupported => "unsupported",
        }
    }
}

/// A legacy parameter that has no app input, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Unmapped {
    /// The legacy parameter's name.
    pub parameter: String,
    /// Why it is not carried.
    pub reason: String,
}

/// The plan of one legacy workflow's migration. `-o json` of `migrate plan` prints one per line.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct MigrationPlan {
    /// The legacy workflow.
    pub workflow: String,
    /// Its package prefix, such as `atlan-snowflake`.
    pub package: Option<String>,
    /// The app that takes it over.
    pub app_id: Option<String>,
    /// The app's entrypoint (`null`: the app's default).
    pub entrypoint: Option<String>,
    /// `ready`, `needs_input` or `unsupported`.
    pub status: MigrationStatus,
    /// The app workflow's inputs.
    pub inputs: Map<String, Value>,
    /// The legacy parameters not carried, each with why.
    pub unmapped: Vec<Unmapped>,
    /// The schedule carried (cron and time zone).
    pub schedule: Option<WorkflowSchedule>,
    /// Where each input comes from.
    pub provenance: BTreeMap<String, String>,
    /// The required inputs the legacy workflow lacks.
    pub missing: Vec<String>,
    /// What else stands in the way (a malformed parameter, a value outside its enum).
    pub problems: Vec<String>,
}

/// The legacy package prefix of a workflow: from its package annotation, else its name.
pub fn package_of(workflow: &Workflow) -> Option<String> {
    if let Some(package) = workflow
        .metadata
        .annotation(atlan_workflows::model::PACKAGE_NAME_KEY)
        .and_then(WorkflowPackage::from_package_name)
    {
        return Some(package.prefix().to_owned());
    }
    WorkflowPackage::of_workflow_id(workflow.name()?).map(|package| package.prefix().to_owned())
}

/// The app that takes over `workflow`, if any.
pub fn target_of(workflow: &Workflow) -> Option<AppTarget> {
    pairs::app_for(&package_of(workflow)?)
}

/// The plan of `workflow`'s migration to `target`'s app, checked against `contract` (the app's
/// input contract for that entrypoint). Without a target it is `unsupported`.
pub fn map_workflow(
    workflow: &Workflow,
    target: Option<AppTarget>,
    contract: &InputContract,
) -> MigrationPlan {
    let mut plan = MigrationPlan {
        workflow: workflow.name().unwrap_or_default().to_owned(),
        package: package_of(workflow),
        app_id: target.map(|t| t.app_id.to_owned()),
        entrypoint: target.and_then(|t| t.entrypoint.map(str::to_owned)),
        status: MigrationStatus::Unsupported,
        inputs: Map::new(),
        unmapped: Vec::new(),
        schedule: WorkflowSchedule::of(&workflow.metadata),
        provenance: BTreeMap::new(),
        missing: Vec::new(),
        problems: Vec::new(),
    };
    let parameters = legacy_parameters(workflow);
    let Some(target) = target else {
        plan.problems.push(format!(
            "no app workflow takes over package `{}`",
            plan.package.as_deref().unwrap_or("unknown")
        ));
        plan.unmapped = parameters
            .into_iter()
            .map(|(parameter, _)| Unmapped {
                parameter,
                reason: "the package has no app counterpart".into(),
            })
            .collect();
        return plan;
    };
    plan.problems.extend(repeated_parameters(&parameters));
    let connection = map_parameters(&mut plan, contract, target.app_id, &parameters);
    map_credential(
        &mut plan,
        contract,
        target.app_id,
        &parameters,
        connection.as_ref(),
    );
    if let Some(connection) = connection {
        plan.inputs.insert("connection".into(), connection);
    }
    finish(&mut plan, contract, target.app_id);
    plan
}

/// The parameters of a legacy workflow's first task, by name (a missing value as `null`).
fn legacy_parameters(workflow: &Workflow) -> Vec<(String, Value)> {
    workflow
        .spec
        .first_task()
        .map(|task| {
            task.parameters()
                .iter()
                .map(|p| (p.name.clone(), p.value.clone().unwrap_or(Value::Null)))
                .collect()
        })
        .unwrap_or_default()
}

impl MigrationPlan {
    /// Sets an input and says where its value came from.
    fn set(&mut self, input: &str, value: Value, source: String) {
        self.inputs.insert(input.to_owned(), value);
        self.provenance.insert(input.to_owned(), source);
    }
}

/// Maps each parameter but the credential onto the plan; the connection they give, if any (its
/// JSON, or one named by its qualified name).
fn map_parameters(
    plan: &mut MigrationPlan,
    contract: &InputContract,
    app_id: &str,
    parameters: &[(String, Value)],
) -> Option<Value> {
    let mut connection: Option<Value> = None;
    for (name, value) in parameters {
        match name.as_str() {
            "connection" => match parse_json(value) {
                Ok(parsed @ Value::Object(_)) => {
                    connection = Some(parsed);
                    plan.provenance.insert(
                        "connection".into(),
                        "legacy parameter `connection` (the Connection's JSON, parsed)".into(),
                    );
                }
                Ok(_) => plan
                    .problems
                    .push("legacy parameter `connection` is not a JSON object".into()),
                Err(error) => plan.problems.push(format!(
                    "legacy parameter `connection` is not JSON: {error}"
                )),
            },
            "connection-qualified-name" | "connection_qualified_name" => {
                let Some(qualified_name) = value.as_str().filter(|qn| !qn.is_empty()) else {
                    plan.problems
                        .push(format!("legacy parameter `{name}` is empty"));
                    continue;
                };
                if contract.field("connection_qualified_name").is_some() {
                    plan.set(
                        "connection_qualified_name",
                        json!(qualified_name),
                        format!("legacy parameter `{name}`"),
                    );
                }
                if connection.is_none() && contract.field("connection").is_some() {
                    connection = Some(json!({"typeName": "Connection",
                        "attributes": {"qualifiedName": qualified_name}}));
                    plan.provenance.insert(
                        "connection".into(),
                        format!("legacy parameter `{name}`: the existing connection, by its qualified name"),
                    );
                }
            }
            "credential-guid" => {}
            _ => carry(plan, contract, app_id, name, value),
        }
    }
    connection
}

/// Maps the credential, by its GUID only: the legacy parameter's, else the connection's default.
fn map_credential(
    plan: &mut MigrationPlan,
    contract: &InputContract,
    app_id: &str,
    parameters: &[(String, Value)],
    connection: Option<&Value>,
) {
    let legacy_guid = parameters
        .iter()
        .find(|(name, _)| name == "credential-guid")
        .and_then(|(_, value)| value.as_str());
    let default_guid = connection
        .and_then(|c| c.pointer("/attributes/defaultCredentialGuid"))
        .and_then(Value::as_str)
        .filter(|guid| is_guid(guid));
    if contract.field("credential_guid").is_none() {
        if legacy_guid.is_some() {
            plan.unmapped.push(Unmapped {
                parameter: "credential-guid".into(),
                reason: format!("`{app_id}` takes no `credential_guid`"),
            });
        }
        return;
    }
    match (legacy_guid.filter(|guid| is_guid(guid)), default_guid) {
        (Some(guid), _) => plan.set(
            "credential_guid",
            json!(guid),
            "legacy parameter `credential-guid` (the same stored credential)".into(),
        ),
        (None, Some(guid)) => plan.set(
            "credential_guid",
            json!(guid),
            "the connection's `defaultCredentialGuid` (the same stored credential)".into(),
        ),
        (None, None) => {
            if let Some(held) = legacy_guid {
                plan.problems.push(format!(
                    "legacy parameter `credential-guid` holds `{held}`, not a credential's GUID (the credential was in the legacy request's payload): give the GUID of the stored credential"
                ));
            }
        }
    }
}

/// Completes a plan: the contract's defaults for what is required and missing, a check of the
/// inputs against the contract as apply checks them, and the status.
fn finish(plan: &mut MigrationPlan, contract: &InputContract, app_id: &str) {
    // What the contract requires and the workflow lacks.
    let required: Vec<String> = contract.required.clone().unwrap_or_default();
    for field in required {
        if plan
            .inputs
            .get(&field)
            .is_some_and(|value| !value.is_null())
        {
            continue;
        }
        match contract.default_of(&field).filter(|value| !value.is_null()) {
            Some(default) if field != "credential_guid" => {
                plan.inputs.insert(field.clone(), default.clone());
                plan.provenance
                    .insert(field, "the contract's default".into());
            }
            _ => plan.missing.push(field),
        }
    }
    if plan.missing.is_empty() && plan.problems.is_empty() {
        // What apply will send must satisfy the contract as apply checks it: a `connection`
        // that is JSON but not a Connection was planned ready, then refused by apply.
        let inputs = AppInputs::from_map(plan.inputs.clone());
        if let Err(error) = atlan_workflows::check_inputs(app_id, contract, &inputs) {
            plan.problems.push(error.to_string());
        }
    }
    plan.status = if plan.missing.is_empty() && plan.problems.is_empty() {
        MigrationStatus::Ready
    } else {
        MigrationStatus::NeedsInput
    };
}

/// A problem for each parameter the DAG gives more than once with different values: which one
/// the legacy workflow ran with is not for a migration to guess.
fn repeated_parameters(parameters: &[(String, Value)]) -> Vec<String> {
    let mut values: BTreeMap<&str, Vec<&Value>> = BTreeMap::new();
    for (name, value) in parameters {
        let seen = values.entry(name).or_default();
        if !seen.contains(&value) {
            seen.push(value);
        }
    }
    values
        .into_iter()
        .filter(|(_, values)| values.len() > 1)
        .map(|(name, values)| {
            format!(
                "legacy parameter `{name}` is given {} different values: which one runs is not guessed",
                values.len()
            )
        })
        .collect()
}

/// Carries one parameter to the input of its name (or its rename), typed by the contract.
fn carry(
    plan: &mut MigrationPlan,
    contract: &InputContract,
    app_id: &str,
    name: &str,
    value: &Value,
) {
    let (input, source) = match RENAMES
        .iter()
        .find(|(app, legacy, _, _)| *app == app_id && *legacy == name)
    {
        Some((_, _, input, source)) => (
            (*input).to_owned(),
            format!("legacy parameter `{name}` (renamed: {source})"),
        ),
        None => (name.replace('-', "_"), format!("legacy parameter `{name}`")),
    };
    let Some(schema) = contract.field(&input) else {
        plan.unmapped.push(Unmapped {
            parameter: name.to_owned(),
            reason: format!("`{app_id}` declares no input `{input}`"),
        });
        return;
    };
    let renamed = VALUE_RENAMES.iter().find(|(app, field, legacy, _, _)| {
        *app == app_id && *field == input && value.as_str() == Some(*legacy)
    });
    let (value, source) = match renamed {
        Some((_, _, legacy, new, why)) => (
            Value::String((*new).to_owned()),
            format!("{source} (`{legacy}` is `{new}` for the app: {why})"),
        ),
        None => (value.clone(), source),
    };
    match typed(&value, schema) {
        Ok(value) => plan.set(&input, value, source),
        Err(why) => plan.problems.push(format!(
            "legacy parameter `{name}` for input `{input}`: {why}"
        )),
    }
}

/// `value` (a legacy string, usually) as `schema` types it.
fn typed(value: &Value, schema: &Value) -> Result<Value, String> {
    let types = declared_types(schema);
    let converted = match value {
        Value::String(text) if !types.is_empty() && !types.contains(&"string") => {
            let mut found = None;
            for kind in &types {
                if let Some(value) = from_text(text, kind) {
                    found = Some(value);
                    break;
                }
            }
            found.ok_or_else(|| format!("`{text}` is not {}", types.join(" or ")))?
        }
        // A boolean or number where the contract takes a string (pyatlan's boolean widgets over
        // string fields send "true"/"false").
        Value::Bool(_) | Value::Number(_) if types.contains(&"string") => {
            Value::String(value.to_string())
        }
        other => other.clone(),
    };
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !allowed.contains(&converted)
    {
        let allowed: Vec<String> = allowed.iter().map(Value::to_string).collect();
        return Err(format!("{converted} is not one of {}", allowed.join(", ")));
    }
    Ok(converted)
}

/// The JSON types a schema declares (`type`, or each `anyOf` branch's).
fn declared_types(schema: &Value) -> Vec<&str> {
    if let Some(kind) = schema.get("type").and_then(Value::as_str) {
        return vec![kind];
    }
    schema
        .get("anyOf")
        .and_then(Value::as_array)
        .map(|branches| {
            branches
                .iter()
                .filter_map(|branch| branch.get("type").and_then(Value::as_str))
                .collect()
        })
        .unwrap_or_default()
}

/// A legacy string as a value of JSON type `kind`, if it reads as one.
fn from_text(text: &str, kind: &str) -> Option<Value> {
    match kind {
        "boolean" => match text.trim() {
            "true" | "True" | "TRUE" => Some(Value::Bool(true)),
            "false" | "False" | "FALSE" => Some(Value::Bool(false)),
            _ => None,
        },
        "number" => text
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(|number| serde_json::Number::from_f64(number).map(Value::Number))
            .map(integral),
        "integer" => text.trim().parse::<i64>().ok().map(Value::from),
        "object" => serde_json::from_str::<Value>(text)
            .ok()
            .filter(Value::is_object),
        "array" => serde_json::from_str::<Value>(text)
            .ok()
            .filter(Value::is_array),
        "null" => (text.is_empty()).then_some(Value::Null),
        _ => None,
    }
}

/// A whole number as an integer (`30`, not `30.0`).
fn integral(value: Value) -> Value {
    match value.as_f64() {
        #[allow(clippy::cast_possible_truncation)]
        Some(number) if number.fract() == 0.0 && number.abs() < 9.0e15 => {
            Value::from(number as i64)
        }
        _ => value,
    }
}

fn parse_json(value: &Value) -> Result<Value, String> {
    match value {
        Value::String(text) => serde_json::from_str(text).map_err(|error| error.to_string()),
        other => Ok(other.clone()),
    }
}

#[cfg(test)]
mod tests;
