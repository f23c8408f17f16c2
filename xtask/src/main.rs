//! Project automation, std-only so that it builds in seconds: `cargo xtask <command>`.
//!
//! - `ci`: everything CI checks, in order ([`CI_STEPS`]): fmt, clippy, check-deps, doc (warnings
//!   are errors), test, examples, compat, monitoring, deploy, wheel, package.
//! - `check-deps`: the dependency rules alone (see [`RULES`]).
//! - `test`: the test command that README.md gives.
//! - `bench`: the benchmarks, in release mode (speed targets live there, never in tests), then
//!   atlan side by side with pyatlan 10.0.0 (`target/bench/report.md`); `bench --quick`: a short
//!   side-by-side run only.
//! - `compat`: pyatlan 10.0.0 (in a venv under `target/`) runs every seed-page operation against a
//!   freshly started `atlan-sandbox`.
//! - `examples`: every example of `atlan-workflows`, each on a sandbox of its own.
//! - `monitoring`: promtool on the shipped rules and their tests, and on a real scrape of
//!   `atlanctl exporter`; a real Prometheus scraping it in front of a sandbox (see
//!   `monitoring.rs`). Installs Debian's `prometheus` package when it is missing.
//! - `deploy`: `systemd-analyze verify` on the service units of `deploy/systemd/` (see
//!   `deploy.rs`); Debian's packages a step needs are installed by `debian.rs`.
//! - `wheel`: `atlanctl` as a Python wheel (maturin, release profile) in `target/wheels/`;
//!   `wheel --check` (the CI step): built with the dev profile, installed into a fresh venv and
//!   run; the source distribution compiled (see `wheel.rs`).
//! - `package`: every published crate's metadata, then `cargo package --workspace` (see
//!   `package.rs`).
//! - `man`: the `atlanctl` man pages (clap_mangen), written to `target/man/`.

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod debian;
mod deploy;
mod monitoring;
mod package;
mod wheel;

use std::collections::BTreeSet;
use std::env;
use std::process::{Command, ExitCode};
use std::time::Instant;

use atlan_testkit::command::run;

/// Crates that must stay free of IO: downstream users take them alone.
const LIGHT_CRATES: &[&str] = &["atlan-model", "atlan-query"];

/// Families of crates a light crate must not compile (as a normal dependency, on any target): a
/// package matches a family when its name is the family's or starts with it and a dash
/// (`tokio-util`, `hyper-rustls`, `tower-http`, `futures-core`, `rustls-webpki`, …).
const IO_CRATES: &[&str] = &[
    "tokio", "hyper", "h2", "tower", "rustls", "futures", "mio", "reqwest", "axum",
];

/// What no crate of the workspace may compile: TLS stays on ring.
const FORBIDDEN_EVERYWHERE: &[&str] = &["aws-lc-rs", "aws-lc-sys", "openssl", "openssl-sys"];

/// Crates that must not depend on other crates of the workspace (the sandbox stands apart from
/// the client side it is tested against).
const SEPARATE: &[(&str, &[&str])] = &[(
    "atlan-sandbox",
    &["atlan-transport", "atlan-workflows", "atlan-ops"],
)];

/// The rules `check-deps` enforces, for the README and `--help`.
const RULES: &str = "\
  - atlan-model and atlan-query (with and without `eval`) compile no tokio*, hyper*, h2*, tower*, rustls*, futures*,
    mio*, reqwest*, axum* (cargo tree -e normal --target all);
  - atlan-sandbox depends on neither atlan-transport nor atlan-workflows (any edge kind);
  - no crate of the workspace compiles aws-lc-rs, aws-lc-sys or openssl (TLS stays on ring).";

/// The Python SDK version `compat` installs: the last with the workflow client.
const PYATLAN: &str = atlan_testkit::pyatlan::LEGACY;
/// The pyatlan that `cargo xtask compat` runs through the App workflows API.
const PYATLAN_APPS: &str = atlan_testkit::pyatlan::APPS;

/// The test command of README.md.
const TEST_COMMAND: &[&str] = &["test", "--workspace", "--locked"];

