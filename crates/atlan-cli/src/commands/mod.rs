//! The commands: each calls the facade and prints what it got. A dry run is a mode of the client
//! (`--dry-run`): the operation stops before a request and the facade returns it, which
//! [`run`] prints; no command builds requests of its own.

mod apps;
mod credentials;
mod exporter;
mod generate;
mod migrate;
mod ops;
mod polling;
mod runs;
mod sandbox;
mod schedules;
mod watch;
mod workflows;

use atlan_workflows::{ApiRequest, AtlanClient, Error};

use crate::cli::{Cli, Command, Global};
use crate::context::Connection;
use crate::error::CliError;
use crate::output::Printer;

/// What every command works with: the global options, the printer and (once asked for) the
/// connection.
pub(crate) struct Env {
    global: Global,
    /// Where results go.
    pub(crate) printer: Printer,
    connection: Option<Connection>,
}

impl Env {
    /// The environment of one command line.
    pub(crate) fn new(global: Global, printer: Printer) -> Self {
        Self {
            global,
            printer,
            connection: None,
        }
    }

    /// Prints a request as `--dry-run` shows it: one line of JSON, secrets redacted, its keys in
    /// the order `method`, `path`, `query`, `body`.
    pub(crate) fn show(&mut self, request: &ApiRequest) -> Result<(), CliError> {
        let line = serde_json::to_string(request).map_err(std::io::Error::from)?;
        self.printer.line(&line)
    }

    /// Whether this is a dry run (nothing that changes something is sent, nothing is asked).
    pub(crate) fn is_dry_run(&self) -> bool {
        self.global.dry_run.is_some()
    }

    /// The client, connecting on first use.
    pub(crate) async fn client(&mut self) -> Result<AtlanClient, CliError> {
        if let Some(connection) = &self.connection {
            return Ok(connection.client.clone());
        }
        let connection = Connection::open(&self.global).await?;
        let client = connection.client.clone();
        self.connection = Some(connection);
        Ok(client)
    }

    /// How many requests the client has sent, once connected.
    pub(crate) fn requests(&self) -> Option<u64> {
        self.connection
            .as_ref()
            .map(|connection| connection.requests.count())
    }

    /// The base URL of the tenant (or sandbox) connected to, once connected.
    pub(crate) fn base_url(&self) -> Option<&str> {
        self.connection
            .as_ref()
            .map(|connection| connection.base_url.as_str())
    }

    /// Ends the command: stops the embedded sandbox, if any.
    pub(crate) async fn close(self) {
        if let Some(connection) = self.connection {
            connection.close().await;
        }
    }
}

/// Whether `command`'s dry run is a preview: it reads the tenant to make its plan (reads change
/// nothing), then shows each request that would change something. The bulk commands and the
/// purge of a credential (which checks what uses it) preview under either `--dry-run`.
fn previews(command: &Command) -> bool {
    use crate::cli::{AppSchedulesCommand, AppsCommand, CredentialsCommand, MigrateCommand};
    use crate::cli::{RunsCommand, SchedulesCommand};
    match command {
        Command::Runs(RunsCommand::Rerun(_)) | Command::Migrate(MigrateCommand::Apply(_)) => true,
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
    let printer = Printer::stdout(cli.global.output);
    if cli.global.dry_run.is_some() && matches!(cli.command, Command::Sandbox(_)) {
        return Err(CliError::Usage(
            "--dry-run shows requests to Atlan; `sandbox serve` sends none".into(),
        ));
    }
    if cli.global.dry_run.is_some()
        && matches!(cli.command, Command::Exporter(_) | Command::Watch(_))
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
        Command::Migrate(command) => migrate::run(command, &mut env).await,
        Command::Sandbox(command) => sandbox::run(command).await,
        Command::Completions { shell } => generate::completions(shell, &mut env.printer),
        Command::GenerateMan { dir } => generate::man_pages(&dir),
    };
    let result = match result {
        Err(CliError::Api(Error::DryRun { request })) => env.show(&request),
        other => other,
    };
    env.close().await;
    result
}
