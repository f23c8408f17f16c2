//! `atlan-sandbox`: a local Atlan-compatible server. Prints `listening on http://ADDR` first, serves
//! until SIGINT or SIGTERM.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use atlan_sandbox::{DEFAULT_API_KEY, Seed, ServeOptions};
use clap::Parser;

/// A local Atlan-compatible server for the workflow API.
#[derive(Debug, Parser)]
#[command(name = "atlan-sandbox", version, about)]
struct Cli {
    /// Address to listen on (port 0 picks a free port; the real one is printed).
    #[arg(long, default_value = "127.0.0.1:0")]
    addr: SocketAddr,
    /// The API key clients must present (prefer the environment variable).
    #[arg(long, env = "ATLAN_SANDBOX_API_KEY", default_value = DEFAULT_API_KEY, hide_env_values = true)]
    api_key: String,
    /// Persist the state in this file (replayed at start; writes are synced before they are
    /// answered).
    #[arg(long)]
    state: Option<PathBuf>,
    /// Load seed data from this directory instead of the default tenant.
    #[arg(long, conflicts_with = "synthetic")]
    seed: Option<PathBuf>,
    /// Generate WORKFLOWS,RUNS synthetic workflows and runs (deterministic) instead of the default
    /// tenant.
    #[arg(long, value_name = "WORKFLOWS,RUNS", value_parser = Seed::parse_synthetic)]
    synthetic: Option<Seed>,
    /// Start with no data at all.
    #[arg(long, conflicts_with_all = ["seed", "synthetic"])]
    empty: bool,
    /// Seconds a new run stays Pending.
    #[arg(long, default_value_t = 2.0)]
    pending_seconds: f64,
    /// Seconds a new run stays Running.
    #[arg(long, default_value_t = 10.0)]
    running_seconds: f64,
    /// Compact the state file once it is larger than BYTES and than twice its size after its last
    /// compaction (atomically: a snapshot written beside it, synced, renamed over it).
    #[arg(long, default_value_t = atlan_sandbox::DEFAULT_COMPACT_AFTER)]
    compact_after: u64,
    /// Log more (-v: debug, -vv: trace) on stderr.
    #[arg(short, long, action = clap::ArgAction::Count)]
    verbose: u8,
}

impl Cli {
    fn options(self) -> ServeOptions {
        let seed = match (self.empty, self.seed, self.synthetic) {
            (true, _, _) => Seed::Empty,
            (false, Some(dir), _) => Seed::Dir(dir),
            (false, None, Some(synthetic)) => synthetic,
            (false, None, None) => Seed::Default,
        };
        let mut options = ServeOptions::default()
            .with_addr(self.addr)
            .with_api_key(self.api_key)
            .with_seed(seed)
            .with_run_seconds(self.pending_seconds, self.running_seconds)
            .with_compact_after(self.compact_after);
        if let Some(state) = self.state {
            options = options.with_state(state);
        }
        options
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let level = match cli.verbose {
        0 => tracing::Level::INFO,
        1 => tracing::Level::DEBUG,
        _ => tracing::Level::TRACE,
    };
    tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .init();
    let mut stdout = std::io::stdout();
    match atlan_sandbox::serve(cli.options(), &mut stdout).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error}");
            #[allow(clippy::print_stderr)]
            {
                eprintln!("atlan-sandbox: {error}");
            }
            ExitCode::FAILURE
        }
    }
}
