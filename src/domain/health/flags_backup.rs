//! The flags about the newest point and the schedule that makes it: never backed up (or the
//! first backup pending), the RPO, a failed or stuck snapshot, an overdue or too sparse
//! schedule, and a pair whose halves are too far apart.

use std::borrow::Cow;

use chrono::{DateTime, Duration, Utc};

use super::{
    FALLBACK_INTERVAL, Flag, FlagKind, HealthContext, NOT_READY_AFTER, OVERDUE_AFTER, Watch,
    being_restored_into, flag, tier_name,
};
use crate::domain::humanize::{duration, period};
use crate::domain::policy::{COHERENT_SKEW_SECONDS, TierPolicy};
use crate::domain::run_times::ScheduleFacts;
use crate::domain::tenant::{AttemptStatus, LastAttempt, Tenant};

pub(super) fn never_backed_up(
    t: &Tenant,
    interval: Option<Duration>,
    ctx: &HealthContext,
    watch: &mut Watch,
) -> Option<Flag> {
    if t.backup.last_success.is_some() || being_restored_into(t) {
        return None;
    }
    let interval = interval.unwrap_or(FALLBACK_INTERVAL);
    watch.flip_after(t.created_at, interval);
    let age = ctx.now - t.created_at;
    if age <= interval {
        return first_backup_pending(t, age, ctx.now);
    }
    flag(
        FlagKind::NeverBackedUp,
        format!(
            "No successful backup exists, and the tenant was created {} ago — longer than one \
             schedule interval ({}). There is nothing to restore from.",
            duration(age),
            period(interval)
        ),
    )
}

/// A tenant younger than one schedule interval with no backup yet: nothing is wrong, but
/// nothing can be restored either, which "no flags" would hide.
fn first_backup_pending(t: &Tenant, age: Duration, now: DateTime<Utc>) -> Option<Flag> {
    let first = match t.backup.schedule.next_run_at {
        Some(at) if at >= now => format!(
            "its first backup runs at {} (in {})",
            at.format("%Y-%m-%d %H:%M UTC"),
            duration(at - now)
        ),
        Some(at) => format!(
            "its first backup was due at {} ({} ago)",
            at.format("%Y-%m-%d %H:%M UTC"),
            duration(now - at)
        ),
        None => "the source does not say when its first backup runs".to_string(),
    };
    flag(
        FlagKind::FirstBackupPending,
        format!(
            "No backup yet: the tenant was created {} ago and {first}. Until it succeeds there \
             is nothing to restore from.",
            duration(age)
        ),
    )
}

/// The recovery-point objective a tenant is held to, and whose promise it is.
pub(super) struct Rpo {
    limit: Duration,
    whose: Cow<'static, str>,
}

impl Rpo {
    /// A self-host customer's own policy beats the tier's; `None` for a tier snapdeck does
    /// not know (which `unknown_tier` says in words).
    pub(super) fn of(t: &Tenant) -> Option<Rpo> {
        if let Some(own) = t.cluster().and_then(|c| c.self_host) {
            return Some(Rpo {
                limit: Duration::try_seconds(own.rpo_seconds).unwrap_or(Duration::MAX),
                whose: Cow::Borrowed("self-host policy's"),
            });
        }
        TierPolicy::of(&t.tier).map(|p| Rpo {
            limit: p.rpo,
            whose: tier_name(&t.tier),
        })
    }
}

pub(super) fn rpo_breached(
    t: &Tenant,
    rpo: &Rpo,
    schedule: ScheduleFacts<'_>,
    ctx: &HealthContext,
    watch: &mut Watch,
) -> Option<Flag> {
    let last = t.backup.last_success.as_ref()?;
    watch.flip_after(last.taken_at, rpo.limit);
    let age = ctx.now - last.taken_at;
    (age > rpo.limit).then_some(())?;
    // The run that renews the point is on its way and on time: not a breach yet.
    if let Some(run) = renewing_run(t, last.taken_at, rpo.limit) {
        watch.flip_after(run.taken_at, NOT_READY_AFTER);
        if ctx.now - run.taken_at <= NOT_READY_AFTER {
            return None;
        }
    }
    if due_run(t, last.taken_at, rpo.limit, schedule, ctx, watch) {
        return None;
    }
    flag(
        FlagKind::RpoBreached,
        format!(
            "The last successful snapshot is {} old; the {} RPO is {}. A restore now would lose \
             {} of data, beyond what the customer was promised.",
            duration(age),
            rpo.whose,
            period(rpo.limit),
            duration(age)
        ),
    )
}

/// Whether the scheduled run that renews the point on time has come due so recently that
/// the source has not had two refresh intervals to report it started: judged like a run in
/// flight, so an hourly tenant is not red for the seconds between its run and the news.
/// The run may have fired on the source already (its `next_run_at` moved on) while its job
/// has not started yet: a pod takes seconds to be scheduled, and a snapshot read in those
/// seconds shows neither the old run nor the new attempt.
fn due_run(
    t: &Tenant,
    last_success: DateTime<Utc>,
    rpo: Duration,
    schedule: ScheduleFacts<'_>,
    ctx: &HealthContext,
    watch: &mut Watch,
) -> bool {
    let Some(run) = renewing_fire(t, last_success, schedule) else {
        return false;
    };
    if run > ctx.now || run - last_success > rpo {
        return false;
    }
    // An attempt reported since the point is the run heard of: it is judged by its report.
    if t.backup
        .last_attempt
        .as_ref()
        .is_some_and(|a| a.taken_at > last_success)
    {
        return false;
    }
    let window = ctx.refresh_interval * 2;
    watch.flip_after(run, window);
    ctx.now - run <= window
}

