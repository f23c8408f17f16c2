//! What the bulk commands (`runs rerun`, `schedules suspend | resume`) share: where the journal
//! of a batch lives, the confirmation, and moving a finished journal aside.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use atlan_ops::bulk::JournalError;
use jiff::Timestamp;

use crate::error::CliError;

/// The journal of an `operation` batch on `tenant`: `explicit`, or
/// `atlanctl/<operation>-<tenant>.jsonl` in the user's state directory.
pub(crate) fn journal_path(
    explicit: Option<PathBuf>,
    operation: &str,
    tenant: &str,
) -> Result<PathBuf, CliError> {
    explicit
        .or_else(|| {
            crate::paths::state_dir().map(|dir| {
                dir.join(format!(
                    "{operation}-{}.jsonl",
                    crate::paths::file_name(tenant)
                ))
            })
        })
        .ok_or_else(|| {
            CliError::Usage(
                "no state directory (neither XDG_STATE_HOME nor HOME is set): pass --journal FILE"
                    .into(),
            )
        })
}

/// The refusal to plan a new batch over an interrupted one's journal.
pub(crate) fn interrupted(path: &Path) -> CliError {
    CliError::State {
        path: path.display().to_string(),
        reason: "an interrupted batch's journal is there: continue it with --resume, or remove it to plan a new batch".into(),
    }
}

/// Asks `question` on the terminal; without one, `--yes` is needed (`what` says what would be
/// done).
pub(crate) fn confirm(question: &str, what: &str) -> Result<bool, CliError> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(CliError::Usage(format!(
            "{what}: pass --yes to do it without a terminal"
        )));
    }
    let mut stderr = std::io::stderr().lock();
    let _ = write!(stderr, "{question} [y/N] ");
    let _ = stderr.flush();
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "YES"))
}

/// Moves the journal of a finished batch aside, as `<operation>-<tenant>-<finished>.jsonl`, so
/// that the next batch starts afresh; answers where it is.
pub(crate) fn finish(path: &Path, operation: &str, tenant: &str) -> PathBuf {
    let stamp = Timestamp::now().strftime("%Y%m%dT%H%M%SZ").to_string();
    let tenant = crate::paths::file_name(tenant);
    // Two batches finished within a second keep both journals.
    let finished = (1..=100)
        .map(|n| {
            let suffix = if n == 1 {
                String::new()
            } else {
                format!("-{n}")
            };
            path.with_file_name(format!("{operation}-{tenant}-{stamp}{suffix}.jsonl"))
        })
        .find(|candidate| !candidate.exists())
        .unwrap_or_else(|| path.with_file_name(format!("{operation}-{tenant}-{stamp}-last.jsonl")));
    if let Err(error) = std::fs::rename(path, &finished) {
        super::super::polling::say(&format!(
            "the batch is done but its journal {} could not be moved aside: {error}",
            path.display()
        ));
    }
    finished
}

/// A journal's failure, as the CLI reports it.
pub(crate) fn journal_error(error: JournalError) -> CliError {
    let path = match &error {
        JournalError::Io { path, .. }
        | JournalError::Exists { path }
        | JournalError::Corrupt { path, .. }
        | JournalError::Mismatch { path, .. } => path.display().to_string(),
        _ => String::new(),
    };
    CliError::State {
        path,
        reason: error.to_string(),
    }
}