/// A CI step: its name, what it does, and how.
type Step = (&'static str, &'static str, fn() -> Result<(), String>);

/// What `cargo xtask ci` runs, in order; the first failure stops it. `.ci/run` runs this after
/// installing rustfmt and clippy when they are missing.
const CI_STEPS: [Step; 11] = [
    ("fmt", "cargo fmt --check", || {
        cargo(&["fmt", "--all", "--", "--check"])
    }),
    (
        "clippy",
        "clippy on every target and feature, warnings are errors",
        || {
            cargo(&[
                "clippy",
                "--workspace",
                "--all-targets",
                "--all-features",
                "--locked",
                "--",
                "-D",
                "warnings",
            ])
        },
    ),
    ("check-deps", "the dependency rules", check_deps),
    ("doc", "cargo doc, warnings are errors", || {
        cargo_with_env(
            &[
                "doc",
                "--workspace",
                "--no-deps",
                "--all-features",
                "--locked",
            ],
            &[("RUSTDOCFLAGS", "-D warnings")],
        )
    }),
    ("test", "the test command of README.md", || {
        cargo(TEST_COMMAND)
    }),
    ("examples", "every example of atlan-workflows", examples),
    ("compat", "pyatlan against a fresh sandbox", compat),
    (
        "monitoring",
        "promtool and a real Prometheus against the exporter",
        monitoring,
    ),
    (
        "deploy",
        "systemd-analyze verify on the service units",
        deploy::verify,
    ),
    (
        "wheel",
        "the wheel built, installed into a fresh venv and run",
        wheel::check,
    ),
    (
        "package",
        "every published crate packaged and built from its package",
        package::check,
    ),
];

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("check-deps") => check_deps(),
        Some("test") => cargo(TEST_COMMAND),
        Some("bench") if args.iter().any(|argument| argument == "--fleet") => {
            cargo(&["bench", "--locked", "-p", "atlan-cli", "--bench", "fleet"])
        }
        Some("bench") => bench(args.iter().any(|argument| argument == "--quick")),
        Some("compat") => compat(),
        Some("examples") => examples(),
        Some("monitoring") => monitoring(),
        Some("deploy") => deploy::verify(),
        Some("wheel") if args.iter().any(|argument| argument == "--check") => wheel::check(),
        Some("wheel") => wheel::release(),
        Some("package") => package::check(),
        Some("man") => man(),
        Some("-h" | "--help") | None => {
            println!("{}", usage());
            Ok(())
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{}", usage())),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

fn usage() -> String {
    let steps: Vec<&str> = CI_STEPS.iter().map(|(name, _, _)| *name).collect();
    format!(
        "usage: cargo xtask <command>\n\n\
         commands:\n  \
         ci          every CI step, in order: {}\n  \
         check-deps  enforce the dependency rules:\n{RULES}\n  \
         test        run the test command of README.md (cargo {})\n  \
         bench       run the benchmarks and the side-by-side comparison with pyatlan (release build;\n              \
                     target/bench/report.md); --quick: a short comparison only; --fleet: the\n              \
                     operations commands on a fleet of both APIs only\n  \
         compat      run the official Python SDKs (pyatlan {PYATLAN} legacy, {PYATLAN_APPS} apps) against fresh sandboxes\n  \
         examples    run every example of atlan-workflows (each on a sandbox of its own)\n  \
         monitoring  promtool on deploy/prometheus and a real scrape; a real Prometheus in front of a sandbox\n  \
         deploy      systemd-analyze verify on deploy/systemd (Debian's systemd, installed when missing)\n  \
         wheel       build atlanctl's Python wheel (maturin, release profile) into target/wheels/;\n              \
                     --check: CI's check (dev profile, installed into a fresh venv and run)\n  \
         package     check the published crates' metadata and run cargo package --workspace\n  \
         man         write the atlan man pages to target/man/",
        steps.join(", "),
        TEST_COMMAND.join(" ")
    )
}

/// Runs every CI step in order, stopping at the first failure; prints how long each took.
fn ci() -> Result<(), String> {
    let started = Instant::now();
    for (name, what, step) in CI_STEPS {
        let step_started = Instant::now();
        println!("==> {name}: {what}");
        step().map_err(|error| format!("step `{name}` failed: {error}"))?;
        println!("<== {name} ok in {:.1?}", step_started.elapsed());
    }
    println!("ci passed in {:.1?}", started.elapsed());
    Ok(())
}

/// The benchmarks: each crate's `benches/`, built in release mode. Every benchmark with a
/// target: query building and evaluation, transport overhead, sandbox load, the sandbox's load time and
/// peak RSS, listing through the
/// facade, the CLI end to end, and last the side-by-side comparison with pyatlan
/// (`atlan-workflows/benches/compare`: its report goes to `target/bench/report.md`, its chart to
/// `target/bench/listing-latency.svg`). With `--quick`, only a short comparison. Every bench runs
/// even when one misses a target; the command fails at the end if any did.
fn bench(quick: bool) -> Result<(), String> {
    let mut benches = vec![
        ("atlan-query", "search"),
        ("atlan-transport", "overhead"),
        ("atlan-sandbox", "load"),
        ("atlan-sandbox", "big_documents"),
        ("atlan-sandbox", "footprint"),
        ("atlan-workflows", "listing"),
        ("atlan-ops", "bulk"),
        ("atlan-cli", "cli"),
        ("atlan-cli", "as_code"),
        ("atlan-cli", "top"),
        ("atlan-cli", "fleet"),
    ];
    if quick {
        benches.clear();
    }
    benches.push(("atlan-workflows", "compare"));
    let mut failed = Vec::new();
    for (package, bench) in benches {
        let mut args = vec!["bench", "--locked", "-p", package, "--bench", bench];
        if bench == "compare" && quick {
            args.extend(["--", "--quick"]);
        }
        if let Err(error) = cargo(&args) {
            failed.push(format!("{package}/{bench}: {error}"));
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "benchmarks missed a target or failed: {}",
            failed.join("; ")
        ))
    }
}

