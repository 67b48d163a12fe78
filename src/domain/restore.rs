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
    /// `awaiting_confirmation` → `completed`; or `failed` / `cancelled` from an earlier phase;
    /// or `discarded` (a contract addition: the new spoke rejected and torn down).
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
        Discarded => "discarded",
    }
);

wire_enum!(
    /// Why a restore was made (a contract addition): asked for, or a drill to be checked and
    /// thrown away. A server without drills sends none: a request.
    RestorePurpose { Request => "request", Drill => "drill", Failover => "failover" }
);

impl RestorePurpose {
    pub fn is_request(&self) -> bool {
        *self == RestorePurpose::Request
    }
}

// wire_enum! makes the enum, so `#[default]` cannot be put on its variant.
#[allow(clippy::derivable_impls)]
impl Default for RestorePurpose {
    fn default() -> Self {
        RestorePurpose::Request
    }
}

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
            Self::Completed | Self::Failed | Self::Cancelled | Self::Discarded | Self::Unknown(_)
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

    /// The contract's discard: a `new_spoke` restore nobody was pointed at, rejected while it
    /// awaits confirmation or after it failed. Never an overwrite (the tenant itself is the
    /// target) nor a completed restore (the contract answers `409 invalid_phase`).
    pub fn can_discard(&self, mode: &RestoreMode) -> bool {
        *mode == RestoreMode::NewSpoke && matches!(self, Self::AwaitingConfirmation | Self::Failed)
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
    #[serde(default)]
    pub purpose: RestorePurpose,
    /// A contract addition: the region restored into, when the server says (null or absent:
    /// the tenant's own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_region: Option<String>,
    /// A contract addition: the failover batch this restore belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<String>,
}

impl Restore {
    /// The control plane's checks came, and every one passed.
    pub fn checks_all_passed(&self) -> bool {
        self.verification
            .as_deref()
            .is_some_and(|checks| checks.iter().all(|c| c.status == CheckStatus::Passed))
    }

    /// The contract's discard: `RestorePhase::can_discard`, and a drill's spoke in any phase
    /// after `queued` (a drill is thrown away whatever it found).
    pub fn can_discard(&self) -> bool {
        let drill_under_way = self.purpose == RestorePurpose::Drill
            && self.mode == RestoreMode::NewSpoke
            && self.phase.is_active()
            && self.phase != RestorePhase::Queued;
        self.phase.can_discard(&self.mode) || drill_under_way
    }
}

/// Active restores told apart by whom they wait for: the platform (restoring) or a person
/// (awaiting confirmation). "3 restores running" must never mean three people awaited.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ActiveRestores {
    pub restoring: usize,
    pub awaiting: usize,
}

impl ActiveRestores {
    pub fn of<'a>(restores: impl IntoIterator<Item = &'a Restore>) -> ActiveRestores {
        let mut counts = ActiveRestores::default();
        for r in restores.into_iter().filter(|r| r.phase.is_active()) {
            match r.phase {
                RestorePhase::AwaitingConfirmation => counts.awaiting += 1,
                _ => counts.restoring += 1,
            }
        }
        counts
    }
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    /// A drill's restore says so (never sent for a request, which servers without drills
    /// would not know).
    #[serde(default, skip_serializing_if = "RestorePurpose::is_request")]
    pub purpose: RestorePurpose,
    /// A contract addition: restore into this region (the tenant's `secondary_region`, from
    /// a copied point) instead of its own. Sent only to a server that reports regions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_region: Option<String>,
    /// A contract addition: the failover batch (`fo_…`), sent with `purpose: "failover"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<String>,
}

/// How many target slugs `free_target_slug` tries (the bare one, then `-2` … `-1000`) before
/// it gives up: a thousand restores of one spoke on one day means something else is wrong, and
/// the control plane answers `409 slug_taken` to the last one tried rather than us spinning.
pub const MAX_TARGET_SLUG_TRIES: u32 = 1000;

/// The slug a `new_spoke` restore gets: `<slug>-restore-<yyyymmdd>`, the date being the UTC day
/// the restore is requested (DESIGN.md, "Naming a restore target"), whatever the operator's zone.
pub fn target_slug(original_slug: &str, requested_at: DateTime<Utc>) -> String {
    format!("{original_slug}-restore-{}", requested_at.format("%Y%m%d"))
}

/// `target_slug`, or the first of `-2`, `-3` … appended to it that is not `taken`. After
/// `MAX_TARGET_SLUG_TRIES` candidates it returns the last one tried, taken or not.
pub fn free_target_slug(
    original_slug: &str,
    requested_at: DateTime<Utc>,
    taken: impl Fn(&str) -> bool,
) -> String {
    free_slug(target_slug(original_slug, requested_at), taken)
}

