//! The tenant's users.

use serde_json::Value;

use crate::request::ApiRequest;

/// `GET users?filter=&limit=&offset=`: a filter is a JSON object in Atlan's filter language, such
/// as `{"enabled": false}` or `{"username": {"$eq": "jane.doe"}}`.
pub fn list(filter: Option<&Value>, limit: u64, offset: u64) -> ApiRequest {
    let mut request = ApiRequest::get("users.list", &["users"]);
    if let Some(filter) = filter {
        request = request.query("filter", filter.to_string());
    }
    request
        .query("limit", limit.to_string())
        .query("offset", offset.to_string())
}
