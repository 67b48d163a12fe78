//! DNS swaps: pointing a tenant's hostname at its restored spoke, and back.

use chrono::{DateTime, Duration, Utc};
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

/// The restores these swaps point a hostname at, or are on their way to.
pub fn swapped_restores<'a>(swaps: impl IntoIterator<Item = &'a DnsSwap>) -> Vec<RestoreId> {
    swaps
        .into_iter()
        .filter(|s| !matches!(s.phase, DnsPhase::Failed | DnsPhase::RolledBack))
        .map(|s| s.restore_id.clone())
        .collect()
}

impl DnsPhase {
    /// The record is on its way somewhere: pending, applying or propagating.
    pub fn is_under_way(&self) -> bool {
        matches!(
            self,
            DnsPhase::Pending | DnsPhase::Applying | DnsPhase::Propagating
        )
    }

    pub fn is_settled(&self) -> bool {
        matches!(self, Self::Verified | Self::Failed | Self::RolledBack)
    }

    /// Still changing the record or waiting for resolvers: a second swap of the same
    /// hostname would race it.
    pub fn is_active(&self) -> bool {
        matches!(self, Self::Pending | Self::Applying | Self::Propagating)
    }

    /// Rolling back points the hostname at `from_target` again: worth doing once the record
    /// has changed (propagating, verified) or may have half-changed (failed).
    pub fn can_roll_back(&self) -> bool {
        matches!(self, Self::Propagating | Self::Verified | Self::Failed)
    }

    /// The forward phases, in order (failed and rolled back end it off this path).
    pub const HAPPY_PATH: [DnsPhase; 4] = [
        DnsPhase::Pending,
        DnsPhase::Applying,
        DnsPhase::Propagating,
        DnsPhase::Verified,
    ];
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

impl DnsSwap {
    /// While propagating: how much of one TTL is left since the record changed (`updated_at`
    /// is when propagation began), negative once it has passed — resolvers that cached the
    /// old answer may serve it until then.
    pub fn ttl_left(&self, now: DateTime<Utc>) -> Option<Duration> {
        (self.phase == DnsPhase::Propagating)
            .then(|| self.updated_at + Duration::seconds(i64::from(self.ttl_seconds)) - now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn swap(phase: DnsPhase) -> DnsSwap {
        let at = Utc.with_ymd_and_hms(2026, 11, 26, 3, 10, 0).unwrap();
        DnsSwap {
            id: DnsSwapId::from("dns_5e0"),
            tenant_id: TenantId::from("ten_9q1"),
            restore_id: RestoreId::from("rst_41c"),
            hostname: "a.example-moodle.net".into(),
            from_target: "a.spokes.eu-west-1.example-moodle.net".into(),
            to_target: "a-restore-20261126.spokes.eu-west-1.example-moodle.net".into(),
            ttl_seconds: 60,
            phase,
            requested_at: at,
            updated_at: at,
            error: None,
        }
    }

    #[test]
    fn the_ttl_counts_down_only_while_propagating() {
        let s = swap(DnsPhase::Propagating);
        let later = s.updated_at + Duration::seconds(20);
        assert_eq!(s.ttl_left(later), Some(Duration::seconds(40)));
        let past = s.updated_at + Duration::seconds(90);
        assert_eq!(s.ttl_left(past), Some(Duration::seconds(-30)));
        assert_eq!(swap(DnsPhase::Verified).ttl_left(later), None);
    }

    #[test]
    fn rollback_is_for_a_changed_or_failed_record_only() {
        let can: Vec<bool> = [
            DnsPhase::Pending,
            DnsPhase::Applying,
            DnsPhase::Propagating,
            DnsPhase::Verified,
            DnsPhase::Failed,
            DnsPhase::RolledBack,
        ]
        .iter()
        .map(DnsPhase::can_roll_back)
        .collect();
        assert_eq!(can, [false, false, true, true, true, false]);
        assert!(DnsPhase::Applying.is_active() && !DnsPhase::Verified.is_active());
    }
}
