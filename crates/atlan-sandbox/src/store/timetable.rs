//! Schedules that fire: when each legacy cron workflow and each app workflow trigger is next due
//! (in its time zone, on the sandbox clock), and the runs they start when the clock passes that
//! time, as a tenant's CronWorkflow controller and App scheduler do. A schedule whose workflow is
//! still running at the due time is missed, visibly (`/_sandbox/schedules`), as Argo's
//! `concurrencyPolicy: Forbid` and the App scheduler's overlap policy skip it.

use std::collections::VecDeque;
use std::sync::Arc;

use atlan_model::CronSchedule;
use jiff::Timestamp;
use serde::Serialize;
use serde_json::Value;

use super::{Event, Store};

/// The most runs one move of the clock starts (a clock moved a year over a schedule of every
/// minute would start half a million).
const MAX_FIRES_PER_ADVANCE: usize = 10_000;
/// The most due times one move of the clock walks through, fired or missed (a year over 25
/// schedules of every minute is 13 million, which held the store for minutes). Past either
/// bound, every schedule still due skips to its first due time after the clock, and that is
/// said once per schedule.
const MAX_DUE_PER_ADVANCE: usize = 20_000;
/// Why due times were skipped.
const SKIPPED: &str =
    "the clock moved past more due times than one move walks: skipped up to the clock";
/// How many missed due times the sandbox remembers (the newest).
const MAX_MISSED: usize = 1_000;

/// A schedule: a legacy workflow's, or one trigger of an app workflow.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "api", rename_all = "snake_case")]
pub(crate) enum ScheduleKey {
    /// The CronWorkflow of a legacy workflow.
    Legacy {
        /// The workflow.
        workflow: String,
    },
    /// A trigger of an app workflow.
    Apps {
        /// The app workflow.
        slug: String,
        /// The trigger.
        trigger_id: String,
    },
}

/// What is known of one schedule.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    schedule: CronSchedule,
    pattern: String,
    timezone_name: String,
    /// When it is next due (epoch milliseconds).
    next: i64,
    /// When it last started a run.
    last_fired: Option<i64>,
}

/// A due time that started no run.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Missed {
    #[serde(flatten)]
    schedule: ScheduleKey,
    /// The due time, RFC 3339.
    at: String,
    /// Why: the workflow was still running, or the clock jumped past more due times than one move
    /// starts.
    reason: &'static str,
}

/// The schedules of the store and when they are due.
#[derive(Debug, Default)]
pub(crate) struct Timetable {
    entries: std::collections::HashMap<ScheduleKey, Entry>,
    due: std::collections::BTreeSet<(i64, ScheduleKey)>,
    missed: VecDeque<Missed>,
}

impl Timetable {
    /// Registers (or replaces) a schedule, next due after `now`. A pattern or time zone that
    /// cannot be read (checked on the way in; only a state file edited by hand has one) is
    /// ignored, with a warning.
    pub(crate) fn put(&mut self, key: ScheduleKey, pattern: &str, timezone: &str, now: i64) {
        self.remove(&key);
        let schedule = match CronSchedule::parse(pattern, timezone) {
            Ok(schedule) => schedule,
            Err(error) => {
                tracing::warn!(?key, pattern, timezone, %error, "a schedule that cannot be read never fires");
                return;
            }
        };
        let Some(next) = next_after(&schedule, now) else {
            return;
        };
        self.due.insert((next, key.clone()));
        self.entries.insert(
            key,
            Entry {
                schedule,
                pattern: pattern.to_owned(),
                timezone_name: timezone.to_owned(),
                next,
                last_fired: None,
            },
        );
    }

    /// Whether a schedule is filed.
    pub(crate) fn contains(&self, key: &ScheduleKey) -> bool {
        self.entries.contains_key(key)
    }

    /// Forgets a schedule.
    pub(crate) fn remove(&mut self, key: &ScheduleKey) {
        if let Some(entry) = self.entries.remove(key) {
            self.due.remove(&(entry.next, key.clone()));
        }
    }

    /// Whether some schedule is due at or before `now`.
    pub(crate) fn is_due(&self, now: i64) -> bool {
        self.due.first().is_some_and(|(at, _)| *at <= now)
    }

