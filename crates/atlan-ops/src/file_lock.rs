//! One process at a time on a file of records (a bulk operation's journal, a watch's state): a
//! lock file beside it, `PATH.lock`, owner-only, locked (`flock`) for as long as the [`FileLock`]
//! lives and naming its holder's pid; and the check that such a path is a regular file, since a
//! FIFO blocks the process that opens it and a device never ends.
//!
//! The lock file is removed when the lock is let go. A process that opened the lock file just
//! before its holder removed it would lock a file no one else can see: the lock is taken only once
//! the path still names the file locked.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// How many times a lock whose file was removed under it is taken again.
const RELOCK_ATTEMPTS: usize = 8;
/// How many times an empty lock file is read for its holder's pid.
const HOLDER_READS: usize = 100;

/// Why a file could not be locked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LockError {
    /// Another process holds it.
    #[error("{} is in use by {}", path.display(), holder_name(*holder))]
    Held {
        /// The file locked (not the lock file).
        path: PathBuf,
        /// The pid the holder wrote in the lock file, when it reads.
        holder: Option<u32>,
    },
    /// The lock file cannot be made, read or locked.
    #[error("{}: {source}", path.display())]
    Io {
        /// The lock file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
}

/// A lock on a file, held until dropped (then its lock file is removed).
#[derive(Debug)]
pub struct FileLock {
    file: File,
    path: PathBuf,
}

impl FileLock {
    /// Locks `path` for this process, through `PATH.lock`, and writes this process's pid in it.
    ///
    /// # Errors
    /// [`LockError::Held`] naming the holder's pid; [`LockError::Io`].
    pub fn take(path: &Path) -> Result<Self, LockError> {
        let lock_path = lock_file_of(path);
        let io = |source| LockError::Io {
            path: lock_path.clone(),
            source,
        };
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        for _ in 0..RELOCK_ATTEMPTS {
            let mut file = options.open(&lock_path).map_err(io)?;
            if !file.metadata().map_err(io)?.is_file() {
                return Err(io(not_a_file()));
            }
            match file.try_lock() {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) => {
                    return Err(LockError::Held {
                        path: path.to_owned(),
                        holder: holder(&lock_path),
                    });
                }
                Err(fs::TryLockError::Error(error)) => return Err(io(error)),
            }
            if !still_named(&file, &lock_path) {
                continue;
            }
            file.set_len(0).map_err(io)?;
            file.write_all(std::process::id().to_string().as_bytes())
                .map_err(io)?;
            return Ok(Self {
                file,
                path: lock_path,
            });
        }
        Err(io(io::Error::other(
            "its lock file was removed under each attempt to lock it",
        )))
    }
}

impl Drop for FileLock {
    fn drop(&mut self) {
        // Removed while still locked: a process that opened it meanwhile sees that the path no
        // longer names what it locked, and starts again.
        let _ = fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// Who holds a lock, as an error names it: `process PID`, or `another process` when the lock
/// file did not say.
pub fn holder_name(holder: Option<u32>) -> String {
    holder.map_or_else(
        || "another process".to_owned(),
        |pid| format!("process {pid}"),
    )
}

/// `PATH.lock`: the lock file of `path`.
fn lock_file_of(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".lock");
    name.into()
}

/// The pid the holder of the lock file at `path` wrote in it. A holder writes it right after it
/// locked the file: an empty file is read again a few times, a millisecond apart.
fn holder(path: &Path) -> Option<u32> {
    for _ in 0..HOLDER_READS {
        let mut text = String::new();
        let _ = File::open(path).and_then(|file| file.take(32).read_to_string(&mut text));
        if let Ok(pid) = text.trim().parse() {
            return Some(pid);
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    None
}

/// Whether `path` still names `file` (it was not removed or replaced since it was opened).
fn still_named(file: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), fs::metadata(path)) {
            (Ok(open), Ok(named)) => open.ino() == named.ino() && open.dev() == named.dev(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path);
        true
    }
}

/// Refuses a path that names something other than a regular file (a FIFO, a device, a
/// directory); a path that names nothing yet passes. Checked before opening, since opening a FIFO
/// to read blocks until a writer comes.
///
/// # Errors
/// [`io::ErrorKind::InvalidInput`] for what is not a regular file; the error of reading its
/// metadata otherwise.
pub fn check_regular(path: &Path) -> io::Result<()> {
    match fs::metadata(path) {
        Ok(metadata) if metadata.is_file() => Ok(()),
        Ok(_) => Err(not_a_file()),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(error),
    }
}

fn not_a_file() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        "not a regular file (a FIFO, a device or a directory is refused)",
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("atlan-lock-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_second_lock_is_refused_with_the_holder_and_the_file_is_free_once_let_go() {
        let path = dir("held").join("journal.jsonl");
        let lock = FileLock::take(&path).unwrap();
        let error = FileLock::take(&path).unwrap_err();
        assert!(
            matches!(error, LockError::Held { holder: Some(pid), .. } if pid == std::process::id()),
            "{error}"
        );
        assert!(
            error
                .to_string()
                .contains(&format!("process {}", std::process::id())),
            "{error}"
        );
        drop(lock);
        assert!(!path.with_extension("jsonl.lock").exists(), "removed");
        drop(FileLock::take(&path).unwrap());
    }

    #[cfg(unix)]
    #[test]
    fn only_regular_files_pass_and_an_absent_path_does() {
        let dir = dir("regular");
        assert!(check_regular(&dir.join("absent")).is_ok());
        fs::write(dir.join("file"), b"x").unwrap();
        assert!(check_regular(&dir.join("file")).is_ok());
        let error = check_regular(&dir).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
        assert!(check_regular(Path::new("/dev/null")).is_err());
    }
}
