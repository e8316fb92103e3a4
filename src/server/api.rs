//! Handlers of the read routes, the token endpoint, and the middleware (request target size,
//! timeout); the helpers that write MDE bodies (context URL, `$select`, `@odata.nextLink`).

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::query::{Query, SelectItem, ValidatedQuery};
use crate::server::auth::Caller;
use crate::server::error::ApiError;
use crate::server::store::{EntitySetKind, JsonPage};
use crate::server::App;

/// Roles that may read machines and machine actions.
pub(crate) const READ_ROLES: &[&str] = &["Machine.Read.All", "Machine.ReadWrite.All"];

/// Checks the token, counts the call against the application's limits, checks its roles.
pub(crate) fn authorize(
    app: &App,
    headers: &HeaderMap,
    roles: &[&str],
) -> Result<Caller, ApiError> {
    let caller = authenticate(app, headers)?;
    if !caller.has_any(roles) {
        return Err(ApiError::forbidden(roles));
    }
    Ok(caller)
}

/// Checks the token and counts the call (401, 429); roles are the caller's to check.
pub(crate) fn authenticate(app: &App, headers: &HeaderMap) -> Result<Caller, ApiError> {
    let header = match headers.get(header::AUTHORIZATION) {
        None => None,
        Some(v) => Some(v.to_str().map_err(|_| {
            ApiError::unauthorized("Authorization has been denied for this request.")
        })?),
    };
    let caller = app
        .authority
        .verify(header)
        .map_err(|e| ApiError::unauthorized(e.0))?;
    app.limiter
        .check(&caller.app_id)
        .map_err(ApiError::too_many_requests)?;
    Ok(caller)
}

/// `http://host/api` or `http://host/api/v1.0`, as the request addressed it.
pub(crate) fn service_root(headers: &HeaderMap, uri: &Uri) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_graphic()))
        .or_else(|| uri.authority().map(|a| a.as_str()))
        .unwrap_or("localhost");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .filter(|p| *p == "https" || *p == "http")
        .unwrap_or("http");
    let prefix = if uri.path().starts_with("/api/v1.0/") {
        "/api/v1.0"
    } else {
        "/api"
    };
    format!("{scheme}://{host}{prefix}")
}

/// Runs a store call off the async threads.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, crate::server::StoreError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| ApiError::internal("An unexpected error occurred."))?
        .map_err(|e| match e {
            crate::server::StoreError::Unsupported(errors) => ApiError::invalid_query(&errors),
            crate::server::StoreError::Failed(m) => {
                ApiError::internal(format!("Storage failed: {m}"))
            }
        })
}

/// A JSON response with MDE's content type.
pub(crate) fn json(status: StatusCode, body: &Value) -> Response {
    json_text(status, body.to_string())
}

/// [`json`] for a body already written.
fn json_text(status: StatusCode, body: String) -> Response {
    let mut r = (status, body).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; odata.metadata=minimal; charset=utf-8"),
    );
    r
}

/// The `$select`ed property names in schema order, `None` for every property.
fn selected_names(query: &ValidatedQuery) -> Option<Vec<&str>> {
    let items = query.select()?;
    if items.iter().any(|i| matches!(i, SelectItem::All)) {
        return None;
    }
    let mut ids: Vec<usize> = items
        .iter()
        .filter_map(|i| match i {
            SelectItem::Property(id) => Some(id.index()),
            SelectItem::All => None,
        })
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let props = query.entity_type().properties();
    Some(
        ids.into_iter()
            .filter_map(|i| props.get(i).map(|p| p.name()))
            .collect(),
    )
}

/// The next page's link: the query with `$skip` moved past this page, in canonical option order.
/// Only without `$top` and when more records match (docs/mde.md: an explicit `$top` gets no link).
fn next_link(
    root: &str,
    path: &str,
    query: &ValidatedQuery,
    rows: usize,
    matched: usize,
) -> Option<String> {
    let skip = query.skip().unwrap_or(0);
    let next = skip.saturating_add(rows as u64);
    if query.top().is_some() || rows == 0 || next >= matched as u64 {
        return None;
    }
    let text = query.to_string();
    let mut parts: Vec<String> = text
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("$skip="))
        .map(str::to_string)
        .collect();
    let at = parts
        .iter()
        .rposition(|p| {
            ["$filter=", "$orderby=", "$select=", "$top="]
                .iter()
                .any(|o| p.starts_with(o))
        })
        .map_or(0, |i| i + 1);
    parts.insert(at, format!("$skip={next}"));
    Some(format!("{root}/{path}?{}", parts.join("&")))
}

