//! `cargo xtask package`: every published crate as crates.io would take it. First each published
//! crate's manifest must carry what crates.io and cargo-binstall show (description, repository,
//! license, readme, keywords, categories); then `cargo package --workspace` packages them and
//! builds each from its package, as a user's build from crates.io would (members with
//! `publish = false`, such as `xtask` and `atlan-testkit`, are left out). A warning fails the step.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

/// What every published crate's `[package]` sets (itself or from the workspace).
const METADATA: [&str; 6] = [
    "description",
    "repository",
    "license",
    "readme",
    "keywords",
    "categories",
];

/// Checks the manifests, then packages and verifies every published crate.
pub(crate) fn check() -> Result<(), String> {
    let (root, _) = crate::root_and_target();
    let crates = root.join("crates");
    let entries =
        std::fs::read_dir(&crates).map_err(|error| format!("{}: {error}", crates.display()))?;
    let members = entries
        .flatten()
        .map(|entry| entry.path())
        .chain([root.join("xtask")]);
    let (mut problems, mut unpublished) = (Vec::new(), Vec::new());
    for member in members {
        let manifest = member.join("Cargo.toml");
        let text = std::fs::read_to_string(&manifest)
            .map_err(|error| format!("{}: {error}", manifest.display()))?;
        let package = package_section(&text);
        if package.contains(&"publish = false") {
            unpublished.extend(package_name(&package));
            continue;
        }
        problems.extend(
            missing_metadata(&package)
                .into_iter()
                .map(|key| format!("{}: no `{key}`", manifest.display())),
        );
    }
    if !problems.is_empty() {
        return Err(problems.join("\n"));
    }
    package(&root, &unpublished)
}

/// The lines of a manifest's `[package]` table, trimmed.
fn package_section(manifest: &str) -> Vec<&str> {
    manifest
        .lines()
        .skip_while(|line| line.trim() != "[package]")
        .skip(1)
        .take_while(|line| !line.starts_with('['))
        .map(str::trim)
        .collect()
}

/// The `name` a `[package]` table gives.
fn package_name(package: &[&str]) -> Option<String> {
    package.iter().find_map(|line| {
        let value = line.strip_prefix("name")?.trim_start().strip_prefix('=')?;
        Some(value.trim().trim_matches('"').to_owned())
    })
}

/// The metadata keys a published crate's `[package]` lines lack.
fn missing_metadata(package: &[&str]) -> Vec<&'static str> {
    METADATA
        .into_iter()
        .filter(|key| {
            !package.iter().any(|line| {
                line.strip_prefix(key)
                    .is_some_and(|rest| rest.starts_with(" =") || rest.starts_with(".workspace"))
            })
        })
        .collect()
}

/// `cargo package --workspace` (unpublished members excluded), its messages passed on as they
/// come; fails on a warning as on an error.
fn package(root: &Path, unpublished: &[String]) -> Result<(), String> {
    let mut command = Command::new(crate::cargo_path());
    command
        .args(["package", "--workspace", "--locked"])
        .current_dir(root)
        .stderr(Stdio::piped());
    for member in unpublished {
        command.args(["--exclude", member]);
    }
    let mut child = command
        .spawn()
        .map_err(|error| format!("cannot run cargo package: {error}"))?;
    let mut warnings = Vec::new();
    if let Some(stderr) = child.stderr.take() {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            eprintln!("{line}");
            if line.trim_start().starts_with("warning") {
                warnings.push(line);
            }
        }
    }
    let status = child
        .wait()
        .map_err(|error| format!("cargo package: {error}"))?;
    if !status.success() {
        return Err(format!("cargo package exited with {status}"));
    }
    if !warnings.is_empty() {
        return Err(format!("cargo package warned:\n{}", warnings.join("\n")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{missing_metadata, package_name, package_section};

    fn missing(manifest: &str) -> Vec<&'static str> {
        missing_metadata(&package_section(manifest))
    }

    #[test]
    fn a_published_manifest_needs_every_key() {
        let whole = "[package]\nname = \"a\"\ndescription = \"d\"\nreadme = \"README.md\"\n\
                     repository.workspace = true\nlicense.workspace = true\n\
                     keywords.workspace = true\ncategories = [\"x\"]\n\n[dependencies]\nreadme = 1\n";
        assert!(missing(whole).is_empty());
        let without = whole.replace("readme = \"README.md\"\n", "");
        assert_eq!(
            missing(&without),
            ["readme"],
            "a key under [dependencies] is not the package's"
        );
        let prefixed = whole.replace("license.workspace", "license-file.workspace");
        assert_eq!(missing(&prefixed), ["license"]);
        let unpublished = package_section("[package]\nname = \"t\"\npublish = false\n");
        assert!(unpublished.contains(&"publish = false"));
        assert_eq!(package_name(&unpublished).as_deref(), Some("t"));
    }
}
