//! Which workflows a `rerun --failed` re-runs, and in which order: a pure function of the figures
//! of the window (`runs stats`' rows), so that the plan can be shown, confirmed and tested without
//! a tenant.
//!
//! A workflow is selected when its latest ended run in the window ended without success and none
//! is active; one with a run still active is left out and said so (its run may yet succeed, and a second run would race
//! it). With [`Order::Lineage`] the selection is cut in waves by the package's lineage stage
//! (sources and warehouses, then miners, then transformation tools, then BI, then what is not a
//! connector), each wave to be started only when the one before has.

use serde::Serialize;

use crate::lineage::{self, Stage};
use crate::stats::WorkflowStats;
use crate::view::Api;

/// How the selection is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Order {
    /// In waves by lineage stage (Atlan's guidance: sources before miners, transformations and BI).
    #[default]
    Lineage,
    /// One wave, as found.
    None,
}

/// A workflow of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Target {
    /// Its API.
    pub api: Api,
    /// The workflow (name or slug).
    pub workflow: String,
    /// Its package or app.
    pub package: Option<String>,
    /// Its lineage stage (`null`: not a connector).
    pub stage: Option<Stage>,
    /// Why it is in the plan, or left out of it.
    pub reason: String,
}

/// What a `rerun --failed` would do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Plan {
    /// The workflows to re-run, wave by wave.
    pub waves: Vec<Vec<Target>>,
    /// The workflows whose latest run failed but that are left out, with why.
    pub skipped: Vec<Target>,
}

impl Plan {
    /// Leaves out the targets submitted at or after `since` (by an earlier batch, as its journal
    /// says): the index may not show their runs yet, and a second submit would be a duplicate.
    pub fn hold_back(
        &mut self,
        submits: &[(Api, String, jiff::Timestamp)],
        since: jiff::Timestamp,
    ) {
        for wave in &mut self.waves {
            let mut kept = Vec::new();
            for mut target in std::mem::take(wave) {
                let recent = submits.iter().find(|(api, workflow, at)| {
                    *api == target.api && *workflow == target.workflow && *at >= since
                });
                match recent {
                    Some((_, _, at)) => {
                        target.reason = format!(
                            "submitted by an earlier batch at {at}: the index may not show its run yet"
                        );
                        self.skipped.push(target);
                    }
                    None => kept.push(target),
                }
            }
            *wave = kept;
        }
        self.waves.retain(|wave| !wave.is_empty());
    }

    /// How many workflows it re-runs.
    pub fn len(&self) -> usize {
        self.waves.iter().map(Vec::len).sum()
    }

