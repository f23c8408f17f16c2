//! Reading what the user gives: option values (clap value parsers) and JSON files.
//!
//! Every parser answers a message that names what is wrong; clap prefixes it with the option.

use std::io::BufRead;
use std::path::Path;
use std::time::Duration;

use atlan_workflows::model::AppRunStatus;
use atlan_workflows::model::{Credential, decode};
use atlan_workflows::query::TimeBound;
use secrecy::SecretString;
use serde_json::{Map, Value};

use crate::error::CliError;

/// The shortest poll interval of `runs monitor` (the facade's floor).
const MIN_INTERVAL: Duration = Duration::from_millis(100);

/// An API key, kept secret from the moment it is read.
pub(crate) fn secret(text: &str) -> Result<SecretString, String> {
    if text.trim().is_empty() {
        return Err("the API key is empty".into());
    }
    Ok(SecretString::from(text.to_owned()))
}

/// `NAME=VALUE`: VALUE as JSON when it is JSON, else as a string.
pub(crate) fn setting(text: &str) -> Result<(String, Value), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` is not NAME=VALUE"))?;
    let name = name.trim();
    if name.is_empty() {
        return Err(format!("`{text}` has no parameter name"));
    }
    let value = serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.to_owned()));
    Ok((name.to_owned(), value))
}

/// A `--var NAME=VALUE`: the value is taken as it is (text).
pub(crate) fn variable(text: &str) -> Result<(String, String), String> {
    let Some((name, value)) = text.split_once('=') else {
        return Err(format!("`{text}` is not NAME=VALUE"));
    };
    let name = name.trim();
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err(format!(
            "`{name}` is not a variable name (letters, digits, `_`, `-`)"
        ));
    }
    Ok((name.to_owned(), value.to_owned()))
}

/// A run status, in any case: one of the nine the App workflows API reports (the five legacy
/// phases among them).
pub(crate) fn app_status(text: &str) -> Result<AppRunStatus, String> {
    use AppRunStatus::{
        Error, Failed, Paused, Pending, Running, Skipped, Stopped, Succeeded, Terminated,
    };
    let known = [
        Pending, Running, Succeeded, Failed, Error, Stopped, Paused, Terminated, Skipped,
    ];
    one_of(text, &known, AppRunStatus::as_str, "a run status")
}

/// The one of `known` whose name is `text` (trimmed, in any case), else an error listing them.
fn one_of<T: Clone>(
    text: &str,
    known: &[T],
    name: impl Fn(&T) -> &str,
    what: &str,
) -> Result<T, String> {
    let text = text.trim();
    known
        .iter()
        .find(|candidate| name(candidate).eq_ignore_ascii_case(text))
        .cloned()
        .ok_or_else(|| {
            let names: Vec<&str> = known.iter().map(&name).collect();
            format!("`{text}` is not {what} ({})", names.join(", "))
        })
}

/// A cron expression, checked as Argo reads it (values in range, steps above zero).
pub(crate) fn cron(text: &str) -> Result<String, String> {
    atlan_workflows::model::check_cron(text)
        .map(|()| text.trim().to_owned())
        .map_err(|error| error.to_string())
}

/// An IANA time zone name, checked against the database compiled into the CLI.
pub(crate) fn timezone(text: &str) -> Result<String, String> {
    atlan_workflows::model::check_timezone(text.trim())
        .map(|()| text.trim().to_owned())
        .map_err(|error| error.to_string())
}

/// A time bound: Elasticsearch date math (`now-6h`, `now/d`) or a date (RFC 3339), checked here so
/// that a typo is a usage error, not a server error.
pub(crate) fn date(text: &str) -> Result<TimeBound, String> {
    TimeBound::parse(text).map_err(|error| {
        format!(
            "`{}` is not a time such as now-6h or 2026-01-31T00:00:00Z: {error}",
            text.trim()
        )
    })
}

/// A `--workflow` value: a name, or a pattern (`*` any run of characters, `?` one).
pub(crate) fn glob(text: &str) -> Result<atlan_ops::Glob, String> {
    if text.trim().is_empty() {
        return Err("a workflow name or pattern must not be empty".into());
    }
    atlan_ops::Glob::new(text).ok_or_else(|| {
        format!(
            "a workflow pattern is at most {} characters",
            atlan_ops::glob::MAX_GLOB
        )
    })
}

/// An instant in RFC 3339, such as `2026-12-01T12:00:00Z`.
pub(crate) fn instant(text: &str) -> Result<jiff::Timestamp, String> {
    text.trim().parse().map_err(|error| {
        format!("`{text}` is not an RFC 3339 instant such as 2026-12-01T12:00:00Z: {error}")
    })
}

/// A duration such as `10s`, `1m 30s`, `2h` or `500ms` (or ISO 8601, `PT10S`).
pub(crate) fn duration(text: &str) -> Result<Duration, String> {
    let parsed: jiff::SignedDuration = text
        .trim()
        .parse()
        .map_err(|error| format!("`{text}` is not a duration such as 10s, 5m or 1h: {error}"))?;
    let duration = Duration::try_from(parsed).map_err(|_| format!("`{text}` is negative"))?;
    if duration < MIN_INTERVAL {
        return Err(format!("`{text}` is shorter than 100ms"));
    }
    Ok(duration)
}

/// A span of time such as `7d`, `48h` or `5m` (days of 24 hours), not negative.
pub(crate) fn lookback(text: &str) -> Result<jiff::SignedDuration, String> {
    let span: jiff::Span = text
        .trim()
        .parse()
        .map_err(|error| format!("`{text}` is not a duration such as 7d, 48h or 5m: {error}"))?;
    let duration = span
        .to_duration(jiff::SpanRelativeTo::days_are_24_hours())
        .map_err(|error| format!("`{text}` is not a duration such as 7d, 48h or 5m: {error}"))?;
    if duration.is_negative() {
        return Err(format!("`{text}` is negative"));
    }
    Ok(duration)
}

/// A `--notify` value, kept secret from the moment it is read: it is checked later by
/// [`webhook_url`], because clap's own error for a value it refuses would print the value.
pub(crate) fn webhook(text: &str) -> Result<SecretString, String> {
    if text.trim().is_empty() {
        return Err("a --notify URL is empty".into());
    }
    Ok(SecretString::from(text.trim().to_owned()))
}

/// A webhook URL: `http` or `https` with a host. The URL itself is never part of the message.
pub(crate) fn webhook_url(text: &str) -> Result<http::Uri, String> {
    let uri: http::Uri = text
        .parse()
        .map_err(|_| "a --notify URL is not a URL (it is not shown: it may carry a token)")?;
    if !matches!(uri.scheme_str(), Some("http" | "https")) || uri.host().is_none() {
        return Err(
            "a --notify URL must be http(s)://HOST/… (it is not shown: it may carry a token)"
                .into(),
        );
    }
    Ok(uri)
}

/// A credential filter: a JSON object of field values.
pub(crate) fn filter(text: &str) -> Result<Map<String, Value>, String> {
    match serde_json::from_str(text) {
        Ok(Value::Object(filter)) => Ok(filter),
        Ok(_) => {
            Err("the filter must be a JSON object, such as '{\"connector\":\"snowflake\"}'".into())
        }
        Err(error) => Err(format!("the filter is not JSON: {error}")),
    }
}

/// A JSON file, whole.
pub(crate) fn json_file(path: &Path) -> Result<Value, CliError> {
    let bytes = read(path)?;
    serde_json::from_slice(&bytes)
        .map_err(|error| CliError::Usage(format!("{} is not JSON: {error}", path.display())))
}

/// A credential file; with `password_stdin`, the password is the first line of stdin.
pub(crate) fn credential_file(path: &Path, password_stdin: bool) -> Result<Credential, CliError> {
    let bytes = read(path)?;
    let mut credential: Credential = decode(&bytes).map_err(|error| {
        CliError::Usage(format!("{} is not a credential: {error}", path.display()))
    })?;
    if password_stdin {
        credential.set_password(password_from(std::io::stdin().lock())?);
    }
    crate::scrub::remember_credential(&credential);
    Ok(credential)
}

/// The first line of `input`, without its line ending.
fn password_from(mut input: impl BufRead) -> Result<String, CliError> {
    let mut line = String::new();
    input.read_line(&mut line).map_err(|error| {
        CliError::Usage(format!("cannot read the password from stdin: {error}"))
    })?;
    let password = line.trim_end_matches(['\n', '\r']);
    if password.is_empty() {
        return Err(CliError::Usage(
            "--password-stdin: stdin holds no password".into(),
        ));
    }
    Ok(password.to_owned())
}

fn read(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path)
        .map_err(|error| CliError::Usage(format!("cannot read {}: {error}", path.display())))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use serde_json::json;

    #[test]
    fn settings_are_json_when_they_parse_and_strings_otherwise() {
        assert_eq!(
            setting("enable-lineage=true").unwrap(),
            ("enable-lineage".into(), json!(true))
        );
        assert_eq!(setting("threads=4").unwrap(), ("threads".into(), json!(4)));
        assert_eq!(setting("include={\"a\":[1]}").unwrap().1, json!({"a": [1]}));
        assert_eq!(setting("region=eu-west-1").unwrap().1, json!("eu-west-1"));
        assert_eq!(
            setting("query=a=b").unwrap(),
            ("query".into(), json!("a=b"))
        );
        assert_eq!(setting("empty=").unwrap().1, json!(""));
        assert!(setting("no-equals").unwrap_err().contains("NAME=VALUE"));
        assert!(setting("=true").unwrap_err().contains("no parameter name"));
    }

    #[test]
    fn variables_are_a_name_and_a_text() {
        assert_eq!(
            variable("env=prod=1").unwrap(),
            ("env".into(), "prod=1".into())
        );
        assert!(variable("novalue").unwrap_err().contains("NAME=VALUE"));
        assert!(
            variable("a b=1")
                .unwrap_err()
                .contains("not a variable name")
        );
    }

    #[test]
    fn app_statuses_are_the_nine_known_in_any_case() {
        assert_eq!(app_status(" stopped ").unwrap(), AppRunStatus::Stopped);
        assert_eq!(app_status("PAUSED").unwrap(), AppRunStatus::Paused);
        let error = app_status("Done").unwrap_err();
        assert!(
            error.contains("`Done`") && error.contains("Terminated"),
            "{error}"
        );
    }

    #[test]
    fn times_are_date_math_or_dates() {
        assert_eq!(date("now-6h").unwrap().as_str(), "now-6h");
        assert_eq!(date(" now/d ").unwrap().as_str(), "now/d");
        assert!(date("2026-01-31T00:00:00Z").is_ok());
        assert!(date("yesterday").is_err());
        assert!(date("now-6x").is_err());
    }

    #[test]
    fn lookbacks_take_days_and_refuse_negatives() {
        assert_eq!(
            lookback("7d").unwrap(),
            jiff::SignedDuration::from_hours(168)
        );
        assert_eq!(lookback("5m").unwrap(), jiff::SignedDuration::from_mins(5));
        assert_eq!(lookback("0s").unwrap(), jiff::SignedDuration::ZERO);
        assert!(lookback("-1h").unwrap_err().contains("negative"));
        assert!(lookback("soon").is_err());
    }

    #[test]
    fn webhooks_are_http_urls_and_never_echoed() {
        assert!(webhook_url("https://hooks.slack.com/services/T0/B0/secret").is_ok());
        let error = webhook_url("ftp://example.com/secret-token").unwrap_err();
        assert!(!error.contains("secret-token"), "{error}");
        assert!(webhook_url("not a url").is_err());
        assert!(webhook("not a url").is_ok(), "checked later, not by clap");
        assert!(webhook(" ").is_err());
    }

    #[test]
    fn durations_are_friendly_and_at_least_100ms() {
        assert_eq!(duration("10s").unwrap(), Duration::from_secs(10));
        assert_eq!(duration("1m 30s").unwrap(), Duration::from_secs(90));
        assert_eq!(duration("2h").unwrap(), Duration::from_secs(7200));
        assert_eq!(duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(duration("PT1M").unwrap(), Duration::from_secs(60));
        assert!(duration("50ms").unwrap_err().contains("100ms"));
        assert!(duration("-5s").unwrap_err().contains("negative"));
        assert!(duration("soon").is_err());
    }

    #[test]
    fn filters_are_json_objects() {
        assert_eq!(
            filter("{\"connector\":\"snowflake\"}").unwrap()["connector"],
            "snowflake"
        );
        assert!(filter("[1]").unwrap_err().contains("JSON object"));
        assert!(filter("{").unwrap_err().contains("not JSON"));
    }

    #[test]
    fn the_password_is_the_first_line() {
        assert_eq!(password_from(&b"s3cret\r\nnext\n"[..]).unwrap(), "s3cret");
        assert_eq!(password_from(&b"no newline"[..]).unwrap(), "no newline");
        assert!(password_from(&b"\n"[..]).is_err());
        assert!(password_from(&b""[..]).is_err());
    }

    #[test]
    fn empty_keys_are_refused() {
        assert!(secret(" ").is_err());
        assert!(secret("key").is_ok());
    }
}
