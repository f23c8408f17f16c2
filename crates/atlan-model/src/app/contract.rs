//! An app's input contract (`GET v1/apps/{app_id}/inputs`): a JSON Schema document.

use serde_json::{Map, Value};

use crate::wire::wire_object;

/// The fields that carry an app's credential, in the order pyatlan looks for them.
const CREDENTIAL_FIELDS: [&str; 4] = [
    "credential",
    "credential_guid",
    "credential_ref",
    "agent_json",
];

wire_object! {
    /// The JSON Schema an app's `inputs` must satisfy, with typed access to what clients use:
    /// the fields (`properties`), the required ones, each field's type and default. Every other
    /// schema keyword is kept.
    ///
    /// ```
    /// use atlan_model::{InputContract, decode};
    ///
    /// let contract: InputContract = decode(br#"{"type": "object",
    ///     "properties": {"credential_guid": {"type": "string", "default": ""},
    ///                    "enable_lineage": {"type": "boolean", "default": true}},
    ///     "required": ["credential_guid"]}"#)?;
    /// assert_eq!(contract.field_names().collect::<Vec<_>>(), ["credential_guid", "enable_lineage"]); // sorted
    /// assert_eq!(contract.default_of("enable_lineage"), Some(&serde_json::json!(true)));
    /// assert_eq!(contract.credential_field(), Some("credential_guid"));
    /// assert!(contract.is_required("credential_guid"));
    /// # Ok::<(), atlan_model::DecodeError>(())
    /// ```
    pub struct InputContract {
        /// The schema's title, such as `SnowflakeCrawlerInputs`.
        opt "title" title: String,
        /// `object`.
        opt "type" schema_type: String,
        /// Each field's schema.
        opt "properties" properties: Map<String, Value>,
        /// The fields that must be present.
        opt "required" required: Vec<String>,
        /// Whether fields beyond `properties` are allowed (a boolean or a schema).
        opt "additionalProperties" additional_properties: Value,
        /// Schemas the fields refer to (`#/$defs/…`).
        opt "$defs" defs: Map<String, Value>,
    }
}

impl InputContract {
    /// The field names, sorted.
    pub fn field_names(&self) -> impl Iterator<Item = &str> {
        self.properties
            .iter()
            .flat_map(|properties| properties.keys().map(String::as_str))
    }

    /// A field's schema.
    pub fn field(&self, name: &str) -> Option<&Value> {
        self.properties.as_ref()?.get(name)
    }

    /// Whether `name` is required.
    pub fn is_required(&self, name: &str) -> bool {
        self.required
            .as_ref()
            .is_some_and(|required| required.iter().any(|field| field == name))
    }

    /// A field's default value.
    pub fn default_of(&self, name: &str) -> Option<&Value> {
        self.field(name)?.get("default")
    }

    /// A field's declared JSON type (`"string"`, `"boolean"`, …), when it has one `type`.
    pub fn type_of(&self, name: &str) -> Option<&str> {
        self.field(name)?.get("type")?.as_str()
    }

    /// The field that carries the credential: the first of `credential`, `credential_guid`,
    /// `credential_ref` and `agent_json` the contract declares.
    pub fn credential_field(&self) -> Option<&'static str> {
        CREDENTIAL_FIELDS
            .into_iter()
            .find(|name| self.field(name).is_some())
    }

    /// Whether fields the contract does not declare are allowed (JSON Schema's default: yes).
    pub fn allows_other_fields(&self) -> bool {
        !matches!(self.additional_properties, Some(Value::Bool(false)))
    }
}
