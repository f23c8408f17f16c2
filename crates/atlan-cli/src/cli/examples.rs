//! Two or three real examples for every command that does something, shown at the end of its
//! `--help` and in its man page. A test parses each one with the command line itself, so an
//! example that stops working fails the build.

/// The examples of each leaf command, by its path (`runs search`).
const EXAMPLES: &[(&str, &[&str])] = &[
    (
        "workflows find",
        &[
            "atlanctl workflows find --id atlan-snowflake-1714638976",
            "atlanctl workflows find --type @atlan/snowflake --max 5",
        ],
    ),
    (
        "workflows update",
        &[
            "atlanctl workflows update atlan-snowflake-1714638976 --set enable-lineage=true",
            "atlanctl --dry-run workflows update atlan-snowflake-1714638976 --set include-filter='{\"DB\":[\"S\"]}'",
        ],
    ),
    (
        "workflows run",
        &[
            "atlanctl workflows run snowflake.json",
            "atlanctl workflows run snowflake.json --cron '0 2 * * *' --timezone Europe/Paris",
        ],
    ),
    (
        "workflows rerun",
        &[
            "atlanctl workflows rerun atlan-snowflake-1714638976",
            "atlanctl workflows rerun atlan-snowflake-1714638976 --allow-concurrent",
        ],
    ),
    (
        "workflows delete",
        &[
            "atlanctl workflows delete atlan-snowflake-1714638976",
            "atlanctl workflows delete atlan-snowflake-1714638976 --yes",
        ],
    ),
    (
        "workflows change-owner",
        &["atlanctl workflows change-owner atlan-snowflake-1714638976 --username jane.doe"],
    ),
    (
        "export",
        &[
            "atlanctl export --dir workflows/",
            "atlanctl export --dir workflows/ --package snowflake-crawler --workflow 'prod-*'",
        ],
    ),
    (
        "plan",
        &[
            "atlanctl plan -f workflows/ --var-file prod.vars",
            "atlanctl -o json plan -f workflows/prod-snowflake.yaml --var env=prod",
            "atlanctl plan -f workflows/ --prune --package snowflake-crawler",
        ],
    ),
    (
        "apply",
        &[
            "atlanctl apply -f workflows/ --var-file prod.vars --dry-run",
            "atlanctl apply -f workflows/ --var-file prod.vars --yes",
            "atlanctl apply -f workflows/ --prune --workflow 'prod-*' --yes --resume",
        ],
    ),
    (
        "schema",
        &[
            "atlanctl schema > atlanctl-v1.schema.json",
            "atlanctl schema --app snowflake-crawler > snowflake-crawler.schema.json",
        ],
    ),
    (
        "runs get",
        &[
            "atlanctl runs get atlan-snowflake-1714638976-k2x7q",
            "atlanctl runs get 0199a3c2-7e41-7cc0-9d6a-000000000002",
            "atlanctl -o json runs get atlan-snowflake-1714638976-k2x7q",
        ],
    ),
    (
        "runs list",
        &[
            "atlanctl runs list --workflow atlan-snowflake-1714638976",
            "atlanctl runs list --workflow prod-snowflake --status Failed",
            "atlanctl runs list --workflow 'atlan-snowflake-17*' --phase Failed --all",
        ],
    ),
    (
        "runs search",
        &[
            "atlanctl runs search --status Failed --started-since now-1d",
            "atlanctl runs search --status Failed,Stopped --api apps --started-since now-7d",
            "atlanctl -o json runs search --status Running --api legacy --all",
        ],
    ),
    (
        "runs latest",
        &[
            "atlanctl runs latest --workflow atlan-snowflake-1714638976",
            "atlanctl runs latest --workflow prod-snowflake-0c4f9a1e",
        ],
    ),
    (
        "runs current",
        &[
            "atlanctl runs current --workflow atlan-snowflake-miner-1714638976",
            "atlanctl runs current --workflow prod-snowflake",
        ],
    ),
    (
        "runs stop",
        &["atlanctl runs stop atlan-snowflake-miner-1714638976-9wfxz"],
    ),
    (
        "runs monitor",
        &[
            "atlanctl runs monitor atlan-snowflake-1714638976-k2x7q",
            "atlanctl runs monitor 0199a3c2-7e41-7cc0-9d6a-000000000002 --interval 10s",
            "atlanctl runs monitor --workflow atlan-snowflake-1714638976 --interval 30s --timeout 2h",
        ],
    ),
    (
        "runs explain",
        &[
            "atlanctl runs explain atlan-snowflake-1714638976-k2x7q",
            "atlanctl runs explain --workflow prod-snowflake-0c4f9a1e",
            "atlanctl -o json runs explain atlan-snowflake-1714638976-k2x7q",
        ],
    ),
    (
        "runs stats",
        &[
            "atlanctl runs stats --since now-7d",
            "atlanctl runs stats --since now-30d --api apps --package snowflake-crawler",
        ],
    ),
    (
        "runs rerun",
        &[
            "atlanctl runs rerun --failed --since now-1d",
            "atlanctl runs rerun --failed --since now-1d --package atlan-snowflake --order lineage --yes",
            "atlanctl runs rerun --failed --since now-1d --resume",
        ],
    ),
    (
        "schedules add",
        &[
            "atlanctl schedules add atlan-snowflake-1714638976 --cron '0 2 * * *'",
            "atlanctl schedules add atlan-snowflake-1714638976 --cron '30 4 * * 1-5' --timezone Asia/Tokyo",
        ],
    ),
    (
        "schedules remove",
        &["atlanctl schedules remove atlan-snowflake-1714638976"],
    ),
    (
        "schedules suspend",
        &[
            "atlanctl schedules suspend atlan-snowflake-1714638976",
            "atlanctl schedules suspend --package atlan-snowflake --yes",
            "atlanctl schedules suspend --all --api apps --dry-run",
        ],
    ),
    (
        "schedules resume",
        &[
            "atlanctl schedules resume atlan-snowflake-1714638976",
            "atlanctl schedules resume --all --yes",
        ],
    ),
    (
        "schedules list",
        &["atlanctl schedules list", "atlanctl -o json schedules list"],
    ),
    (
        "schedules get",
        &["atlanctl schedules get atlan-snowflake-1714638976"],
    ),
    (
        "credentials create",
        &["atlanctl credentials create --file snowflake-credential.json --password-stdin"],
    ),
    (
        "credentials get",
        &["atlanctl credentials get 6f3a1c2e-8f1b-4c1e-9a39-1b2c3d4e5f60"],
    ),
    (
        "credentials list",
        &[
            "atlanctl credentials list --filter '{\"connectorConfigName\":\"atlan-connectors-snowflake\"}'",
            "atlanctl credentials list --workflow atlan-snowflake-1714638976",
        ],
    ),
    (
        "credentials test",
        &[
            "atlanctl credentials test --id 6f3a1c2e-8f1b-4c1e-9a39-1b2c3d4e5f60",
            "atlanctl credentials test --file snowflake-credential.json --password-stdin",
        ],
    ),
    (
        "credentials update",
        &["atlanctl credentials update --file snowflake-credential.json --password-stdin"],
    ),
    (
        "credentials purge",
        &[
            "atlanctl credentials purge 6f3a1c2e-8f1b-4c1e-9a39-1b2c3d4e5f60",
            "atlanctl credentials purge 6f3a1c2e-8f1b-4c1e-9a39-1b2c3d4e5f60 --yes",
        ],
    ),
    (
        "apps describe",
        &["atlanctl apps describe snowflake-crawler"],
    ),
    (
        "apps inputs",
        &[
            "atlanctl apps inputs snowflake-crawler",
            "atlanctl -o json apps inputs snowflake-crawler --entrypoint crawler",
        ],
    ),
    (
        "apps create",
        &[
            "atlanctl apps create snowflake-crawler --name prod-snowflake --inputs inputs.json",
            "atlanctl apps create snowflake-crawler --name prod-snowflake --inputs inputs.json --cron '0 2 * * *' --run",
        ],
    ),
    (
        "apps list",
        &[
            "atlanctl apps list",
            "atlanctl apps list --name prod-snowflake",
        ],
    ),
    ("apps get", &["atlanctl apps get prod-snowflake-0c4f9a1e"]),
    (
        "apps update",
        &[
            "atlanctl apps update prod-snowflake-0c4f9a1e --set enable_lineage=true",
            "atlanctl apps update prod-snowflake-0c4f9a1e --inputs inputs.json",
        ],
    ),
    (
        "apps delete",
        &["atlanctl apps delete prod-snowflake-0c4f9a1e --yes"],
    ),
    (
        "apps submit",
        &[
            "atlanctl apps submit prod-snowflake-0c4f9a1e",
            "atlanctl apps submit prod-snowflake-0c4f9a1e --allow-concurrent",
        ],
    ),
    (
        "apps runs get",
        &["atlanctl apps runs get 0b6e7d4c-2f3a-4c59-9b1e-7f0a1c2d3e4f"],
    ),
    (
        "apps runs cancel",
        &["atlanctl apps runs cancel 0b6e7d4c-2f3a-4c59-9b1e-7f0a1c2d3e4f"],
    ),
    (
        "apps runs list",
        &[
            "atlanctl apps runs list prod-snowflake-0c4f9a1e",
            "atlanctl apps runs list prod-snowflake-0c4f9a1e --status Failed,Error --started-since now-7d",
        ],
    ),
    (
        "apps runs monitor",
        &["atlanctl apps runs monitor 0b6e7d4c-2f3a-4c59-9b1e-7f0a1c2d3e4f --interval 30s"],
    ),
    (
        "apps schedules add",
        &[
            "atlanctl apps schedules add prod-snowflake-0c4f9a1e --cron '0 9 * * *' --timezone Europe/Berlin",
        ],
    ),
    (
        "apps schedules suspend",
        &[
            "atlanctl apps schedules suspend prod-snowflake-0c4f9a1e",
            "atlanctl apps schedules suspend --all --yes",
        ],
    ),
    (
        "apps schedules resume",
        &["atlanctl apps schedules resume prod-snowflake-0c4f9a1e"],
    ),
    (
        "apps schedules remove",
        &["atlanctl apps schedules remove prod-snowflake-0c4f9a1e 5b1c2d3e"],
    ),
    (
        "doctor",
        &[
            "atlanctl doctor",
            "atlanctl doctor --since now-30d --api legacy",
            "atlanctl --sandbox doctor -o json",
        ],
    ),
    (
        "exporter",
        &[
            "atlanctl exporter --listen 127.0.0.1:9477",
            "atlanctl exporter --listen 0.0.0.0:9477 --interval 1m --lookback 7d",
        ],
    ),
    (
        "watch",
        &[
            "atlanctl watch --notify https://hooks.slack.com/services/T000/B000/XXXX",
            "atlanctl watch --once --notify https://hooks.example.com/atlan",
            "atlanctl watch --notify https://hooks.example.com/atlan --desired workflows --act",
        ],
    ),
    (
        "top",
        &[
            "atlanctl top",
            "atlanctl top --desired workflows --freshness 1d",
            "atlanctl top --once --api apps",
        ],
    ),
    (
        "migrate plan",
        &[
            "atlanctl migrate plan",
            "atlanctl migrate plan --package atlan-snowflake --report plan.md",
        ],
    ),
    (
        "migrate apply",
        &[
            "atlanctl migrate apply --workflow atlan-snowflake-1714638976",
            "atlanctl migrate apply --package atlan-snowflake --yes --archive-legacy",
        ],
    ),
    (
        "migrate verify",
        &[
            "atlanctl migrate verify",
            "atlanctl migrate verify --workflow atlan-snowflake-1714638976 --test-run",
        ],
    ),
    (
        "sandbox serve",
        &[
            "atlanctl sandbox serve",
            "atlanctl sandbox serve --addr 127.0.0.1:8080 --state sandbox.jsonl",
        ],
    ),
    (
        "config set",
        &[
            "atlanctl config set prod --base-url https://acme.atlan.com --api-key-command 'pass show atlan/prod'",
            "atlanctl config set dev --base-url https://acme-dev.atlan.com --api-key-env ATLAN_DEV_KEY",
            "atlanctl config set ci --base-url https://acme.atlan.com --api-key-stdin",
        ],
    ),
    ("config use", &["atlanctl config use prod"]),
    (
        "config current",
        &[
            "atlanctl config current",
            "atlanctl --profile dev config current",
        ],
    ),
    (
        "config list",
        &["atlanctl config list", "atlanctl -o json config list"],
    ),
    (
        "config delete",
        &[
            "atlanctl config delete old-dev",
            "atlanctl config delete old-dev --yes",
        ],
    ),
    (
        "completions",
        &[
            "atlanctl completions bash > ~/.local/share/bash-completion/completions/atlanctl",
            "atlanctl completions zsh > ~/.zfunc/_atlanctl",
        ],
    ),
    ("man", &["atlanctl man --dir ~/.local/share/man/man1"]),
];

