//! An app workflow's `inputs`: an app-defined JSON object, whose credential is a secret.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::redact::{REDACTED, redact_credential_json};

/// Keys the server adds to stored inputs at run time, which a client must not send back.
pub const RUNTIME_INPUT_KEYS: [&str; 4] = ["user-id", "user_id", "workflow_id", "correlation_id"];

/// The `inputs` of an app workflow: a JSON object the app's [`crate::InputContract`] checks.
///
/// A raw `credential` inside it (the secret the server vaults on create) and an `agent_json` are
/// secrets: `Debug` shows their keys only, and [`AppInputs::redacted`] gives a copy safe to show.
/// Serializing writes everything, since that is how it is sent.
///
/// ```
/// use atlan_model::AppInputs;
/// use serde_json::json;
///
/// let mut inputs = AppInputs::new();
/// inputs.set("enable_lineage", json!(true));
/// inputs.set("credential", json!({"authType": "basic", "password": "sentinel"}));
/// assert!(!format!("{inputs:?}").contains("sentinel"));
/// assert_eq!(inputs.redacted()["credential"]["password"], "[REDACTED]");
/// assert_eq!(serde_json::to_value(&inputs)?["credential"]["password"], "sentinel");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AppInputs(Map<String, Value>);

impl AppInputs {
    /// Empty inputs.
    pub fn new() -> Self {
        Self::default()
    }

    /// Inputs from a JSON object.
    pub fn from_map(map: Map<String, Value>) -> Self {
        Self(map)
    }

    /// A field's value.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.get(name)
    }

    /// Sets a field; returns the previous value.
    pub fn set(&mut self, name: impl Into<String>, value: Value) -> Option<Value> {
        self.0.insert(name.into(), value)
    }

    /// Removes a field.
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        self.0.remove(name)
    }

    /// The fields.
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }

    /// The fields, to change.
    pub fn as_map_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.0
    }

    /// The fields, owned.
    pub fn into_map(self) -> Map<String, Value> {
        self.0
    }

    /// The inputs without the keys the server adds at run time ([`RUNTIME_INPUT_KEYS`]): what a
    /// client sends back when it changes stored inputs.
    #[must_use]
    pub fn without_runtime_keys(mut self) -> Self {
        for key in RUNTIME_INPUT_KEYS {
            self.0.remove(key);
        }
        self
    }

    /// A copy safe to show: the `credential`'s password, `extra` values and unknown fields, and
    /// the whole `agent_json`, replaced by `[REDACTED]`.
    pub fn redacted(&self) -> Value {
        let mut shown = Value::Object(self.0.clone());
        if let Some(credential) = shown.get_mut("credential") {
            if credential.is_object() {
                redact_credential_json(credential);
            } else if !credential.is_null() {
                *credential = Value::from(REDACTED);
            }
        }
        if let Some(agent) = shown.get_mut("agent_json")
            && !agent.is_null()
        {
            *agent = Value::from(REDACTED);
        }
        shown
    }
}

impl fmt::Debug for AppInputs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.redacted(), f)
    }
}

impl From<Map<String, Value>> for AppInputs {
    fn from(map: Map<String, Value>) -> Self {
        Self(map)
    }
}
