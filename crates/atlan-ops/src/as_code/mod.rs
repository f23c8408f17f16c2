//! Workflows as code: each workflow of a tenant as a YAML file ([`document`]), read back with its
//! variables substituted and checked ([`load`]), compared with the tenant ([`diff`]: what a plan
//! would change, [`plan`] with the tenant's state read by [`tenant`]), and written from the
//! tenant ([`export`]).

pub mod apply;
pub mod credentials;
pub mod diff;
pub mod document;
pub mod drift;
pub mod export;
pub mod files;
pub mod legacy;
pub mod load;
pub mod plan;
pub mod schema;
pub mod tenant;

pub use credentials::CredentialNames;
pub use diff::{Action, Change};
pub use document::{API_VERSION, AppSpec, Document, LegacySpec, ScheduleSpec};
pub use load::{Problem, Variables};
pub use plan::{Planned, Prune};
pub use tenant::Tenant;
