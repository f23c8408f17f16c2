//! `atlanctl exporter`: Prometheus metrics of the tenant's workflows. It binds the address first
//! (an address in use is an error before anything else), says `listening on http://ADDR`, then
//! polls the tenant with a [`Polling`] and, after each poll, publishes a new snapshot that the
//! HTTP server hands to every scrape ([`metrics`], [`http`]).

mod http;
mod metrics;

use std::sync::Arc;
use std::time::Instant;

use tokio::net::TcpListener;

use super::polling::{Polling, say};
use crate::cli::ExporterArgs;
use crate::context::Env;
use crate::error::CliError;

use metrics::{Metrics, Published};

/// Runs `atlanctl exporter` until SIGINT or SIGTERM.
pub(crate) async fn run(args: ExporterArgs, env: &mut Env) -> Result<(), CliError> {
    let signals = atlan_sandbox::StopSignals::listen();
    let listener = TcpListener::bind(args.listen)
        .await
        .map_err(|source| CliError::Listen {
            addr: args.listen.to_string(),
            source,
        })?;
    let addr = listener.local_addr()?;
    // The files of --desired are read once: a problem in one is an error before anything starts.
    let desired = match super::as_code::Desired::of(&args.levels.desired) {
        Some(desired) => Some((desired.documents()?, desired.prune)),
        None => None,
    };
    let client = env.client().await?;
    let published = Arc::new(Published::default());
    let mut metrics = Metrics::new(args.poll.max_workflows, Arc::clone(&published));
    env.printer.line(&format!("listening on http://{addr}"))?;
    let server = tokio::spawn(http::serve(listener, Arc::clone(&published)));
    // Which workflow each file's expectations are for: one read of the tenant, once listening.
    let documents = desired.as_ref().map_or(&[][..], |(documents, _)| documents);
    let levels = super::levels::service_levels_of(&args.levels, documents, env).await?;
    let mut polling = Polling::new(
        &args.poll,
        client.clone(),
        jiff::Timestamp::now(),
        |config| config.levels(levels),
    );
    let polls = async {
        loop {
            let now = jiff::Timestamp::now();
            let started = Instant::now();
            let result = polling.poll(now).await;
            let took = started.elapsed();
            let requests = env.requests().unwrap_or(0);
            match result {
                Ok(report) => {
                    let figures = polling.watcher.figures(now);
                    metrics.succeeded(now, took, &figures, &report, requests);
                    if let Some((documents, selector)) = &desired {
                        drift(&client, documents, selector.as_ref(), &mut metrics).await;
                    }
                }
                Err(error) => {
                    metrics.failed(took, requests);
                    say(&format!(
                        "poll failed: {error}; serving the last values, next poll in {}",
                        atlan_workflows::human_duration(polling.delay())
                    ));
                }
            }
            tokio::time::sleep(polling.delay()).await;
        }
    };
    tokio::select! {
        () = polls => {}
        () = signals.wait() => {}
    }
    server.abort();
    Ok(())
}

/// The drift of the files' workflows (and of those in `selector` with no file) from the tenant,
/// read now; a read that fails keeps the last values (and is said).
async fn drift(
    client: &atlan_workflows::AtlanClient,
    documents: &[(String, atlan_ops::as_code::Document)],
    selector: Option<&atlan_ops::as_code::Prune>,
    metrics: &mut Metrics,
) {
    use atlan_ops::as_code::{plan, tenant};
    match tenant::read(client, tenant::apis_of(documents)).await {
        Ok(tenant) => {
            let planned = plan::plan(documents, &tenant, &tenant::Contracts::new(), selector);
            metrics.drifted(&planned);
        }
        Err(error) => say(&format!(
            "drift: the tenant's app workflows could not be read: {error}"
        )),
    }
}
