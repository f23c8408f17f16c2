//! What a plan would change: a workflow's desired spec against the tenant's, field by field
//! (pure). Inputs and parameters are compared value by value down to their leaves, schedules as a
//! set, the entrypoint only when the file names one; a secret-named field never shows its value.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use super::document::{AppSpec, LegacySpec, ScheduleSpec};

/// What a plan does to a workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The tenant has no workflow of that name: create it.
    Create,
    /// The tenant's differs: change it.
    Update,
    /// In the selector of a prune, with no file: delete it.
    Delete,
    /// Nothing to do.
    Unchanged,
}

impl Action {
    /// The word a plan prints.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Update => "update",
            Self::Delete => "delete",
            Self::Unchanged => "unchanged",
        }
    }
}

/// One field a plan changes: `from` the tenant's value `to` the file's (absent: none).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// The field, such as `inputs.connection.attributes.name` or `schedules`.
    pub path: String,
    /// The tenant's value.
    pub from: Option<Value>,
    /// The file's value.
    pub to: Option<Value>,
}

/// What shows in place of a secret's value.
const REDACTED: &str = "[redacted]";

/// The changes from the tenant's app workflow (`actual`) to the file's (`desired`, its
/// credentials resolved to GUIDs).
pub fn app_changes(desired: &AppSpec, actual: &AppSpec) -> Vec<Change> {
    let mut changes = Vec::new();
    if desired.app != actual.app {
        changes.push(change(
            "app",
            Some(text(&actual.app)),
            Some(text(&desired.app)),
        ));
    }
    if desired.entrypoint.is_some() && desired.entrypoint != actual.entrypoint {
        let shown = |entrypoint: &Option<String>| entrypoint.as_deref().map(text);
        changes.push(change(
            "entrypoint",
            shown(&actual.entrypoint),
            shown(&desired.entrypoint),
        ));
    }
    settings("inputs", &desired.inputs, &actual.inputs, &mut changes);
    schedules(&desired.schedules, &actual.schedules, &mut changes);
    suspended(desired.suspended, actual.suspended, &mut changes);
    changes
}

/// The change of `suspended`, if it changes.
fn suspended(desired: bool, actual: bool, changes: &mut Vec<Change>) {
    if desired != actual {
        changes.push(change(
            "suspended",
            Some(Value::Bool(actual)),
            Some(Value::Bool(desired)),
        ));
    }
}

/// The changes from the tenant's legacy workflow to the file's.
pub fn legacy_changes(desired: &LegacySpec, actual: &LegacySpec) -> Vec<Change> {
    let mut changes = Vec::new();
    if desired.package != actual.package {
        changes.push(change(
            "package",
            Some(text(&actual.package)),
            Some(text(&desired.package)),
        ));
    }
    settings(
        "parameters",
        &desired.parameters,
        &actual.parameters,
        &mut changes,
    );
    let before = changes.len();
    let listed = |schedule: &Option<ScheduleSpec>| schedule.iter().cloned().collect::<Vec<_>>();
    schedules(
        &listed(&desired.schedule),
        &listed(&actual.schedule),
        &mut changes,
    );
    for change in changes.iter_mut().skip(before) {
        "schedule".clone_into(&mut change.path);
    }
    suspended(desired.suspended, actual.suspended, &mut changes);
    changes
}

fn text(value: &str) -> Value {
    Value::String(value.to_owned())
}

fn change(path: impl Into<String>, from: Option<Value>, to: Option<Value>) -> Change {
    Change {
        path: path.into(),
        from,
        to,
    }
}

/// The schedules added (`to`) and removed (`from`), each as one change of `schedules`.
fn schedules(desired: &[ScheduleSpec], actual: &[ScheduleSpec], changes: &mut Vec<Change>) {
    let wanted: BTreeSet<&ScheduleSpec> = desired.iter().collect();
    let have: BTreeSet<&ScheduleSpec> = actual.iter().collect();
    let shown = |schedule: &ScheduleSpec| serde_json::to_value(schedule).unwrap_or(Value::Null);
    for removed in have.difference(&wanted) {
        changes.push(change("schedules", Some(shown(removed)), None));
    }
    for added in wanted.difference(&have) {
        changes.push(change("schedules", None, Some(shown(added))));
    }
}

/// Inputs or parameters: each field added, changed or removed, objects compared field by field.
fn settings(
    prefix: &str,
    desired: &BTreeMap<String, Value>,
    actual: &BTreeMap<String, Value>,
    changes: &mut Vec<Change>,
) {
    let names: BTreeSet<&String> = desired.keys().chain(actual.keys()).collect();
    for name in names {
        values(
            &format!("{prefix}.{name}"),
            name,
            desired.get(name),
            actual.get(name),
            changes,
        );
    }
}

