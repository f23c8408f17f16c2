//! [`Index`]: which of the two searchable indexes of the workflow API a search goes to.

use std::fmt;

/// An index of the Atlan workflow API: every read is a search POSTed to
/// `/api/service/{index}/indexsearch`.
///
/// ```
/// use atlan_query::Index;
///
/// assert_eq!(Index::Runs.segment(), "runs");
/// assert_eq!(Index::Workflows.elasticsearch_name(), "argo-workflow-templates");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Index {
    /// `workflows/indexsearch`: the workflows (Argo `WorkflowTemplate` documents).
    Workflows,
    /// `runs/indexsearch`: the runs (Argo `Workflow` documents).
    Runs,
}

impl Index {
    /// Both indexes.
    pub const ALL: [Self; 2] = [Self::Workflows, Self::Runs];

    /// The path segment before `/indexsearch`: `workflows` or `runs`.
    pub fn segment(self) -> &'static str {
        match self {
            Self::Workflows => "workflows",
            Self::Runs => "runs",
        }
    }

    /// The Elasticsearch index behind it, as search hits name it in `_index`.
    pub fn elasticsearch_name(self) -> &'static str {
        match self {
            Self::Workflows => "argo-workflow-templates",
            Self::Runs => "argo-workflows",
        }
    }
}

impl fmt::Display for Index {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.segment())
    }
}
