//! A client of the Defender for Endpoint machine APIs (feature `client`): client-credentials
//! tokens, builder-made queries, `@odata.nextLink` paging as an iterator, 429 `Retry-After` with
//! bounded retries, and MDE's error bodies as typed errors.
//!
//! The client is blocking (reqwest's blocking client, rustls): paging is an [`Iterator`], callers
//! need no async runtime, and a program that has one runs it on a blocking thread
//! (`tokio::task::spawn_blocking`); it must not be called from inside an async task.
//!
//! ```no_run
//! use odata_filter::mde::handles::machine_actions as ma;
//! use odata_filter::client::Client;
//! use odata_filter::mde::MachineActionStatus;
//!
//! let client = Client::builder("https://api.security.microsoft.com")
//!     .tenant("contoso.onmicrosoft.com")
//!     .credentials("client-id", "client-secret")
//!     .build()
//!     .unwrap();
//! let query = ma::status().eq(MachineActionStatus::Pending).query().unwrap();
//! for action in client.machine_actions(&query) {
//!     let action = action.unwrap();
//!     println!("{} {}", action.id, action.action_type);
//! }
//! ```
//!
//! Against the emulator (`odata-filter serve`), point both URLs at it:
//! `Client::builder("http://127.0.0.1:8080").token_url("http://127.0.0.1:8080/contoso/oauth2/v2.0/token")`.

use std::collections::VecDeque;
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use reqwest::blocking::{Client as Http, RequestBuilder};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::Value;
use uuid::Uuid;

use crate::builder::QueryBuilder;
use crate::mde::{MachineAction, MachineActionStatus};

/// The service's API hosts (docs/mde.md): current, older, regional, US Gov GCC, GCC High/DoD.
pub const SERVICE_URLS: &[&str] = &[
    "https://api.security.microsoft.com",
    "https://api.securitycenter.microsoft.com",
    "https://us.api.security.microsoft.com",
    "https://eu.api.security.microsoft.com",
    "https://uk.api.security.microsoft.com",
    "https://au.api.security.microsoft.com",
    "https://swa.api.security.microsoft.com",
    "https://api-gcc.securitycenter.microsoft.us",
    "https://api-gov.securitycenter.microsoft.us",
];

/// The identity platform that issues the service's tokens.
pub const LOGIN_URL: &str = "https://login.microsoftonline.com";

/// The scope of an application token for the service.
pub const DEFAULT_SCOPE: &str = "https://api.securitycenter.microsoft.com/.default";

/// What kind of failure an error body reports (from the status and MDE's `code`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiErrorKind {
    /// 400 `ODataError`: the query is not valid.
    InvalidQuery,
    /// Another 400: `InvalidRequestBody`, `MissingRequiredParameter`, `ActiveRequestAlreadyExists`, ….
    BadRequest,
    /// 401: missing, invalid or expired token.
    Unauthorized,
    /// 403: the application lacks the permission.
    Forbidden,
    /// 404.
    NotFound,
    /// 429, after the retries ran out.
    TooManyRequests,
    /// 5xx.
    Server,
    /// Any other status.
    Other,
}

/// An error answer of the API: `{"error":{"code","message","target"}}` and the status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// What kind of failure.
    pub kind: ApiErrorKind,
    /// The HTTP status.
    pub status: u16,
    /// MDE's `code` (may be empty on the real service).
    pub code: String,
    /// MDE's `message`.
    pub message: String,
    /// The correlation id, when given.
    pub target: Option<String>,
    /// `Retry-After` seconds (429).
    pub retry_after: Option<u64>,
}

impl ApiError {
    fn from_response(status: StatusCode, retry_after: Option<u64>, body: &str) -> ApiError {
        let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
        let e = &v["error"];
        let code = e["code"].as_str().unwrap_or("").to_string();
        let kind = match status.as_u16() {
            400 if code == "ODataError" => ApiErrorKind::InvalidQuery,
            400 => ApiErrorKind::BadRequest,
            401 => ApiErrorKind::Unauthorized,
            403 => ApiErrorKind::Forbidden,
            404 => ApiErrorKind::NotFound,
            429 => ApiErrorKind::TooManyRequests,
            500..=599 => ApiErrorKind::Server,
            _ => ApiErrorKind::Other,
        };
        let message = e["message"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| body.chars().take(300).collect());
        ApiError {
            kind,
            status: status.as_u16(),
            code,
            message,
            target: e["target"].as_str().map(str::to_string),
            retry_after,
        }
    }
}

