//! The state file: an append-only log of events, one JSON line per acknowledged change (a single
//! event, or an array of the events of one change), synced to disk before the change is
//! acknowledged. The log knows no event type of its own: it writes and reads whatever serde type
//! it is given (the store's `Event`), so it imports nothing from the store.
//!
//! - The first line identifies the file; a file that is not a sandbox state file is refused, and so
//!   is anything but a regular file (`/dev/zero`, a FIFO, a directory).
//! - One process at a time: the file is locked (`STATE.lock`, which also names the holder's pid)
//!   for as long as the sandbox runs; a second sandbox is refused, naming the process.
//! - The file is created readable by its owner only (0600: it holds credential secrets); an
//!   existing file that others can read is made so.
//! - An append that fails (a full disk) is cut off again before the error is answered, so the file
//!   stays loadable; if even that fails, the log refuses every later write until a restart.
//! - A last line cut short (no newline) is a write that was never acknowledged (the process died
//!   while writing it): it is cut off and reported. Any other line that does not read is corruption:
//!   opening fails with the line number and the file is left exactly as it is.
//! - Compaction ([`Log::compact`]) replaces the file with a snapshot of the state, atomically: the
//!   snapshot is written to `STATE.compacting`, synced, renamed over the file, and the directory
//!   synced. A crash before the rename leaves the old file (the unfinished snapshot is removed at
//!   the next start); after it, the new one, whole. A failed compaction loses nothing either: the
//!   log goes on in the old file.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// The first line of a state file.
const HEADER: &str = r#"{"atlan_sandbox_state":1}"#;

/// How many more times the lock is tried, [`LOCK_PAUSE`] apart, before the file is called in use.
const LOCK_ATTEMPTS: u32 = 25;
/// The pause between two tries of the lock.
const LOCK_PAUSE: std::time::Duration = std::time::Duration::from_millis(20);

/// The longest line a state file may hold (a change is at most a request body of a few MB).
const MAX_LINE: u64 = 64 * 1024 * 1024;

/// How large the file may grow before it is compacted, unless it was already larger after its
/// last compaction: then it may double first (so compaction costs O(1) per byte written).
pub const DEFAULT_COMPACT_AFTER: u64 = 16 * 1024 * 1024;

/// A state file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StateError {
    /// The file could not be read or written.
    #[error("state file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// The file is not a sandbox state file, or a line in it is corrupt.
    #[error("state file {path} is corrupt at line {line}: {reason} (the file was left untouched)")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// The line (1-based).
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// The path is not a regular file.
    #[error("state file {path} is not a regular file")]
    NotAFile {
        /// The path.
        path: PathBuf,
    },
    /// Another process uses the file.
    #[error("state file {path} is in use by {}", holder.map_or_else(|| "another process".to_owned(), |pid| format!("process {pid}")))]
    Locked {
        /// The file.
        path: PathBuf,
        /// The pid written in the lock file by the process that holds it, when readable.
        holder: Option<u32>,
    },
    /// An earlier write failed and could not be undone: the log refuses writes until a restart
    /// (which cuts the unfinished write off).
    #[error(
        "state file {path}: an earlier write failed and could not be undone; restart the sandbox"
    )]
    Poisoned {
        /// The file.
        path: PathBuf,
    },
}

/// What opening a state file found.
#[derive(Debug)]
pub(crate) struct Opened<E> {
    pub(crate) log: Log,
    pub(crate) events: Vec<E>,
    /// A cut-off unfinished last line: (its line number, its length in bytes).
    pub(crate) recovered: Option<(usize, u64)>,
}

/// An open, locked state file.
#[derive(Debug)]
pub(crate) struct Log {
    file: File,
    path: PathBuf,
    /// Held for the life of the log: the lock.
    _lock: File,
    /// The length of the file after the last acknowledged write.
    length: u64,
    /// The length when it was opened or last compacted.
    base: u64,
    /// See [`DEFAULT_COMPACT_AFTER`].
    compact_after: u64,
    /// Compactions done since the file was opened.
    compactions: u64,
    poisoned: bool,
}

/// Where a compaction stops, leaving the files as a crash there would (only tests ask for one).
#[cfg_attr(not(test), allow(dead_code))]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CrashPoint {
    /// Half of the snapshot written, not synced.
    MidSnapshot,
    /// The snapshot written and synced, not renamed.
    BeforeRename,
    /// Renamed, the directory not synced.
    AfterRename,
}

