//! Every fixture decodes with its folder's model type and re-encodes to an equal JSON value.

mod common;

use std::fs;

use common::{FOLDERS, Kind, all_fixtures, first_difference, fixtures_of};
use serde_json::Value;

#[test]
fn every_fixture_has_a_known_type() {
    let unknown: Vec<_> = all_fixtures()
        .into_iter()
        .filter(|fixture| fixture.kind.is_none())
        .map(|fixture| fixture.name)
        .collect();
    assert!(
        unknown.is_empty(),
        "fixtures in folders the round-trip test does not know (add them to FOLDERS): {unknown:?}"
    );
}

#[test]
fn every_fixture_round_trips_to_an_equal_value() {
    let mut failures = Vec::new();
    for fixture in all_fixtures() {
        let Some(kind) = fixture.kind else { continue };
        let original: Value = serde_json::from_slice(&fixture.bytes).expect("fixture is JSON");
        match kind.round_trip(&fixture.bytes) {
            Ok(reencoded) => {
                if let Some(difference) = first_difference(&original, &reencoded) {
                    failures.push(format!("{}: changed at {difference}", fixture.name));
                }
            }
            Err(error) => failures.push(format!("{}: {error}", fixture.name)),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_fixture_set_is_complete() {
    let count = |kind| fixtures_of(kind).len();
    assert_eq!(
        count(Kind::Workflow),
        66,
        "pyatlan's package request bodies"
    );
    assert_eq!(count(Kind::ArgoObject), 15, "the Argo reference objects");
    assert!(count(Kind::SearchResponse) >= 10);
    assert!(count(Kind::ErrorBody) >= 7);
    for (folder, kind) in FOLDERS {
        assert!(count(*kind) > 0, "no fixture in {folder}");
    }
}

#[test]
fn reencoded_fixtures_match_their_snapshots() {
    insta::glob!("../../../fixtures", "**/*.json", |path| {
        let root = common::fixtures_root()
            .canonicalize()
            .expect("fixtures root");
        let relative = path.strip_prefix(&root).expect("fixture under the root");
        let kind = Kind::of(relative).expect("fixture folder has a type");
        if kind == Kind::OtherCrate {
            return; // snapshotted by the crate that models it
        }
        let reencoded = kind
            .round_trip(&fs::read(path).expect("readable"))
            .expect("decodes");
        insta::assert_json_snapshot!(reencoded);
    });
}
