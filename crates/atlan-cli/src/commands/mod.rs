//! The commands: each calls the facade and prints what it got. A dry run is a mode of the client
//! (`--dry-run`): the operation stops before a request and the facade returns it, which
//! [`run`] prints; no command builds requests of its own.

mod apps;
pub(crate) mod as_code;
mod config;
mod credentials;
mod exporter;
mod generate;
mod levels;
mod migrate;
mod ops;
mod polling;
mod runs;
mod sandbox;
mod schedules;
mod top;
mod watch;
mod workflows;

use atlan_workflows::Error;

use crate::cli::{Cli, Command};
use crate::context::Env;
use crate::error::CliError;
use crate::output::Printer;

/// Whether `command`'s dry run is a preview: it reads the tenant to make its plan (reads change
/// nothing), then shows each request that would change something. The bulk commands and the
/// purge of a credential (which checks what uses it) preview under either `--dry-run`; `plan`
/// only reads, so its dry run is the plan.
fn previews(command: &Command) -> bool {
    use crate::cli::{AppSchedulesCommand, AppsCommand, CredentialsCommand, MigrateCommand};
    use crate::cli::{RunsCommand, SchedulesCommand};
    match command {
        Command::Runs(RunsCommand::Rerun(_))
        | Command::Migrate(MigrateCommand::Apply(_))
        | Command::Apply(_)
        | Command::Plan(_) => true,
        Command::Schedules(SchedulesCommand::Suspend(args) | SchedulesCommand::Resume(args))
        | Command::Apps(AppsCommand::Schedules(
            AppSchedulesCommand::Suspend(args) | AppSchedulesCommand::Resume(args),
        )) => args.is_bulk(),
        Command::Credentials(CredentialsCommand::Purge { force, .. }) => !force,
        _ => false,
    }
}

/// Says which schedule was set, in which zone (`--timezone` defaults to UTC).
pub(crate) fn scheduled(cron: &str, timezone: &str) {
    polling::say(&format!("scheduled `{cron}` in {timezone}"));
}

/// Runs a command line. A dry run that stopped before a request prints it and succeeds; a
/// preview's (see [`previews`]) reads go for real.
pub(crate) async fn run(mut cli: Cli) -> Result<(), CliError> {
    if cli.global.dry_run == Some(crate::cli::DryRunMode::All) && previews(&cli.command) {
        cli.global.dry_run = Some(crate::cli::DryRunMode::Writes);
    }
    let jq = cli
        .global
        .jq
        .as_deref()
        .map(crate::jq::JqFilter::new)
        .transpose()?;
    if jq.is_some() {
        cli.global.output = crate::cli::Format::Json;
    }
    let mut printer = Printer::stdout(cli.global.output, cli.global.color);
    if let Some(jq) = jq {
        printer.set_jq(jq);
    }
    if cli.global.dry_run.is_some() && matches!(cli.command, Command::Config(_)) {
        return Err(CliError::Usage(
            "--dry-run shows requests to Atlan; `config` sends none and a dry run writes nothing"
                .into(),
        ));
    }
    if cli.global.dry_run.is_some() && matches!(cli.command, Command::Sandbox(_)) {
        return Err(CliError::Usage(
            "--dry-run shows requests to Atlan; `sandbox serve` sends none".into(),
        ));
    }
    if cli.global.dry_run.is_some()
        && matches!(
            cli.command,
            Command::Exporter(_) | Command::Watch(_) | Command::Top(_)
        )
    {
        return Err(CliError::Usage(
            "--dry-run stops at the first request; `exporter` and `watch` poll for as long as they run: use `runs search --dry-run` to see their search".into(),
        ));
    }
    let mut env = Env::new(cli.global, printer);
    let result = match cli.command {
        Command::Workflows(command) => workflows::run(command, &mut env).await,
        Command::Runs(command) => runs::run(command, &mut env).await,
        Command::Schedules(command) => schedules::run(command, &mut env).await,
        Command::Credentials(command) => credentials::run(command, &mut env).await,
        Command::Apps(command) => apps::run(command, &mut env).await,
        Command::Doctor(args) => ops::doctor(args, &mut env).await,
        Command::Exporter(args) => exporter::run(args, &mut env).await,
        Command::Watch(args) => watch::run(args, &mut env).await,
        Command::Top(args) => top::run(args, &mut env).await,
        Command::Export(args) => as_code::export(args, &mut env).await,
        Command::Plan(args) => as_code::plan(args, &mut env).await,
        Command::Apply(args) => as_code::apply(args, &mut env).await,
        Command::Schema(args) => as_code::schema(args, &mut env).await,
        Command::Migrate(command) => migrate::run(command, &mut env).await,
        Command::Sandbox(command) => sandbox::run(command).await,
        Command::Config(command) => config::run(command, &mut env),
        Command::Completions { shell } => generate::completions(shell, &mut env.printer),
        Command::Man { dir } => generate::man_pages(&dir),
    };
    let result = match result {
        Err(CliError::Api(Error::DryRun { request })) => env.show(&request),
        other => other,
    };
    env.close().await;
    result
}
