//! Python venvs under `target/`, each holding one pinned package: pyatlan for the compat runs and
//! the benchmarks, maturin for the wheel. Made once, installed into only when the pinned version is
//! not there yet.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::command::run;

/// The interpreter of the venv at `venv` with `package=={version}` installed: the venv is made
/// (with `$PYTHON`, else `python3`) and the package installed only when they are not there yet.
///
/// # Errors
/// When the venv cannot be made or pip fails, with what ran.
pub fn with_package(venv: &Path, package: &str, version: &str) -> Result<PathBuf, String> {
    let python = venv.join("bin/python");
    if !python.exists() {
        create(venv)?;
    }
    if installed(&python, package).as_deref() != Some(version) {
        pip_install(&python, &[&format!("{package}=={version}")])?;
    }
    Ok(python)
}

/// A new, empty venv at `venv` (one already there is removed first); answers its interpreter.
///
/// # Errors
/// When the old venv cannot be removed or the new one cannot be made.
pub fn fresh(venv: &Path) -> Result<PathBuf, String> {
    if venv.exists() {
        std::fs::remove_dir_all(venv).map_err(|error| format!("{}: {error}", venv.display()))?;
    }
    create(venv)?;
    Ok(venv.join("bin/python"))
}

/// `python -m pip install --quiet` of `what` (requirements or files).
///
/// # Errors
/// When pip cannot run or fails, with what ran.
pub fn pip_install(python: &Path, what: &[&str]) -> Result<(), String> {
    run(Command::new(python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .args(what))
}

fn create(venv: &Path) -> Result<(), String> {
    let interpreter = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    run(Command::new(&interpreter).args(["-m", "venv"]).arg(venv))
}

/// The version of `package` a venv's interpreter has, if any.
fn installed(python: &Path, package: &str) -> Option<String> {
    Command::new(python)
        .args([
            "-c",
            "import importlib.metadata as m, sys; print(m.version(sys.argv[1]))",
            package,
        ])
        .output()
        .ok()
        .filter(|output| output.status.success())
        .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}
