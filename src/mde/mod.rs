//! Microsoft Defender for Endpoint: what is particular to the service.

mod errors;

pub use errors::{error_body, INVALID_QUERY_PREFIX};
