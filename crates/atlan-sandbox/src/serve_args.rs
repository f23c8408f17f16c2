//! [`ServeArgs`]: the command-line options of a sandbox server, defined once for the
//! `atlan-sandbox` binary and `atlanctl sandbox serve` (feature `clap`, on by default).

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::{DEFAULT_API_KEY, DEFAULT_COMPACT_AFTER, Seed, ServeOptions};

/// The options of `atlan-sandbox` and `atlanctl sandbox serve`; [`ServeArgs::options`] makes
/// them [`ServeOptions`]. Flatten it into a `clap` command (`#[command(flatten)]`).
#[derive(Debug, Clone, clap::Args)]
#[non_exhaustive]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port; the real one is printed).
    #[arg(long, default_value = "127.0.0.1:0", value_name = "ADDR")]
    pub addr: SocketAddr,
    /// The API key clients must present (prefer the environment variable).
    #[arg(long = "api-key", id = "sandbox_api_key", env = "ATLAN_SANDBOX_API_KEY",
          default_value = DEFAULT_API_KEY, hide_env_values = true, value_name = "KEY")]
    pub api_key: String,
    /// Persist the state in this file (replayed at start; writes are synced before they are
    /// answered).
    #[arg(long, value_name = "PATH")]
    pub state: Option<PathBuf>,
    /// Load seed data from this directory instead of the default tenant.
    #[arg(long, conflicts_with = "synthetic", value_name = "DIR")]
    pub seed: Option<PathBuf>,
    /// Generate a synthetic tenant (deterministic) instead of the default one: WORKFLOWS,RUNS of
    /// the legacy API, or a fleet of both APIs, LEGACY_WORKFLOWS,LEGACY_RUNS,APP_WORKFLOWS,APP_RUNS
    /// (such as 500,100000,500,100000).
    #[arg(long, value_name = "COUNTS", value_parser = Seed::parse_synthetic)]
    pub synthetic: Option<Seed>,
    /// Start with no data at all.
    #[arg(long, conflicts_with_all = ["seed", "synthetic"])]
    pub empty: bool,
    /// Seconds a new run stays Pending.
    #[arg(long, default_value_t = 2.0, value_name = "S")]
    pub pending_seconds: f64,
    /// Seconds a new run stays Running.
    #[arg(long, default_value_t = 10.0, value_name = "S")]
    pub running_seconds: f64,
    /// Seconds between a stop and the run's end (it is still Running meanwhile, with the shutdown
    /// set, as on a tenant).
    #[arg(long, default_value_t = 1.0, value_name = "S")]
    pub stop_seconds: f64,
    /// Seconds a new or changed run takes to reach searches (a tenant's index lags; reads by
    /// name and id do not).
    #[arg(long, default_value_t = 0.0, value_name = "S")]
    pub index_lag_seconds: f64,
    /// Run the tenant's clock this many times as fast as real time, so that schedules fire in a
    /// demo (at most 100).
    #[arg(long, default_value_t = 1.0, value_name = "X")]
    pub clock_speed: f64,
    /// Compact the state file once it is larger than BYTES and than twice its size after its last
    /// compaction (atomically: a snapshot written beside it, synced, renamed over it).
    #[arg(long, default_value_t = DEFAULT_COMPACT_AFTER, value_name = "BYTES")]
    pub compact_after: u64,
}

impl ServeArgs {
    /// What the sandbox serves with.
    pub fn options(self) -> ServeOptions {
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
            .with_stop_and_lag_seconds(self.stop_seconds, self.index_lag_seconds)
            .with_clock_speed(self.clock_speed)
            .with_compact_after(self.compact_after);
        if let Some(state) = self.state {
            options = options.with_state(state);
        }
        options
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Debug, Parser)]
    struct Command {
        #[command(flatten)]
        serve: ServeArgs,
    }

    #[test]
    fn the_options_become_serve_options() {
        let options = Command::parse_from([
            "serve",
            "--addr",
            "127.0.0.1:8700",
            "--empty",
            "--state",
            "/tmp/state.jsonl",
            "--compact-after",
            "1024",
        ])
        .serve
        .options();
        assert_eq!(options.addr.port(), 8700);
        assert!(matches!(options.seed, Seed::Empty));
        assert_eq!(options.state.as_deref(), Some("/tmp/state.jsonl".as_ref()));
        assert_eq!(options.compact_after, 1024);
    }

    #[test]
    fn a_seed_directory_and_a_synthetic_tenant_conflict() {
        let error = Command::try_parse_from(["serve", "--seed", "d", "--synthetic", "1,2"])
            .unwrap_err()
            .to_string();
        assert!(error.contains("cannot be used with"), "{error}");
    }
}
