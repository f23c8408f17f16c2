//! Named tenants (profiles): the file that holds them, `config.toml` in `atlanctl/` of the
//! platform's configuration directory (`$XDG_CONFIG_HOME` or `~/.config` on Linux), read and
//! written whole. A profile is a base URL and where its API key comes from: an environment
//! variable, a command, or a key file of its own (`keys/NAME`, readable by the user only). The
//! file never holds a key.
//!
//! ```toml
//! current = "prod"
//!
//! [profiles.prod]
//! base_url = "https://acme.atlan.com"
//! api_key_command = "pass show atlan/prod"
//!
//! [profiles.dev]
//! base_url = "https://acme-dev.atlan.com"
//! api_key_env = "ATLAN_DEV_KEY"
//! ```

pub(crate) mod choice;
pub(crate) mod key;

use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::CliError;

/// The largest profiles file read: a larger one is refused, not read into memory.
const MAX_FILE_BYTES: u64 = 1024 * 1024;
/// The most characters of a profile's name (it names its key file).
const MAX_NAME: usize = 64;

/// `atlanctl/` in the platform's configuration directory, where the profiles live.
///
/// # Errors
/// [`CliError::Usage`] when the platform has none (no home directory).
pub(crate) fn config_dir() -> Result<PathBuf, CliError> {
    dirs::config_dir()
        .filter(|dir| !dir.as_os_str().is_empty())
        .map(|dir| dir.join("atlanctl"))
        .ok_or_else(|| {
            CliError::Usage(
                "no configuration directory (neither XDG_CONFIG_HOME nor HOME is set): profiles \
                 need one; set ATLAN_BASE_URL and ATLAN_API_KEY instead"
                    .into(),
            )
        })
}

/// The profiles file: the profile in use, and every profile by name.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Profiles {
    /// The profile commands use when none is named (`config use`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) current: Option<String>,
    /// Every profile, by name.
    #[serde(default)]
    pub(crate) profiles: BTreeMap<String, Profile>,
}

/// One tenant: its base URL and where its API key comes from (exactly one source).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Profile {
    /// The tenant's address.
    pub(crate) base_url: String,
    /// The environment variable that holds the key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) api_key_env: Option<String>,
    /// The command that prints the key (run with `sh -c`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) api_key_command: Option<String>,
    /// Whether the key is in the profile's own key file (`keys/NAME`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) api_key_stored: bool,
    /// How long the key command may take, in seconds (default [`key::DEFAULT_TIMEOUT_S`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) api_key_timeout_s: Option<u64>,
}

/// The command is left out: it may carry a secret of its own.
impl fmt::Debug for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Profile")
            .field("base_url", &self.base_url)
            .field("key_from", &self.key_from())
            .finish_non_exhaustive()
    }
}

impl Profile {
    /// Where its key comes from, for people: `env VAR`, `command` or `stored` (never the
    /// command itself, which may carry a secret).
    pub(crate) fn key_from(&self) -> String {
        match (
            &self.api_key_env,
            &self.api_key_command,
            self.api_key_stored,
        ) {
            (Some(var), None, false) => format!("env {var}"),
            (None, Some(_), false) => "command".into(),
            (None, None, true) => "stored".into(),
            _ => "?".into(),
        }
    }

    /// Checks the profile: a base URL of `http` or `https` without a user name or password,
    /// exactly one key source.
    ///
    /// # Errors
    /// What is wrong, never repeating a user name or password.
    pub(crate) fn check(&self) -> Result<(), String> {
        let url = self.base_url.trim();
        let parsed = url.parse::<http::Uri>().ok();
        let authority = parsed.as_ref().and_then(http::Uri::authority);
        if authority.is_some_and(|authority| authority.as_str().contains('@')) {
            // Never repeated: the part before `@` is a secret.
            return Err("base_url holds a user name or password: give the key another way".into());
        }
        let web = parsed
            .as_ref()
            .and_then(http::Uri::scheme_str)
            .is_some_and(|scheme| scheme == "https" || scheme == "http");
        if !web || authority.is_none() {
            return Err(format!("base_url `{url}` is not an http(s) address"));
        }
        let sources = usize::from(self.api_key_env.is_some())
            + usize::from(self.api_key_command.is_some())
            + usize::from(self.api_key_stored);
        if sources != 1 {
            return Err("needs exactly one of api_key_env, api_key_command, api_key_stored".into());
        }
        Ok(())
    }
}

