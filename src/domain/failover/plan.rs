//! Which tenants a failover restores, from which point, in which order; and every other
//! tenant of the region listed for what it is, never dropped.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::estimate::{self, Estimate, Rates};
use crate::domain::region::{CrossCopy, Regions};
use crate::domain::restore::{CreateRestore, RestoreMode, RestorePurpose};
use crate::domain::restore_point::RestorePoint;
use crate::domain::tenant::{RestorePointId, Tenant, TenantId, TenantState, Tier};

/// The restore points read per tenant (the plan is exact where they are known, bounded by
/// the summary where not).
pub type Points = HashMap<TenantId, Vec<RestorePoint>>;

/// Whose restores a plan holds.
#[derive(Debug, Clone, PartialEq)]
pub enum PlanScope {
    /// Every active Dedicated tenant of this region, into its secondary region (`to` checks
    /// that the secondary is the one meant).
    Region { name: String, to: Option<String> },
    /// A failover's new spokes, back into their original region (their secondary).
    FailBack {
        batch: String,
        spokes: Vec<TenantId>,
    },
}

/// A planned restore.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Planned {
    pub tenant: TenantId,
    pub slug: String,
    /// A spoke whose hub is in the plan: it goes after the hubs.
    pub after_hub: bool,
    pub to: String,
    pub point: PlannedPoint,
    #[serde(serialize_with = "seconds")]
    pub loss: Duration,
    pub estimate: Estimate,
    pub excluded: bool,
}

/// The point restored: the newest copied in the target region.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlannedPoint {
    /// `None`: the server takes the newest copied point (the points were not read).
    pub id: Option<RestorePointId>,
    pub taken_at: DateTime<Utc>,
    /// False when only the summary bounds it: the point is at least this old.
    pub exact: bool,
    pub size_bytes: Option<u64>,
}

/// A tenant of the region the plan does not restore, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum LeftOut {
    /// A Dedicated tenant with no copy it can be restored from.
    NoUsableCopy { slug: String, reason: String },
    /// Standard: no copy, it waits for its region.
    Standard { slug: String },
    /// A restore of it is already active.
    RestoreActive { slug: String, restore: String },
    /// A restore's target or a drill's spoke, not a customer's site.
    RestoreTarget { slug: String, drill: bool },
    /// Not active (provisioning, suspended…).
    NotActive { slug: String, state: String },
    /// Its secondary region is not the one the plan restores into.
    OtherSecondary { slug: String, secondary: String },
    /// A tier this build does not know.
    UnknownTier { slug: String, tier: String },
}

impl LeftOut {
    pub fn slug(&self) -> &str {
        match self {
            LeftOut::NoUsableCopy { slug, .. }
            | LeftOut::Standard { slug }
            | LeftOut::RestoreActive { slug, .. }
            | LeftOut::RestoreTarget { slug, .. }
            | LeftOut::NotActive { slug, .. }
            | LeftOut::OtherSecondary { slug, .. }
            | LeftOut::UnknownTier { slug, .. } => slug,
        }
    }

