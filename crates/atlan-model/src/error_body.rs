//! The body of an error answer from Atlan, in every shape its services use.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::wire::wire_object;

wire_object! {
    /// The body of an error answer.
    ///
    /// Atlan's services disagree on names: the code is `errorCode` or `code` (a string such as
    /// `ATLAN-JAVA-404-000` or a number), the text `errorMessage`, `message` or `error`, the
    /// documentation link `doc`, `errorDocUrl` or `errorDocumentation`. Every field is kept as sent;
    /// the accessors ([`code`](Self::code), [`message`](Self::message), …) pick the first non-empty
    /// one, as pyatlan does.
    ///
    /// ```
    /// use atlan_model::{decode, ApiErrorBody};
    ///
    /// let body: ApiErrorBody = decode(br#"{"errorCode":"ATLAN-JAVA-404-000",
    ///     "errorMessage":"Workflow not found","errorId":"e-42"}"#)?;
    /// assert_eq!(body.code().map(|c| c.to_string()).as_deref(), Some("ATLAN-JAVA-404-000"));
    /// assert_eq!(body.to_string(), "ATLAN-JAVA-404-000: Workflow not found (error id e-42)");
    /// # Ok::<(), atlan_model::DecodeError>(())
    /// ```
    pub struct ApiErrorBody {
        /// Code, as `errorCode`.
        opt "errorCode" error_code: ErrorCode,
        /// Code, as `code`.
        opt "code" code: ErrorCode,
        /// Text, as `errorMessage`.
        opt "errorMessage" error_message: String,
        /// Text, as `message`.
        opt "message" message: String,
        /// Text, as `error`.
        opt "error" error: String,
        /// Underlying causes.
        opt "causes" causes: Vec<ErrorCause>,
        /// The server's id for this error, to quote to Atlan support.
        opt "errorId" error_id: String,
        /// The server's id for the request.
        opt "requestId" request_id: String,
        /// Documentation link, as `doc`.
        opt "doc" doc: String,
    }
}

/// How much of a non-JSON error body [`ApiErrorBody::from_bytes`] keeps as the message.
const MAX_TEXT_BODY: usize = 1024;

impl ApiErrorBody {
    /// Reads an error body, whatever it is: a JSON object is decoded; anything else (an HTML page from
    /// a proxy, plain text, invalid JSON) becomes a body whose message is the text, cut to 1 KiB.
    /// Never fails.
    pub fn from_bytes(bytes: &[u8]) -> Self {
        if let Ok(body) = serde_json::from_slice::<Self>(bytes) {
            return body;
        }
        let text = String::from_utf8_lossy(bytes);
        let text = text.trim();
        let mut end = text.len().min(MAX_TEXT_BODY);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let cut = text.get(..end).unwrap_or_default();
        Self {
            message: (!cut.is_empty()).then(|| cut.to_owned()),
            ..Self::default()
        }
    }

    /// The code: `errorCode`, else `code`.
    pub fn code(&self) -> Option<&ErrorCode> {
        self.error_code
            .as_ref()
            .filter(|code| !code.is_empty())
            .or_else(|| self.code.as_ref().filter(|code| !code.is_empty()))
    }

    /// The text: `errorMessage`, else `message`, else `error`.
    pub fn message(&self) -> Option<&str> {
        [&self.error_message, &self.message, &self.error]
            .into_iter()
            .filter_map(|text| text.as_deref())
            .find(|text| !text.is_empty())
    }

    /// The causes (empty when there are none).
    pub fn causes(&self) -> &[ErrorCause] {
        self.causes.as_deref().unwrap_or_default()
    }

    /// The documentation link: `doc`, else `errorDocUrl`, else `errorDocumentation`.
    pub fn doc(&self) -> Option<&str> {
        self.doc
            .as_deref()
            .filter(|doc| !doc.is_empty())
            .or_else(|| {
                ["errorDocUrl", "errorDocumentation"]
                    .into_iter()
                    .filter_map(|key| self.other.get(key)?.as_str())
                    .find(|doc| !doc.is_empty())
            })
    }
}