/// Why a call failed.
#[derive(Debug)]
pub enum ClientError {
    /// The API answered with an error body.
    Api(ApiError),
    /// The token endpoint refused: OAuth `error` and `error_description`.
    Token {
        /// HTTP status.
        status: u16,
        /// OAuth error code (`invalid_client`, …).
        error: String,
        /// The platform's description.
        description: String,
    },
    /// Connection, TLS or protocol failure.
    Http(reqwest::Error),
    /// A success response whose body is not what the API documents.
    Decode(String),
    /// The client was built without what it needs.
    Config(String),
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::Api(e) => write!(f, "{} {}: {}", e.status, e.code, e.message),
            ClientError::Token {
                status,
                error,
                description,
            } => write!(f, "token request refused ({status} {error}): {description}"),
            ClientError::Http(e) => write!(f, "HTTP failure: {e}"),
            ClientError::Decode(m) => write!(f, "unexpected response: {m}"),
            ClientError::Config(m) => write!(f, "client configuration: {m}"),
        }
    }
}

impl std::error::Error for ClientError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ClientError::Http(e) => Some(e),
            _ => None,
        }
    }
}

impl From<reqwest::Error> for ClientError {
    fn from(e: reqwest::Error) -> ClientError {
        ClientError::Http(e)
    }
}

impl ClientError {
    /// The API error, if the API answered with one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            ClientError::Api(e) => Some(e),
            _ => None,
        }
    }
}

/// Settings of a [`Client`]; see [`Client::builder`].
#[derive(Clone, Debug)]
pub struct ClientBuilder {
    api_url: String,
    token_url: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    scope: String,
    max_retries: u32,
    max_retry_wait: Duration,
    timeout: Duration,
}

impl ClientBuilder {
    /// The token endpoint of `tenant` on the identity platform ([`LOGIN_URL`]).
    pub fn tenant(mut self, tenant: &str) -> Self {
        self.token_url = Some(format!("{LOGIN_URL}/{tenant}/oauth2/v2.0/token"));
        self
    }

    /// Another token endpoint (the emulator's: `http://127.0.0.1:8080/{tenant}/oauth2/v2.0/token`).
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = Some(url.into());
        self
    }

    /// The application's client id and secret.
    pub fn credentials(mut self, client_id: impl Into<String>, secret: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self.client_secret = Some(secret.into());
        self
    }

    /// The token scope. Default [`DEFAULT_SCOPE`].
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = scope.into();
        self
    }

    /// How many times a 429 is retried after its `Retry-After`. Default 3.
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// The longest `Retry-After` the client waits; a longer one is returned as the error. Default
    /// 120 s.
    pub fn max_retry_wait(mut self, wait: Duration) -> Self {
        self.max_retry_wait = wait;
        self
    }

    /// Time allowed per HTTP request. Default 100 s.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The client; fails without credentials or a token endpoint.
    pub fn build(self) -> Result<Client, ClientError> {
        let token_url = self.token_url.ok_or_else(|| {
            ClientError::Config("no token endpoint: call tenant() or token_url()".into())
        })?;
        let (Some(client_id), Some(client_secret)) = (self.client_id, self.client_secret) else {
            return Err(ClientError::Config(
                "no credentials: call credentials()".into(),
            ));
        };
        let http = Http::builder()
            .timeout(self.timeout)
            .user_agent(concat!("odata-filter/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Client {
            http,
            api_url: self.api_url.trim_end_matches('/').to_string(),
            token_url,
            client_id,
            client_secret,
            scope: self.scope,
            max_retries: self.max_retries,
            max_retry_wait: self.max_retry_wait,
            token: Mutex::new(None),
        })
    }
}