/// The body of a list answer: `@odata.context`, `@odata.count` (with `$count=true`), `value`,
/// `@odata.nextLink`. The records' texts go in as they are, unless `$select` picks properties.
pub(crate) fn list_body(
    root: &str,
    set: EntitySetKind,
    path: &str,
    query: &ValidatedQuery,
    page: &JsonPage,
) -> Result<String, ApiError> {
    let string = |s: String| Value::String(s).to_string();
    let selected = selected_names(query);
    let mut context = format!("{root}/$metadata#{}", set.name());
    if let Some(names) = &selected {
        context.push('(');
        context.push_str(&names.join(","));
        context.push(')');
    }
    let mut body =
        String::with_capacity(page.rows.iter().map(|r| r.len() + 1).sum::<usize>() + 256);
    body.push_str("{\"@odata.context\":");
    body.push_str(&string(context));
    if query.count() == Some(true) {
        body.push_str(",\"@odata.count\":");
        body.push_str(&page.matched.to_string());
    }
    body.push_str(",\"value\":[");
    for (i, row) in page.rows.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        match &selected {
            None => body.push_str(row),
            Some(names) => {
                let mut obj: serde_json::Map<String, Value> =
                    serde_json::from_str(row).map_err(|e| {
                        ApiError::internal(format!("Storage failed: a stored record: {e}"))
                    })?;
                let picked: serde_json::Map<String, Value> = names
                    .iter()
                    .map(|n| (n.to_string(), obj.remove(*n).unwrap_or(Value::Null)))
                    .collect();
                body.push_str(&Value::Object(picked).to_string());
            }
        }
    }
    body.push(']');
    if let Some(l) = next_link(root, path, query, page.rows.len(), page.matched) {
        body.push_str(",\"@odata.nextLink\":");
        body.push_str(&string(l));
    }
    body.push('}');
    Ok(body)
}

/// A single record's body: `@odata.context` ending in `#Set/$entity`, then the record's keys.
pub(crate) fn entity_body(root: &str, set: EntitySetKind, record: Value) -> Value {
    let mut body = serde_json::Map::new();
    body.insert(
        "@odata.context".into(),
        format!("{root}/$metadata#{}/$entity", set.name()).into(),
    );
    if let Value::Object(fields) = record {
        body.extend(fields);
    }
    Value::Object(body)
}

/// Reads one record by id (`None`: no such record); `id` must already be checked for its syntax.
pub(crate) async fn fetch(
    app: &Arc<App>,
    set: EntitySetKind,
    id_literal: String,
) -> Result<Option<Value>, ApiError> {
    let query =
        Query::from_query_string(&format!("$filter=id eq {id_literal}&$top=1"), set.schema())
            .map_err(|e| ApiError::internal(format!("id query: {e}")))?;
    let store = Arc::clone(&app.store);
    let page = blocking(move || store.query(set, &query)).await?;
    Ok(page.rows.into_iter().next())
}

/// The literal for a MachineAction id (a GUID), `None` when the text is not one.
pub(crate) fn action_id_literal(id: &str) -> Option<String> {
    uuid::Uuid::try_parse(id)
        .ok()
        .map(|u| u.hyphenated().to_string())
}

/// The literal for a machine id (letters and digits only), `None` otherwise.
pub(crate) fn machine_id_literal(id: &str) -> Option<String> {
    (!id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then(|| format!("'{id}'"))
}

async fn list(
    app: Arc<App>,
    headers: HeaderMap,
    uri: Uri,
    set: EntitySetKind,
    path: &str,
) -> Result<Response, ApiError> {
    authorize(&app, &headers, READ_ROLES)?;
    let raw = uri.query().unwrap_or("");
    let query =
        Query::from_query_string(raw, set.schema()).map_err(|e| ApiError::invalid_query(&e))?;
    let store = Arc::clone(&app.store);
    let q = query.clone();
    let page = blocking(move || store.query_json(set, &q)).await?;
    let root = service_root(&headers, &uri);
    Ok(json_text(
        StatusCode::OK,
        list_body(&root, set, path, &query, &page)?,
    ))
}

/// `GET /api/machineactions`.
pub(crate) async fn list_actions(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, ApiError> {
    list(
        app,
        headers,
        uri,
        EntitySetKind::MachineActions,
        "machineactions",
    )
    .await
}

/// `GET /api/machines`.
pub(crate) async fn list_machines(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, ApiError> {
    list(app, headers, uri, EntitySetKind::Machines, "machines").await
}

/// `GET /api/machineactions/{id}`.
pub(crate) async fn get_action(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, ApiError> {
    let missing = format!("Machine action {id} was not found");
    let literal = action_id_literal(&id);
    get_one(
        app,
        headers,
        uri,
        EntitySetKind::MachineActions,
        literal,
        missing,
    )
    .await
}

/// `GET /api/machines/{id}`.
pub(crate) async fn get_machine(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, ApiError> {
    let missing = format!("Machine {id} was not found");
    let literal = machine_id_literal(&id);
    get_one(app, headers, uri, EntitySetKind::Machines, literal, missing).await
}

/// One record of `set` by its id literal (`None`: an id that cannot name one), or a 404 saying
/// `missing`.
async fn get_one(
    app: Arc<App>,
    headers: HeaderMap,
    uri: Uri,
    set: EntitySetKind,
    id_literal: Option<String>,
    missing: String,
) -> Result<Response, ApiError> {
    authorize(&app, &headers, READ_ROLES)?;
    let found = match id_literal {
        Some(lit) => fetch(&app, set, lit).await?,
        None => None,
    };
    let record = found.ok_or_else(|| ApiError::not_found(missing))?;
    Ok(json(
        StatusCode::OK,
        &entity_body(&service_root(&headers, &uri), set, record),
    ))
}

/// `POST /{tenant}/oauth2/v2.0/token`.
pub(crate) async fn token(
    State(app): State<Arc<App>>,
    Path(tenant): Path<String>,
    body: Body,
) -> Response {
    let form = match read_body(&app, body).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let form = String::from_utf8_lossy(&form);
    let (status, text) = match app.authority.issue(&tenant, &form) {
        Ok(t) => (
            StatusCode::OK,
            serde_json::to_string(&t).unwrap_or_default(),
        ),
        Err(e) => (
            StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST),
            e.body(),
        ),
    };
    let mut r = (status, text).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    r
}

/// Reads a request body up to the configured size (413 beyond it).
pub(crate) async fn read_body(app: &App, body: Body) -> Result<Bytes, ApiError> {
    let max = app.limits.max_body_bytes;
    axum::body::to_bytes(body, max).await.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "RequestEntityTooLarge",
            format!("The request body is larger than {max} bytes."),
        )
    })
}

/// `GET /openapi.json`.
pub(crate) async fn openapi() -> Response {
    let mut r = crate::server::OPENAPI_JSON.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

/// Any other route.
pub(crate) async fn not_found(uri: Uri) -> ApiError {
    ApiError::not_found(format!(
        "No HTTP resource was found that matches the request URI '{}'.",
        uri.path()
    ))
}

/// A known route with another method.
pub(crate) async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "MethodNotAllowed",
        "The requested resource does not support this HTTP method.",
    )
}

