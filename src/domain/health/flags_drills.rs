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

/// With drills on, a Dedicated tenant needs a passed drill from its cross-region copy, into
/// its secondary region, no older than `max_age`: nobody has proved the copies restore
/// otherwise. Only the most recent drill is in the summary, so an in-region drill after a
/// cross-region one hides it; the words say so.
pub(super) fn failover_untested(
    t: &Tenant,
    ctx: &HealthContext,
    watch: &mut Watch,
) -> Option<Flag> {
    let max_age = ctx
        .drill_max_age
        .filter(|_| crate::domain::drill::knows_drills(t))?;
    let secondary = t.secondary_region.as_deref()?;
    if t.tier != crate::domain::tenant::Tier::Dedicated {
        return None;
    }
    let due = period(max_age);
    let Some(last) = &t.backup.last_drill else {
        return flag(
            FlagKind::FailoverUntested,
            format!(
                "No drill from its copy in {secondary} has ever been run: nobody has proved \
                 this tenant can fail over (region drills are due every {due})."
            ),
        );
    };
    let when = last.finished_at.format("%Y-%m-%d %H:%M UTC");
    let across = last.target_region.as_deref().is_some_and(|r| r != t.region);
    if !across {
        return flag(
            FlagKind::FailoverUntested,
            format!(
                "Its most recent drill ({when}) restored in its own region: no passed drill \
                 from its copy in {secondary} is known (region drills are due every {due})."
            ),
        );
    }
    if last.result != DrillResult::Passed {
        return flag(
            FlagKind::FailoverUntested,
            format!(
                "Its most recent drill from its copy in {secondary} ({when}) did not pass: \
                 nobody has proved this tenant can fail over."
            ),
        );
    }
    watch.flip_after(last.finished_at, max_age);
    let age = ctx.now - last.finished_at;
    (age > max_age).then(|| Flag {
        kind: FlagKind::FailoverUntested,
        explanation: format!(
            "The last passed drill from its copy in {secondary} was {} ago ({when}): region \
             drills are due every {due}.",
            duration(age)
        ),
    })
}
