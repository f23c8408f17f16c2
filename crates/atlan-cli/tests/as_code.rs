//! Workflows as code over loopback HTTP: `export`, `plan`, `apply` (with a prune, a resume and
//! a dry run), promotion from one tenant to another, and bad files that change nothing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::path::{Path, PathBuf};

use atlan_sandbox::{SandboxHandle, Seed};
use common::*;
use serde_json::Value;

/// The default seed's app workflow with a schedule and a credential.
const PROD: &str = "prod-snowflake";
/// The exit code of a plan that would change something.
const CHANGES: i32 = 6;

/// A fresh directory of this test binary's.
fn dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("as-code")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every app workflow of the tenant, as `apps list` shows it (the state a bad file must leave).
async fn apps(sandbox: &SandboxHandle) -> Vec<Value> {
    atlan(sandbox, &["-o", "json", "apps", "list", "--all"])
        .await
        .json_lines()
}

/// Runs `atlanctl` with a journal of `dir` (no state directory of the user's is touched).
async fn run(sandbox: &SandboxHandle, dir: &Path, line: &str) -> Output {
    atlan_line(
        sandbox,
        &format!("{line} --journal {}", dir.join("journal.jsonl").display()),
    )
    .await
}

#[tokio::test]
async fn export_then_plan_shows_no_change_and_the_same_tenant_exports_the_same_bytes() {
    let (_clock, sandbox) = sandbox().await;
    let files = dir("export");
    let exported = atlan_line(
        &sandbox,
        &format!("-o json export --dir {}", files.display()),
    )
    .await;
    let written = exported.json_lines();
    assert!(written.len() >= 3, "{}", exported.stdout);
    let path = files.join(format!("apps-{PROD}.yaml"));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("credential_guid: ${credential."), "{text}");
    assert!(!text.contains("password"), "{text}");

    atlan_line(&sandbox, &format!("export --dir {}", files.display()))
        .await
        .ok();
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        text,
        "the same bytes"
    );

    let plan = atlan_line(&sandbox, &format!("-o json plan -f {}", files.display())).await;
    plan.exits(0);
    let lines = plan.json_lines();
    assert_eq!(lines.len(), written.len());
    assert!(
        lines.iter().all(|line| line["action"] == "unchanged"),
        "{}",
        plan.stdout
    );
}

