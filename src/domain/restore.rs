//! Restores into a new spoke (or over the original) and the phases they move through.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::ids::{RestoreId, RestorePointId, TenantId};
use crate::wire_enum;

wire_enum!(
    /// Where a restore writes: a new `<slug>-restore-<yyyymmdd>` spoke, or over the original.
    RestoreMode { NewSpoke => "new_spoke", Overwrite => "overwrite" }
);

wire_enum!(
    /// `queued` → `provisioning` → `restoring_database` → `restoring_volume` → `verifying` →
    /// `awaiting_confirmation` → `completed`; or `failed` / `cancelled` from an earlier phase.
    RestorePhase {
        Queued => "queued",
        Provisioning => "provisioning",
        RestoringDatabase => "restoring_database",
        RestoringVolume => "restoring_volume",
        Verifying => "verifying",
        AwaitingConfirmation => "awaiting_confirmation",
        Completed => "completed",
        Failed => "failed",
        Cancelled => "cancelled",
    }
);

wire_enum!(
    StepStatus {
        Pending => "pending",
        Running => "running",
        Succeeded => "succeeded",
        Failed => "failed",
        Skipped => "skipped",
    }
);

wire_enum!(
    CheckStatus { Passed => "passed", Failed => "failed", Warning => "warning" }
);

impl RestorePhase {
    /// The phases a healthy restore goes through, in order.
    pub const HAPPY_PATH: [RestorePhase; 7] = [
        RestorePhase::Queued,
        RestorePhase::Provisioning,
        RestorePhase::RestoringDatabase,
        RestorePhase::RestoringVolume,
        RestorePhase::Verifying,
        RestorePhase::AwaitingConfirmation,
        RestorePhase::Completed,
    ];

    /// Still holds the tenant's one active-restore slot.
    pub fn is_active(&self) -> bool {
        !matches!(
            self,
            Self::Completed | Self::Failed | Self::Cancelled | Self::Unknown(_)
        )
    }

    /// The contract allows cancel only before `awaiting_confirmation`.
    pub fn can_cancel(&self) -> bool {
        self.is_active() && *self != Self::AwaitingConfirmation
    }

    /// The contract allows confirm only from `awaiting_confirmation`.
    pub fn can_confirm(&self) -> bool {
        *self == Self::AwaitingConfirmation
    }

    /// The next phase on the happy path, if any.
    pub fn next(&self) -> Option<RestorePhase> {
        let at = Self::HAPPY_PATH.iter().position(|p| p == self)?;
        Self::HAPPY_PATH.get(at + 1).cloned()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Restore {
    pub id: RestoreId,
    pub tenant_id: TenantId,
    pub source_slug: String,
    pub target_slug: String,
    pub target_hostname: String,
    pub mode: RestoreMode,
    pub restore_point_id: Option<RestorePointId>,
    pub ticket: Option<String>,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    pub phase: RestorePhase,
    #[serde(default)]
    pub steps: Vec<RestoreStep>,
    pub rto_deadline_at: Option<DateTime<Utc>>,
    pub verification: Option<Vec<VerificationCheck>>,
    pub error: Option<String>,
    pub confirmed_by: Option<String>,
    pub confirmed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RestoreStep {
    pub name: String,
    pub status: StepStatus,
    #[serde(default)]
    pub started_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub finished_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub progress: Option<f64>,
    #[serde(default)]
    pub message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerificationCheck {
    pub name: String,
    pub status: CheckStatus,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RestoreEvent {
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub level: String,
    pub message: String,
}

/// `POST /tenants/{id}/restores`: what the operator asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateRestore {
    /// `None`: the most recent successful backup.
    pub restore_point_id: Option<RestorePointId>,
    pub mode: RestoreMode,
    /// `None` for a new spoke: the control plane names it `<slug>-restore-<yyyymmdd>`.
    pub target_slug: Option<String>,
    pub ticket: Option<String>,
    pub reason: Option<String>,
}

/// The slug a `new_spoke` restore gets: `<slug>-restore-<yyyymmdd>`, then `-2`, `-3`… while taken.
pub fn new_spoke_slug(
    source_slug: &str,
    day: chrono::NaiveDate,
    taken: impl Fn(&str) -> bool,
) -> String {
    let base = format!("{source_slug}-restore-{}", day.format("%Y%m%d"));
    if !taken(&base) {
        return base;
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|candidate| !taken(candidate))
        .unwrap_or(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn happy_path_walks_to_completed_and_stops() {
        let mut phase = RestorePhase::Queued;
        let mut seen = vec![phase.clone()];
        while let Some(next) = phase.next() {
            seen.push(next.clone());
            phase = next;
        }
        assert_eq!(seen, RestorePhase::HAPPY_PATH.to_vec());
        assert!(RestorePhase::Failed.next().is_none());
    }

    #[test]
    fn cancel_and_confirm_follow_the_contract() {
        assert!(RestorePhase::RestoringVolume.can_cancel());
        assert!(!RestorePhase::AwaitingConfirmation.can_cancel());
        assert!(RestorePhase::AwaitingConfirmation.can_confirm());
        assert!(!RestorePhase::Verifying.can_confirm());
        assert!(!RestorePhase::Completed.is_active());
        assert!(!RestorePhase::Unknown("paused".into()).is_active());
    }

    #[test]
    fn new_spoke_slug_counts_up_when_taken() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        assert_eq!(
            new_spoke_slug("nf-s3", day, |_| false),
            "nf-s3-restore-20261126"
        );
        let taken = ["nf-s3-restore-20261126", "nf-s3-restore-20261126-2"];
        assert_eq!(
            new_spoke_slug("nf-s3", day, |s| taken.contains(&s)),
            "nf-s3-restore-20261126-3"
        );
    }

    #[test]
    fn unknown_phase_round_trips_and_reads_as_unknown() {
        let p: RestorePhase = serde_json::from_str("\"paused\"").unwrap();
        assert_eq!(p.label(), "unknown(paused)");
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"paused\"");
    }
}
