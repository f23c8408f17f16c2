//! Tables as people see them: on a real pseudo-terminal they fit its width (the columns that name
//! a row whole) and statuses are coloured; piped, `COLUMNS` fits them and nothing is coloured;
//! `-o wide` keeps every cell whole.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::terminal::Terminal;
use common::{KEY, command, run, sandbox, shell_words};

const SEARCH: &str =
    "runs search --status Succeeded,Failed,Running --started-since now-30d --size 20";

/// `text` without its colour escapes (`ESC [ … m`).
fn plain(text: &str) -> String {
    let mut out = String::new();
    let mut escape = false;
    for c in text.chars() {
        match (escape, c) {
            (_, '\u{1b}') => escape = true,
            (true, 'm') => escape = false,
            (false, c) => out.push(c),
            (true, _) => {}
        }
    }
    out
}

/// A row's first two cells (API and RUN), as written.
fn identity(line: &str) -> String {
    line.split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The table's lines: from the header on, without blank ones.
fn table(screen: &str) -> Vec<String> {
    let lines: Vec<String> = plain(screen)
        .split(['\r', '\n'])
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect();
    let header = lines
        .iter()
        .position(|line| line.starts_with("API"))
        .expect(screen);
    lines[header..].to_vec()
}

#[tokio::test]
async fn on_a_narrow_terminal_rows_fit_with_names_whole_and_statuses_coloured() {
    let (_clock, sandbox) = sandbox().await;
    let wide = Terminal::start_with(
        &sandbox,
        &shell_words(&format!("-o wide {SEARCH}"))
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        200,
        &[("NO_COLOR", "1")],
    );
    let (code, screen) = wide.finish().await;
    assert_eq!(code, 0, "{screen}");
    let whole = table(&screen);
    let widest = whole.iter().map(|line| line.chars().count()).max().unwrap();
    assert!(
        widest > 100,
        "the whole table is wider than the narrow terminal: {widest}"
    );
    // The identifying columns: API and RUN.
    let names: Vec<String> = whole[1..].iter().map(|line| identity(line)).collect();

    let args = shell_words(SEARCH);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let narrow = Terminal::start_with(&sandbox, &args, 100, &[]);
    let (code, screen) = narrow.finish().await;
    assert_eq!(code, 0, "{screen}");
    assert!(
        screen.contains("\u{1b}[31mFailed"),
        "failures are red: {screen:?}"
    );
    assert!(
        screen.contains("\u{1b}[32mSucceeded"),
        "successes are green: {screen:?}"
    );
    let fitted = table(&screen);
    assert_eq!(fitted.len(), whole.len(), "one line per row: {screen}");
    for (line, name) in fitted[1..].iter().zip(&names) {
        assert!(line.chars().count() <= 100, "{line}");
        assert_eq!(&identity(line), name, "the run is whole: {line}");
    }
    assert!(fitted.iter().any(|line| line.contains('…')), "{screen}");

    // NO_COLOR turns colour off on a terminal too.
    let quiet = Terminal::start_with(&sandbox, &args, 100, &[("NO_COLOR", "1")]);
    let (_, screen) = quiet.finish().await;
    assert!(!screen.contains("\u{1b}[3"), "{screen:?}");
}

#[tokio::test]
async fn piped_tables_fit_columns_when_set_and_are_never_coloured() {
    let (_clock, sandbox) = sandbox().await;
    let piped = |vars: Vec<(&'static str, &'static str)>, line: String| {
        let mut command = command();
        command
            .env("ATLAN_BASE_URL", sandbox.base_url())
            .env("ATLAN_API_KEY", KEY);
        for (name, value) in vars {
            command.env(name, value);
        }
        async move { run(command, &shell_words(&line), "").await }
    };
    let whole = piped(vec![], SEARCH.into()).await;
    assert!(
        !whole.ok().contains('…') && !whole.stdout.contains('\u{1b}'),
        "{}",
        whole.stdout
    );
    // COLUMNS=20: narrower than the names alone; still one line per row, the names whole.
    let tiny = piped(vec![("COLUMNS", "20")], format!("--color always {SEARCH}")).await;
    let lines: Vec<&str> = tiny.ok().lines().collect();
    assert_eq!(lines.len(), whole.stdout.lines().count());
    for (fitted, full) in lines.iter().zip(whole.stdout.lines()).skip(1) {
        assert_eq!(identity(&plain(fitted)), identity(full), "{fitted}");
    }
    assert!(
        tiny.stdout.contains('\u{1b}'),
        "--color always colours a pipe too"
    );
    let never = piped(
        vec![("COLUMNS", "20")],
        format!("--color never -o wide {SEARCH}"),
    )
    .await;
    assert_eq!(never.ok(), whole.stdout, "-o wide ignores COLUMNS");
    let jsonl = piped(vec![], format!("-o jsonl {SEARCH}")).await;
    let json = piped(vec![], format!("-o json {SEARCH}")).await;
    assert_eq!(jsonl.ok(), json.ok());
}

#[tokio::test]
async fn json_jq_and_yaml_carry_the_same_documents() {
    let (_clock, sandbox) = sandbox().await;
    let url = sandbox.base_url();
    let piped = |line: String| {
        let mut command = command();
        command
            .env("ATLAN_BASE_URL", &url)
            .env("ATLAN_API_KEY", KEY);
        async move { run(command, &shell_words(&line), "").await }
    };
    let json = piped(format!("-o json {SEARCH}")).await;
    let documents: Vec<serde_json::Value> = json.json_lines();
    assert_eq!(documents.len(), 20);

    let apis: Vec<&str> = documents
        .iter()
        .map(|run| run["api"].as_str().unwrap())
        .collect();
    assert!(
        apis.contains(&"legacy") && apis.contains(&"apps"),
        "runs of both APIs: {apis:?}"
    );
    let picked = piped(format!("--jq .api {SEARCH}")).await;
    assert_eq!(
        picked.ok().lines().collect::<Vec<_>>(),
        apis,
        "strings print as text"
    );
    let legacy = documents.iter().find(|run| run["api"] == "legacy").unwrap();
    let names = piped(format!(
        "--jq 'select(.api == \"legacy\") | .metadata.name' {SEARCH}"
    ))
    .await;
    assert_eq!(
        names.ok().lines().next(),
        legacy["metadata"]["name"].as_str()
    );
    let picked = piped(format!("--jq '{{phase: .status.phase}}' -o table {SEARCH}")).await;
    let first: serde_json::Value =
        serde_json::from_str(picked.ok().lines().next().unwrap()).unwrap();
    assert_eq!(
        first["phase"], documents[0]["status"]["phase"],
        "--jq wins over -o table"
    );
    piped(format!("--jq 'nosuch(1)' {SEARCH}"))
        .await
        .exits(2)
        .mentions("not defined: nosuch");

    let yaml = piped(format!("-o yaml {SEARCH}")).await;
    let parsed: Vec<serde_json::Value> = serde_norway::Deserializer::from_str(yaml.ok())
        .map(|document| serde::Deserialize::deserialize(document).unwrap())
        .collect();
    assert_eq!(parsed, documents);
}
