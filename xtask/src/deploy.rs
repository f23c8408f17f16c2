//! `cargo xtask deploy`: the service units of `deploy/systemd/` checked by `systemd-analyze
//! verify` (Debian's `systemd` package, installed when missing), each with its `ExecStart` binary
//! pointed at the one just built (verify checks that it exists and runs). A warning fails the step
//! too: `systemd-analyze` exits 0 on an unknown key or a value it ignores.

use std::process::Command;

/// Where the units say the binary is installed.
const INSTALLED: &str = "/usr/local/bin/atlanctl";

/// Verifies every unit of `deploy/systemd/`.
pub(crate) fn verify() -> Result<(), String> {
    crate::debian::ensure("systemd", &["systemd-analyze"])?;
    let (root, target) = crate::root_and_target();
    let binary = crate::build_atlanctl(&target)?;
    let checked = target.join("deploy-check");
    std::fs::create_dir_all(&checked).map_err(|error| format!("{}: {error}", checked.display()))?;
    let mut units = Vec::new();
    let dir = root.join("deploy").join("systemd");
    let entries = std::fs::read_dir(&dir).map_err(|error| format!("{}: {error}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path
            .extension()
            .is_none_or(|extension| extension != "service")
        {
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|error| format!("{}: {error}", path.display()))?;
        if !text.contains(INSTALLED) {
            return Err(format!("{} does not run {INSTALLED}", path.display()));
        }
        let copy = checked.join(entry.file_name());
        std::fs::write(&copy, text.replace(INSTALLED, &binary.to_string_lossy()))
            .map_err(|error| format!("{}: {error}", copy.display()))?;
        units.push(copy);
    }
    if units.is_empty() {
        return Err(format!("no unit in {}", dir.display()));
    }
    let out = Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .args(&units)
        .output()
        .map_err(|error| format!("systemd-analyze: {error}"))?;
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if !out.status.success() || !said.trim().is_empty() {
        return Err(format!("systemd-analyze verify: {}\n{said}", out.status));
    }
    println!("systemd-analyze verify: {} unit(s) clean", units.len());
    Ok(())
}
