//! Keeps secrets out of everything the CLI prints: a server that echoes the API key, or a
//! password, `extra` value or credential the CLI sent it (in an error message or a document),
//! must not make the CLI show it on a terminal, in a CI log or in a file it writes to stdout.
//!
//! The API key is remembered at start ([`remember`]), and each secret of a request as the command
//! reads it ([`remember_secret`], [`remember_credential`], [`remember_inputs`], ...). Each secret
//! is replaced, as it is and as JSON escapes it, with `[REDACTED]`:
//! - in every note, progress line and error ([`text`]);
//! - in the string values of every document and table cell ([`value`], [`text`]), not in the
//!   keys of documents: a password `password` must not turn `"password":` into `"[REDACTED]":`;
//! - the API key also in every line of stdout ([`line()`], [`bytes()`]), dry-run requests included.
//!
//! Secrets shorter than [`MIN_SCRUBBED`] characters are not scrubbed (replacing every `true` or
//! `abc` of the output would mangle it, and such a value is hardly a secret).

use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{OnceLock, RwLock};

use atlan_workflows::model::Credential;
use memchr::memmem;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

/// What replaces a secret.
const REDACTED: &str = "[REDACTED]";

/// The shortest secret that is scrubbed.
pub(crate) const MIN_SCRUBBED: usize = 8;

/// How deep [`remember_strings`] looks into a value (what it is given was parsed, so it is
/// bounded anyway).
const MAX_DEPTH: usize = 32;

/// The API key.
static KEY: OnceLock<SecretString> = OnceLock::new();

/// The secrets of requests to scrub (and the API key).
static SECRETS: OnceLock<RwLock<Vec<SecretString>>> = OnceLock::new();

fn secrets() -> &'static RwLock<Vec<SecretString>> {
    SECRETS.get_or_init(|| RwLock::new(Vec::new()))
}

/// Whether a secret of a request was remembered (documents are then scrubbed value by value).
static REQUEST_SECRETS: AtomicBool = AtomicBool::new(false);

/// Remembers the API key to scrub (the first call wins).
pub(crate) fn remember(key: &SecretString) {
    if key.expose_secret().chars().count() >= MIN_SCRUBBED {
        let _ = KEY.set(key.clone());
        push(key.expose_secret());
    }
}

/// Whether some secret of a request was remembered (documents are then scrubbed value by value).
pub(crate) fn has_secrets() -> bool {
    REQUEST_SECRETS.load(Ordering::Relaxed)
}

/// Remembers a secret of a request to scrub, and its JSON-escaped form when that differs.
pub(crate) fn remember_secret(secret: &str) {
    if secret.chars().count() >= MIN_SCRUBBED {
        push(secret);
        REQUEST_SECRETS.store(true, Ordering::Relaxed);
    }
}

fn push(secret: &str) {
    let escaped = serde_json::to_string(secret)
        .ok()
        .and_then(|quoted| Some(quoted.get(1..quoted.len().checked_sub(1)?)?.to_owned()))
        .filter(|escaped| escaped != secret);
    let Ok(mut secrets) = secrets().write() else {
        return;
    };
    for form in [Some(secret.to_owned()), escaped].into_iter().flatten() {
        if !secrets.iter().any(|known| known.expose_secret() == form) {
            secrets.push(SecretString::from(form));
        }
    }
}

/// Remembers a URL that carries secrets (a webhook's): whole, and its userinfo, its password (as
/// written and percent-decoded) and its path and query, each of which a log line may show alone.
pub(crate) fn remember_url(url: &str) {
    remember_secret(url);
    let Ok(uri) = url.parse::<http::Uri>() else {
        return;
    };
    if let Some((userinfo, _)) = atlan_workflows::transport::userinfo(&uri) {
        remember_secret(userinfo);
        if let Some((_, password)) = userinfo.split_once(':') {
            remember_secret(password);
            remember_secret(&percent_encoding::percent_decode_str(password).decode_utf8_lossy());
        }
    }
    if let Some(path) = uri.path_and_query().map(|path| path.as_str()) {
        remember_secret(path);
    }
}

/// Remembers every string inside `value` (keys of objects are not secrets).
pub(crate) fn remember_strings(value: &Value) {
    let mut stack = vec![(value, 0)];
    while let Some((value, depth)) = stack.pop() {
        match value {
            Value::String(text) => remember_secret(text),
            Value::Array(items) if depth < MAX_DEPTH => {
                stack.extend(items.iter().map(|item| (item, depth + 1)));
            }
            Value::Object(map) if depth < MAX_DEPTH => {
                stack.extend(map.values().map(|item| (item, depth + 1)));
            }
            _ => {}
        }
    }
}

/// Remembers a credential's secrets: its password and every `extra` value.
pub(crate) fn remember_credential(credential: &Credential) {
    if let Some(password) = &credential.password {
        remember_secret(password.expose_secret());
    }
    for value in credential.extra.iter().flat_map(|extra| extra.values()) {
        remember_strings(value.expose_secret());
    }
}

/// Remembers the secrets of a credential given as JSON: an object's `password` and `extra`
/// values; a string (a credential sent as JSON text) whole, and the secrets of what it holds.
pub(crate) fn remember_credential_json(credential: &Value) {
    match credential {
        Value::Object(fields) => {
            for key in ["password", "extra"] {
                if let Some(value) = fields.get(key) {
                    remember_strings(value);
                }
            }
        }
        Value::String(text) => {
            remember_secret(text);
            if let Ok(inner @ Value::Object(_)) = serde_json::from_str::<Value>(text) {
                remember_credential_json(&inner);
            }
        }
        _ => {}
    }
}

