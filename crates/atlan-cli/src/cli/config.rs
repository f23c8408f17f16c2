//! `atlanctl config`: the profiles (named tenants) commands choose with `--profile`.

use clap::{Args, Subcommand};

/// `atlanctl config …`
#[derive(Debug, Subcommand)]
pub(crate) enum ConfigCommand {
    /// Add a profile, or replace the one of that name: a tenant's address and where its API key
    /// comes from (an environment variable, a command that prints it, or stdin, kept in a file
    /// only you can read). The first profile added is the one in use.
    Set(ConfigSetArgs),
    /// Use this profile when a command names none.
    Use {
        /// The profile.
        name: String,
    },
    /// The profile (or environment) a command would use now, and why.
    Current,
    /// Every profile: its address and where its key comes from (never the key).
    List,
    /// Remove a profile and its stored key (asks first; --yes without a terminal).
    Delete {
        /// The profile.
        name: String,
        /// Do it without asking.
        #[arg(long)]
        yes: bool,
    },
}

/// `atlanctl config set`
#[derive(Debug, Args)]
pub(crate) struct ConfigSetArgs {
    /// The profile's name: letters, digits, `-`, `_` or `.`.
    pub(crate) name: String,
    /// The tenant's address, such as `https://acme.atlan.com`.
    #[arg(long, value_name = "URL")]
    pub(crate) base_url: String,
    /// Where the key comes from.
    #[command(flatten)]
    pub(crate) key: KeyArgs,
    /// How long the key command may take, in seconds.
    #[arg(long, value_name = "SECONDS", requires = "api_key_command",
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub(crate) api_key_timeout: Option<u64>,
}

/// Exactly one source of the API key.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub(crate) struct KeyArgs {
    /// The key is in this environment variable.
    #[arg(long, value_name = "VAR")]
    pub(crate) api_key_env: Option<String>,
    /// This command prints the key (run with `sh -c`; its stderr is dropped).
    #[arg(long, value_name = "CMD")]
    pub(crate) api_key_command: Option<String>,
    /// Read the key from stdin now and keep it in a file only you can read.
    #[arg(long)]
    pub(crate) api_key_stdin: bool,
}
