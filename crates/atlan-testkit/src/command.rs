//! Running a tool's process to its end, for xtask and the venvs: a failure says what ran and, for
//! a captured run, what it printed.

use std::process::Command;

/// Runs `command` with the terminal inherited.
///
/// # Errors
/// When it cannot start or exits unsuccessfully, with what ran.
pub fn run(command: &mut Command) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|error| format!("cannot run {command:?}: {error}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{command:?} exited with {status}"))
    }
}

/// Runs `command` with its output captured; answers its standard output.
///
/// # Errors
/// When it cannot start or exits unsuccessfully, with `what` and all it printed.
pub fn stdout_of(command: &mut Command, what: &str) -> Result<String, String> {
    let output = command
        .output()
        .map_err(|error| format!("cannot run {what}: {error}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if output.status.success() {
        Ok(stdout)
    } else {
        Err(format!(
            "{what} exited with {}:\n{stdout}{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_says_what_ran_and_what_it_printed() {
        assert_eq!(
            stdout_of(Command::new("sh").args(["-c", "echo out"]), "sh").as_deref(),
            Ok("out\n")
        );
        let failed = stdout_of(
            Command::new("sh").args(["-c", "echo out; echo err >&2; exit 3"]),
            "the script",
        )
        .unwrap_err();
        assert!(
            failed.starts_with("the script exited with exit status: 3"),
            "{failed}"
        );
        assert!(
            failed.contains("out\n") && failed.contains("err\n"),
            "{failed}"
        );
        assert!(
            run(&mut Command::new("false"))
                .unwrap_err()
                .contains("\"false\"")
        );
        assert!(
            stdout_of(&mut Command::new("/nonexistent/tool"), "tool")
                .unwrap_err()
                .starts_with("cannot run tool")
        );
    }
}
