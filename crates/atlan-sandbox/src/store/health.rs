//! What `/_sandbox/health` answers, kept outside the store's lock: the store publishes its counts
//! after every change, and health reads them without waiting for a writer (a compaction of a large
//! state file holds the write lock for as long as it takes).

use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Value, json};

/// The store's counts, as of its last change.
#[derive(Debug, Default)]
pub(crate) struct Health {
    workflows: AtomicU64,
    runs: AtomicU64,
    credentials: AtomicU64,
    app_workflows: AtomicU64,
    /// The state file's length, when there is one (`u64::MAX`: none).
    state_bytes: AtomicU64,
    compactions: AtomicU64,
}

/// What the store publishes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Counts {
    pub(crate) workflows: usize,
    pub(crate) runs: usize,
    pub(crate) credentials: usize,
    pub(crate) app_workflows: usize,
    /// The state file's length and compactions since start.
    pub(crate) state_file: Option<(u64, u64)>,
}

fn wide(count: usize) -> u64 {
    u64::try_from(count).unwrap_or(u64::MAX)
}

impl Health {
    /// A health with no state file.
    pub(crate) fn new() -> Self {
        let health = Self::default();
        health.state_bytes.store(u64::MAX, Ordering::Relaxed);
        health
    }

    /// Publishes the counts of a change.
    pub(crate) fn publish(&self, counts: Counts) {
        self.workflows
            .store(wide(counts.workflows), Ordering::Relaxed);
        self.runs.store(wide(counts.runs), Ordering::Relaxed);
        self.credentials
            .store(wide(counts.credentials), Ordering::Relaxed);
        self.app_workflows
            .store(wide(counts.app_workflows), Ordering::Relaxed);
        let (bytes, compactions) = counts.state_file.unwrap_or((u64::MAX, 0));
        self.state_bytes.store(bytes, Ordering::Relaxed);
        self.compactions.store(compactions, Ordering::Relaxed);
    }

    /// `{"status": "ok", "workflows", "runs", "credentials", "app_workflows"[, "state_file": {"bytes", "compactions"}]}`.
    pub(crate) fn answer(&self) -> Value {
        let mut answer = json!({
            "status": "ok",
            "workflows": self.workflows.load(Ordering::Relaxed),
            "runs": self.runs.load(Ordering::Relaxed),
            "credentials": self.credentials.load(Ordering::Relaxed),
            "app_workflows": self.app_workflows.load(Ordering::Relaxed),
        });
        let bytes = self.state_bytes.load(Ordering::Relaxed);
        if bytes != u64::MAX {
            crate::json::set(
                &mut answer,
                "state_file",
                json!({"bytes": bytes, "compactions": self.compactions.load(Ordering::Relaxed)}),
            );
        }
        answer
    }
}
