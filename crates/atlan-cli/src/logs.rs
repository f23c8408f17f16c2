//! The logs of `-v` (debug) and `-vv` (trace), on stderr: every line, this crate's and every
//! dependency's (hyper-util's connection pool names the hosts it connects to), goes through the
//! scrubber first, so that no secret the command knows (the API key, a password or `extra` value
//! sent, a webhook URL, its path and its userinfo) reaches the log.

use std::io::Write;

use tracing::level_filters::LevelFilter;
use tracing_subscriber::fmt::MakeWriter;

use crate::scrub;

/// Starts the logs at the level `verbose` asks for: none, debug or trace.
pub(crate) fn init(verbose: u8) {
    let level = match verbose {
        0 => LevelFilter::OFF,
        1 => LevelFilter::DEBUG,
        _ => LevelFilter::TRACE,
    };
    tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(ScrubbedStderr)
        .init();
}

/// Makes a [`LogLine`] per event.
#[derive(Debug, Clone, Copy)]
struct ScrubbedStderr;

impl<'a> MakeWriter<'a> for ScrubbedStderr {
    type Writer = LogLine;

    fn make_writer(&'a self) -> Self::Writer {
        LogLine(Vec::new())
    }
}

/// One event as it is formatted: written to stderr, scrubbed, when it is dropped.
#[derive(Debug)]
struct LogLine(Vec<u8>);

impl Write for LogLine {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for LogLine {
    fn drop(&mut self) {
        let _ = std::io::stderr().lock().write_all(&scrub::bytes(&self.0));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_scrubbed_of_the_secrets_known_when_it_is_written() {
        let url = "https://bot:pa55w0rd-9f1@hooks.example.com/T0/B0/tok-12345678";
        scrub::remember_url(url);
        let line = b"pool: connecting to (\"https\", bot:pa55w0rd-9f1@hooks.example.com) for /T0/B0/tok-12345678";
        let scrubbed = scrub::bytes(line);
        let text = String::from_utf8_lossy(&scrubbed);
        assert!(!text.contains("pa55w0rd-9f1"), "{text}");
        assert!(!text.contains("tok-12345678"), "{text}");
        assert!(text.contains("hooks.example.com"), "{text}");
        let mut writer = ScrubbedStderr.make_writer();
        assert_eq!(writer.write(line).unwrap_or_default(), line.len());
    }
}
