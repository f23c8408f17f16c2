//! A run of either API as the tenant answered it: the legacy search hit (an Argo Workflow), the
//! app run's asset, or (for an app run the asset search does not show yet) the run's own status
//! answer. One type, so that the commands that find runs of both APIs hold each as it came (for
//! its JSON) and see it as a [`RunView`] (for its row).

use atlan_workflows::model::{AppRunResponse, AppWorkflowRunAttributes, WorkflowSearchResult};
use jiff::Timestamp;

use crate::view::{self, Api, RunView};

/// A run of either API, as the tenant answered it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum FoundRun {
    /// A legacy run: its search hit.
    Legacy(Box<WorkflowSearchResult>),
    /// An app run: its `AppWorkflowRun` asset.
    App(Box<AppWorkflowRunAttributes>),
    /// An app run the asset search does not show yet: `GET v1/app/runs/{id}`'s answer.
    AppAnswer(Box<AppRunResponse>),
}

impl FoundRun {
    /// The API it is a run of.
    pub fn api(&self) -> Api {
        match self {
            Self::Legacy(_) => Api::Legacy,
            Self::App(_) | Self::AppAnswer(_) => Api::Apps,
        }
    }

    /// Its run view.
    pub fn view(&self) -> RunView {
        match self {
            Self::Legacy(hit) => view::legacy::view(hit),
            Self::App(run) => view::apps::view(run),
            Self::AppAnswer(answer) => view::apps::view_of_answer(answer),
        }
    }

    /// What each API's run search sorts on, newest first: a legacy run's creation, an app run's
    /// start; `None` for a run not started (listed first, as both searches do).
    pub fn sort_time(&self) -> Option<Timestamp> {
        match self {
            Self::Legacy(hit) => {
                view::legacy::time(hit.source.metadata.creation_timestamp.as_deref())
            }
            Self::App(run) => run
                .started_at
                .and_then(|at| Timestamp::from_millisecond(at).ok()),
            Self::AppAnswer(answer) => answer.started_at.as_deref().and_then(|at| at.parse().ok()),
        }
    }

    /// Whether `self` goes before `other` in a listing of both APIs, newest first (a run not
    /// started before every started one).
    pub fn is_newer_than(&self, other: &Self) -> bool {
        newer(self.sort_time(), other.sort_time())
    }
}

/// Whether a run whose [`FoundRun::sort_time`] is `time` goes before one whose is `other`.
pub(crate) fn newer(time: Option<Timestamp>, other: Option<Timestamp>) -> bool {
    match (time, other) {
        (None, Some(_)) => true,
        (Some(_), None) | (None, None) => false,
        (Some(mine), Some(theirs)) => mine > theirs,
    }
}

impl From<WorkflowSearchResult> for FoundRun {
    fn from(hit: WorkflowSearchResult) -> Self {
        Self::Legacy(Box::new(hit))
    }
}

impl From<AppWorkflowRunAttributes> for FoundRun {
    fn from(run: AppWorkflowRunAttributes) -> Self {
        Self::App(Box::new(run))
    }
}

impl From<AppRunResponse> for FoundRun {
    fn from(answer: AppRunResponse) -> Self {
        Self::AppAnswer(Box::new(answer))
    }
}

#[cfg(test)]
mod tests {
    use atlan_workflows::model::decode_value;
    use serde_json::json;

    use super::*;

    fn legacy(created: &str) -> FoundRun {
        let hit: WorkflowSearchResult = decode_value(json!({
            "_id": "atlan-snowflake-1-abcde",
            "_source": {"metadata": {"name": "atlan-snowflake-1-abcde",
                                     "creationTimestamp": created},
                        "spec": {}, "status": {"phase": "Failed"}}
        }))
        .unwrap();
        hit.into()
    }

    fn app(started: Option<i64>) -> FoundRun {
        let run: AppWorkflowRunAttributes = decode_value(json!({
            "name": "0199",
            "appWorkflowRunStatus": "Running",
            "appWorkflowRunStartedAt": started,
        }))
        .unwrap();
        run.into()
    }

    #[test]
    fn runs_of_both_apis_order_newest_first_with_the_unstarted_first() {
        // 2026-12-01T12:00:00Z and one second later.
        let (noon, later) = (1_796_126_400_000_i64, 1_796_126_401_000_i64);
        let legacy_noon = legacy("2026-12-01T12:00:00Z");
        assert!(app(Some(later)).is_newer_than(&legacy_noon));
        assert!(
            !app(Some(noon)).is_newer_than(&legacy_noon),
            "a tie is not newer"
        );
        assert!(legacy_noon.is_newer_than(&app(Some(noon - 1))));
        assert!(app(None).is_newer_than(&legacy_noon));
        assert!(!legacy_noon.is_newer_than(&app(None)));
        assert_eq!(legacy_noon.api(), Api::Legacy);
        assert_eq!(app(None).view().api, Api::Apps);
        assert_eq!(legacy_noon.view().status, crate::RunState::Failed);
    }
}
