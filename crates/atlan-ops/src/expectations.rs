//! What a team expects of a workflow, and whether its runs meet it (pure, over run views, its
//! schedule and an instant): `freshness` (a success at least this often), `deadline` (succeeded by
//! a time of day in a zone, on the days its schedule runs), `max_duration` (a run going longer
//! than this, or than a multiple of the workflow's own p95), `max_pending` (a run waiting longer
//! than this to start). Each breach is named as the findings and events that report it: `late`
//! for freshness, `overdue` for a deadline, `stuck` for a run over its duration or its wait.
//! [`problems`] says which expectations a schedule can never meet.

use std::collections::BTreeMap;

use atlan_workflows::model::CronSchedule;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use crate::view::RunState;
use crate::workflow_facts::RunSpan;

/// The most a `max_duration` multiple of p95 may be.
const MAX_MULTIPLE: f64 = 100.0;
/// The fewest succeeded runs a p95 is taken over (fewer: no p95, no breach by it).
const MIN_RUNS_FOR_P95: u64 = 3;

/// A run's longest allowed duration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MaxDuration {
    /// This long.
    Absolute(SignedDuration),
    /// This many times the p95 of the workflow's succeeded runs in the window.
    P95(f64),
}

/// Succeeded by a time of day, in a zone, on the days the workflow's schedule runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Deadline {
    time: jiff::civil::Time,
    zone: TimeZone,
    text: String,
}

impl Deadline {
    /// `06:00` (UTC) or `06:00 Europe/Paris`.
    ///
    /// # Errors
    /// A time or a zone that does not read.
    pub fn parse(text: &str) -> Result<Self, InvalidExpectation> {
        let invalid = || InvalidExpectation {
            text: text.chars().take(60).collect(),
            what: "a time of day and a zone such as 06:00 Europe/Paris",
        };
        let mut words = text.split_whitespace();
        let time: jiff::civil::Time = words
            .next()
            .ok_or_else(invalid)?
            .parse()
            .map_err(|_| invalid())?;
        let zone = match (words.next(), words.next()) {
            (None, _) => TimeZone::UTC,
            (Some(name), None) => TimeZone::get(name).map_err(|_| invalid())?,
            _ => return Err(invalid()),
        };
        Ok(Self {
            time,
            zone,
            text: text.trim().to_owned(),
        })
    }

    /// The deadline of `date`'s day (in its zone).
    fn on(&self, date: jiff::civil::Date) -> Option<Timestamp> {
        let at = date.at(self.time.hour(), self.time.minute(), self.time.second(), 0);
        Some(at.to_zoned_datetime(self.zone.clone()).ok()?.timestamp())
    }

    /// The latest deadline at or before `now`, and the start of its day.
    fn latest(&self, now: Timestamp) -> Option<(Timestamp, Timestamp)> {
        let today = now.to_zoned_datetime(self.zone.clone()).date();
        for date in [Some(today), today.yesterday().ok()].into_iter().flatten() {
            let deadline = self.on(date)?;
            if deadline <= now {
                let start = date.to_zoned_datetime(self.zone.clone()).ok()?.timestamp();
                return Some((deadline, start));
            }
        }
        None
    }
}

/// A workflow's expectations, each optional.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Expectations {
    /// A success at least this often.
    pub freshness: Option<SignedDuration>,
    /// Succeeded by a time of day on the days its schedule runs.
    pub deadline: Option<Deadline>,
    /// A run at most this long.
    pub max_duration: Option<MaxDuration>,
    /// Pending at most this long.
    pub max_pending: Option<SignedDuration>,
}

impl Expectations {
    /// Whether nothing is expected.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// The names of the expectations set (`freshness`, `deadline`, `max_duration`,
    /// `max_pending`).
    pub fn names(&self) -> Vec<&'static str> {
        [
            ("freshness", self.freshness.is_some()),
            ("deadline", self.deadline.is_some()),
            ("max_duration", self.max_duration.is_some()),
            ("max_pending", self.max_pending.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, set)| set.then_some(name))
        .collect()
    }

    /// These expectations, each unset one taken from `defaults`.
    #[must_use]
    pub fn or(self, defaults: Self) -> Self {
        Self {
            freshness: self.freshness.or(defaults.freshness),
            deadline: self.deadline.or(defaults.deadline),
            max_duration: self.max_duration.or(defaults.max_duration),
            max_pending: self.max_pending.or(defaults.max_pending),
        }
    }
}