    /// Whether it re-runs nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The plan over `rows` (the figures of the window, any order), ordered as `order` says; within
/// a wave, by API and name.
pub fn failed(rows: &[WorkflowStats], order: Order) -> Plan {
    let mut selected = Vec::new();
    let mut skipped = Vec::new();
    for row in rows {
        let Some(latest) = row.recent.iter().rev().find(|run| run.status.is_ended()) else {
            continue;
        };
        if !latest.status.is_failure() {
            continue;
        }
        let target = |reason: String| Target {
            api: row.api,
            workflow: row.workflow.clone(),
            package: row.package.clone(),
            stage: row.package.as_deref().and_then(lineage::stage),
            reason,
        };
        if row.active > 0 {
            skipped.push(target(format!(
                "{} run(s) still active: a re-run would race them",
                row.active
            )));
            continue;
        }
        selected.push(target(format!(
            "its latest run (started {}) ended {}; {} failed in a row",
            latest.started,
            latest.status.as_str(),
            row.failure_streak.max(1)
        )));
    }
    let key = |target: &Target| (target.api, target.workflow.clone());
    selected.sort_by_key(key);
    skipped.sort_by_key(key);
    let waves = match order {
        Order::None => vec![selected],
        Order::Lineage => {
            let rank = |stage: Option<Stage>| match stage {
                Some(Stage::Source) => 0,
                Some(Stage::Miner) => 1,
                Some(Stage::Transformation) => 2,
                Some(Stage::Bi) => 3,
                _ => 4,
            };
            let mut waves: Vec<Vec<Target>> = vec![Vec::new(); 5];
            for target in selected {
                if let Some(wave) = waves.get_mut(rank(target.stage)) {
                    wave.push(target);
                }
            }
            waves
        }
    };
    Plan {
        waves: waves.into_iter().filter(|wave| !wave.is_empty()).collect(),
        skipped,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use crate::stats::Stats;
    use crate::view::{RunState, RunView};
    use crate::window::Window;

    fn run(api: Api, workflow: &str, package: &str, status: RunState, minute: i64) -> RunView {
        let started: jiff::Timestamp = "2026-06-15T00:00:00Z".parse().unwrap();
        let started = started + jiff::SignedDuration::from_mins(minute);
        let mut view = RunView::new(api, format!("{workflow}-{minute}"), workflow);
        view.package = Some(package.into());
        view.status = status;
        view.started = Some(started);
        view.finished = status
            .is_ended()
            .then(|| started + jiff::SignedDuration::from_mins(5));
        view
    }

    fn rows(runs: &[RunView]) -> Vec<WorkflowStats> {
        let mut stats = Stats::new(Window::between(
            "2026-06-01T00:00:00Z".parse().unwrap(),
            None,
        ));
        for run in runs {
            stats.add(run);
        }
        stats.finish()
    }

    #[test]
    fn the_latest_failed_without_an_active_run_in_lineage_waves() {
        let rows = rows(&[
            run(
                Api::Legacy,
                "tableau",
                "atlan-tableau",
                RunState::Failed,
                10,
            ),
            run(
                Api::Legacy,
                "snowflake",
                "atlan-snowflake",
                RunState::Succeeded,
                1,
            ),
            run(
                Api::Legacy,
                "snowflake",
                "atlan-snowflake",
                RunState::Failed,
                2,
            ),
            run(
                Api::Legacy,
                "miner",
                "atlan-snowflake-miner",
                RunState::Error,
                3,
            ),
            run(Api::Apps, "dbt-prod", "dbt", RunState::Failed, 4),
            // Failed, then succeeded: nothing to do.
            run(Api::Legacy, "fine", "atlan-postgres", RunState::Failed, 1),
            run(
                Api::Legacy,
                "fine",
                "atlan-postgres",
                RunState::Succeeded,
                2,
            ),
            // Failed, and a run is going: left out.
            run(Api::Legacy, "busy", "atlan-oracle", RunState::Failed, 1),
            run(Api::Legacy, "busy", "atlan-oracle", RunState::Running, 2),
            run(
                Api::Legacy,
                "export",
                "csa-asset-export-basic",
                RunState::Failed,
                5,
            ),
        ]);
        let plan = failed(&rows, Order::Lineage);
        let names: Vec<Vec<&str>> = plan
            .waves
            .iter()
            .map(|wave| wave.iter().map(|t| t.workflow.as_str()).collect())
            .collect();
        assert_eq!(
            names,
            [
                vec!["snowflake"],
                vec!["miner"],
                vec!["dbt-prod"],
                vec!["tableau"],
                vec!["export"]
            ]
        );
        assert_eq!(plan.len(), 5);
        assert_eq!(plan.skipped.len(), 1);
        assert_eq!(plan.skipped[0].workflow, "busy");
        assert!(
            plan.skipped[0].reason.contains("active"),
            "{}",
            plan.skipped[0].reason
        );
        assert!(
            plan.waves[0][0].reason.contains("ended Failed"),
            "{}",
            plan.waves[0][0].reason
        );

        let flat = failed(&rows, Order::None);
        assert_eq!(flat.waves.len(), 1);
        assert_eq!(flat.len(), 5);
        assert!(failed(&[], Order::Lineage).is_empty());
    }

    #[test]
    fn recent_submits_are_held_back() {
        let rows = rows(&[
            run(
                Api::Legacy,
                "snowflake",
                "atlan-snowflake",
                RunState::Failed,
                2,
            ),
            run(Api::Legacy, "tableau", "atlan-tableau", RunState::Failed, 2),
        ]);
        let mut plan = failed(&rows, Order::Lineage);
        let at: jiff::Timestamp = "2026-06-15T12:00:00Z".parse().unwrap();
        let old: jiff::Timestamp = "2026-06-15T10:00:00Z".parse().unwrap();
        plan.hold_back(
            &[
                (Api::Legacy, "snowflake".into(), at),
                (Api::Legacy, "tableau".into(), old),
            ],
            "2026-06-15T11:50:00Z".parse().unwrap(),
        );
        assert_eq!(plan.len(), 1);
        assert_eq!(plan.waves[0][0].workflow, "tableau");
        assert_eq!(plan.skipped[0].workflow, "snowflake");
        assert!(plan.skipped[0].reason.contains("earlier batch"));
    }
}
