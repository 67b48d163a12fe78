//! The control-plane API's own shapes (`docs/control-plane-api.md`) beyond the domain's types:
//! the page envelope, the error body, the write bodies, and the limits. The http source and
//! the reference server (`snapdeck serve-demo`) both read the contract through this module, so
//! they cannot drift apart. The resources themselves (tenant, restore point, restore, DNS swap,
//! restore request) are the domain's types, which serialise as the contract spells them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::ids::RestoreId;
use crate::domain::restore::RestoreEvent;
use crate::domain::tenant::Tenant;

/// Every path is under this.
pub const API_PREFIX: &str = "/api/v1";
/// A page's size when `limit` is not given, and the most a client may ask for.
pub const DEFAULT_LIMIT: usize = 500;
pub const MAX_LIMIT: usize = 1000;
/// The header a write's idempotency key travels in.
pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

/// One page of a paged list: `next_cursor` fetches the next, none when this was the last.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    #[serde(default)]
    pub next_cursor: Option<String>,
}

/// `GET /tenants`: a page of the fleet, as of `generated_at`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TenantsPage {
    pub generated_at: DateTime<Utc>,
    pub items: Vec<Tenant>,
    #[serde(default)]
    pub next_cursor: Option<String>,
}

/// `GET /restores/{id}/events?after=<seq>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventsPage {
    pub items: Vec<RestoreEvent>,
}

/// The body of every non-2xx answer (when there is one, and it is JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
}

/// `POST /restores/{id}/confirm`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfirmBody {
    #[serde(default)]
    pub notes: String,
}

/// `POST /restores/{id}/discard` (a v1 addition): why the restore is rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscardBody {
    #[serde(default)]
    pub reason: String,
}

/// `POST /tenants/{id}/dns-swaps`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsSwapBody {
    pub restore_id: RestoreId,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_and_errors_read_as_the_contract_writes_them() {
        let page: Page<u32> =
            serde_json::from_str(r#"{"items":[1,2],"next_cursor":null}"#).unwrap();
        assert_eq!(
            page,
            Page {
                items: vec![1, 2],
                next_cursor: None
            }
        );
        // A missing cursor is the last page; unknown fields are ignored.
        let page: Page<u32> = serde_json::from_str(r#"{"items":[],"extra":true}"#).unwrap();
        assert!(page.next_cursor.is_none());
        let error: ErrorBody = serde_json::from_str(
            r#"{"error":{"code":"slug_taken","message":"a tenant named x already exists"}}"#,
        )
        .unwrap();
        assert_eq!(error.error.code, "slug_taken");
        let confirm: ConfirmBody = serde_json::from_str("{}").unwrap();
        assert_eq!(confirm.notes, "");
    }
}
