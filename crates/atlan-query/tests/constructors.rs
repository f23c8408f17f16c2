//! A snapshot of every Atlan search, named after the operation, and the validation of its inputs.

use atlan_model::{WorkflowPackage, WorkflowPhase};
use atlan_query::workflows::{self, QueryError, TimeBounds};

#[test]
fn find_by_id() {
    insta::assert_json_snapshot!(workflows::find_by_id("atlan-snowflake-1714638976").unwrap());
}

#[test]
fn find_by_ids() {
    insta::assert_json_snapshot!(workflows::find_by_ids(&["nope-run", "nope"]).unwrap());
    assert!(matches!(
        workflows::find_by_ids(&[]),
        Err(QueryError::Empty { .. })
    ));
    assert!(matches!(
        workflows::find_by_ids(&["a", ""]),
        Err(QueryError::Empty { .. })
    ));
    let many = vec!["w"; workflows::MAX_IDS + 1];
    assert!(matches!(
        workflows::find_by_ids(&many),
        Err(QueryError::ResultWindow { .. })
    ));
}

#[test]
fn every_workflow() {
    insta::assert_json_snapshot!(workflows::every_workflow(500).unwrap());
}

#[test]
fn suspended_schedules() {
    insta::assert_json_snapshot!(workflows::suspended_schedules(100).unwrap());
}

#[test]
fn find_by_type() {
    insta::assert_json_snapshot!(
        workflows::find_by_type(WorkflowPackage::AssetImport, 20).unwrap()
    );
}

#[test]
fn find_run_by_id() {
    insta::assert_json_snapshot!(
        workflows::find_run_by_id("atlan-snowflake-1714638976-k2x7q").unwrap()
    );
}

#[test]
fn runs_by_phase() {
    insta::assert_json_snapshot!(
        workflows::runs_by_phase(
            "atlan-snowflake-1714638976",
            &WorkflowPhase::Running,
            200,
            50
        )
        .unwrap()
    );
}

#[test]
fn runs_of_workflow() {
    insta::assert_json_snapshot!(
        workflows::runs_of_workflow("atlan-snowflake-1714638976", 100, 100).unwrap()
    );
}

#[test]
fn runs_by_status_and_time() {
    insta::assert_json_snapshot!(
        workflows::runs_by_status_and_time(
            &[WorkflowPhase::Failed, WorkflowPhase::Error],
            &TimeBounds::between(
                "2026-11-01T00:00:00Z".parse().unwrap(),
                "now/d".parse().unwrap()
            ),
            &TimeBounds::before("now-1h".parse().unwrap()),
            100,
            100,
        )
        .unwrap()
    );
}

#[test]
fn runs_by_status_and_time_including_scheduled() {
    let filter = workflows::RunFilter::new([WorkflowPhase::Succeeded, WorkflowPhase::Failed])
        .started(TimeBounds::since("now-7d".parse().unwrap()))
        .including_scheduled();
    insta::assert_json_snapshot!(workflows::runs(&filter).unwrap());
}

#[test]
fn runs_changed_since() {
    let filter = workflows::RunFilter::new([WorkflowPhase::Succeeded, WorkflowPhase::Failed])
        .started(TimeBounds::since("now-7d".parse().unwrap()))
        .including_scheduled()
        .changed_since("2026-06-15T11:55:00Z".parse().unwrap());
    insta::assert_json_snapshot!(workflows::runs(&filter).unwrap());
    assert!("yesterday".parse::<atlan_query::TimeBound>().is_err());
}

#[test]
fn runs_without_phases_are_refused() {
    assert!(matches!(
        workflows::runs(&workflows::RunFilter::new([])),
        Err(QueryError::NoPhases)
    ));
}

#[test]
fn runs_by_status_and_time_without_bounds() {
    insta::assert_json_snapshot!(
        workflows::runs_by_status_and_time(
            &[WorkflowPhase::Running],
            &TimeBounds::any(),
            &TimeBounds::any(),
            0,
            10
        )
        .unwrap()
    );
}

#[test]
fn latest_run() {
    insta::assert_json_snapshot!(
        workflows::latest_run("atlan-snowflake-miner-1714638976").unwrap()
    );
}

#[test]
fn current_run() {
    insta::assert_json_snapshot!(
        workflows::current_run("atlan-snowflake-miner-1714638976").unwrap()
    );
}

#[test]
fn schedule_query() {
    insta::assert_json_snapshot!(workflows::schedule_query("a1b2c3d4-e5f6", 10).unwrap());
}

#[test]
fn empty_identifiers_are_refused() {
    let empty = |what| Err(QueryError::Empty { what });
    assert_eq!(workflows::find_by_id(""), empty("workflow id"));
    assert_eq!(workflows::find_by_id("  "), empty("workflow id"));
    assert_eq!(workflows::find_run_by_id(""), empty("run id"));
    assert_eq!(
        workflows::runs_by_phase("", &WorkflowPhase::Running, 0, 10),
        empty("workflow name")
    );
    assert_eq!(
        workflows::runs_of_workflow("", 0, 10),
        empty("workflow name")
    );
    assert_eq!(workflows::latest_run(""), empty("workflow name"));
    assert_eq!(workflows::current_run("\t"), empty("workflow name"));
    assert_eq!(workflows::schedule_query("", 10), empty("saved query id"));
    assert_eq!(workflows::find_by_type("", 10), empty("package prefix"));
}

#[test]
fn paging_is_checked() {
    assert_eq!(
        workflows::find_by_type(WorkflowPackage::Dbt, 0),
        Err(QueryError::ZeroSize)
    );
    assert!(workflows::runs_by_phase("w", &WorkflowPhase::Running, 9_900, 100).is_ok());
    assert_eq!(
        workflows::runs_of_workflow("w", 0, 0),
        Err(QueryError::ZeroSize)
    );
    assert!(workflows::runs_of_workflow("w", 9_901, 100).is_err());
    let error = workflows::runs_by_phase("w", &WorkflowPhase::Running, 9_901, 100).unwrap_err();
    assert_eq!(
        error,
        QueryError::ResultWindow {
            from: 9_901,
            size: 100,
            max: 10_000
        }
    );
    assert_eq!(
        error.to_string(),
        "from + size must be at most 10000 (the index's result window), got 9901 + 100"
    );
    assert!(workflows::runs_by_phase("w", &WorkflowPhase::Running, u64::MAX, 1).is_err());
}

#[test]
fn phases_and_dates_are_checked() {
    let any = TimeBounds::any();
    assert_eq!(
        workflows::runs_by_status_and_time(&[], &any, &any, 0, 10),
        Err(QueryError::NoPhases)
    );
    // A bound is checked where it is read, once: a search never sees one that is not a time.
    let error = "yesterday".parse::<atlan_query::TimeBound>().unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("invalid date math `yesterday`"),
        "{error}"
    );
}

#[test]
fn find_by_type_escapes_every_operator() {
    let package = WorkflowPackage::from("x.y+z(a)|b*c?d{1}[e]\"f\\g#h@i&j<k>l~m-n");
    assert_eq!(
        workflows::workflow_id_pattern(&package),
        r#"x\.y\+z\(a\)\|b\*c\?d\{1\}\[e\]\"f\\g\#h\@i\&j\<k\>l\~m[-]n[-][0-9]{10}"#
    );
}
