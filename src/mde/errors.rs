//! MDE's wire wording for errors: the 400 response body and its message prefix. Messages themselves are
//! the errors' ([`Error::message`](crate::Error::message)); only the envelope is MDE's.

use crate::error::Errors;

/// The prefix MDE puts before the messages of an invalid query.
pub const INVALID_QUERY_PREFIX: &str = "The query specified in the URI is not valid.";

/// MDE's 400 response body for these errors:
/// `{"error":{"code":"ODataError","message":"The query specified in the URI is not valid. …"}}`, the
/// messages of all errors joined by spaces; `target` (MDE puts a correlation id there) is added when
/// given.
///
/// ```
/// use odata_filter::{mde::error_body, query::Query};
/// let err = Query::from_query_string("$stop=2", odata_filter::mde::machine_actions()).unwrap_err();
/// assert_eq!(
///     error_body(&err, None),
///     r#"{"error":{"code":"ODataError","message":"The query specified in the URI is not valid. Custom query option '$stop' that starts with '$' is not supported. Did you mean '$top'?"}}"#
/// );
/// ```
pub fn error_body(errors: &Errors, target: Option<&str>) -> String {
    let messages: Vec<&str> = errors.as_slice().iter().map(|e| e.message()).collect();
    let message = format!("{INVALID_QUERY_PREFIX} {}", messages.join(" "));
    let mut error = serde_json::Map::new();
    error.insert("code".into(), "ODataError".into());
    error.insert("message".into(), message.into());
    if let Some(t) = target {
        error.insert("target".into(), t.into());
    }
    let mut body = serde_json::Map::new();
    body.insert("error".into(), serde_json::Value::Object(error));
    serde_json::Value::Object(body).to_string()
}
