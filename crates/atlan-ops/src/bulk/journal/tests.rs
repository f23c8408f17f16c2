//! The journal's records, torn lines, corruption, locks and kills at every byte.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use super::*;

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn path(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("atlan-journal-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    dir.join("rerun.jsonl")
}

/// A journal at `path` whose only record decides `a`.
fn decided_a(path: &Path) {
    let mut journal = Journal::create(path, header()).unwrap();
    journal
        .decide(Api::Legacy, "a", at("2026-06-15T12:00:01Z"))
        .unwrap();
}

/// Appends `bytes` to the file at `path`, as they are.
fn append_raw(path: &Path, bytes: &[u8]) {
    let mut file = OpenOptions::new().append(true).open(path).unwrap();
    file.write_all(bytes).unwrap();
}

fn header() -> Header {
    Header::new(
        "rerun",
        "https://a.atlan.com",
        "--failed --since now-1d",
        at("2026-06-15T12:00:00Z"),
    )
}

#[test]
fn a_resumed_journal_knows_what_was_decided_and_done() {
    let path = path("resume");
    let mut journal = Journal::create(&path, header()).unwrap();
    journal
        .decide(Api::Legacy, "a", at("2026-06-15T12:00:01Z"))
        .unwrap();
    journal
        .done(
            Api::Legacy,
            "a",
            Outcome::Rerun,
            Some("a-x1".into()),
            None,
            at("2026-06-15T12:00:02Z"),
        )
        .unwrap();
    journal
        .decide(Api::Apps, "b", at("2026-06-15T12:00:03Z"))
        .unwrap();
    drop(journal);

    let journal = Journal::resume(&path, &header()).unwrap();
    assert_eq!(
        journal.progress(Api::Legacy, "a"),
        Progress::Done {
            outcome: Outcome::Rerun,
            run: Some("a-x1".into())
        }
    );
    assert_eq!(
        journal.progress(Api::Apps, "b"),
        Progress::Decided {
            at: at("2026-06-15T12:00:03Z")
        }
    );
    assert_eq!(journal.progress(Api::Legacy, "c"), Progress::Untouched);
    assert!(matches!(
        Journal::create(&path, header()),
        Err(JournalError::Exists { .. })
    ));
}

#[test]
fn a_torn_last_line_is_dropped_and_cut_before_the_next_record() {
    let path = path("torn");
    decided_a(&path);
    append_raw(&path, br#"{"record":"done","api":"legacy","workf"#);

    let mut journal = Journal::resume(&path, &header()).unwrap();
    assert!(matches!(
        journal.progress(Api::Legacy, "a"),
        Progress::Decided { .. }
    ));
    journal
        .done(
            Api::Legacy,
            "a",
            Outcome::MaybeSent,
            None,
            None,
            at("2026-06-15T12:00:05Z"),
        )
        .unwrap();
    drop(journal);
    let journal = Journal::resume(&path, &header()).unwrap();
    assert!(matches!(
        journal.progress(Api::Legacy, "a"),
        Progress::Done {
            outcome: Outcome::MaybeSent,
            ..
        }
    ));
    let text = fs::read_to_string(&path).unwrap();
    assert_eq!(text.lines().count(), 3, "{text}");
}

#[test]
fn the_submits_of_a_journal_are_its_decisions_not_skipped_or_failed() {
    let path = path("submits");
    let mut journal = Journal::create(&path, header()).unwrap();
    let t = at("2026-06-15T12:00:01Z");
    journal.decide(Api::Legacy, "sent", t).unwrap();
    journal
        .done(
            Api::Legacy,
            "sent",
            Outcome::Rerun,
            Some("r".into()),
            None,
            t,
        )
        .unwrap();
    journal.decide(Api::Legacy, "maybe", t).unwrap();
    journal.decide(Api::Apps, "refused", t).unwrap();
    journal
        .done(Api::Apps, "refused", Outcome::Failed, None, None, t)
        .unwrap();
    journal
        .done(Api::Legacy, "active", Outcome::Skipped, None, None, t)
        .unwrap();
    drop(journal);
    let submits = Journal::submits(&path);
    assert_eq!(
        submits,
        [
            (Api::Legacy, "maybe".to_owned(), t),
            (Api::Legacy, "sent".to_owned(), t)
        ]
    );
    assert!(Journal::submits(&path.with_extension("none")).is_empty());
}

#[test]
fn another_tenant_or_selection_is_refused() {
    let path = path("mismatch");
    Journal::create(&path, header()).unwrap();
    let mut other = header();
    other.tenant = "https://b.atlan.com".into();
    let error = Journal::resume(&path, &other).unwrap_err();
    assert!(
        matches!(error, JournalError::Mismatch { what: "tenant", .. }),
        "{error}"
    );
    let mut other = header();
    other.selection = "--failed --package atlan-dbt".into();
    let error = Journal::resume(&path, &other).unwrap_err();
    assert!(error.to_string().contains("selection"), "{error}");
    assert!(error.to_string().contains("nothing was sent"), "{error}");
}

#[test]
fn a_broken_line_in_the_middle_is_corruption_not_a_guess() {
    let path = path("corrupt");
    decided_a(&path);
    let text = fs::read_to_string(&path).unwrap();
    let broken = text.replacen("\"decided\"", "\"decid", 1)
        + "{\"record\":\"decided\",\"api\":\"legacy\",\"workflow\":\"b\",\"at\":\"2026-06-15T12:00:02Z\"}\n";
    fs::write(&path, broken).unwrap();
    let error = Journal::resume(&path, &header()).unwrap_err();
    assert!(
        matches!(error, JournalError::Corrupt { line: 2, .. }),
        "{error}"
    );
    fs::write(&path, b"").unwrap();
    assert!(matches!(
        Journal::resume(&path, &header()),
        Err(JournalError::Corrupt { .. })
    ));
    assert!(matches!(
        Journal::resume(&path.with_extension("missing"), &header()),
        Err(JournalError::Io { .. })
    ));
}

#[test]
fn a_kill_at_any_byte_leaves_a_journal_that_resumes_to_a_prefix_of_what_was_written() {
    let path = path("every-byte");
    let mut journal = Journal::create(&path, header()).unwrap();
    let names = ["a", "b", "c"];
    for (index, name) in names.iter().enumerate() {
        let when = at("2026-06-15T12:00:00Z") + jiff::SignedDuration::from_secs(index as i64);
        journal.decide(Api::Legacy, name, when).unwrap();
        journal
            .done(
                Api::Legacy,
                name,
                Outcome::Rerun,
                Some(format!("{name}-run")),
                None,
                when,
            )
            .unwrap();
    }
    drop(journal);
    let full = fs::read(&path).unwrap();
    let header_end = full.iter().position(|b| *b == b'\n').unwrap() + 1;
    for cut in header_end..=full.len() {
        fs::write(&path, &full[..cut]).unwrap();
        let journal = Journal::resume(&path, &header()).unwrap();
        // What survived is a prefix: once a target is untouched, so are the ones after it.
        let states: Vec<Progress> = names
            .iter()
            .map(|name| journal.progress(Api::Legacy, name))
            .collect();
        let first_untouched = states.iter().position(|p| *p == Progress::Untouched);
        if let Some(first) = first_untouched {
            assert!(
                states[first..].iter().all(|p| *p == Progress::Untouched),
                "cut {cut}: {states:?}"
            );
        }
        let whole_lines = full[..cut].iter().filter(|b| **b == b'\n').count();
        let records = 1 + states
            .iter()
            .map(|p| match p {
                Progress::Untouched => 0,
                Progress::Decided { .. } => 1,
                Progress::Done { .. } => 2,
            })
            .sum::<usize>();
        assert_eq!(records, whole_lines, "cut {cut}");
    }
    // A cut inside the header is not a journal.
    fs::write(&path, &full[..header_end - 1]).unwrap();
    assert!(Journal::resume(&path, &header()).is_err());
}

#[test]
fn a_whole_last_line_that_does_not_read_is_corruption_not_a_torn_write() {
    let path = path("whole-last");
    decided_a(&path);
    append_raw(&path, b"{\"record\":\"done\",\"api\":\"legacy\"\n");
    let before = fs::read(&path).unwrap();
    let error = Journal::resume(&path, &header()).unwrap_err();
    assert!(
        matches!(error, JournalError::Corrupt { line: 3, .. }),
        "{error}"
    );
    assert_eq!(fs::read(&path).unwrap(), before, "nothing was cut");
}

#[test]
fn an_open_journal_is_locked_against_a_second_opener_which_is_told_the_holder() {
    let path = path("locked");
    let journal = Journal::create(&path, header()).unwrap();
    let error = Journal::resume(&path, &header()).unwrap_err();
    assert!(
        matches!(error, JournalError::Locked { holder: Some(pid), .. } if pid == std::process::id()),
        "{error}"
    );
    assert!(error.to_string().contains("nothing was sent"), "{error}");
    drop(journal);
    let resumed = Journal::resume(&path, &header()).unwrap();
    assert!(matches!(
        Journal::resume(&path, &header()),
        Err(JournalError::Locked { .. })
    ));
    drop(resumed);
    assert!(Journal::resume(&path, &header()).is_ok());
}

#[cfg(unix)]
#[test]
fn a_journal_that_is_not_a_regular_file_is_refused_without_blocking() {
    let dir = path("fifo").parent().unwrap().to_owned();
    fs::create_dir_all(&dir).unwrap();
    let fifo = dir.join("fifo.jsonl");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let error = Journal::resume(&fifo, &header()).unwrap_err();
    assert!(error.to_string().contains("not a regular file"), "{error}");
    assert!(matches!(
        Journal::create(&fifo, header()),
        Err(JournalError::Exists { .. })
    ));
    assert!(Journal::submits(&fifo).is_empty());
    let error = Journal::resume(&dir, &header()).unwrap_err();
    assert!(error.to_string().contains("not a regular file"), "{error}");
}
