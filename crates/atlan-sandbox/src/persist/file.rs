//! The file side of the state file: its lock, its permissions, the compaction's path, and syncing
//! the directory.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use super::{LOCK_ATTEMPTS, LOCK_PAUSE, StateError};

/// Where a compaction writes its snapshot before renaming it over the file: `PATH.compacting`.
pub(super) fn compacting_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".compacting");
    PathBuf::from(name)
}

/// Takes the lock file `PATH.lock` and writes this process's pid in it.
pub(super) fn lock(path: &Path) -> Result<File, StateError> {
    let mut lock_path = path.as_os_str().to_owned();
    lock_path.push(".lock");
    let lock_path = PathBuf::from(lock_path);
    let io_error = |source| StateError::Io {
        path: lock_path.clone(),
        source,
    };
    let mut file = owner_only()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&lock_path)
        .map_err(io_error)?;
    // A holder that is going away (a process exiting, or a child forked by this process that has
    // not yet reached `exec`) lets go within moments: wait a little before calling it held.
    let mut attempt = 0;
    let locked = loop {
        match file.try_lock() {
            Err(std::fs::TryLockError::WouldBlock) if attempt < LOCK_ATTEMPTS => {
                attempt += 1;
                std::thread::sleep(LOCK_PAUSE);
            }
            other => break other,
        }
    };
    match locked {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = (&file).take(32).read_to_string(&mut holder);
            return Err(StateError::Locked {
                path: path.to_owned(),
                holder: holder.trim().parse().ok(),
            });
        }
        Err(std::fs::TryLockError::Error(error)) => return Err(io_error(error)),
    }
    file.set_len(0).map_err(io_error)?;
    file.write_all(std::process::id().to_string().as_bytes())
        .map_err(io_error)?;
    Ok(file)
}

/// Open options that create files readable and writable by their owner only.
pub(super) fn owner_only() -> OpenOptions {
    #[allow(unused_mut)]
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

/// Takes away group and other permissions from an existing file.
pub(super) fn restrict(file: &File) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mut permissions = file.metadata()?.permissions();
        if permissions.mode() & 0o077 != 0 {
            tracing::warn!("the state file was readable by others: making it owner-only (0600)");
            permissions.set_mode(permissions.mode() & 0o700);
            file.set_permissions(permissions)?;
        }
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

/// Makes a new file's name durable.
pub(super) fn sync_parent(path: &Path) {
    if let Some(parent) = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        && let Ok(directory) = File::open(parent)
    {
        let _ = directory.sync_all();
    }
}
