//! Bulk repair, safely: the pieces of `atlanctl runs rerun --failed` and of suspending and
//! resuming schedules in bulk. [`journal`] records every decision before its request and every
//! outcome after, so that an interrupted batch resumes without a duplicate.

pub mod journal;

pub use journal::{Header, Journal, JournalError, Outcome, Progress, Record};
