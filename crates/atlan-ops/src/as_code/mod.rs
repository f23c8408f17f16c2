//! Workflows as code: each workflow of a tenant as a YAML file ([`document`]), read back with its
//! variables substituted and checked ([`load`]), compared with the tenant ([`diff`]: what a plan
//! would change), and written from the tenant ([`export`]).

pub mod credentials;
pub mod diff;
pub mod document;
pub mod export;
pub mod load;

pub use credentials::CredentialNames;
pub use diff::{Action, Change};
pub use document::{API_VERSION, AppSpec, Document, LegacySpec, ScheduleSpec};
pub use load::{Problem, Variables};
