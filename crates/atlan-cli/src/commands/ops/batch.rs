//! What the batch commands (`runs rerun`, `schedules suspend | resume`, `migrate apply`) share:
//! where the journal of a batch lives, resuming or confirming it, and moving a finished journal
//! aside with the batch's verdict.

use std::path::{Path, PathBuf};

use atlan_ops::bulk::{Header, Journal};
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

/// Moves the journal of a finished batch aside (see [`finish`]); `trouble`, what went wrong with
/// part of the batch, fails the command (exit 1) naming the journal kept aside.
pub(crate) fn conclude(
    path: &Path,
    operation: &str,
    tenant: &str,
    trouble: Option<String>,
) -> Result<(), CliError> {
    let finished = finish(path, operation, tenant);
    match trouble {
        None => Ok(()),
        Some(reason) => Err(CliError::State {
            path: finished.display().to_string(),
            reason,
        }),
    }
}

/// Moves the journal of a finished batch aside, as `<operation>-<tenant>-<finished>.jsonl`, so
/// that the next batch starts afresh; answers where it is.
fn finish(path: &Path, operation: &str, tenant: &str) -> PathBuf {
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

/// A dry run of a batch: each request that would change something on stdout (one line of JSON, as
/// every dry run prints a request), what would send nothing and why on stderr, then that nothing
/// was sent and no journal written.
pub(crate) fn print_previews(
    previews: &[atlan_ops::Preview],
    env: &mut crate::context::Env,
) -> Result<(), CliError> {
    let say = super::super::polling::say;
    let mut requests = 0;
    for preview in previews {
        let named = format!("{} ({})", preview.workflow, preview.api.as_str());
        match (&preview.request, &preview.note) {
            (Some(request), note) => {
                env.show(request)?;
                requests += 1;
                if let Some(note) = note {
                    say(&format!("  {named}: {note}"));
                }
            }
            (None, note) => say(&format!(
                "  {named}: nothing would be sent ({})",
                note.as_deref().unwrap_or("nothing to do")
            )),
        }
    }
    say(&format!(
        "dry run: {requests} request(s) would change something (the first of each workflow's); \
         nothing was sent and no journal was written"
    ));
    Ok(())
}

/// The journal of an interrupted batch when `resume` (refused, nothing sent, when it belongs to
/// another tenant or selection); `None` for a new batch, refused when an interrupted one's
/// journal is there.
pub(crate) fn reopen(
    path: &Path,
    header: &Header,
    resume: bool,
) -> Result<Option<Journal>, CliError> {
    if resume {
        let journal = Journal::resume(path, header).map_err(CliError::Journal)?;
        super::super::polling::say(&format!("resuming the batch in {}", path.display()));
        return Ok(Some(journal));
    }
    if path.exists() {
        return Err(interrupted(path));
    }
    Ok(None)
}

/// What a batch of `count` changes asks before it starts: "`verb` 3 workflow(s)?", "3
/// workflow(s) would be `done`" (of their schedules, with `schedules`), or "nothing to `verb`".
#[derive(Debug, Clone, Copy)]
pub(crate) struct Asking<'a> {
    /// What the batch does, as a verb (`re-run`, `suspend`).
    pub(crate) verb: &'a str,
    /// What is done to each (`re-run`, `suspended`).
    pub(crate) done: &'a str,
    /// Whether it changes the workflows' schedules rather than the workflows.
    pub(crate) schedules: bool,
    /// Whether the person said yes beforehand (`--yes`).
    pub(crate) yes: bool,
}

/// The journal of a batch of `count` changes: the interrupted batch's when `resumed`, else a new
/// one (see [`start`]). `None` when there is nothing to do or the person declined.
pub(crate) fn begin(
    resumed: Option<Journal>,
    path: &Path,
    header: Header,
    count: usize,
    asking: Asking<'_>,
) -> Result<Option<Journal>, CliError> {
    match resumed {
        Some(journal) => Ok(Some(journal)),
        None => start(path, header, count, asking),
    }
}

/// A new batch of `count` changes: confirmed (or `--yes`), its journal created and named. `None`
/// when there is nothing to do (that is said) or the person declined.
pub(crate) fn start(
    path: &Path,
    header: Header,
    count: usize,
    asking: Asking<'_>,
) -> Result<Option<Journal>, CliError> {
    let say = super::super::polling::say;
    let Asking {
        verb,
        done,
        schedules,
        yes,
    } = asking;
    if count == 0 {
        say(&format!("nothing to {verb}"));
        return Ok(None);
    }
    let what = if schedules {
        format!("the schedules of {count} workflow(s)")
    } else {
        format!("{count} workflow(s)")
    };
    if !crate::confirm::confirm(
        &format!("{verb} {what}?"),
        &format!("{what} would be {done}"),
        yes,
    )? {
        say("nothing was changed");
        return Ok(None);
    }
    let journal = Journal::create(path, header).map_err(CliError::Journal)?;
    say(&format!("journal: {}", path.display()));
    Ok(Some(journal))
}
