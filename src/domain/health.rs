//! Health of a tenant at an instant, exactly as the table in DESIGN.md says.
//!
//! Every flag carries a plain-words explanation built only from fields of the tenant object
//! (and the schedule's interval, derived from its cron), so a script reading `status --json`
//! can recompute each flag from what is printed beside it.

mod flags_backup;
mod flags_drills;
mod flags_history;
mod flags_region;

use std::borrow::Cow;

use chrono::{DateTime, Duration, Utc};
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use super::humanize::duration;
use super::run_times::ScheduleFacts;
use super::tenant::{Fact, Tenant, TenantState, Tier};
use flags_backup::{
    Rpo, last_snapshot_failed, never_backed_up, pair_incoherent, rpo_breached, schedule_misses_rpo,
    schedule_overdue,
};
use flags_drills::{drill_over_rto, failover_untested, last_drill_failed, restore_untested};
use flags_history::{cross_region_lagging, history_short, retention_exceeded};
pub use flags_region::region_down;

pub use super::level::Level;

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
    RegionDown,
    FailoverUntested,
    RestoreRunning,
    FirstBackupPending,
    CannotTell,
    DataStale,
}

impl FlagKind {
    pub const ALL: [FlagKind; 18] = [
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
        FlagKind::RegionDown,
        FlagKind::FailoverUntested,
        FlagKind::RestoreRunning,
        FlagKind::FirstBackupPending,
        FlagKind::CannotTell,
        FlagKind::DataStale,
    ];

    pub fn level(self) -> Level {
        match self {
            FlagKind::NeverBackedUp | FlagKind::RpoBreached | FlagKind::RegionDown => Level::Red,
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
            FlagKind::RegionDown => "region_down",
            FlagKind::FailoverUntested => "failover_untested",
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
            FlagKind::RegionDown => "region down",
            FlagKind::FailoverUntested => "failover untested",
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
            FlagKind::RegionDown => "REGION",
            FlagKind::FailoverUntested => "XUNTESTED",
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
    /// a run falls due, the tenant's own silence); `None` when only new data can. The
    /// source's silence, which stales every tenant heard with it, is not in it. Lets the app
    /// re-judge only the tenants whose instant has come instead of all of them every second.
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
        failover_untested(tenant, &judged, w),
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
            // Only a tenant heard apart from its source is watched for its own silence: the
            // rest go stale together when the source does, which the fleet watches once
            // (`Fleet::evaluate_due`) instead of judging every tenant again each minute.
            let own = tenant
                .observed_at
                .filter(|own| ctx.source_heard_at.is_none_or(|heard| *own < heard));
            if let Some(observed) = own {
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

/// "Standard", "Dedicated": borrowed for the tiers we know, since every tenant's RPO names
/// its tier and a million judged at start-up would be a million strings for nothing.
fn tier_name(tier: &Tier) -> Cow<'static, str> {
    match tier {
        Tier::Standard => Cow::Borrowed("Standard"),
        Tier::Dedicated => Cow::Borrowed("Dedicated"),
        Tier::Unknown(_) => Cow::Owned(capitalised(&tier.label())),
    }
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A spoke a restore is still filling: it has no backups of its own yet (the restore
/// monitor is what watches it), so the flags about its own backups wait until it is active.
fn being_restored_into(t: &Tenant) -> bool {
    t.state == TenantState::Restoring && t.backup.last_success.is_none()
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
