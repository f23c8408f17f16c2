//! A server process that announces where it listens on its first line, as `atlan-sandbox` and
//! `atlanctl sandbox serve` do (`listening on http://ADDR`).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// Spawns `command` (stdout piped, stderr discarded) and reads its first line; returns the child
/// and the base URL it announced.
///
/// # Errors
/// When it cannot start or its first line is not `listening on URL` (the child is killed then).
pub fn spawn(command: &mut Command) -> Result<(Child, String), String> {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|error| format!("cannot start {command:?}: {error}"))?;
    let mut line = String::new();
    if let Some(stdout) = child.stdout.as_mut() {
        let _ = BufReader::new(stdout).read_line(&mut line);
    }
    match line.trim().strip_prefix("listening on ") {
        Some(url) => Ok((child, url.to_owned())),
        None => {
            let _ = child.kill();
            let _ = child.wait();
            Err(format!(
                "{command:?} did not say where it listens: {line:?}"
            ))
        }
    }
}
