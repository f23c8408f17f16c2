//! Off the retired API: legacy workflows planned as app workflows. [`pairs`] says which app takes
//! over a legacy package; [`mapping`] turns a legacy workflow's parameters into the app's inputs,
//! checked against the app's input contract, with where each input comes from and why each
//! parameter left out is left out.

pub mod batch;
pub mod mapping;
pub mod pairs;
pub mod tenant;

pub use batch::{ApplyOptions, MigrateReport, execute};
pub use mapping::{
    MigrationPlan, MigrationStatus, RENAMES, Unmapped, VALUE_RENAMES, map_workflow, package_of,
    target_of,
};
pub use pairs::{AppTarget, PAIRS, app_for};

pub use tenant::{
    Applied, Planned, Verification, apply, archive_legacy, differences, preview_apply, select,
    verify,
};
