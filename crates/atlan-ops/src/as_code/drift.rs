//! Drift (pure): each workflow whose tenant state differs from its file, as a `doctor` finding
//! with the command that shows the difference.

use super::diff::Action;
use super::plan::Planned;
use crate::doctor::{Finding, Severity};

/// A `drift` finding (a warning) for each workflow of `planned` that is not as its file says:
/// missing from the tenant, different (naming the fields), or in a prune's selector with no
/// file; `path` is what `plan -f` is given to see it.
pub fn findings(planned: &[Planned], path: &str) -> Vec<Finding> {
    planned
        .iter()
        .filter(|one| one.action != Action::Unchanged)
        .map(|one| {
            let file = one.file.as_deref().unwrap_or(path);
            let detail = match one.action {
                Action::Create => format!("in {file} but not on the tenant"),
                Action::Delete => format!("on the tenant but in no file of {path}"),
                _ => {
                    let mut fields: Vec<&str> = one
                        .changes
                        .iter()
                        .map(|change| change.path.as_str())
                        .collect();
                    fields.dedup();
                    format!("differs from {file}: {}", fields.join(", "))
                }
            };
            Finding {
                check: "drift",
                severity: Severity::Warning,
                workflow: Some(one.workflow.clone()),
                api: Some(one.api),
                run: None,
                detail,
                next: Some(format!("atlanctl plan -f {path}")),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::as_code::diff::Change;
    use crate::view::Api;

    fn planned(workflow: &str, action: Action, paths: &[&str]) -> Planned {
        Planned {
            workflow: workflow.into(),
            api: Api::Apps,
            action,
            changes: paths
                .iter()
                .map(|path| Change {
                    path: (*path).into(),
                    from: None,
                    to: Some(json!(1)),
                })
                .collect(),
            problems: Vec::new(),
            file: Some(format!("wf/{workflow}.yaml")),
            slug: None,
            desired: None,
            legacy: None,
        }
    }

    #[test]
    fn each_workflow_not_as_its_file_is_a_warning_naming_what_differs() {
        let found = findings(
            &[
                planned("same", Action::Unchanged, &[]),
                planned(
                    "changed",
                    Action::Update,
                    &["inputs.a", "schedules", "schedules"],
                ),
                planned("new", Action::Create, &["app"]),
            ],
            "wf",
        );
        let shown: Vec<(&str, &str)> = found
            .iter()
            .map(|finding| {
                (
                    finding.workflow.as_deref().unwrap(),
                    finding.detail.as_str(),
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                (
                    "changed",
                    "differs from wf/changed.yaml: inputs.a, schedules"
                ),
                ("new", "in wf/new.yaml but not on the tenant"),
            ]
        );
        assert!(
            found
                .iter()
                .all(|finding| finding.severity == Severity::Warning)
        );
        assert_eq!(found[0].next.as_deref(), Some("atlanctl plan -f wf"));
    }
}