/// Builds and runs every example of `atlan-workflows`; without `ATLAN_BASE_URL` each starts a
/// sandbox of its own, so they run anywhere and prove the README's snippets work.
fn examples() -> Result<(), String> {
    let (root, target) = root_and_target();
    for package in ["atlan-workflows", "atlan-ops"] {
        let folder = root.join("crates").join(package).join("examples");
        let mut names: Vec<String> = std::fs::read_dir(&folder)
            .map_err(|error| format!("cannot read {}: {error}", folder.display()))?
            .filter_map(|entry| {
                let path = entry.ok()?.path();
                (path.extension()? == "rs")
                    .then(|| path.file_stem()?.to_str().map(str::to_owned))?
            })
            .collect();
        names.sort();
        cargo(&["build", "--locked", "-p", package, "--examples"])?;
        for name in &names {
            let binary = target.join("debug/examples").join(name);
            let stdout = atlan_testkit::command::stdout_of(
                Command::new(&binary)
                    .env_remove("ATLAN_BASE_URL")
                    .env_remove("ATLAN_API_KEY"),
                &format!("example {name}"),
            )?;
            println!(
                "example {package}/{name}: ok ({} lines)",
                stdout.split('\n').count()
            );
        }
    }
    Ok(())
}

/// Runs the official Python SDK against fresh sandboxes: pyatlan 10.0.0 through every operation of
/// the legacy "Manage workflows" page (`compat/seed_page.py`), then pyatlan 11.6.0 through every
/// `client.app` operation of the App workflows API (`compat/apps.py`). Each pyatlan lives in a venv
/// of its own under `target/`, installed once.
fn compat() -> Result<(), String> {
    cargo(&[
        "build",
        "--locked",
        "--quiet",
        "-p",
        "atlan-sandbox",
        "--bin",
        "atlan-sandbox",
    ])?;
    compat_run(PYATLAN, "seed_page.py", &[])?;
    compat_run(
        PYATLAN_APPS,
        "apps.py",
        &["--pending-seconds", "1", "--running-seconds", "3"],
    )
}

