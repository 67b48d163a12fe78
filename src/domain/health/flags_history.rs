//! The flags about the points kept: the copy in the secondary region, pruning to retention,
//! and a history that reaches back far enough and holds the points it should.

use chrono::Duration;

use super::{Flag, FlagKind, HISTORY_GRACE, HealthContext, Watch, being_restored_into, flag};
use crate::domain::humanize::{duration, period};
use crate::domain::policy::CROSS_REGION_WITHIN;
use crate::domain::run_times::RunTimes;
use crate::domain::tenant::{CrossRegionStatus, Fact, Tenant, Tier};

pub(super) fn cross_region_lagging(
    t: &Tenant,
    ctx: &HealthContext,
    watch: &mut Watch,
) -> Option<Flag> {
    // A spoke being restored into has no backups yet, so nothing to copy (as above).
    let unknowable = t.is_self_host() || t.cannot_tell(&Fact::CrossRegion);
    if t.tier != Tier::Dedicated || being_restored_into(t) || unknowable {
        return None;
    }
    let secondary = t
        .secondary_region
        .as_deref()
        .unwrap_or("the secondary region");
    // No copy can be missing before the first point has had its day to be copied: a new
    // tenant (a restored spoke too) is not lagging for its first points.
    let never_copied = t
        .backup
        .cross_region
        .as_ref()
        .is_none_or(|c| c.status != CrossRegionStatus::Failed && c.last_copied_at.is_none());
    if never_copied {
        let first_point = t.backup.oldest_restore_point_at.or(t
            .backup
            .last_success
            .as_ref()
            .map(|l| l.taken_at))?;
        watch.flip_after(first_point, CROSS_REGION_WITHIN);
        if ctx.now - first_point <= CROSS_REGION_WITHIN {
            return None;
        }
    }
    let problem = match &t.backup.cross_region {
        None => format!("No cross-region copy is recorded for {secondary}."),
        Some(c) if c.status == CrossRegionStatus::Failed => {
            format!("The newest copy to {secondary} failed.")
        }
        Some(c) => match c.last_copied_at {
            None => format!("Nothing has been copied to {secondary} yet."),
            Some(at) => {
                watch.flip_after(at, CROSS_REGION_WITHIN);
                if ctx.now - at <= CROSS_REGION_WITHIN {
                    return None;
                }
                format!(
                    "The newest copy in {secondary} is {} old.",
                    duration(ctx.now - at)
                )
            }
        },
    };
    flag(
        FlagKind::CrossRegionLagging,
        format!(
            "{problem} Dedicated backups must reach the secondary region within {}; a \
             region-wide outage would lose more than promised.",
            period(CROSS_REGION_WITHIN)
        ),
    )
}

fn retention(t: &Tenant) -> Duration {
    Duration::days(i64::from(t.backup.retention_days))
}

pub(super) fn retention_exceeded(
    t: &Tenant,
    ctx: &HealthContext,
    watch: &mut Watch,
) -> Option<Flag> {
    if t.cannot_tell(&Fact::Retention) {
        return None;
    }
    let oldest = t.backup.oldest_restore_point_at?;
    let retention = retention(t);
    watch.flip_after(oldest, retention + HISTORY_GRACE);
    let age = ctx.now - oldest;
    (age > retention + HISTORY_GRACE).then_some(())?;
    flag(
        FlagKind::RetentionExceeded,
        format!(
            "The oldest restore point is {} old but retention is {}: pruning has stopped \
             (storage grows, and data is kept longer than promised).",
            duration(age),
            period(retention)
        ),
    )
}

/// History must reach back over the window it should cover, and hold most of the points the
/// schedule should have made in it.
pub(super) fn history_short(
    t: &Tenant,
    runs: Option<&RunTimes>,
    ctx: &HealthContext,
    watch: &mut Watch,
) -> Option<Flag> {
    if t.cannot_tell(&Fact::Retention) {
        return None;
    }
    // A tenant that never had a point has lost none: "never backed up" covers it.
    let oldest = t.backup.oldest_restore_point_at?;
    let retention = retention(t);
    // The window stops growing with the tenant's age once it is as long as retention.
    watch.flip_after(t.created_at, retention);
    let window = retention.min(ctx.now - t.created_at);
    let expected = window - HISTORY_GRACE;
    watch.flip_after(oldest, expected);
    let covered = ctx.now - oldest;
    if covered < expected {
        return flag(
            FlagKind::HistoryShort,
            format!(
                "Restore points reach back only {}, but should reach back {} (the shorter of the \
                 {} retention and the tenant's age, less a day): points have been lost.",
                duration(covered),
                duration(expected + HISTORY_GRACE),
                period(retention)
            ),
        );
    }
    let runs = runs?;
    let since = ctx.now - window;
    let due = runs.count(since, ctx.now)?;
    // The count changes when a run falls due and when one leaves the window.
    if let Some(next) = runs.next_after(ctx.now) {
        watch.flip_at(next, Duration::zero());
    }
    if let Some(leaving) = runs.next_after(since) {
        watch.flip_at(leaving, window);
    }
    let held = t.backup.restore_point_count;
    // Fewer than 90 % of those due, less one (the run in flight has no point yet).
    (u128::from(held) * 10 + 10 < u128::from(due) * 9).then_some(())?;
    flag(
        FlagKind::HistoryShort,
        format!(
            "{held} restore point{} where {due} were due: the schedule `{}` ({}) should have \
             made {due} in the last {} (the shorter of the {} retention and the tenant's \
             age), and fewer than 90 % of them, less one, are held: points are missing (lost, or never made by failed runs).",
            if held == 1 { "" } else { "s" },
            t.backup.schedule.cron,
            t.backup.schedule.timezone,
            duration(window),
            period(retention)
        ),
    )
}
