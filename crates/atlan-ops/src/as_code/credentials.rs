//! Credentials in workflow files: never a secret, a reference. `${credential.NAME}` is resolved to
//! the GUID of the tenant's credential of that name when a plan reads the tenant (so that one file
//! serves every tenant that names its credentials alike); an export writes a credential's GUID as
//! `${credential.NAME}` when the tenant has exactly one credential of that name, else the GUID.

use std::collections::BTreeMap;

use serde_json::Value;

/// The tenant's credentials by GUID and by name.
#[derive(Debug, Clone, Default)]
pub struct CredentialNames {
    by_guid: BTreeMap<String, String>,
    by_name: BTreeMap<String, Vec<String>>,
}

impl CredentialNames {
    /// From each credential's GUID and name.
    pub fn new<'a>(credentials: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut names = Self::default();
        for (guid, name) in credentials {
            names.by_guid.insert(guid.to_owned(), name.to_owned());
            names
                .by_name
                .entry(name.to_owned())
                .or_default()
                .push(guid.to_owned());
        }
        names
    }

    /// The GUID a `${credential.NAME}` reference stands for.
    ///
    /// # Errors
    /// What is wrong: no credential of that name, or several (their GUIDs listed).
    pub fn guid(&self, name: &str) -> Result<&str, String> {
        match self.by_name.get(name).map(Vec::as_slice) {
            Some([one]) => Ok(one),
            Some(several) if !several.is_empty() => Err(format!(
                "the tenant has {} credentials named `{name}` ({}): refer to one by its GUID",
                several.len(),
                several.join(", ")
            )),
            _ => Err(format!("the tenant has no credential named `{name}`")),
        }
    }

    /// How an export writes `guid`: `${credential.NAME}` when its name is the tenant's only one.
    pub fn reference(&self, guid: &str) -> Option<String> {
        let name = self.by_guid.get(guid)?;
        (self.by_name.get(name).map(Vec::len) == Some(1)).then(|| format!("${{credential.{name}}}"))
    }
}

/// `value` with every `${credential.NAME}` (a whole text) replaced by its GUID; what could not be
/// resolved, with the field it is in.
pub fn resolve(field: &str, value: &mut Value, names: &CredentialNames) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    walk_texts(field, value, &mut |field, text| {
        if let Some(name) = text
            .strip_prefix("${credential.")
            .and_then(|rest| rest.strip_suffix('}'))
        {
            match names.guid(name) {
                Ok(guid) => *text = guid.to_owned(),
                Err(problem) => problems.push((field.to_owned(), problem)),
            }
        }
    });
    problems
}

/// `value` with every text that is a credential's GUID written as its reference (where it has
/// one).
pub fn name(value: &mut Value, names: &CredentialNames) {
    walk_texts("", value, &mut |_, text| {
        if let Some(reference) = names.reference(text) {
            *text = reference;
        }
    });
}

/// Calls `each` with every text in `value` and its field (`spec.inputs.a.b[0]`); `value` nests
/// at most [`super::load::MAX_DEPTH`] levels, which reading checked.
pub(crate) fn walk_texts(field: &str, value: &mut Value, each: &mut impl FnMut(&str, &mut String)) {
    match value {
        Value::String(text) => each(field, text),
        Value::Array(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                walk_texts(&format!("{field}[{index}]"), item, each);
            }
        }
        Value::Object(fields) => {
            for (inner, item) in fields.iter_mut() {
                walk_texts(&format!("{field}.{inner}"), item, each);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn names_and_guids_go_both_ways_when_the_name_is_unique() {
        let names =
            CredentialNames::new([("g-1", "sf-prod"), ("g-2", "shared"), ("g-3", "shared")]);
        let mut inputs = json!({"credential_guid": "g-1", "other": "g-2", "n": 3});
        name(&mut inputs, &names);
        assert_eq!(
            inputs,
            json!({"credential_guid": "${credential.sf-prod}", "other": "g-2", "n": 3})
        );
        assert!(resolve("spec.inputs", &mut inputs, &names).is_empty());
        assert_eq!(inputs["credential_guid"], "g-1");

        let mut unknown = json!({"a": "${credential.nope}", "b": ["${credential.shared}"]});
        let problems = resolve("spec.inputs", &mut unknown, &names);
        assert_eq!(problems.len(), 2);
        assert_eq!(problems[0].0, "spec.inputs.a");
        assert!(problems[0].1.contains("no credential named `nope`"));
        assert_eq!(problems[1].0, "spec.inputs.b[0]");
        assert!(problems[1].1.contains("g-2, g-3"));
    }
}
