//! A tenant of the platform (hub or spoke) and its backup summary, shaped exactly like the
//! contract's tenant object so that `status --json` and the http source share one model.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::wire_enum;

pub use super::ids::{RestoreId, RestorePointId, TenantId};

wire_enum!(
    /// Hubs own spokes; a spoke names its hub in `hub_id`.
    TenantKind { Hub => "hub", Spoke => "spoke" }
);

wire_enum!(
    /// The commercial tier, which decides retention, RPO, RTO and cross-region copies.
    Tier { Standard => "standard", Dedicated => "dedicated" }
);

wire_enum!(
    /// Lifecycle state of the tenant itself (not of its backups).
    TenantState {
        Active => "active",
        Provisioning => "provisioning",
        Suspended => "suspended",
        Restoring => "restoring",
        Deleting => "deleting",
    }
);

wire_enum!(
    /// Outcome of one backup attempt; `Partial` means one half of the pair failed.
    AttemptStatus {
        Succeeded => "succeeded",
        Failed => "failed",
        Partial => "partial",
        Running => "running",
    }
);

wire_enum!(
    /// State of the newest cross-region copy (Dedicated only).
    CrossRegionStatus { Ok => "ok", Pending => "pending", Failed => "failed" }
);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tenant {
    pub id: TenantId,
    pub slug: String,
    pub kind: TenantKind,
    pub hub_id: Option<TenantId>,
    #[serde(default)]
    pub display_name: String,
    pub tier: Tier,
    pub region: String,
    #[serde(default)]
    pub secondary_region: Option<String>,
    #[serde(default)]
    pub hostname: String,
    pub state: TenantState,
    pub created_at: DateTime<Utc>,
    pub backup: BackupSummary,
    #[serde(default)]
    pub active_restore_id: Option<RestoreId>,
    /// The tenant this one was restored from, when a `new_spoke` restore created it: the
    /// operator must tell a restore target from a customer's own spoke at a glance. Optional
    /// on the wire (older servers do not send it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restore_of: Option<TenantId>,
    /// snapdeck's own field, not the contract's: when the source last heard about this tenant.
    /// A row whose source has gone quiet is judged stale from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupSummary {
    pub schedule: BackupSchedule,
    pub retention_days: u32,
    pub last_success: Option<LastSuccess>,
    pub last_attempt: Option<LastAttempt>,
    pub oldest_restore_point_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub restore_point_count: u64,
    #[serde(default)]
    pub cross_region: Option<CrossRegion>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupSchedule {
    /// Five-field cron expression, as in the CronJob.
    pub cron: String,
    /// IANA time zone the cron expression is read in.
    pub timezone: String,
    /// When the scheduler will next fire; in the past when the scheduler is stuck.
    pub next_run_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LastSuccess {
    pub restore_point_id: RestorePointId,
    pub taken_at: DateTime<Utc>,
    pub skew_seconds: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LastAttempt {
    pub restore_point_id: RestorePointId,
    pub taken_at: DateTime<Utc>,
    pub status: AttemptStatus,
    #[serde(default)]
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrossRegion {
    pub last_copied_at: Option<DateTime<Utc>>,
    pub status: CrossRegionStatus,
}

impl Tenant {
    /// Whether two reports of a tenant say the same, when each was observed aside.
    pub fn same_report(&self, other: &Tenant) -> bool {
        // Destructured so that a new field cannot be forgotten here.
        let Tenant {
            id,
            slug,
            kind,
            hub_id,
            display_name,
            tier,
            region,
            secondary_region,
            hostname,
            state,
            created_at,
            backup,
            active_restore_id,
            restore_of,
            observed_at: _,
        } = self;
        *id == other.id
            && *slug == other.slug
            && *kind == other.kind
            && *hub_id == other.hub_id
            && *display_name == other.display_name
            && *tier == other.tier
            && *region == other.region
            && *secondary_region == other.secondary_region
            && *hostname == other.hostname
            && *state == other.state
            && *created_at == other.created_at
            && *backup == other.backup
            && *active_restore_id == other.active_restore_id
            && *restore_of == other.restore_of
    }

    pub fn is_hub(&self) -> bool {
        self.kind == TenantKind::Hub
    }

    /// The hub this tenant belongs to in the fleet tree: itself for a hub.
    pub fn group_id(&self) -> &TenantId {
        match (&self.kind, &self.hub_id) {
            (TenantKind::Spoke, Some(hub)) => hub,
            _ => &self.id,
        }
    }
}
