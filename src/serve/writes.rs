//! The contract's writes. Each handler reads the `Idempotency-Key` and the body, builds the
//! `Op` the dashboard's own demo source carries out, and hands it to `control::apply`, whose
//! idempotency record gives the contract's semantics: the op holds the key, the path's id
//! and the body, so the same key with the same request answers the first answer again (same
//! status), and with anything else is `422 idempotency_key_reused`.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::error::ApiError;
use super::state::Shared;
use crate::contract::{ConfirmBody, DiscardBody, DnsSwapBody, IDEMPOTENCY_KEY};
use crate::domain::drill::{DrillFindings, DrillResult};
use crate::domain::ids::{DnsSwapId, IdempotencyKey, RestoreId, RestorePointId, TenantId};
use crate::domain::restore::{CreateRestore, RestoreMode, RestorePurpose};
use crate::source::{Op, Reply};

type Body = Result<Bytes, BytesRejection>;
type Answer = Result<Response, ApiError>;

/// Keys are client-generated UUIDs; anything much longer is not one.
const MAX_KEY_LEN: usize = 200;

/// `POST /tenants/{id}/restores` body: every field may be left out (the most recent
/// successful backup, to a new spoke named by the control plane).
#[derive(Debug, Deserialize)]
struct CreateRestoreBody {
    restore_point_id: Option<RestorePointId>,
    mode: Option<RestoreMode>,
    target_slug: Option<String>,
    ticket: Option<String>,
    reason: Option<String>,
    purpose: Option<RestorePurpose>,
    /// Additions: the region to restore in (the tenant's secondary, from its copy), and the
    /// failover batch the restore belongs to.
    target_region: Option<String>,
    batch: Option<String>,
}

