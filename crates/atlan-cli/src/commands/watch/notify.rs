//! The notification document and its delivery. One JSON document serves both kinds of receiver:
//! `text` is what Slack (and Slack-compatible webhooks: Mattermost, Rocket.Chat, Teams' Slack
//! connector) show; the other fields are for programs (see the CLI README):
//!
//! `text`, `event` (`run_failed`, `recovered`, `schedule_missed`), `key` (the dedupe key),
//! `api`, `workflow`, `package`, `run`, `status`, `at` (the run's end, or the due time), and for a
//! failure `step`, `cause`, `message`, `advice`; for a recovery `failures`; `suppressed` (failures
//! of the workflow held back by the cooldown since its last notification).
//!
//! Nothing in it comes from a credential: the run's message and step are the server's, and the
//! whole document goes through the CLI's scrubber (the API key and every secret it knows).

use std::time::Duration;

use atlan_ops::Explanation;
use atlan_ops::watch::Event;
use atlan_workflows::transport::WebhookClient;
use bytes::Bytes;
use http::Uri;
use jiff::{SignedDuration, Timestamp};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value, json};

use crate::scrub;

/// How long one post may take.
pub(crate) const POST_TIMEOUT: Duration = Duration::from_secs(10);
/// How many times a notification is tried before it is given up.
pub(crate) const MAX_ATTEMPTS: u32 = 20;
/// The longest wait between two tries.
const MAX_RETRY_WAIT: SignedDuration = SignedDuration::from_mins(5);
/// The longest message carried, in characters.
const MAX_MESSAGE: usize = 1_000;

/// The document for `event`, with what explaining its run found, and how many failures the
/// cooldown held back before it.
pub(crate) fn document(event: &Event, why: Option<&Explanation>, suppressed: u64) -> Value {
    let (api, workflow) = event.workflow();
    let mut fields = Map::new();
    let mut put = |key: &str, value: Value| {
        fields.insert(key.to_owned(), value);
    };
    put("text", json!(text(event, why, suppressed)));
    put("event", json!(event.kind()));
    put("key", json!(event.key()));
    put("api", json!(api.as_str()));
    put("workflow", json!(workflow));
    put("package", json!(event.package()));
    put("run", json!(event.run()));
    put("at", json!(event.at()));
    put("suppressed", json!(suppressed));
    match event {
        Event::RunFailed { status, .. } => {
            put("status", json!(status.as_str()));
            put("step", json!(why.and_then(|why| why.failed_step.clone())));
            put(
                "cause",
                json!(why.and_then(|why| why.cause).map(atlan_ops::Cause::as_str)),
            );
            put(
                "message",
                json!(why.and_then(|why| why.message.as_deref()).map(short)),
            );
            put("advice", json!(why.and_then(|why| why.advice)));
        }
        Event::Recovered { failures, .. } => {
            put("status", json!("Succeeded"));
            put("failures", json!(failures));
        }
        Event::Late(breach)
        | Event::Overdue(breach)
        | Event::Stuck(breach)
        | Event::Cleared { breach, .. } => {
            put("expectation", json!(breach.expectation));
            put("since", json!(breach.since));
            put("detail", json!(short(&breach.detail)));
        }
        Event::Policy {
            action,
            outcome,
            detail,
            ..
        } => {
            put("action", json!(action));
            put("outcome", json!(outcome));
            put("detail", json!(short(detail)));
        }
        _ => {}
    }
    let mut document = Value::Object(fields);
    scrub::value(&mut document);
    document
}

/// The line a person reads.
fn text(event: &Event, why: Option<&Explanation>, suppressed: u64) -> String {
    let (api, workflow) = event.workflow();
    let mut line = match event {
        Event::RunFailed { run, status, .. } => {
            let summary = why.map_or_else(|| status.as_str().to_owned(), Explanation::summary);
            format!(
                ":red_circle: {workflow} ({}) run {run}: {}",
                api.as_str(),
                short(&summary)
            )
        }
        Event::Recovered { run, failures, .. } => format!(
            ":large_green_circle: {workflow} ({}) recovered: run {run} succeeded after {failures} failed run(s)",
            api.as_str()
        ),
        Event::ScheduleMissed { due, .. } => format!(
            ":warning: {workflow} ({}) missed its schedule: no run started for {due}",
            api.as_str()
        ),
        Event::Late(breach) | Event::Overdue(breach) | Event::Stuck(breach) => format!(
            ":hourglass: {workflow} ({}) is {}: {}",
            api.as_str(),
            event.kind(),
            short(&breach.detail)
        ),
        Event::Cleared { breach, .. } => format!(
            ":white_check_mark: {workflow} ({}) meets its {} again (it was {} since {})",
            api.as_str(),
            breach.expectation,
            breach.kind(),
            breach.since
        ),
        Event::Policy { detail, .. } => format!(
            ":robot_face: {workflow} ({}) policy: {}",
            api.as_str(),
            short(detail)
        ),
        _ => format!("{workflow} ({}): {}", api.as_str(), event.kind()),
    };
    if let Some(advice) = why.and_then(|why| why.advice) {
        line.push_str(&format!("\n{advice}"));
    }
    if suppressed > 0 {
        line.push_str(&format!(
            "\n({suppressed} more failure(s) of it were held back by the cooldown)"
        ));
    }
    line
}

