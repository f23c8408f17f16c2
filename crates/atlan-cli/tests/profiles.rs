//! Profiles: named tenants in a configuration directory of the test's own, used by real
//! processes against a sandbox over loopback HTTP; which tenant wins when several are named; and
//! what happens to bad files, unknown names and key commands that fail or hang.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::path::{Path, PathBuf};

use atlan_sandbox::SandboxHandle;
use common::{KEY, Output, command, run, sandbox, shell_words};

/// A configuration directory of this test's own, empty.
fn config_home(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("profiles-{test}"));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// `atlanctl LINE` with `home` as the configuration directory, `vars` in its environment and
/// `stdin` as its input.
async fn atlanctl(home: &Path, vars: &[(&str, &str)], line: &str, stdin: &str) -> Output {
    let mut command = command();
    command.env("XDG_CONFIG_HOME", home);
    for (name, value) in vars {
        command.env(name, value);
    }
    run(command, &shell_words(line), stdin).await
}

/// `atlanctl LINE` with `home` as the configuration directory exits `code`, saying `says`.
async fn refused(home: &Path, line: &str, code: i32, says: &str) {
    atlanctl(home, &[], line, "")
        .await
        .exits(code)
        .mentions(says);
}

/// Environment variables of a run.
type Vars<'a> = Vec<(&'a str, &'a str)>;

/// Adds profile `name` for `sandbox`, its key in the variable `SANDBOX_KEY`.
async fn add_sandbox_profile(home: &Path, sandbox: &SandboxHandle, name: &str) {
    let line = format!(
        "config set {name} --base-url {} --api-key-env SANDBOX_KEY",
        sandbox.base_url()
    );
    atlanctl(home, &[], &line, "").await.ok();
}

