//! `cargo xtask wheel`: `atlanctl` as a Python wheel, built by maturin (`bindings = "bin"`, the
//! root's `pyproject.toml`) from a venv under `target/` with maturin pinned at [`MATURIN`].
//!
//! `wheel` builds the release wheel into `target/wheels/`. The CI step builds the same wheel with
//! the dev profile, stripped (the test build's artifacts are reused: seconds, where the release
//! profile's fat LTO takes about ten minutes on two cores), installs it into a fresh venv with
//! nothing else, and runs the installed `atlanctl` by name from that venv's PATH. Then the source
//! distribution (what `pip install` builds where no wheel fits) is made and checked to compile as
//! it is unpacked, in a target directory of its own.

use std::path::{Path, PathBuf};
use std::process::Command;

use atlan_testkit::venv;

/// The maturin that builds the wheel.
const MATURIN: &str = "1.16.0";

/// The project's version (xtask takes the workspace's): the wheel's and `atlanctl --version`'s.
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// `cargo xtask wheel`: the release wheel, into `target/wheels/`; prints its path.
pub(crate) fn release() -> Result<(), String> {
    let (root, target) = crate::root_and_target();
    let maturin = maturin(&target)?;
    let wheel = build(&root, &maturin, "release", &target.join("wheels"))?;
    println!("{}", wheel.display());
    Ok(())
}

/// The CI step: build, install into a fresh venv, run the two commands a new user runs first.
pub(crate) fn check() -> Result<(), String> {
    let (root, target) = crate::root_and_target();
    let maturin = maturin(&target)?;
    let wheel = build(&root, &maturin, "dev", &target.join("wheels").join("check"))?;
    let venv_dir = target.join("wheel-venv");
    let python = venv::fresh(&venv_dir)?;
    venv::pip_install(&python, &["--no-index", &wheel.to_string_lossy()])?;
    let shown = installed(&venv_dir, &["--version"])?;
    if shown.trim() != format!("atlanctl {VERSION}") {
        return Err(format!("`atlanctl --version` said {shown:?}"));
    }
    let search = [
        "--sandbox",
        "runs",
        "search",
        "--status",
        "Failed",
        "--started-since",
        "now-7d",
    ];
    let runs = installed(&venv_dir, &search)?;
    failed_runs_listed(&runs)?;
    println!(
        "{}: installed into a fresh venv; `atlanctl --version`: {}; `atlanctl {}`: {} lines",
        wheel.display(),
        shown.trim(),
        search.join(" "),
        runs.lines().count()
    );
    sdist_compiles(&root, &target, &maturin)
}

/// The interpreter of `target/maturin-venv`, with maturin [`MATURIN`] installed.
fn maturin(target: &Path) -> Result<PathBuf, String> {
    venv::with_package(&target.join("maturin-venv"), "maturin", MATURIN)
}

/// Makes the source distribution and checks that `atlanctl` compiles from it alone.
fn sdist_compiles(root: &Path, target: &Path, python: &Path) -> Result<(), String> {
    let out = target.join("wheels").join("sdist-check");
    if out.exists() {
        std::fs::remove_dir_all(&out).map_err(|error| format!("{}: {error}", out.display()))?;
    }
    atlan_testkit::command::run(
        Command::new(python)
            .args(["-m", "maturin", "sdist", "--out"])
            .arg(&out)
            .current_dir(root),
    )?;
    let archive = out.join(format!("atlanctl-{VERSION}.tar.gz"));
    atlan_testkit::command::run(
        Command::new("tar")
            .arg("xzf")
            .arg(&archive)
            .arg("-C")
            .arg(&out),
    )?;
    crate::cargo_with_env_in(
        &out.join(format!("atlanctl-{VERSION}")),
        &["check", "--locked", "-p", "atlan-cli", "--bin", "atlanctl"],
        &[(
            "CARGO_TARGET_DIR",
            &target.join("sdist-check").to_string_lossy(),
        )],
    )?;
    println!("{}: atlanctl compiles from it", archive.display());
    Ok(())
}

/// Builds the wheel with maturin (`python`: its venv's interpreter) and `profile` into `out`
/// (emptied of wheels first); answers its path, which must name the project and its version.
fn build(root: &Path, python: &Path, profile: &str, out: &Path) -> Result<PathBuf, String> {
    for old in wheels_in(out) {
        std::fs::remove_file(&old).map_err(|error| format!("{}: {error}", old.display()))?;
    }
    let mut maturin = Command::new(python);
    maturin
        .args(["-m", "maturin", "build", "--profile", profile, "--out"])
        .arg(out)
        .current_dir(root);
    if profile != "release" {
        maturin.arg("--strip");
    }
    atlan_testkit::command::run(&mut maturin)?;
    let built = wheels_in(out);
    let [wheel] = built.as_slice() else {
        return Err(format!(
            "{} wheels in {}: {built:?}",
            built.len(),
            out.display()
        ));
    };
    let name = wheel
        .file_name()
        .map(|name| name.to_string_lossy().into_owned());
    if !name.is_some_and(|name| name.starts_with(&format!("atlanctl-{VERSION}-"))) {
        return Err(format!(
            "{} is not atlanctl {VERSION}'s wheel",
            wheel.display()
        ));
    }
    Ok(wheel.clone())
}

fn wheels_in(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|extension| extension == "whl"))
                .collect()
        })
        .unwrap_or_default()
}

/// Runs `atlanctl` by name with the venv's `bin` first on PATH, no tenant in the environment and
/// no profile file; answers its standard output.
fn installed(venv_dir: &Path, args: &[&str]) -> Result<String, String> {
    let path = format!(
        "{}:/usr/local/bin:/usr/bin:/bin",
        venv_dir.join("bin").display()
    );
    atlan_testkit::command::stdout_of(
        Command::new("atlanctl")
            .args(args)
            .env("PATH", path)
            .env("XDG_CONFIG_HOME", venv_dir.join("config"))
            .env_remove("ATLAN_BASE_URL")
            .env_remove("ATLAN_API_KEY")
            .env_remove("ATLANCTL_PROFILE"),
        &format!("`atlanctl {}` from {}", args.join(" "), venv_dir.display()),
    )
}

/// The demo tenant's failed runs of the last week: a table whose every row is a failed run.
fn failed_runs_listed(table: &str) -> Result<(), String> {
    let mut lines = table.lines();
    let header = lines.next().unwrap_or_default();
    let rows: Vec<&str> = lines.filter(|line| !line.trim().is_empty()).collect();
    let all_failed = rows
        .iter()
        .all(|row| row.split_whitespace().any(|cell| cell == "Failed"));
    if header.split_whitespace().next() != Some("API") || rows.is_empty() || !all_failed {
        return Err(format!("not a table of failed runs:\n{table}"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::failed_runs_listed;

    #[test]
    fn a_table_of_failed_runs_is_told_from_anything_else() {
        let header = "API  RUN  WORKFLOW  PACKAGE  STATUS  STARTED  DURATION\n";
        let failed = "legacy  a-x1  a  p  Failed  2026-12-07T01:00:00Z  1m\n";
        let succeeded = "legacy  b-x2  b  p  Succeeded  2026-12-07T01:00:00Z  1m\n";
        assert!(failed_runs_listed(&format!("{header}{failed}")).is_ok());
        assert!(failed_runs_listed(header).is_err(), "no row");
        assert!(failed_runs_listed(&format!("{header}{failed}{succeeded}")).is_err());
        assert!(failed_runs_listed(failed).is_err(), "no header");
    }
}
