//! The tenant's workflows as documents (pure): an app workflow's stored inputs, schedules and
//! suspension; each credential GUID written as `${credential.NAME}` where the name is unique; the
//! YAML text with its keys sorted, and a stable file name, so that the same tenant exports the
//! same bytes.

use std::collections::BTreeMap;

use atlan_workflows::model::{AppSummary, SUSPENDED_SCHEDULES_INPUT, SuspendedSchedules};
use serde_json::Value;

use super::credentials::{self, CredentialNames};
use super::document::{AppSpec, Document, LegacySpec, ScheduleSpec};
use crate::view::Api;

/// An app workflow's spec as the tenant has it (credentials as GUIDs), with its name and slug;
/// `None` for one with no name or app.
pub fn app_state(summary: &AppSummary) -> Option<(String, String, AppSpec)> {
    let name = summary.name.clone().filter(|name| !name.is_empty())?;
    let slug = summary.slug.clone()?;
    let app = summary.app()?.to_owned();
    let mut inputs: BTreeMap<String, Value> = summary
        .stored_inputs()
        .map(|inputs| inputs.as_map().clone().into_iter().collect())
        .unwrap_or_default();
    let record = inputs
        .remove(SUSPENDED_SCHEDULES_INPUT)
        .filter(|value| !value.is_null())
        .and_then(|value| SuspendedSchedules::parse(&value).ok());
    let live = summary.schedules.iter().flatten().filter_map(|entry| {
        Some(ScheduleSpec {
            cron: entry.cron.clone()?,
            timezone: entry.timezone.clone().unwrap_or_else(|| "UTC".to_owned()),
        })
    });
    let (mut schedules, suspended): (Vec<ScheduleSpec>, bool) = match record {
        Some(record) => (
            record
                .schedules
                .into_iter()
                .map(|schedule| ScheduleSpec {
                    cron: schedule.cron,
                    timezone: schedule.timezone,
                })
                .chain(live)
                .collect(),
            true,
        ),
        None => (live.collect(), false),
    };
    schedules.sort();
    schedules.dedup();
    let spec = AppSpec {
        app,
        entrypoint: summary.entrypoint().map(str::to_owned),
        inputs,
        schedules,
        suspended,
        expectations: None,
        policy: None,
    };
    Some((name, slug, spec))
}

/// The document an export writes of an app workflow: its state, credentials by name.
pub fn app_document(name: &str, mut spec: AppSpec, names: &CredentialNames) -> Document {
    for value in spec.inputs.values_mut() {
        credentials::name(value, names);
    }
    Document::app(name, spec)
}

/// The document an export writes of a legacy workflow: its state, credentials by name.
pub fn legacy_document(name: &str, mut spec: LegacySpec, names: &CredentialNames) -> Document {
    for value in spec.parameters.values_mut() {
        credentials::name(value, names);
    }
    Document::legacy(name, spec)
}

/// A document as YAML, its keys sorted.
///
/// # Errors
/// When it cannot be written as YAML (it always can: it came from JSON values).
pub fn to_yaml(document: &Document) -> Result<String, serde_norway::Error> {
    // Through a JSON value, whose maps are sorted.
    let value = serde_json::to_value(document)
        .map_err(<serde_norway::Error as serde::ser::Error>::custom)?;
    serde_norway::to_string(&value)
}

/// The file a document is written to: its API and its name (`apps-prod-snowflake.yaml`), with
/// `slug` added for a name the tenant holds more than once.
pub fn file_name(api: Api, name: &str, slug: Option<&str>) -> String {
    let name = crate::file_name::file_name(name);
    match slug {
        Some(slug) => format!(
            "{}-{name}-{}.yaml",
            api.as_str(),
            crate::file_name::file_name(slug)
        ),
        None => format!("{}-{name}.yaml", api.as_str()),
    }
}

#[cfg(test)]
mod tests {
    use atlan_workflows::model::decode_value;
    use serde_json::json;

    use super::*;
    use crate::as_code::load::{self, Variables};

    fn summary(extra_inputs: Value, schedules: Value) -> AppSummary {
        let mut args =
            json!({"credential_guid": "g-1", "connection": {"attributes": {"name": "sf"}}});
        if let (Some(args), Value::Object(extra)) = (args.as_object_mut(), extra_inputs) {
            args.extend(extra);
        }
        decode_value(json!({
            "slug": "prod-snowflake-0c4f9a1e", "name": "prod-snowflake", "app_id": "snowflake-crawler",
            "schedules": schedules,
            "dag": {"extract": {"inputs": {"app_id": "snowflake-crawler", "entrypoint": "crawler", "args": args}}}
        }))
        .unwrap()
    }

    #[test]
    fn an_export_reads_back_as_the_same_spec_with_credentials_by_name() {
        let tenant = summary(
            json!({}),
            json!([{"trigger_id": "t", "cron": "0 2 * * *", "timezone": "Europe/Paris"}]),
        );
        let (name, slug, state) = app_state(&tenant).unwrap();
        assert_eq!(
            (name.as_str(), slug.as_str()),
            ("prod-snowflake", "prod-snowflake-0c4f9a1e")
        );
        let names = CredentialNames::new([("g-1", "sf-prod")]);
        let document = app_document(&name, state.clone(), &names);
        let text = to_yaml(&document).unwrap();
        assert!(
            text.starts_with("apiVersion: atlanctl/v1\nkind: AppWorkflow\n"),
            "{text}"
        );
        assert!(
            text.contains("credential_guid: ${credential.sf-prod}"),
            "{text}"
        );
        assert_eq!(to_yaml(&document).unwrap(), text, "the same bytes");
        let Document::AppWorkflow { mut spec, .. } =
            load::parse("f.yaml", &text, &Variables::default()).unwrap()
        else {
            panic!()
        };
        for value in spec.inputs.values_mut() {
            assert!(credentials::resolve("spec.inputs", value, &names).is_empty());
        }
        assert_eq!(crate::as_code::diff::app_changes(&spec, &state), []);
    }

    #[test]
    fn a_suspended_workflow_exports_its_kept_schedules() {
        let record = json!({"schedules": [{"cron": "0 3 * * *", "timezone": "UTC"}], "suspended_at": "2026-12-01T00:00:00Z"});
        let tenant = summary(json!({SUSPENDED_SCHEDULES_INPUT: record}), json!([]));
        let (_, _, state) = app_state(&tenant).unwrap();
        assert!(state.suspended);
        assert_eq!(
            state.schedules,
            [ScheduleSpec {
                cron: "0 3 * * *".into(),
                timezone: "UTC".into()
            }]
        );
        assert!(!state.inputs.contains_key(SUSPENDED_SCHEDULES_INPUT));
        assert_eq!(
            file_name(Api::Apps, "prod/snow flake", None),
            "apps-prod_snow_flake.yaml"
        );
    }
}