impl Log {
    /// Opens (or creates) the state file; returns it and the events it holds.
    pub(crate) fn open<E: DeserializeOwned>(path: &Path) -> Result<Opened<E>, StateError> {
        let io_error = |source| StateError::Io {
            path: path.to_owned(),
            source,
        };
        match std::fs::metadata(path) {
            Ok(metadata) if !metadata.is_file() => {
                return Err(StateError::NotAFile {
                    path: path.to_owned(),
                });
            }
            Ok(_) => {}
            Err(error) if error.kind() == io::ErrorKind::NotFound => {}
            Err(error) => return Err(io_error(error)),
        }
        let lock = lock(path)?;
        // A compaction that did not reach its rename: the old file is whole, the snapshot is not.
        let unfinished = compacting_path(path);
        if unfinished.exists() {
            tracing::warn!(path = %unfinished.display(), "removing an unfinished compaction of the state file (the process stopped while compacting; the state file itself is whole)");
            std::fs::remove_file(&unfinished).map_err(|source| StateError::Io {
                path: unfinished.clone(),
                source,
            })?;
        }
        let mut file = owner_only()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(io_error)?;
        restrict(&file).map_err(io_error)?;
        let read = read_events::<E>(&file, path)?;
        let mut good_length = read.good_length;
        if read.recovered.is_some() {
            file.set_len(good_length).map_err(io_error)?;
            file.sync_all().map_err(io_error)?;
        }
        if good_length == 0 {
            file.seek(SeekFrom::End(0)).map_err(io_error)?;
            file.write_all(format!("{HEADER}\n").as_bytes())
                .map_err(io_error)?;
            file.sync_all().map_err(io_error)?;
            good_length = HEADER.len() as u64 + 1;
            sync_parent(path);
        }
        Ok(Opened {
            log: Self {
                file,
                path: path.to_owned(),
                _lock: lock,
                length: good_length,
                base: good_length,
                compact_after: DEFAULT_COMPACT_AFTER,
                compactions: 0,
                poisoned: false,
            },
            events: read.events,
            recovered: read.recovered,
        })
    }

    /// Appends the events of one change as one line and syncs it to disk.
    ///
    /// # Errors
    /// [`StateError::Io`] naming the file when it cannot be written or synced (the partial write is
    /// undone); [`StateError::Poisoned`] after a failure that could not be undone.
    pub(crate) fn append<E: Serialize>(&mut self, events: &[E]) -> Result<(), StateError> {
        self.append_with(events, |file, bytes| {
            file.write_all(bytes).and_then(|()| file.sync_data())
        })
    }

    /// Appends events one line each, as one write (the seed data: no client waits on it, and one
    /// line for all of it could exceed the line limit).
    ///
    /// # Errors
    /// As [`Log::append`].
    pub(crate) fn append_each<E: Serialize>(&mut self, events: &[E]) -> Result<(), StateError> {
        for chunk in events.chunks(1_000) {
            let mut buffer = Vec::new();
            for event in chunk {
                serde_json::to_writer(&mut buffer, event).map_err(|error| self.io(error.into()))?;
                buffer.push(b'\n');
            }
            self.write_undoable(&buffer, |file, bytes| {
                file.write_all(bytes).and_then(|()| file.sync_data())
            })?;
        }
        Ok(())
    }

    /// [`Log::append`] with the write itself supplied (tests make it fail half way).
    fn append_with<E: Serialize>(
        &mut self,
        events: &[E],
        write: impl FnOnce(&mut File, &[u8]) -> io::Result<()>,
    ) -> Result<(), StateError> {
        if self.poisoned {
            return Err(StateError::Poisoned {
                path: self.path.clone(),
            });
        }
        let mut buffer = Vec::new();
        let written = match events {
            [event] => serde_json::to_writer(&mut buffer, event),
            events => serde_json::to_writer(&mut buffer, events),
        };
        written.map_err(|error| self.io(error.into()))?;
        buffer.push(b'\n');
        self.write_undoable(&buffer, write)
    }

    /// Writes `buffer` at the end; on failure cuts the file back to its last good length.
    fn write_undoable(
        &mut self,
        buffer: &[u8],
        write: impl FnOnce(&mut File, &[u8]) -> io::Result<()>,
    ) -> Result<(), StateError> {
        if self.poisoned {
            return Err(StateError::Poisoned {
                path: self.path.clone(),
            });
        }
        match write(&mut self.file, buffer) {
            Ok(()) => {
                self.length += buffer.len() as u64;
                Ok(())
            }
            Err(error) => {
                let undone = self
                    .file
                    .set_len(self.length)
                    .and_then(|()| self.file.sync_all());
                if let Err(undo) = undone {
                    tracing::error!(path = %self.path.display(), error = %undo, "cannot undo a failed write: refusing writes until a restart");
                    self.poisoned = true;
                }
                Err(self.io(error))
            }
        }
    }

    /// Compacts once the file is larger than `bytes` (default [`DEFAULT_COMPACT_AFTER`]) and than
    /// twice its length at the last compaction.
    pub(crate) fn set_compact_after(&mut self, bytes: u64) {
        self.compact_after = bytes;
    }

    /// Whether the file has grown enough to be compacted.
    pub(crate) fn wants_compaction(&self) -> bool {
        !self.poisoned && self.length > self.compact_after.max(self.base.saturating_mul(2))
    }

    /// After a compaction that failed: waits until the file doubles again before the next try.
    pub(crate) fn defer_compaction(&mut self) {
        self.base = self.length;
    }