/// Installs pyatlan `version` in its venv under `target/` (once, `atlan_testkit::pyatlan`), starts the sandbox binary on a free port
/// with `sandbox_args`, runs `crates/atlan-sandbox/compat/{script}` against it, and stops it.
fn compat_run(version: &str, script: &str, sandbox_args: &[&str]) -> Result<(), String> {
    let (root, target) = root_and_target();
    let python = atlan_testkit::pyatlan::install(&target, version)?;
    let binary = target.join("debug/atlan-sandbox");
    let (mut sandbox, url) = atlan_testkit::server::spawn(
        Command::new(&binary)
            .args(["--addr", "127.0.0.1:0", "--api-key", "compat-key"])
            .args(sandbox_args),
    )?;
    println!("pyatlan {version}, {script}:");
    let result = run(Command::new(&python)
        .arg(root.join("crates/atlan-sandbox/compat").join(script))
        .env("ATLAN_BASE_URL", url)
        .env("ATLAN_API_KEY", "compat-key"));
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(sandbox.id().to_string())
        .status();
    let _ = sandbox.wait();
    result
}

/// The monitoring step (`monitoring.rs`).
fn monitoring() -> Result<(), String> {
    let (root, target) = root_and_target();
    let atlanctl = build_atlanctl(&target)?;
    monitoring::run(&root, &target, &atlanctl)
}

/// Builds the `atlanctl` binary (debug); answers its path.
fn build_atlanctl(target: &std::path::Path) -> Result<std::path::PathBuf, String> {
    cargo(&[
        "build",
        "--locked",
        "--quiet",
        "-p",
        "atlan-cli",
        "--bin",
        "atlanctl",
    ])?;
    Ok(target.join("debug/atlanctl"))
}

/// Writes the `atlanctl` man pages (one per command) into `target/man/`.
fn man() -> Result<(), String> {
    let (_, target) = root_and_target();
    let dir = target.join("man");
    run(Command::new(build_atlanctl(&target)?)
        .args(["man", "--dir"])
        .arg(&dir))?;
    println!("man pages in {}", dir.display());
    Ok(())
}

/// The workspace root and its target directory.
fn root_and_target() -> (std::path::PathBuf, std::path::PathBuf) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let root = root.canonicalize().unwrap_or(root);
    let target = target_dir(&root);
    (root, target)
}

/// Where cargo builds: `CARGO_TARGET_DIR` when set, else `target/` of the workspace.
fn target_dir(root: &std::path::Path) -> std::path::PathBuf {
    target_dir_from(env::var_os("CARGO_TARGET_DIR"), root)
}

/// [`target_dir`] for a given value of `CARGO_TARGET_DIR` (relative to the current directory, as
/// cargo reads it).
fn target_dir_from(
    variable: Option<std::ffi::OsString>,
    root: &std::path::Path,
) -> std::path::PathBuf {
    match variable.filter(|value| !value.is_empty()) {
        Some(value) => {
            let dir = std::path::PathBuf::from(value);
            if dir.is_relative() {
                env::current_dir().map_or(dir.clone(), |cwd| cwd.join(dir))
            } else {
                dir
            }
        }
        None => root.join("target"),
    }
}

