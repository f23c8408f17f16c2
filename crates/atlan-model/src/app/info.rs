//! What a marketplace app is (`GET v1/apps/{app_id}`).

use crate::wire::wire_object;

wire_object! {
    /// An app of the marketplace, such as `snowflake-crawler`.
    pub struct AppInfo {
        /// The app's id (case matters: `Kafka-apache`).
        opt "app_id" app_id: String,
        /// Its display name.
        opt "name" name: String,
        /// Whether it runs natively.
        opt "native_ready" native_ready: bool,
        /// How it runs (`native`).
        opt "execution_mode" execution_mode: String,
        /// Where its service lives.
        opt "app_service_url" app_service_url: String,
        /// Its named operations (empty: only the default one).
        opt "entrypoints" entrypoints: Vec<AppEntrypoint>,
    }
}

wire_object! {
    /// One operation of an app, such as `crawler` or `miner`.
    pub struct AppEntrypoint {
        /// Its name.
        req "name" name: String,
    }
}

impl AppEntrypoint {
    /// An entrypoint named `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }
}
