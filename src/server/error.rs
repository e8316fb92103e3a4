//! MDE's error responses: `{"error":{"code":…,"message":…,"target":"<correlation id>"}}`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

use crate::error::Errors;

/// An error answer: status, MDE code and message; `target` is a fresh correlation id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// MDE's `code` (`Unauthorized`, `Forbidden`, `NotFound`, …).
    pub code: &'static str,
    /// MDE's `message`.
    pub message: String,
    /// `Retry-After` seconds (429 only).
    pub retry_after: Option<u64>,
    /// A body written elsewhere (the query validator's `ODataError`), used as is.
    body: Option<String>,
}

impl ApiError {
    /// An error with this status, code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after: None,
            body: None,
        }
    }

    /// 400 for an invalid query: the library's `ODataError` body ([`crate::mde::error_body`]).
    pub fn invalid_query(errors: &Errors) -> ApiError {
        let target = Uuid::new_v4().to_string();
        ApiError {
            body: Some(crate::mde::error_body(errors, Some(&target))),
            ..ApiError::new(StatusCode::BAD_REQUEST, "ODataError", "")
        }
    }

    /// 401 `Unauthorized`.
    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "Unauthorized", message)
    }

    /// 403 `Forbidden`: the application holds none of `roles`.
    pub fn forbidden(roles: &[&str]) -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "Forbidden",
            format!(
                "The application does not have any of the required application permissions ({}) to access the resource.",
                roles.join(", ")
            ),
        )
    }

    /// 404 `NotFound`.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "NotFound", message)
    }

    /// 400 `InvalidRequestBody`.
    pub fn invalid_body(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "InvalidRequestBody", message)
    }

    /// 400 `MissingRequiredParameter`.
    pub fn missing_parameter(name: &str) -> ApiError {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "MissingRequiredParameter",
            format!("{name} is missing"),
        )
    }

    /// 429 `TooManyRequests` with `Retry-After`.
    pub fn too_many_requests(retry_after: u64) -> ApiError {
        ApiError {
            retry_after: Some(retry_after),
            ..ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "TooManyRequests",
                format!("Rate limit is exceeded. Try again in {retry_after} seconds."),
            )
        }
    }

    /// 500 `InternalServerError`.
    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerError",
            message,
        )
    }

    /// The JSON body.
    pub fn body(&self) -> String {
        if let Some(b) = &self.body {
            return b.clone();
        }
        let mut error = serde_json::Map::new();
        error.insert("code".into(), self.code.into());
        error.insert("message".into(), self.message.clone().into());
        error.insert("target".into(), Uuid::new_v4().to_string().into());
        serde_json::json!({ "error": error }).to_string()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, self.body()).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        if let Some(s) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_have_code_message_and_a_guid_target() {
        let e = ApiError::too_many_requests(7);
        let v: serde_json::Value = serde_json::from_str(&e.body()).unwrap();
        assert_eq!(v["error"]["code"], "TooManyRequests");
        assert_eq!(
            v["error"]["message"],
            "Rate limit is exceeded. Try again in 7 seconds."
        );
        assert!(Uuid::try_parse(v["error"]["target"].as_str().unwrap()).is_ok());
        let keys: Vec<&String> = v["error"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["code", "message", "target"]);
        let r = e.into_response();
        assert_eq!(r.headers()[header::RETRY_AFTER], "7");
    }
}
