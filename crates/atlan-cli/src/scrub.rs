//! Keeps the API key out of everything the CLI prints: a server that echoes the key back (in an
//! error message or a document) must not make the CLI show it on a terminal, in a CI log or in a
//! file it writes to stdout.
//!
//! The key is remembered once, at start; every line of results, every note and every error goes
//! through [`text`] or [`bytes`], which replace it with `[REDACTED]`. Keys shorter than
//! [`MIN_SCRUBBED`] characters are not scrubbed (replacing every `abc` of the output would mangle
//! it, and such a key is no secret anyway).

use std::borrow::Cow;
use std::sync::OnceLock;

use secrecy::{ExposeSecret, SecretString};

/// What replaces the key.
const REDACTED: &str = "[REDACTED]";

/// The shortest key that is scrubbed.
pub(crate) const MIN_SCRUBBED: usize = 8;

static KEY: OnceLock<SecretString> = OnceLock::new();

/// Remembers the key to scrub (the first call wins).
pub(crate) fn remember(key: &SecretString) {
    if key.expose_secret().len() >= MIN_SCRUBBED {
        let _ = KEY.set(key.clone());
    }
}

/// `text` without the key.
pub(crate) fn text(text: &str) -> Cow<'_, str> {
    match KEY.get().map(ExposeSecret::expose_secret) {
        Some(key) if text.contains(key) => Cow::Owned(text.replace(key, REDACTED)),
        _ => Cow::Borrowed(text),
    }
}

/// `bytes` without the key.
pub(crate) fn bytes(bytes: &[u8]) -> Cow<'_, [u8]> {
    let Some(key) = KEY.get().map(|key| key.expose_secret().as_bytes()) else {
        return Cow::Borrowed(bytes);
    };
    if !bytes.windows(key.len()).any(|window| window == key) {
        return Cow::Borrowed(bytes);
    }
    let mut scrubbed = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while !rest.is_empty() {
        if rest.starts_with(key) {
            scrubbed.extend_from_slice(REDACTED.as_bytes());
            rest = rest.get(key.len()..).unwrap_or_default();
        } else if let Some((first, tail)) = rest.split_first() {
            scrubbed.push(*first);
            rest = tail;
        }
    }
    Cow::Owned(scrubbed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_replaced_wherever_it_appears() {
        remember(&SecretString::from("sentinel-key-1234"));
        assert_eq!(
            text("401: key sentinel-key-1234 is invalid (sentinel-key-1234)"),
            "401: key [REDACTED] is invalid ([REDACTED])"
        );
        assert_eq!(text("nothing here"), "nothing here");
        assert_eq!(
            bytes(b"{\"k\":\"sentinel-key-1234\"}").as_ref(),
            b"{\"k\":\"[REDACTED]\"}"
        );
    }
}
