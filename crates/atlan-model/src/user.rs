//! Users of a tenant (`GET /api/service/users`): who owns a workflow and whether they may still
//! run it.

use serde_json::Value;

use crate::wire::wire_object;

wire_object! {
    /// A user of the tenant.
    pub struct User {
        /// The user's id.
        opt "id" id: String,
        /// The login name (what a workflow's creator label holds).
        opt "username" username: String,
        /// E-mail address.
        opt "email" email: String,
        /// Given name.
        opt "firstName" first_name: String,
        /// Family name.
        opt "lastName" last_name: String,
        /// Whether the user may sign in; a disabled owner's workflows fail when they publish.
        opt "enabled" enabled: bool,
        /// Roles, kept as sent.
        opt "roles" roles: Value,
    }
}

impl User {
    /// Whether the user is disabled (`enabled: false`; a user the answer says nothing of is not).
    pub fn is_disabled(&self) -> bool {
        self.enabled == Some(false)
    }
}

wire_object! {
    /// A page of users: `{"totalRecord": …, "filterRecord": …, "records": [...]}`.
    pub struct UserList {
        /// Users on the tenant.
        opt "totalRecord" total_record: u64,
        /// Users that match the filter.
        opt "filterRecord" filter_record: u64,
        /// This page (`null` or absent reads as none).
        list "records" records: Vec<User>,
    }
}
