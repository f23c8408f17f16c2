//! Decoding with errors that name the JSON path of the failure.

use std::fmt;

use serde::de::DeserializeOwned;
use serde_json::Value;

/// Decodes a JSON document into `T`; on failure the error names the path of the offending field
/// (such as `hits.hits[0]._source.status.nodes`).
///
/// ```
/// use atlan_model::{decode, WorkflowSearchResponse};
///
/// let err = decode::<WorkflowSearchResponse>(br#"{"hits":{"hits":[{"_id":7}]}}"#).unwrap_err();
/// assert_eq!(err.path(), "hits.hits[0]._id");
/// ```
///
/// # Errors
/// [`DecodeError`] when the bytes are not JSON, are cut short, or do not fit `T`.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    // The fast path: most answers fit. Tracking the path costs about a fifth of the decode, so
    // it is only paid again, on the same bytes, to name the path of a failure.
    if let Ok(value) = serde_json::from_slice(bytes) {
        return Ok(value);
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(DecodeError::from)?;
    deserializer
        .end()
        .map_err(|source| DecodeError::new(String::new(), source))?;
    Ok(value)
}

/// Decodes an already parsed JSON value into `T`, naming the path of a failure.
///
/// # Errors
/// [`DecodeError`] when the value does not fit `T` (a [`DecodeErrorKind::Data`] error: there is no
/// line or column).
pub fn decode_value<T: DeserializeOwned>(value: Value) -> Result<T, DecodeError> {
    serde_path_to_error::deserialize(value).map_err(DecodeError::from)
}

/// A document that could not be decoded: where (the JSON path, and line and column for text) and why.
///
/// Its message never repeats a value of the document: where serde would quote the offending value
/// (`invalid type: string "…"`, ``integer `5` ``, ``unknown variant `…` ``), only its type is named,
/// since the value may be a secret (a password typed into `port`, a credential sent as a string).
/// `Debug` shows the same and [`std::error::Error::source`] is `None`, so no chain of causes
/// repeats the value either.
#[derive(Debug)]
pub struct DecodeError {
    path: String,
    message: String,
    line: usize,
    column: usize,
    kind: DecodeErrorKind,
}

/// What kind of decode failure this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// Not valid JSON.
    Syntax,
    /// The document ended too early (a truncated body).
    Eof,
    /// Valid JSON that does not fit the type: a missing field, a wrong type, a bad value.
    Data,
}