/// The first scheduled fire after the last success: from the schedule's runs when they are
/// listed, else the source's `next_run_at` or the fire one interval before it.
fn renewing_fire(
    t: &Tenant,
    last_success: DateTime<Utc>,
    schedule: ScheduleFacts<'_>,
) -> Option<DateTime<Utc>> {
    let next = t.backup.schedule.next_run_at;
    let listed = schedule.runs.and_then(|runs| runs.next_after(last_success));
    let before_next = next
        .zip(schedule.interval)
        .and_then(|(next, interval)| next.checked_sub_signed(interval));
    [listed, before_next, next]
        .into_iter()
        .flatten()
        .filter(|fire| *fire > last_success)
        .min()
}

/// The attempt in flight that started no later than the last success + RPO.
fn renewing_run(t: &Tenant, last_success: DateTime<Utc>, rpo: Duration) -> Option<&LastAttempt> {
    t.backup
        .last_attempt
        .as_ref()
        .filter(|a| a.status == AttemptStatus::Running && a.taken_at - last_success <= rpo)
}

pub(super) fn last_snapshot_failed(t: &Tenant) -> Option<Flag> {
    let attempt = t.backup.last_attempt.as_ref()?;
    let how = match attempt.status {
        AttemptStatus::Failed => "failed",
        AttemptStatus::Partial => "partly failed (one half of the pair did not complete)",
        _ => return None,
    };
    let error = attempt
        .error
        .as_deref()
        .map_or(String::new(), |e| format!(": {e}"));
    // The instant, not an age: the card beside it says the age as it ticks, and an age
    // frozen at the last judgement would disagree with it.
    flag(
        FlagKind::LastSnapshotFailed,
        format!(
            "The most recent backup attempt, at {}, {how}{error}. The customer's portal shows \
             the amber callout.",
            attempt.taken_at.format("%Y-%m-%d %H:%M UTC")
        ),
    )
}

pub(super) fn schedule_overdue(t: &Tenant, ctx: &HealthContext, watch: &mut Watch) -> Option<Flag> {
    if let Some(next) = t.backup.schedule.next_run_at {
        watch.flip_after(next, OVERDUE_AFTER);
        let late = ctx.now - next;
        if late > OVERDUE_AFTER && t.cluster().is_some_and(|c| c.suspended) {
            return flag(
                FlagKind::ScheduleOverdue,
                format!(
                    "The backup CronJob is suspended (spec.suspend: true): a backup was due {} \
                     ago and none will start until it is resumed.",
                    duration(late)
                ),
            );
        }
        if late > OVERDUE_AFTER {
            return flag(
                FlagKind::ScheduleOverdue,
                format!(
                    "The scheduler should have started a backup {} ago and has not (more than \
                     {} late): the CronJob may be suspended or stuck.",
                    duration(late),
                    duration(OVERDUE_AFTER)
                ),
            );
        }
    }
    let attempt = t.backup.last_attempt.as_ref()?;
    (attempt.status == AttemptStatus::Running).then_some(())?;
    watch.flip_after(attempt.taken_at, NOT_READY_AFTER);
    let running_for = ctx.now - attempt.taken_at;
    (running_for > NOT_READY_AFTER).then_some(())?;
    flag(
        FlagKind::ScheduleOverdue,
        format!(
            "The snapshot started {} ago is still not ready. CSI retries forever and never marks \
             it failed, so after {} it is treated as stuck.",
            duration(running_for),
            duration(NOT_READY_AFTER)
        ),
    )
}

pub(super) fn schedule_misses_rpo(
    t: &Tenant,
    rpo: &Rpo,
    interval: Option<Duration>,
) -> Option<Flag> {
    let interval = interval?;
    (interval > rpo.limit).then_some(())?;
    flag(
        FlagKind::ScheduleMissesRpo,
        format!(
            "The schedule `{}` runs every {}, longer than the {} RPO of {}: even when every run \
             succeeds, the RPO cannot be met.",
            t.backup.schedule.cron,
            period(interval),
            rpo.whose,
            period(rpo.limit)
        ),
    )
}

pub(super) fn pair_incoherent(t: &Tenant) -> Option<Flag> {
    if t.is_self_host() {
        return None;
    }
    let last = t.backup.last_success.as_ref()?;
    (last.skew_seconds.unsigned_abs() > COHERENT_SKEW_SECONDS.unsigned_abs()).then_some(())?;
    let skew = Duration::try_seconds(last.skew_seconds.saturating_abs()).unwrap_or(Duration::MAX);
    flag(
        FlagKind::PairIncoherent,
        format!(
            "The latest successful pair's database dump and volume snapshot started {} apart; \
             over {} they do not restore as one coherent moment.",
            duration(skew),
            duration(Duration::seconds(COHERENT_SKEW_SECONDS))
        ),
    )
}