/// Why an expectation text does not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not {what}")]
pub struct InvalidExpectation {
    text: String,
    what: &'static str,
}

impl Expectations {
    /// Expectations from their texts: `freshness` and `max_pending` as spans (`6h`, `1d`,
    /// `30m`), `deadline` as a time and a zone (`06:00 Europe/Paris`), `max_duration` as a span or
    /// a multiple of p95 (`3x p95`).
    ///
    /// # Errors
    /// The first text that does not read.
    pub fn parse(
        freshness: Option<&str>,
        deadline: Option<&str>,
        max_duration: Option<&str>,
        max_pending: Option<&str>,
    ) -> Result<Self, InvalidExpectation> {
        Ok(Self {
            freshness: freshness.map(span).transpose()?,
            deadline: deadline.map(Deadline::parse).transpose()?,
            max_duration: max_duration.map(duration_limit).transpose()?,
            max_pending: max_pending.map(span).transpose()?,
        })
    }
}

/// A span such as `6h`, `1d` or `30m` (days of 24 hours), positive.
fn span(text: &str) -> Result<SignedDuration, InvalidExpectation> {
    let invalid = || InvalidExpectation {
        text: text.chars().take(60).collect(),
        what: "a positive span such as 30m, 6h or 1d",
    };
    let span: jiff::Span = text.trim().parse().map_err(|_| invalid())?;
    let duration = span
        .to_duration(jiff::SpanRelativeTo::days_are_24_hours())
        .map_err(|_| invalid())?;
    if duration.is_positive() {
        Ok(duration)
    } else {
        Err(invalid())
    }
}

/// `2h`, or `3x p95` (a multiple above 0 and at most [`MAX_MULTIPLE`]).
fn duration_limit(text: &str) -> Result<MaxDuration, InvalidExpectation> {
    let trimmed = text.trim();
    let Some(multiple) = trimmed.strip_suffix("p95").map(str::trim) else {
        return span(trimmed).map(MaxDuration::Absolute);
    };
    let factor: Option<f64> = multiple
        .strip_suffix('x')
        .and_then(|n| n.trim().parse().ok());
    match factor {
        Some(factor) if factor > 0.0 && factor <= MAX_MULTIPLE => Ok(MaxDuration::P95(factor)),
        _ => Err(InvalidExpectation {
            text: text.chars().take(60).collect(),
            what: "a span such as 2h or a multiple of p95 such as 3x p95 (at most 100x)",
        }),
    }
}

/// An expectation a workflow does not meet now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Breach {
    /// `late` (freshness) or `stuck` (a run over its duration or its wait).
    pub kind: &'static str,
    /// The expectation: `freshness`, `max_duration` or `max_pending`.
    pub expectation: &'static str,
    /// The run it is about (for `stuck`).
    pub run: Option<String>,
    /// Since when it has not been met.
    pub since: Timestamp,
    /// What was found, in a sentence.
    pub detail: String,
}

impl Breach {
    /// A breach of `expectation`, its kind the one that expectation's breaches are named by.
    fn new(
        expectation: &'static str,
        run: Option<String>,
        since: Timestamp,
        detail: String,
    ) -> Self {
        Self {
            kind: kind_of(expectation),
            expectation,
            run,
            since,
            detail,
        }
    }
}

/// What a breach of `expectation` is called: `late` (freshness), `overdue` (deadline), `stuck`
/// (max_duration, max_pending).
pub fn kind_of(expectation: &str) -> &'static str {
    match expectation {
        "freshness" => "late",
        "deadline" => "overdue",
        _ => "stuck",
    }
}

/// When the latest succeeded run of `runs` ended (or started, when it has no end).
pub fn last_success(runs: &[RunSpan]) -> Option<Timestamp> {
    runs.iter()
        .filter(|run| run.status == RunState::Succeeded)
        .map(|run| run.finished.unwrap_or(run.started))
        .max()
}

