//! One vocabulary over every command, checked over clap's whole command tree: each option name
//! means one thing wherever it appears (the table below says what), and no command spells an
//! idea another way. The CLI README's "Vocabulary" section is this table, for people.

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

    use clap::CommandFactory;

    use crate::cli::Cli;

    /// Each option, and what it must accept (`good`) and refuse (`bad`) wherever a command has it;
    /// `None` leaves that side out. Every option of every command must be in this table.
    const VOCABULARY: &[(&str, Option<&str>, Option<&str>)] = &[
        // A time window: date math or RFC 3339, `since` inclusive, `before` inclusive.
        ("since", Some("now-6h"), Some("yesterday")),
        ("before", Some("2026-01-31T00:00:00Z"), Some("soon")),
        ("started-since", Some("now-6h"), Some("yesterday")),
        ("started-before", Some("now/d"), Some("soon")),
        ("finished-since", Some("now-1h"), Some("yesterday")),
        ("finished-before", Some("now"), Some("soon")),
        ("now", Some("2026-12-01T12:00:00Z"), Some("now-1h")),
        // A rolling window of the long-running commands, and other durations.
        ("lookback", Some("7d"), Some("a week")),
        ("overlap", Some("5m"), Some("-5m")),
        ("cooldown", Some("15m"), Some("soon")),
        ("interval", Some("10s"), Some("10ms")),
        ("timeout", Some("1h"), Some("forever")),
        ("poll-timeout", Some("5m"), Some("forever")),
        ("wave-timeout", Some("1h"), Some("forever")),
        // A selection: which API, package and workflows (a name or a glob).
        ("api", Some("apps"), Some("both")),
        ("package", Some("atlan-snowflake"), None),
        ("workflow", Some("atlan-snowflake-*"), Some("")),
        ("all", None, None),
        // Schedules: cron and zone (UTC unless given).
        ("cron", Some("0 2 * * *"), Some("every day")),
        ("timezone", Some("Europe/Paris"), Some("Mars/Olympus")),
        // Safety: asking, forcing, running twice, previews, journals.
        ("yes", None, None),
        ("force", None, None),
        ("allow-concurrent", None, None),
        ("idempotent", None, None),
        ("resume", None, None),
        ("journal", Some("j.jsonl"), None),
        ("dry-run", None, None),
        // Paging.
        ("from", Some("10"), Some("-1")),
        ("size", Some("50"), Some("0")),
        ("concurrency", Some("4"), Some("0")),
        ("cursor", Some("c1"), None),
        ("max", Some("3"), Some("0")),
        // What a command reads or writes.
        ("file", Some("f.json"), None),
        ("inputs", Some("i.json"), None),
        ("report", Some("r.md"), None),
        ("dir", Some("man"), None),
        // Workflows as code: the values of a file's variables, and deleting what no file names.
        ("var", Some("env=prod"), Some("no-equals")),
        ("var-file", Some("prod.vars"), None),
        ("prune", None, None),
        ("desired", Some("workflows/"), None),
        // Service levels: what every workflow is expected to meet, and acting on the policies.
        ("freshness", Some("1d"), Some("soon")),
        ("max-duration", Some("3x p95"), Some("1000x p95")),
        ("max-pending", Some("30m"), Some("-1h")),
        ("act", None, None),
        ("app", Some("snowflake-crawler"), None),
        ("state", Some("s.json"), None),
        ("password-stdin", None, None),
        (
            "filter",
            Some("{\"connector\":\"snowflake\"}"),
            Some("not json"),
        ),
        ("set", Some("enable-lineage=true"), Some("no-equals")),
        ("status", None, Some("Done")),
        ("phase", Some("Running"), Some("Done")),
        ("include-scheduled", None, None),
        ("failed", None, None),
        ("order", Some("none"), Some("random")),
        ("wait", None, None),
        ("type", Some("atlan-snowflake-miner"), None),
        ("id", None, None),
        ("name", None, None),
        ("username", None, None),
        ("entrypoint", None, None),
        ("run", None, None),
        ("validate", None, None),
        ("no-test", None, None),
        ("archive-legacy", None, None),
        ("verify", None, None),
        ("test-run", None, None),
        // A webhook URL is checked after clap (whose error would print it): only empty is refused.
        ("notify", Some("https://hooks.example.com/x"), Some(" ")),
        ("once", None, None),
        ("listen", Some("127.0.0.1:0"), Some("here")),
        ("max-workflows", Some("10"), Some("0")),
        // Global options.
        ("base-url", None, None),
        ("api-key", None, None),
        ("profile", None, None),
        ("sandbox", None, None),
        ("output", Some("wide"), Some("xml")),
        ("color", Some("never"), Some("sometimes")),
        ("jq", Some(".metadata.name"), None),
        // Profiles: where a profile's key comes from.
        ("api-key-env", Some("ATLAN_PROD_KEY"), None),
        ("api-key-command", Some("pass show atlan/prod"), None),
        ("api-key-stdin", None, None),
        ("api-key-timeout", Some("30"), Some("0")),
        ("route", Some("workflows"), Some("elsewhere")),
        ("max-response-mib", Some("16"), Some("0")),
        ("verbose", None, None),
        ("help", None, None),
        ("version", None, None),
        // `sandbox serve` (the sandbox's own options).
        ("addr", None, None),
        ("seed", None, None),
        ("synthetic", None, None),
        ("empty", None, None),
        ("compact-after", None, None),
        ("clock-speed", None, None),
        ("index-lag-seconds", None, None),
        ("stop-seconds", None, None),
        ("pending-seconds", None, None),
        ("running-seconds", None, None),
    ];

    /// The commands that destroy or change many things: each takes `--yes`.
    const ASKING: &[&str] = &[
        "workflows delete",
        "apps delete",
        "credentials purge",
        "runs rerun",
        "schedules suspend",
        "schedules resume",
        "apps schedules suspend",
        "apps schedules resume",
        "migrate apply",
        "apply",
        "config delete",
    ];

    /// Every subcommand, by path (`runs rerun`), with its command.
    fn commands() -> Vec<(String, clap::Command)> {
        fn walk(path: &str, command: &clap::Command, into: &mut Vec<(String, clap::Command)>) {
            for sub in command.get_subcommands() {
                let name = format!("{path} {}", sub.get_name()).trim().to_owned();
                into.push((name.clone(), sub.clone()));
                walk(&name, sub, into);
            }
        }
        let mut all = Vec::new();
        let root = Cli::command();
        walk("", &root, &mut all);
        all
    }

    #[test]
    fn every_option_of_every_command_is_in_the_vocabulary() {
        let mut unknown = Vec::new();
        for (path, command) in commands() {
            for arg in command.get_arguments() {
                if let Some(long) = arg.get_long()
                    && !VOCABULARY.iter().any(|(name, ..)| *name == long)
                {
                    unknown.push(format!("{path} --{long}"));
                }
            }
        }
        assert!(
            unknown.is_empty(),
            "options outside the vocabulary (add them to the table, with what they accept, or \
             use the word the table has for the idea): {unknown:?}"
        );
    }

    #[test]
    fn each_option_accepts_and_refuses_the_same_values_on_every_command() {
        let mut wrong = Vec::new();
        for (path, command) in commands() {
            for arg in command.get_arguments() {
                let Some(long) = arg.get_long() else { continue };
                let Some((_, good, bad)) = VOCABULARY.iter().find(|(name, ..)| *name == long)
                else {
                    continue;
                };
                // The option's own parser on a command of its own (its relations to other
                // options left out).
                let alone = clap::Command::new("alone").arg(
                    clap::Arg::new("value")
                        .long("value")
                        .value_parser(arg.get_value_parser().clone()),
                );
                let check = |value: &str| {
                    alone
                        .clone()
                        .try_get_matches_from(["alone", "--value", value])
                        .map(|_| ())
                };
                if let Some(good) = good
                    && let Err(error) = check(good)
                {
                    wrong.push(format!("{path} --{long} refuses {good:?}: {error}"));
                }
                if let Some(bad) = bad
                    && check(bad).is_ok()
                {
                    wrong.push(format!("{path} --{long} accepts {bad:?}"));
                }
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn every_timezone_defaults_to_utc_and_every_destructive_command_asks() {
        for (path, command) in commands() {
            for arg in command.get_arguments() {
                if arg.get_long() == Some("timezone") {
                    let defaults: Vec<_> = arg.get_default_values().iter().collect();
                    assert_eq!(defaults, ["UTC"], "{path} --timezone");
                }
            }
            let asks = command
                .get_arguments()
                .any(|arg| arg.get_long() == Some("yes"));
            assert_eq!(
                asks,
                ASKING.contains(&path.as_str()),
                "{path}: --yes on exactly the commands that ask"
            );
        }
    }

    #[test]
    fn every_run_search_takes_since_and_before_as_its_started_bounds() {
        for (path, command) in commands() {
            let started = command
                .get_arguments()
                .find(|arg| arg.get_long() == Some("started-since"));
            if let Some(arg) = started {
                let aliases = arg.get_visible_aliases().unwrap_or_default();
                assert_eq!(aliases, ["since"], "{path}");
            }
            let windowed = command.get_arguments().any(|arg| {
                matches!(arg.get_long(), Some("since" | "started-since"))
                    || arg
                        .get_visible_aliases()
                        .unwrap_or_default()
                        .contains(&"since")
            });
            let before = command.get_arguments().any(|arg| {
                arg.get_long() == Some("before")
                    || arg
                        .get_visible_aliases()
                        .unwrap_or_default()
                        .contains(&"before")
            });
            assert_eq!(windowed, before, "{path}: --since comes with --before");
        }
    }
}
