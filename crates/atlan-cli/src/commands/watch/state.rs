//! The state file of `atlanctl watch`: the last successful poll, the dedupe key of every event
//! already told (or held back by the cooldown), the notifications still to deliver, and each
//! workflow's cooldown. It is written after every change, to a temporary file that is synced and
//! renamed over the old one, so that a kill -9 leaves either the old state or the new one.
//!
//! A restart reads it back: events are made again from the last poll on (minus the overlap), and
//! those whose keys are known are not told twice; what was still to deliver is delivered. A
//! notification is delivered at least once: it leaves the outbox only after a webhook accepted
//! it, so a kill between the webhook's answer and the write repeats that one notification (the
//! document's `key` lets a receiver drop it).

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use atlan_ops::file_lock::{FileLock, LockError};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::CliError;

/// The version of the file's layout.
const VERSION: u32 = 1;
/// The largest state file read.
const MAX_BYTES: u64 = 64 * 1024 * 1024;
/// The most notifications waiting; beyond, the oldest are given up (and said so).
pub(crate) const MAX_OUTBOX: usize = 1_000;
/// The most dedupe keys kept (the oldest are forgotten first).
const MAX_SENT: usize = 200_000;

/// A notification still to deliver.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Pending {
    /// The event's dedupe key.
    pub(crate) key: String,
    /// The document to post.
    pub(crate) document: Value,
    /// The webhooks (by position in `--notify`) that have not accepted it yet.
    pub(crate) webhooks: Vec<usize>,
    /// How many deliveries failed so far.
    pub(crate) attempts: u32,
    /// Not before this instant.
    pub(crate) next: Option<Timestamp>,
}

/// A workflow's cooldown.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Cooldown {
    /// Failures are held back until then.
    pub(crate) until: Option<Timestamp>,
    /// How many were held back since the last notification.
    pub(crate) suppressed: u64,
}

/// Everything `watch` remembers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct State {
    version: u32,
    /// The tenant it belongs to (its base URL).
    pub(crate) tenant: String,
    /// How many webhooks the outbox's positions refer to.
    pub(crate) webhooks: usize,
    /// When this watch first started: nothing that happened before is told.
    #[serde(default)]
    pub(crate) started: Option<Timestamp>,
    /// The instant of the last successful poll.
    pub(crate) cursor: Option<Timestamp>,
    /// Dedupe key → when it was told (or held back).
    pub(crate) sent: BTreeMap<String, Timestamp>,
    /// Notifications still to deliver, oldest first.
    pub(crate) outbox: Vec<Pending>,
    /// `api:workflow` → its cooldown.
    pub(crate) cooldown: BTreeMap<String, Cooldown>,
    /// The expectations not met at the last poll: told when they clear, after a restart too.
    #[serde(default)]
    pub(crate) open: Vec<atlan_ops::watch::Breached>,
}

impl State {
    /// A new state for `tenant`.
    pub(crate) fn new(tenant: &str, webhooks: usize) -> Self {
        Self {
            version: VERSION,
            tenant: tenant.to_owned(),
            webhooks,
            started: None,
            cursor: None,
            sent: BTreeMap::new(),
            outbox: Vec::new(),
            cooldown: BTreeMap::new(),
            open: Vec::new(),
        }
    }