#[tokio::test]
async fn a_changed_file_plans_field_by_field_applies_and_a_second_apply_changes_nothing() {
    let (_clock, sandbox) = sandbox().await;
    let files = dir("apply");
    atlan_line(
        &sandbox,
        &format!("export --dir {} --workflow {PROD}", files.display()),
    )
    .await
    .ok();
    let path = files.join(format!("apps-{PROD}.yaml"));
    let text = std::fs::read_to_string(&path).unwrap();
    let changed = text
        .replace("enable_lineage: true", "enable_lineage: false")
        .replace("cron: 0 2 * * *", "cron: 0 3 * * *");
    assert_ne!(changed, text, "{text}");
    std::fs::write(&path, changed).unwrap();
    let new = text.replace(&format!("name: {PROD}\n"), "name: ${var.env}-snowflake\n");
    std::fs::write(files.join("new.yaml"), new).unwrap();

    let plan = atlan_line(
        &sandbox,
        &format!("-o json plan -f {} --var env=dev", files.display()),
    )
    .await;
    plan.exits(CHANGES);
    let lines = plan.json_lines();
    let of = |name: &str| {
        lines
            .iter()
            .find(|line| line["workflow"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(of("dev-snowflake")["action"], "create");
    let update = of(PROD);
    assert_eq!(update["action"], "update");
    let paths: Vec<&str> = update["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|change| change["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["inputs.enable_lineage", "schedules", "schedules"]);
    assert_eq!(update["changes"][0]["from"], true);
    assert_eq!(update["changes"][0]["to"], false);

    // A dry run shows the writes and changes nothing.
    let before = apps(&sandbox).await;
    let preview = run(
        &sandbox,
        &files,
        &format!("--dry-run apply -f {} --var env=dev", files.display()),
    )
    .await;
    preview.ok();
    assert_eq!(preview.json_lines().len(), 2, "{}", preview.stdout);
    assert_eq!(apps(&sandbox).await, before);
    // Without a terminal, it needs --yes.
    run(
        &sandbox,
        &files,
        &format!("apply -f {} --var env=dev", files.display()),
    )
    .await
    .exits(2)
    .mentions("--yes");
    assert_eq!(apps(&sandbox).await, before);

    recording(&sandbox, "POST").await;
    let applied = run(
        &sandbox,
        &files,
        &format!("-o json apply -f {} --var env=dev --yes", files.display()),
    )
    .await;
    applied.ok();
    applied.mentions("nothing is left to change");
    let slug = before
        .iter()
        .find(|app| app["name"] == PROD)
        .and_then(|app| app["slug"].as_str())
        .unwrap()
        .to_owned();
    // The update reads its workflow once; the workflow made just now is not read back.
    let report = recording(&sandbox, "GET").await;
    let reads = |of: &str| {
        report["requests"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|request| {
                let target = request["target"].as_str().unwrap_or_default();
                request["method"] == "GET"
                    && target.starts_with("/api/service/v1/app/")
                    && target
                        .trim_start_matches("/api/service/v1/app/")
                        .starts_with(of)
            })
            .count()
    };
    assert_eq!(reads(&slug), 1, "{report}");
    assert_eq!(reads("dev-snowflake-"), 0, "{report}");
    let actions: Vec<(String, String)> = applied
        .json_lines()
        .iter()
        .map(|line| {
            (
                line["workflow"].as_str().unwrap().into(),
                line["action"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        actions,
        [
            ("dev-snowflake".into(), "created".into()),
            (PROD.into(), "updated".into())
        ]
    );
    atlan_line(
        &sandbox,
        &format!("plan -f {} --var env=dev", files.display()),
    )
    .await
    .exits(0);
    let again = run(
        &sandbox,
        &files,
        &format!("apply -f {} --var env=dev --yes", files.display()),
    )
    .await;
    again.ok();
    again.mentions("nothing to change");
    let schedules = atlan_line(&sandbox, "-o json schedules list --api apps").await;
    assert!(
        schedules
            .json_lines()
            .iter()
            .any(|line| line["cron"] == "0 3 * * *" && line["workflow"] != PROD),
        "the created workflow has its schedule: {}",
        schedules.stdout
    );
}

#[tokio::test]
async fn a_prune_deletes_only_inside_its_selector() {
    let (_clock, sandbox) = sandbox().await;
    let files = dir("prune");
    atlan_line(
        &sandbox,
        &format!("export --dir {} --workflow {PROD}", files.display()),
    )
    .await
    .ok();
    atlan_line(&sandbox, &format!("plan -f {} --prune", files.display()))
        .await
        .exits(2)
        .mentions("--workflow GLOB or --package P");
    let plan = atlan_line(
        &sandbox,
        &format!(
            "-o json plan -f {} --prune --workflow 'a*'",
            files.display()
        ),
    )
    .await;
    plan.exits(CHANGES);
    let deleted: Vec<String> = plan
        .json_lines()
        .iter()
        .filter(|line| line["action"] == "delete")
        .map(|line| line["workflow"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        deleted,
        ["athena-analytics"],
        "bq-prod-crawl is outside the selector"
    );
    run(
        &sandbox,
        &files,
        &format!("apply -f {} --prune --workflow 'a*' --yes", files.display()),
    )
    .await
    .ok();
    let names: Vec<String> = apps(&sandbox)
        .await
        .iter()
        .map(|app| app["name"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        !names.contains(&"athena-analytics".to_owned())
            && names.contains(&"bq-prod-crawl".to_owned()),
        "{names:?}"
    );
}

#[tokio::test]
async fn a_workflow_is_promoted_from_one_tenant_to_an_empty_one_with_a_var_file_each() {
    let clock = clock();
    let dev = sandbox_with(&clock, |builder| builder).await;
    let prod = sandbox_with(&clock, |builder| builder.seed(Seed::Empty)).await;
    let files = dir("promote");
    atlan_line(
        &dev,
        &format!("export --dir {} --workflow {PROD}", files.display()),
    )
    .await
    .ok();
    let path = files.join(format!("apps-{PROD}.yaml"));
    let text = std::fs::read_to_string(&path).unwrap();
    // The credential and the name come from each tenant's var file.
    let start = text.find("${credential.").unwrap();
    let end = start + text[start..].find('}').unwrap() + 1;
    let dev_credential = text[start + "${credential.".len()..end - 1].to_owned();
    let templated = format!(
        "{}${{credential.${{var.credential}}}}{}",
        &text[..start],
        &text[end..]
    )
    .replace(&format!("name: {PROD}\n"), "name: ${var.env}-snowflake\n");
    std::fs::write(&path, templated).unwrap();
    let vars = |env: &str, credential: &str| {
        let file = files.join(format!("{env}.vars"));
        std::fs::write(
            &file,
            format!("# {env}\nenv={env}\ncredential={credential}\n"),
        )
        .unwrap();
        file
    };
    let dev_vars = vars("dev", &dev_credential);
    let prod_vars = vars("prod", "snowflake-credential");
    let credential = fixture("requests/credential/create-snowflake.json");
    atlan(
        &prod,
        &["credentials", "create", "--file", arg(&credential)],
    )
    .await
    .ok();

    let with = |vars: &Path| format!("-f {} --var-file {}", path.display(), vars.display());
    atlan_line(&dev, &format!("plan {}", with(&dev_vars)))
        .await
        .exits(CHANGES);
    let plan = atlan_line(&prod, &format!("-o json plan {}", with(&prod_vars))).await;
    plan.exits(CHANGES);
    assert_eq!(plan.json_lines()[0]["action"], "create");
    run(&prod, &files, &format!("apply {} --yes", with(&prod_vars)))
        .await
        .ok();
    atlan_line(&prod, &format!("plan {}", with(&prod_vars)))
        .await
        .exits(0);
    let names: Vec<Value> = apps(&prod)
        .await
        .iter()
        .map(|app| app["name"].clone())
        .collect();
    assert_eq!(names, ["prod-snowflake"]);
}

#[tokio::test]
async fn bad_files_are_problems_naming_the_file_and_nothing_is_written() {
    let (_clock, sandbox) = sandbox().await;
    let files = dir("bad");
    atlan_line(
        &sandbox,
        &format!("export --dir {} --workflow {PROD}", files.display()),
    )
    .await
    .ok();
    let good = std::fs::read_to_string(files.join(format!("apps-{PROD}.yaml"))).unwrap();
    let before = apps(&sandbox).await;
    let cases: Vec<(&str, String, &str)> = vec![
        ("yaml", "kind: [".into(), "bad.yaml:1"),
        (
            "kind",
            good.replace("kind: AppWorkflow", "kind: CronJob"),
            "unknown variant `CronJob`",
        ),
        (
            "version",
            good.replace("atlanctl/v1", "atlanctl/v2"),
            "apiVersion",
        ),
        (
            "var",
            good.replace("enable_lineage: true", "enable_lineage: ${var.nope}"),
            "${var.nope} has no value",
        ),
        (
            "cron",
            good.replace("0 2 * * *", "0 25 * * *"),
            "spec.schedules[0].cron",
        ),
        (
            "zone",
            good.replace("Europe/Paris", "Mars/Olympus"),
            "spec.schedules[0].timezone",
        ),
        (
            "secret",
            good.replace("enable_lineage: true", "password: hunter2"),
            "holds a secret",
        ),
        (
            "deep",
            format!("{}{}", "[".repeat(200), "]".repeat(200)),
            "deeper than",
        ),
        ("big", "#".repeat(11 * 1024 * 1024), "is 11534336 bytes"),
        (
            "credential",
            good.replace("${credential.", "${credential.nope-"),
            "no credential named",
        ),
        (
            "input",
            good.replace("enable_lineage: true", "enable_lineage: maybe"),
            "input contract",
        ),
        (
            "undeclared",
            good.replace(
                "enable_lineage: true",
                "enable_lineage: true\n    no_such_input: 1",
            ),
            "spec.inputs.no_such_input: the input contract of `snowflake-crawler` does not declare it",
        ),
    ];
    for (name, text, says) in cases {
        let case = dir(&format!("bad-{name}"));
        let file = case.join("bad.yaml");
        std::fs::write(&file, text).unwrap();
        let planned = atlan_line(&sandbox, &format!("plan -f {}", file.display())).await;
        let applied = run(
            &sandbox,
            &case,
            &format!("apply --yes -f {}", file.display()),
        )
        .await;
        for out in [planned, applied] {
            out.exits(1);
            // File problems are on stderr; the tenant's (a credential, the contract) in the plan.
            let said = format!("{}{}", out.stdout, out.stderr);
            assert!(said.contains(says), "{name}: {said}");
            assert!(!said.contains("hunter2"), "{name}: {said}");
        }
    }
    // The same name in two files.
    let twice = dir("bad-twice");
    std::fs::write(twice.join("a.yaml"), &good).unwrap();
    std::fs::write(twice.join("b.yaml"), &good).unwrap();
    run(
        &sandbox,
        &twice,
        &format!("apply --yes -f {}", twice.display()),
    )
    .await
    .exits(1)
    .mentions("same workflow");
    assert_eq!(apps(&sandbox).await, before, "nothing was written");
}

#[tokio::test]
async fn an_apply_killed_mid_way_is_held_against_a_second_process_and_resumes_creating_each_once() {
    let (_clock, sandbox) = sandbox().await;
    let files = dir("kill");
    atlan_line(
        &sandbox,
        &format!("export --dir {} --workflow {PROD}", files.display()),
    )
    .await
    .ok();
    let exported = files.join(format!("apps-{PROD}.yaml"));
    let text = std::fs::read_to_string(&exported).unwrap();
    std::fs::remove_file(&exported).unwrap();
    let names: Vec<String> = (1..=4).map(|n| format!("copy-{n}")).collect();
    for name in &names {
        let copy = text.replace(
            &format!("metadata:\n  name: {PROD}\n"),
            &format!("metadata:\n  name: {name}\n"),
        );
        assert_ne!(copy, text);
        std::fs::write(files.join(format!("{name}.yaml")), copy).unwrap();
    }
    let journal = files.join("apply.jsonl");
    let (path, journal_text) = (files.display().to_string(), journal.display().to_string());
    // Slow creates, one at a time: the batch is under way when it is looked at and killed.
    batch::slow(&sandbox, "POST /api/service/v1/app", 400);
    let apply = |extra: &'static [&'static str]| {
        let mut args = vec!["-o", "json", "apply", "--yes", "--concurrency", "1", "-f"];
        args.extend([path.as_str(), "--journal", journal_text.as_str()]);
        args.extend_from_slice(extra);
        args
    };
    batch::held_then_killed(&sandbox, &journal, &apply(&[]), &apply(&["--resume"])).await;
    sandbox.faults().clear();

    let resumed = atlan(&sandbox, &apply(&["--resume"])).await;
    resumed.ok();
    resumed.mentions("nothing is left to change");
    let all = apps(&sandbox).await;
    for name in &names {
        let count = all
            .iter()
            .filter(|app| app["name"] == name.as_str())
            .count();
        assert_eq!(count, 1, "{name} created once: {}", resumed.stdout);
    }
    atlan_line(&sandbox, &format!("plan -f {path}"))
        .await
        .exits(0);
}

#[tokio::test]
async fn a_legacy_workflow_is_exported_planned_and_applied_but_never_created() {
    let (_clock, sandbox) = sandbox().await;
    let files = dir("legacy");
    atlan_line(
        &sandbox,
        &format!(
            "export --dir {} --api legacy --workflow {CRAWLER}",
            files.display()
        ),
    )
    .await
    .ok();
    let path = files.join(format!("legacy-{CRAWLER}.yaml"));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("kind: LegacyWorkflow"), "{text}");
    atlan_line(&sandbox, &format!("plan -f {}", path.display()))
        .await
        .exits(0);

    let lineage = text
        .lines()
        .find(|line| line.trim_start().starts_with("enable-lineage:"))
        .unwrap()
        .to_owned();
    let flipped = if lineage.contains("'true'") {
        lineage.replace("'true'", "'false'")
    } else {
        lineage.replace("'false'", "'true'")
    };
    std::fs::write(&path, text.replace(&lineage, &flipped)).unwrap();
    let plan = atlan_line(&sandbox, &format!("-o json plan -f {}", path.display())).await;
    plan.exits(CHANGES);
    let line = &plan.json_lines()[0];
    assert_eq!(
        (line["api"].as_str(), line["action"].as_str()),
        (Some("legacy"), Some("update"))
    );
    assert_eq!(line["changes"][0]["path"], "parameters.enable-lineage");
    run(
        &sandbox,
        &files,
        &format!("apply -f {} --yes", path.display()),
    )
    .await
    .ok();
    atlan_line(&sandbox, &format!("plan -f {}", path.display()))
        .await
        .exits(0);

    // Never created from a file, and a parameter its first task does not have is a problem.
    let elsewhere = text.replace(&format!("name: {CRAWLER}\n"), "name: atlan-snowflake-1\n");
    std::fs::write(&path, elsewhere).unwrap();
    let out = atlan_line(&sandbox, &format!("plan -f {}", path.display())).await;
    out.exits(1);
    assert!(
        out.stdout.contains("not created from files"),
        "{}",
        out.stdout
    );
    let extra = text.replace(&lineage, &format!("{lineage}\n    no-such-parameter: x"));
    std::fs::write(&path, extra).unwrap();
    let out = atlan_line(&sandbox, &format!("plan -f {}", path.display())).await;
    out.exits(1);
    assert!(out.stdout.contains("no such parameter"), "{}", out.stdout);
}
