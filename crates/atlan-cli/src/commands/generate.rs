//! `atlanctl completions SHELL` and `atlanctl man --dir DIR`: what the command line itself
//! says about its commands, as shell completions (clap_complete) and man pages (clap_mangen).

use std::path::Path;

use clap_complete::Shell;

use crate::error::CliError;
use crate::output::Printer;

/// Writes the completion script of `shell` to stdout.
pub(crate) fn completions(shell: Shell, printer: &mut Printer) -> Result<(), CliError> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut crate::cli::command(), "atlanctl", &mut script);
    printer.raw(&script)
}

/// Writes `atlanctl.1` and a page per command (`atlanctl-runs-search.1`, …) into `dir`.
pub(crate) fn man_pages(dir: &Path) -> Result<(), CliError> {
    std::fs::create_dir_all(dir)
        .and_then(|()| clap_mangen::generate_to(crate::cli::command(), dir))
        .map_err(|error| {
            CliError::Usage(format!(
                "cannot write man pages to {}: {error}",
                dir.display()
            ))
        })
}
