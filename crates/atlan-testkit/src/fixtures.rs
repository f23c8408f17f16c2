//! The workspace's `fixtures/` directory.

use std::path::PathBuf;

/// The path of `fixtures/{path}`.
pub fn path(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(path)
}

/// `fixtures/{path}` as JSON.
///
/// # Panics
/// When the fixture is missing or is not JSON (a test cannot go on without it).
#[cfg(feature = "sandbox")]
pub fn json(path: &str) -> serde_json::Value {
    let full = self::path(path);
    let bytes = std::fs::read(&full).unwrap_or_else(|error| panic!("{}: {error}", full.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|error| panic!("{}: {error}", full.display()))
}
