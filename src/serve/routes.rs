//! The contract's paths, and the layers every request goes through (log, then auth).

use std::sync::Arc;

use axum::Router;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};

use super::state::Shared;
use super::{auth, error, log, reads, writes};
use crate::contract::API_PREFIX;

pub fn router(shared: Arc<Shared>) -> Router {
    let at = |path: &str| format!("{API_PREFIX}{path}");
    Router::new()
        .route(&at("/tenants"), get(reads::tenants))
        .route(&at("/tenants/{id}"), get(reads::tenant))
        .route(
            &at("/tenants/{id}/restore-points"),
            get(reads::restore_points),
        )
        .route(&at("/tenants/{id}/restores"), post(writes::create_restore))
        .route(
            &at("/tenants/{id}/dns-swaps"),
            post(writes::create_dns_swap),
        )
        .route(&at("/restores"), get(reads::restores))
        .route(&at("/restores/{id}"), get(reads::restore))
        .route(&at("/restores/{id}/events"), get(reads::events))
        .route(&at("/restores/{id}/confirm"), post(writes::confirm))
        .route(&at("/restores/{id}/cancel"), post(writes::cancel))
        .route(&at("/restores/{id}/discard"), post(writes::discard))
        .route(
            &at("/restores/{id}/drill-result"),
            post(writes::drill_result),
        )
        .route(&at("/drills"), get(reads::drills))
        .route(&at("/regions"), get(reads::regions))
        // The list is an extension of the contract (see `reads::dns_swaps`).
        .route(&at("/dns-swaps"), get(reads::dns_swaps))
        .route(&at("/dns-swaps/{id}"), get(reads::dns_swap))
        .route(&at("/dns-swaps/{id}/rollback"), post(writes::rollback))
        .route(&at("/restore-requests"), get(reads::restore_requests))
        .route(
            &at("/restore-requests/{ticket}/acknowledge"),
            post(writes::acknowledge),
        )
        .fallback(error::no_such_path)
        .method_not_allowed_fallback(error::no_such_method)
        // Layers wrap what was added before them: auth guards every path (unknown ones
        // too, so a caller without a token learns nothing of the API), and the log, added
        // last, sees every answer, a 401 included.
        .layer(from_fn_with_state(
            Arc::new(shared.tokens.clone()),
            auth::require,
        ))
        .layer(from_fn(log::requests))
        .with_state(shared)
}