/// A machine action request: what `POST /api/machines/{id}/{action}` sends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActionRequest {
    /// `isolate` with `IsolationType` `Full` (true) or `Selective` (false).
    Isolate {
        /// `Comment`.
        comment: String,
        /// `IsolationType`: `Full` when true, else `Selective`.
        full: bool,
    },
    /// `unisolate`.
    Unisolate(String),
    /// `runAntiVirusScan` with `ScanType` `Full` (true) or `Quick` (false).
    RunAntiVirusScan {
        /// `Comment`.
        comment: String,
        /// `ScanType`: `Full` when true, else `Quick`.
        full: bool,
    },
    /// `collectInvestigationPackage`.
    CollectInvestigationPackage(String),
    /// `offboard`.
    Offboard(String),
    /// `stopAndQuarantineFile` for a SHA-1.
    StopAndQuarantineFile {
        /// `Comment`.
        comment: String,
        /// `Sha1`.
        sha1: String,
    },
    /// `restrictCodeExecution`.
    RestrictCodeExecution(String),
    /// `unrestrictCodeExecution`.
    UnrestrictCodeExecution(String),
}

impl ActionRequest {
    /// The route segment and the JSON body.
    pub(crate) fn route_and_body(&self) -> (&'static str, Value) {
        use serde_json::json;
        match self {
            ActionRequest::Isolate { comment, full } => (
                "isolate",
                json!({"Comment": comment, "IsolationType": if *full { "Full" } else { "Selective" }}),
            ),
            ActionRequest::Unisolate(c) => ("unisolate", json!({ "Comment": c })),
            ActionRequest::RunAntiVirusScan { comment, full } => (
                "runAntiVirusScan",
                json!({"Comment": comment, "ScanType": if *full { "Full" } else { "Quick" }}),
            ),
            ActionRequest::CollectInvestigationPackage(c) => {
                ("collectInvestigationPackage", json!({ "Comment": c }))
            }
            ActionRequest::Offboard(c) => ("offboard", json!({ "Comment": c })),
            ActionRequest::StopAndQuarantineFile { comment, sha1 } => (
                "stopAndQuarantineFile",
                json!({"Comment": comment, "Sha1": sha1}),
            ),
            ActionRequest::RestrictCodeExecution(c) => {
                ("restrictCodeExecution", json!({ "Comment": c }))
            }
            ActionRequest::UnrestrictCodeExecution(c) => {
                ("unrestrictCodeExecution", json!({ "Comment": c }))
            }
        }
    }
}

/// A connection to the API with an application's credentials. See the [module docs](self).
#[derive(Debug)]
pub struct Client {
    http: Http,
    api_url: String,
    token_url: String,
    client_id: String,
    client_secret: String,
    scope: String,
    max_retries: u32,
    max_retry_wait: Duration,
    token: Mutex<Option<(String, Instant)>>,
}

