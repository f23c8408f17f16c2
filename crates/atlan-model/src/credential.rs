//! Source credentials used by workflows: what is sent, what comes back, and test results.
//!
//! Secrets (`password`, every value of `extra`, and any field this version does not know) never
//! appear in `Debug` or `Display`. They are written only by `Serialize`, which is how a credential
//! is sent to Atlan.

use std::collections::BTreeMap;
use std::fmt;

use secrecy::SecretString;
use serde_json::Value;

use crate::secret::{REDACTED, Redacted, RedactedValues, SecretValue};
use crate::wire::wire_object;

wire_object! {
    @secret
    /// A credential to create, test or update (`credentials`, `credentials/test`,
    /// `credentials/{id}`).
    ///
    /// ```
    /// use atlan_model::Credential;
    ///
    /// let mut credential = Credential::new("snowflake-credential");
    /// credential.connector_config_name = Some("atlan-connectors-snowflake".into());
    /// credential.auth_type = Some("basic".into());
    /// credential.username = Some("username".into());
    /// credential.set_password("sentinel-password");
    /// credential.insert_extra("role", "sentinel-role");
    ///
    /// let shown = format!("{credential:?} {credential}");
    /// assert!(!shown.contains("sentinel"));
    /// let sent = serde_json::to_string(&credential)?;
    /// assert!(sent.contains("sentinel-password") && sent.contains("sentinel-role"));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub struct Credential {
        /// GUID, for an existing credential.
        opt "id" id: String,
        /// Human-readable name.
        opt "name" name: String,
        /// Description.
        opt "description" description: String,
        /// Host the credential connects to.
        opt "host" host: String,
        /// Port the credential connects to.
        opt "port" port: u16,
        /// Authentication mechanism, such as `basic`.
        opt "authType" auth_type: String,
        /// Connector type, such as `jdbc`.
        opt "connectorType" connector_type: String,
        /// Connector, such as `snowflake`.
        opt "connector" connector: String,
        /// Connector configuration that manages the credential, such as
        /// `atlan-connectors-snowflake`.
        opt "connectorConfigName" connector_config_name: String,
        /// The less sensitive part: a username or client id.
        opt "username" username: String,
        /// The sensitive part: a password or client secret. Never returned by Atlan.
        secret "password" password: SecretString,
        /// Additional details, which may include secondary secrets: every value is secret.
        secrets "extra" extra: BTreeMap<String, SecretValue>,
        /// Metadata, kept as sent.
        opt "metadata" metadata: Value,
        /// Level, kept as sent.
        opt "level" level: Value,
    }
}

impl Credential {
    /// A credential with only a name.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: Some(name.into()),
            ..Self::default()
        }
    }

    /// Sets the password.
    pub fn set_password(&mut self, password: impl Into<String>) {
        self.password = Some(SecretString::from(password.into()));
    }

    /// Sets one `extra` value; returns the previous one.
    pub fn insert_extra(
        &mut self,
        key: impl Into<String>,
        value: impl Into<Value>,
    ) -> Option<SecretValue> {
        self.extra
            .get_or_insert_with(BTreeMap::new)
            .insert(key.into(), SecretValue::new(value))
    }

    /// Whether it carries a username or a password (pyatlan refuses to create such a credential
    /// without testing it).
    pub fn has_login(&self) -> bool {
        self.username.is_some() || self.password.is_some()
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credential")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("description", &self.description)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("auth_type", &self.auth_type)
            .field("connector_type", &self.connector_type)
            .field("connector", &self.connector)
            .field("connector_config_name", &self.connector_config_name)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| Redacted))
            .field("extra", &self.extra.as_ref().map(RedactedValues))
            .field("metadata", &self.metadata)
            .field("level", &self.level)
            .field("other", &RedactedValues(&self.other))
            .finish()
    }
}

/// A one-line summary: name, connector, auth type and endpoint; never a secret.
impl fmt::Display for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        summary!(self).fmt(f)
    }
}

