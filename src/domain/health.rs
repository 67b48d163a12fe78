//! Health of a tenant at an instant, exactly as the table in DESIGN.md says.
//!
//! Every flag carries a plain-words explanation built only from fields of the tenant object
//! (and the schedule's interval, derived from its cron), so a script reading `status --json`
//! can recompute each flag from what is printed beside it.

use chrono::{DateTime, Duration, Utc};
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use super::drill::DrillResult;
use super::humanize::{duration, period};
use super::policy::{COHERENT_SKEW_SECONDS, CROSS_REGION_WITHIN, TierPolicy};
use super::run_times::{RunTimes, ScheduleFacts};
use super::tenant::{
    AttemptStatus, CrossRegionStatus, Fact, LastAttempt, Tenant, TenantState, Tier,
};

/// How bad a tenant's backups are. Declared from best to worst, in the order of a monitoring
/// check: CRITICAL (red) outranks UNKNOWN (stale) outranks WARNING (amber). A tenant already
/// red when last seen stays red while its data is stale; nothing else shown can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    Ok,
    Info,
    Amber,
    Unknown,
    Red,
}

impl Level {
    pub const ALL: [Level; 5] = [
        Level::Ok,
        Level::Info,
        Level::Amber,
        Level::Unknown,
        Level::Red,
    ];
    /// The order of summaries and legends: worst first, as the table sorts.
    pub const HEADLINE: [Level; 5] = [
        Level::Red,
        Level::Unknown,
        Level::Amber,
        Level::Info,
        Level::Ok,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Ok => "ok",
            Level::Info => "info",
            Level::Amber => "amber",
            Level::Red => "red",
            Level::Unknown => "unknown",
        }
    }

    /// Levels read without colour too: a glyph and a word for every level.
    pub fn glyph(self) -> &'static str {
        match self {
            Level::Ok => "✓",
            Level::Info => "●",
            Level::Amber => "▲",
            Level::Red => "✗",
            Level::Unknown => "?",
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Level::Ok => "OK",
            Level::Info => "INFO",
            Level::Amber => "AMBER",
            Level::Red => "RED",
            Level::Unknown => "UNKNOWN",
        }
    }
}

impl Serialize for Level {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Every flag of the health table, in the table's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FlagKind {
    NeverBackedUp,
    RpoBreached,
    LastSnapshotFailed,
    ScheduleOverdue,
    ScheduleMissesRpo,
    PairIncoherent,
    CrossRegionLagging,
    RetentionExceeded,
    HistoryShort,
    RestoreUntested,
    LastDrillFailed,
    DrillOverRto,
    RestoreRunning,
    FirstBackupPending,
    CannotTell,
    DataStale,
}

impl FlagKind {
    pub const ALL: [FlagKind; 16] = [
        FlagKind::NeverBackedUp,
        FlagKind::RpoBreached,
        FlagKind::LastSnapshotFailed,
        FlagKind::ScheduleOverdue,
        FlagKind::ScheduleMissesRpo,
        FlagKind::PairIncoherent,
        FlagKind::CrossRegionLagging,
        FlagKind::RetentionExceeded,
        FlagKind::HistoryShort,
        FlagKind::RestoreUntested,
        FlagKind::LastDrillFailed,
        FlagKind::DrillOverRto,
        FlagKind::RestoreRunning,
        FlagKind::FirstBackupPending,
        FlagKind::CannotTell,
        FlagKind::DataStale,
    ];

    pub fn level(self) -> Level {
        match self {
            FlagKind::NeverBackedUp | FlagKind::RpoBreached => Level::Red,
            FlagKind::RestoreRunning | FlagKind::FirstBackupPending => Level::Info,
            FlagKind::DataStale | FlagKind::CannotTell => Level::Unknown,
            _ => Level::Amber,
        }
    }