    /// The file's length.
    pub(crate) fn len(&self) -> u64 {
        self.length
    }

    /// How many times it was compacted since it was opened.
    pub(crate) fn compactions(&self) -> u64 {
        self.compactions
    }

    /// Replaces the file with a snapshot of the state: the header, then what `write` writes (one
    /// event a line), as the module describes. The log then appends to the new file.
    ///
    /// # Errors
    /// [`StateError::Io`] when the snapshot cannot be written, synced or renamed: the unfinished
    /// snapshot is removed and the log goes on in the old file, which holds everything.
    pub(crate) fn compact(
        &mut self,
        write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> Result<(), StateError> {
        self.compact_with(write, None)
    }

    fn compact_with(
        &mut self,
        write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
        crash: Option<CrashPoint>,
    ) -> Result<(), StateError> {
        if self.poisoned {
            return Err(StateError::Poisoned {
                path: self.path.clone(),
            });
        }
        let temporary = compacting_path(&self.path);
        let failed = |source| StateError::Io {
            path: temporary.clone(),
            source,
        };
        let crashed = || failed(io::Error::other("a crash, as a test asked"));
        let written = (|| -> io::Result<(File, u64)> {
            let _ = std::fs::remove_file(&temporary);
            let file = owner_only()
                .read(true)
                .append(true)
                .create_new(true)
                .open(&temporary)?;
            let mut out = io::BufWriter::with_capacity(1 << 20, &file);
            out.write_all(HEADER.as_bytes())?;
            out.write_all(b"\n")?;
            if crash == Some(CrashPoint::MidSnapshot) {
                out.flush()?;
                return Err(io::Error::other("a crash, as a test asked"));
            }
            write(&mut out)?;
            out.flush()?;
            drop(out);
            file.sync_all()?;
            let length = file.metadata()?.len();
            Ok((file, length))
        })();
        let (file, length) = match written {
            Ok(written) => written,
            Err(error) => {
                if crash.is_none() {
                    let _ = std::fs::remove_file(&temporary);
                }
                return Err(failed(error));
            }
        };
        if crash == Some(CrashPoint::BeforeRename) {
            return Err(crashed());
        }
        if let Err(error) = std::fs::rename(&temporary, &self.path) {
            let _ = std::fs::remove_file(&temporary);
            return Err(failed(error));
        }
        self.file = file;
        self.length = length;
        self.base = length;
        self.compactions += 1;
        if crash == Some(CrashPoint::AfterRename) {
            return Err(crashed());
        }
        sync_parent(&self.path);
        Ok(())
    }

    fn io(&self, source: io::Error) -> StateError {
        StateError::Io {
            path: self.path.clone(),
            source,
        }
    }

    /// The file's path.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

mod file;
/// What reading a state file gave: its events, the length of its whole lines, and the torn last
/// line (its number and length) when there was one.
struct ReadEvents<E> {
    events: Vec<E>,
    good_length: u64,
    recovered: Option<(usize, u64)>,
}

/// Reads a state file's events, line by line (each at most [`MAX_LINE`] bytes), checking its
/// header; a torn last line is reported, not read.
fn read_events<E: DeserializeOwned>(file: &File, path: &Path) -> Result<ReadEvents<E>, StateError> {
    let corrupt = |line, reason: String| StateError::Corrupt {
        path: path.to_owned(),
        line,
        reason,
    };
    let mut read_events = ReadEvents {
        events: Vec::new(),
        good_length: 0,
        recovered: None,
    };
    let mut reader = BufReader::new(file);
    let mut line = Vec::new();
    let mut line_number = 0;
    loop {
        line.clear();
        let read = (&mut reader)
            .take(MAX_LINE + 1)
            .read_until(b'\n', &mut line)
            .map_err(|source| StateError::Io {
                path: path.to_owned(),
                source,
            })?;
        if read == 0 {
            break;
        }
        line_number += 1;
        if read as u64 > MAX_LINE {
            return Err(corrupt(
                line_number,
                format!("a line is longer than {MAX_LINE} bytes"),
            ));
        }
        if line.last() != Some(&b'\n') {
            read_events.recovered = Some((line_number, read as u64));
            break;
        }
        let text = line.trim_ascii_end();
        if line_number == 1 {
            if text != HEADER.as_bytes() {
                return Err(corrupt(1, "this is not an atlan-sandbox state file".into()));
            }
        } else if text.first() == Some(&b'[') {
            let batch: Vec<E> = serde_json::from_slice(text)
                .map_err(|error| corrupt(line_number, error.to_string()))?;
            read_events.events.extend(batch);
        } else {
            let event: E = serde_json::from_slice(text)
                .map_err(|error| corrupt(line_number, error.to_string()))?;
            read_events.events.push(event);
        }
        read_events.good_length += read as u64;
    }
    Ok(read_events)
}

#[cfg(test)]
mod tests;

use file::{compacting_path, lock, owner_only, restrict, sync_parent};
