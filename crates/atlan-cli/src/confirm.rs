//! Asking before a change: one that cannot be undone (a purge, a delete) or that changes many
//! things (the bulk commands). On a terminal the question names what goes and waits for `y`;
//! without a terminal `--yes` is needed (a usage error, exit 2, naming what would be done).

use std::io::{BufRead, IsTerminal, Write};

use crate::error::CliError;

/// Whether to go on: `yes` given, or `question` answered `y` on the terminal. Without a terminal
/// and without `yes`, a usage error saying `what` would be done.
///
/// # Errors
/// [`CliError::Usage`] without a terminal; [`CliError::Output`] when the answer cannot be read.
pub(crate) fn confirm(question: &str, what: &str, yes: bool) -> Result<bool, CliError> {
    if yes {
        return Ok(true);
    }
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(CliError::Usage(format!(
            "{what}: pass --yes to do it without a terminal"
        )));
    }
    let mut stderr = std::io::stderr().lock();
    let _ = write!(stderr, "{} [y/N] ", crate::terminal::safe_lines(question));
    let _ = stderr.flush();
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "YES"))
}