#[tokio::test]
async fn profiles_are_set_listed_used_and_deleted_without_showing_a_key() {
    let (_clock, sandbox) = sandbox().await;
    let home = config_home("lifecycle");
    add_sandbox_profile(&home, &sandbox, "local").await;
    let stored = "stored-key-never-shown-81c2";
    let set = atlanctl(
        &home,
        &[],
        "config set ci --base-url https://acme.atlan.com --api-key-stdin",
        &format!("{stored}\n"),
    )
    .await;
    assert_eq!(set.ok(), "profile ci added\n");
    atlanctl(
        &home,
        &[],
        "config set dev --base-url https://dev.atlan.com/ --api-key-command 'pass show atlan/dev'",
        "",
    )
    .await
    .ok();

    let listed = atlanctl(&home, &[], "-o json config list", "").await;
    let rows: Vec<(String, bool, String, String)> = listed
        .json_lines()
        .iter()
        .map(|row| {
            let text = |key: &str| row[key].as_str().unwrap().to_owned();
            (
                text("name"),
                row["current"] == true,
                text("base_url"),
                text("key_from"),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (
                "ci".into(),
                false,
                "https://acme.atlan.com".into(),
                "stored".into()
            ),
            (
                "dev".into(),
                false,
                "https://dev.atlan.com".into(),
                "command".into()
            ),
            (
                "local".into(),
                true,
                sandbox.base_url(),
                "env SANDBOX_KEY".into()
            ),
        ]
    );
    let table = atlanctl(&home, &[], "config list", "").await;
    assert!(
        !table.ok().contains("pass show"),
        "a command is never shown: {}",
        table.stdout
    );

    // The file names where each key comes from; the stored key is in a file of its own that
    // only the user can read.
    let dir = home.join("atlanctl");
    let file = std::fs::read_to_string(dir.join("config.toml")).unwrap();
    assert!(
        !file.contains(stored) && file.contains("api_key_stored = true"),
        "{file}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("keys/ci")).unwrap(),
        stored
    );
    #[cfg(unix)]
    for (path, mode) in [
        (dir.join("config.toml"), 0o600),
        (dir.join("keys/ci"), 0o600),
        (dir.clone(), 0o700),
    ] {
        use std::os::unix::fs::PermissionsExt;
        let actual = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(actual, mode, "{}", path.display());
    }

    // The first profile is in use; a command reaches its tenant with its key.
    let runs = atlanctl(
        &home,
        &[("SANDBOX_KEY", KEY)],
        "-o json runs search --status Failed --started-since now-30d --size 1",
        "",
    )
    .await;
    assert_eq!(runs.ok().lines().count(), 1, "{}", runs.stderr);
    atlanctl(&home, &[], "config use ci", "").await.ok();
    let current = atlanctl(&home, &[], "-o json config current", "").await;
    assert_eq!(current.json_lines()[0]["profile"], "ci");

    // Deleting asks; without a terminal it needs --yes; the stored key goes with it.
    refused(&home, "config delete ci", 2, "--yes").await;
    atlanctl(&home, &[], "config delete ci --yes", "")
        .await
        .ok();
    assert!(!dir.join("keys/ci").exists());
    let none = atlanctl(&home, &[], "config current", "").await;
    none.exits(3).mentions("no tenant is chosen");
    refused(&home, "config use nope", 2, "the profiles are dev, local").await;
}

/// Which tenant wins, for each way of naming one: the answer of `config current`, and a real
/// command through the winner (the losers point at a port nothing listens on).
#[tokio::test]
async fn the_tenant_is_chosen_by_flags_then_environment_then_profile() {
    let (_clock, sandbox) = sandbox().await;
    let home = config_home("precedence");
    let dead = "http://127.0.0.1:9";
    atlanctl(
        &home,
        &[],
        &format!("config set dead --base-url {dead} --api-key-env SANDBOX_KEY"),
        "",
    )
    .await
    .ok();
    add_sandbox_profile(&home, &sandbox, "live").await;
    let url = sandbox.base_url();
    let flag = format!("--base-url {url} --api-key {KEY}");
    let cases: Vec<(Vars<'_>, String, &str)> = vec![
        (
            vec![("ATLANCTL_PROFILE", "dead")],
            flag.clone(),
            "--base-url",
        ),
        (
            vec![("ATLAN_BASE_URL", dead)],
            "--profile live".into(),
            "--profile",
        ),
        (
            vec![
                ("ATLAN_BASE_URL", &url),
                ("ATLAN_API_KEY", KEY),
                ("ATLANCTL_PROFILE", "dead"),
            ],
            String::new(),
            "ATLAN_BASE_URL",
        ),
        (
            vec![("ATLANCTL_PROFILE", "live")],
            String::new(),
            "ATLANCTL_PROFILE",
        ),
    ];
    for (vars, options, from) in &cases {
        let mut vars = vars.clone();
        vars.push(("SANDBOX_KEY", KEY));
        let current = atlanctl(
            &home,
            &vars,
            &format!("{options} -o json config current"),
            "",
        )
        .await;
        assert_eq!(current.json_lines()[0]["from"], *from, "{options} {vars:?}");
        assert_eq!(
            current.json_lines()[0]["base_url"],
            url.as_str(),
            "{options} {vars:?}"
        );
        let line = format!("{options} runs latest --workflow {}", common::MINER);
        atlanctl(&home, &vars, &line, "").await.ok();
    }
    // The profile in use comes last: `dead` is in use (the first added).
    let last = atlanctl(&home, &[("SANDBOX_KEY", KEY)], "-o json config current", "").await;
    assert_eq!(last.json_lines()[0]["profile"], "dead");
    assert_eq!(last.json_lines()[0]["from"], "the profile in use");
    atlanctl(
        &home,
        &[],
        &format!("{flag} --profile live config current"),
        "",
    )
    .await
    .exits(2)
    .mentions("give one");
    refused(
        &home,
        "--profile nope runs list --workflow x",
        2,
        "no profile `nope`: the profiles are dead, live",
    )
    .await;
}

#[tokio::test]
async fn a_key_command_that_fails_or_hangs_names_the_profile_and_nothing_it_printed() {
    let home = config_home("key-commands");
    for (name, command, says) in [
        (
            "failing",
            "echo printed-secret-4411; exit 3",
            "its key command failed",
        ),
        ("silent", "true", "its key is empty"),
        (
            "hanging",
            "sleep 30",
            "its key command did not finish within 1s",
        ),
        (
            "unset",
            "",
            "its key variable ATLANCTL_TEST_UNSET is not set",
        ),
    ] {
        let key = if command.is_empty() {
            "--api-key-env ATLANCTL_TEST_UNSET".to_owned()
        } else {
            let timeout = if name == "hanging" {
                " --api-key-timeout 1"
            } else {
                ""
            };
            format!("--api-key-command '{command}'{timeout}")
        };
        let line = format!("config set {name} --base-url http://127.0.0.1:9 {key}");
        atlanctl(&home, &[], &line, "").await.ok();
        let out = atlanctl(
            &home,
            &[],
            &format!("--profile {name} runs list --workflow x"),
            "",
        )
        .await;
        out.exits(2).mentions(&format!("profile `{name}`: {says}"));
        assert!(!out.stderr.contains("printed-secret"), "{}", out.stderr);
    }
}

#[tokio::test]
async fn a_broken_profiles_file_names_its_line_and_stops_only_what_needs_it() {
    let (_clock, sandbox) = sandbox().await;
    let home = config_home("broken");
    std::fs::create_dir_all(home.join("atlanctl")).unwrap();
    std::fs::write(
        home.join("atlanctl/config.toml"),
        "current = \"prod\"\n[profiles.prod]\nbase_url = \"https://a.atlan.com\"\napi_key_env = \n",
    )
    .unwrap();
    for line in [
        "config list",
        "runs list --workflow x",
        "--profile prod config current",
    ] {
        let out = atlanctl(&home, &[], line, "").await;
        out.exits(2).mentions("config.toml: line 4");
    }
    // Commands that name their tenant otherwise never read the file.
    let url = sandbox.base_url();
    let vars = [("ATLAN_BASE_URL", url.as_str()), ("ATLAN_API_KEY", KEY)];
    let line = format!("runs latest --workflow {}", common::MINER);
    atlanctl(&home, &vars, &line, "").await.ok();
    atlanctl(&home, &[], &format!("--sandbox {line}"), "")
        .await
        .ok();
    atlanctl(&home, &[], "completions bash", "").await.ok();
    // A bad profile is refused before the file is written.
    std::fs::remove_file(home.join("atlanctl/config.toml")).unwrap();
    for (line, says) in [
        (
            "config set a/b --base-url https://x.atlan.com --api-key-env K",
            "not a profile name",
        ),
        (
            "config set a --base-url ftp://x --api-key-env K",
            "not an http(s) address",
        ),
        ("config set a --base-url https://x.atlan.com", "required"),
        (
            "config set a --base-url https://x.atlan.com --api-key-env K --api-key-stdin",
            "cannot be used with",
        ),
    ] {
        refused(&home, line, 2, says).await;
    }
    atlanctl(
        &home,
        &[],
        "config set a --base-url https://x.atlan.com --api-key-stdin",
        "\n",
    )
    .await
    .exits(2)
    .mentions("stdin holds no key");
    // A dry run writes nothing.
    refused(
        &home,
        "--dry-run config set a --base-url https://x.atlan.com --api-key-env K",
        2,
        "writes nothing",
    )
    .await;
    assert!(!home.join("atlanctl/config.toml").exists());
}
