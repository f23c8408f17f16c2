//! `cargo xtask package`: every published crate as crates.io would take it. First each published
//! crate's manifest must carry what crates.io and cargo-binstall show (description, repository,
//! license, readme, keywords, categories); then `cargo package --workspace` packages them and
//! builds each from its package, as a user's build from crates.io would (`xtask` and
//! `atlan-testkit` are `publish = false` and left out). A warning fails the step.

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

/// The workspace members that are not published.
const UNPUBLISHED: [&str; 2] = ["xtask", "atlan-testkit"];

/// Checks the manifests, then packages and verifies every published crate.
pub(crate) fn check() -> Result<(), String> {
    let (root, _) = crate::root_and_target();
    let crates = root.join("crates");
    let entries =
        std::fs::read_dir(&crates).map_err(|error| format!("{}: {error}", crates.display()))?;
    let mut problems = Vec::new();
    for entry in entries.flatten() {
        let manifest = entry.path().join("Cargo.toml");
        let text = std::fs::read_to_string(&manifest)
            .map_err(|error| format!("{}: {error}", manifest.display()))?;
        problems.extend(
            missing_metadata(&text)
                .into_iter()
                .map(|key| format!("{}: no `{key}`", manifest.display())),
        );
    }
    if !problems.is_empty() {
        return Err(problems.join("\n"));
    }
    package(&root)
}

/// The metadata keys a manifest's `[package]` lacks; none for an unpublished crate.
fn missing_metadata(manifest: &str) -> Vec<&'static str> {
    let package: Vec<&str> = manifest
        .lines()
        .skip_while(|line| line.trim() != "[package]")
        .skip(1)
        .take_while(|line| !line.starts_with('['))
        .map(str::trim)
        .collect();
    if package.contains(&"publish = false") {
        return Vec::new();
    }
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
fn package(root: &Path) -> Result<(), String> {
    let mut command = Command::new(crate::cargo_path());
    command
        .args(["package", "--workspace", "--locked"])
        .current_dir(root)
        .stderr(Stdio::piped());
    for member in UNPUBLISHED {
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
    use super::missing_metadata;

    #[test]
    fn a_published_manifest_needs_every_key_an_unpublished_none() {
        let whole = "[package]\nname = \"a\"\ndescription = \"d\"\nreadme = \"README.md\"\n\
                     repository.workspace = true\nlicense.workspace = true\n\
                     keywords.workspace = true\ncategories = [\"x\"]\n\n[dependencies]\nreadme = 1\n";
        assert!(missing_metadata(whole).is_empty());
        let without = whole.replace("readme = \"README.md\"\n", "");
        assert_eq!(
            missing_metadata(&without),
            ["readme"],
            "a key under [dependencies] is not the package's"
        );
        let prefixed = whole.replace("license.workspace", "license-file.workspace");
        assert_eq!(missing_metadata(&prefixed), ["license"]);
        assert!(missing_metadata("[package]\nname = \"t\"\npublish = false\n").is_empty());
    }
}
