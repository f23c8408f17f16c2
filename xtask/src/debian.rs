//! Debian packages the CI steps need, installed when their tools are missing: `apt-get update`,
//! then `apt-get install` (as root, or through sudo).

use std::process::{Command, Stdio};

/// Installs Debian's `package` when one of `tools` does not answer `--version`.
pub(crate) fn ensure(package: &str, tools: &[&str]) -> Result<(), String> {
    let present = || {
        tools.iter().all(|tool| {
            Command::new(tool)
                .arg("--version")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|status| status.success())
        })
    };
    if present() {
        return Ok(());
    }
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0");
    let apt = |args: &[&str]| {
        let mut command = if root {
            Command::new("apt-get")
        } else {
            let mut sudo = Command::new("sudo");
            sudo.arg("apt-get");
            sudo
        };
        command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        crate::run(&mut command)
    };
    println!(
        "installing Debian's {package} package ({})",
        tools.join(", ")
    );
    apt(&["update", "-qq"])?;
    apt(&["install", "-y", "-qq", "--no-install-recommends", package])?;
    if present() {
        Ok(())
    } else {
        Err(format!(
            "{package} is installed but one of {} does not run",
            tools.join(", ")
        ))
    }
}
