//! `atlan-sandbox` / `atlan sandbox serve`: start, print where, serve until SIGINT or SIGTERM.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::{DEFAULT_API_KEY, SandboxError, Seed};

/// The command-line options of the sandbox server.
#[derive(Debug, Clone, clap::Args)]
#[non_exhaustive]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port; the real one is printed).
    #[arg(long, default_value = "127.0.0.1:0")]
    pub addr: SocketAddr,
    /// The API key clients must present (prefer the environment variable).
    #[arg(long, env = "ATLAN_SANDBOX_API_KEY", default_value = DEFAULT_API_KEY, hide_env_values = true)]
    pub api_key: String,
    /// Persist the state in this file (replayed at start; writes are synced before they are answered).
    #[arg(long)]
    pub state: Option<PathBuf>,
    /// Load seed data from this directory instead of the default tenant.
    #[arg(long, conflicts_with = "synthetic")]
    pub seed: Option<PathBuf>,
    /// Generate WORKFLOWS,RUNS synthetic workflows and runs (deterministic) instead of the default tenant.
    #[arg(long, value_name = "WORKFLOWS,RUNS", value_parser = parse_synthetic)]
    pub synthetic: Option<(usize, usize)>,
    /// Start with no data at all.
    #[arg(long, conflicts_with_all = ["seed", "synthetic"])]
    pub empty: bool,
    /// Seconds a new run stays Pending.
    #[arg(long, default_value_t = 2.0)]
    pub pending_seconds: f64,
    /// Seconds a new run stays Running.
    #[arg(long, default_value_t = 10.0)]
    pub running_seconds: f64,
}

fn parse_synthetic(text: &str) -> Result<(usize, usize), String> {
    let (workflows, runs) = text
        .split_once(',')
        .ok_or("expected WORKFLOWS,RUNS such as 10000,100000")?;
    let number = |part: &str| {
        part.trim()
            .parse::<usize>()
            .map_err(|_| format!("`{part}` is not a count"))
    };
    Ok((number(workflows)?, number(runs)?))
}

impl ServeArgs {
    /// The seed these options ask for.
    pub fn seed(&self) -> Seed {
        match (&self.seed, self.synthetic, self.empty) {
            (_, _, true) => Seed::Empty,
            (Some(dir), _, _) => Seed::Dir(dir.clone()),
            (None, Some((workflows, runs)), _) => Seed::Synthetic { workflows, runs },
            (None, None, false) => Seed::Default,
        }
    }
}

/// Starts a sandbox, writes `listening on http://ADDR` as the first line of `out`, and serves until
/// SIGINT or SIGTERM; then shuts down cleanly.
///
/// # Errors
/// [`SandboxError`] when the sandbox cannot start.
pub async fn serve(args: ServeArgs, out: &mut (dyn Write + Send)) -> Result<(), SandboxError> {
    let seconds = |value: f64| Duration::from_secs_f64(value.clamp(0.0, 86_400.0 * 365.0));
    let mut builder = crate::Sandbox::builder()
        .addr(args.addr)
        .api_key(args.api_key.clone())
        .seed(args.seed())
        .run_durations(seconds(args.pending_seconds), seconds(args.running_seconds));
    if let Some(path) = &args.state {
        builder = builder.state(path.clone());
    }
    let sandbox = builder.start().await?;
    let _ = writeln!(out, "listening on {}", sandbox.base_url());
    let _ = out.flush();
    wait_for_signal().await;
    tracing::info!("shutting down");
    sandbox.shutdown().await;
    Ok(())
}

/// SIGINT (Ctrl-C) or SIGTERM.
async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
