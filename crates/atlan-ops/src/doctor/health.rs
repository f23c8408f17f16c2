//! The checks of each workflow's health: `failing`, `stale`, `credential`, `owner_disabled`.

use super::{CredentialCheck, Finding, Severity, Tenant, with_latest};
use crate::view::Api;
use crate::workflow_facts::WorkflowFacts;

/// `failing`: the latest ended runs of a workflow failed (an error), naming the latest.
pub(super) fn failing(tenant: &Tenant, findings: &mut Vec<Finding>) {
    for row in tenant.stats.iter().filter(|row| row.failure_streak > 0) {
        let since = row.last_success_at.map_or_else(
            || "no success in the window".to_owned(),
            |at| format!("last success {at}"),
        );
        let latest = tenant
            .facts_of(row.api, &row.workflow)
            .and_then(|facts| facts.last_ended.as_ref())
            .filter(|run| run.status.is_failure());
        let detail = with_latest(
            format!(
                "the last {} ended run(s) failed ({since})",
                row.failure_streak
            ),
            latest,
        );
        let finding = Finding {
            workflow: Some(row.workflow.clone()),
            api: Some(row.api),
            ..Finding::general("failing", Severity::Error, detail)
        };
        findings.push(finding.about(latest.map(|run| run.run.as_str())));
    }
}

/// `stale`: a scheduled workflow with no success in the window (a warning), unless it was made
/// or scheduled inside the window and has not ended a run yet.
pub(super) fn stale(tenant: &Tenant, findings: &mut Vec<Finding>) {
    for workflow in tenant.workflows.iter().filter(|w| w.is_scheduled()) {
        let succeeded = tenant
            .stats_of(workflow.api, &workflow.workflow)
            .is_some_and(|row| row.last_success_at.is_some());
        if succeeded {
            continue;
        }
        let made = made(workflow);
        let new = made.is_some_and(|made| made > tenant.window.since);
        if new && workflow.last_ended.is_none() {
            continue;
        }
        let since = made.map_or(tenant.window.since, |made| made.max(tenant.window.since));
        let last = workflow.last_ended.as_ref();
        let detail = with_latest(
            format!("scheduled, but no run succeeded since {since}"),
            last,
        );
        findings.push(
            Finding::new("stale", Severity::Warning, workflow, detail)
                .about(last.map(|run| run.run.as_str())),
        );
    }
}

/// When a workflow started to be due: the later of its creation and its earliest schedule not
/// suspended, as far as either is known.
pub(super) fn made(workflow: &WorkflowFacts) -> Option<jiff::Timestamp> {
    let scheduled = workflow
        .schedules
        .iter()
        .filter(|schedule| !schedule.suspended)
        .filter_map(|schedule| schedule.since)
        .min();
    workflow.created.into_iter().chain(scheduled).max()
}

/// `credential`: the credential a workflow uses fails its test, or does not exist (an error).
pub(super) fn credentials(tenant: &Tenant, findings: &mut Vec<Finding>) {
    for workflow in &tenant.workflows {
        let Some(guid) = &workflow.credential else {
            continue;
        };
        let finding = match tenant.credentials.get(guid) {
            Some(CredentialCheck::Failed(reason)) => Finding::new(
                "credential",
                Severity::Error,
                workflow,
                format!("its credential {guid} no longer passes its test: {reason}"),
            )
            .next(format!("atlanctl credentials test --id {guid}")),
            Some(CredentialCheck::Missing) => Finding::new(
                "credential",
                Severity::Error,
                workflow,
                format!("its credential {guid} does not exist"),
            ),
            _ => continue,
        };
        findings.push(finding);
    }
}

/// `owner_disabled`: the user a workflow runs as is disabled (an error); an info line when the
/// users cannot be read.
pub(super) fn owners(tenant: &Tenant, findings: &mut Vec<Finding>) {
    let Some(disabled) = &tenant.disabled_users else {
        findings.push(Finding::general(
            "owner_disabled",
            Severity::Info,
            "the tenant's users could not be read: owners were not checked".to_owned(),
        ));
        return;
    };
    for workflow in &tenant.workflows {
        let Some(owner) = workflow
            .owner
            .as_ref()
            .filter(|owner| disabled.contains(*owner))
        else {
            continue;
        };
        let mut finding = Finding::new(
            "owner_disabled",
            Severity::Error,
            workflow,
            format!("it runs as {owner}, who is disabled: its runs will fail when they publish"),
        );
        if workflow.api == Api::Legacy {
            finding = finding.next(format!(
                "atlanctl workflows change-owner {} --username USER",
                workflow.workflow
            ));
        }
        findings.push(finding);
    }
}