/// Refuses over-long request targets (414) and bounds the time of every request (408).
pub(crate) async fn guard(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let target = request
        .uri()
        .path_and_query()
        .map_or(0, |pq| pq.as_str().len());
    if target > app.limits.max_url_bytes {
        return ApiError::new(
            StatusCode::URI_TOO_LONG,
            "RequestUriTooLong",
            format!(
                "The request URI is longer than {} bytes.",
                app.limits.max_url_bytes
            ),
        )
        .into_response();
    }
    let mut response = match app.limits.request_timeout() {
        None => next.run(request).await,
        Some(t) => match tokio::time::timeout(t, next.run(request)).await {
            Ok(r) => r,
            Err(_) => ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                "RequestTimeout",
                "The request took longer than the server allows.",
            )
            .into_response(),
        },
    };
    // A body refused before it was read whole leaves the rest of it on the connection: close it, so
    // that the client does not send its next request down a connection the server is dropping.
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mde::machine_actions;

    fn page(n: usize, matched: usize) -> JsonPage {
        JsonPage {
            rows: vec![r#"{"id":"x","status":"Pending"}"#.to_string(); n],
            matched,
        }
    }

    #[test]
    fn next_link_moves_skip_and_keeps_the_other_options() {
        let q = Query::from_query_string(
            "$count=true&$filter=status eq 'Pending'&$skip=5",
            machine_actions(),
        )
        .unwrap();
        let link = next_link("http://h/api", "machineactions", &q, 3, 20).unwrap();
        assert_eq!(
            link,
            "http://h/api/machineactions?$filter=status%20eq%20%27Pending%27&$skip=8&$count=true"
        );
        assert_eq!(next_link("http://h/api", "machineactions", &q, 3, 8), None);
        let top = Query::from_query_string("$top=3", machine_actions()).unwrap();
        assert_eq!(
            next_link("http://h/api", "machineactions", &top, 3, 20),
            None
        );
        let bare = Query::from_query_string("", machine_actions()).unwrap();
        assert_eq!(
            next_link("http://h/api", "machineactions", &bare, 3, 20).unwrap(),
            "http://h/api/machineactions?$skip=3"
        );
    }

    #[test]
    fn list_body_orders_keys_and_applies_select() {
        let q =
            Query::from_query_string("$select=status,id&$count=true", machine_actions()).unwrap();
        let body = list_body(
            "http://h/api",
            EntitySetKind::MachineActions,
            "machineactions",
            &q,
            &page(2, 4),
        )
        .unwrap();
        assert_eq!(
            body,
            r#"{"@odata.context":"http://h/api/$metadata#MachineActions(id,status)","@odata.count":4,"value":[{"id":"x","status":"Pending"},{"id":"x","status":"Pending"}],"@odata.nextLink":"http://h/api/machineactions?$select=status,id&$skip=2&$count=true"}"#
        );
    }

    #[test]
    fn ids_in_paths_are_checked_before_they_reach_a_query() {
        assert_eq!(action_id_literal("nope"), None);
        assert_eq!(
            action_id_literal("69DC3630-1CCC-4342-ACF3-35286EEC741D").unwrap(),
            "69dc3630-1ccc-4342-acf3-35286eec741d"
        );
        assert_eq!(machine_id_literal("a' or 1 eq 1"), None);
        assert_eq!(machine_id_literal("").as_deref(), None);
        assert_eq!(machine_id_literal("ab12").unwrap(), "'ab12'");
    }
}