/// A failover batch's id, as the contract spells it: `[a-z0-9_-]{3,64}`.
fn valid_batch(batch: &str) -> bool {
    (3..=64).contains(&batch.len())
        && batch
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// `POST /tenants/{id}/restores` → `202` with the restore.
pub async fn create_restore(
    State(shared): State<Arc<Shared>>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer {
    let key = idempotency_key(&headers)?;
    let body: CreateRestoreBody = json(body)?;
    let mode = match body.mode {
        None => RestoreMode::NewSpoke,
        Some(RestoreMode::Unknown(raw)) => {
            return Err(ApiError::bad_request(
                "invalid_body",
                format!("mode must be new_spoke or overwrite (got {raw:?})"),
            ));
        }
        Some(mode) => mode,
    };
    let purpose = match body.purpose {
        None => RestorePurpose::Request,
        Some(RestorePurpose::Unknown(raw)) => {
            return Err(ApiError::bad_request(
                "invalid_body",
                format!("purpose must be request or drill (got {raw:?})"),
            ));
        }
        Some(purpose) => purpose,
    };
    if let Some(batch) = body.batch.as_deref().filter(|b| !valid_batch(b)) {
        return Err(ApiError::bad_request(
            "invalid_body",
            format!("batch must be 3 to 64 of a-z, 0-9, _ and - (got {batch:?})"),
        ));
    }
    let request = CreateRestore {
        target_region: body.target_region,
        batch: body.batch,
        restore_point_id: body.restore_point_id,
        mode,
        target_slug: body.target_slug,
        ticket: body.ticket,
        reason: body.reason,
        purpose,
    };
    let op = Op::CreateRestore {
        tenant: TenantId(tenant.into()),
        request,
        key,
    };
    write(&shared, op, StatusCode::ACCEPTED).await
}

/// `POST /restores/{id}/confirm {notes}`.
pub async fn confirm(
    State(shared): State<Arc<Shared>>,
    Path(restore): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer {
    let key = idempotency_key(&headers)?;
    let ConfirmBody { notes } = json(body)?;
    let op = Op::ConfirmRestore {
        restore: RestoreId(restore.into()),
        notes,
        key,
    };
    write(&shared, op, StatusCode::OK).await
}

/// `POST /restores/{id}/cancel` (no body).
pub async fn cancel(
    State(shared): State<Arc<Shared>>,
    Path(restore): Path<String>,
    headers: HeaderMap,
) -> Answer {
    let key = idempotency_key(&headers)?;
    let op = Op::CancelRestore {
        restore: RestoreId(restore.into()),
        key,
    };
    write(&shared, op, StatusCode::OK).await
}

/// `POST /restores/{id}/discard {reason}` (a v1 addition): a reason is required, as the
/// journal and the customer's record need one.
pub async fn discard(
    State(shared): State<Arc<Shared>>,
    Path(restore): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer {
    let key = idempotency_key(&headers)?;
    let DiscardBody { reason } = json(body)?;
    if reason.trim().is_empty() {
        return Err(ApiError::bad_request(
            "invalid_body",
            "reason must say why the restore is discarded",
        ));
    }
    let op = Op::DiscardRestore {
        restore: RestoreId(restore.into()),
        reason,
        key,
    };
    write(&shared, op, StatusCode::OK).await
}

/// `POST /restores/{id}/drill-result` (a v1 addition): how a drill went, once.
pub async fn drill_result(
    State(shared): State<Arc<Shared>>,
    Path(restore): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer {
    let key = idempotency_key(&headers)?;
    let findings: DrillFindings = json(body)?;
    if matches!(findings.result, DrillResult::Unknown(_)) {
        return Err(ApiError::bad_request(
            "invalid_body",
            "result must be passed, warning or failed",
        ));
    }
    let op = Op::RecordDrill {
        restore: RestoreId(restore.into()),
        findings,
        key,
    };
    write(&shared, op, StatusCode::OK).await
}

/// `POST /tenants/{id}/dns-swaps {restore_id}`.
pub async fn create_dns_swap(
    State(shared): State<Arc<Shared>>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer {
    let key = idempotency_key(&headers)?;
    let DnsSwapBody { restore_id } = json(body)?;
    let op = Op::CreateDnsSwap {
        tenant: TenantId(tenant.into()),
        restore: restore_id,
        key,
    };
    write(&shared, op, StatusCode::OK).await
}

/// `POST /dns-swaps/{id}/rollback` (no body).
pub async fn rollback(
    State(shared): State<Arc<Shared>>,
    Path(swap): Path<String>,
    headers: HeaderMap,
) -> Answer {
    let key = idempotency_key(&headers)?;
    let op = Op::RollbackDnsSwap {
        swap: DnsSwapId(swap.into()),
        key,
    };
    write(&shared, op, StatusCode::OK).await
}

/// `POST /restore-requests/{ticket}/acknowledge` (no body).
pub async fn acknowledge(
    State(shared): State<Arc<Shared>>,
    Path(ticket): Path<String>,
    headers: HeaderMap,
) -> Answer {
    let key = idempotency_key(&headers)?;
    let op = Op::AcknowledgeRequest { ticket, key };
    write(&shared, op, StatusCode::OK).await
}

/// Carries out `op` on the caught-up control plane and answers the resource it left, with
/// `status`, or the contract's error.
async fn write(shared: &Shared, op: Op, status: StatusCode) -> Answer {
    let outcome = shared.now().await.apply(&op);
    let response = match outcome? {
        Reply::Restore(restore) => (status, Json(*restore)).into_response(),
        Reply::DnsSwap(swap) => (status, Json(*swap)).into_response(),
        Reply::Request(request) => (status, Json(*request)).into_response(),
        Reply::Drill(drill) => (status, Json(*drill)).into_response(),
        other => {
            // Only reads answer anything else, and no write handler builds a read.
            return Err(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                format!("the {} write answered {other:?}", op.name()),
            ));
        }
    };
    Ok(response)
}

fn idempotency_key(headers: &HeaderMap) -> Result<IdempotencyKey, ApiError> {
    let Some(value) = headers.get(IDEMPOTENCY_KEY) else {
        return Err(ApiError::bad_request(
            "idempotency_key_required",
            format!(
                "writes need an {IDEMPOTENCY_KEY} header (a UUID the client makes up once per \
                 intended action and re-sends with every retry)"
            ),
        ));
    };
    let key = value.to_str().map(str::trim).unwrap_or_default();
    if key.is_empty() || key.len() > MAX_KEY_LEN || !key.chars().all(|c| c.is_ascii_graphic()) {
        return Err(ApiError::bad_request(
            "invalid_idempotency_key",
            format!(
                "the {IDEMPOTENCY_KEY} header must be 1 to {MAX_KEY_LEN} visible ASCII \
                 characters, e.g. a UUID"
            ),
        ));
    }
    Ok(IdempotencyKey(key.into()))
}

/// The body as JSON; an empty body reads as `{}` (every field left out). Anything unreadable
/// is a `400` with the error body, not the framework's plain-text default.
fn json<T: DeserializeOwned>(body: Body) -> Result<T, ApiError> {
    let bytes = body.map_err(|e| {
        ApiError::new(
            e.status(),
            "invalid_body",
            format!("the request body could not be read: {}", e.body_text()),
        )
    })?;
    let text: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        &bytes
    };
    serde_json::from_slice(text).map_err(|e| {
        ApiError::bad_request(
            "invalid_body",
            format!("the body is not the JSON this endpoint takes: {e}"),
        )
    })
}
