//! Machine actions: the `POST /api/machines/{id}/{action}` requests that create MachineActions,
//! cancel, and the clock that moves created actions Pending → InProgress → a final status.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use chrono::{DateTime, FixedOffset, SubsecRound, Utc};
use serde_json::Value;
use uuid::Uuid;

use crate::mde::{
    FileIdentifierType, MachineAction, MachineActionStatus as Status, MachineActionType as Type,
    RelatedFileInfo,
};
use crate::query::Query;
use crate::server::api::{
    self, action_id_literal, authenticate, authorize, blocking, entity_body, fetch, json,
    machine_id_literal, read_body, service_root,
};
use crate::server::error::ApiError;
use crate::server::store::EntitySetKind;
use crate::server::App;

/// One kind of machine action request: its route name, action type, permission, body fields.
struct ActionKind {
    route: &'static str,
    action_type: Type,
    role: &'static str,
    title: &'static str,
    /// The body field that becomes `scope`, with its allowed values.
    scope: Option<(&'static str, &'static [&'static str])>,
}

const KINDS: &[ActionKind] = &[
    ActionKind {
        route: "isolate",
        action_type: Type::Isolate,
        role: "Machine.Isolate",
        title: "Isolate device",
        scope: Some(("IsolationType", &["Full", "Selective"])),
    },
    ActionKind {
        route: "unisolate",
        action_type: Type::Unisolate,
        role: "Machine.Isolate",
        title: "Release from isolation",
        scope: None,
    },
    ActionKind {
        route: "runAntiVirusScan",
        action_type: Type::RunAntiVirusScan,
        role: "Machine.Scan",
        title: "Run antivirus scan",
        scope: Some(("ScanType", &["Quick", "Full"])),
    },
    ActionKind {
        route: "collectInvestigationPackage",
        action_type: Type::CollectInvestigationPackage,
        role: "Machine.CollectForensics",
        title: "Collect investigation package",
        scope: None,
    },
    ActionKind {
        route: "offboard",
        action_type: Type::Offboard,
        role: "Machine.Offboard",
        title: "Offboard device",
        scope: None,
    },
    ActionKind {
        route: "stopAndQuarantineFile",
        action_type: Type::StopAndQuarantineFile,
        role: "Machine.StopAndQuarantine",
        title: "Stop and quarantine file",
        scope: None,
    },
    ActionKind {
        route: "restrictCodeExecution",
        action_type: Type::RestrictCodeExecution,
        role: "Machine.RestrictExecution",
        title: "Restrict app execution",
        scope: None,
    },
    ActionKind {
        route: "unrestrictCodeExecution",
        action_type: Type::UnrestrictCodeExecution,
        role: "Machine.RestrictExecution",
        title: "Remove app restriction",
        scope: None,
    },
];

/// The permission that acts like `t` (besides `Machine.ReadWrite.All`).
fn role_of(t: Type) -> Option<&'static str> {
    KINDS.iter().find(|k| k.action_type == t).map(|k| k.role)
}

fn is_final(s: Status) -> bool {
    !matches!(s, Status::Pending | Status::InProgress)
}

/// A required string field of a JSON object body.
fn required_str<'a>(
    body: &'a serde_json::Map<String, Value>,
    name: &str,
) -> Result<&'a str, ApiError> {
    match body.get(name) {
        None | Some(Value::Null) => Err(ApiError::missing_parameter(name)),
        Some(Value::String(s)) if s.trim().is_empty() => Err(ApiError::missing_parameter(name)),
        // Neither SQL store can keep U+0000 in text (and no comment needs it): refused alike by
        // every store, never a 500 from the database.
        Some(Value::String(s)) if s.contains('\0') => Err(ApiError::invalid_body(format!(
            "{name} must not contain U+0000"
        ))),
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(ApiError::invalid_body(format!("{name} must be a string"))),
    }
}

/// Parses a request body as a JSON object (400 `InvalidRequestBody` otherwise).
fn object_body(bytes: &[u8]) -> Result<serde_json::Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(o)) => Ok(o),
        Ok(_) => Err(ApiError::invalid_body(
            "The request body must be a JSON object",
        )),
        Err(e) => Err(ApiError::invalid_body(format!(
            "The request body is not valid JSON: {e}"
        ))),
    }
}

