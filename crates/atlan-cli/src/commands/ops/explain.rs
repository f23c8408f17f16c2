//! `atlanctl runs explain RUN`. For people, a message is shown up to [`MESSAGE_SHOWN`]
//! characters (a server can send megabytes of stack trace); `-o json` has it whole.

use atlan_ops::{Explanation, StepView};

use crate::context::Env;
use crate::error::CliError;
use crate::rows::human;
use crate::terminal::clip;

/// The most characters of a run's message shown (`-o json` has it whole).
const MESSAGE_SHOWN: usize = 2_000;
/// The most characters of a step's message shown on its line.
const STEP_MESSAGE_SHOWN: usize = 300;

/// Explains a run, or the latest ended run of `workflow`: one JSON document, or a report for
/// people.
pub(crate) async fn explain(
    run: Option<&str>,
    workflow: Option<&str>,
    api: atlan_ops::ApiChoice,
    env: &mut Env,
) -> Result<(), CliError> {
    let client = env.client().await?;
    let explanation = match (run, workflow) {
        (Some(run), _) => atlan_ops::explain_run(&client, run).await?,
        (None, Some(workflow)) => atlan_ops::explain_latest(&client, workflow, api).await?,
        (None, None) => return Err(CliError::Usage("give a run, or --workflow NAME".into())),
    };
    if env.printer.is_json() {
        let document = serde_json::to_value(&explanation).map_err(std::io::Error::from)?;
        return env.printer.json(&document);
    }
    for line in report(&explanation) {
        env.printer.text(&line)?;
    }
    Ok(())
}

/// The report's lines.
pub(crate) fn report(explained: &Explanation) -> Vec<String> {
    let mut lines = vec![
        format!("run        {} ({})", explained.run, explained.api.as_str()),
        format!(
            "workflow   {}{}",
            explained.workflow,
            explained
                .package
                .as_ref()
                .map(|package| format!(" ({package})"))
                .unwrap_or_default()
        ),
        format!("status     {}", clip(&explained.summary(), MESSAGE_SHOWN)),
    ];
    if let Some(started) = explained.started {
        let took = explained
            .duration_s
            .map(|seconds| format!(", took {}", human(seconds)))
            .unwrap_or_default();
        lines.push(format!(
            "started    {}{took}",
            crate::rows::instant(started)
        ));
    }
    if let Some(cause) = explained.cause {
        lines.push(format!(
            "cause      {}: {}",
            cause.as_str(),
            explained.advice.unwrap_or_default()
        ));
    }
    if let Some(step) = &explained.failed_step {
        lines.push(format!("failed at  {step}"));
    }
    if let Some(message) = &explained.message {
        lines.push(format!("message    {}", clip(message, MESSAGE_SHOWN)));
    }
    if let Some(code) = explained.exit_code {
        lines.push(format!("exit code  {code}"));
    }
    if let Some(log) = &explained.log_artifact {
        lines.push(format!("log        {log}"));
    }
    match &explained.previous_success {
        Some(previous) => {
            let took = previous
                .duration_s
                .map(|seconds| format!(", took {}", human(seconds)))
                .unwrap_or_default();
            let started = previous
                .started
                .map(|at| format!(" started {at}"))
                .unwrap_or_default();
            lines.push(format!(
                "previous   {} succeeded,{started}{took}",
                previous.run
            ));
        }
        None => lines.push("previous   no earlier successful run found".to_owned()),
    }
    lines.extend(explained.changes.iter().map(change_line));
    if !explained.steps.is_empty() {
        lines.push("steps".to_owned());
        let failed = explained.failed_step.as_deref();
        tree(&explained.steps, 1, failed, &mut lines);
    }
    lines
}

/// How one step's time changed since the previous successful run.
fn change_line(change: &atlan_ops::StepChange) -> String {
    match (change.previous_s, change.this_s, change.slower_by_s) {
        (Some(before), Some(now), Some(by)) => format!(
            "  {} took {} (was {}, {} slower)",
            change.step,
            human(now),
            human(before),
            human(by)
        ),
        (Some(before), None, _) => format!(
            "  {} not reached or not ended (took {} before)",
            change.step,
            human(before)
        ),
        _ => format!("  {} changed", change.step),
    }
}

/// The step tree, one line per step: status mark, name, kind, duration, retries, message.
fn tree(steps: &[StepView], depth: usize, failed: Option<&str>, lines: &mut Vec<String>) {
    for step in steps {
        let mark = if step.status.is_success() {
            "✓"
        } else if step.status.is_failure() {
            "✗"
        } else {
            "…"
        };
        let mut line = format!(
            "{}{mark} {}  [{}] {}",
            "  ".repeat(depth),
            step.name,
            step.kind,
            step.duration_s().map_or_else(|| "-".to_owned(), human)
        );
        if step.retries > 0 {
            line.push_str(&format!(", {} retries", step.retries));
        }
        if let Some(message) = &step.message {
            line.push_str(&format!("  {}", clip(message, STEP_MESSAGE_SHOWN)));
        }
        if failed == Some(step.name.as_str()) && step.status.is_failure() {
            line.push_str("  <- failed step");
        }
        lines.push(line);
        tree(&step.children, depth + 1, failed, lines);
    }
}