/// `base`, or the first of `-2`, `-3` … appended to it that is not `taken` (at most
/// `MAX_TARGET_SLUG_TRIES` candidates; then the last one tried).
pub fn free_slug(base: String, taken: impl Fn(&str) -> bool) -> String {
    std::iter::once(base.clone())
        .chain((2..=MAX_TARGET_SLUG_TRIES).map(|n| format!("{base}-{n}")))
        .find(|candidate| !taken(candidate))
        .unwrap_or_else(|| format!("{base}-{MAX_TARGET_SLUG_TRIES}"))
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
    fn only_an_unconfirmed_or_failed_new_spoke_can_be_discarded() {
        let spoke = RestoreMode::NewSpoke;
        assert!(RestorePhase::AwaitingConfirmation.can_discard(&spoke));
        assert!(RestorePhase::Failed.can_discard(&spoke));
        for phase in [
            RestorePhase::Queued,
            RestorePhase::Verifying,
            RestorePhase::Completed,
            RestorePhase::Cancelled,
            RestorePhase::Discarded,
        ] {
            assert!(!phase.can_discard(&spoke), "{phase:?}");
        }
        assert!(!RestorePhase::AwaitingConfirmation.can_discard(&RestoreMode::Overwrite));
        assert!(!RestorePhase::Discarded.is_active());
    }

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32, sec: u32) -> DateTime<Utc> {
        use chrono::TimeZone;
        Utc.with_ymd_and_hms(y, m, d, h, min, sec).unwrap()
    }

    #[test]
    fn target_slug_is_the_slug_restore_and_the_utc_day() {
        assert_eq!(
            target_slug("nf-s3", utc(2026, 11, 26, 3, 14, 0)),
            "nf-s3-restore-20261126"
        );
    }

    #[test]
    fn target_slug_takes_the_utc_day_not_the_operators() {
        use chrono::TimeZone;
        use chrono_tz::Pacific::Auckland;
        // 23:59:59 UTC is already Friday lunchtime in Auckland: still Thursday's slug.
        let before = utc(2026, 11, 26, 23, 59, 59);
        assert_eq!(
            before.with_timezone(&Auckland).date_naive(),
            chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
        );
        assert_eq!(target_slug("nf-s3", before), "nf-s3-restore-20261126");
        // One second later the UTC day turns.
        let after = Auckland
            .with_ymd_and_hms(2026, 11, 27, 13, 0, 0)
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(after, before + chrono::Duration::seconds(1));
        assert_eq!(target_slug("nf-s3", after), "nf-s3-restore-20261127");
    }

    #[test]
    fn free_target_slug_counts_up_while_taken() {
        let at = utc(2026, 11, 26, 3, 14, 0);
        assert_eq!(
            free_target_slug("nf-s3", at, |_| false),
            "nf-s3-restore-20261126"
        );
        let taken = ["nf-s3-restore-20261126", "nf-s3-restore-20261126-2"];
        assert_eq!(
            free_target_slug("nf-s3", at, |s| taken.contains(&s)),
            "nf-s3-restore-20261126-3"
        );
    }

    #[test]
    fn free_target_slug_gives_up_with_the_last_one_tried() {
        let at = utc(2026, 11, 26, 3, 14, 0);
        let tried = std::cell::Cell::new(0u32);
        let slug = free_target_slug("nf-s3", at, |_| {
            tried.set(tried.get() + 1);
            true
        });
        assert_eq!(slug, "nf-s3-restore-20261126-1000");
        assert_eq!(tried.get(), MAX_TARGET_SLUG_TRIES);
        // The very last candidate free is still found.
        let slug = free_target_slug("nf-s3", at, |s| s != "nf-s3-restore-20261126-1000");
        assert_eq!(slug, "nf-s3-restore-20261126-1000");
    }

    #[test]
    fn unknown_phase_round_trips_and_reads_as_unknown() {
        let p: RestorePhase = serde_json::from_str("\"paused\"").unwrap();
        assert_eq!(p.label(), "unknown(paused)");
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"paused\"");
    }

    #[test]
    fn active_restores_count_the_platforms_work_and_a_persons_apart() {
        use crate::domain::test_support::restore;
        let phases = [
            RestorePhase::Queued,
            RestorePhase::RestoringVolume,
            RestorePhase::AwaitingConfirmation,
            RestorePhase::AwaitingConfirmation,
            RestorePhase::Completed,
            RestorePhase::Discarded,
            RestorePhase::Unknown("paused".into()),
        ];
        let all: Vec<Restore> = phases.into_iter().map(restore).collect();
        assert_eq!(
            ActiveRestores::of(&all),
            ActiveRestores {
                restoring: 2,
                awaiting: 2
            }
        );
        assert_eq!(ActiveRestores::of(&all[4..]), ActiveRestores::default());
    }
}