/// The breaches of `expectations` by a workflow whose runs in the window are `runs` and whose
/// schedule is `schedule`, at `now`: no success since `freshness` before `now` (a workflow never
/// seen succeeding in the window is late from the window's start, `window_start`); no success
/// between the first due time of the latest deadline's day and that deadline; each active run
/// longer than its limit.
pub fn breaches(
    expectations: &Expectations,
    runs: &[RunSpan],
    schedule: Option<&CronSchedule>,
    window_start: Timestamp,
    now: Timestamp,
) -> Vec<Breach> {
    let mut found = Vec::new();
    if let (Some(deadline), Some(schedule)) = (&expectations.deadline, schedule) {
        found.extend(overdue(deadline, schedule, runs, now));
    }
    if let Some(freshness) = expectations.freshness {
        let last_success = last_success(runs);
        let due = last_success
            .unwrap_or(window_start)
            .saturating_add(freshness);
        if let Ok(due) = due
            && due < now
        {
            let since = match last_success {
                Some(at) => format!(
                    "the last success finished {}",
                    at.strftime("%Y-%m-%dT%H:%M:%SZ")
                ),
                None => "no success in the window".to_owned(),
            };
            let detail = format!("no success for longer than {}: {since}", human(freshness));
            found.push(Breach::new("freshness", None, due, detail));
        }
    }
    let limit = expectations.max_duration.and_then(|limit| match limit {
        MaxDuration::Absolute(limit) => Some(limit),
        MaxDuration::P95(factor) => p95(runs).map(|p95| p95.mul_f64(factor)),
    });
    for run in runs {
        found.extend(stuck(run, limit, expectations.max_pending, now));
    }
    found
}

/// An `overdue` breach: the latest deadline passed on a day the schedule ran before it, with no
/// success finished between that day's first due time and the deadline.
fn overdue(
    deadline: &Deadline,
    schedule: &CronSchedule,
    runs: &[RunSpan],
    now: Timestamp,
) -> Option<Breach> {
    let (at, day_start) = deadline.latest(now)?;
    let before = day_start.checked_sub(SignedDuration::from_secs(1)).ok()?;
    let first_due = *schedule.due_between(before, at, 1).first()?;
    let met = runs.iter().any(|run| {
        run.status == RunState::Succeeded
            && run
                .finished
                .is_some_and(|finished| first_due <= finished && finished <= at)
    });
    let detail = || format!("not succeeded by {}", deadline.text);
    (!met).then(|| Breach::new("deadline", None, at, detail()))
}

/// What `expectations` ask that `schedule` can never give, from `now` on (one week looked at):
/// a deadline before every day's first due time, a freshness shorter than the longest gap
/// between two due times.
pub fn problems(
    expectations: &Expectations,
    schedule: &CronSchedule,
    now: Timestamp,
) -> Vec<String> {
    let week = now
        .checked_add(SignedDuration::from_hours(24 * 8))
        .unwrap_or(now);
    let dues = schedule.due_between(now, week, 10_000);
    let mut found = Vec::new();
    if let Some(deadline) = &expectations.deadline {
        let meetable = dues.iter().any(|due| {
            let date = due.to_zoned_datetime(deadline.zone.clone()).date();
            deadline.on(date).is_some_and(|at| *due <= at)
        });
        if !meetable && !dues.is_empty() {
            found.push(format!(
                "deadline {}: the schedule never runs before it on any day, so it can never be met",
                deadline.text
            ));
        }
    }
    if let Some(freshness) = expectations.freshness {
        let gap = dues
            .windows(2)
            .filter_map(|pair| match pair {
                [a, b] => Some(b.duration_since(*a)),
                _ => None,
            })
            .max();
        if let Some(gap) = gap.filter(|gap| *gap > freshness) {
            found.push(format!(
                "freshness {}: the schedule goes {} between two runs, so it would be late between them",
                human(freshness),
                human(gap)
            ));
        }
    }
    found
}

/// A `stuck` breach of an active run: running longer than `limit`, or pending longer than
/// `max_pending` (from its start, or when it has none, never).
fn stuck(
    run: &RunSpan,
    limit: Option<SignedDuration>,
    max_pending: Option<SignedDuration>,
    now: Timestamp,
) -> Option<Breach> {
    let (expectation, state, limit) = match run.status {
        RunState::Running => ("max_duration", "running", limit?),
        RunState::Pending => ("max_pending", "pending", max_pending?),
        _ => return None,
    };
    let since = run.started.checked_add(limit).ok()?;
    let detail = || format!("{} {state} for longer than {}", run.run, human(limit));
    (since < now).then(|| Breach::new(expectation, Some(run.run.clone()), since, detail()))
}