    /// The snake_case id of `status --json`.
    pub fn id(self) -> &'static str {
        match self {
            FlagKind::NeverBackedUp => "never_backed_up",
            FlagKind::RpoBreached => "rpo_breached",
            FlagKind::LastSnapshotFailed => "last_snapshot_failed",
            FlagKind::ScheduleOverdue => "schedule_overdue",
            FlagKind::ScheduleMissesRpo => "schedule_misses_rpo",
            FlagKind::PairIncoherent => "pair_incoherent",
            FlagKind::CrossRegionLagging => "cross_region_lagging",
            FlagKind::RetentionExceeded => "retention_exceeded",
            FlagKind::HistoryShort => "history_short",
            FlagKind::RestoreUntested => "restore_untested",
            FlagKind::LastDrillFailed => "last_drill_failed",
            FlagKind::DrillOverRto => "drill_over_rto",
            FlagKind::RestoreRunning => "restore_running",
            FlagKind::FirstBackupPending => "first_backup_pending",
            FlagKind::CannotTell => "cannot_tell",
            FlagKind::DataStale => "data_stale",
        }
    }

    /// The name of the health table ("RPO breached").
    pub fn title(self) -> &'static str {
        match self {
            FlagKind::NeverBackedUp => "never backed up",
            FlagKind::RpoBreached => "RPO breached",
            FlagKind::LastSnapshotFailed => "last snapshot failed",
            FlagKind::ScheduleOverdue => "schedule overdue",
            FlagKind::ScheduleMissesRpo => "schedule misses RPO",
            FlagKind::PairIncoherent => "pair incoherent",
            FlagKind::CrossRegionLagging => "cross-region lagging",
            FlagKind::RetentionExceeded => "retention exceeded",
            FlagKind::HistoryShort => "history short",
            FlagKind::RestoreUntested => "restore untested",
            FlagKind::LastDrillFailed => "last drill failed",
            FlagKind::DrillOverRto => "drill over RTO",
            FlagKind::RestoreRunning => "restore running",
            FlagKind::FirstBackupPending => "first backup pending",
            FlagKind::CannotTell => "cannot tell",
            FlagKind::DataStale => "data stale",
        }
    }

    /// The short label of the fleet table's flags column.
    pub fn short(self) -> &'static str {
        match self {
            FlagKind::NeverBackedUp => "NEVER",
            FlagKind::RpoBreached => "RPO",
            FlagKind::LastSnapshotFailed => "FAILED",
            FlagKind::ScheduleOverdue => "OVERDUE",
            FlagKind::ScheduleMissesRpo => "SCHED>RPO",
            FlagKind::PairIncoherent => "SKEW",
            FlagKind::CrossRegionLagging => "XREGION",
            FlagKind::RetentionExceeded => "RETENTION",
            FlagKind::HistoryShort => "HISTORY",
            FlagKind::RestoreUntested => "UNTESTED",
            FlagKind::LastDrillFailed => "DRILLFAIL",
            FlagKind::DrillOverRto => "DRILL>RTO",
            FlagKind::RestoreRunning => "RESTORE",
            FlagKind::FirstBackupPending => "FIRST",
            FlagKind::CannotTell => "UNKNOWN",
            FlagKind::DataStale => "STALE",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Flag {
    pub kind: FlagKind,
    pub explanation: String,
}

impl Flag {
    pub fn level(&self) -> Level {
        self.kind.level()
    }
}

impl Serialize for Flag {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Flag", 3)?;
        st.serialize_field("id", self.kind.id())?;
        st.serialize_field("level", &self.level())?;
        st.serialize_field("explanation", &self.explanation)?;
        st.end()
    }
}

/// A tenant's level and the flags that make it, worst first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Health {
    pub level: Level,
    pub flags: Vec<Flag>,
    /// The earliest instant at which time alone could change the flags (a limit is crossed,
    /// a run falls due); `None` when only new data can. Lets the app re-judge only the
    /// tenants whose instant has come instead of all of them every second.
    #[serde(skip)]
    pub recheck_at: Option<DateTime<Utc>>,
}

impl Health {
    /// Before the first evaluation: no flags, and due at once.
    pub fn unjudged() -> Health {
        Health {
            level: Level::Ok,
            flags: Vec::new(),
            recheck_at: Some(DateTime::<Utc>::MIN_UTC),
        }
    }

    pub fn has(&self, kind: FlagKind) -> bool {
        self.flags.iter().any(|f| f.kind == kind)
    }
}

/// What health is judged against besides the tenant itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HealthContext {
    pub now: DateTime<Utc>,
    /// A source silent for more than two of these makes its rows stale.
    pub refresh_interval: Duration,
    /// When the source last answered at all; a tenant's own `observed_at` can only be older
    /// (a source may know one cluster behind it has gone quiet).
    pub source_heard_at: Option<DateTime<Utc>>,
    /// `[drills] max_age_days`: a tenant without a passed drill this recent is untested.
    /// `None` when drills are not set up: nobody is flagged for lacking one.
    pub drill_max_age: Option<Duration>,
}

