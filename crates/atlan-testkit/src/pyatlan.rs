//! The official Python SDK in a venv under `target/`, installed once: what `cargo xtask compat`
//! and the side-by-side benchmark run. One place for the versions and the setup.

use std::path::{Path, PathBuf};

/// The pyatlan of the legacy workflow API: the last with the workflow client.
pub const LEGACY: &str = "10.0.0";
/// The pyatlan of the App workflows API (its 11.x line removed the legacy client).
pub const APPS: &str = "11.6.0";

/// The venv of pyatlan `version` (`target/compat-venv` for [`LEGACY`], `target/compat-venv-apps`
/// for [`APPS`], `target/pyatlan-{version}` otherwise).
pub fn venv_dir(target: &Path, version: &str) -> PathBuf {
    match version {
        LEGACY => target.join("compat-venv"),
        APPS => target.join("compat-venv-apps"),
        other => target.join(format!("pyatlan-{other}")),
    }
}

/// The interpreter of a venv under `target` with pyatlan `version` installed: made (with
/// `$PYTHON`, else `python3`) and installed into only when it is not there yet.
///
/// # Errors
/// When the venv cannot be made or pip fails, with what ran.
pub fn install(target: &Path, version: &str) -> Result<PathBuf, String> {
    crate::venv::with_package(&venv_dir(target, version), "pyatlan", version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_version_has_its_venv() {
        let target = Path::new("/t");
        assert_eq!(venv_dir(target, LEGACY), Path::new("/t/compat-venv"));
        assert_eq!(venv_dir(target, APPS), Path::new("/t/compat-venv-apps"));
        assert_eq!(venv_dir(target, "9.0.0"), Path::new("/t/pyatlan-9.0.0"));
    }
}
