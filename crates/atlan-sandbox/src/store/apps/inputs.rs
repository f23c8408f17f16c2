//! An app workflow's stored inputs: the top-level fields of its `inputs` object, each value kept as
//! the JSON text it was sent as, shared (behind an `Arc`) by every version of the record that
//! did not change them and by every read that answers them.
//!
//! Why text: a `serde_json::Value` tree costs 5-15 bytes of memory per byte of JSON, and every read
//! of it (a list of 500 workflows) would copy or walk the tree. Kept as text, a stored byte costs
//! about one resident byte, and an answer writes each field out as it is, without parsing it.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// One field's value, as JSON text.
pub(crate) type RawField = Box<RawValue>;

/// The fields of an `inputs` object by name, as JSON text (runtime keys dropped, a raw credential
/// already vaulted into `credential_guid`).
#[derive(Clone, Default)]
pub(crate) struct StoredInputs(Arc<BTreeMap<String, RawField>>);

impl StoredInputs {
    /// Inputs of these fields.
    pub(crate) fn new(fields: BTreeMap<String, RawField>) -> Self {
        Self(Arc::new(fields))
    }

    /// Inputs from a JSON object (seed data).
    pub(crate) fn from_map(map: Map<String, Value>) -> Self {
        Self::new(
            map.into_iter()
                .filter_map(|(key, value)| {
                    Some((key, serde_json::value::to_raw_value(&value).ok()?))
                })
                .collect(),
        )
    }

    /// The stored `credential_guid`, when it is a non-empty string.
    pub(crate) fn credential_guid(&self) -> Option<String> {
        let raw = self.0.get("credential_guid")?;
        serde_json::from_str::<String>(raw.get())
            .ok()
            .filter(|guid| !guid.is_empty())
    }

    /// The stored `connection` (an object, or a string of JSON as some clients send it).
    pub(crate) fn connection(&self) -> Option<Value> {
        let raw = self.0.get("connection")?;
        match serde_json::from_str::<Value>(raw.get()).ok()? {
            Value::String(text) => serde_json::from_str(&text).ok(),
            object @ Value::Object(_) => Some(object),
            _ => None,
        }
    }

    /// About how many bytes the inputs take written out (to size an answer's buffer).
    pub(crate) fn text_len(&self) -> usize {
        self.0
            .iter()
            .map(|(key, value)| key.len() + value.get().len() + 4)
            .sum()
    }

    /// The object `GET v1/app/{slug}` answers under `dag.extract.inputs.args`: the stored fields and
    /// the keys the server adds at run time (`user_id`, `workflow_id`), in key order.
    pub(crate) fn with_runtime_keys<'a>(
        &'a self,
        user_id: &'a str,
        workflow_id: &'a str,
    ) -> Args<'a> {
        Args {
            inputs: self,
            user_id,
            workflow_id,
        }
    }
}

/// Keys only: stored inputs may hold an `agent_json` or other secret-bearing fields.
impl fmt::Debug for StoredInputs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

/// Written as the object it is, each value as its text.
impl Serialize for StoredInputs {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in self.0.iter() {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// Read from any deserializer: the state file's events are internally tagged, so serde buffers
/// them before this sees them, and raw text cannot be taken from a buffer. The fields are read as
/// values and written back as text (replay is the only reader).
impl<'de> Deserialize<'de> for StoredInputs {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = Map::<String, Value>::deserialize(deserializer)?;
        Ok(Self::from_map(map))
    }
}

/// The stored inputs with the runtime keys; from [`StoredInputs::with_runtime_keys`].
pub(crate) struct Args<'a> {
    inputs: &'a StoredInputs,
    user_id: &'a str,
    workflow_id: &'a str,
}

impl Serialize for Args<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        enum Entry<'a> {
            Raw(&'a RawValue),
            Text(&'a str),
        }
        let mut entries: BTreeMap<&str, Entry<'_>> = self
            .inputs
            .0
            .iter()
            .map(|(key, value)| (key.as_str(), Entry::Raw(value)))
            .collect();
        entries.insert("user_id", Entry::Text(self.user_id));
        entries.insert("workflow_id", Entry::Text(self.workflow_id));
        let mut map = serializer.serialize_map(Some(entries.len()))?;
        for (key, entry) in entries {
            match entry {
                Entry::Raw(raw) => map.serialize_entry(key, raw)?,
                Entry::Text(text) => map.serialize_entry(key, text)?,
            }
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn inputs_are_written_as_sent_and_read_back_from_the_state_file() {
        let text = r#"{"b": [1, 2,  3], "a": {"x": "y"}, "credential_guid": "g-1"}"#;
        let fields: BTreeMap<String, RawField> = serde_json::from_str(text).unwrap_or_default();
        let inputs = StoredInputs::new(fields);
        assert_eq!(
            serde_json::to_string(&inputs).unwrap_or_default(),
            r#"{"a":{"x": "y"},"b":[1, 2,  3],"credential_guid":"g-1"}"#
        );
        assert_eq!(inputs.credential_guid().as_deref(), Some("g-1"));
        let args =
            serde_json::to_value(inputs.with_runtime_keys("jane", "w-1")).unwrap_or_default();
        assert_eq!(
            args,
            json!({"a": {"x": "y"}, "b": [1, 2, 3], "credential_guid": "g-1", "user_id": "jane", "workflow_id": "w-1"})
        );
        // Through a buffering deserializer, as replay reads an internally tagged event.
        #[derive(Deserialize)]
        #[serde(tag = "event")]
        enum Line {
            Put { inputs: StoredInputs },
        }
        let line = format!(
            r#"{{"event":"Put","inputs":{}}}"#,
            serde_json::to_string(&inputs).unwrap_or_default()
        );
        let Ok(Line::Put { inputs: read }) = serde_json::from_str::<Line>(&line) else {
            panic!("the line reads back: {line}");
        };
        assert_eq!(
            serde_json::to_value(&read).ok(),
            serde_json::to_value(&inputs).ok()
        );
        assert_eq!(format!("{inputs:?}"), r#"{"a", "b", "credential_guid"}"#);
        assert!(StoredInputs::default().credential_guid().is_none());
    }
}
