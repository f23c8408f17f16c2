//! The state file's unit tests.

#![allow(clippy::unwrap_used)]

use std::fs::OpenOptions;

use super::*;
use crate::store::Event;

fn temp(name: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!(
        "atlan-sandbox-persist-{}-{name}.jsonl",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&path);
    path
}

fn delete(id: &str) -> Event {
    Event::DeleteCredential { id: id.to_owned() }
}

fn ids(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .map(|event| match event {
            Event::DeleteCredential { id } => id.clone(),
            other => format!("{other:?}"),
        })
        .collect()
}

#[test]
fn a_write_that_fails_half_way_is_undone_and_the_file_stays_loadable() {
    let path = temp("enospc");
    let mut log = Log::open::<Event>(&path).unwrap().log;
    log.append(&[delete("a")]).unwrap();
    let failed = log.append_with(&[delete("b"), delete("c")], |file, bytes| {
        file.write_all(bytes.get(..bytes.len() / 2).unwrap())?;
        Err(io::Error::from_raw_os_error(28)) // ENOSPC
    });
    assert!(matches!(failed, Err(StateError::Io { .. })));
    log.append(&[delete("d")]).unwrap();
    drop(log);
    let opened = Log::open::<Event>(&path).unwrap();
    assert_eq!(ids(&opened.events), ["a", "d"]);
    assert!(opened.recovered.is_none());
}

#[test]
fn a_batch_is_one_line_so_a_torn_batch_is_cut_whole() {
    let path = temp("batch");
    let mut log = Log::open::<Event>(&path).unwrap().log;
    log.append(&[delete("a"), delete("b")]).unwrap();
    drop(log);
    let mut file = OpenOptions::new().append(true).open(&path).unwrap();
    file.write_all(br#"[{"event":"delete_credential","id":"c"},{"event":"del"#)
        .unwrap();
    drop(file);
    let opened = Log::open::<Event>(&path).unwrap();
    assert_eq!(ids(&opened.events), ["a", "b"]);
    assert_eq!(opened.recovered.map(|(line, _)| line), Some(3));
}

#[test]
fn a_second_opener_is_refused_and_told_who_holds_the_file() {
    let path = temp("lock");
    let first = Log::open::<Event>(&path).unwrap();
    let second = Log::open::<Event>(&path).unwrap_err();
    assert!(
        matches!(&second, StateError::Locked { holder: Some(pid), .. } if *pid == std::process::id()),
        "{second}"
    );
    assert!(second.to_string().contains(&std::process::id().to_string()));
    drop(first);
    Log::open::<Event>(&path).unwrap();
}

#[cfg(unix)]
#[test]
fn the_file_is_owner_only_and_must_be_a_regular_file() {
    use std::os::unix::fs::PermissionsExt;
    let path = temp("mode");
    drop(Log::open::<Event>(&path).unwrap());
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    drop(Log::open::<Event>(&path).unwrap());
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    for special in ["/dev/zero", "/dev/null", "/tmp"] {
        assert!(
            matches!(
                Log::open::<Event>(Path::new(special)),
                Err(StateError::NotAFile { .. })
            ),
            "{special}"
        );
    }
}

#[test]
fn a_line_longer_than_the_limit_is_corruption_not_an_allocation() {
    let path = temp("long");
    drop(Log::open::<Event>(&path).unwrap());
    let file = OpenOptions::new().append(true).open(&path).unwrap();
    // A sparse hole: a huge "line" of zero bytes that costs no disk.
    file.set_len(HEADER.len() as u64 + 1 + MAX_LINE + 10)
        .unwrap();
    drop(file);
    assert!(matches!(
        Log::open::<Event>(&path),
        Err(StateError::Corrupt { line: 2, .. })
    ));
}

fn snapshot_of(ids: &[&str]) -> impl FnOnce(&mut dyn Write) -> io::Result<()> {
    let events: Vec<Event> = ids.iter().map(|id| delete(id)).collect();
    move |out| {
        for event in &events {
            serde_json::to_writer(&mut *out, event)?;
            out.write_all(b"\n")?;
        }
        Ok(())
    }
}

/// A kill -9 at any step of a compaction leaves a file that opens with every acknowledged
/// write: the old one (the unfinished snapshot is removed) or the new one, whole.
#[test]
fn a_crash_at_any_step_of_a_compaction_loses_nothing() {
    for crash in [
        CrashPoint::MidSnapshot,
        CrashPoint::BeforeRename,
        CrashPoint::AfterRename,
    ] {
        let path = temp(&format!("crash-{crash:?}"));
        let mut log = Log::open::<Event>(&path).unwrap().log;
        for id in ["a", "b", "a2", "c"] {
            log.append(&[delete(id)]).unwrap();
        }
        let crashed = log.compact_with(snapshot_of(&["a", "b", "a2", "c"]), Some(crash));
        assert!(crashed.is_err());
        // The process is gone: nothing is cleaned up.
        drop(log);
        let unfinished = compacting_path(&path).exists();
        assert_eq!(unfinished, crash != CrashPoint::AfterRename, "{crash:?}");
        let opened = Log::open::<Event>(&path).unwrap();
        assert_eq!(ids(&opened.events), ["a", "b", "a2", "c"], "{crash:?}");
        assert!(!compacting_path(&path).exists(), "{crash:?}");
    }
}

/// A compaction that fails (a full disk) removes its snapshot and the log goes on in the old
/// file; a compaction that succeeds shrinks the file and the log appends to the new one.
#[test]
fn a_failed_compaction_changes_nothing_and_a_good_one_replaces_the_file() {
    let path = temp("compact");
    let mut log = Log::open::<Event>(&path).unwrap().log;
    for index in 0..100 {
        log.append(&[delete(&format!("x{index}"))]).unwrap();
    }
    let failed = log.compact(|out| {
        out.write_all(b"{\"event\":\"delete_cred")?;
        Err(io::Error::from_raw_os_error(28))
    });
    assert!(matches!(failed, Err(StateError::Io { .. })));
    assert!(!compacting_path(&path).exists());
    log.append(&[delete("after-failure")]).unwrap();
    let long = log.len();
    log.compact(snapshot_of(&["x99", "after-failure"])).unwrap();
    assert!(log.len() < long / 10, "{} of {long}", log.len());
    assert_eq!(std::fs::metadata(&path).unwrap().len(), log.len());
    log.append(&[delete("after-compaction")]).unwrap();
    drop(log);
    let opened = Log::open::<Event>(&path).unwrap();
    assert_eq!(
        ids(&opened.events),
        ["x99", "after-failure", "after-compaction"]
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the snapshot is owner-only too");
    }
}

#[test]
fn compaction_is_wanted_past_the_threshold_and_twice_the_last_size() {
    let path = temp("wants");
    let mut log = Log::open::<Event>(&path).unwrap().log;
    log.set_compact_after(1_000);
    while log.len() <= 1_000 {
        assert!(!log.wants_compaction());
        log.append(&[delete("y")]).unwrap();
    }
    assert!(log.wants_compaction());
    log.compact(snapshot_of(&["y"; 40])).unwrap();
    let base = log.len();
    assert!(base > 1_000, "a snapshot larger than the threshold: {base}");
    assert!(!log.wants_compaction());
    while log.len() <= 2 * base {
        assert!(!log.wants_compaction());
        log.append(&[delete("y")]).unwrap();
    }
    assert!(log.wants_compaction());
    log.defer_compaction();
    assert!(!log.wants_compaction());
}