/// A scheduler this late has stopped firing.
pub const OVERDUE_AFTER: Duration = Duration::minutes(15);
/// CSI never marks a snapshot failed (it retries forever), so a snapshot not ready this long
/// after its run is judged stuck.
pub const NOT_READY_AFTER: Duration = Duration::minutes(30);
/// Grace on retention before pruning is judged stopped, and on history before points are
/// judged lost.
pub const HISTORY_GRACE: Duration = Duration::days(1);
/// Used for "never backed up" when the schedule's interval cannot be read from its cron.
const FALLBACK_INTERVAL: Duration = Duration::hours(24);
/// Limits are strict ("more than"): a flag turns on just after its limit is reached.
const JUST_AFTER: Duration = Duration::milliseconds(1);

/// Evaluates every flag of the health table for one tenant.
///
/// `schedule` holds the schedule's interval and runs, which callers compute once per distinct
/// schedule. A stale tenant is judged as of the instant it was last observed (time passing
/// without news is no evidence of a breach) and carries `data_stale` beside those flags.
pub fn evaluate(tenant: &Tenant, schedule: ScheduleFacts<'_>, ctx: &HealthContext) -> Health {
    let stale = data_stale(tenant, ctx);
    let at = stale.as_ref().map_or(ctx.now, |(_, observed)| *observed);
    let judged = HealthContext { now: at, ..*ctx };
    let mut watch = Watch {
        after: at,
        next: None,
    };
    let rpo = Rpo::of(tenant);
    let w = &mut watch;
    let checks = [
        never_backed_up(tenant, schedule.interval, &judged, w),
        rpo.as_ref()
            .and_then(|p| rpo_breached(tenant, p, schedule, &judged, w)),
        last_snapshot_failed(tenant),
        schedule_overdue(tenant, &judged, w),
        rpo.as_ref()
            .and_then(|p| schedule_misses_rpo(tenant, p, schedule.interval)),
        pair_incoherent(tenant),
        cross_region_lagging(tenant, &judged, w),
        retention_exceeded(tenant, &judged, w),
        history_short(tenant, schedule.runs, &judged, w),
        restore_untested(tenant, &judged, w),
        last_drill_failed(tenant),
        drill_over_rto(tenant),
        restore_running(tenant),
        unknown_tier(tenant),
    ];
    let mut flags: Vec<Flag> = checks.into_iter().flatten().collect();
    flags.extend(cannot_tell(tenant));
    let recheck_at = match stale {
        Some((flag, _)) => {
            flags.push(flag);
            None
        }
        None => {
            if let Some(observed) = observed_at(tenant, ctx) {
                watch.flip_after(observed, ctx.refresh_interval * 2);
            }
            watch.next
        }
    };
    // Worst first, table order within a level: the first flag is the headline.
    flags.sort_by(|a, b| b.level().cmp(&a.level()).then(a.kind.cmp(&b.kind)));
    let level = flags.first().map_or(Level::Ok, Flag::level);
    Health {
        level,
        flags,
        recheck_at,
    }
}

/// The earliest future instant at which a rule's answer can change with time alone.
struct Watch {
    after: DateTime<Utc>,
    next: Option<DateTime<Utc>>,
}

impl Watch {
    /// A rule that says "more than `limit` after `base`": it flips just after the limit.
    /// (Instants come from outside data: an absurd one is skipped, never an overflow.)
    fn flip_after(&mut self, base: DateTime<Utc>, limit: Duration) {
        self.flip_at(base, limit + JUST_AFTER);
    }

    /// A rule that counts what happened at or before: it flips at `base + offset`.
    fn flip_at(&mut self, base: DateTime<Utc>, offset: Duration) {
        let Some(instant) = base.checked_add_signed(offset) else {
            return;
        };
        if instant > self.after && self.next.is_none_or(|next| instant < next) {
            self.next = Some(instant);
        }
    }
}

fn flag(kind: FlagKind, explanation: String) -> Option<Flag> {
    Some(Flag { kind, explanation })
}

