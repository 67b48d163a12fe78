//! The contract's reads: each handler checks its query, takes what it needs from the
//! simulator under the lock, and serialises after letting go.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::error::ApiError;
use super::paging::{self, Paging};
use super::state::Shared;
use crate::contract::{EventsPage, Page};
use crate::domain::ids::{DnsSwapId, RestoreId, TenantId};
use crate::domain::region::RegionsPage;
use crate::domain::tenant::Tenant;

pub type Params = Result<Query<HashMap<String, String>>, QueryRejection>;
type Answer = Result<Response, ApiError>;

/// The query's parameters; unknown ones are simply never looked at.
fn params(query: Params) -> Result<HashMap<String, String>, ApiError> {
    query.map(|Query(q)| q).map_err(|e| {
        ApiError::bad_request(
            "invalid_query",
            format!("the query string could not be read: {e}"),
        )
    })
}

/// `contract::TenantsPage`, borrowing the fleet's tenants instead of copying them.
#[derive(Serialize)]
struct TenantsPage<'a> {
    generated_at: DateTime<Utc>,
    items: Vec<&'a Tenant>,
    next_cursor: Option<String>,
}

/// `GET /tenants`: paged, with the fleet's generation as `ETag`; `If-None-Match` with it
/// answers `304` and no body.
pub async fn tenants(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    query: Params,
) -> Answer {
    let paging = Paging::from_query(&params(query)?)?;
    let (generated_at, tenants, next_cursor, etag) = {
        let control = shared.now().await;
        let etag = shared.etag(control.generation());
        if matches(&headers, &etag) {
            return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response());
        }
        let sim = &control.sim;
        let (tenants, next) = paging::page_where(sim.tenants(), paging, |t| sim.is_listed(t));
        (control.sim.now(), tenants, next, etag)
    };
    let page = TenantsPage {
        generated_at,
        items: tenants.iter().map(|t| t.as_ref()).collect(),
        next_cursor,
    };
    Ok(([(header::ETAG, etag)], Json(page)).into_response())
}

/// Whether `If-None-Match` names `etag` (a list, weak forms and `*` included, RFC 9110).
fn matches(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|tag| tag.trim())
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag)
}

/// `GET /tenants/{id}`.
pub async fn tenant(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Answer {
    let tenant = {
        let control = shared.now().await;
        let sim = &control.sim;
        sim.tenants()
            .iter()
            .find(|t| t.id.0 == id && sim.is_listed(t))
            .cloned()
    };
    let tenant =
        tenant.ok_or_else(|| ApiError::not_found("tenant_not_found", format!("no tenant {id}")))?;
    Ok(Json(tenant.as_ref()).into_response())
}

/// `GET /tenants/{id}/restore-points`: newest first, paged.
pub async fn restore_points(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    query: Params,
) -> Answer {
    let paging = Paging::from_query(&params(query)?)?;
    let page = {
        let mut control = shared.now().await;
        let cursor = paging.cursor();
        control
            .sim
            .restore_points_limited(&TenantId(id.into()), cursor.as_deref(), paging.limit)?
    };
    Ok(Json(page).into_response())
}

/// `GET /restores` (every restore the control plane knows), `?active=true` (those not
/// yet completed, failed or cancelled) and `?batch=fo_…` (one failover batch's).
pub async fn restores(State(shared): State<Arc<Shared>>, query: Params) -> Answer {
    let query = params(query)?;
    let paging = Paging::from_query(&query)?;
    let active = paging::flag(&query, "active")?;
    let batch = query.get("batch");
    let (items, next_cursor) = {
        let control = shared.now().await;
        let all = control.sim.restores();
        paging::page_where(all, paging, |r| {
            (!active || r.phase.is_active()) && batch.is_none_or(|b| r.batch.as_ref() == Some(b))
        })
    };
    Ok(Json(Page { items, next_cursor }).into_response())
}

/// `GET /regions` (a v1 addition, not paged): every region and its status.
pub async fn regions(State(shared): State<Arc<Shared>>) -> Answer {
    let control = shared.now().await;
    let page = RegionsPage {
        generated_at: control.sim.now(),
        items: control.sim.regions(),
    };
    Ok(Json(page).into_response())
}

/// `GET /drills?tenant_id=` (a v1 addition): the tenant's past drills, newest first.
pub async fn drills(State(shared): State<Arc<Shared>>, query: Params) -> Answer {
    let query = params(query)?;
    let paging = Paging::from_query(&query)?;
    let Some(tenant) = query.get("tenant_id") else {
        return Err(ApiError::bad_request(
            "invalid_query",
            "tenant_id is required: the drills of which tenant",
        ));
    };
    let all = shared
        .now()
        .await
        .sim
        .drills(&TenantId(tenant.as_str().into()))?;
    let (items, next_cursor) = paging::page_where(&all, paging, |_| true);
    Ok(Json(Page { items, next_cursor }).into_response())
}

/// `GET /restores/{id}`.
pub async fn restore(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Answer {
    let restore = {
        let control = shared.now().await;
        control
            .sim
            .restores()
            .iter()
            .find(|r| r.id.0 == id)
            .cloned()
    };
    let restore = restore.ok_or_else(|| {
        ApiError::not_found("restore_not_found", format!("there is no restore {id}"))
    })?;
    Ok(Json(restore).into_response())
}

/// `GET /restores/{id}/events?after=<seq>`: the live log after a sequence number (all of it
/// without one).
pub async fn events(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    query: Params,
) -> Answer {
    let query = params(query)?;
    let after = match query.get("after").map(|a| a.trim()) {
        None | Some("") => 0,
        Some(text) => text.parse::<u64>().map_err(|_| {
            ApiError::bad_request(
                "invalid_parameter",
                format!("after must be a sequence number, a whole number from 0 (got {text:?})"),
            )
        })?,
    };
    let items = {
        let control = shared.now().await;
        control.sim.restore_events(&RestoreId(id.into()), after)?
    };
    Ok(Json(EventsPage { items }).into_response())
}

/// `GET /dns-swaps` — an extension: the contract names only `GET /dns-swaps/{id}`, but a
/// client has to learn of swaps somehow, and the dashboard shows them all. Paged like every
/// list, oldest first.
pub async fn dns_swaps(State(shared): State<Arc<Shared>>, query: Params) -> Answer {
    let paging = Paging::from_query(&params(query)?)?;
    let (items, next_cursor) = {
        let control = shared.now().await;
        paging::page(control.sim.dns_swaps(), paging)
    };
    Ok(Json(Page { items, next_cursor }).into_response())
}

/// `GET /dns-swaps/{id}`.
pub async fn dns_swap(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Answer {
    let id = DnsSwapId(id.into());
    let swap = {
        let control = shared.now().await;
        control.sim.dns_swaps().iter().find(|s| s.id == id).cloned()
    };
    let swap = swap.ok_or_else(|| {
        ApiError::not_found("dns_swap_not_found", format!("there is no DNS swap {id}"))
    })?;
    Ok(Json(swap).into_response())
}

/// `GET /restore-requests?open=true` (tickets not yet answered by a completed restore);
/// without it, every ticket.
pub async fn restore_requests(State(shared): State<Arc<Shared>>, query: Params) -> Answer {
    let query = params(query)?;
    let paging = Paging::from_query(&query)?;
    let open = paging::flag(&query, "open")?;
    let (items, next_cursor) = {
        let control = shared.now().await;
        if open {
            paging::page(&control.sim.open_requests(), paging)
        } else {
            paging::page(control.sim.all_requests(), paging)
        }
    };
    Ok(Json(Page { items, next_cursor }).into_response())
}
