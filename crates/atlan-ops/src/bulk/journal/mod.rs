//! The journal of a bulk operation (re-runs, schedule suspensions): one JSON line per record,
//! each appended and synced to disk before the next step, so that an interrupted batch (Ctrl-C,
//! `kill -9`, a lost network) can be resumed without doing twice what was done or skipping what
//! was not.
//!
//! The first line is the [`Header`]: the operation, the tenant and the selection the batch was
//! planned for; resuming with another tenant or selection is refused. Then, per target, a
//! [`Record::Decided`] written **before** its request is sent, and a [`Record::Done`] after its
//! outcome is known. A target decided but not done is one whose request may have reached the
//! server: a resume must not send it blindly again ([`Progress::Decided`]).
//!
//! A kill can tear the last line: what follows the last newline is dropped when the journal is
//! opened (and cut from the file before anything is appended). A whole line (one that ends with a
//! newline) that does not read is corruption, wherever it is, and the journal is refused rather
//! than guessed at.
//!
//! One process at a time: a journal is locked while it is open ([`FileLock`], `PATH.lock`), and
//! a second process is refused with the pid of the first. Only a regular file is a journal: a
//! FIFO given as one would block the command for ever.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::file_lock::{self, FileLock, LockError};
use crate::view::Api;

/// The version of the journal's layout.
pub const VERSION: u32 = 1;
/// The largest journal read.
pub const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// What a journal is for: the operation, the tenant and the selection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Header {
    /// The layout's version ([`VERSION`]).
    pub version: u32,
    /// The operation, such as `rerun` or `suspend`.
    pub operation: String,
    /// The tenant's base URL.
    pub tenant: String,
    /// The selection, as the command line or the caller stated it (a canonical text).
    pub selection: String,
    /// When the batch was planned.
    pub created: Timestamp,
}

impl Header {
    /// A header for `operation` on `tenant` over `selection`, planned at `created`.
    pub fn new(
        operation: impl Into<String>,
        tenant: impl Into<String>,
        selection: impl Into<String>,
        created: Timestamp,
    ) -> Self {
        Self {
            version: VERSION,
            operation: operation.into(),
            tenant: tenant.into(),
            selection: selection.into(),
            created,
        }
    }
}

/// What came of a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Outcome {
    /// Its run was submitted and the server answered.
    Rerun,
    /// Nothing was sent (a run was active, or it no longer needs it).
    Skipped,
    /// The request may have reached the server, and no answer came: left as it is.
    MaybeSent,
    /// The server refused it.
    Failed,
    /// Its schedule was suspended.
    Suspended,
    /// Its schedule was restored.
    Resumed,
    /// Its app workflow was created (a migration).
    Created,
    /// Its app workflow existed already with the same inputs (a migration done before).
    Reused,
    /// The legacy workflow was archived once its app workflow existed.
    Archived,
    /// Its app workflow was changed to match its file.
    Updated,
    /// Its app workflow was deleted (a prune).
    Deleted,
}

impl Outcome {
    /// The word, as JSON shows it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rerun => "rerun",
            Self::Skipped => "skipped",
            Self::MaybeSent => "maybe_sent",
            Self::Failed => "failed",
            Self::Suspended => "suspended",
            Self::Resumed => "resumed",
            Self::Created => "created",
            Self::Reused => "reused",
            Self::Archived => "archived",
            Self::Updated => "updated",
            Self::Deleted => "deleted",
        }
    }
}

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "record", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Record {
    /// The first line.
    Header(Header),
    /// About to send the request for a target (synced before it is sent).
    Decided {
        /// The target's API.
        api: Api,
        /// The target (a workflow name or an app workflow slug).
        workflow: String,
        /// When.
        at: Timestamp,
    },
    /// What came of it.
    Done {
        /// The target's API.
        api: Api,
        /// The target.
        workflow: String,
        /// The outcome.
        outcome: Outcome,
        /// The run it started, if any.
        run: Option<String>,
        /// Why, in a sentence.
        reason: Option<String>,
        /// When.
        at: Timestamp,
    },
}

/// Where a target stands in a journal.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Progress {
    /// Nothing was decided for it: do it.
    Untouched,
    /// Its request was about to be sent at `at` and no outcome was written: it may have reached
    /// the server.
    Decided {
        /// When it was decided.
        at: Timestamp,
    },
    /// Its outcome is known.
    Done {
        /// The outcome.
        outcome: Outcome,
        /// The run it started, if any.
        run: Option<String>,
    },
}

