//! Every Atlan workflow and run search as a pure function, over a typed Elasticsearch query DSL.
//!
//! Every read of the Atlan workflow API is an Elasticsearch-style body POSTed to
//! `workflows/indexsearch` or `runs/indexsearch`. This crate builds those bodies as values:
//!
//! - [`Query`], [`Search`] and [`Sort`]: the DSL, serialized to exactly the wire JSON;
//! - [`workflows`]: one constructor per Atlan search (`find_by_id`, `find_by_type`, `find_run_by_id`,
//!   `runs_by_phase`, `runs_by_status_and_time`, `latest_run`, `current_run`, `schedule_query`), each
//!   validating its input;
//! - [`DateMath`]: Elasticsearch date math (`now-6h`, `now-1d/d`), and [`TimeBound`], a bound of a
//!   search's time range checked once where it is read and carried as it is to the wire;
//! - with the `eval` feature, [`Search::execute`](eval) evaluates a search over JSON documents with
//!   Elasticsearch semantics (this is how `atlan-sandbox` serves searches).
//!
//! No IO: no async runtime, no HTTP, no file access (dates are computed without a time zone
//! database).
//!
//! ```
//! use atlan_model::WorkflowPhase;
//! use atlan_query::workflows::{self, TimeBounds};
//!
//! let search = workflows::runs_by_status_and_time(
//!     &[WorkflowPhase::Succeeded, WorkflowPhase::Failed],
//!     &TimeBounds::since("now-6h".parse()?),
//!     &TimeBounds::since("now-1h".parse()?),
//!     0,
//!     100,
//! )?;
//! let body = serde_json::to_string(&search)?; // POST /api/service/runs/indexsearch
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod apps;
mod bound;
mod datemath;
mod index;
mod query;
mod search;
pub mod workflows;

#[cfg(feature = "eval")]
pub mod eval;

pub use bound::{IntoTimeBound, TimeBound};
pub use datemath::{DateMath, DateMathError, Rounding, parse_date, parse_time_zone};
pub use index::Index;
pub use query::{
    BoolQuery, ExistsQuery, MatchAllQuery, MinimumShouldMatch, NestedQuery, PrefixQuery, Query,
    RangeQuery, RegexpQuery, TermQuery, TermsQuery, WildcardQuery,
};
pub use search::{MAX_RESULT_WINDOW, Search, Sort, SortOrder, TrackTotalHits};

/// Re-exported: the instant type of [`DateMath::resolve`] and the evaluator's clock.
pub use jiff::Timestamp;