/// Remembers the secrets of app workflow inputs: a raw `credential` and the `agent_json`.
pub(crate) fn remember_inputs(inputs: &serde_json::Map<String, Value>) {
    if let Some(credential) = inputs.get("credential") {
        remember_credential_json(credential);
    }
    if let Some(agent) = inputs.get("agent_json") {
        remember_strings(agent);
    }
}

/// Remembers the secrets of a legacy workflow's body: the credentials of its `payload`.
pub(crate) fn remember_workflow(workflow: &Value) {
    for parameter in workflow
        .get("payload")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(body) = parameter.get("body") {
            remember_credential_json(body);
        }
    }
}

/// A line of stdout without the API key.
pub(crate) fn line(line: &str) -> Cow<'_, str> {
    match KEY.get().map(ExposeSecret::expose_secret) {
        Some(key) if line.contains(key) => Cow::Owned(line.replace(key, REDACTED)),
        _ => Cow::Borrowed(line),
    }
}

/// Lines of stdout (such as a page of JSON lines) without the API key: [`line()`] on each.
pub(crate) fn lines(lines: &[u8]) -> Cow<'_, [u8]> {
    match KEY.get().map(|key| key.expose_secret().as_bytes()) {
        Some(key) if memmem::find(lines, key).is_some() => Cow::Owned(replace(lines, key)),
        _ => Cow::Borrowed(lines),
    }
}

/// Scrubs every string value inside `value` (not the keys of its objects).
pub(crate) fn value(value: &mut Value) {
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Value::String(string) => {
                if let Cow::Owned(scrubbed) = text(string) {
                    *string = scrubbed;
                }
            }
            Value::Array(items) => stack.extend(items.iter_mut()),
            Value::Object(map) => stack.extend(map.values_mut()),
            _ => {}
        }
    }
}

/// `text` without any secret.
pub(crate) fn text(text: &str) -> Cow<'_, str> {
    let Ok(secrets) = secrets().read() else {
        return Cow::Borrowed(text);
    };
    let mut scrubbed = Cow::Borrowed(text);
    for secret in secrets.iter().map(ExposeSecret::expose_secret) {
        if scrubbed.contains(secret) {
            scrubbed = Cow::Owned(scrubbed.replace(secret, REDACTED));
        }
    }
    scrubbed
}

/// `bytes` without any secret.
pub(crate) fn bytes(bytes: &[u8]) -> Cow<'_, [u8]> {
    let Ok(secrets) = secrets().read() else {
        return Cow::Borrowed(bytes);
    };
    let mut scrubbed = Cow::Borrowed(bytes);
    for secret in secrets
        .iter()
        .map(|secret| secret.expose_secret().as_bytes())
    {
        if memmem::find(&scrubbed, secret).is_some() {
            scrubbed = Cow::Owned(replace(&scrubbed, secret));
        }
    }
    scrubbed
}

/// `bytes` with every `secret` in it replaced (from left to right, not overlapping).
fn replace(bytes: &[u8], secret: &[u8]) -> Vec<u8> {
    let mut scrubbed = Vec::with_capacity(bytes.len());
    let mut copied = 0;
    for found in memmem::find_iter(bytes, secret) {
        scrubbed.extend_from_slice(bytes.get(copied..found).unwrap_or_default());
        scrubbed.extend_from_slice(REDACTED.as_bytes());
        copied = found + secret.len();
    }
    scrubbed.extend_from_slice(bytes.get(copied..).unwrap_or_default());
    scrubbed
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_key_and_each_secret_are_replaced_wherever_they_appear() {
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
        assert_eq!(line("sentinel-key-1234 x"), "[REDACTED] x");
        // A page of lines at once: every occurrence, at the ends and side by side.
        assert_eq!(
            lines(b"{\"a\":\"sentinel-key-1234\"}\n{\"b\":\"xsentinel-key-1234sentinel-key-1234\"}\nsentinel-key-1234")
                .as_ref(),
            b"{\"a\":\"[REDACTED]\"}\n{\"b\":\"x[REDACTED][REDACTED]\"}\n[REDACTED]"
        );
        assert!(matches!(
            lines(b"{\"a\":\"sentinel-key-123\"}\n"),
            Cow::Borrowed(_)
        ));
        // A password with a quote: scrubbed as typed and as JSON writes it.
        remember_credential_json(&json!({"username": "svc", "password": "pa\"ss-sentinel",
            "extra": {"role": "role-sentinel", "short": "abc"}}));
        assert_eq!(
            text("bad password pa\"ss-sentinel"),
            "bad password [REDACTED]"
        );
        assert_eq!(
            text(
                r#"{"password":"pa\"ss-sentinel","role":"role-sentinel","short":"abc","username":"svc"}"#
            ),
            r#"{"password":"[REDACTED]","role":"[REDACTED]","short":"abc","username":"svc"}"#
        );
        // A credential sent as JSON text: whole, and what it holds.
        let as_text = json!({"password": "inner-sentinel-pw"}).to_string();
        remember_inputs(json!({"credential": as_text}).as_object().unwrap());
        assert_eq!(text("echo inner-sentinel-pw"), "echo [REDACTED]");
        assert_eq!(text(&format!("echo {as_text}")), "echo [REDACTED]");
        // In documents, values only: a secret that is also a key name leaves the key alone.
        remember_secret("password");
        let mut document = json!({"password": "password", "nested": ["is password"]});
        value(&mut document);
        assert_eq!(
            document,
            json!({"password": "[REDACTED]", "nested": ["is [REDACTED]"]})
        );
        assert_eq!(
            line(r#"{"password":"[REDACTED]"}"#),
            r#"{"password":"[REDACTED]"}"#
        );
        assert!(has_secrets());
    }
}
