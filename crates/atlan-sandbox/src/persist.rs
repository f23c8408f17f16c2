//! The state file: an append-only log of events, one JSON line each, synced to disk before the
//! change is acknowledged.
//!
//! - The first line identifies the file; a file that is not a sandbox state file is refused.
//! - A last line cut short (no newline) is a write that was never acknowledged (the process died
//!   while writing it): it is cut off.
//! - Any other line that does not read is corruption: opening fails with the line number and the file
//!   is left exactly as it is.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::store::Event;

/// The first line of a state file.
const HEADER: &str = r#"{"atlan_sandbox_state":1}"#;

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
}

/// An open state file.
#[derive(Debug)]
pub(crate) struct Log {
    file: File,
    path: PathBuf,
}

impl Log {
    /// Opens (or creates) the state file; returns it and the events it holds.
    pub(crate) fn open(path: &Path) -> Result<(Self, Vec<Event>), StateError> {
        let io_error = |source| StateError::Io {
            path: path.to_owned(),
            source,
        };
        let corrupt = |line, reason: String| StateError::Corrupt {
            path: path.to_owned(),
            line,
            reason,
        };
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(io_error)?;
        let mut events = Vec::new();
        let mut reader = BufReader::new(&file);
        let mut line = String::new();
        let mut line_number = 0;
        let mut good_length: u64 = 0;
        let mut torn = false;
        loop {
            line.clear();
            let read = reader.read_line(&mut line).map_err(io_error)?;
            if read == 0 {
                break;
            }
            line_number += 1;
            if !line.ends_with('\n') {
                torn = true;
                break;
            }
            let text = line.trim_end();
            if line_number == 1 {
                if text != HEADER {
                    return Err(corrupt(1, "this is not an atlan-sandbox state file".into()));
                }
            } else {
                let event: Event = serde_json::from_str(text)
                    .map_err(|error| corrupt(line_number, error.to_string()))?;
                events.push(event);
            }
            good_length += read as u64;
        }
        drop(reader);
        if torn {
            tracing::warn!(path = %path.display(), line = line_number, "cutting off a write that was never acknowledged");
            file.set_len(good_length).map_err(io_error)?;
            file.sync_all().map_err(io_error)?;
        }
        if good_length == 0 {
            file.seek(SeekFrom::End(0)).map_err(io_error)?;
            file.write_all(format!("{HEADER}\n").as_bytes())
                .map_err(io_error)?;
            file.sync_all().map_err(io_error)?;
            if let Some(parent) = path
                .parent()
                .filter(|parent| !parent.as_os_str().is_empty())
            {
                // Make the new file's name durable too.
                if let Ok(directory) = File::open(parent) {
                    let _ = directory.sync_all();
                }
            }
        }
        Ok((
            Self {
                file,
                path: path.to_owned(),
            },
            events,
        ))
    }

    /// Appends events and syncs them to disk.
    ///
    /// # Errors
    /// [`StateError::Io`] naming the file when it cannot be written or synced.
    pub(crate) fn append(&mut self, events: &[Event]) -> Result<(), StateError> {
        let mut buffer = Vec::new();
        for event in events {
            serde_json::to_writer(&mut buffer, event).map_err(|error| self.io(error.into()))?;
            buffer.push(b'\n');
        }
        self.file
            .write_all(&buffer)
            .and_then(|()| self.file.sync_data())
            .map_err(|error| self.io(error))
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