/// `CODE: message (error id ID)`, with whichever parts are present; causes follow after `; `.
impl fmt::Display for ApiErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.code(), self.message()) {
            (Some(code), Some(message)) => write!(f, "{code}: {message}")?,
            (Some(code), None) => write!(f, "{code}")?,
            (None, Some(message)) => f.write_str(message)?,
            (None, None) => f.write_str("no error details")?,
        }
        if let Some(id) = self.error_id.as_deref().filter(|id| !id.is_empty()) {
            write!(f, " (error id {id})")?;
        }
        for cause in self.causes() {
            write!(f, "; {cause}")?;
        }
        Ok(())
    }
}

/// An error code: a string such as `ATLAN-JAVA-404-000`, or a number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum ErrorCode {
    /// A numeric code.
    Number(i64),
    /// A textual code.
    Text(String),
}

impl ErrorCode {
    fn is_empty(&self) -> bool {
        matches!(self, Self::Text(text) if text.is_empty())
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Number(number) => write!(f, "{number}"),
            Self::Text(text) => f.write_str(text),
        }
    }
}

wire_object! {
    /// One cause of an error.
    pub struct ErrorCause {
        /// Kind of cause, such as an exception class.
        opt "errorType" error_type: String,
        /// What went wrong.
        opt "errorMessage" error_message: String,
        /// Where, such as a field or a source location.
        opt "location" location: String,
    }
}

/// `type: message (at location)`, with whichever parts are present.
impl fmt::Display for ErrorCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.error_type.as_deref(), self.error_message.as_deref()) {
            (Some(kind), Some(message)) => write!(f, "{kind}: {message}")?,
            (Some(text), None) | (None, Some(text)) => f.write_str(text)?,
            (None, None) => f.write_str("unspecified cause")?,
        }
        if let Some(location) = self.location.as_deref() {
            write!(f, " (at {location})")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_json_bodies_become_a_message() {
        let body = ApiErrorBody::from_bytes(b"<html>502 Bad Gateway</html>\n");
        assert_eq!(body.message(), Some("<html>502 Bad Gateway</html>"));
        assert_eq!(body.code(), None);
        assert_eq!(ApiErrorBody::from_bytes(b"").message(), None);
        assert_eq!(ApiErrorBody::from_bytes(b"[1,2]").message(), Some("[1,2]"));
    }

    #[test]
    fn long_text_bodies_are_cut_on_a_character_boundary() {
        let text = "é".repeat(MAX_TEXT_BODY);
        let body = ApiErrorBody::from_bytes(text.as_bytes());
        let message = body.message().unwrap_or_default();
        assert_eq!(message.len(), MAX_TEXT_BODY);
        assert!(message.chars().all(|c| c == 'é'));
    }

    #[test]
    fn empty_fields_fall_through_to_the_next_name() {
        let body: ApiErrorBody = serde_json::from_str(
            r#"{"errorCode":"","code":1004,"errorMessage":"","message":"","error":"bad filter"}"#,
        )
        .unwrap_or_default();
        assert_eq!(body.code(), Some(&ErrorCode::Number(1004)));
        assert_eq!(body.message(), Some("bad filter"));
        assert_eq!(body.to_string(), "1004: bad filter");
    }

    #[test]
    fn doc_falls_back_to_the_other_names() {
        let body: ApiErrorBody =
            serde_json::from_str(r#"{"errorDocUrl":"https://docs/x"}"#).unwrap_or_default();
        assert_eq!(body.doc(), Some("https://docs/x"));
    }

    #[test]
    fn display_lists_causes() {
        let body: ApiErrorBody = serde_json::from_str(
            r#"{"message":"invalid","causes":[{"errorType":"ValidationError","errorMessage":"name is required","location":"metadata.name"}]}"#,
        )
        .unwrap_or_default();
        assert_eq!(
            body.to_string(),
            "invalid; ValidationError: name is required (at metadata.name)"
        );
    }
}
