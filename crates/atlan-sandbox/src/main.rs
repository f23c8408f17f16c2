//! `atlan-sandbox`: a local Atlan-compatible server. Prints `listening on http://ADDR` first, serves
//! until SIGINT or SIGTERM.

use std::process::ExitCode;

use atlan_sandbox::ServeArgs;
use clap::Parser;

/// mimalloc: loading a large tenant is mostly small allocations (see the `footprint` bench).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A local Atlan-compatible server for the workflow API.
#[derive(Debug, Parser)]
#[command(name = "atlan-sandbox", version, about)]
struct Cli {
    #[command(flatten)]
    serve: ServeArgs,
    /// Log more (-v: debug, -vv: trace) on stderr.
    #[arg(short, long, action = clap::ArgAction::Count)]
    verbose: u8,
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
    match atlan_sandbox::serve(cli.serve.options(), &mut stdout).await {
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
