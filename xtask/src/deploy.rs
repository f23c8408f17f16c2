//! `cargo xtask deploy`: the service units of `deploy/systemd/` checked by `systemd-analyze
//! verify` (Debian's `systemd` package, installed when missing), each with its `ExecStart` binary
//! pointed at the one just built (verify checks that it exists and runs). A warning fails the step
//! too: `systemd-analyze` exits 0 on an unknown key or a value it ignores.
//!
//! The container recipe (`deploy/container/Containerfile`) cannot be built here (its base images
//! are on registries CI cannot reach); what can rot is read instead: it has a build stage and a
//! runtime stage, runs as a user that is not root, builds and starts `atlanctl`, and copies only
//! paths that exist.

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
    let recipe = root.join("deploy").join("container").join("Containerfile");
    let text = std::fs::read_to_string(&recipe)
        .map_err(|error| format!("{}: {error}", recipe.display()))?;
    let problems = containerfile_problems(&text, |path| root.join(path).exists());
    if !problems.is_empty() {
        return Err(format!("{}: {}", recipe.display(), problems.join("; ")));
    }
    println!("{}: two stages, not root, paths present", recipe.display());
    Ok(())
}

/// What is wrong with a Containerfile's `text`, `exists` telling whether a path of the build
/// context is there.
fn containerfile_problems(text: &str, exists: impl Fn(&str) -> bool) -> Vec<String> {
    let instructions: Vec<(&str, &str)> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| line.split_once(' '))
        .collect();
    let mut problems = Vec::new();
    let stages = instructions
        .iter()
        .filter(|(word, _)| *word == "FROM")
        .count();
    if stages < 2 {
        problems.push(format!("{stages} stage(s), not a build and a runtime"));
    }
    let runtime = instructions
        .iter()
        .rposition(|(word, _)| *word == "FROM")
        .and_then(|at| instructions.get(at..))
        .unwrap_or_default();
    match runtime.iter().rev().find(|(word, _)| *word == "USER") {
        Some((_, user)) if !["root", "0"].contains(&user.split(':').next().unwrap_or_default()) => {
        }
        _ => problems.push("the runtime stage runs as root".to_owned()),
    }
    if !instructions
        .iter()
        .any(|(word, rest)| *word == "RUN" && rest.contains("--bin atlanctl"))
    {
        problems.push("no stage builds `--bin atlanctl`".to_owned());
    }
    if !runtime
        .iter()
        .any(|(word, rest)| *word == "ENTRYPOINT" && rest.contains(INSTALLED))
    {
        problems.push(format!("the image does not start {INSTALLED}"));
    }
    for (_, rest) in instructions.iter().filter(|(word, _)| *word == "COPY") {
        let parts: Vec<&str> = rest.split_whitespace().collect();
        if parts.iter().any(|part| part.starts_with("--from")) {
            continue;
        }
        let sources = parts.split_last().map_or(&[][..], |(_, sources)| sources);
        problems.extend(
            sources
                .iter()
                .filter(|source| !exists(source))
                .map(|source| format!("COPY of {source}, which is not in the repository")),
        );
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::containerfile_problems;

    const RECIPE: &str = "ARG V=1\nFROM rust:${V} AS build\nCOPY crates crates\n\
                          RUN cargo build --release -p atlan-cli --bin atlanctl\n\
                          FROM distroless:nonroot\nCOPY --from=build /src/x /usr/local/bin/atlanctl\n\
                          USER nonroot\nENTRYPOINT [\"/usr/local/bin/atlanctl\"]\n";

    #[test]
    fn a_recipe_is_read_for_its_stages_user_binary_and_paths() {
        assert!(containerfile_problems(RECIPE, |_| true).is_empty());
        let missing = containerfile_problems(RECIPE, |path| path != "crates");
        assert_eq!(missing, ["COPY of crates, which is not in the repository"]);
        let as_root = RECIPE.replace("USER nonroot", "USER 0:0");
        assert_eq!(
            containerfile_problems(&as_root, |_| true),
            ["the runtime stage runs as root"]
        );
        let one_stage = RECIPE.replace("FROM distroless:nonroot\n", "");
        assert_eq!(containerfile_problems(&one_stage, |_| true).len(), 1);
        let user_in_build_only = RECIPE
            .replace("USER nonroot\n", "")
            .replace("COPY crates", "USER nobody\nCOPY crates");
        assert_eq!(
            containerfile_problems(&user_in_build_only, |_| true),
            ["the runtime stage runs as root"]
        );
    }
}
