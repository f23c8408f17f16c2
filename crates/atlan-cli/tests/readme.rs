//! The README's recipes (its ```` ```sh recipe ```` blocks) run as they are written, in order,
//! against a sandbox: each command line with the tenant in the environment, as the README tells a
//! user to set it, and a configuration directory of its own. A line whose comment says it
//! `exits N` must exit N; every other line must succeed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::path::Path;

use common::{KEY, command, run, sandbox, shell_words};

/// The command lines of the README's recipe blocks, each with the exit code its comment states
/// (0 unless it says `exits N`).
fn recipes() -> Vec<(String, i32)> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md"))
            .unwrap();
    let mut lines = Vec::new();
    let mut inside = false;
    for line in readme.lines() {
        match line.trim() {
            "```sh recipe" => inside = true,
            "```" if inside => inside = false,
            text if inside && text.starts_with("atlanctl ") => {
                let (command, comment) = text.split_once(" # ").unwrap_or((text, ""));
                let code = comment
                    .split_once("exits ")
                    .and_then(|(_, rest)| rest.split(|c: char| !c.is_ascii_digit()).next())
                    .and_then(|digits| digits.parse().ok())
                    .unwrap_or(0);
                lines.push((command.trim().to_owned(), code));
            }
            _ => {}
        }
    }
    lines
}

#[tokio::test]
async fn every_recipe_of_the_readme_runs_as_written() {
    let recipes = recipes();
    assert!(
        recipes.len() >= 15,
        "the README has its recipes: {recipes:?}"
    );
    let (_clock, sandbox) = sandbox().await;
    let home = Path::new(env!("CARGO_TARGET_TMPDIR")).join("readme-recipes");
    let _ = std::fs::remove_dir_all(&home);
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("readme-work");
    std::fs::create_dir_all(&scratch).unwrap();
    for (line, code) in recipes {
        let mut command = command();
        command
            .current_dir(&scratch)
            .env("XDG_CONFIG_HOME", &home)
            .env("XDG_STATE_HOME", &home)
            .env("ATLAN_BASE_URL", sandbox.base_url())
            .env("ATLAN_API_KEY", KEY)
            .env("ATLAN_PROD_KEY", KEY);
        let words = shell_words(&line);
        let output = run(command, &words[1..], "").await;
        assert_eq!(
            output.code, code,
            "`{line}`\nstdout: {}\nstderr: {}",
            output.stdout, output.stderr
        );
    }
}