    /// Takes the earliest schedule due at or before `now`, filed again under its next due time.
    fn pop_due(&mut self, now: i64) -> Option<(i64, ScheduleKey)> {
        let (at, key) = self.due.first().cloned().filter(|(at, _)| *at <= now)?;
        self.due.pop_first();
        if let Some(entry) = self.entries.get_mut(&key) {
            match next_after(&entry.schedule, at) {
                Some(next) => {
                    entry.next = next;
                    self.due.insert((next, key.clone()));
                }
                None => {
                    self.entries.remove(&key);
                }
            }
        }
        Some((at, key))
    }

    /// Files `key` back under `at` (a due time taken and not handled).
    fn put_back(&mut self, key: ScheduleKey, at: i64) {
        if let Some(entry) = self.entries.get_mut(&key) {
            self.due.remove(&(entry.next, key.clone()));
            entry.next = at;
            self.due.insert((at, key));
        }
    }

    /// Moves every schedule due at or before `now` to its first due time after `now`; each says
    /// once, at its first due time skipped, that it skipped.
    fn skip_due(&mut self, now: i64) {
        while let Some((at, key)) = self.due.first().cloned().filter(|(at, _)| *at <= now) {
            self.due.pop_first();
            match self.entries.get_mut(&key) {
                Some(entry) => match next_after(&entry.schedule, now) {
                    Some(next) => {
                        entry.next = next;
                        self.due.insert((next, key.clone()));
                    }
                    None => {
                        self.entries.remove(&key);
                    }
                },
                None => continue,
            }
            self.miss(key, at, SKIPPED);
        }
    }

    fn fired(&mut self, key: &ScheduleKey, at: i64) {
        if let Some(entry) = self.entries.get_mut(key) {
            entry.last_fired = Some(at);
        }
    }

    fn miss(&mut self, schedule: ScheduleKey, at: i64, reason: &'static str) {
        tracing::info!(?schedule, at = %time(at), reason, "missed a scheduled run");
        if self.missed.len() == MAX_MISSED {
            self.missed.pop_front();
        }
        self.missed.push_back(Missed {
            schedule,
            at: time(at),
            reason,
        });
    }

    /// `/_sandbox/schedules`: every schedule with its next due time, and the missed due times.
    pub(crate) fn report(&self) -> Value {
        let mut schedules: Vec<(&ScheduleKey, &Entry)> = self.entries.iter().collect();
        schedules.sort_by(|a, b| a.0.cmp(b.0));
        let schedules: Vec<Value> = schedules
            .into_iter()
            .map(|(key, entry)| {
                let mut value = serde_json::to_value(key).unwrap_or_default();
                crate::json::set(&mut value, "cron", Value::from(entry.pattern.as_str()));
                crate::json::set(
                    &mut value,
                    "timezone",
                    Value::from(entry.timezone_name.as_str()),
                );
                crate::json::set(&mut value, "next", Value::from(time(entry.next)));
                crate::json::set(
                    &mut value,
                    "last_fired",
                    entry
                        .last_fired
                        .map_or(Value::Null, |at| Value::from(time(at))),
                );
                value
            })
            .collect();
        serde_json::json!({"schedules": schedules, "missed": self.missed})
    }
}

fn time(millis: i64) -> String {
    Timestamp::from_millisecond(millis)
        .map(|at| at.to_string())
        .unwrap_or_default()
}

/// The first due time of `schedule` strictly after `after` (epoch milliseconds).
fn next_after(schedule: &CronSchedule, after: i64) -> Option<i64> {
    let from = Timestamp::from_millisecond(after).ok()?;
    Some(schedule.next_after(from)?.as_millisecond())
}

impl Store {
    /// Starts the runs of every schedule due by `now`, in due order, each created at its due
    /// time; a schedule whose workflow is active then is missed. At most
    /// [`MAX_FIRES_PER_ADVANCE`] runs and [`MAX_DUE_PER_ADVANCE`] due times: past them, the
    /// schedules skip to the clock. Each run is logged like any
    /// other; a run that cannot be written is not started (the due time is missed, with a
    /// warning).
    pub(in crate::store) fn fire_schedules(&mut self, now: i64) {
        let mut fired = 0;
        let mut walked = 0;
        while let Some((at, key)) = self.schedules.timetable.pop_due(now) {
            walked += 1;
            if fired == MAX_FIRES_PER_ADVANCE || walked > MAX_DUE_PER_ADVANCE {
                self.schedules.timetable.put_back(key, at);
                self.schedules.timetable.skip_due(now);
                break;
            }
            let event = match &key {
                ScheduleKey::Legacy { workflow } => self.scheduled_run(workflow, at),
                ScheduleKey::Apps { slug, trigger_id } => {
                    self.scheduled_app_run(slug, trigger_id, at)
                }
            };
            match event {
                Ok(Some(event)) => {
                    if let Err(error) = self.commit(vec![event]) {
                        tracing::warn!(?key, %error, "a scheduled run could not be written");
                        self.schedules.timetable.miss(
                            key,
                            at,
                            "the state file could not be written",
                        );
                        continue;
                    }
                    self.schedules.timetable.fired(&key, at);
                    fired += 1;
                }
                Ok(None) => {
                    self.schedules
                        .timetable
                        .miss(key, at, "the workflow was still running")
                }
                Err(error) => {
                    tracing::warn!(?key, error = %error.message, "a scheduled run could not start");
                }
            }
        }
    }