/// `command` with each leaf command's examples at the end of its help.
pub(crate) fn with_examples(command: clap::Command) -> clap::Command {
    attach(command, "")
}

fn attach(mut command: clap::Command, path: &str) -> clap::Command {
    let names: Vec<String> = command
        .get_subcommands()
        .map(|sub| sub.get_name().to_owned())
        .collect();
    for name in names {
        let sub_path = format!("{path} {name}").trim().to_owned();
        command = command.mut_subcommand(&name, |sub| attach(sub, &sub_path));
    }
    match EXAMPLES.iter().find(|(leaf, _)| *leaf == path) {
        Some((_, examples)) => {
            let lines: Vec<String> = examples.iter().map(|line| format!("  {line}")).collect();
            let heading = if examples.len() == 1 {
                "Example"
            } else {
                "Examples"
            };
            command.after_help(format!("{heading}:\n{}", lines.join("\n")))
        }
        None => command,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]

    use clap::CommandFactory;

    use super::*;
    use crate::cli::Cli;

    /// Every leaf command (one without subcommands), by path.
    fn leaves(command: &clap::Command, path: &str, into: &mut Vec<String>) {
        for sub in command.get_subcommands() {
            let sub_path = format!("{path} {}", sub.get_name()).trim().to_owned();
            if sub.get_subcommands().next().is_none() && !sub.is_hide_set() {
                into.push(sub_path.clone());
            }
            leaves(sub, &sub_path, into);
        }
    }

    #[test]
    fn every_command_has_examples_and_each_parses() {
        let command = with_examples(Cli::command());
        let mut all = Vec::new();
        leaves(&command, "", &mut all);
        all.retain(|path| path != "help" && !path.ends_with(" help"));
        let missing: Vec<&String> = all
            .iter()
            .filter(|path| !EXAMPLES.iter().any(|(leaf, _)| leaf == path))
            .collect();
        assert!(missing.is_empty(), "commands without examples: {missing:?}");
        for (leaf, examples) in EXAMPLES {
            assert!(
                all.iter().any(|path| path == leaf),
                "`{leaf}` is no command"
            );
            assert!((1..=3).contains(&examples.len()), "{leaf}");
            for example in *examples {
                // What a shell passes: its redirections are the shell's.
                let line = example.split(" > ").next().unwrap();
                let words = shlex::split(line).unwrap();
                assert_eq!(words[0], "atlanctl");
                if let Err(error) = command.clone().try_get_matches_from(&words) {
                    panic!("`{example}` does not parse: {error}");
                }
                assert!(
                    words.join(" ").contains(leaf),
                    "`{example}` is not an example of `{leaf}`"
                );
            }
        }
    }
}
