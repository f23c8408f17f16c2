//! `atlanctl runs stats`: one row per workflow, worst first, with the latest outcomes and a
//! duration trend drawn in the row.

use atlan_ops::{ApiChoice, RecentRun, Selection, WorkflowStats};

use super::window;
use crate::cli::StatsArgs;
use crate::context::Env;
use crate::error::CliError;
use crate::rows::human;

/// The table's columns.
const COLUMNS: [&str; 13] = [
    "API",
    "WORKFLOW",
    "PACKAGE",
    "RUNS",
    "OK",
    "FAILED",
    "ACTIVE",
    "SUCCESS",
    "P50",
    "P95",
    "STREAK",
    "LAST SUCCESS",
    "LATEST RUNS (OLDEST → NEWEST)",
];

/// Prints the figures of every selected workflow.
pub(crate) async fn stats(args: StatsArgs, env: &mut Env) -> Result<(), CliError> {
    let (window, _) = window(&args.window)?;
    let mut selection = Selection::new(ApiChoice::from(args.window.api));
    if let Some(package) = args.package {
        selection = selection.package(package);
    }
    if let Some(workflow) = args.workflow {
        selection = selection.workflow(workflow);
    }
    let client = env.client().await?;
    let report = atlan_ops::stats_report(&client, &selection, &window).await?;
    super::say_skipped(&report.skipped, "its runs are not counted", env);
    // One row per workflow: the documents are made first, so that one that cannot be is an error.
    let shown: Vec<(&WorkflowStats, serde_json::Value)> = report
        .rows
        .iter()
        .map(|row| {
            Ok((
                row,
                serde_json::to_value(row).map_err(std::io::Error::from)?,
            ))
        })
        .collect::<Result<_, CliError>>()?;
    env.printer.listed(
        &COLUMNS,
        &shown,
        |(row, _)| row_of(row),
        |(_, json)| json.clone(),
    )?;
    if report.rows.is_empty() {
        env.printer
            .note(&format!("no runs started since {}", window.since));
    }
    Ok(())
}

/// A workflow's figures as a table row.
fn row_of(row: &WorkflowStats) -> Vec<String> {
    let seconds = |value: Option<u64>| value.map_or_else(|| "-".to_owned(), human);
    vec![
        row.api.as_str().to_owned(),
        row.workflow.clone(),
        row.package.clone().unwrap_or_else(|| "-".to_owned()),
        row.runs.to_string(),
        row.succeeded.to_string(),
        row.failed.to_string(),
        row.active.to_string(),
        row.success_rate
            .map_or_else(|| "-".to_owned(), |rate| format!("{:.0}%", rate * 100.0)),
        seconds(row.duration_p50_s),
        seconds(row.duration_p95_s),
        row.failure_streak.to_string(),
        row.last_success_at
            .map_or_else(|| "-".to_owned(), crate::rows::instant),
        chart(&row.recent),
    ]
}

/// The latest runs' outcomes (`✓` succeeded, `✗` failed, `·` not ended) and, after them, their
/// durations as a sparkline (`▁` shortest to `█` longest of those shown). One row of eight block
/// characters does not need a charting crate; the kept ones (ratatui's sparkline, textplots)
/// draw whole screens or multi-line plots, not a cell of a table.
pub(crate) fn chart(recent: &[RecentRun]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let outcomes: String = recent
        .iter()
        .map(|run| {
            if run.status.is_success() {
                '✓'
            } else if run.status.is_failure() {
                '✗'
            } else {
                '·'
            }
        })
        .collect();
    let durations: Vec<u64> = recent.iter().filter_map(|run| run.duration_s).collect();
    let (Some(low), Some(high)) = (durations.iter().min(), durations.iter().max()) else {
        return outcomes;
    };
    let span = high - low;
    let trend: String = durations
        .iter()
        .map(|duration| {
            let level = ((duration - low) * 7)
                .checked_div(span)
                .map_or(0, |level| usize::try_from(level).unwrap_or(7));
            BARS.get(level).copied().unwrap_or('█')
        })
        .collect();
    format!("{outcomes}  {trend}")
}

#[cfg(test)]
mod tests {
    use atlan_ops::RunState;

    use super::*;

    fn recent(status: RunState, duration_s: Option<u64>) -> RecentRun {
        RecentRun::new(jiff::Timestamp::UNIX_EPOCH, status, duration_s)
    }

    #[test]
    fn the_chart_shows_outcomes_then_a_duration_trend() {
        let runs = [
            recent(RunState::Succeeded, Some(10)),
            recent(RunState::Failed, Some(80)),
            recent(RunState::Running, None),
        ];
        assert_eq!(chart(&runs), "✓✗·  ▁█");
        assert_eq!(chart(&[]), "");
        assert_eq!(chart(&[recent(RunState::Succeeded, Some(5))]), "✓  ▁");
    }
}