/// The clock, at wire precision; UTC, so new records serialise with `Z` as MDE writes them.
fn now_ticks() -> DateTime<FixedOffset> {
    Utc::now().trunc_subsecs(7).fixed_offset()
}

/// `POST /api/machines/{id}/{action}`.
pub(crate) async fn create(
    State(app): State<Arc<App>>,
    Path((machine, action)): Path<(String, String)>,
    headers: HeaderMap,
    uri: Uri,
    body: Body,
) -> Result<Response, ApiError> {
    let Some(kind) = KINDS.iter().find(|k| k.route == action) else {
        return Err(api::not_found(uri).await);
    };
    let caller = authorize(&app, &headers, &["Machine.ReadWrite.All", kind.role])?;
    let bytes = read_body(&app, body).await?;
    let body = object_body(&bytes)?;
    let comment = required_str(&body, "Comment")?.to_string();
    let scope = match kind.scope {
        None => None,
        Some((field, allowed)) => {
            let v = required_str(&body, field)?;
            if !allowed.contains(&v) {
                return Err(ApiError::invalid_body(format!(
                    "{field} '{v}' is not valid: expected one of {}",
                    allowed.join(", ")
                )));
            }
            Some(v.to_string())
        }
    };
    let related_file_info = if kind.action_type == Type::StopAndQuarantineFile {
        let sha1 = required_str(&body, "Sha1")?;
        if sha1.len() != 40 || !sha1.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(ApiError::invalid_body(format!(
                "Sha1 '{sha1}' is not a SHA-1 hash (40 hexadecimal digits)"
            )));
        }
        Some(RelatedFileInfo {
            file_identifier: sha1.to_ascii_lowercase(),
            file_identifier_type: FileIdentifierType::Sha1,
        })
    } else {
        None
    };
    let lit = machine_id_literal(&machine)
        .ok_or_else(|| ApiError::not_found(format!("Machine {machine} was not found")))?;
    let device = fetch(&app, EntitySetKind::Machines, lit.clone())
        .await?
        .ok_or_else(|| ApiError::not_found(format!("Machine {machine} was not found")))?;
    let _gate = app.action_gate.lock().await;
    let busy = Query::from_query_string(
        &format!(
            "$filter=machineId eq {lit} and type eq '{}' and status in ('Pending','InProgress')&$top=1",
            kind.action_type
        ),
        EntitySetKind::MachineActions.schema(),
    )
    .map_err(|e| ApiError::internal(format!("duplicate query: {e}")))?;
    let store = Arc::clone(&app.store);
    let pending = blocking(move || store.query(EntitySetKind::MachineActions, &busy)).await?;
    if !pending.rows.is_empty() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "ActiveRequestAlreadyExists",
            "Action is already in progress",
        ));
    }
    let now = now_ticks();
    let action = MachineAction {
        id: Uuid::new_v4(),
        action_type: kind.action_type,
        title: Some(kind.title.to_string()),
        requestor: caller.app_id.clone(),
        requestor_comment: Some(comment),
        status: Status::Pending,
        machine_id: device["id"].as_str().map(str::to_string),
        computer_dns_name: device["computerDnsName"].as_str().map(str::to_string),
        creation_date_time_utc: now,
        last_update_date_time_utc: Some(now),
        cancellation_requestor: None,
        cancellation_comment: None,
        cancellation_date_time_utc: None,
        error_h_result: 0,
        scope,
        external_id: None,
        request_source: Some("PublicApi".into()),
        related_file_info,
        commands: Vec::new(),
        troubleshoot_info: None,
    };
    let store = Arc::clone(&app.store);
    let saved = action.clone();
    blocking(move || store.upsert_action(&saved)).await?;
    if let Ok(mut live) = app.live.lock() {
        live.insert(action.id);
    }
    let record = serde_json::to_value(&action).map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(json(
        StatusCode::CREATED,
        &entity_body(
            &service_root(&headers, &uri),
            EntitySetKind::MachineActions,
            record,
        ),
    ))
}

