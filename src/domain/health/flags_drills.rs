//! The flags about restore drills: none recent enough, the last one failed, or its restore
//! took longer than the tier's RTO.

use chrono::{DateTime, Utc};

use super::{Flag, FlagKind, HealthContext, Watch, flag, tier_name};
use crate::domain::drill::DrillResult;
use crate::domain::humanize::{duration, period};
use crate::domain::policy::TierPolicy;
use crate::domain::tenant::Tenant;

/// With drills on, a tenant needs a drill no older than `max_age` (one that did not pass is
/// flagged as such instead).
pub(super) fn restore_untested(t: &Tenant, ctx: &HealthContext, watch: &mut Watch) -> Option<Flag> {
    let max_age = ctx
        .drill_max_age
        .filter(|_| crate::domain::drill::knows_drills(t))?;
    let Some(last) = &t.backup.last_drill else {
        return flag(
            FlagKind::RestoreUntested,
            format!(
                "No restore drill has ever been run for this tenant: nobody has proved its \
                 backups restore (drills are due every {}).",
                period(max_age)
            ),
        );
    };
    if last.result != DrillResult::Passed {
        return None;
    }
    watch.flip_after(last.finished_at, max_age);
    let age = ctx.now - last.finished_at;
    (age > max_age).then(|| Flag {
        kind: FlagKind::RestoreUntested,
        explanation: format!(
            "The last passed restore drill was {} ago ({}): drills are due every {}, so \
             nobody has proved lately that this tenant's backups restore.",
            duration(age),
            last.finished_at.format("%Y-%m-%d %H:%M UTC"),
            period(max_age)
        ),
    })
}

/// The most recent drill failed: its words, when, and which point.
pub(super) fn last_drill_failed(t: &Tenant) -> Option<Flag> {
    let last = t.backup.last_drill.as_ref()?;
    if last.result != DrillResult::Failed {
        return None;
    }
    let when = |at: DateTime<Utc>| at.format("%Y-%m-%d %H:%M UTC").to_string();
    let point = match (&last.restore_point_id, last.point_taken_at) {
        (Some(id), Some(at)) => format!(" (point {id}, taken {})", when(at)),
        (Some(id), None) => format!(" (point {id})"),
        (None, Some(at)) => format!(" (point taken {})", when(at)),
        (None, None) => String::new(),
    };
    flag(
        FlagKind::LastDrillFailed,
        format!(
            "The restore drill on {}{point} failed: {}.",
            when(last.finished_at),
            last.summary.trim_end_matches('.')
        ),
    )
}

/// The most recent drill's restore took longer than the tier's RTO: a real one would break
/// the promise. (Business-hour RTOs are compared as hours of restoring.)
pub(super) fn drill_over_rto(t: &Tenant) -> Option<Flag> {
    let last = t.backup.last_drill.as_ref()?;
    let took = last.restore_duration()?;
    let rto = TierPolicy::of(&t.tier)?.rto;
    if took <= rto.limit() {
        return None;
    }
    flag(
        FlagKind::DrillOverRto,
        format!(
            "The restore drill on {} took {} to restore, longer than the {} RTO of {}: a real \
             restore would break the promise.",
            last.finished_at.format("%Y-%m-%d %H:%M UTC"),
            duration(took),
            tier_name(&t.tier),
            rto.words()
        ),
    )
}
