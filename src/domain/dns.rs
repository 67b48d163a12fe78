//! DNS swaps: pointing a tenant's hostname at its restored spoke, and back.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::ids::{DnsSwapId, RestoreId, TenantId};
use crate::wire_enum;

wire_enum!(
    /// `pending` → `applying` → `propagating` → `verified`; or `failed`; or `rolled_back`.
    DnsPhase {
        Pending => "pending",
        Applying => "applying",
        Propagating => "propagating",
        Verified => "verified",
        Failed => "failed",
        RolledBack => "rolled_back",
    }
);

impl DnsPhase {
    pub fn is_settled(&self) -> bool {
        matches!(self, Self::Verified | Self::Failed | Self::RolledBack)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DnsSwap {
    pub id: DnsSwapId,
    pub tenant_id: TenantId,
    pub restore_id: RestoreId,
    pub hostname: String,
    pub from_target: String,
    pub to_target: String,
    pub ttl_seconds: u32,
    pub phase: DnsPhase,
    pub requested_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub error: Option<String>,
}
