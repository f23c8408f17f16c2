//! The transport's one error type.

use std::error::Error as StdError;
use std::fmt;

/// A boxed error source.
pub type BoxError = Box<dyn StdError + Send + Sync>;

/// Which timeout expired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// Establishing the connection.
    Connect,
    /// One attempt (request and whole response).
    Attempt,
    /// The whole call, retries included.
    Operation,
    /// Reading the response body.
    Body,
}

impl fmt::Display for TimeoutKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Connect => "connect",
            Self::Attempt => "attempt",
            Self::Operation => "operation",
            Self::Body => "body",
        })
    }
}

/// A request that did not produce a response. A response with any status is not an error here:
/// interpreting statuses is the caller's job.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// The transport could not be built (bad URL, key, header or setting).
    #[error("invalid transport configuration: {message}")]
    Construction {
        /// What is wrong.
        message: String,
    },
    /// An environment variable the configuration is read from is missing or invalid
    /// ([`crate::TransportConfig::from_env`]).
    #[error("{variable}: {reason}")]
    Environment {
        /// The variable, such as `ATLAN_BASE_URL`.
        variable: &'static str,
        /// What is wrong with it (never its value when it holds a secret).
        reason: String,
    },
    /// No connection could be established; the request was not sent.
    #[error("could not connect{}: {source}", to.as_ref().map(|to| format!(" to {to}")).unwrap_or_default())]
    Connect {
        /// The host and port it tried (never a path or userinfo), when known.
        to: Option<String>,
        /// The cause.
        #[source]
        source: BoxError,
    },
    /// A timeout expired.
    #[error("the {which} timeout expired{}", to.as_ref().map(|to| format!(" ({to})")).unwrap_or_default())]
    Timeout {
        /// Which one.
        which: TimeoutKind,
        /// The host and port it was talking to, when known.
        to: Option<String>,
    },
    /// The connection failed while the request was under way.
    #[error("the request failed{}: {source}", if *.maybe_sent { " after it may have reached the server" } else { " before it was sent" })]
    Dispatch {
        /// Whether the server may have received (and acted on) the request.
        maybe_sent: bool,
        /// The cause.
        #[source]
        source: BoxError,
    },
    /// The response body is larger than [`crate::TransportConfig::max_response_bytes`]; the rest
    /// of it was not read.
    #[error(
        "the response body is larger than {limit} bytes, the most this client reads (TransportConfig::max_response_bytes)"
    )]
    BodyTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The response body could not be read.
    #[error("could not read the response body: {source}")]
    Body {
        /// The cause.
        #[source]
        source: BoxError,
    },
}

impl TransportError {
    pub(crate) fn construction(message: impl Into<String>) -> Self {
        Self::Construction {
            message: message.into(),
        }
    }

    /// Whether trying again could succeed, ignoring idempotency: connect errors, timeouts other
    /// than the whole call's, dispatch and body errors. (The retry policy also requires a request
    /// that may be re-sent; see [`crate::retry`].)
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Construction { .. } | Self::Environment { .. } | Self::BodyTooLarge { .. } => {
                false
            }
            Self::Connect { .. } | Self::Dispatch { .. } | Self::Body { .. } => true,
            Self::Timeout { which, .. } => *which != TimeoutKind::Operation,
        }
    }

    /// Whether a timeout expired.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout { .. })
    }

    /// Whether the request certainly did not reach the server (so re-sending it is always safe).
    pub fn is_unsent(&self) -> bool {
        matches!(
            self,
            Self::Connect { .. }
                | Self::Timeout {
                    which: TimeoutKind::Connect,
                    ..
                }
                | Self::Dispatch {
                    maybe_sent: false,
                    ..
                }
        )
    }

    /// The same error, naming `to` (a URI's host and port) when it is about a connection or a
    /// timeout and names nothing yet.
    #[must_use]
    pub fn talking_to(mut self, uri: &http::Uri) -> Self {
        if let Self::Connect { to, .. } | Self::Timeout { to, .. } = &mut self
            && to.is_none()
        {
            *to = host_and_port(uri);
        }
        self
    }

    /// Classifies an error of the stack's inner services.
    pub(crate) fn from_box(error: BoxError) -> Self {
        match error.downcast::<Self>() {
            Ok(error) => *error,
            Err(error) => match error.downcast::<hyper_util::client::legacy::Error>() {
                Ok(error) => Self::from_client(*error),
                Err(error) => Self::Dispatch {
                    maybe_sent: true,
                    source: error,
                },
            },
        }
    }

    /// Classifies an error of hyper's client.
    pub(crate) fn from_client(error: hyper_util::client::legacy::Error) -> Self {
        if error.is_connect() {
            if has_timed_out(&error) {
                return Self::Timeout {
                    which: TimeoutKind::Connect,
                    to: None,
                };
            }
            return Self::Connect {
                to: None,
                source: Box::new(error),
            };
        }
        let canceled = error
            .source()
            .and_then(|source| source.downcast_ref::<hyper::Error>())
            .is_some_and(hyper::Error::is_canceled);
        Self::Dispatch {
            maybe_sent: !canceled,
            source: Box::new(error),
        }
    }
}

/// Whether an error's chain contains an I/O timeout.
fn has_timed_out(error: &(dyn StdError + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(error) = current {
        if error
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
        {
            return true;
        }
        current = error.source();
    }
    false
}

/// `host:port` of a URI (the scheme's port when it names none); never its userinfo or path.
pub(crate) fn host_and_port(uri: &http::Uri) -> Option<String> {
    let host = uri.host()?;
    let port = uri.port_u16().or_else(|| match uri.scheme_str() {
        Some("https") => Some(443),
        Some("http") => Some(80),
        _ => None,
    })?;
    Some(if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    })
}