/// The summary of a credential or a stored one (both have these fields).
macro_rules! summary {
    ($credential:expr) => {
        Summary {
            name: $credential.name.as_deref(),
            connector: $credential.connector.as_deref(),
            auth_type: $credential.auth_type.as_deref(),
            host: $credential.host.as_deref(),
            port: $credential.port,
        }
    };
}
use summary;

/// What a credential's one-line summary says: its name, connector, auth type and endpoint.
struct Summary<'a> {
    name: Option<&'a str>,
    connector: Option<&'a str>,
    auth_type: Option<&'a str>,
    host: Option<&'a str>,
    port: Option<u16>,
}

impl fmt::Display for Summary<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "credential {:?}", self.name.unwrap_or("(unnamed)"))?;
        if let Some(connector) = self.connector {
            write!(f, " for {connector}")?;
        }
        if let Some(auth_type) = self.auth_type {
            write!(f, " ({auth_type})")?;
        }
        match (self.host, self.port) {
            (Some(host), Some(port)) => write!(f, " at {host}:{port}"),
            (Some(host), None) => write!(f, " at {host}"),
            _ => Ok(()),
        }
    }
}

wire_object! {
    @manual_debug
    /// A credential as Atlan returns it (`GET credentials/{guid}`, create, update). It never contains
    /// the password; `extra` values and unknown fields are still treated as secret.
    pub struct CredentialResponse {
        /// GUID.
        req "id" id: String,
        /// Version of the record.
        opt "version" version: String,
        /// Whether it is active.
        opt "isActive" is_active: bool,
        /// Creation time, epoch milliseconds.
        opt "createdAt" created_at: i64,
        /// Last update time, epoch milliseconds.
        opt "updatedAt" updated_at: i64,
        /// Who created it.
        opt "createdBy" created_by: String,
        /// Tenant.
        opt "tenantId" tenant_id: String,
        /// Name, such as `default-snowflake-1735595539-0`.
        opt "name" name: String,
        /// Description.
        opt "description" description: String,
        /// Connector configuration, such as `atlan-connectors-snowflake`.
        opt "connectorConfigName" connector_config_name: String,
        /// Connector, such as `snowflake`.
        opt "connector" connector: String,
        /// Connector type, such as `jdbc`.
        opt "connectorType" connector_type: String,
        /// Authentication mechanism, such as `basic`.
        opt "authType" auth_type: String,
        /// Host.
        opt "host" host: String,
        /// Port.
        opt "port" port: u16,
        /// Metadata, kept as sent.
        opt "metadata" metadata: Value,
        /// Level, kept as sent.
        opt "level" level: Value,
        /// The connection it belongs to (a string or an object), kept as sent.
        opt "connection" connection: Value,
        /// Username or client id.
        opt "username" username: String,
        /// Additional details; every value is secret.
        secrets "extra" extra: BTreeMap<String, SecretValue>,
    }
}

impl CredentialResponse {
    /// A credential to update from this one: the same identity and settings, with no password (the
    /// server never returns it: set one before sending).
    pub fn to_credential(&self) -> Credential {
        Credential {
            id: Some(self.id.clone()),
            name: self.name.clone(),
            description: self.description.clone(),
            host: self.host.clone(),
            port: self.port,
            auth_type: self.auth_type.clone(),
            connector_type: self.connector_type.clone(),
            connector: self.connector.clone(),
            connector_config_name: self.connector_config_name.clone(),
            username: self.username.clone(),
            password: None,
            extra: self.extra.clone(),
            metadata: self.metadata.clone(),
            level: self.level.clone(),
            ..Credential::default()
        }
    }
}

