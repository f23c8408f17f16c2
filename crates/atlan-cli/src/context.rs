//! The command context ([`Env`]: the global options, the printer, the connection) and who the
//! commands talk to ([`Connection`]): with `--sandbox`, a sandbox started in this process;
//! otherwise the tenant [`Choice`] picks (`--base-url`, a profile, `ATLAN_BASE_URL`, …); with
//! `--dry-run`, nothing at all.

use atlan_sandbox::{Sandbox, SandboxHandle};
use atlan_workflows::{ApiRequest, AtlanClient, AtlanClientBuilder, DryRun};
use secrecy::ExposeSecret;

use crate::cli::Global;
use crate::counter::CountRequests;
use crate::error::CliError;
use crate::output::Printer;
use crate::profiles::choice::Choice;

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

    /// The global options.
    pub(crate) fn global(&self) -> &Global {
        &self.global
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

/// What a command needs to run: a client, and the sandbox behind it when there is one.
pub(crate) struct Connection {
    /// The client.
    pub(crate) client: AtlanClient,
    /// The embedded sandbox; it serves as long as this lives.
    sandbox: Option<SandboxHandle>,
    /// The requests the client sent.
    pub(crate) requests: CountRequests,
    /// Where it talks to: the tenant's or the sandbox's base URL.
    pub(crate) base_url: String,
}

impl Connection {
    /// Connects as the global options say; `--sandbox` wins over a base URL from the environment.
    /// A `--dry-run` that sends nothing connects to nothing (no sandbox is started, no key is
    /// needed).
    ///
    /// # Errors
    /// [`CliError::Usage`] when there is nothing to talk to or no key for the tenant;
    /// [`CliError::Sandbox`] when the sandbox cannot start.
    pub(crate) async fn open(global: &Global) -> Result<Self, CliError> {
        let dry_run = global.dry_run.map_or(DryRun::Off, DryRun::from);
        let max_bytes = usize::try_from(global.max_response_mib.saturating_mul(1024 * 1024))
            .unwrap_or(usize::MAX);
        let requests = CountRequests::default();
        let mut builder = AtlanClient::builder()
            .dry_run(dry_run)
            .max_response_bytes(max_bytes)
            .with_layer(requests.layer());
        if let Some(route) = global.route {
            builder = builder.route(route.into());
        }
        if dry_run == DryRun::All {
            return Ok(Self {
                client: builder.build()?,
                sandbox: None,
                requests,
                base_url: String::new(),
            });
        }
        if global.sandbox {
            let sandbox = Sandbox::builder().start().await?;
            tracing::info!(url = %sandbox.base_url(), "started the embedded sandbox");
            let client = builder
                .base_url(sandbox.base_url())
                .api_key(sandbox.api_key())
                .build()?;
            return Ok(Self {
                base_url: sandbox.base_url(),
                client,
                sandbox: Some(sandbox),
                requests,
            });
        }
        let (builder, base_url) = tenant(global, builder).await?;
        Ok(Self {
            client: builder.build()?,
            sandbox: None,
            requests,
            base_url,
        })
    }

    /// Stops the embedded sandbox, if any, letting requests in flight finish.
    pub(crate) async fn close(self) {
        if let Some(sandbox) = self.sandbox {
            sandbox.shutdown().await;
        }
    }
}

/// The builder pointed at the tenant [`Choice`] picks, and its base URL.
async fn tenant(
    global: &Global,
    builder: AtlanClientBuilder,
) -> Result<(AtlanClientBuilder, String), CliError> {
    let (base_url, api_key) = match Choice::of(global)? {
        Choice::Given { base_url, .. } => {
            let Some(api_key) = &global.api_key else {
                return Err(CliError::Usage(format!(
                    "no API key for {base_url}: set ATLAN_API_KEY (or pass --api-key before the command)"
                )));
            };
            (base_url, api_key.clone())
        }
        Choice::Profile {
            name, profile, dir, ..
        } => {
            let api_key = crate::profiles::key::resolve(&name, &profile, &dir).await?;
            (profile.base_url, api_key)
        }
        Choice::Nothing => {
            return Err(CliError::Usage(
                "no Atlan to talk to: set ATLAN_BASE_URL and ATLAN_API_KEY (or pass --base-url), \
                 add a profile with `atlanctl config set`, or add --sandbox to use a sandbox with \
                 a demo tenant"
                    .into(),
            ));
        }
    };
    let builder = builder
        .base_url(base_url.clone())
        .api_key(api_key.expose_secret());
    Ok((builder, base_url))
}