impl Client {
    /// Settings for the API at `api_url` (one of [`SERVICE_URLS`], or the emulator's base URL).
    pub fn builder(api_url: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            api_url: api_url.into(),
            token_url: None,
            client_id: None,
            client_secret: None,
            scope: DEFAULT_SCOPE.to_string(),
            max_retries: 3,
            max_retry_wait: Duration::from_secs(120),
            timeout: Duration::from_secs(100),
        }
    }

    /// A valid access token: the cached one, or a new one from the token endpoint.
    pub fn token(&self) -> Result<String, ClientError> {
        if let Ok(guard) = self.token.lock() {
            if let Some((t, until)) = &*guard {
                if Instant::now() < *until {
                    return Ok(t.clone());
                }
            }
        }
        let response = self
            .http
            .post(&self.token_url)
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", &self.client_id),
                ("client_secret", &self.client_secret),
                ("scope", &self.scope),
            ])
            .send()?;
        let status = response.status();
        let text = response.text()?;
        let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if !status.is_success() {
            return Err(ClientError::Token {
                status: status.as_u16(),
                error: v["error"].as_str().unwrap_or("").to_string(),
                description: v["error_description"]
                    .as_str()
                    .map_or_else(|| text.chars().take(300).collect(), str::to_string),
            });
        }
        let token = v["access_token"]
            .as_str()
            .ok_or_else(|| ClientError::Decode("token response without access_token".into()))?
            .to_string();
        let expires_in = v["expires_in"].as_u64().unwrap_or(0);
        // Renew a minute early (or at once for very short lifetimes).
        let until = Instant::now() + Duration::from_secs(expires_in.saturating_sub(60));
        if let Ok(mut guard) = self.token.lock() {
            *guard = Some((token.clone(), until));
        }
        Ok(token)
    }

    /// Forgets the cached token.
    pub fn clear_token(&self) {
        if let Ok(mut guard) = self.token.lock() {
            *guard = None;
        }
    }

    /// Sends a request built by `make` with the bearer token; retries 429 after `Retry-After` up
    /// to the configured count; returns the JSON body of a success.
    fn send(&self, make: impl Fn(&Http) -> RequestBuilder) -> Result<Value, ClientError> {
        let mut attempt = 0;
        loop {
            let token = self.token()?;
            let response = make(&self.http).bearer_auth(token).send()?;
            let status = response.status();
            let retry_after = response
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok());
            let text = response.text()?;
            if status.is_success() {
                return serde_json::from_str(&text).map_err(|e| ClientError::Decode(e.to_string()));
            }
            let error = ApiError::from_response(status, retry_after, &text);
            if status == StatusCode::TOO_MANY_REQUESTS && attempt < self.max_retries {
                let wait = Duration::from_secs(retry_after.unwrap_or(1));
                if wait <= self.max_retry_wait {
                    attempt += 1;
                    std::thread::sleep(wait);
                    continue;
                }
            }
            return Err(ClientError::Api(error));
        }
    }

    fn get_json(&self, url: &str) -> Result<Value, ClientError> {
        self.send(|http| http.get(url))
    }

    /// `GET {path}?{query}` on the API, the JSON body as is (`path` like `/api/machineactions`).
    pub fn get_raw(&self, path: &str, query: &str) -> Result<Value, ClientError> {
        let url = if query.is_empty() {
            format!("{}{path}", self.api_url)
        } else {
            format!("{}{path}?{query}", self.api_url)
        };
        self.get_json(&url)
    }

    /// Every MachineAction matching `query`, page after page (following `@odata.nextLink`).
    pub fn machine_actions(&self, query: &QueryBuilder) -> Pages<'_, MachineAction> {
        self.pages("/api/machineactions", &query.to_query_string())
    }

    /// Every machine matching a `Machines` query string, as JSON records.
    pub fn machines(&self, query: &str) -> Pages<'_, Value> {
        self.pages("/api/machines", query)
    }

    /// The records of `path?query` and its next links, as an iterator.
    pub fn pages<T: DeserializeOwned>(&self, path: &str, query: &str) -> Pages<'_, T> {
        let url = if query.is_empty() {
            format!("{}{path}", self.api_url)
        } else {
            format!("{}{path}?{query}", self.api_url)
        };
        Pages {
            client: self,
            next: Some(url),
            buffer: VecDeque::new(),
            pages: 0,
            count: None,
            _marker: std::marker::PhantomData,
        }
    }

    /// One MachineAction.
    pub fn machine_action(&self, id: Uuid) -> Result<MachineAction, ClientError> {
        let v = self.get_raw(&format!("/api/machineactions/{id}"), "")?;
        decode_entity(v)
    }

    /// Asks for a machine action on `machine_id`; the new MachineAction (status `Pending`).
    pub fn act(
        &self,
        machine_id: &str,
        request: &ActionRequest,
    ) -> Result<MachineAction, ClientError> {
        let (route, body) = request.route_and_body();
        let url = format!("{}/api/machines/{machine_id}/{route}", self.api_url);
        decode_entity(self.send(|http| http.post(&url).json(&body))?)
    }

    /// Cancels a MachineAction that is not final.
    pub fn cancel(&self, id: Uuid, comment: &str) -> Result<MachineAction, ClientError> {
        let url = format!("{}/api/machineactions/{id}/cancel", self.api_url);
        let body = serde_json::json!({ "Comment": comment });
        decode_entity(self.send(|http| http.post(&url).json(&body))?)
    }

    /// Polls the action every `poll` until it is final (not Pending or InProgress) or `timeout`
    /// passes (then the last state seen).
    pub fn wait_until_final(
        &self,
        id: Uuid,
        poll: Duration,
        timeout: Duration,
    ) -> Result<MachineAction, ClientError> {
        let start = Instant::now();
        loop {
            let a = self.machine_action(id)?;
            let done = !matches!(
                a.status,
                MachineActionStatus::Pending | MachineActionStatus::InProgress
            );
            if done || start.elapsed() >= timeout {
                return Ok(a);
            }
            std::thread::sleep(poll);
        }
    }
}

