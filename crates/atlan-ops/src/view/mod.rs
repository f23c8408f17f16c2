//! The run view: one shape that a legacy run and an app run both map into, so that every figure
//! and check is written once. [`legacy`] and [`apps`] hold the two mappings.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

pub mod apps;
pub mod legacy;

/// Which API a run or workflow belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Api {
    /// The legacy (Argo) workflow API.
    Legacy,
    /// The App workflows API.
    Apps,
}

impl Api {
    /// `legacy` or `apps`, as `--api` takes and JSON shows it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Legacy => "legacy",
            Self::Apps => "apps",
        }
    }
}

/// The status of a run or step, the same words for both APIs: the model's [`RunState`].
pub use atlan_workflows::model::RunState;

/// One run of either API, as far as explaining and counting need it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct RunView {
    /// The API.
    pub api: Api,
    /// The run: a legacy run's name, an app run's id.
    pub run: String,
    /// Its workflow: a legacy workflow's name, an app workflow's slug.
    pub workflow: String,
    /// Its package: a legacy package's prefix (or annotated name), an app's id.
    pub package: Option<String>,
    /// Its status.
    pub status: RunState,
    /// When it started.
    pub started: Option<Timestamp>,
    /// When it ended.
    pub finished: Option<Timestamp>,
    /// The run's own message (a legacy run's `status.message`, an app run's `error` output).
    pub message: Option<String>,
    /// Who started it (`scheduler` for a run a schedule started).
    pub started_by: Option<String>,
    /// Who stopped it (apps).
    pub stopped_by: Option<String>,
    /// Its steps, as a tree.
    pub steps: Vec<StepView>,
}

impl RunView {
    /// A run of `workflow` with nothing else known of it yet (status [`RunState::Unknown`]).
    pub fn new(api: Api, run: impl Into<String>, workflow: impl Into<String>) -> Self {
        Self {
            api,
            run: run.into(),
            workflow: workflow.into(),
            package: None,
            status: RunState::Unknown,
            started: None,
            finished: None,
            message: None,
            started_by: None,
            stopped_by: None,
            steps: Vec::new(),
        }
    }

    /// How long it took (ended runs), in whole seconds rounded down; 0 for an end before the start.
    pub fn duration_s(&self) -> Option<u64> {
        seconds_between(self.started?, self.finished?)
    }
}

/// One step of a run: a pod, a DAG or retry node (legacy), or one of an app run's steps. Its JSON
/// carries `duration_s` too.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct StepView {
    /// Its display name (`extract`, `transform(1)`).
    pub name: String,
    /// What it is: Argo's node type (`Pod`, `DAG`, `Retry`, …) or `Step` for an app step.
    pub kind: String,
    /// Its status.
    pub status: RunState,
    /// When it started.
    pub started: Option<Timestamp>,
    /// When it ended.
    pub finished: Option<Timestamp>,
    /// How many times it was retried (a retry node's attempts after the first).
    pub retries: u32,
    /// Why it is in its status.
    pub message: Option<String>,
    /// Its main container's exit code, when it exited.
    pub exit_code: Option<i32>,
    /// Where its log lives (the object store key of its main log).
    pub log_artifact: Option<String>,
    /// The steps inside it (a DAG's tasks, a retry's attempts).
    pub children: Vec<StepView>,
}

impl StepView {
    /// How long it took, in whole seconds rounded down.
    pub fn duration_s(&self) -> Option<u64> {
        seconds_between(self.started?, self.finished?)
    }
}

impl Serialize for StepView {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut step = serializer.serialize_struct("StepView", 11)?;
        step.serialize_field("name", &self.name)?;
        step.serialize_field("kind", &self.kind)?;
        step.serialize_field("status", &self.status)?;
        step.serialize_field("started", &self.started)?;
        step.serialize_field("finished", &self.finished)?;
        step.serialize_field("duration_s", &self.duration_s())?;
        step.serialize_field("retries", &self.retries)?;
        step.serialize_field("message", &self.message)?;
        step.serialize_field("exit_code", &self.exit_code)?;
        step.serialize_field("log_artifact", &self.log_artifact)?;
        step.serialize_field("children", &self.children)?;
        step.end()
    }
}

/// Whole seconds from `start` to `end`, rounded down; 0 when `end` is before `start`.
pub(crate) fn seconds_between(start: Timestamp, end: Timestamp) -> Option<u64> {
    let seconds = end.as_second().saturating_sub(start.as_second());
    let whole = if end.subsec_nanosecond() < start.subsec_nanosecond() {
        seconds.saturating_sub(1)
    } else {
        seconds
    };
    Some(u64::try_from(whole).unwrap_or(0))
}

/// The most steps a view keeps of one run, and how deep its tree goes: a run's nodes come from the
/// server, so neither their number nor their nesting is trusted.
pub const MAX_STEPS: usize = 2_000;
/// How deep a step tree goes (deeper nodes are shown at the deepest level).
pub const MAX_DEPTH: usize = 16;

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn durations_are_whole_seconds_rounded_down_and_never_negative() {
        assert_eq!(
            seconds_between(
                at("2026-12-01T00:00:00.900Z"),
                at("2026-12-01T00:00:02.100Z")
            ),
            Some(1)
        );
        assert_eq!(
            seconds_between(at("2026-12-01T00:00:02Z"), at("2026-12-01T00:00:01Z")),
            Some(0)
        );
    }

    #[test]
    fn failure_is_every_end_but_success() {
        for status in [
            RunState::Failed,
            RunState::Error,
            RunState::Stopped,
            RunState::Terminated,
            RunState::Skipped,
        ] {
            assert!(status.is_failure(), "{status:?}");
        }
        for status in [
            RunState::Succeeded,
            RunState::Pending,
            RunState::Running,
            RunState::Paused,
            RunState::Unknown,
        ] {
            assert!(!status.is_failure(), "{status:?}");
        }
    }
}
