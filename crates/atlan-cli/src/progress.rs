//! Progress of long work on stderr, drawn only when stderr is a terminal: a listing with `--all`
//! (pages, items, total) and `runs monitor` (phase, progress, elapsed).

use std::io::IsTerminal;
use std::time::Duration;

use atlan_workflows::WorkflowSearchResult;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::rows::human;

/// A progress line on stderr (hidden when stderr is not a terminal).
#[derive(Debug, Clone)]
pub(crate) struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// Whether progress is drawn at all.
    pub(crate) fn enabled() -> bool {
        std::io::stderr().is_terminal()
    }

    fn new() -> Self {
        let bar = if Self::enabled() {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        } else {
            ProgressBar::hidden()
        };
        Self { bar }
    }

    /// The progress of a listing.
    pub(crate) fn listing() -> Self {
        let progress = Self::new();
        progress.bar.set_message("fetching the first page");
        progress
    }

    /// A listing has fetched `pages` pages holding `items` items, of `total` when known.
    pub(crate) fn fetched(&self, pages: u64, items: u64, total: Option<u64>) {
        let of = total
            .map(|total| format!(" of {total}"))
            .unwrap_or_default();
        self.bar
            .set_message(format!("{pages} pages fetched, {items}{of} items"));
    }

    /// The progress of a monitored run.
    pub(crate) fn monitor() -> Self {
        let progress = Self::new();
        progress.bar.set_message("waiting for the run");
        progress
    }

    /// A monitored run's state, `elapsed` into the wait.
    pub(crate) fn seen(&self, run: &WorkflowSearchResult, elapsed: Duration) {
        let status = run.source.status.as_ref();
        let phase = status
            .and_then(|status| status.phase.as_ref())
            .map_or("Unknown", |phase| phase.as_str());
        let progress = status
            .and_then(|status| status.progress.as_deref())
            .unwrap_or("-");
        let shown = format!(
            "{}: {phase}, {progress} nodes, {} elapsed",
            run.name(),
            human(elapsed.as_secs())
        );
        self.bar
            .set_message(crate::terminal::safe(&crate::scrub::text(&shown)).into_owned());
    }

    /// Removes the line.
    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