/// Checks a profile's name: 1 to 64 letters, digits, `-`, `_` or `.`, not starting with `.`.
///
/// # Errors
/// [`CliError::Usage`] naming what is wrong.
pub(crate) fn check_name(name: &str) -> Result<(), CliError> {
    let valid = !name.is_empty()
        && name.len() <= MAX_NAME
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if valid {
        Ok(())
    } else {
        Err(CliError::Usage(format!(
            "`{name}` is not a profile name: 1 to {MAX_NAME} letters, digits, `-`, `_` or `.`"
        )))
    }
}

impl Profiles {
    /// The profiles file in `dir`.
    pub(crate) fn path(dir: &Path) -> PathBuf {
        dir.join("config.toml")
    }

    /// Reads the profiles file in `dir`; none there is no profile.
    ///
    /// # Errors
    /// [`CliError::Profiles`] naming the file (and the line, for TOML that does not read) when it
    /// cannot be read, is too large, or holds a profile that does not check.
    pub(crate) fn load(dir: &Path) -> Result<Self, CliError> {
        let path = Self::path(dir);
        let bad = |reason: String| CliError::Profiles {
            path: path.display().to_string(),
            reason,
        };
        let text = match std::fs::metadata(&path) {
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Self::default());
            }
            Err(error) => return Err(bad(error.to_string())),
            Ok(meta) if meta.len() > MAX_FILE_BYTES => {
                return Err(bad(format!("larger than {MAX_FILE_BYTES} bytes")));
            }
            Ok(_) => std::fs::read_to_string(&path).map_err(|error| bad(error.to_string()))?,
        };
        let profiles: Self =
            toml::from_str(&text).map_err(|error| bad(toml_error(&text, &error)))?;
        profiles.check().map_err(bad)?;
        Ok(profiles)
    }

    /// Writes the profiles file in `dir` (created when missing, readable by the user only),
    /// whole, through a file renamed into place.
    ///
    /// # Errors
    /// [`CliError::Profiles`] naming the file.
    pub(crate) fn save(&self, dir: &Path) -> Result<(), CliError> {
        let path = Self::path(dir);
        let text = toml::to_string(self).map_err(|error| CliError::Profiles {
            path: path.display().to_string(),
            reason: error.to_string(),
        })?;
        let text = format!(
            "# atlanctl's profiles: see `atlanctl config --help`. No key is kept here.\n{text}"
        );
        write_private(dir, &path, text.as_bytes())
    }

    /// Checks every profile's name and fields, and that `current` names one of them.
    ///
    /// # Errors
    /// What is wrong, naming the profile.
    pub(crate) fn check(&self) -> Result<(), String> {
        for (name, profile) in &self.profiles {
            check_name(name).map_err(|error| error.to_string())?;
            profile
                .check()
                .map_err(|reason| format!("profile `{name}`: {reason}"))?;
        }
        match &self.current {
            Some(current) if !self.profiles.contains_key(current) => {
                Err(format!("current names `{current}`, which is no profile"))
            }
            _ => Ok(()),
        }
    }

    /// The profile `name`.
    ///
    /// # Errors
    /// [`CliError::Usage`] (exit 2) naming the profiles there are.
    pub(crate) fn get(&self, name: &str) -> Result<&Profile, CliError> {
        self.profiles.get(name).ok_or_else(|| self.unknown(name))
    }

    /// The refusal of a profile name that is not there, naming the ones that are.
    pub(crate) fn unknown(&self, name: &str) -> CliError {
        let known: Vec<&str> = self.profiles.keys().map(String::as_str).collect();
        CliError::Usage(if known.is_empty() {
            format!(
                "no profile `{name}`: there is none yet (`atlanctl config set NAME --base-url URL …`)"
            )
        } else {
            format!("no profile `{name}`: the profiles are {}", known.join(", "))
        })
    }
}