/// The nearest-rank p95 of the durations of the succeeded runs (at least [`MIN_RUNS_FOR_P95`]).
fn p95(runs: &[RunSpan]) -> Option<SignedDuration> {
    let mut durations: BTreeMap<u64, u64> = BTreeMap::new();
    let mut count = 0;
    for seconds in runs
        .iter()
        .filter(|run| run.status == RunState::Succeeded)
        .filter_map(|run| crate::view::seconds_between(run.started, run.finished?))
    {
        *durations.entry(seconds).or_default() += 1;
        count += 1;
    }
    if count < MIN_RUNS_FOR_P95 {
        return None;
    }
    let seconds = crate::stats::percentile(&durations, count, 95)?;
    Some(SignedDuration::from_secs(i64::try_from(seconds).ok()?))
}

fn human(duration: SignedDuration) -> String {
    let duration = std::time::Duration::try_from(duration).unwrap_or_default();
    atlan_workflows::human_duration(duration)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn run(name: &str, status: RunState, started: &str, minutes: Option<i64>) -> RunSpan {
        let finished = minutes.map(|m| {
            at(started)
                .checked_add(SignedDuration::from_mins(m))
                .unwrap()
        });
        RunSpan::new(name, at(started), finished, status)
    }

    #[test]
    fn expectations_read_spans_and_multiples_of_p95() {
        let read = Expectations::parse(Some("6h"), None, Some("3x p95"), Some("30m")).unwrap();
        assert_eq!(read.freshness, Some(SignedDuration::from_hours(6)));
        assert_eq!(read.max_duration, Some(MaxDuration::P95(3.0)));
        assert_eq!(read.max_pending, Some(SignedDuration::from_mins(30)));
        let absolute = Expectations::parse(None, None, Some("2h"), None).unwrap();
        assert_eq!(
            absolute.max_duration,
            Some(MaxDuration::Absolute(SignedDuration::from_hours(2)))
        );
        for bad in ["0s", "-1h", "soon", "0x p95", "1000x p95", "x p95"] {
            assert!(
                Expectations::parse(None, None, Some(bad), None).is_err(),
                "{bad}"
            );
        }
        assert!(Expectations::parse(Some("yesterday"), None, None, None).is_err());
    }

    #[test]
    fn a_workflow_without_a_success_for_longer_than_its_freshness_is_late() {
        let runs = [
            run("r1", RunState::Succeeded, "2026-12-07T00:00:00Z", Some(30)),
            run("r2", RunState::Failed, "2026-12-07T06:00:00Z", Some(5)),
        ];
        let expect = Expectations::parse(Some("6h"), None, None, None).unwrap();
        let start = at("2026-12-01T00:00:00Z");
        assert_eq!(
            breaches(&expect, &runs, None, start, at("2026-12-07T06:29:00Z")),
            []
        );
        let late = breaches(&expect, &runs, None, start, at("2026-12-07T06:31:00Z"));
        assert_eq!(late.len(), 1);
        assert_eq!(
            (late[0].kind, late[0].since),
            ("late", at("2026-12-07T06:30:00Z"))
        );
        assert!(
            late[0].detail.contains("2026-12-07T00:30:00Z"),
            "{}",
            late[0].detail
        );
        // Never a success in the window: late from the window's start.
        let never = breaches(&expect, &runs[1..], None, start, at("2026-12-07T06:31:00Z"));
        assert_eq!(never[0].since, at("2026-12-01T06:00:00Z"));
    }

    #[test]
    fn a_run_longer_than_its_limit_or_pending_too_long_is_stuck() {
        let mut runs: Vec<RunSpan> = (0..4)
            .map(|day| {
                run(
                    &format!("s{day}"),
                    RunState::Succeeded,
                    &format!("2026-12-0{}T01:00:00Z", day + 1),
                    Some(20 + day),
                )
            })
            .collect();
        runs.push(run(
            "going",
            RunState::Running,
            "2026-12-07T01:00:00Z",
            None,
        ));
        runs.push(run(
            "waiting",
            RunState::Pending,
            "2026-12-07T01:50:00Z",
            None,
        ));
        let now = at("2026-12-07T02:10:00Z");
        // p95 of 20, 21, 22, 23 minutes is 23: 3x is 69 minutes, the run has gone 70.
        let expect = Expectations::parse(None, None, Some("3x p95"), Some("15m")).unwrap();
        let found = breaches(&expect, &runs, None, at("2026-12-01T00:00:00Z"), now);
        let shown: Vec<(&str, Option<&str>, Timestamp)> = found
            .iter()
            .map(|breach| (breach.expectation, breach.run.as_deref(), breach.since))
            .collect();
        assert_eq!(
            shown,
            [
                ("max_duration", Some("going"), at("2026-12-07T02:09:00Z")),
                ("max_pending", Some("waiting"), at("2026-12-07T02:05:00Z")),
            ]
        );
        // Too few successes for a p95: no limit by it.
        let few = breaches(&expect, &runs[3..], None, at("2026-12-01T00:00:00Z"), now);
        assert_eq!(few.len(), 1, "only the pending one: {few:?}");
    }

    fn with_deadline(text: &str) -> Expectations {
        Expectations::parse(None, Some(text), None, None).unwrap()
    }

    #[test]
    fn a_deadline_passed_without_a_success_on_a_day_the_schedule_ran_is_overdue() {
        // 02:00 in Paris (01:00 UTC in winter), weekdays only; succeeded by 06:00 Paris.
        let nightly = CronSchedule::parse("0 2 * * 1-5", "Europe/Paris").unwrap();
        let expect = with_deadline("06:00 Europe/Paris");
        let start = at("2026-11-30T00:00:00Z");
        // Monday 2026-12-07: the run failed; 05:00 UTC is the deadline.
        let failed = [run("f", RunState::Failed, "2026-12-07T01:00:00Z", Some(30))];
        assert_eq!(
            breaches(
                &expect,
                &failed,
                Some(&nightly),
                start,
                at("2026-12-07T04:59:00Z")
            ),
            [],
            "not yet"
        );
        let found = breaches(
            &expect,
            &failed,
            Some(&nightly),
            start,
            at("2026-12-07T05:01:00Z"),
        );
        assert_eq!(
            (found[0].kind, found[0].since),
            ("overdue", at("2026-12-07T05:00:00Z"))
        );
        assert_eq!(found[0].detail, "not succeeded by 06:00 Europe/Paris");
        let succeeded = [run(
            "s",
            RunState::Succeeded,
            "2026-12-07T01:00:00Z",
            Some(30),
        )];
        assert_eq!(
            breaches(
                &expect,
                &succeeded,
                Some(&nightly),
                start,
                at("2026-12-07T05:01:00Z")
            ),
            []
        );
        // Sunday 2026-12-06: the schedule does not run, nothing is due.
        assert_eq!(
            breaches(
                &expect,
                &[],
                Some(&nightly),
                start,
                at("2026-12-06T12:00:00Z")
            ),
            []
        );
        assert!(
            Deadline::parse("6 o'clock").is_err() && Deadline::parse("06:00 Mars/Olympus").is_err()
        );
    }

    #[test]
    fn expectations_a_schedule_can_never_meet_are_problems() {
        let nightly = CronSchedule::parse("0 2 * * *", "UTC").unwrap();
        let now = at("2026-12-07T12:00:00Z");
        assert_eq!(
            problems(&with_deadline("06:00"), &nightly, now),
            Vec::<String>::new()
        );
        let early = problems(&with_deadline("01:00"), &nightly, now);
        assert!(early[0].contains("can never be met"), "{early:?}");
        let mut fresh = Expectations::parse(Some("6h"), None, None, None).unwrap();
        let too_fresh = problems(&fresh, &nightly, now);
        assert!(
            too_fresh[0].starts_with("freshness 6h: the schedule goes 1d"),
            "{too_fresh:?}"
        );
        fresh = Expectations::parse(Some("26h"), None, None, None).unwrap();
        assert_eq!(problems(&fresh, &nightly, now), Vec::<String>::new());
    }
}
