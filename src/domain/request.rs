//! Restore requests: support tickets waiting for on-call, with their acknowledgement deadline.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::ids::{RestoreId, TenantId};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RestoreRequest {
    pub ticket: String,
    pub tenant_id: TenantId,
    pub requested_at: DateTime<Utc>,
    /// `None` means "the most recent backup".
    pub point_in_time: Option<DateTime<Utc>>,
    #[serde(default)]
    pub prefers_overwrite: bool,
    #[serde(default)]
    pub note: String,
    /// One business hour after `requested_at`.
    pub ack_deadline_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub restore_id: Option<RestoreId>,
}

impl RestoreRequest {
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.acknowledged_at.is_none() && now > self.ack_deadline_at
    }
}