    /// The run a legacy schedule starts at `at`, or `None` while the workflow is active.
    fn scheduled_run(&mut self, workflow: &str, at: i64) -> crate::error::ApiResult<Option<Event>> {
        let prefix = format!("{workflow}-");
        let active = self
            .legacy
            .records
            .range(prefix.clone()..)
            .take_while(|(name, _)| name.starts_with(&prefix))
            .any(|(_, run)| run.workflow == workflow && run.created <= at && !run.is_finished(at));
        if active {
            return Ok(None);
        }
        let Some(template) = self.workflow(workflow).map(std::borrow::Cow::into_owned) else {
            return Ok(None);
        };
        let mut record = self.new_run(workflow, &template, None)?;
        record.created = at;
        record.scheduled = Some(at);
        let name = format!("{workflow}-cron-{}", at.div_euclid(1000));
        if !self.legacy.records.contains_key(&name) {
            record.name = name;
        }
        Ok(Some(Event::PutRun {
            record: Box::new(record),
        }))
    }

    /// The run an app trigger starts at `at`, or `None` while the workflow is active.
    fn scheduled_app_run(
        &mut self,
        slug: &str,
        trigger_id: &str,
        at: i64,
    ) -> crate::error::ApiResult<Option<Event>> {
        let Some(workflow) = self.apps.workflows.get(slug).map(Arc::clone) else {
            return Ok(None);
        };
        let active = self
            .apps
            .runs
            .values()
            .any(|run| run.slug == slug && run.created <= at && run.status(at).is_active());
        if active {
            return Ok(None);
        }
        let mut run = self.new_app_run(&workflow, "scheduler");
        run.created = at;
        run.scheduled = Some(trigger_id.to_owned());
        Ok(Some(Event::PutAppRun {
            record: Box::new(run),
        }))
    }

    /// `/_sandbox/schedules`.
    pub(crate) fn schedules_report(&self) -> Value {
        self.schedules.timetable.report()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> i64 {
        text.parse::<Timestamp>().unwrap().as_millisecond()
    }

    #[test]
    fn a_schedule_is_due_in_its_time_zone() {
        let new_york = CronSchedule::parse("0 2 * * *", "America/New_York").unwrap();
        assert_eq!(
            next_after(&new_york, at("2026-12-01T00:00:00Z")),
            Some(at("2026-12-01T07:00:00Z")),
            "02:00 in New York is 07:00 UTC in winter"
        );
        let utc = CronSchedule::parse("0 2 * * *", "UTC").unwrap();
        assert_eq!(
            next_after(&utc, at("2026-12-01T02:00:00Z")),
            Some(at("2026-12-02T02:00:00Z")),
            "strictly after"
        );
    }

    #[test]
    fn the_timetable_files_each_schedule_under_its_next_due_time() {
        let mut table = Timetable::default();
        let key = ScheduleKey::Legacy {
            workflow: "w".into(),
        };
        table.put(key.clone(), "0 * * * *", "UTC", at("2026-12-01T00:30:00Z"));
        assert!(!table.is_due(at("2026-12-01T00:59:59Z")));
        assert!(table.is_due(at("2026-12-01T01:00:00Z")));
        let day = at("2026-12-02T00:30:00Z");
        let mut fires = Vec::new();
        while let Some((due, _)) = table.pop_due(day) {
            fires.push(due);
        }
        assert_eq!(fires.len(), 24, "hourly over a day");
        assert!(!table.is_due(day));
        table.put(key.clone(), "not a cron", "UTC", day);
        assert!(
            table.entries.is_empty(),
            "an unreadable schedule is not kept"
        );
    }
}
