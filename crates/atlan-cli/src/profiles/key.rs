//! A profile's API key: read from its environment variable, printed by its command (within a
//! timeout), or read from its key file. Every failure names the profile and never carries the
//! key or what the command printed.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use secrecy::SecretString;
use tokio::io::AsyncReadExt;

use super::{Profile, write_private};
use crate::error::CliError;

/// How long a key command may take when its profile does not say, in seconds.
pub(crate) const DEFAULT_TIMEOUT_S: u64 = 30;
/// The most bytes of a key read from a command, a file or stdin.
const MAX_KEY_BYTES: u64 = 64 * 1024;

/// The key file of profile `name` in the profiles directory `dir`.
pub(crate) fn file(dir: &Path, name: &str) -> PathBuf {
    dir.join("keys").join(name)
}

/// The API key of profile `name`.
///
/// # Errors
/// [`CliError::Usage`] naming the profile when the variable is unset, the command fails, prints
/// nothing or takes longer than its timeout, or the key file cannot be read.
pub(crate) async fn resolve(
    name: &str,
    profile: &Profile,
    dir: &Path,
) -> Result<SecretString, CliError> {
    let fail = |reason: String| CliError::Usage(format!("profile `{name}`: {reason}"));
    let key = if let Some(var) = &profile.api_key_env {
        std::env::var(var).map_err(|_| fail(format!("its key variable {var} is not set")))?
    } else if let Some(command) = &profile.api_key_command {
        let timeout = profile.api_key_timeout_s.unwrap_or(DEFAULT_TIMEOUT_S);
        run(command, Duration::from_secs(timeout))
            .await
            .map_err(fail)?
    } else {
        let path = file(dir, name);
        read_bounded(&path).map_err(|error| {
            fail(format!(
                "its key file {} cannot be read ({error}): set it again with `atlanctl config set {name} --base-url URL --api-key-stdin`",
                path.display()
            ))
        })?
    };
    let key = key.trim();
    if key.is_empty() {
        return Err(fail("its key is empty".into()));
    }
    let key = SecretString::from(key.to_owned());
    crate::scrub::remember(&key);
    Ok(key)
}

/// What `command` prints on stdout, run with `sh -c` (`cmd /C` on Windows) with no stdin and its
/// stderr dropped, killed after `timeout`.
async fn run(command: &str, timeout: Duration) -> Result<String, String> {
    #[cfg(unix)]
    let mut child = tokio::process::Command::new("sh");
    #[cfg(unix)]
    child.arg("-c");
    #[cfg(not(unix))]
    let mut child = tokio::process::Command::new("cmd");
    #[cfg(not(unix))]
    child.arg("/C");
    let mut child = child
        .arg(command)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(|error| format!("its key command cannot start: {error}"))?;
    let mut stdout = child.stdout.take().ok_or("its key command has no output")?;
    let finished = async {
        let mut printed = Vec::new();
        (&mut stdout)
            .take(MAX_KEY_BYTES)
            .read_to_end(&mut printed)
            .await
            .map_err(|error| format!("its key command's output cannot be read: {error}"))?;
        let status = child
            .wait()
            .await
            .map_err(|error| format!("its key command cannot be waited for: {error}"))?;
        if !status.success() {
            return Err(format!("its key command failed ({status})"));
        }
        String::from_utf8(printed)
            .map_err(|_| "its key command printed something that is not text".into())
    };
    tokio::time::timeout(timeout, finished).await.map_err(|_| {
        format!(
            "its key command did not finish within {}s (api_key_timeout_s in the profile)",
            timeout.as_secs()
        )
    })?
}

/// Stores `key` as profile `name`'s key file, readable by the user only.
///
/// # Errors
/// [`CliError::Profiles`] naming the file.
pub(crate) fn store(dir: &Path, name: &str, key: &str) -> Result<(), CliError> {
    let path = file(dir, name);
    write_private(&dir.join("keys"), &path, key.as_bytes())
}

/// Removes profile `name`'s key file, if there is one.
///
/// # Errors
/// [`CliError::Profiles`] naming the file.
pub(crate) fn remove(dir: &Path, name: &str) -> Result<(), CliError> {
    let path = file(dir, name);
    match std::fs::remove_file(&path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(CliError::Profiles {
            path: path.display().to_string(),
            reason: error.to_string(),
        }),
        _ => Ok(()),
    }
}

/// A key read from stdin: its first line, at most 64 KiB.
///
/// # Errors
/// [`CliError::Usage`] when stdin cannot be read or holds no key.
pub(crate) fn from_stdin() -> Result<String, CliError> {
    let mut text = String::new();
    std::io::Read::read_to_string(
        &mut std::io::Read::take(std::io::stdin(), MAX_KEY_BYTES),
        &mut text,
    )
    .map_err(|error| CliError::Usage(format!("cannot read the key from stdin: {error}")))?;
    let key = text.lines().next().unwrap_or_default().trim().to_owned();
    if key.is_empty() {
        return Err(CliError::Usage(
            "--api-key-stdin: stdin holds no key".into(),
        ));
    }
    Ok(key)
}

/// A file's text, at most 64 KiB of it.
fn read_bounded(path: &Path) -> std::io::Result<String> {
    let mut text = String::new();
    std::io::Read::read_to_string(
        &mut std::io::Read::take(std::fs::File::open(path)?, MAX_KEY_BYTES),
        &mut text,
    )?;
    Ok(text)
}