/// Why a journal cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JournalError {
    /// It cannot be read or written.
    #[error("the journal {path}: {source}")]
    Io {
        /// Its path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A journal is already there (a new batch never overwrites one).
    #[error("the journal {path} exists: resume it, or remove it to plan a new batch")]
    Exists {
        /// Its path.
        path: PathBuf,
    },
    /// It is not a journal this version reads, or a whole line (one that ends with a newline) is
    /// broken.
    #[error("the journal {path} cannot be read at line {line}: {reason}")]
    Corrupt {
        /// Its path.
        path: PathBuf,
        /// The line (1-based).
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// Another process has it open (two batches on one journal would send twice).
    #[error("the journal {} is in use by {}: nothing was sent", path.display(), file_lock::holder_name(*holder))]
    Locked {
        /// Its path.
        path: PathBuf,
        /// The pid of the process that has it open, when known.
        holder: Option<u32>,
    },
    /// It belongs to another operation, tenant or selection.
    #[error("the journal {path} is for {what} `{found}`, not `{expected}`: nothing was sent")]
    Mismatch {
        /// Its path.
        path: PathBuf,
        /// `operation`, `tenant` or `selection`.
        what: &'static str,
        /// What this batch is.
        expected: String,
        /// What the journal says.
        found: String,
    },
}

/// Where each target (its API and name) stands.
type Standing = BTreeMap<(Api, String), Progress>;

/// An open journal: where each target stands, and the file records are appended to.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: File,
    header: Header,
    progress: Standing,
    /// Held for as long as the journal is open.
    _lock: FileLock,
}

impl From<LockError> for JournalError {
    fn from(error: LockError) -> Self {
        match error {
            LockError::Held { path, holder } => Self::Locked { path, holder },
            LockError::Io { path, source } => Self::Io { path, source },
        }
    }
}

impl Journal {
    /// Starts a new journal at `path` with `header` (its directory is created).
    ///
    /// # Errors
    /// [`JournalError::Exists`] when there is one already (or anything else by that name);
    /// [`JournalError::Locked`] while another process is creating it; [`JournalError::Io`].
    pub fn create(path: &Path, header: Header) -> Result<Self, JournalError> {
        let io = |source| JournalError::Io {
            path: path.to_owned(),
            source,
        };
        if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
            fs::create_dir_all(dir).map_err(io)?;
        }
        // A journal there is told as such, before its lock is asked for.
        if path.symlink_metadata().is_ok() {
            return Err(JournalError::Exists {
                path: path.to_owned(),
            });
        }
        let lock = FileLock::take(path)?;
        let file = match OpenOptions::new()
            .read(true)
            .append(true)
            .create_new(true)
            .open(path)
        {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(JournalError::Exists {
                    path: path.to_owned(),
                });
            }
            Err(e) => return Err(io(e)),
        };
        let mut journal = Self {
            path: path.to_owned(),
            file,
            header: header.clone(),
            progress: BTreeMap::new(),
            _lock: lock,
        };
        journal.append(&Record::Header(header))?;
        Ok(journal)
    }

    /// Opens the journal at `path` to resume it: it must be for the operation, tenant and
    /// selection of `expected` (its creation time is not compared). A torn last line is dropped.
    ///
    /// # Errors
    /// [`JournalError::Locked`] while another process has it open, [`JournalError::Mismatch`]
    /// naming what differs, [`JournalError::Corrupt`], [`JournalError::Io`] (no journal at
    /// `path`, or one that is not a regular file, included).
    pub fn resume(path: &Path, expected: &Header) -> Result<Self, JournalError> {
        let io = |source| JournalError::Io {
            path: path.to_owned(),
            source,
        };
        file_lock::check_regular(path).map_err(io)?;
        if !path.exists() {
            return Err(io(std::io::ErrorKind::NotFound.into()));
        }
        let lock = FileLock::take(path)?;
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .open(path)
            .map_err(io)?;
        let mut bytes = Vec::new();
        (&mut file)
            .take(MAX_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(io)?;
        let corrupt = |line: usize, reason: String| JournalError::Corrupt {
            path: path.to_owned(),
            line,
            reason,
        };
        if bytes.len() as u64 > MAX_BYTES {
            return Err(corrupt(1, format!("it is larger than {MAX_BYTES} bytes")));
        }
        // Only whole lines count: what follows the last newline was torn by a kill.
        let whole = bytes
            .iter()
            .rposition(|byte| *byte == b'\n')
            .map_or(0, |at| at + 1);
        let (header, progress) = read_records(bytes.get(..whole).unwrap_or_default(), &corrupt)?;
        check_header(path, &header, expected)?;
        // Cut what a kill tore, so that the next record starts on a line of its own.
        if whole < bytes.len() {
            file.set_len(whole as u64).map_err(io)?;
            file.seek(SeekFrom::End(0)).map_err(io)?;
        }
        Ok(Self {
            path: path.to_owned(),
            file,
            header,
            progress,
            _lock: lock,
        })
    }

    /// The submits a journal at `path` records, whatever batch it is of: each target decided
    /// (its request sent, or maybe sent) and not done as skipped or failed, with when. A journal
    /// that cannot be read gives none: this is a guard, not a source of truth.
    pub fn submits(path: &Path) -> Vec<(Api, String, Timestamp)> {
        if !path.is_file() {
            return Vec::new();
        }
        let Ok(file) = File::open(path) else {
            return Vec::new();
        };
        let mut bytes = Vec::new();
        if file.take(MAX_BYTES).read_to_end(&mut bytes).is_err() {
            return Vec::new();
        }
        let mut decided: BTreeMap<(Api, String), Timestamp> = BTreeMap::new();
        for line in bytes.split(|byte| *byte == b'\n') {
            match serde_json::from_slice::<Record>(line) {
                Ok(Record::Decided { api, workflow, at }) => {
                    decided.insert((api, workflow), at);
                }
                Ok(Record::Done {
                    api,
                    workflow,
                    outcome: Outcome::Skipped | Outcome::Failed,
                    ..
                }) => {
                    decided.remove(&(api, workflow));
                }
                _ => {}
            }
        }
        decided
            .into_iter()
            .map(|((api, workflow), at)| (api, workflow, at))
            .collect()
    }

    /// Records that the request for `workflow` is about to be sent, and syncs it.
    ///
    /// # Errors
    /// [`JournalError::Io`]: then nothing may be sent.
    pub fn decide(&mut self, api: Api, workflow: &str, at: Timestamp) -> Result<(), JournalError> {
        self.append(&Record::Decided {
            api,
            workflow: workflow.to_owned(),
            at,
        })?;
        self.progress
            .insert((api, workflow.to_owned()), Progress::Decided { at });
        Ok(())
    }

    /// Records what came of `workflow`, and syncs it.
    ///
    /// # Errors
    /// [`JournalError::Io`].
    pub fn done(
        &mut self,
        api: Api,
        workflow: &str,
        outcome: Outcome,
        run: Option<String>,
        reason: Option<String>,
        at: Timestamp,
    ) -> Result<(), JournalError> {
        self.append(&Record::Done {
            api,
            workflow: workflow.to_owned(),
            outcome,
            run: run.clone(),
            reason,
            at,
        })?;
        self.progress
            .insert((api, workflow.to_owned()), Progress::Done { outcome, run });
        Ok(())
    }

    /// Where `workflow` stands.
    pub fn progress(&self, api: Api, workflow: &str) -> Progress {
        self.progress
            .get(&(api, workflow.to_owned()))
            .cloned()
            .unwrap_or(Progress::Untouched)
    }

    /// What the journal is for.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn append(&mut self, record: &Record) -> Result<(), JournalError> {
        let io = |source| JournalError::Io {
            path: self.path.clone(),
            source,
        };
        let mut line = serde_json::to_vec(record).map_err(|e| io(std::io::Error::other(e)))?;
        line.push(b'\n');
        self.file.write_all(&line).map_err(io)?;
        self.file.sync_data().map_err(io)
    }
}

