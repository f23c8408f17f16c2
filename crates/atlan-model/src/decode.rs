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
#[derive(Debug)]
pub struct DecodeError {
    path: String,
    source: serde_json::Error,
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
        Self { path, source }
    }

    /// The JSON path of the failure, such as `hits.hits[0]._id`; empty for the top level.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The line of the failure in the text (1-based), or 0 when decoding a value.
    pub fn line(&self) -> usize {
        self.source.line()
    }

    /// The column of the failure in the text (1-based), or 0 when decoding a value.
    pub fn column(&self) -> usize {
        self.source.column()
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> DecodeErrorKind {
        match self.source.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Io => {
                DecodeErrorKind::Syntax
            }
            serde_json::error::Category::Eof => DecodeErrorKind::Eof,
            serde_json::error::Category::Data => DecodeErrorKind::Data,
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "invalid JSON document: {}", self.source)
        } else {
            write!(f, "invalid JSON at `{}`: {}", self.path, self.source)
        }
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

impl From<serde_path_to_error::Error<serde_json::Error>> for DecodeError {
    fn from(error: serde_path_to_error::Error<serde_json::Error>) -> Self {
        let path = error.path().to_string();
        let path = if path == "." { String::new() } else { path };
        Self::new(path, error.into_inner())
    }
}
