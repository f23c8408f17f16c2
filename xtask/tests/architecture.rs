//! ARCHITECTURE.md is the map of the code: every module under `crates/*/src` is named in it (by
//! its path, its file name or its folder), and every source path it names exists.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// Every `.rs` file under `dir`, relative to it, with `/` separators.
fn sources(dir: &Path, under: &Path, found: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, under, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            let relative = path.strip_prefix(under).unwrap();
            found.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
}

fn crates() -> Vec<PathBuf> {
    let mut crates: Vec<PathBuf> = std::fs::read_dir(root().join("crates"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.join("src").is_dir())
        .collect();
    crates.sort();
    crates
}

#[test]
fn every_module_is_named_in_the_code_map() {
    let map = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let mut unnamed = Vec::new();
    for krate in crates() {
        let src = krate.join("src");
        let mut files = Vec::new();
        sources(&src, &src, &mut files);
        for file in files {
            let module = file.trim_end_matches(".rs").trim_end_matches("/mod");
            if matches!(module, "lib" | "main") {
                continue;
            }
            let base = module.rsplit('/').next().unwrap();
            let named = map.contains(module)
                || map.contains(&format!("{base}.rs"))
                || map.contains(&format!("{base}/"))
                || map.contains(&format!("`{base}`"));
            if !named {
                unnamed.push(format!(
                    "{}: {module}",
                    krate.file_name().unwrap().to_string_lossy()
                ));
            }
        }
    }
    assert!(
        unnamed.is_empty(),
        "modules ARCHITECTURE.md does not name (say what each is for, where its crate is described):\n{}",
        unnamed.join("\n")
    );
}

#[test]
fn every_source_file_the_map_names_exists() {
    let map = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let mut files = Vec::new();
    for krate in crates() {
        sources(&krate, &krate, &mut files);
    }
    sources(&root().join("xtask"), &root(), &mut files);
    // Each `…/name.rs` in backticks must be the end of a source path of the workspace.
    let missing: Vec<&str> = map
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|token| {
            token.ends_with(".rs")
                && !token.contains(' ')
                && !token.contains('*')
                && !token.contains("{")
        })
        .filter(|token| {
            let token = token.trim_start_matches("crates/");
            let token = token.split_once("/src/").map_or(token, |(_, rest)| rest);
            !files
                .iter()
                .any(|file| file == token || file.ends_with(&format!("/{token}")))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md names files that do not exist: {missing:?}"
    );
}