fn decode_entity<T: DeserializeOwned>(mut v: Value) -> Result<T, ClientError> {
    if let Value::Object(o) = &mut v {
        o.retain(|k, _| !k.starts_with("@odata."));
    }
    serde_json::from_value(v).map_err(|e| ClientError::Decode(e.to_string()))
}

/// The records of a list, fetched page by page as the iterator advances. After an error the
/// iterator ends.
#[derive(Debug)]
pub struct Pages<'c, T> {
    client: &'c Client,
    next: Option<String>,
    buffer: VecDeque<Value>,
    pages: usize,
    count: Option<u64>,
    _marker: std::marker::PhantomData<fn() -> T>,
}

impl<T> Pages<'_, T> {
    /// Pages fetched so far.
    pub fn pages_fetched(&self) -> usize {
        self.pages
    }

    /// `@odata.count` of the first page (with `$count=true`).
    pub fn count(&self) -> Option<u64> {
        self.count
    }
}

impl<T: DeserializeOwned> Iterator for Pages<'_, T> {
    type Item = Result<T, ClientError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(v) = self.buffer.pop_front() {
                return Some(
                    serde_json::from_value(v).map_err(|e| ClientError::Decode(e.to_string())),
                );
            }
            let url = self.next.take()?;
            let body = match self.client.get_json(&url) {
                Ok(b) => b,
                Err(e) => return Some(Err(e)),
            };
            self.pages += 1;
            if self.pages == 1 {
                self.count = body["@odata.count"].as_u64();
            }
            self.next = body["@odata.nextLink"].as_str().map(str::to_string);
            match body {
                Value::Object(mut o) => match o.remove("value") {
                    Some(Value::Array(items)) => self.buffer.extend(items),
                    _ => {
                        self.next = None;
                        return Some(Err(ClientError::Decode(
                            "list response without 'value'".into(),
                        )));
                    }
                },
                _ => {
                    self.next = None;
                    return Some(Err(ClientError::Decode(
                        "list response is not an object".into(),
                    )));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_map_to_kinds() {
        let e = ApiError::from_response(
            StatusCode::BAD_REQUEST,
            None,
            r#"{"error":{"code":"ODataError","message":"The query specified in the URI is not valid. x","target":"t"}}"#,
        );
        assert_eq!(e.kind, ApiErrorKind::InvalidQuery);
        assert_eq!(e.target.as_deref(), Some("t"));
        let e = ApiError::from_response(
            StatusCode::FORBIDDEN,
            None,
            r#"{"error":{"code":"","message":"no","details":[]}}"#,
        );
        assert_eq!(
            (e.kind, e.code.as_str(), e.target),
            (ApiErrorKind::Forbidden, "", None)
        );
        let e = ApiError::from_response(StatusCode::BAD_GATEWAY, None, "<html>bad gateway</html>");
        assert_eq!(e.kind, ApiErrorKind::Server);
        assert_eq!(e.message, "<html>bad gateway</html>");
    }

    #[test]
    fn builder_needs_a_token_endpoint_and_credentials() {
        assert!(matches!(
            Client::builder(SERVICE_URLS[0])
                .credentials("a", "b")
                .build(),
            Err(ClientError::Config(_))
        ));
        assert!(matches!(
            Client::builder(SERVICE_URLS[0]).tenant("t").build(),
            Err(ClientError::Config(_))
        ));
        let c = Client::builder(SERVICE_URLS[0])
            .tenant("contoso")
            .credentials("a", "b")
            .build()
            .unwrap();
        assert_eq!(
            c.token_url,
            "https://login.microsoftonline.com/contoso/oauth2/v2.0/token"
        );
    }

    #[test]
    fn action_bodies_are_the_services() {
        let (route, body) = ActionRequest::Isolate {
            comment: "c".into(),
            full: false,
        }
        .route_and_body();
        assert_eq!(route, "isolate");
        assert_eq!(
            body.to_string(),
            r#"{"Comment":"c","IsolationType":"Selective"}"#
        );
    }
}