    /// Reads the state at `path`, or a new one when there is no file.
    ///
    /// # Errors
    /// [`CliError::State`] when the file cannot be read, is not a state file, or belongs to
    /// another tenant (nothing is overwritten then).
    pub(crate) fn load(path: &Path, tenant: &str, webhooks: usize) -> Result<Self, CliError> {
        let error = |reason: String| CliError::State {
            path: path.display().to_string(),
            reason,
        };
        // A FIFO would block the open for ever.
        atlan_ops::file_lock::check_regular(path)
            .map_err(|e| error(format!("cannot be read: {e}")))?;
        let file = match File::open(path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Self::new(tenant, webhooks));
            }
            Err(e) => return Err(error(format!("cannot be read: {e}"))),
        };
        let mut bytes = Vec::new();
        file.take(MAX_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| error(format!("cannot be read: {e}")))?;
        if bytes.len() as u64 > MAX_BYTES {
            return Err(error(format!("is larger than {MAX_BYTES} bytes")));
        }
        let mut state: Self = serde_json::from_slice(&bytes).map_err(|e| {
            error(format!(
                "is not a watch state file ({e}); move it away to start afresh"
            ))
        })?;
        if state.version != VERSION {
            return Err(error(format!(
                "has version {}, this atlanctl reads {VERSION}",
                state.version
            )));
        }
        if state.tenant != tenant {
            return Err(error(format!(
                "belongs to another tenant ({}); pass --state with another file",
                state.tenant
            )));
        }
        if state.webhooks != webhooks {
            // The webhooks changed: what is still to deliver goes to each of the new ones.
            for pending in &mut state.outbox {
                pending.webhooks = (0..webhooks).collect();
            }
            state.webhooks = webhooks;
        }
        Ok(state)
    }

    /// Locks the state at `path` for this watch (its directory is made): two watches on one
    /// state would tell each event twice.
    ///
    /// # Errors
    /// [`CliError::State`] naming the pid of the watch that holds it.
    pub(crate) fn lock(path: &Path) -> Result<FileLock, CliError> {
        make_dir(path)?;
        FileLock::take(path).map_err(|e| {
            let reason = match e {
                LockError::Held { holder, .. } => format!(
                    "is in use by {}: one watch per state file",
                    atlan_ops::file_lock::holder_name(holder)
                ),
                other => other.to_string(),
            };
            CliError::State {
                path: path.display().to_string(),
                reason,
            }
        })
    }

    /// Writes the state to `path`: a temporary file beside it, synced, renamed over it.
    ///
    /// # Errors
    /// [`CliError::State`] when it cannot be written (a full disk, say); the old file is then
    /// left as it was.
    pub(crate) fn save(&self, path: &Path) -> Result<(), CliError> {
        let error = |reason: String| CliError::State {
            path: path.display().to_string(),
            reason,
        };
        make_dir(path)?;
        let bytes = serde_json::to_vec(self).map_err(|e| error(e.to_string()))?;
        let temporary = temporary(path);
        let written = (|| {
            let mut file = File::create(&temporary)?;
            file.write_all(&bytes)?;
            file.sync_all()?;
            fs::rename(&temporary, path)?;
            if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
                // Make the rename itself durable; not every platform can open a directory.
                if let Ok(dir) = File::open(dir) {
                    let _ = dir.sync_all();
                }
            }
            Ok::<(), std::io::Error>(())
        })();
        written.map_err(|e| {
            let _ = fs::remove_file(&temporary);
            error(format!("cannot be written: {e}"))
        })
    }

    /// From when events are made: the first start of the watch (taken as `now` on the first),
    /// or after a restart its last poll less `overlap`, never before that first start (a file
    /// written before starts were kept dates its start from its last poll).
    pub(crate) fn events_since(
        &mut self,
        now: Timestamp,
        overlap: jiff::SignedDuration,
    ) -> Timestamp {
        let since_cursor = self
            .cursor
            .map(|cursor| cursor.saturating_sub(overlap).unwrap_or(cursor));
        let started = *self.started.get_or_insert(since_cursor.unwrap_or(now));
        since_cursor.map_or(started, |since| since.max(started))
    }

    /// Whether the event with `key` was told, held back, or is waiting.
    pub(crate) fn knows(&self, key: &str) -> bool {
        self.sent.contains_key(key) || self.outbox.iter().any(|pending| pending.key == key)
    }

    /// Records `key` as told at `at`.
    pub(crate) fn told(&mut self, key: String, at: Timestamp) {
        self.sent.insert(key, at);
        while self.sent.len() > MAX_SENT {
            let oldest = self
                .sent
                .iter()
                .min_by_key(|(_, at)| **at)
                .map(|(key, _)| key.clone());
            match oldest {
                Some(key) => {
                    self.sent.remove(&key);
                }
                None => break,
            }
        }
    }

    /// Forgets keys told before `before` (their events can no longer be made again) and
    /// cooldowns that ended.
    pub(crate) fn prune(&mut self, before: Timestamp, now: Timestamp) {
        self.sent.retain(|_, at| *at >= before);
        self.cooldown.retain(|_, cooldown| {
            cooldown.suppressed > 0 || cooldown.until.is_some_and(|until| until > now)
        });
    }
}

/// The default state file for `tenant`: `atlanctl/watch-<host>.json` in the user's state
/// directory.
pub(crate) fn default_path(tenant: &str) -> Option<PathBuf> {
    Some(crate::paths::state_dir()?.join(format!("watch-{}.json", crate::paths::file_name(tenant))))
}

