//! What is expected of each workflow, checked: `late`, `overdue` and `stuck`, each an error (a
//! team stated the expectation; a breach is what it is judged on).

use super::{Finding, Severity, Tenant};

/// A finding for each expectation a workflow does not meet now: about the run it names (a
/// `stuck` one), or else the latest ended run, with the command that explains it.
pub(super) fn breaches(tenant: &Tenant, findings: &mut Vec<Finding>) {
    for facts in &tenant.workflows {
        let assessment = tenant.levels.assess(
            facts.api,
            &facts.workflow,
            &facts.runs,
            &facts.schedules,
            tenant.window.since,
            tenant.now,
        );
        for breach in assessment.breaches {
            let run = breach
                .run
                .as_deref()
                .or(facts.last_ended.as_ref().map(|run| run.run.as_str()));
            findings.push(
                Finding::new(
                    breach.kind,
                    Severity::Error,
                    facts,
                    format!("{} (since {})", breach.detail, breach.since),
                )
                .about(run),
            );
        }
    }
}
