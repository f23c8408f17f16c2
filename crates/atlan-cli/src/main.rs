//! `atlanctl`: manage Atlan workflows, runs, schedules and source credentials from a shell.
//!
//! Results go to stdout (a table, or JSON with `-o json`); progress, notes, logs (`-v`) and errors
//! go to stderr. Exit codes: 0 success, 1 API or transport error, 2 usage error, 3 not found,
//! 4 monitor timeout, 5 monitored run finished Failed or Error.

mod app_rows;
mod cli;
mod commands;
mod confirm;
mod context;
mod counter;
mod error;
mod input;
mod jq;
mod listing;
mod logs;
mod output;
mod paths;
mod profiles;
mod progress;
mod rows;
mod run_rows;
mod scrub;
mod table;
mod terminal;
mod workflow_names;

use std::error::Error as _;
use std::io::Write;
use std::process::ExitCode;

use clap::FromArgMatches;

use crate::cli::Cli;
use crate::error::CliError;

fn main() -> ExitCode {
    let matches = cli::command().get_matches();
    let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|error| error.exit());
    cli.global.given = profiles::choice::Given::of(&matches);
    if let Some(key) = &cli.global.api_key {
        scrub::remember(key);
    }
    logs::init(cli.global.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            report(&CliError::Output(error));
            return ExitCode::from(error::code::API);
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::from(error::code::SUCCESS),
        Err(error) => {
            report(&error);
            error.exit()
        }
    }
}

/// `error: …`, then each cause on a line of its own.
fn report(error: &CliError) {
    let mut stderr = std::io::stderr().lock();
    let safe = |text: &str| terminal::safe_lines(&scrub::text(text));
    // A plan that would change something is an answer, not a failure.
    let label = if matches!(error, CliError::WouldChange { .. }) {
        "note"
    } else {
        "error"
    };
    let _ = writeln!(stderr, "{label}: {}", safe(&error.to_string()));
    let mut source = error.source();
    // `transparent` errors repeat their first cause: skip a cause already shown.
    let mut shown = error.to_string();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !shown.contains(&text) {
            let _ = writeln!(stderr, "  caused by: {}", safe(&text));
            shown = text;
        }
        source = cause.source();
    }
}