fn tier_name(tier: &Tier) -> String {
    let name = tier.label();
    let mut chars = name.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// A spoke a restore is still filling: it has no backups of its own yet (the restore
/// monitor is what watches it), so the flags about its own backups wait until it is active.
fn being_restored_into(t: &Tenant) -> bool {
    t.state == TenantState::Restoring && t.backup.last_success.is_none()
}

fn never_backed_up(
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
struct Rpo {
    limit: Duration,
    whose: String,
}

impl Rpo {
    /// A self-host customer's own policy beats the tier's; `None` for a tier snapdeck does
    /// not know (which `unknown_tier` says in words).
    fn of(t: &Tenant) -> Option<Rpo> {
        if let Some(own) = t.cluster().and_then(|c| c.self_host) {
            return Some(Rpo {
                limit: Duration::try_seconds(own.rpo_seconds).unwrap_or(Duration::MAX),
                whose: "self-host policy's".to_string(),
            });
        }
        TierPolicy::of(&t.tier).map(|p| Rpo {
            limit: p.rpo,
            whose: tier_name(&t.tier),
        })
    }
}

fn rpo_breached(
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

fn last_snapshot_failed(t: &Tenant) -> Option<Flag> {
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

fn schedule_overdue(t: &Tenant, ctx: &HealthContext, watch: &mut Watch) -> Option<Flag> {
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

fn schedule_misses_rpo(t: &Tenant, rpo: &Rpo, interval: Option<Duration>) -> Option<Flag> {
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

fn pair_incoherent(t: &Tenant) -> Option<Flag> {
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

fn cross_region_lagging(t: &Tenant, ctx: &HealthContext, watch: &mut Watch) -> Option<Flag> {
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

fn retention_exceeded(t: &Tenant, ctx: &HealthContext, watch: &mut Watch) -> Option<Flag> {
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
fn history_short(
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

/// With drills on, a tenant needs a drill no older than `max_age` (one that did not pass is
/// flagged as such instead).
fn restore_untested(t: &Tenant, ctx: &HealthContext, watch: &mut Watch) -> Option<Flag> {
    let max_age = ctx
        .drill_max_age
        .filter(|_| super::drill::knows_drills(t))?;
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
fn last_drill_failed(t: &Tenant) -> Option<Flag> {
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
fn drill_over_rto(t: &Tenant) -> Option<Flag> {
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

fn restore_running(t: &Tenant) -> Option<Flag> {
    let id = t.active_restore_id.as_ref()?;
    flag(
        FlagKind::RestoreRunning,
        format!(
            "Restore {id} is in progress for this tenant; a second one cannot start until it ends."
        ),
    )
}

/// A tier snapdeck has no policy for: the checks that need one are not judged, and that is
/// said rather than shown as fine.
fn unknown_tier(t: &Tenant) -> Option<Flag> {
    if !matches!(t.tier, Tier::Unknown(_)) || t.is_self_host() || t.cannot_tell(&Fact::Tier) {
        return None;
    }
    flag(
        FlagKind::CannotTell,
        format!(
            "tier: unknown — `{}` is not a tier snapdeck knows (standard, dedicated), so the \
             RPO, schedule-versus-RPO and cross-region checks cannot be judged.",
            t.tier.as_str()
        ),
    )
}

/// What the cluster could not tell, each in words.
fn cannot_tell(t: &Tenant) -> impl Iterator<Item = Flag> + '_ {
    t.cluster().into_iter().flat_map(|c| {
        c.unknowns.iter().map(|u| Flag {
            kind: FlagKind::CannotTell,
            explanation: format!("{}: unknown — {}", u.fact.words(), u.reason),
        })
    })
}

/// The checks that do not apply to a tenant, with why: a self-host chart snapshots the
/// volume only, so those flags say so instead of firing.
pub fn not_applicable(t: &Tenant) -> Vec<(FlagKind, &'static str)> {
    if !t.is_self_host() {
        return Vec::new();
    }
    const WHY: &str = "not part of self-host backups";
    vec![
        (FlagKind::PairIncoherent, WHY),
        (FlagKind::CrossRegionLagging, WHY),
    ]
}

/// When this tenant's data was last confirmed: the older of its own `observed_at` and the
/// source's last answer.
pub fn observed_at(t: &Tenant, ctx: &HealthContext) -> Option<DateTime<Utc>> {
    match (t.observed_at, ctx.source_heard_at) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The instant a tenant is judged at: now, or when it was last observed if it is stale.
pub fn judged_at(t: &Tenant, ctx: &HealthContext) -> DateTime<Utc> {
    data_stale(t, ctx).map_or(ctx.now, |(_, observed)| observed)
}

/// The stale flag and the instant the tenant was last observed, when it is stale.
fn data_stale(t: &Tenant, ctx: &HealthContext) -> Option<(Flag, DateTime<Utc>)> {
    let observed = observed_at(t, ctx)?;
    let silent = ctx.now - observed;
    let limit = ctx.refresh_interval * 2;
    (silent > limit).then_some(())?;
    let flag = Flag {
        kind: FlagKind::DataStale,
        explanation: format!(
            "The source has not reported this tenant for {} (more than two refresh intervals, \
             {}): the other flags are judged as of when it was last seen, and anything may \
             have changed since.",
            duration(silent),
            duration(limit)
        ),
    };
    Some((flag, observed))
}

#[cfg(test)]
mod tests;