/// A TOML error as one line: where (line and column) and what.
fn toml_error(text: &str, error: &toml::de::Error) -> String {
    let message = error.message().trim();
    match error.span() {
        Some(span) => {
            let before = text.get(..span.start).unwrap_or(text);
            let line = before.matches('\n').count() + 1;
            let column = before.len() - before.rfind('\n').map_or(0, |at| at + 1) + 1;
            format!("line {line}, column {column}: {message}")
        }
        None => message.to_owned(),
    }
}

/// Writes `bytes` to `path` in `dir` (created, readable by the user only, when missing) through a
/// temporary file renamed into place, the file readable by the user only.
///
/// # Errors
/// [`CliError::Profiles`] naming the file.
pub(crate) fn write_private(dir: &Path, path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let fail = |error: std::io::Error| CliError::Profiles {
        path: path.display().to_string(),
        reason: error.to_string(),
    };
    create_private_dir(dir).map_err(fail)?;
    let temporary = path.with_extension("tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&temporary).map_err(fail)?;
    // A temporary file left by an earlier attempt keeps its mode: set it again.
    #[cfg(unix)]
    std::fs::set_permissions(
        &temporary,
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .map_err(fail)?;
    file.write_all(bytes).map_err(fail)?;
    file.sync_all().map_err(fail)?;
    drop(file);
    std::fs::rename(&temporary, path).map_err(fail)
}

/// Creates `dir` and its parents when missing, `dir` itself readable by the user only.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn profile() -> Profile {
        Profile {
            base_url: "https://acme.atlan.com".into(),
            api_key_env: Some("KEY".into()),
            api_key_command: None,
            api_key_stored: false,
            api_key_timeout_s: None,
        }
    }

    #[test]
    fn a_file_round_trips_and_holds_no_key() {
        let dir = std::env::temp_dir().join(format!("atlanctl-profiles-{}", std::process::id()));
        let mut profiles = Profiles::default();
        profiles.profiles.insert("prod".into(), profile());
        profiles.current = Some("prod".into());
        profiles.save(&dir).unwrap();
        let text = std::fs::read_to_string(Profiles::path(&dir)).unwrap();
        assert!(
            text.contains("[profiles.prod]") && text.contains("current = \"prod\""),
            "{text}"
        );
        let read = Profiles::load(&dir).unwrap();
        assert_eq!(read.get("prod").unwrap(), &profile());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(Profiles::path(&dir))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn bad_files_name_the_line_or_the_profile() {
        let dir = std::env::temp_dir().join(format!("atlanctl-bad-{}", std::process::id()));
        for (text, says) in [
            ("current = \"prod\"\n[profiles.prod\nbase_url = 1", "line 2"),
            (
                "[profiles.prod]\nbase_url = \"ftp://x\"\napi_key_env = \"K\"",
                "profile `prod`: base_url",
            ),
            (
                "[profiles.prod]\nbase_url = \"https://a.b\"",
                "exactly one of",
            ),
            ("current = \"nope\"", "`nope`, which is no profile"),
            (
                "[profiles.p]\nbase_url = \"https://me:secret@a.b\"\napi_key_env = \"K\"",
                "a user name or password",
            ),
            (
                "[profiles.prod]\nbase_url = \"https://a.b\"\napi_key = \"secret\"",
                "unknown field",
            ),
        ] {
            write_private(&dir, &Profiles::path(&dir), text.as_bytes()).unwrap();
            let error = Profiles::load(&dir).unwrap_err().to_string();
            assert!(
                error.contains("config.toml") && error.contains(says),
                "{text}: {error}"
            );
            assert!(!error.contains("secret"), "{error}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn names_are_checked_and_debug_hides_the_command() {
        for bad in ["", ".hidden", "a/b", "a b", &"x".repeat(65)] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
        check_name("prod-eu_1.2").unwrap();
        let mut with_command = profile();
        with_command.api_key_env = None;
        with_command.api_key_command = Some("echo sk-very-secret".into());
        let debug = format!("{with_command:?}");
        assert!(
            !debug.contains("sk-very-secret") && debug.contains("command"),
            "{debug}"
        );
    }
}