impl CredentialResponse {
    /// This credential as JSON that may be shown (printed, logged, written to a file): every
    /// `extra` value and every field this model does not know is replaced by `[REDACTED]`, keys
    /// kept, so that nothing the server might consider secret is shown.
    ///
    /// ```
    /// use atlan_model::{CredentialResponse, decode_value};
    /// use serde_json::json;
    ///
    /// let credential: CredentialResponse = decode_value(json!({
    ///     "id": "972a87c1", "name": "snowflake", "username": "svc",
    ///     "extra": {"role": "sentinel-role"}, "privateKey": "sentinel-key"
    /// }))?;
    /// let shown = credential.to_redacted_json();
    /// assert_eq!(shown["username"], "svc");
    /// assert_eq!(shown["extra"]["role"], "[REDACTED]");
    /// assert_eq!(shown["privateKey"], "[REDACTED]");
    /// assert!(!shown.to_string().contains("sentinel"));
    /// # Ok::<(), atlan_model::DecodeError>(())
    /// ```
    pub fn to_redacted_json(&self) -> Value {
        let redacted = || Value::String(REDACTED.to_owned());
        let mut shown = self.clone();
        if let Some(extra) = &mut shown.extra {
            for value in extra.values_mut() {
                *value = SecretValue::new(redacted());
            }
        }
        for value in shown.other.values_mut() {
            *value = redacted();
        }
        // Every field left is plain data (strings, numbers, JSON kept as sent): this cannot fail.
        serde_json::to_value(&shown).unwrap_or(Value::Null)
    }
}

impl fmt::Debug for CredentialResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialResponse")
            .field("id", &self.id)
            .field("version", &self.version)
            .field("is_active", &self.is_active)
            .field("created_at", &self.created_at)
            .field("updated_at", &self.updated_at)
            .field("created_by", &self.created_by)
            .field("tenant_id", &self.tenant_id)
            .field("name", &self.name)
            .field("description", &self.description)
            .field("connector_config_name", &self.connector_config_name)
            .field("connector", &self.connector)
            .field("connector_type", &self.connector_type)
            .field("auth_type", &self.auth_type)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("metadata", &self.metadata)
            .field("level", &self.level)
            .field("connection", &self.connection)
            .field("username", &self.username)
            .field("extra", &self.extra.as_ref().map(RedactedValues))
            .field("other", &RedactedValues(&self.other))
            .finish()
    }
}

/// A one-line summary: id, name, connector, auth type and endpoint; never a secret.
impl fmt::Display for CredentialResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}]", summary!(self), self.id)
    }
}

wire_object! {
    /// The answer of `GET credentials`: `{"records": [...]}` (`null` when nothing matches, read as
    /// empty).
    pub struct CredentialListResponse {
        /// The credentials of this page.
        list "records" records: Vec<CredentialResponse>,
    }
}

wire_object! {
    /// The answer of a credential test (`credentials/test`, `credentials/{id}/test`).
    pub struct CredentialTestResponse {
        /// Status code of the test.
        opt "code" code: i64,
        /// Error text, when the test failed.
        opt "error" error: String,
        /// Details, kept as sent.
        opt "info" info: Value,
        /// `successful` when the test passed.
        opt "message" message: String,
        /// The server's id for the request.
        opt "requestId" request_id: String,
    }
}

impl CredentialTestResponse {
    /// Whether the test passed: the message is exactly `successful`, as Atlan and pyatlan define it.
    pub fn is_successful(&self) -> bool {
        self.message.as_deref() == Some("successful")
    }

    /// The server's explanation of the result: `error` when it has one, else `message`.
    ///
    /// ```
    /// use atlan_model::{CredentialTestResponse, decode_value};
    ///
    /// let failed: CredentialTestResponse = decode_value(serde_json::json!({
    ///     "message": "failed", "error": "authentication failed"
    /// }))?;
    /// assert_eq!(failed.reason(), Some("authentication failed"));
    /// # Ok::<(), atlan_model::DecodeError>(())
    /// ```
    pub fn reason(&self) -> Option<&str> {
        self.error.as_deref().or(self.message.as_deref())
    }
}