    /// "no usable copy: no copy has ever landed in eu-central-1".
    pub fn words(&self) -> String {
        match self {
            LeftOut::NoUsableCopy { reason, .. } => format!("no usable copy: {reason}"),
            LeftOut::Standard { .. } => "Standard: no copy, waits for its region".into(),
            LeftOut::RestoreActive { restore, .. } => format!("a restore is active ({restore})"),
            LeftOut::RestoreTarget { drill: true, .. } => "a drill's spoke".into(),
            LeftOut::RestoreTarget { drill: false, .. } => "a restore's target".into(),
            LeftOut::NotActive { state, .. } => format!("not active ({state})"),
            LeftOut::OtherSecondary { secondary, .. } => {
                format!("its secondary region is {secondary}")
            }
            LeftOut::UnknownTier { tier, .. } => format!("tier {tier} is unknown to this build"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub scope: PlanScope,
    /// The region failed over (or failed back from).
    pub region: String,
    /// When its outage began: the RTO counts from here (`None`: the region is not down, the
    /// clock starts at the launch).
    pub since: Option<DateTime<Utc>>,
    /// In launch order.
    pub entries: Vec<Planned>,
    pub left_out: Vec<LeftOut>,
    pub rates: Rates,
    pub made_at: DateTime<Utc>,
}

impl Plan {
    /// The entries that will be launched.
    pub fn included(&self) -> impl Iterator<Item = &Planned> {
        self.entries.iter().filter(|e| !e.excluded)
    }

    /// "failover" or "fail-back": what the batch's restores are, in their reason.
    pub fn kind(&self) -> &'static str {
        match self.scope {
            PlanScope::Region { .. } => "failover",
            PlanScope::FailBack { .. } => "fail-back",
        }
    }

    /// `entry`'s restore in batch `batch`: a new spoke in its target region from its point,
    /// `purpose: failover`, the batch named, whichever driver launches it.
    pub fn request(&self, entry: &Planned, batch: &str) -> CreateRestore {
        CreateRestore {
            restore_point_id: entry.point.id.clone(),
            mode: RestoreMode::NewSpoke,
            target_slug: None,
            ticket: None,
            reason: Some(format!("{} of {} ({batch})", self.kind(), self.region)),
            purpose: RestorePurpose::Failover,
            target_region: Some(entry.to.clone()),
            batch: Some(batch.to_string()),
        }
    }

    /// Leaves a tenant out of the launch, or takes it back in: the order does not change.
    pub fn toggle(&mut self, tenant: &TenantId) {
        if let Some(e) = self.entries.iter_mut().find(|e| &e.tenant == tenant) {
            e.excluded = !e.excluded;
        }
    }
}

/// A batch's id: `fo_`, the minute it was launched, and `tag` (a few characters against a
/// second operator in the same minute), within the contract's `[a-z0-9_-]{3,64}`.
pub fn batch_id(at: DateTime<Utc>, tag: &str) -> String {
    let tag: String = tag
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        .take(8)
        .collect();
    format!("fo_{}_{tag}", at.format("%Y%m%d%H%M"))
}

/// The plan for `scope` over the fleet's `tenants`, with the points read so far.
pub fn plan<'a>(
    scope: PlanScope,
    tenants: impl IntoIterator<Item = &'a Tenant>,
    regions: &Regions,
    points: &Points,
    excluded: &HashSet<TenantId>,
    now: DateTime<Utc>,
) -> Plan {
    let tenants: Vec<&Tenant> = tenants.into_iter().collect();
    let (region, candidates) = candidates(&scope, &tenants);
    let mut entries = Vec::new();
    let mut left_out = Vec::new();
    let mut drills = Vec::new();
    let originals = originals(&scope, &tenants);
    for t in &candidates {
        // A failover's new spoke was never drilled: the tenant it was restored from was.
        let drilled = match (&t.backup.last_drill, &t.restore_of) {
            (None, Some(from)) => originals.get(from).copied().unwrap_or(*t),
            _ => *t,
        };
        let own = estimate::drill_of(drilled, points.get(&drilled.id).map(Vec::as_slice));
        drills.extend(own);
        match judge(t, &scope, regions, points, now) {
            Ok((to, point)) => entries.push((*t, to, point, own)),
            Err(why) => left_out.push(why),
        }
    }
    let rates = Rates::of(drills);
    let hubs: HashSet<&TenantId> = entries.iter().map(|(t, ..)| &t.id).collect();
    let mut planned: Vec<Planned> = entries
        .iter()
        .map(|(t, to, point, own)| Planned {
            tenant: t.id.clone(),
            slug: t.slug.to_string(),
            after_hub: t.hub_id.as_ref().is_some_and(|h| hubs.contains(h)),
            to: to.clone(),
            loss: (now - point.taken_at).max(Duration::zero()),
            estimate: rates.estimate(*own, point.size_bytes),
            point: point.clone(),
            excluded: excluded.contains(&t.id),
        })
        .collect();
    planned.sort_by(|a, b| {
        (a.after_hub, a.estimate.took, &a.slug).cmp(&(b.after_hub, b.estimate.took, &b.slug))
    });
    left_out.sort_by(|a, b| a.slug().cmp(b.slug()));
    let since = regions.down(&region).and_then(|r| r.since);
    Plan {
        scope,
        region,
        since,
        entries: planned,
        left_out,
        rates,
        made_at: now,
    }
}

/// For a fail-back, every tenant by id: the spokes' originals are looked up there.
fn originals<'a>(scope: &PlanScope, tenants: &[&'a Tenant]) -> HashMap<TenantId, &'a Tenant> {
    match scope {
        PlanScope::FailBack { .. } => tenants.iter().map(|t| (t.id.clone(), *t)).collect(),
        PlanScope::Region { .. } => HashMap::new(),
    }
}

