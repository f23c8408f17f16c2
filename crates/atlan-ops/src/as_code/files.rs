//! Workflow files on disk: a file, or every `*.yaml` and `*.yml` under a directory (sorted, at
//! most [`MAX_FILES`], [`MAX_DIR_DEPTH`] directories deep), each read with [`load::parse`]; a file
//! larger than [`load::MAX_FILE_BYTES`] is refused without being read.

use std::path::{Path, PathBuf};

use super::document::Document;
use super::load::{self, MAX_FILE_BYTES, Problem, Variables};

/// The most workflow files read from a directory.
pub const MAX_FILES: usize = 10_000;
/// The deepest directory read under the one given.
pub const MAX_DIR_DEPTH: usize = 8;

/// The documents of `path` (a file or a directory), each with its file's path as text, and every
/// problem of every file.
pub fn read(path: &Path, variables: &Variables) -> (Vec<(String, Document)>, Vec<Problem>) {
    let mut paths = Vec::new();
    let mut problems = Vec::new();
    if path.is_dir() {
        collect(path, 0, &mut paths, &mut problems);
        paths.sort();
        if paths.is_empty() && problems.is_empty() {
            problems.push(whole(
                path,
                "has no workflow file (*.yaml, *.yml)".to_owned(),
            ));
        }
    } else {
        paths.push(path.to_path_buf());
    }
    let mut documents = Vec::new();
    for path in paths {
        let file = path.display().to_string();
        match read_text(&path) {
            Ok(text) => match load::parse(&file, &text, variables) {
                Ok(document) => documents.push((file, document)),
                Err(found) => problems.extend(found),
            },
            Err(message) => problems.push(whole(&path, message)),
        }
    }
    (documents, problems)
}

fn whole(path: &Path, message: String) -> Problem {
    Problem {
        file: path.display().to_string(),
        line: None,
        field: None,
        message,
    }
}

/// A file's text, refused unread when it is too large.
fn read_text(path: &Path) -> Result<String, String> {
    let size = std::fs::metadata(path)
        .map_err(|error| format!("cannot be read: {error}"))?
        .len();
    if size > MAX_FILE_BYTES as u64 {
        return Err(format!(
            "is {size} bytes: a workflow file is at most {MAX_FILE_BYTES}"
        ));
    }
    std::fs::read_to_string(path).map_err(|error| format!("cannot be read: {error}"))
}

fn collect(dir: &Path, depth: usize, paths: &mut Vec<PathBuf>, problems: &mut Vec<Problem>) {
    if depth > MAX_DIR_DEPTH {
        problems.push(whole(
            dir,
            format!("is deeper than {MAX_DIR_DEPTH} directories"),
        ));
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) => {
            problems.push(whole(dir, format!("cannot be read: {error}")));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            collect(&path, depth + 1, paths, problems);
        } else if path
            .extension()
            .is_some_and(|extension| extension == "yaml" || extension == "yml")
        {
            if paths.len() == MAX_FILES {
                problems.push(whole(
                    dir,
                    format!("holds more than {MAX_FILES} workflow files"),
                ));
                return;
            }
            paths.push(path);
        }
    }
}
