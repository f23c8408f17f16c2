//! The Markdown report of `migrate plan --report FILE`: what a team reviews before applying.
//! Whatever came from the tenant (names, parameter values quoted in problems) is written with its
//! control and bidirectional characters escaped, as a table on a terminal shows them: a report is
//! read in a terminal, an editor or a review, and none of them should obey an escape sequence.

use std::fmt::Write;

use atlan_ops::migrate::{MigrationStatus, Planned};
use jiff::Timestamp;

/// The report of `planned` on `tenant`, made at `at`.
pub(super) fn markdown(planned: &[Planned], tenant: &str, at: Timestamp) -> String {
    let count =
        |status: MigrationStatus| planned.iter().filter(|p| p.plan.status == status).count();
    let mut out = String::new();
    let _ = writeln!(out, "# Migration plan: legacy workflows to app workflows\n");
    let _ = writeln!(
        out,
        "Tenant: `{tenant}`; planned {at} by `atlanctl migrate plan`.\n"
    );
    let _ = writeln!(
        out,
        "| ready | needs input | unsupported | total |\n|---|---|---|---|\n| {} | {} | {} | {} |\n",
        count(MigrationStatus::Ready),
        count(MigrationStatus::NeedsInput),
        count(MigrationStatus::Unsupported),
        planned.len()
    );
    let _ = writeln!(
        out,
        "Apply with `atlanctl migrate apply` (the ready ones only; `run: false`, their schedules \
         carried); check with `atlanctl migrate verify [--test-run]`; retire the legacy workflows \
         with `atlanctl migrate apply --archive-legacy --verify`.\n"
    );
    for planned in planned {
        section(&mut out, planned);
    }
    crate::terminal::safe_lines(&out)
}

/// The section of one legacy workflow: its pair, schedule, problems, inputs and what is left out.
fn section(out: &mut String, planned: &Planned) {
    let plan = &planned.plan;
    let _ = writeln!(out, "## `{}`: {}\n", plan.workflow, plan.status.as_str());
    let _ = writeln!(
        out,
        "- package: `{}`; app: `{}`; entrypoint: `{}`",
        plan.package.as_deref().unwrap_or("?"),
        plan.app_id.as_deref().unwrap_or("none"),
        plan.entrypoint.as_deref().unwrap_or("the app's default")
    );
    match &plan.schedule {
        Some(schedule) => {
            let _ = writeln!(
                out,
                "- schedule: `{}` in {}",
                schedule.cron, schedule.timezone
            );
        }
        None => {
            let _ = writeln!(out, "- schedule: none");
        }
    }
    if let Some(slug) = planned.migrated.as_ref().and_then(|m| m.slug.as_deref()) {
        let _ = writeln!(out, "- already migrated: app workflow `{slug}`");
    }
    if !planned.conflicts.is_empty() {
        let _ = writeln!(out, "- **conflict**: {}", planned.conflicts.join(", "));
    }
    for missing in &plan.missing {
        let _ = writeln!(out, "- **missing**: `{missing}`");
    }
    for problem in &plan.problems {
        let _ = writeln!(out, "- **problem**: {problem}");
    }
    if !plan.inputs.is_empty() {
        let _ = writeln!(out, "\n| input | value | from |\n|---|---|---|");
        for (name, value) in &plan.inputs {
            let mut shown = value.to_string();
            if shown.chars().count() > 80 {
                shown = shown.chars().take(77).chain("...".chars()).collect();
            }
            let _ = writeln!(
                out,
                "| `{name}` | `{}` | {} |",
                shown.replace('|', "\\|").replace('`', "'"),
                plan.provenance
                    .get(name)
                    .map_or("", String::as_str)
                    .replace('|', "\\|")
            );
        }
    }
    if !plan.unmapped.is_empty() {
        let _ = writeln!(out, "\nNot carried:\n");
        for unmapped in &plan.unmapped {
            let _ = writeln!(out, "- `{}`: {}", unmapped.parameter, unmapped.reason);
        }
    }
    let _ = writeln!(out);
}
