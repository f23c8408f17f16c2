//! Who the API key belongs to.

use crate::request::ApiRequest;

/// `GET whoami`: the user of the API key, with its roles.
pub fn whoami() -> ApiRequest {
    ApiRequest::get("identity.whoami", &["whoami"])
}