/// `POST /api/machineactions/{id}/cancel` with `{"Comment": "…"}`.
pub(crate) async fn cancel(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    uri: Uri,
    body: Body,
) -> Result<Response, ApiError> {
    let caller = authenticate(&app, &headers)?;
    let bytes = read_body(&app, body).await?;
    let body = object_body(&bytes)?;
    let comment = required_str(&body, "Comment")?.to_string();
    let not_found = || ApiError::not_found(format!("Machine action {id} was not found"));
    let lit = action_id_literal(&id).ok_or_else(not_found)?;
    let _gate = app.action_gate.lock().await;
    let record = fetch(&app, EntitySetKind::MachineActions, lit)
        .await?
        .ok_or_else(not_found)?;
    let mut action: MachineAction =
        serde_json::from_value(record).map_err(|e| ApiError::internal(e.to_string()))?;
    let mut roles = vec!["Machine.ReadWrite.All"];
    roles.extend(role_of(action.action_type));
    if !caller.has_any(&roles) {
        return Err(ApiError::forbidden(&roles));
    }
    if is_final(action.status) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "InvalidRequest",
            format!(
                "Machine action {id} is already in final status '{}' and cannot be cancelled",
                action.status
            ),
        ));
    }
    let now = now_ticks();
    action.status = Status::Cancelled;
    action.cancellation_requestor = Some(caller.app_id);
    action.cancellation_comment = Some(comment);
    action.cancellation_date_time_utc = Some(now);
    action.last_update_date_time_utc = Some(now);
    let store = Arc::clone(&app.store);
    let saved = action.clone();
    blocking(move || store.upsert_action(&saved)).await?;
    if let Ok(mut live) = app.live.lock() {
        live.remove(&action.id);
    }
    let record = serde_json::to_value(&action).map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(json(
        StatusCode::OK,
        &entity_body(
            &service_root(&headers, &uri),
            EntitySetKind::MachineActions,
            record,
        ),
    ))
}

/// After a restart: the actions created in the last day that are not final go back on the clock.
pub(crate) async fn resume_live(app: &Arc<App>) {
    let since = crate::mde::format_wire_datetime(&(Utc::now() - chrono::TimeDelta::days(1)));
    let Ok(q) = Query::from_query_string(
        &format!("$filter=status in ('Pending','InProgress') and creationDateTimeUtc ge {since}"),
        EntitySetKind::MachineActions.schema(),
    ) else {
        return;
    };
    let store = Arc::clone(&app.store);
    if let Ok(page) = blocking(move || store.query(EntitySetKind::MachineActions, &q)).await {
        if let Ok(mut live) = app.live.lock() {
            for row in page.rows {
                if let Some(id) = row["id"].as_str().and_then(|s| Uuid::try_parse(s).ok()) {
                    live.insert(id);
                }
            }
        }
    }
}

/// Moves live actions along the clock, for ever (the caller aborts the task).
pub(crate) async fn run_clock(app: Arc<App>) {
    let step = app
        .clock
        .pending_seconds
        .min(app.clock.running_seconds)
        .max(0.04)
        / 4.0;
    let mut interval = tokio::time::interval(Duration::from_secs_f64(step.min(1.0)));
    loop {
        interval.tick().await;
        let ids: Vec<Uuid> = match app.live.lock() {
            Ok(live) => live.iter().copied().collect(),
            Err(_) => return,
        };
        for id in ids {
            advance(&app, id).await;
        }
    }
}

async fn advance(app: &Arc<App>, id: Uuid) {
    let _gate = app.action_gate.lock().await;
    let Ok(Some(record)) = fetch(app, EntitySetKind::MachineActions, id.to_string()).await else {
        return;
    };
    let Ok(mut action) = serde_json::from_value::<MachineAction>(record) else {
        return;
    };
    if !is_final(action.status) {
        let elapsed = Utc::now()
            .signed_duration_since(action.creation_date_time_utc)
            .to_std()
            .unwrap_or_default();
        let status = app
            .clock
            .status_after(elapsed, action.requestor_comment.as_deref().unwrap_or(""));
        if status == action.status {
            return;
        }
        action.status = status;
        action.last_update_date_time_utc = Some(now_ticks());
        if status == Status::Failed {
            // E_FAIL, as failed actions of the service report.
            action.error_h_result = -2147467259;
        }
        let store = Arc::clone(&app.store);
        let saved = action.clone();
        if blocking(move || store.upsert_action(&saved)).await.is_err() {
            return;
        }
    }
    if is_final(action.status) {
        if let Ok(mut live) = app.live.lock() {
            live.remove(&id);
        }
    }
}
