//! What a request body may be: at most [`MAX_BODY_BYTES`], JSON nested at most
//! [`MAX_BODY_DEPTH`] deep, an object. One limit for every route, so that whatever a write
//! stores, its state-file line replays and every read can answer it.
//!
//! Why 64: serde_json (the sandbox's replay, the SDK's decode) refuses documents nested 128 deep.
//! A stored body is wrapped a few levels deeper than it came: in its state-file line (a batch
//! array, the event, the record: 3 levels) and in the answers that return it (`{"workflows":
//! [{"dag": {"extract": {"inputs": {"args": …}}}}]}`: 6 levels; an `indexsearch` hit: 4). A
//! request limit of 64 keeps every such wrapping far below 128, and real bodies (Argo templates,
//! app inputs) nest fewer than 20 levels.

use bytes::Bytes;
use serde_json::Value;

use crate::error::{ApiError, ApiResult};

/// The largest request body read (axum's default, made explicit): a larger one is a 413.
pub(crate) const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// The deepest a request body's arrays and objects may nest (the top-level object is depth 1).
pub(crate) const MAX_BODY_DEPTH: usize = 64;

/// Reads a JSON body, which must be an object (as every body of the API is) nested at most
/// [`MAX_BODY_DEPTH`] deep: anything else is a 400 and changes nothing.
pub(crate) fn json_object(body: &Bytes) -> ApiResult<Value> {
    check_depth(body)?;
    let value: Value =
        serde_json::from_slice(body).map_err(|error| ApiError::malformed_json(&error))?;
    if !value.is_object() {
        return Err(not_an_object());
    }
    Ok(value)
}

/// Checks that `body` nests at most [`MAX_BODY_DEPTH`] deep (before anything parses it), and
/// starts like an object.
///
/// # Errors
/// A 400 naming the limit.
pub(crate) fn check_depth(body: &[u8]) -> ApiResult<()> {
    match depth(body, MAX_BODY_DEPTH) {
        Some(depth) if depth > MAX_BODY_DEPTH => {
            let message = format!(
                "request body nests {depth} levels deep or more; at most {MAX_BODY_DEPTH} are accepted"
            );
            Err(ApiError::bad_request(message.clone()).cause(
                "x_content_parse_exception",
                message,
                "body",
            ))
        }
        _ => Ok(()),
    }
}

/// The 400 for a body that is JSON but not an object.
pub(crate) fn not_an_object() -> ApiError {
    ApiError::bad_request("request body must be a JSON object").cause(
        "x_content_parse_exception",
        "request body must be a JSON object",
        "body",
    )
}

/// How deep the arrays and objects of JSON text nest, counted without parsing (strings and their
/// escapes are skipped, so a `[` inside a string does not count). Stops counting at one past
/// `limit`: `Some(limit + 1)` means "too deep". `None` for text that closes more than it opens
/// (the parser will refuse it).
pub(crate) fn depth(text: &[u8], limit: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &byte in text {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
                if deepest > limit {
                    return Some(deepest);
                }
            }
            b']' | b'}' => depth = depth.checked_sub(1)?,
            _ => {}
        }
    }
    Some(deepest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(levels: usize) -> String {
        // `{"a":` … `[` alternating, with brackets inside strings that must not count.
        let mut text = String::new();
        for level in 0..levels {
            if level % 2 == 0 {
                text.push_str(r#"{"k[{\"":"#);
            } else {
                text.push('[');
            }
        }
        text.push_str(r#""]}\\""#);
        for level in (0..levels).rev() {
            text.push(if level % 2 == 0 { '}' } else { ']' });
        }
        text
    }

    #[test]
    fn depth_counts_brackets_outside_strings_only() {
        for levels in [1, 2, 5, 63, 64] {
            let text = nested(levels);
            assert_eq!(
                depth(text.as_bytes(), MAX_BODY_DEPTH),
                Some(levels),
                "{text}"
            );
            assert!(serde_json::from_str::<Value>(&text).is_ok(), "{text}");
            assert!(check_depth(text.as_bytes()).is_ok());
        }
        assert_eq!(depth(nested(65).as_bytes(), MAX_BODY_DEPTH), Some(65));
        assert!(check_depth(nested(65).as_bytes()).is_err());
        assert_eq!(
            depth(nested(10_000).as_bytes(), MAX_BODY_DEPTH),
            Some(65),
            "stops early"
        );
        assert_eq!(depth(b"[\"a\"]]", MAX_BODY_DEPTH), None);
        assert_eq!(depth(b"\"[[[[\"", MAX_BODY_DEPTH), Some(0));
    }

    #[test]
    fn deep_bodies_are_refused_before_parsing() {
        let error = json_object(&Bytes::from(nested(65))).unwrap_err();
        assert_eq!(error.status, http::StatusCode::BAD_REQUEST);
        assert!(error.message.contains("at most 64"), "{}", error.message);
        assert!(json_object(&Bytes::from(nested(64))).is_ok());
        assert!(json_object(&Bytes::from_static(b"[1]")).is_err());
    }
}
