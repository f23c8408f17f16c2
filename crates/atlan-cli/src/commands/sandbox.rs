//! `atlanctl sandbox serve`: the sandbox server, as the `atlan-sandbox` binary runs it.

use crate::cli::SandboxCommand;
use crate::error::CliError;

/// Runs `atlanctl sandbox …`.
pub(crate) async fn run(command: SandboxCommand) -> Result<(), CliError> {
    match command {
        SandboxCommand::Serve(args) => {
            let mut stdout = std::io::stdout();
            atlan_sandbox::serve(args.options(), &mut stdout).await?;
            Ok(())
        }
    }
}