impl DecodeError {
    fn new(path: String, source: serde_json::Error) -> Self {
        let kind = match source.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Io => {
                DecodeErrorKind::Syntax
            }
            serde_json::error::Category::Eof => DecodeErrorKind::Eof,
            serde_json::error::Category::Data => DecodeErrorKind::Data,
        };
        Self {
            path,
            message: withhold_values(&source.to_string()),
            line: source.line(),
            column: source.column(),
            kind,
        }
    }

    /// The JSON path of the failure, such as `hits.hits[0]._id`; empty for the top level.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The line of the failure in the text (1-based), or 0 when decoding a value.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The column of the failure in the text (1-based), or 0 when decoding a value.
    pub fn column(&self) -> usize {
        self.column
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> DecodeErrorKind {
        self.kind
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "invalid JSON document: {}", self.message)
        } else {
            write!(f, "invalid JSON at `{}`: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for DecodeError {}

impl From<serde_path_to_error::Error<serde_json::Error>> for DecodeError {
    fn from(error: serde_path_to_error::Error<serde_json::Error>) -> Self {
        let path = error.path().to_string();
        let path = if path == "." { String::new() } else { path };
        Self::new(path, error.into_inner())
    }
}

/// The kinds of value serde quotes between backticks after naming them (`Unexpected`'s display).
const BACKTICKED: [&str; 4] = ["integer `", "floating point `", "boolean `", "character `"];

/// serde's message with every quoted value taken out, its type kept: `invalid type: string "x",
/// expected u16` becomes `invalid type: string, expected u16`. Field names (``missing field `x` ``)
/// are kept: they come from the type, not the document.
pub(crate) fn withhold_values(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    loop {
        // The earliest quoted value left: a Debug-quoted string, a backticked scalar, or an
        // unknown enum variant.
        let string = rest.find("string \"").map(|at| (at, Quoted::String));
        let scalar = BACKTICKED
            .iter()
            .filter_map(|prefix| {
                rest.find(prefix)
                    .map(|at| (at, Quoted::Scalar(prefix.len())))
            })
            .min_by_key(|(at, _)| *at);
        let variant = rest
            .find("unknown variant `")
            .map(|at| (at, Quoted::Variant));
        let Some((at, quoted)) = [string, scalar, variant]
            .into_iter()
            .flatten()
            .min_by_key(|(at, _)| *at)
        else {
            out.push_str(rest);
            return out;
        };
        let (before, from) = rest.split_at(at);
        out.push_str(before);
        rest = match quoted {
            Quoted::String => {
                out.push_str("string");
                skip_debug_string(from.get("string ".len()..).unwrap_or_default())
            }
            Quoted::Scalar(prefix) => {
                let name = from.get(..prefix - 2).unwrap_or_default();
                out.push_str(name);
                let value = from.get(prefix..).unwrap_or_default();
                value
                    .find('`')
                    .map_or("", |end| value.get(end + 1..).unwrap_or_default())
            }
            Quoted::Variant => {
                out.push_str("unknown variant");
                let value = from.get("unknown variant `".len()..).unwrap_or_default();
                // The variant may hold a backtick: it ends where serde's own words start.
                ["`, expected", "`, there are no variants"]
                    .iter()
                    .find_map(|end| value.rfind(end))
                    .map_or("", |end| value.get(end + 1..).unwrap_or_default())
            }
        };
    }
}

#[derive(Clone, Copy)]
enum Quoted {
    String,
    Scalar(usize),
    Variant,
}

/// What follows a Debug-quoted string (`"a\"b"`) at the start of `text`.
fn skip_debug_string(text: &str) -> &str {
    let mut chars = text.char_indices();
    if !matches!(chars.next(), Some((_, '"'))) {
        return text;
    }
    while let Some((index, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '"' => return text.get(index + 1..).unwrap_or_default(),
            _ => {}
        }
    }
    ""
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_values_are_withheld_and_their_types_kept() {
        for (message, withheld) in [
            (
                r#"invalid type: string "hunter2", expected u16 at line 1 column 9"#,
                "invalid type: string, expected u16 at line 1 column 9",
            ),
            (
                r#"invalid type: string "{\"password\":\"s`e\\cret\"}", expected struct Credential"#,
                "invalid type: string, expected struct Credential",
            ),
            (
                "invalid type: integer `5`, expected a string",
                "invalid type: integer, expected a string",
            ),
            (
                "invalid value: integer `70000`, expected u16",
                "invalid value: integer, expected u16",
            ),
            (
                "invalid type: floating point `1.5`, expected i64",
                "invalid type: floating point, expected i64",
            ),
            (
                "invalid type: boolean `true`, expected a string",
                "invalid type: boolean, expected a string",
            ),
            (
                "unknown variant `se`, cret`, expected `a` or `b`",
                "unknown variant, expected `a` or `b`",
            ),
            (
                "unknown variant `x`, expected one of `a`, `b`",
                "unknown variant, expected one of `a`, `b`",
            ),
            ("missing field `spec`", "missing field `spec`"),
            (
                "invalid type: null, expected a map",
                "invalid type: null, expected a map",
            ),
            (
                r#"invalid type: string "x", expected a map; invalid type: string "y", expected u8"#,
                "invalid type: string, expected a map; invalid type: string, expected u8",
            ),
            (r#"invalid type: string "cut"#, "invalid type: string"),
        ] {
            assert_eq!(withhold_values(message), withheld, "{message}");
        }
    }
}
