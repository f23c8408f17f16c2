//! `atlan sandbox serve`: the sandbox server, as the `atlan-sandbox` binary runs it.

use super::Env;
use crate::cli::SandboxCommand;
use crate::error::CliError;

/// Runs `atlan sandbox …`.
pub(crate) async fn run(command: SandboxCommand, env: &Env) -> Result<(), CliError> {
    match command {
        SandboxCommand::Serve(args) => {
            if env.dry_run() {
                return Err(CliError::Usage(
                    "--dry-run: `sandbox serve` sends no request to show".into(),
                ));
            }
            let mut stdout = std::io::stdout();
            atlan_sandbox::serve(args, &mut stdout).await?;
            Ok(())
        }
    }
}
