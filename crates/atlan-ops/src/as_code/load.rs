//! Reading workflow files: the YAML parsed into a [`Document`] (bounded in size and depth), each
//! `${var.NAME}` and `${env.NAME}` substituted, and what can be checked without a tenant checked
//! (the `apiVersion`, a name, cron expressions and time zones, no secret in the file). Every
//! problem names its file, the line where there is one, and the field.

use std::collections::BTreeMap;
use std::fmt;

use atlan_workflows::model::{check_cron, check_timezone};
use serde_json::Value;

use super::credentials::walk_texts;
use super::document::{API_VERSION, Document, ScheduleSpec};

/// The largest workflow file read.
pub const MAX_FILE_BYTES: usize = 1024 * 1024;
/// The deepest nesting of a file's values.
pub const MAX_DEPTH: usize = 32;
/// Input and parameter names whose values are secrets: they belong in the tenant's credential
/// vault, never in a file, and a plan never shows them.
const SECRET_KEYS: &[&str] = &[
    "password",
    "extra",
    "secret",
    "client_secret",
    "private_key",
    "credential",
];

/// What is wrong with a workflow file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file.
    pub file: String,
    /// The line (1-based), where one can be told.
    pub line: Option<usize>,
    /// The field, such as `spec.schedules[0].cron`.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl Problem {
    /// A problem of `file` at `field`.
    pub fn at(file: &str, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            line: None,
            field: Some(field.into()),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": {field}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// The values `${var.NAME}` and `${env.NAME}` take.
#[derive(Debug, Clone, Default)]
pub struct Variables {
    /// `--var NAME=VALUE` and `--var-file`.
    pub vars: BTreeMap<String, String>,
    /// The environment.
    pub env: BTreeMap<String, String>,
}

/// Reads one workflow file's text.
///
/// # Errors
/// Every problem found, each naming `file`.
pub fn parse(file: &str, text: &str, variables: &Variables) -> Result<Document, Vec<Problem>> {
    let whole = |message: String| {
        vec![Problem {
            file: file.to_owned(),
            line: None,
            field: None,
            message,
        }]
    };
    if text.len() > MAX_FILE_BYTES {
        return Err(whole(format!(
            "is {} bytes: a workflow file is at most {MAX_FILE_BYTES}",
            text.len()
        )));
    }
    if depth_of_text(text) > MAX_DEPTH {
        return Err(whole(format!("nests deeper than {MAX_DEPTH} levels")));
    }
    let mut document: Document = serde_norway::from_str(text).map_err(|error| {
        vec![Problem {
            file: file.to_owned(),
            line: error.location().map(|location| location.line()),
            field: None,
            message: error.to_string(),
        }]
    })?;
    let mut problems = Vec::new();
    if document.api_version() != API_VERSION {
        problems.push(Problem::at(
            file,
            "apiVersion",
            format!(
                "is `{}`: this version reads `{API_VERSION}`",
                document.api_version()
            ),
        ));
    }
    substitute(&mut document, variables, file, &mut problems);
    check(&document, file, &mut problems);
    for problem in &mut problems {
        problem.line = problem
            .line
            .or_else(|| line_of(text, problem.field.as_deref()));
    }
    if problems.is_empty() {
        Ok(document)
    } else {
        Err(problems)
    }
}

/// An upper bound of the nesting of YAML text, by indentation and brackets, counted before it is
/// parsed, so that a hostile file is refused without building it.
fn depth_of_text(text: &str) -> usize {
    let (mut open, mut deepest) = (0_usize, 0_usize);
    for line in text.lines() {
        let indent = (line.len() - line.trim_start_matches([' ', '-']).len()) / 2;
        deepest = deepest.max(open + indent);
        for byte in line.bytes() {
            match byte {
                b'[' | b'{' => {
                    open += 1;
                    deepest = deepest.max(open + indent);
                }
                b']' | b'}' => open = open.saturating_sub(1),
                _ => {}
            }
        }
    }
    deepest
}

/// Substitutes the variables of every text in `document`.
fn substitute(
    document: &mut Document,
    variables: &Variables,
    file: &str,
    problems: &mut Vec<Problem>,
) {
    let mut text = |field: &str, value: &mut String| match expand(value, variables) {
        Ok(expanded) => *value = expanded,
        Err(message) => problems.push(Problem::at(file, field, message)),
    };
    match document {
        Document::AppWorkflow { metadata, spec, .. } => {
            text("metadata.name", &mut metadata.name);
            text("spec.app", &mut spec.app);
            if let Some(entrypoint) = &mut spec.entrypoint {
                text("spec.entrypoint", entrypoint);
            }
            for (index, schedule) in spec.schedules.iter_mut().enumerate() {
                schedule_texts(&format!("spec.schedules[{index}]"), schedule, &mut text);
            }
            for (name, value) in &mut spec.inputs {
                walk_texts(&format!("spec.inputs.{name}"), value, &mut text);
            }
        }
        Document::LegacyWorkflow { metadata, spec, .. } => {
            text("metadata.name", &mut metadata.name);
            text("spec.package", &mut spec.package);
            if let Some(schedule) = &mut spec.schedule {
                schedule_texts("spec.schedule", schedule, &mut text);
            }
            for (name, value) in &mut spec.parameters {
                walk_texts(&format!("spec.parameters.{name}"), value, &mut text);
            }
        }
    }
}

fn schedule_texts(
    field: &str,
    schedule: &mut ScheduleSpec,
    text: &mut impl FnMut(&str, &mut String),
) {
    text(&format!("{field}.cron"), &mut schedule.cron);
    text(&format!("{field}.timezone"), &mut schedule.timezone);
}

/// `text` with each `${var.NAME}` and `${env.NAME}` replaced, left to right (a value is not
/// read again). `${credential.NAME}` is left for the plan, which resolves it against the tenant;
/// its NAME may itself come from a variable (`${credential.${var.credential}}`).
///
/// # Errors
/// The first variable with no value, a `${` that is not closed, or one that is not a reference.
pub fn expand(text: &str, variables: &Variables) -> Result<String, String> {
    let mut out = text.to_owned();
    let mut from = 0;
    loop {
        let next = ["${var.", "${env."]
            .into_iter()
            .filter_map(|prefix| Some((from + out.get(from..)?.find(prefix)?, prefix)))
            .min();
        let Some((start, prefix)) = next else {
            break;
        };
        let Some(end) = out.get(start..).and_then(|rest| rest.find('}')) else {
            return Err(format!("`{}` has a `${{` that is not closed", clip(text)));
        };
        let end = start + end;
        let name = out
            .get(start + prefix.len()..end)
            .unwrap_or_default()
            .to_owned();
        let value = if prefix == "${var." {
            variables.vars.get(&name).ok_or_else(|| {
                format!("${{var.{name}}} has no value: give --var {name}=VALUE or a --var-file")
            })?
        } else {
            variables
                .env
                .get(&name)
                .ok_or_else(|| format!("${{env.{name}}} has no value: the variable is not set"))?
        };
        out.replace_range(start..=end, value);
        from = start + value.len();
    }
    // What is left of `${` must be credential references.
    let mut rest = out.as_str();
    while let Some(start) = rest.find("${") {
        let after = rest.get(start + 2..).unwrap_or_default();
        let Some(end) = after.find('}') else {
            return Err(format!("`{}` has a `${{` that is not closed", clip(text)));
        };
        let reference = after.get(..end).unwrap_or_default();
        let name = reference.strip_prefix("credential.").unwrap_or_default();
        if name.is_empty() || name.contains("${") {
            return Err(format!(
                "`${{{}}}` is not a reference: ${{var.NAME}}, ${{env.NAME}} or ${{credential.NAME}}",
                clip(reference)
            ));
        }
        rest = after.get(end + 1..).unwrap_or_default();
    }
    Ok(out)
}

/// At most 60 characters of `text`, for a message.
fn clip(text: &str) -> String {
    text.chars().take(60).collect()
}

/// What can be checked without a tenant.
fn check(document: &Document, file: &str, problems: &mut Vec<Problem>) {
    if document.name().trim().is_empty() {
        problems.push(Problem::at(file, "metadata.name", "is empty"));
    }
    if document.package().trim().is_empty() {
        let field = match document.api() {
            crate::Api::Apps => "spec.app",
            crate::Api::Legacy => "spec.package",
        };
        problems.push(Problem::at(file, field, "is empty"));
    }
    let (schedules, settings, prefix): (Vec<(String, &ScheduleSpec)>, _, _) = match document {
        Document::AppWorkflow { spec, .. } => (
            spec.schedules
                .iter()
                .enumerate()
                .map(|(index, schedule)| (format!("spec.schedules[{index}]"), schedule))
                .collect(),
            &spec.inputs,
            "spec.inputs",
        ),
        Document::LegacyWorkflow { spec, .. } => (
            spec.schedule
                .iter()
                .map(|schedule| ("spec.schedule".to_owned(), schedule))
                .collect(),
            &spec.parameters,
            "spec.parameters",
        ),
    };
    for (field, schedule) in schedules {
        if let Err(error) = check_cron(&schedule.cron) {
            problems.push(Problem::at(
                file,
                format!("{field}.cron"),
                error.to_string(),
            ));
        }
        if let Err(error) = check_timezone(&schedule.timezone) {
            problems.push(Problem::at(
                file,
                format!("{field}.timezone"),
                error.to_string(),
            ));
        }
    }
    for (name, value) in settings {
        secrets(&format!("{prefix}.{name}"), name, value, file, problems);
    }
    let (expectations, schedules) = match document {
        Document::AppWorkflow { spec, .. } => (&spec.expectations, spec.schedules.iter().collect()),
        Document::LegacyWorkflow { spec, .. } => {
            (&spec.expectations, spec.schedule.iter().collect::<Vec<_>>())
        }
    };
    if let Some(expectations) = expectations {
        expected(expectations, &schedules, file, problems);
    }
    let policy = match document {
        Document::AppWorkflow { spec, .. } => &spec.policy,
        Document::LegacyWorkflow { spec, .. } => &spec.policy,
    };
    if let Some(Err(problem)) = policy.as_ref().map(super::document::PolicySpec::read) {
        problems.push(Problem::at(file, "spec.policy", problem));
    }
}

/// An instant the expectations are checked against the schedules from (a Monday; a week of due
/// times is looked at): fixed, so that a file's problems do not depend on when it is read.
const CHECKED_FROM: &str = "2026-01-05T00:00:00Z";

/// What is wrong with `spec.expectations`: a text that does not read, or an expectation a
/// schedule can never meet.
fn expected(
    expectations: &super::document::ExpectationsSpec,
    schedules: &[&ScheduleSpec],
    file: &str,
    problems: &mut Vec<Problem>,
) {
    let read = match expectations.read() {
        Ok(read) => read,
        Err(error) => {
            problems.push(Problem::at(file, "spec.expectations", error.to_string()));
            return;
        }
    };
    let from: jiff::Timestamp = CHECKED_FROM.parse().unwrap_or_default();
    for schedule in schedules {
        let Ok(cron) =
            atlan_workflows::model::CronSchedule::parse(&schedule.cron, &schedule.timezone)
        else {
            continue;
        };
        for problem in crate::expectations::problems(&read, &cron, from) {
            problems.push(Problem::at(file, "spec.expectations", problem));
        }
    }
}

/// Whether a field of this name holds a secret.
pub(crate) fn is_secret(name: &str) -> bool {
    SECRET_KEYS.contains(&name.to_ascii_lowercase().as_str())
}

/// A problem for each secret in `value` (named `name`), never repeating it.
fn secrets(field: &str, name: &str, value: &Value, file: &str, problems: &mut Vec<Problem>) {
    let empty = match value {
        Value::Null => true,
        Value::String(text) => text.is_empty(),
        Value::Object(fields) => fields.is_empty(),
        _ => false,
    };
    if !empty && is_secret(name) {
        problems.push(Problem::at(
            file,
            field,
            "holds a secret: keep it in the tenant's credentials and refer to one with ${credential.NAME}",
        ));
        return;
    }
    match value {
        Value::Object(fields) => {
            for (inner, item) in fields {
                secrets(&format!("{field}.{inner}"), inner, item, file, problems);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                secrets(&format!("{field}[{index}]"), name, item, file, problems);
            }
        }
        _ => {}
    }
}

/// The line of `field` in `text`: each part of its path found as a key on a line after the
/// line of the part before it.
fn line_of(text: &str, field: Option<&str>) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let mut at = 0;
    for part in field?.split('.') {
        let key = part.split('[').next()?;
        let found = lines.iter().skip(at).position(|line| {
            let line = line.trim_start().trim_start_matches("- ");
            line.starts_with(&format!("{key}:")) || line.starts_with(&format!("\"{key}\":"))
        })?;
        at += found;
    }
    Some(at + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "apiVersion: atlanctl/v1
kind: AppWorkflow
metadata:
  name: ${var.env}-snowflake
spec:
  app: snowflake-crawler
  inputs:
    credential_guid: ${credential.snowflake-prod}
    connection:
      attributes:
        name: ${env.CONNECTION}
  schedules:
    - cron: 0 2 * * *
      timezone: Europe/Paris
";

    fn variables() -> Variables {
        Variables {
            vars: BTreeMap::from([("env".into(), "prod".into())]),
            env: BTreeMap::from([("CONNECTION".into(), "sf-prod".into())]),
        }
    }

    #[test]
    fn variables_are_substituted_and_credentials_left_for_the_plan() {
        let document = parse("prod.yaml", GOOD, &variables()).unwrap();
        assert_eq!(document.name(), "prod-snowflake");
        let Document::AppWorkflow { spec, .. } = document else {
            panic!()
        };
        assert_eq!(
            spec.inputs["credential_guid"],
            "${credential.snowflake-prod}"
        );
        assert_eq!(spec.inputs["connection"]["attributes"]["name"], "sf-prod");
    }

    #[test]
    fn each_problem_names_the_file_the_line_and_the_field() {
        let problems = parse("p.yaml", GOOD, &Variables::default()).unwrap_err();
        let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert!(shown.contains(&"p.yaml:4: metadata.name: ${var.env} has no value: give --var env=VALUE or a --var-file".to_owned()), "{shown:#?}");
        assert!(
            shown.iter().any(|problem| problem.starts_with(
                "p.yaml:11: spec.inputs.connection.attributes.name: ${env.CONNECTION}"
            )),
            "{shown:#?}"
        );

        let bad = GOOD
            .replace("0 2 * * *", "0 25 * * *")
            .replace("Europe/Paris", "Mars/Olympus")
            .replace(
                "credential_guid: ${credential.snowflake-prod}",
                "password: hunter2",
            );
        let problems = parse("p.yaml", &bad, &variables()).unwrap_err();
        let fields: Vec<(Option<usize>, Option<&str>)> = problems
            .iter()
            .map(|problem| (problem.line, problem.field.as_deref()))
            .collect();
        assert_eq!(
            fields,
            [
                (Some(13), Some("spec.schedules[0].cron")),
                (Some(14), Some("spec.schedules[0].timezone")),
                (Some(8), Some("spec.inputs.password")),
            ]
        );
        assert!(
            problems
                .iter()
                .all(|problem| !problem.to_string().contains("hunter2"))
        );
    }

    #[test]
    fn expectations_that_do_not_read_or_can_never_be_met_are_problems() {
        let with = |expectations: &str| {
            GOOD.replace(
                "      timezone: Europe/Paris\n",
                &format!("      timezone: Europe/Paris\n  expectations: {expectations}\n"),
            )
        };
        let fine = with("{freshness: 26h, deadline: 06:00 Europe/Paris, max_duration: 3x p95}");
        assert!(parse("e.yaml", &fine, &variables()).is_ok());
        let unreadable =
            parse("e.yaml", &with("{max_duration: forever}"), &variables()).unwrap_err();
        assert_eq!(unreadable[0].field.as_deref(), Some("spec.expectations"));
        assert_eq!(unreadable[0].line, Some(15));
        let never = parse(
            "e.yaml",
            &with("{deadline: 01:00 Europe/Paris, freshness: 6h}"),
            &variables(),
        )
        .unwrap_err();
        let messages: Vec<&str> = never
            .iter()
            .map(|problem| problem.message.as_str())
            .collect();
        assert!(messages[0].contains("can never be met"), "{messages:?}");
        assert!(messages[1].starts_with("freshness 6h"), "{messages:?}");
    }

    #[test]
    fn a_policy_with_an_unknown_cause_is_a_problem() {
        let bad = GOOD.replace(
            "      timezone: Europe/Paris\n",
            "      timezone: Europe/Paris\n  policy: {retry: {causes: [gremlins], max: 1}}\n",
        );
        let problems = parse("p.yaml", &bad, &variables()).unwrap_err();
        assert_eq!(problems[0].field.as_deref(), Some("spec.policy"));
        assert!(
            problems[0].message.contains("`gremlins` is not a cause"),
            "{problems:?}"
        );
    }

    #[test]
    fn bad_files_are_refused_before_they_are_built() {
        let problems = parse("y.yaml", "kind: [", &variables()).unwrap_err();
        assert_eq!(problems[0].line, Some(1), "{problems:?}");
        let version = GOOD.replace("atlanctl/v1", "atlanctl/v9");
        let problems = parse("v.yaml", &version, &variables()).unwrap_err();
        assert_eq!(problems[0].field.as_deref(), Some("apiVersion"));
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let problems = parse("d.yaml", &deep, &variables()).unwrap_err();
        assert!(
            problems[0].message.contains("deeper than 32"),
            "{problems:?}"
        );
        let big = "#".repeat(MAX_FILE_BYTES + 1);
        let problems = parse("b.yaml", &big, &variables()).unwrap_err();
        assert!(problems[0].message.contains("at most"), "{problems:?}");
    }

    #[test]
    fn a_reference_that_is_not_one_is_a_problem() {
        assert_eq!(
            expand(
                "a${var.x}b",
                &Variables {
                    vars: BTreeMap::from([("x".into(), "1".into())]),
                    env: BTreeMap::new(),
                }
            )
            .unwrap(),
            "a1b"
        );
        assert!(
            expand("${var.x", &Variables::default())
                .unwrap_err()
                .contains("not closed")
        );
        assert!(
            expand("${foo}", &Variables::default())
                .unwrap_err()
                .contains("not a reference")
        );
        let named = |value: &str| Variables {
            vars: BTreeMap::from([("credential".into(), value.into())]),
            env: BTreeMap::new(),
        };
        let nested = "${credential.${var.credential}}";
        assert_eq!(
            expand(nested, &named("sf-prod")).unwrap(),
            "${credential.sf-prod}"
        );
        let again = expand(nested, &named("sf-${var.x}")).unwrap_err();
        assert!(
            again.contains("is not a reference"),
            "a value is not read again: {again}"
        );
    }
}
