//! [`Users`]: the tenant's users, as far as workflows need them (who is disabled).

use atlan_model::{User, UserList};
use serde_json::json;

use crate::client::AtlanClient;
use crate::error::Result;
use crate::requests::users as requests;

/// How many users one page asks for.
const PAGE: u64 = 100;
/// The most users read in one call (a tenant with more disabled users than this is cut there).
pub const MAX_USERS: usize = 10_000;

/// User operations; from [`AtlanClient::users`].
#[derive(Debug, Clone)]
pub struct Users {
    client: AtlanClient,
}

impl Users {
    pub(crate) fn new(client: AtlanClient) -> Self {
        Self { client }
    }

    /// Every disabled user (`{"enabled": false}`), page by page, at most [`MAX_USERS`]: one call
    /// tells the owners of every workflow apart, whatever the number of workflows.
    ///
    /// # Errors
    /// As [`AtlanClient::execute`].
    pub async fn disabled(&self) -> Result<Vec<User>> {
        let filter = json!({"enabled": false});
        let mut users = Vec::new();
        let mut offset = 0;
        while users.len() < MAX_USERS {
            let page: UserList = self
                .client
                .execute_json(&requests::list(Some(&filter), PAGE, offset))
                .await?;
            let count = page.records.len();
            users.extend(page.records.into_iter().filter(User::is_disabled));
            let total = page.filter_record.unwrap_or(0);
            offset += PAGE;
            // An empty or short page ends it, as does reaching the count the server gave.
            if count < usize::try_from(PAGE).unwrap_or(usize::MAX) || offset >= total {
                break;
            }
        }
        users.truncate(MAX_USERS);
        Ok(users)
    }
}
