//! [`GetInputContract`]: the JSON Schema an app's inputs must satisfy, and [`check_inputs`]
//! against it.

use atlan_model::{AppInfo, AppInputs, InputContract};
use serde_json::Value;

use crate::client::AtlanClient;
use crate::error::{Error, Result};
use crate::requests::apps as requests;

/// The input contract of an app; from [`crate::Apps::input_contract`].
#[derive(Debug)]
#[must_use = "a request does nothing until it is awaited"]
pub struct GetInputContract {
    pub(super) client: AtlanClient,
    pub(super) app_id: String,
    pub(super) entrypoint: Option<String>,
}

impl GetInputContract {
    /// For this entrypoint (an empty one means the default, as for pyatlan's contract call).
    pub fn entrypoint(mut self, entrypoint: impl Into<String>) -> Self {
        self.entrypoint = Some(entrypoint.into());
        self
    }

    /// Fetches the contract.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an app that does not exist (the server's 400 does not tell an
    /// unknown app from an unknown entrypoint: the app is then described to tell them apart);
    /// [`Error::Api`] 400 (code 1003) for an unknown entrypoint; otherwise as
    /// [`AtlanClient::execute`].
    pub async fn send(self) -> Result<InputContract> {
        let answer = self
            .client
            .execute_json(&requests::input_contract(
                &self.app_id,
                self.entrypoint.as_deref(),
            )?)
            .await;
        match answer {
            Err(error) if error.status().is_some_and(|status| status.as_u16() == 400) => {
                let described = self
                    .client
                    .execute_json::<AppInfo>(&requests::describe(&self.app_id)?)
                    .await;
                match described {
                    Err(missing) if missing.is_not_found() => Err(missing),
                    _ => Err(error),
                }
            }
            answer => answer,
        }
    }
}

awaitable!(GetInputContract, InputContract);

/// Checks `inputs` against `contract` (JSON Schema, with the `jsonschema` crate; nothing is
/// resolved over the network or from files). The error names each failing field and the rule it
/// breaks, never the value (a credential's secret could be one).
///
/// # Errors
/// [`Error::InvalidInput`] listing every failure, or when the contract is not a JSON Schema.
pub fn check_inputs(app_id: &str, contract: &InputContract, inputs: &AppInputs) -> Result<()> {
    let schema = serde_json::to_value(contract).map_err(|error| {
        Error::invalid(format!("cannot read the contract of {app_id}: {error}"))
    })?;
    let validator = jsonschema::validator_for(&schema).map_err(|error| {
        Error::invalid(format!(
            "the input contract of {app_id} is not a JSON Schema: {}",
            error.kind().keyword()
        ))
    })?;
    let instance = Value::Object(inputs.as_map().clone());
    let failures: Vec<String> = validator
        .iter_errors(&instance)
        .map(|error| {
            let path = error.instance_path().to_string();
            let field = format!("inputs{}", path.replace('/', "."));
            match error.kind() {
                jsonschema::error::ValidationErrorKind::Required { property } => {
                    format!("{field}.{} is required", property.as_str().unwrap_or("?"))
                }
                kind => format!("{field} breaks `{}`", kind.keyword()),
            }
        })
        .collect();
    if failures.is_empty() {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "the inputs do not satisfy the input contract of {app_id}: {}",
            failures.join("; ")
        )))
    }
}