fn temporary(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".tmp");
    path.with_file_name(name)
}

/// Makes the directory the state at `path` goes in.
fn make_dir(path: &Path) -> Result<(), CliError> {
    match path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        Some(dir) => fs::create_dir_all(dir).map_err(|e| CliError::State {
            path: path.display().to_string(),
            reason: format!("cannot create its directory: {e}"),
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("atlanctl-state-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn a_saved_state_reads_back_and_belongs_to_its_tenant() {
        let path = dir("roundtrip").join("watch.json");
        let mut state = State::new("https://a.atlan.com", 1);
        state.told(
            "run_failed:legacy:r1".into(),
            "2026-06-15T12:00:00Z".parse().unwrap(),
        );
        state.save(&path).unwrap();
        let back = State::load(&path, "https://a.atlan.com", 1).unwrap();
        assert!(back.knows("run_failed:legacy:r1"));
        let other = State::load(&path, "https://b.atlan.com", 1).unwrap_err();
        assert!(other.to_string().contains("another tenant"), "{other}");
        assert!(!temporary(&path).exists());
    }

    #[test]
    fn a_corrupt_file_is_refused_not_overwritten() {
        let path = dir("corrupt").join("watch.json");
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, b"{ not json").unwrap();
        let error = State::load(&path, "t", 1).unwrap_err();
        assert!(error.to_string().contains("move it away"), "{error}");
        assert_eq!(fs::read(&path).unwrap(), b"{ not json");
    }

    #[test]
    fn a_missing_file_is_a_new_state_and_new_webhooks_get_the_outbox() {
        let path = dir("missing").join("watch.json");
        assert!(State::load(&path, "t", 1).unwrap().cursor.is_none());
        let mut state = State::new("t", 1);
        state.outbox.push(Pending {
            key: "k".into(),
            document: Value::Null,
            webhooks: vec![0],
            attempts: 0,
            next: None,
        });
        state.save(&path).unwrap();
        let back = State::load(&path, "t", 2).unwrap();
        assert_eq!(back.outbox[0].webhooks, [0, 1]);
    }

    #[test]
    fn pruning_forgets_old_keys_and_ended_cooldowns() {
        let at = |text: &str| -> Timestamp { text.parse().unwrap() };
        let mut state = State::new("t", 1);
        state.told("old".into(), at("2026-06-01T00:00:00Z"));
        state.told("new".into(), at("2026-06-15T00:00:00Z"));
        state.cooldown.insert(
            "legacy:wf".into(),
            Cooldown {
                until: Some(at("2026-06-15T00:10:00Z")),
                suppressed: 0,
            },
        );
        state.prune(at("2026-06-10T00:00:00Z"), at("2026-06-15T01:00:00Z"));
        assert!(!state.knows("old"));
        assert!(state.knows("new"));
        assert!(state.cooldown.is_empty());
    }

    #[test]
    fn events_are_made_from_the_first_start_on_never_before() {
        let at = |text: &str| -> Timestamp { text.parse().unwrap() };
        let overlap = jiff::SignedDuration::from_mins(5);
        let mut state = State::new("t", 1);
        let first = at("2026-06-15T12:00:00Z");
        assert_eq!(state.events_since(first, overlap), first, "the first start");
        // Its first poll a second later; restarted a minute after: not before the first start.
        state.cursor = Some(at("2026-06-15T12:00:01Z"));
        assert_eq!(
            state.events_since(at("2026-06-15T12:01:00Z"), overlap),
            first
        );
        // Hours later: from the last poll less the overlap.
        state.cursor = Some(at("2026-06-15T15:00:00Z"));
        assert_eq!(
            state.events_since(at("2026-06-15T18:00:00Z"), overlap),
            at("2026-06-15T14:55:00Z")
        );
        // A file from before starts were kept: from its last poll less the overlap.
        let mut old = State::new("t", 1);
        old.cursor = Some(at("2026-06-15T15:00:00Z"));
        assert_eq!(
            old.events_since(at("2026-06-15T18:00:00Z"), overlap),
            at("2026-06-15T14:55:00Z")
        );
        assert_eq!(old.started, Some(at("2026-06-15T14:55:00Z")));
    }

    #[test]
    fn the_default_path_names_the_tenant() {
        let path = default_path("https://acme.atlan.com").unwrap();
        assert!(
            path.ends_with("atlanctl/watch-acme.atlan.com.json"),
            "{path:?}"
        );
    }
}
