//! MDE's wire wording for errors: the 400 response body, its message prefix, and the stock ASP.NET Core
//! OData texts MDE answers for the errors of a query string's options. The library's own messages are
//! made from the same data ([`Reason`]) in the library's words; only here are they worded as MDE does.

use std::borrow::Cow;

use crate::error::{Error, Errors, Reason};

/// The prefix MDE puts before the messages of an invalid query.
const INVALID_QUERY_PREFIX: &str = "The query specified in the URI is not valid.";

/// The message MDE gives for this error: ASP.NET Core OData's stock text for the errors that have one
/// (an unknown or repeated option, `$top` above the cap, an option not supported or not allowed, an
/// unknown property), the error's own [`Error::message`] for the others.
///
/// ```
/// use odata_filter::{mde::{machine_actions, wire_message}, query::Query};
/// let err = Query::from_query_string("$top=20000", machine_actions()).unwrap_err();
/// assert_eq!(err.as_slice()[0].message(), "$top is 20000; the entity set returns at most 10000 records per request");
/// assert_eq!(
///     wire_message(&err.as_slice()[0]),
///     "The limit of '10000' for Top query has been exceeded. The value from the incoming request is '20000'."
/// );
/// ```
pub fn wire_message(error: &Error) -> Cow<'_, str> {
    let hint = |s: &Option<String>| {
        s.as_deref()
            .map(crate::suggest::did_you_mean)
            .unwrap_or_default()
    };
    let text = match error.reason() {
        Some(Reason::UnknownOption { option, suggestion }) => format!(
            "Custom query option '{option}' that starts with '$' is not supported.{}",
            hint(suggestion)
        ),
        Some(Reason::DuplicateOption { option }) => format!(
            "The query option '{option}' was specified more than once, but it must be specified at most once."
        ),
        Some(Reason::TopAboveCap { cap, top }) => format!(
            "The limit of '{cap}' for Top query has been exceeded. The value from the incoming request is '{top}'."
        ),
        Some(Reason::OptionNotSupported { option, entity_set }) => format!(
            "The query option '{option}' is not supported by the entity set '{entity_set}'."
        ),
        Some(Reason::OptionNotAllowed { option, .. }) => format!(
            "Query option '{}' is not allowed. To allow it, set the 'AllowedQueryOptions' property on EnableQueryAttribute or QueryValidationSettings.",
            allowed_query_option(option)
        ),
        Some(Reason::UnknownProperty {
            property,
            type_name,
            suggestion,
        }) => format!(
            "Could not find a property named '{property}' on type '{type_name}'.{}",
            hint(suggestion)
        ),
        _ => return Cow::Borrowed(error.message()),
    };
    Cow::Owned(text)
}

/// ASP.NET Core OData's name of a query option in its `AllowedQueryOptions` flags: `$skiptoken` is
/// `SkipToken`.
fn allowed_query_option(option: &str) -> String {
    let bare = option.strip_prefix('$').unwrap_or(option);
    match bare {
        "skiptoken" => "SkipToken".to_string(),
        "orderby" => "OrderBy".to_string(),
        _ => {
            let mut chars = bare.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }
    }
}

/// The same errors worded as MDE words them ([`wire_message`]), for a rendering that shows what the
/// service would answer (the command line's `check`).
pub fn wire_errors(errors: &Errors) -> Errors {
    Errors::new(
        errors
            .iter()
            .map(|e| match wire_message(e) {
                Cow::Borrowed(_) => e.clone(),
                Cow::Owned(text) => e.clone().with_message(text),
            })
            .collect(),
    )
}

/// MDE's 400 response body for these errors:
/// `{"error":{"code":"ODataError","message":"The query specified in the URI is not valid. …"}}`, the
/// messages of all errors ([`wire_message`]) joined by spaces; `target` (MDE puts a correlation id
/// there) is added when given.
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
    let messages: Vec<Cow<'_, str>> = errors.iter().map(wire_message).collect();
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
