//! The tests of `faults`.

use super::*;

#[test]
fn counts_and_routes() {
    let faults = FaultControl::new(1);
    faults
        .add(FaultRule::status("POST /api/service/*/indexsearch", 503).times(2))
        .unwrap();
    faults
        .add(FaultRule::latency("*", Duration::from_millis(20)))
        .unwrap();
    let plan = |method, path| faults.plan(method, path);
    assert!(matches!(
        plan("POST", "/api/service/runs/indexsearch").terminal,
        Some(FaultAction::Status { status: 503, .. })
    ));
    assert!(plan("GET", "/api/service/runs/cron").terminal.is_none());
    assert_eq!(
        plan("GET", "/api/service/runs/cron").latency,
        Duration::from_millis(20)
    );
    assert!(
        plan("POST", "/api/service/workflows/indexsearch")
            .terminal
            .is_some()
    );
    assert!(
        plan("POST", "/api/service/runs/indexsearch")
            .terminal
            .is_none(),
        "the count ran out"
    );
    assert_eq!(faults.list().len(), 1, "spent rules are removed");
}

#[test]
fn probabilities_are_deterministic_for_a_seed() {
    let fired = |seed| {
        let faults = FaultControl::new(seed);
        faults
            .add(FaultRule::drop_before("*").probability(0.5))
            .unwrap();
        (0..100)
            .filter(|_| faults.plan("GET", "/x").terminal.is_some())
            .count()
    };
    assert_eq!(fired(9), fired(9));
    assert!((30..70).contains(&fired(9)));
}

#[test]
fn run_failures_match_workflows() {
    let faults = FaultControl::new(1);
    faults
        .add(FaultRule::fail_runs("atlan-snowflake-*", "boom").times(1))
        .unwrap();
    assert_eq!(faults.run_failure("atlan-dbt-1700000000"), None);
    assert_eq!(
        faults.run_failure("atlan-snowflake-1700000000"),
        Some((Failure::of(FailureCause::StepError), Some("boom".into())))
    );
    assert_eq!(faults.run_failure("atlan-snowflake-1700000000"), None);
    faults
        .add(
            FaultRule::fail_at("crawler-*", "publish", FailureCause::OutOfMemory)
                .retries(2)
                .times(2),
        )
        .unwrap();
    faults
        .add(FaultRule::index_lag("crawler-*", Duration::from_secs(3)).times(1))
        .unwrap();
    for _ in 0..2 {
        let (failure, message) = faults.run_failure("crawler-abc").unwrap();
        assert_eq!(
            (
                failure.cause,
                failure.step.as_deref(),
                failure.retries,
                message
            ),
            (FailureCause::OutOfMemory, Some("publish"), 2, None)
        );
    }
    assert_eq!(
        faults.run_failure("crawler-abc"),
        None,
        "the next 2 runs only"
    );
    assert_eq!(faults.run_lag("crawler-abc"), Some(3_000));
    assert_eq!(faults.run_lag("crawler-abc"), None);
    let mut mismatched = FaultRule::fail_at("x", "extract", FailureCause::OutOfMemory);
    if let FaultAction::FailRuns { phase, .. } = &mut mismatched.action {
        *phase = Some("Error".into());
    }
    assert!(matches!(
        faults.add(mismatched),
        Err(FaultRuleError::PhaseAndCause { .. })
    ));
    assert_eq!(
        faults.add(FaultRule::fail_at("x", "extract", FailureCause::Deadline).retries(11)),
        Err(FaultRuleError::TooManyRetries { retries: 11 })
    );
    assert_eq!(
        faults.add(FaultRule::status("*", 42)),
        Err(FaultRuleError::NotAStatus { status: 42 })
    );
    let mut certain = FaultRule::status("*", 503);
    certain.probability = 2.0;
    assert_eq!(
        faults.add(certain),
        Err(FaultRuleError::NotAProbability { probability: 2.0 })
    );
    assert_eq!(
        faults.add(FaultRule::latency("*", Duration::from_secs(1_000_000_000))),
        Err(FaultRuleError::LatencyTooLong {
            ms: 1_000_000_000_000
        })
    );
}
