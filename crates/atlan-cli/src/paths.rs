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

/// A tenant's base URL as part of a file name: its host (and port), other characters as `_`.
pub(crate) fn file_name(tenant: &str) -> String {
    tenant
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tenant_is_a_safe_file_name() {
        assert_eq!(file_name("https://acme.atlan.com/"), "acme.atlan.com");
        assert_eq!(file_name("http://127.0.0.1:8700"), "127.0.0.1_8700");
        assert_eq!(file_name("http://../../etc"), ".._.._etc");
    }
}
