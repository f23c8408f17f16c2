//! Which expectations and policy hold for each workflow: those of its file (`--desired`), field by
//! field over the defaults given for every workflow (`--freshness`, `--max-duration`,
//! `--max-pending`), and what a workflow's runs say of them at an instant ([`ServiceLevels::assess`]).
//! Doctor, the watch, the exporter and `top` all ask here, so that they agree.

use std::collections::HashMap;

use atlan_workflows::model::CronSchedule;
use jiff::Timestamp;

use crate::as_code::plan::Planned;
use crate::expectations::{self, Breach, Expectations};
use crate::policies::Policy;
use crate::view::Api;
use crate::workflow_facts::{RunSpan, ScheduleFacts};

/// A workflow's expectations and policy, from its file.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Levels {
    /// What its file expects (unset fields fall back to the defaults).
    pub expectations: Expectations,
    /// What `watch --act` does when its runs fail.
    pub policy: Option<Policy>,
}

/// The expectations and policies of a tenant's workflows.
#[derive(Debug, Clone, Default)]
pub struct ServiceLevels {
    defaults: Expectations,
    files: HashMap<(Api, String), Levels>,
}

/// What a workflow's runs say of its expectations at an instant.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Assessment {
    /// The expectations held (`freshness`, `deadline`, `max_duration`, `max_pending`).
    pub expected: Vec<&'static str>,
    /// The expectations not met now.
    pub breaches: Vec<Breach>,
    /// When its latest success ended (or started, when it has no end).
    pub last_success: Option<Timestamp>,
    /// When its oldest active run started.
    pub oldest_active: Option<Timestamp>,
}

impl ServiceLevels {
    /// The `defaults` for every workflow, no file.
    pub fn new(defaults: Expectations) -> Self {
        Self {
            defaults,
            files: HashMap::new(),
        }
    }

    /// The defaults, and the expectations and policy of each planned workflow the tenant has
    /// (by its slug or legacy name; a workflow still to create has none yet). A file's text that
    /// does not read was a plan problem: it is left out here.
    pub fn with_files(mut self, planned: &[Planned]) -> Self {
        for one in planned {
            let Some(slug) = &one.slug else { continue };
            let (expectations, policy) = match (&one.desired, &one.legacy) {
                (Some(app), _) => (&app.expectations, &app.policy),
                (None, Some(legacy)) => (&legacy.expectations, &legacy.policy),
                (None, None) => continue,
            };
            let levels = Levels {
                expectations: expectations
                    .as_ref()
                    .and_then(|spec| spec.read().ok())
                    .unwrap_or_default(),
                policy: policy.as_ref().and_then(|spec| spec.read().ok()),
            };
            self.files.insert((one.api, slug.clone()), levels);
        }
        self
    }

    /// Whether any workflow has an expectation (nothing to assess otherwise).
    pub fn expects_anything(&self) -> bool {
        self.defaults != Expectations::default()
            || self
                .files
                .values()
                .any(|levels| levels.expectations != Expectations::default())
    }

    /// What is expected of `workflow`: its file's expectations over the defaults.
    pub fn expectations(&self, api: Api, workflow: &str) -> Expectations {
        let defaults = self.defaults.clone();
        match self.files.get(&(api, workflow.to_owned())) {
            Some(levels) => levels.expectations.clone().or(defaults),
            None => defaults,
        }
    }

    /// The workflows with a policy.
    pub fn policies(&self) -> impl Iterator<Item = (Api, &str, &Policy)> {
        self.files.iter().filter_map(|((api, workflow), levels)| {
            Some((*api, workflow.as_str(), levels.policy.as_ref()?))
        })
    }

