//! A tenant of the platform (hub or spoke) and its backup summary, shaped exactly like the
//! contract's tenant object so that `status --json` and the http source share one model.

use chrono::{DateTime, Utc};
use compact_str::CompactString;
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
    pub slug: CompactString,
    pub kind: TenantKind,
    pub hub_id: Option<TenantId>,
    #[serde(default)]
    pub display_name: String,
    pub tier: Tier,
    pub region: CompactString,
    #[serde(default)]
    pub secondary_region: Option<CompactString>,
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
    /// snapdeck's own field: set when the tenant was read straight from a cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<Box<ClusterView>>,
}

/// What a tenant read straight from a Kubernetes cluster carries beside the contract's
/// fields: where it lives, whose policy applies, and what the cluster could not tell.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ClusterView {
    /// The kubeconfig context it was read through.
    pub cluster: String,
    /// A self-host customer's own policy, which replaces the tier's: their chart snapshots
    /// the volume only (no database dumps, no cross-region copies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_host: Option<OwnPolicy>,
    /// The backup CronJob says `spec.suspend: true`.
    #[serde(default)]
    pub suspended: bool,
    /// What the cluster's objects do not say, each with the reason in words. A fact that
    /// cannot be read is shown as unknown, never guessed and never silently fine.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknowns: Vec<Unknown>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnPolicy {
    pub rpo_seconds: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unknown {
    pub fact: Fact,
    pub reason: String,
}

wire_enum!(
    /// A fact about a tenant's backups that a cluster may fail to tell.
    Fact {
        Tier => "tier",
        Kind => "kind",
        Hub => "hub",
        Schedule => "schedule",
        Retention => "retention",
        Snapshot => "snapshot",
        DatabaseDump => "database_dump",
        CrossRegion => "cross_region",
    }
);

impl Fact {
    /// How the fact is named in a sentence ("cross-region copy: unknown — …").
    pub fn words(&self) -> &str {
        match self {
            Fact::Tier => "tier",
            Fact::Kind => "hub or spoke",
            Fact::Hub => "hub",
            Fact::Schedule => "schedule",
            Fact::Retention => "retention",
            Fact::Snapshot => "volume snapshot",
            Fact::DatabaseDump => "database dump",
            Fact::CrossRegion => "cross-region copy",
            Fact::Unknown(raw) => raw,
        }
    }
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
    /// A contract addition: the most recent restore drill; none for a tenant never drilled
    /// (or a server without drills).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_drill: Option<super::last_drill::LastDrill>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupSchedule {
    /// Five-field cron expression, as in the CronJob.
    pub cron: CompactString,
    /// IANA time zone the cron expression is read in.
    pub timezone: CompactString,
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
            cluster,
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
            && *cluster == other.cluster
    }

    /// The cluster's view of this tenant, when it was read from one.
    pub fn cluster(&self) -> Option<&ClusterView> {
        self.cluster.as_deref()
    }

    /// The name of the cluster it was read from; empty when it was not read from one.
    pub fn cluster_name(&self) -> &str {
        self.cluster().map_or("", |c| c.cluster.as_str())
    }

    /// Whether the cluster said it cannot tell `fact`.
    pub fn cannot_tell(&self, fact: &Fact) -> bool {
        self.cluster()
            .is_some_and(|c| c.unknowns.iter().any(|u| u.fact == *fact))
    }

    pub fn is_self_host(&self) -> bool {
        self.cluster().is_some_and(|c| c.self_host.is_some())
    }

    /// The tier as shown: a self-host customer's own policy is no tier of ours.
    pub fn tier_label(&self) -> std::borrow::Cow<'_, str> {
        match self.is_self_host() {
            true => std::borrow::Cow::Borrowed("self-host"),
            false => self.tier.label(),
        }
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