/// Enforces the dependency rules over `cargo tree`.
fn check_deps() -> Result<(), String> {
    let mut problems = Vec::new();
    for krate in LIGHT_CRATES {
        let packages = tree(&["-p", krate, "-e", "normal", "--all-features"])?;
        let found: Vec<_> = packages
            .iter()
            .filter(|package| IO_CRATES.iter().any(|family| in_family(package, family)))
            .collect();
        if found.is_empty() {
            println!(
                "{krate} (all features): {} normal dependencies, no IO crate",
                packages.len() - 1
            );
        } else {
            problems.push(format!("{krate} depends on IO crates: {found:?}"));
        }
    }
    for (krate, apart) in SEPARATE {
        let packages = tree(&["-p", krate, "-e", "normal,build,dev"])?;
        let found: Vec<_> = apart
            .iter()
            .filter(|name| packages.contains(**name))
            .collect();
        if found.is_empty() {
            println!("{krate}: none of {apart:?}");
        } else {
            problems.push(format!("{krate} depends on {found:?}"));
        }
    }
    let everything = tree(&["--workspace", "-e", "normal,build,dev"])?;
    let found: Vec<_> = FORBIDDEN_EVERYWHERE
        .iter()
        .filter(|name| everything.contains(**name))
        .collect();
    if found.is_empty() {
        println!(
            "workspace: {} packages, none of {FORBIDDEN_EVERYWHERE:?}",
            everything.len()
        );
    } else {
        problems.push(format!(
            "the workspace depends on {found:?} (TLS must use ring)"
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// Whether `package` is `family` or `family-…`.
fn in_family(package: &str, family: &str) -> bool {
    package
        .strip_prefix(family)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('-'))
}

/// The names of the packages `cargo tree` lists for these arguments, on every target.
fn tree(args: &[&str]) -> Result<BTreeSet<String>, String> {
    let mut command = Command::new(cargo_path());
    command.arg("tree").args(args).args([
        "--target", "all", "--prefix", "none", "--format", "{p}", "--locked",
    ]);
    let output = command
        .output()
        .map_err(|error| format!("cannot run cargo tree: {error}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo tree {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_owned)
        .collect())
}

/// Runs cargo with these arguments, inheriting the terminal.
fn cargo(args: &[&str]) -> Result<(), String> {
    cargo_with_env(args, &[])
}

/// Runs cargo with these arguments and extra environment variables, inheriting the terminal.
fn cargo_with_env(args: &[&str], vars: &[(&str, &str)]) -> Result<(), String> {
    cargo_with_env_in(&root_and_target().0, args, vars)
}

/// [`cargo_with_env`] in the directory `dir`.
fn cargo_with_env_in(
    dir: &std::path::Path,
    args: &[&str],
    vars: &[(&str, &str)],
) -> Result<(), String> {
    let status = Command::new(cargo_path())
        .args(args)
        .current_dir(dir)
        .envs(vars.iter().copied())
        .status()
        .map_err(|error| format!("cannot run cargo: {error}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`cargo {}` exited with {status}", args.join(" ")))
    }
}

/// The cargo that runs us (so that `cargo +toolchain xtask` stays on that toolchain).
fn cargo_path() -> String {
    env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{CI_STEPS, in_family, target_dir_from};

    #[test]
    fn the_target_dir_follows_cargo_target_dir() {
        let root = Path::new("/repo");
        assert_eq!(target_dir_from(None, root), root.join("target"));
        assert_eq!(target_dir_from(Some("".into()), root), root.join("target"));
        assert_eq!(
            target_dir_from(Some("/elsewhere/t".into()), root),
            Path::new("/elsewhere/t")
        );
        let relative = target_dir_from(Some("t".into()), root);
        assert!(
            relative.is_absolute() && relative.ends_with("t"),
            "{relative:?}"
        );
    }

    /// The headers of this file and of `.ci/run` name every step `ci` runs.
    #[test]
    fn the_headers_list_every_ci_step() {
        let here = Path::new(env!("CARGO_MANIFEST_DIR"));
        let module = std::fs::read_to_string(here.join("src/main.rs")).unwrap_or_default();
        let module_header: String = module
            .lines()
            .take_while(|line| line.starts_with("//!"))
            .collect::<Vec<_>>()
            .join("\n");
        let ci = std::fs::read_to_string(here.join("../.ci/run")).unwrap_or_default();
        let ci_header: String = ci
            .lines()
            .skip(1)
            .take_while(|line| line.starts_with('#'))
            .collect::<Vec<_>>()
            .join("\n");
        for (name, _, _) in CI_STEPS {
            assert!(
                module_header.contains(name),
                "the xtask header lacks {name}"
            );
            assert!(ci_header.contains(name), "the .ci/run header lacks {name}");
        }
    }

    #[test]
    fn families_match_the_crate_and_its_dashed_relatives_only() {
        assert!(in_family("tokio", "tokio"));
        assert!(in_family("tokio-util", "tokio"));
        assert!(in_family("futures-core", "futures"));
        assert!(!in_family("tokio_util_fake", "tokio"));
        assert!(!in_family("h2o", "h2"));
        assert!(!in_family("towel", "tower"));
    }
}