    /// What `runs` (its runs in the window, from `window_start`) say of `workflow`'s
    /// expectations at `now`; a deadline is checked against its first schedule that reads and
    /// is not suspended.
    pub fn assess(
        &self,
        api: Api,
        workflow: &str,
        runs: &[RunSpan],
        schedules: &[ScheduleFacts],
        window_start: Timestamp,
        now: Timestamp,
    ) -> Assessment {
        let expected = self.expectations(api, workflow);
        let breaches = if expected.is_empty() {
            Vec::new()
        } else {
            let schedule = schedules
                .iter()
                .filter(|schedule| !schedule.suspended)
                .find_map(|schedule| CronSchedule::parse(&schedule.cron, &schedule.timezone).ok());
            expectations::breaches(&expected, runs, schedule.as_ref(), window_start, now)
        };
        Assessment {
            expected: expected.names(),
            breaches,
            last_success: expectations::last_success(runs),
            oldest_active: runs
                .iter()
                .filter(|run| run.status.is_active())
                .map(|run| run.started)
                .min(),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use crate::as_code::document::{AppSpec, ExpectationsSpec, PolicySpec};
    use crate::as_code::plan::Planned;
    use crate::view::RunState;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn planned(slug: &str, expectations: ExpectationsSpec, suspend_after: u32) -> Planned {
        let spec = AppSpec {
            expectations: Some(expectations),
            policy: Some(PolicySpec {
                suspend_after: Some(suspend_after),
                retry: None,
            }),
            ..AppSpec::default()
        };
        Planned {
            workflow: "Nightly".into(),
            api: Api::Apps,
            action: crate::as_code::diff::Action::Unchanged,
            changes: Vec::new(),
            problems: Vec::new(),
            file: Some("a.yaml".into()),
            slug: Some(slug.into()),
            desired: Some(spec),
            legacy: None,
        }
    }

    #[test]
    fn a_file_overrides_the_defaults_field_by_field_and_brings_its_policy() {
        let defaults = Expectations::parse(Some("1d"), None, None, Some("30m")).unwrap();
        let file = ExpectationsSpec {
            freshness: Some("6h".into()),
            ..ExpectationsSpec::default()
        };
        let levels =
            ServiceLevels::new(defaults.clone()).with_files(&[planned("nightly-x1", file, 3)]);
        let mine = levels.expectations(Api::Apps, "nightly-x1");
        assert_eq!(mine.freshness, Some(jiff::SignedDuration::from_hours(6)));
        assert_eq!(mine.max_pending, defaults.max_pending, "unset: the default");
        assert_eq!(levels.expectations(Api::Apps, "other"), defaults);
        assert_eq!(levels.expectations(Api::Legacy, "nightly-x1"), defaults);
        let policies: Vec<(Api, &str, Option<u32>)> = levels
            .policies()
            .map(|(api, workflow, policy)| (api, workflow, policy.suspend_after))
            .collect();
        assert_eq!(policies, [(Api::Apps, "nightly-x1", Some(3))]);
        assert!(levels.expects_anything());
        assert!(!ServiceLevels::default().expects_anything());
    }

    #[test]
    fn an_assessment_gives_the_breaches_and_the_ages_they_are_measured_from() {
        let levels = ServiceLevels::new(Expectations::parse(Some("6h"), None, None, None).unwrap());
        let runs = [
            RunSpan::new(
                "ok",
                at("2026-12-07T00:00:00Z"),
                Some(at("2026-12-07T00:30:00Z")),
                RunState::Succeeded,
            ),
            RunSpan::new("going", at("2026-12-07T05:00:00Z"), None, RunState::Running),
        ];
        let assess = |levels: &ServiceLevels| {
            levels.assess(
                Api::Legacy,
                "wf",
                &runs,
                &[],
                at("2026-12-01T00:00:00Z"),
                at("2026-12-07T07:00:00Z"),
            )
        };
        let found = assess(&levels);
        assert_eq!(found.last_success, Some(at("2026-12-07T00:30:00Z")));
        assert_eq!(found.oldest_active, Some(at("2026-12-07T05:00:00Z")));
        assert_eq!(found.breaches.len(), 1);
        assert_eq!(found.breaches[0].kind, "late");
        let none = assess(&ServiceLevels::default());
        assert!(none.breaches.is_empty());
        assert_eq!(
            none.oldest_active, found.oldest_active,
            "ages without expectations too"
        );
    }
}