/// The header and where each target stands, read from the whole lines of a journal (`corrupt`
/// makes the error of a line that does not read, with its number).
fn read_records(
    lines: &[u8],
    corrupt: &impl Fn(usize, String) -> JournalError,
) -> Result<(Header, Standing), JournalError> {
    let mut header = None;
    let mut progress = BTreeMap::new();
    for (index, line) in lines.split_inclusive(|byte| *byte == b'\n').enumerate() {
        // A record's newline is its last byte written: a whole line was written whole.
        let record: Record =
            serde_json::from_slice(line).map_err(|error| corrupt(index + 1, error.to_string()))?;
        match (record, &header) {
            (Record::Header(found), None) => header = Some(found),
            (_, None) => return Err(corrupt(index + 1, "the first line is not a header".into())),
            (Record::Header(_), Some(_)) => {
                return Err(corrupt(index + 1, "a second header".into()));
            }
            (Record::Decided { api, workflow, at }, Some(_)) => {
                progress.insert((api, workflow), Progress::Decided { at });
            }
            (
                Record::Done {
                    api,
                    workflow,
                    outcome,
                    run,
                    ..
                },
                Some(_),
            ) => {
                progress.insert((api, workflow), Progress::Done { outcome, run });
            }
        }
    }
    let header = header.ok_or_else(|| corrupt(1, "it is empty".into()))?;
    if header.version != VERSION {
        return Err(corrupt(
            1,
            format!("version {}, this version reads {VERSION}", header.version),
        ));
    }
    Ok((header, progress))
}

/// Refuses a journal at `path` whose header is for another operation, tenant or selection than
/// `expected`.
fn check_header(path: &Path, header: &Header, expected: &Header) -> Result<(), JournalError> {
    let fields = [
        ("operation", &expected.operation, &header.operation),
        ("tenant", &expected.tenant, &header.tenant),
        ("selection", &expected.selection, &header.selection),
    ];
    match fields
        .into_iter()
        .find(|(_, expected, found)| expected != found)
    {
        Some((what, expected, found)) => Err(JournalError::Mismatch {
            path: path.to_owned(),
            what,
            expected: expected.clone(),
            found: found.clone(),
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests;
