//! ARCHITECTURE.md is the map of the code: every module under `crates/*/src` is named in it (by
//! its path, its file name or its folder), every source path it names exists, and no module
//! imports one that imports it back.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)]

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

/// A crate's modules: each module path (`["store", "runs"]`; the crate root is empty) and its file.
fn modules(src: &Path) -> Vec<(Vec<String>, PathBuf)> {
    let mut files = Vec::new();
    sources(src, src, &mut files);
    files
        .into_iter()
        .map(|file| {
            let mut parts: Vec<String> = file
                .trim_end_matches(".rs")
                .split('/')
                .map(str::to_owned)
                .collect();
            if matches!(
                parts.last().map(String::as_str),
                Some("mod" | "lib" | "main")
            ) {
                parts.pop();
            }
            (parts, src.join(&file))
        })
        .collect()
}

/// The paths a `use` tree names (`crate::a::{b, c::d}` gives `crate::a::b` and `crate::a::c::d`).
fn use_paths(tree: &str) -> Vec<Vec<String>> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        let path = tree.split(" as ").next().unwrap_or_default();
        return vec![
            path.split("::")
                .map(str::trim)
                .filter(|part| !part.is_empty() && *part != "*")
                .map(str::to_owned)
                .collect(),
        ];
    };
    let head: Vec<String> = tree[..open]
        .split("::")
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(str::to_owned)
        .collect();
    let body = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let (mut parts, mut depth, mut start) = (Vec::new(), 0, 0);
    for (at, c) in body.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&body[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    parts.push(&body[start..]);
    let mut paths = Vec::new();
    for part in parts
        .into_iter()
        .map(str::trim)
        .filter(|part| !part.is_empty())
    {
        if part == "self" {
            paths.push(head.clone());
            continue;
        }
        for tail in use_paths(part) {
            paths.push(head.iter().cloned().chain(tail).collect());
        }
    }
    paths
}

/// The module a path used from module `me` lands in: the longest prefix that is a module.
fn resolve(path: &[String], me: &[String], known: &[Vec<String>]) -> Option<Vec<String>> {
    let (mut base, mut rest): (Vec<String>, &[String]) = match path.first().map(String::as_str) {
        Some("crate") => (Vec::new(), &path[1..]),
        Some("self") => (me.to_vec(), &path[1..]),
        Some("super") => (me.to_vec(), path),
        _ => return None,
    };
    while rest.first().is_some_and(|part| part == "super") {
        base.pop();
        rest = &rest[1..];
    }
    (0..=rest.len()).rev().find_map(|take| {
        let candidate: Vec<String> = base.iter().chain(&rest[..take]).cloned().collect();
        known.contains(&candidate).then_some(candidate)
    })
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let mut cycles = Vec::new();
    for krate in crates() {
        let modules = modules(&krate.join("src"));
        let known: Vec<Vec<String>> = modules.iter().map(|(path, _)| path.clone()).collect();
        let mut edges: Vec<(Vec<String>, Vec<String>)> = Vec::new();
        for (me, file) in &modules {
            let text = std::fs::read_to_string(file).unwrap();
            // Test modules may import anything.
            let text = text.split("#[cfg(test)]").next().unwrap_or_default();
            for statement in text.split(';') {
                // Comments and attributes before a `use` are not part of it.
                let statement: String = statement
                    .lines()
                    .filter(|line| {
                        let line = line.trim_start();
                        !line.starts_with("//") && !line.starts_with('#')
                    })
                    .collect::<Vec<_>>()
                    .join("\n");
                let line = statement.trim_start();
                let line = line
                    .strip_prefix("pub(crate) ")
                    .or_else(|| line.strip_prefix("pub(super) "))
                    .or_else(|| line.strip_prefix("pub "))
                    .unwrap_or(line);
                let Some(tree) = line.strip_prefix("use ") else {
                    continue;
                };
                for path in use_paths(tree) {
                    // A module naming its own descendants is how Rust nests modules.
                    if let Some(target) = resolve(&path, me, &known)
                        && target != *me
                        && !target.is_empty()
                        && !target.starts_with(me)
                        && !edges.contains(&(me.clone(), target.clone()))
                    {
                        edges.push((me.clone(), target));
                    }
                }
            }
        }
        let reaches = |from: &Vec<String>, to: &Vec<String>| {
            let mut seen = vec![from.clone()];
            let mut todo = vec![from.clone()];
            while let Some(at) = todo.pop() {
                for (_, next) in edges.iter().filter(|(source, _)| *source == at) {
                    if next == to {
                        return true;
                    }
                    if !seen.contains(next) {
                        seen.push(next.clone());
                        todo.push(next.clone());
                    }
                }
            }
            false
        };
        for (from, to) in &edges {
            if reaches(to, from) {
                cycles.push(format!(
                    "{}: {} -> {} -> … -> {}",
                    krate.file_name().unwrap().to_string_lossy(),
                    from.join("/"),
                    to.join("/"),
                    from.join("/")
                ));
            }
        }
    }
    assert!(
        cycles.is_empty(),
        "modules that import one that imports them back:\n{}",
        cycles.join("\n")
    );
}

#[test]
fn use_trees_are_read_whole() {
    assert_eq!(
        use_paths("crate::a::{b, c::{d, e as f}, self}"),
        [
            vec!["crate", "a", "b"],
            vec!["crate", "a", "c", "d"],
            vec!["crate", "a", "c", "e"],
            vec!["crate", "a"],
        ]
    );
    let known = vec![vec![], vec!["store".to_owned()], vec!["persist".to_owned()]];
    let me = vec!["store".to_owned(), "runs".to_owned()];
    let path: Vec<String> = ["super", "super", "persist", "Log"]
        .map(str::to_owned)
        .to_vec();
    assert_eq!(
        resolve(&path, &me, &known),
        Some(vec!["persist".to_owned()])
    );
}