/// At most [`MAX_MESSAGE`] characters of `text`.
fn short(text: &str) -> String {
    crate::terminal::clip(text, MAX_MESSAGE).into_owned()
}

/// When to try again after `attempts` failed tries: 1 s, 2 s, 4 s … up to five minutes.
pub(crate) fn retry_at(now: Timestamp, attempts: u32) -> Timestamp {
    let wait = SignedDuration::from_secs(1i64 << attempts.min(16)).min(MAX_RETRY_WAIT);
    now.saturating_add(wait).unwrap_or(now)
}

/// The webhooks, and the client that posts to them.
#[derive(Debug, Clone)]
pub(crate) struct Webhooks {
    client: WebhookClient,
    urls: Vec<SecretString>,
}

impl Webhooks {
    /// Posts to `urls` (each remembered as a secret, so that no output shows it).
    ///
    /// # Errors
    /// [`CliError::Usage`](crate::error::CliError::Usage) for a URL that is not http(s) (without
    /// showing it); when TLS cannot be set up.
    pub(crate) fn new(urls: Vec<SecretString>) -> Result<Self, crate::error::CliError> {
        for url in &urls {
            scrub::remember_url(url.expose_secret());
        }
        for (index, url) in urls.iter().enumerate() {
            crate::input::webhook_url(url.expose_secret()).map_err(|e| {
                crate::error::CliError::Usage(format!("webhook #{}: {e}", index + 1))
            })?;
        }
        let client = WebhookClient::new(POST_TIMEOUT)
            .map_err(|e| crate::error::CliError::Usage(format!("cannot post to webhooks: {e}")))?;
        Ok(Self { client, urls })
    }

    /// How many there are.
    pub(crate) fn len(&self) -> usize {
        self.urls.len()
    }

    /// Posts `document` to webhook `index`.
    ///
    /// # Errors
    /// Why it was not accepted (a status other than 2xx, or the exchange failed), never naming
    /// the URL.
    pub(crate) async fn post(&self, index: usize, document: &Value) -> Result<(), String> {
        let Some(url) = self.urls.get(index) else {
            return Err(format!("there is no webhook #{}", index + 1));
        };
        let uri: Uri = url
            .expose_secret()
            .parse()
            .map_err(|_| format!("webhook #{} is not a URL", index + 1))?;
        let body = Bytes::from(serde_json::to_vec(document).map_err(|e| e.to_string())?);
        match self.client.post_json(&uri, body).await {
            Ok(status) if status.is_success() => Ok(()),
            Ok(status) => Err(format!("webhook #{} answered {status}", index + 1)),
            Err(error) => Err(format!("webhook #{}: {error}", index + 1)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use atlan_ops::{Api, RunState};

    #[test]
    fn a_failure_document_carries_the_key_and_a_slack_text() {
        let event = Event::RunFailed {
            api: Api::Legacy,
            workflow: "atlan-snowflake-1".into(),
            package: Some("atlan-snowflake".into()),
            run: "atlan-snowflake-1-abc".into(),
            status: RunState::Failed,
            finished: None,
        };
        let document = document(&event, None, 2);
        assert_eq!(document["event"], "run_failed");
        assert_eq!(document["key"], "run_failed:legacy:atlan-snowflake-1-abc");
        assert_eq!(document["status"], "Failed");
        assert_eq!(document["suppressed"], 2);
        let text = document["text"].as_str().unwrap_or_default();
        assert!(
            text.contains("atlan-snowflake-1 (legacy) run atlan-snowflake-1-abc: Failed"),
            "{text}"
        );
        assert!(text.contains("2 more failure(s)"), "{text}");
    }

    #[test]
    fn retries_wait_longer_each_time_up_to_five_minutes() {
        let now: Timestamp = "2026-06-15T12:00:00Z".parse().unwrap_or_default();
        assert_eq!(retry_at(now, 0), now + SignedDuration::from_secs(1));
        assert_eq!(retry_at(now, 3), now + SignedDuration::from_secs(8));
        assert_eq!(retry_at(now, 30), now + SignedDuration::from_mins(5));
    }

    #[test]
    fn long_messages_are_cut_on_a_character_boundary() {
        let long = "é".repeat(MAX_MESSAGE + 5);
        let cut = short(&long);
        assert!(cut.starts_with(&"é".repeat(MAX_MESSAGE)));
        assert!(cut.ends_with("… (5 more characters)"), "{cut}");
    }
}
