//! Bulk repair, safely: the pieces of `atlanctl runs rerun --failed` and of suspending and
//! resuming schedules in bulk. [`plan`] says which workflows and in which order (a pure function
//! of the window's figures); [`journal`] records every decision before its request and every
//! outcome after, so that an interrupted batch resumes without a duplicate; [`rerun`] carries a
//! plan out with a journal; [`acting`] carries out the decisions of a watch's policies the same way.

pub mod acting;
pub mod journal;
pub mod plan;
pub mod rerun;
pub mod schedules;
pub mod step;

pub use journal::{Header, Journal, JournalError, Outcome, Progress, Record};
pub use plan::{Order, Plan, Target};
pub use rerun::{
    Executed, Pace, Report, WaveWait, execute, maybe_sent, preview_reruns, rerun_unless_active,
};
pub use schedules::{
    ScheduleAction, SchedulePlan, ScheduleReport, ScheduleTarget, change, execute_schedules,
    preview_schedules, select,
};
pub use step::{Entry, Interrupted, RESUMED, Step};