/// The region named and the tenants the plan looks at.
fn candidates<'a>(scope: &PlanScope, tenants: &[&'a Tenant]) -> (String, Vec<&'a Tenant>) {
    match scope {
        PlanScope::Region { name, .. } => (
            name.clone(),
            tenants
                .iter()
                .copied()
                .filter(|t| t.region == name)
                .collect(),
        ),
        PlanScope::FailBack { spokes, .. } => {
            let wanted: HashSet<&TenantId> = spokes.iter().collect();
            let chosen: Vec<&Tenant> = tenants
                .iter()
                .copied()
                .filter(|t| wanted.contains(&t.id))
                .collect();
            let region = chosen.first().map(|t| t.region.clone()).unwrap_or_default();
            (region.to_string(), chosen)
        }
    }
}

/// Where a tenant is restored and from which point, or why it is left out.
fn judge(
    t: &Tenant,
    scope: &PlanScope,
    regions: &Regions,
    points: &Points,
    now: DateTime<Utc>,
) -> Result<(String, PlannedPoint), LeftOut> {
    let slug = t.slug.clone();
    let failing_back = matches!(scope, PlanScope::FailBack { .. });
    if t.restore_of.is_some() && !failing_back {
        let drill = t.slug.contains("-drill-");
        return Err(LeftOut::RestoreTarget {
            slug: slug.to_string(),
            drill,
        });
    }
    if t.state != TenantState::Active {
        let state = t.state.as_str().to_string();
        return Err(LeftOut::NotActive {
            slug: slug.to_string(),
            state,
        });
    }
    match &t.tier {
        Tier::Standard => {
            return Err(LeftOut::Standard {
                slug: slug.to_string(),
            });
        }
        Tier::Unknown(tier) => {
            let tier = tier.clone();
            return Err(LeftOut::UnknownTier {
                slug: slug.to_string(),
                tier,
            });
        }
        Tier::Dedicated => {}
    }
    if let Some(restore) = &t.active_restore_id {
        let restore = restore.0.clone();
        return Err(LeftOut::RestoreActive {
            slug: slug.to_string(),
            restore: restore.to_string(),
        });
    }
    if let (PlanScope::Region { to: Some(to), .. }, Some(secondary)) =
        (scope, t.secondary_region.as_ref())
        && to != secondary
    {
        let secondary = secondary.clone();
        return Err(LeftOut::OtherSecondary {
            slug: slug.to_string(),
            secondary: secondary.to_string(),
        });
    }
    let (to, summary) = match CrossCopy::of(t, regions) {
        CrossCopy::Usable {
            region,
            point_at,
            exact,
        } => (region.to_string(), (point_at, exact)),
        CrossCopy::Unusable(reason) => {
            return Err(LeftOut::NoUsableCopy {
                slug: slug.to_string(),
                reason,
            });
        }
        CrossCopy::NotCopied => {
            return Err(LeftOut::Standard {
                slug: slug.to_string(),
            });
        }
    };
    let Some(read) = points.get(&t.id) else {
        let (taken_at, exact) = summary;
        let point = PlannedPoint {
            id: None,
            taken_at,
            exact,
            size_bytes: None,
        };
        return Ok((to, point));
    };
    let newest = read
        .iter()
        .filter(|p| p.unusable_in(Some(&to), now).is_none())
        .max_by_key(|p| p.taken_at);
    match newest {
        Some(p) => {
            let point = PlannedPoint {
                id: Some(p.id.clone()),
                taken_at: p.taken_at,
                exact: true,
                size_bytes: estimate::size_of(p),
            };
            Ok((to, point))
        }
        None => Err(LeftOut::NoUsableCopy {
            slug: slug.to_string(),
            reason: format!("no point of its {} is copied to {to}", read.len()),
        }),
    }
}

fn seconds<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_i64(d.num_seconds())
}
