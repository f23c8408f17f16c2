//! The watcher's judgment of the schedules' due times: each once, as the polls pass it.

use std::collections::HashMap;

use atlan_workflows::model::CronSchedule;
use jiff::Timestamp;

use super::{Event, Watcher};
use crate::doctor::{SCHEDULE_GRACE, missed_due};
use crate::view::Api;
use crate::window::Window;
use crate::workflow_facts::WorkflowFacts;

impl Watcher {
    /// Judges the due times of the schedules since the last poll judged them (the whole window
    /// at the first): a due time judged stays judged (one missed stays missed, one a run answered
    /// stays answered), so each poll reads a workflow's runs only when one of its schedules was
    /// due in between. Keeps the missed ones of the window; answers those newly found.
    fn judge_due_times(&mut self, now: Timestamp) -> Vec<(Api, String, Timestamp)> {
        let since = now.saturating_sub(self.config.lookback).unwrap_or(now);
        let until = now.saturating_sub(SCHEDULE_GRACE).unwrap_or(now);
        let from = self.missed_judged.map_or(since, |judged| judged.max(since));
        self.missed_judged = Some(until.max(from));
        self.missed.retain(|(_, _, due)| *due >= since);
        if from >= until {
            return Vec::new();
        }
        let window = Window::between(from, None);
        let mut found = Vec::new();
        for facts in &self.schedules {
            if !due_between(facts, &self.crons, from, until) {
                continue;
            }
            let facts = self.with_starts(facts);
            for due in missed_due(&facts, &window, now).missed {
                found.push((facts.api, facts.workflow.clone(), due));
            }
        }
        self.missed.extend(found.iter().cloned());
        found
    }

    /// The schedules newly missed at or after `from`, each told once.
    pub(super) fn missed_events(
        &mut self,
        now: Timestamp,
        from: Timestamp,
        events: &mut Vec<Event>,
    ) {
        for (api, workflow, due) in self.judge_due_times(now) {
            if due < from || !self.missed_reported.insert((api, workflow.clone(), due)) {
                continue;
            }
            events.push(Event::ScheduleMissed {
                api,
                package: self
                    .schedules
                    .iter()
                    .find(|facts| facts.api == api && facts.workflow == workflow)
                    .and_then(|facts| facts.package.clone())
                    .or_else(|| self.book.package(api, &workflow).map(str::to_owned)),
                workflow,
                due,
            });
        }
    }
}

/// Whether a schedule of `facts` that is not suspended (or cannot be read: [`missed_due`] says
/// so) is due after `from` and at or before `until`, its cron as `crons` read it.
fn due_between(facts: &WorkflowFacts, crons: &Crons, from: Timestamp, until: Timestamp) -> bool {
    facts
        .schedules
        .iter()
        .filter(|schedule| !schedule.suspended)
        .any(|schedule| {
            crons
                .get(&(schedule.cron.clone(), schedule.timezone.clone()))
                .and_then(Option::as_ref)
                .is_none_or(|cron| !cron.due_between(from, until, 1).is_empty())
        })
}

/// Each schedule's cron as read, by its cron and time zone (`None`: it cannot be read).
pub(super) type Crons = HashMap<(String, String), Option<CronSchedule>>;

/// The crons of `schedules`, each read once.
pub(super) fn read_crons(schedules: &[WorkflowFacts]) -> Crons {
    let mut crons = Crons::new();
    for schedule in schedules.iter().flat_map(|facts| &facts.schedules) {
        crons
            .entry((schedule.cron.clone(), schedule.timezone.clone()))
            .or_insert_with(|| CronSchedule::parse(&schedule.cron, &schedule.timezone).ok());
    }
    crons
}
