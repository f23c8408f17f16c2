//! `--jq EXPR`: a jq filter (jaq's, with jq's standard library) run over each JSON document a
//! command prints; each output on a line of its own, a string as its text (as `jq -r` and
//! `gh --jq` print it), anything else as compact JSON. The filter is compiled once, before
//! anything is sent.

use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, Native, Vars, data, unwrap_valr};
use jaq_json::Val;

use crate::error::CliError;

/// The most outputs one document gives: a filter that would give more is cut there, and said.
const MAX_OUTPUTS: usize = 1_000_000;

/// A compiled `--jq` filter.
pub(crate) struct JqFilter {
    filter: jaq_core::compile::Filter<Native<data::JustLut<Val>>>,
    text: String,
}

impl std::fmt::Debug for JqFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("JqFilter").field(&self.text).finish()
    }
}

impl JqFilter {
    /// Compiles `text`.
    ///
    /// # Errors
    /// [`CliError::Usage`] naming what does not parse or compile.
    pub(crate) fn new(text: &str) -> Result<Self, CliError> {
        let refused = |what: &str, detail: String| {
            let detail: String = detail.chars().take(300).collect();
            CliError::Usage(format!("--jq `{text}`: {what}: {detail}"))
        };
        let defs = jaq_core::defs()
            .chain(jaq_std::defs())
            .chain(jaq_json::defs());
        let funs = jaq_core::funs()
            .chain(jaq_std::funs())
            .chain(jaq_json::funs());
        let loader = Loader::new(defs);
        let arena = Arena::default();
        let modules = loader
            .load(
                &arena,
                File {
                    code: text,
                    path: (),
                },
            )
            .map_err(|errors| {
                let found: Vec<String> = errors
                    .iter()
                    .map(|(_, error)| format!("{error:?}"))
                    .collect();
                refused("it does not parse", found.join("; "))
            })?;
        let filter = Compiler::default()
            .with_funs(funs)
            .compile(modules)
            .map_err(|errors| {
                let undefined: Vec<String> = errors
                    .iter()
                    .flat_map(|(_, undefined)| undefined.iter().map(|(name, _)| (*name).to_owned()))
                    .collect();
                refused("not defined", undefined.join(", "))
            })?;
        Ok(Self {
            filter,
            text: text.to_owned(),
        })
    }

    /// The filter's outputs for the JSON document `document`, one line each.
    ///
    /// # Errors
    /// [`CliError::Usage`] when the filter fails on it (such as `.[0]` of an object).
    pub(crate) fn lines(&self, document: &str) -> Result<Vec<String>, CliError> {
        let input = jaq_json::read::parse_single(document.as_bytes())
            .map_err(|error| CliError::Usage(format!("--jq: the output is not JSON: {error}")))?;
        let ctx = Ctx::<data::JustLut<Val>>::new(&self.filter.lut, Vars::new([]));
        let mut lines = Vec::new();
        for output in self
            .filter
            .id
            .run((ctx, input))
            .map(unwrap_valr)
            .take(MAX_OUTPUTS)
        {
            let value = output
                .map_err(|error| CliError::Usage(format!("--jq `{}`: {error}", self.text)))?;
            lines.push(match &value {
                Val::TStr(bytes) => String::from_utf8_lossy(bytes).into_owned(),
                _ => value.to_string(),
            });
        }
        Ok(lines)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn picks_strings_as_text_and_the_rest_as_json() {
        let filter =
            JqFilter::new(".metadata.name, .status, (.n | . + 1), [.tags[] | ascii_upcase]")
                .unwrap();
        let document = r#"{"metadata":{"name":"a \"b\""},"status":null,"n":1,"tags":["x","y"]}"#;
        assert_eq!(
            filter.lines(document).unwrap(),
            ["a \"b\"", "null", "2", r#"["X","Y"]"#]
        );
        assert_eq!(
            JqFilter::new("select(.n > 1)")
                .unwrap()
                .lines(document)
                .unwrap(),
            Vec::<String>::new()
        );
    }

    #[test]
    fn bad_filters_are_usage_errors_before_and_while_running() {
        for bad in [".[", "nosuchfunction(1)", ""] {
            let error = JqFilter::new(bad).map(|_| ()).unwrap_err();
            assert!(error.to_string().contains("--jq"), "{bad}: {error}");
        }
        let failing = JqFilter::new(".a + \"x\"").unwrap();
        let error = failing.lines(r#"{"a":1}"#).unwrap_err().to_string();
        assert!(error.contains("--jq `.a + \"x\"`"), "{error}");
    }
}
