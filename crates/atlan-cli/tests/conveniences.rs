//! What a user expects of a command line beyond its commands: completions, man pages, and help
//! that keeps the global options apart.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use common::atlan_alone;

#[tokio::test]
async fn completions_for_every_shell() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef atlan"),
        ("fish", "complete -c atlan"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let output = atlan_alone(&["completions", shell]).await;
        let script = output.ok();
        assert!(script.contains(marker), "{shell}: {script}");
        assert!(script.contains("monitor"), "{shell} completes subcommands");
    }
    atlan_alone(&["completions", "tcsh"]).await.exits(2);
}

#[tokio::test]
async fn man_pages_for_the_command_and_each_subcommand() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("man-test");
    let _ = std::fs::remove_dir_all(&dir);
    atlan_alone(&["man", "--dir", dir.to_str().unwrap()])
        .await
        .ok();
    let top = std::fs::read_to_string(dir.join("atlanctl.1")).unwrap();
    assert!(
        top.starts_with(".ie"),
        "roff: {}",
        &top[..40.min(top.len())]
    );
    assert!(top.contains("workflows"));
    let search = std::fs::read_to_string(dir.join("atlanctl-runs-search.1")).unwrap();
    assert!(search.contains("started\\-since"), "{search}");
    assert!(
        search.contains("Examples:"),
        "the examples are in the page: {search}"
    );
}

#[tokio::test]
async fn help_keeps_the_global_options_under_their_own_heading() {
    for args in [&["--help"][..], &["runs", "search", "--help"][..]] {
        let output = atlan_alone(args).await;
        let help = output.ok();
        let lines: Vec<&str> = help.lines().collect();
        // The line that documents an option: it starts with the option (or its short form).
        let option = |name: &str| {
            lines
                .iter()
                .position(|line| {
                    let line = line.trim_start();
                    line.starts_with('-')
                        && line.split([',', ' ', '[', '=']).any(|word| word == name)
                })
                .unwrap_or_else(|| panic!("{name} is documented: {help}"))
        };
        let heading = lines
            .iter()
            .position(|line| *line == "Global options:")
            .expect(help);
        for global in [
            "--base-url",
            "--sandbox",
            "--dry-run",
            "--route",
            "--output",
        ] {
            assert!(
                option(global) > heading,
                "{global} is under the heading: {help}"
            );
        }
        if args.len() > 1 {
            assert!(
                option("--status") < heading,
                "the command's own options come first: {help}"
            );
        }
    }
}