fn values(
    path: &str,
    name: &str,
    desired: Option<&Value>,
    actual: Option<&Value>,
    changes: &mut Vec<Change>,
) {
    match (desired, actual) {
        (Some(Value::Object(wanted)), Some(Value::Object(have))) if !secret(name) => {
            let names: BTreeSet<&String> = wanted.keys().chain(have.keys()).collect();
            for inner in names {
                values(
                    &format!("{path}.{inner}"),
                    inner,
                    wanted.get(inner),
                    have.get(inner),
                    changes,
                );
            }
        }
        (wanted, have) if wanted != have => {
            let shown = |value: Option<&Value>| {
                value.map(|value| {
                    if secret(name) {
                        text(REDACTED)
                    } else {
                        value.clone()
                    }
                })
            };
            changes.push(change(path, shown(have), shown(wanted)));
        }
        _ => {}
    }
}

fn secret(name: &str) -> bool {
    super::load::is_secret(name)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn spec(inputs: Value, schedules: &[(&str, &str)]) -> AppSpec {
        AppSpec {
            app: "snowflake-crawler".into(),
            entrypoint: None,
            inputs: serde_json::from_value(inputs).unwrap(),
            schedules: schedules
                .iter()
                .map(|(cron, timezone)| ScheduleSpec {
                    cron: (*cron).into(),
                    timezone: (*timezone).into(),
                })
                .collect(),
            suspended: false,
            expectations: None,
            policy: None,
        }
    }

    #[test]
    fn the_same_spec_has_no_change() {
        let one = spec(json!({"a": 1, "c": {"d": [1, 2]}}), &[("0 2 * * *", "UTC")]);
        assert_eq!(app_changes(&one, &one.clone()), []);
    }

    #[test]
    fn inputs_change_leaf_by_leaf_and_schedules_as_a_set() {
        let actual = spec(
            json!({"kept": 1, "gone": true, "connection": {"attributes": {"name": "dev", "x": 1}}}),
            &[("0 2 * * *", "UTC"), ("0 3 * * *", "UTC")],
        );
        let mut desired = spec(
            json!({"kept": 1, "new": "n", "connection": {"attributes": {"name": "prod", "x": 1}}}),
            &[("0 3 * * *", "UTC"), ("0 4 * * *", "Europe/Paris")],
        );
        desired.entrypoint = Some("crawler".into());
        desired.suspended = true;
        let changes: Vec<(String, Option<Value>, Option<Value>)> = app_changes(&desired, &actual)
            .into_iter()
            .map(|change| (change.path, change.from, change.to))
            .collect();
        assert_eq!(
            changes,
            [
                ("entrypoint".into(), None, Some(json!("crawler"))),
                (
                    "inputs.connection.attributes.name".into(),
                    Some(json!("dev")),
                    Some(json!("prod"))
                ),
                ("inputs.gone".into(), Some(json!(true)), None),
                ("inputs.new".into(), None, Some(json!("n"))),
                (
                    "schedules".into(),
                    Some(json!({"cron": "0 2 * * *", "timezone": "UTC"})),
                    None
                ),
                (
                    "schedules".into(),
                    None,
                    Some(json!({"cron": "0 4 * * *", "timezone": "Europe/Paris"}))
                ),
                ("suspended".into(), Some(json!(false)), Some(json!(true))),
            ]
        );
    }

    #[test]
    fn an_entrypoint_the_file_leaves_out_is_not_a_change_and_secrets_are_not_shown() {
        let mut actual = spec(json!({"credential": {"password": "hunter2"}}), &[]);
        actual.entrypoint = Some("crawler".into());
        let desired = spec(json!({}), &[]);
        let changes = app_changes(&desired, &actual);
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert_eq!(changes[0].from, Some(json!("[redacted]")));
    }

    #[test]
    fn a_legacy_schedule_is_one_field() {
        let actual = LegacySpec {
            package: "atlan-snowflake".into(),
            schedule: Some(ScheduleSpec {
                cron: "0 2 * * *".into(),
                timezone: "UTC".into(),
            }),
            ..LegacySpec::default()
        };
        let desired = LegacySpec {
            schedule: None,
            ..actual.clone()
        };
        let changes = legacy_changes(&desired, &actual);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].path, "schedule");
        assert_eq!(changes[0].to, None);
    }
}
