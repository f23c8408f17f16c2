//! Where the CLI keeps what outlives a command: the user's state directory (`$XDG_STATE_HOME`,
//! or `~/.local/state`), `atlanctl/` in it: the state of `watch` and the journals of bulk
//! operations.

use std::path::PathBuf;

/// `atlanctl/` in the user's state directory, if there is one.
pub(crate) fn state_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_STATE_HOME")
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|dir| !dir.is_empty())
                .map(|home| PathBuf::from(home).join(".local").join("state"))
        })?;
    Some(base.join("atlanctl"))
}

/// A tenant's base URL (or any text) as part of a file name.
pub(crate) use atlan_ops::file_name::file_name;
