//! Compaction of the state file: the state written as the events that rebuild it (a
//! snapshot), borrowed from the store rather than copied, and when to write one.

use serde::Serialize;
use serde_json::Value;

use super::{AppRunRecord, AppWorkflowRecord, RunRecord, Source, Store, StoredCredential};
use crate::persist::Log;

/// An event of a snapshot, borrowing what it writes from the store: serialized exactly as the
/// [`Event`] of the same name (`tests/state_file.rs` replays a compacted file to the same state),
/// so that compaction copies nothing.
#[derive(Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
#[allow(clippy::enum_variant_names)] // the names of the events they write
enum SnapshotEvent<'a> {
    PutWorkflow {
        name: &'a str,
        document: &'a Source,
        #[serde(skip_serializing_if = "Option::is_none")]
        schedule_since: Option<i64>,
    },
    PutRun {
        record: &'a RunRecord,
    },
    PutFixedRun {
        name: &'a str,
        document: &'a Source,
    },
    PutCredential {
        credential: &'a StoredCredential,
    },
    PutAppWorkflow {
        record: &'a AppWorkflowRecord,
    },
    PutAppRun {
        record: &'a AppRunRecord,
    },
    PutConnection {
        entity: &'a Value,
    },
}

/// A writer that only counts what it is given.
struct ByteCounter(u64);

impl std::io::Write for ByteCounter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0 += bytes.len() as u64;
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Store {
    /// Replaces the state file with a snapshot of the state (see [`Log::compact`]), under the
    /// write lock: nothing changes while it is written. A failure is logged and loses nothing (the
    /// log goes on in the old file, and tries again when it has doubled).
    pub(crate) fn compact_log(&mut self) {
        let Some(mut log) = self.log.take() else {
            return;
        };
        let before = log.len();
        let started = std::time::Instant::now();
        match log.compact(|out| self.write_snapshot(out)) {
            Ok(()) => tracing::info!(
                path = %log.path().display(),
                before,
                after = log.len(),
                took = ?started.elapsed(),
                "compacted the state file"
            ),
            Err(error) => {
                tracing::warn!(%error, "could not compact the state file; it goes on growing and will be compacted later");
                log.defer_compaction();
            }
        }
        self.log = Some(log);
    }

    /// Compacts the state file at start when more than half of it was superseded (what a snapshot
    /// would write, counted without writing it, is less than half the file). Files under 1 MiB
    /// are left alone.
    pub(crate) fn compact_log_if_superseded(&mut self) {
        let Some(length) = self.log.as_ref().map(Log::len) else {
            return;
        };
        if length < 1024 * 1024 {
            return;
        }
        let mut counter = ByteCounter(0);
        if self.write_snapshot(&mut counter).is_ok() && counter.0.saturating_mul(2) < length {
            self.compact_log();
        }
    }

    /// Writes the state as events, one a line, in an order that replays to this state (documents
    /// in index order).
    pub(super) fn write_snapshot(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let mut line = |event: SnapshotEvent<'_>| -> std::io::Result<()> {
            serde_json::to_writer(&mut *out, &event)?;
            out.write_all(b"\n")
        };
        for (name, document) in self.legacy.workflows.sources() {
            line(SnapshotEvent::PutWorkflow {
                name,
                document,
                schedule_since: self.schedules.since.get(name).copied(),
            })?;
        }
        for (name, document) in self.legacy.runs.sources() {
            line(match self.legacy.records.get(name) {
                Some(record) => SnapshotEvent::PutRun { record },
                None => SnapshotEvent::PutFixedRun { name, document },
            })?;
        }
        // Runs a lagging index does not show yet.
        for record in self
            .legacy
            .unindexed
            .iter()
            .filter_map(|name| self.legacy.records.get(name))
        {
            line(SnapshotEvent::PutRun { record })?;
        }
        for credential in self.credentials.values() {
            line(SnapshotEvent::PutCredential { credential })?;
        }
        for record in self.apps.workflows.values() {
            line(SnapshotEvent::PutAppWorkflow { record })?;
        }
        for record in self.apps.runs.values() {
            line(SnapshotEvent::PutAppRun { record })?;
        }
        for entity in self.connections() {
            line(SnapshotEvent::PutConnection { entity })?;
        }
        Ok(())
    }
}
