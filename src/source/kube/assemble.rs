//! From one namespace's objects to the tenant and its restore points: pure, so every rule of
//! the README's conventions is unit-tested without a cluster.

mod points;

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use super::objects::{CronFacts, DumpFacts, NamespaceFacts, SnapFacts, parse_instant};
use crate::config::KubeKeys;
use crate::domain::policy::{CROSS_REGION_WITHIN, TierPolicy};
use crate::domain::restore_point::{CopyStatus, PointStatus, RestorePoint};
use crate::domain::schedule::CronSchedule;
use crate::domain::tenant::{
    AttemptStatus, BackupSchedule, BackupSummary, ClusterView, CrossRegion, CrossRegionStatus,
    Fact, LastAttempt, LastSuccess, OwnPolicy, Tenant, TenantId, TenantKind, TenantState, Tier,
    Unknown,
};
use points::restore_points;

/// Everything the cluster holds for one namespace.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NsObjects {
    pub namespace: Option<NamespaceFacts>,
    pub crons: BTreeMap<String, CronFacts>,
    pub dumps: BTreeMap<String, DumpFacts>,
    pub snaps: BTreeMap<String, SnapFacts>,
}

impl NsObjects {
    pub fn is_empty(&self) -> bool {
        self.namespace.is_none()
            && self.crons.is_empty()
            && self.dumps.is_empty()
            && self.snaps.is_empty()
    }
}

/// How tenants are found and whose policy they are held to.
#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    /// The platform's own clusters: tenants are labelled namespaces.
    Platform,
    /// A self-host customer's cluster: tenants are the namespaces holding the chart's
    /// snapshot CronJob, under the customer's own policy.
    SelfHost { rpo: Duration, retention_days: u32 },
}

/// What assembling needs besides the namespace itself.
pub struct Context<'a> {
    pub cluster: &'a str,
    pub keys: &'a KubeKeys,
    pub tenant_key: &'a str,
    pub mode: &'a Mode,
    pub now: DateTime<Utc>,
}

/// The id of a tenant read from a cluster: unique across the clusters of one view.
pub fn tenant_id(cluster: &str, namespace: &str) -> TenantId {
    TenantId::from(format!("{cluster}/{namespace}").as_str())
}

/// The slug a namespace's tenant goes by, when the namespace is a tenant at all.
pub fn slug(ns: &str, objects: &NsObjects, cx: &Context) -> Option<String> {
    match cx.mode {
        Mode::Platform => objects
            .namespace
            .as_ref()?
            .labels
            .get(cx.tenant_key)
            .cloned()
            .filter(|s| !s.trim().is_empty())
            .or_else(|| objects.namespace.as_ref().map(|n| n.name.clone())),
        Mode::SelfHost { .. } => {
            let cron = objects.crons.values().next()?;
            Some(cron.tenant.clone().unwrap_or_else(|| ns.to_string()))
        }
    }
}

/// The tenant in namespace `ns`, or `None` when the namespace is not one. `hub` finds a hub's
/// id by its slug in the same cluster.
pub fn tenant(
    ns: &str,
    objects: &NsObjects,
    cx: &Context,
    hub: &dyn Fn(&str) -> Option<TenantId>,
) -> Option<Tenant> {
    let slug = slug(ns, objects, cx)?;
    let mut unknowns = Vec::new();
    let identity = identity(objects, cx, hub, &mut unknowns)?;
    let retention_days = match cx.mode {
        Mode::SelfHost { retention_days, .. } => *retention_days,
        Mode::Platform => TierPolicy::of(&identity.tier).map_or_else(
            || {
                let reason = match identity.tier.as_str() {
                    "" => "without a tier, no retention applies".to_string(),
                    tier => format!("the tier `{tier}` has no retention snapdeck knows"),
                };
                unknowns.push(Unknown {
                    fact: Fact::Retention,
                    reason,
                });
                0
            },
            |p| p.retention_days,
        ),
    };
    let points = restore_points(objects, cx, &identity, &mut unknowns);
    let (schedule, suspended) = schedule(ns, objects, &points, cx, &mut unknowns);
    let cross_region = cross_region(&identity, &points, cx, &mut unknowns);
    let backup = summary(schedule, retention_days, &points, cross_region);
    let self_host = match cx.mode {
        Mode::SelfHost { rpo, .. } => Some(OwnPolicy {
            rpo_seconds: rpo.num_seconds(),
        }),
        Mode::Platform => None,
    };
    Some(Tenant {
        id: tenant_id(cx.cluster, ns),
        display_name: identity.display_name.unwrap_or_else(|| slug.clone()),
        slug: slug.into(),
        kind: identity.kind,
        hub_id: identity.hub_id,
        tier: identity.tier,
        region: identity.region.into(),
        secondary_region: identity.secondary_region.map(Into::into),
        hostname: identity.hostname,
        state: identity.state,
        created_at: identity.created.unwrap_or(cx.now),
        backup,
        active_restore_id: None,
        restore_of: None,
        observed_at: None,
        cluster: Some(Box::new(ClusterView {
            cluster: cx.cluster.to_string(),
            self_host,
            suspended,
            unknowns,
        })),
    })
}

fn identity(
    objects: &NsObjects,
    cx: &Context,
    hub: &dyn Fn(&str) -> Option<TenantId>,
    unknowns: &mut Vec<Unknown>,
) -> Option<Identity> {
    Some(match cx.mode {
        Mode::Platform => platform_identity(objects.namespace.as_ref()?, cx, hub, unknowns),
        Mode::SelfHost { .. } => self_host_identity(objects),
    })
}

/// Who the tenant is, from its namespace or chart.
struct Identity {
    kind: TenantKind,
    hub_id: Option<TenantId>,
    tier: Tier,
    region: String,
    secondary_region: Option<String>,
    hostname: String,
    display_name: Option<String>,
    state: TenantState,
    created: Option<DateTime<Utc>>,
}

fn platform_identity(
    ns: &NamespaceFacts,
    cx: &Context,
    hub: &dyn Fn(&str) -> Option<TenantId>,
    unknowns: &mut Vec<Unknown>,
) -> Identity {
    let keys = cx.keys;
    let label = |key: &str| ns.labels.get(key).filter(|v| !v.trim().is_empty()).cloned();
    let annotation = |key: &str| {
        ns.annotations
            .get(key)
            .filter(|v| !v.trim().is_empty())
            .cloned()
    };
    let either = |key: &str| label(key).or_else(|| annotation(key));
    let missing = |fact: Fact, key: &str| Unknown {
        fact,
        reason: format!("namespace {} has no label {key}", ns.name),
    };
    let kind = match label(&keys.kind).map(|k| TenantKind::parse(&k)) {
        Some(TenantKind::Unknown(raw)) => {
            unknowns.push(Unknown {
                fact: Fact::Kind,
                reason: format!(
                    "namespace {} has {}={raw}, which is neither hub nor spoke",
                    ns.name, keys.kind
                ),
            });
            TenantKind::Unknown(raw)
        }
        Some(kind) => kind,
        None => {
            unknowns.push(missing(Fact::Kind, &keys.kind));
            TenantKind::Hub
        }
    };
    let tier = match label(&keys.tier) {
        Some(tier) => Tier::parse(&tier),
        None => {
            unknowns.push(missing(Fact::Tier, &keys.tier));
            Tier::Unknown(String::new())
        }
    };
    let hub_id = if kind == TenantKind::Spoke {
        match label(&keys.hub) {
            None => {
                unknowns.push(missing(Fact::Hub, &keys.hub));
                None
            }
            Some(name) => {
                let found = hub(&name);
                if found.is_none() {
                    unknowns.push(Unknown {
                        fact: Fact::Hub,
                        reason: format!(
                            "this spoke names hub `{name}`, but no namespace in cluster {} is labelled as that hub",
                            cx.cluster
                        ),
                    });
                }
                found
            }
        }
    } else {
        None
    };
    let created_note = annotation(&keys.created_at);
    let created = created_note
        .as_deref()
        .and_then(parse_instant)
        .or(ns.created);
    Identity {
        kind,
        hub_id,
        tier,
        region: label(&keys.region).unwrap_or_default(),
        secondary_region: either(&keys.secondary_region),
        hostname: either(&keys.hostname).unwrap_or_default(),
        display_name: either(&keys.display_name),
        state: if ns.terminating {
            TenantState::Deleting
        } else {
            TenantState::Active
        },
        created,
    }
}

fn self_host_identity(objects: &NsObjects) -> Identity {
    let cron = objects.crons.values().next();
    Identity {
        kind: TenantKind::Hub,
        hub_id: None,
        tier: Tier::Unknown("self-host".to_string()),
        region: String::new(),
        secondary_region: None,
        hostname: String::new(),
        display_name: None,
        state: TenantState::Active,
        created: cron.and_then(|c| c.created),
    }
}

/// The schedule of the backup CronJob, and whether it is suspended.
fn schedule(
    ns: &str,
    objects: &NsObjects,
    points: &[RestorePoint],
    cx: &Context,
    unknowns: &mut Vec<Unknown>,
) -> (BackupSchedule, bool) {
    let Some(cron) = objects.crons.values().next() else {
        unknowns.push(Unknown {
            fact: Fact::Schedule,
            reason: format!(
                "no backup CronJob (label {}={}) in namespace {ns}",
                cx.keys.component,
                super::objects::COMPONENT_CRONJOB
            ),
        });
        let none = BackupSchedule {
            cron: Default::default(),
            timezone: Default::default(),
            next_run_at: None,
        };
        return (none, false);
    };
    if objects.crons.len() > 1 {
        let names: Vec<&str> = objects.crons.keys().map(String::as_str).collect();
        unknowns.push(Unknown {
            fact: Fact::Schedule,
            reason: format!(
                "{} backup CronJobs ({}); the schedule shown is {}'s",
                names.len(),
                names.join(", "),
                cron.name
            ),
        });
    }
    let timezone = cron.time_zone.clone().unwrap_or_else(|| "UTC".to_string());
    let next_run_at = match CronSchedule::parse(&cron.schedule, &timezone) {
        Ok(parsed) => {
            // The next run after the last one the cluster knows of: in the past when the
            // scheduler has stopped firing, which is what "overdue" looks for.
            // The CronJob's own creation counts only before it ever ran: a CronJob made
            // anew over an old history must not hide that runs stopped.
            let newest_run = points.first().map(|p| p.taken_at);
            let base = [cron.last_scheduled, newest_run]
                .into_iter()
                .flatten()
                .max()
                .or(cron.created)
                .unwrap_or(cx.now);
            parsed.next_after(base)
        }
        Err(error) => {
            unknowns.push(Unknown {
                fact: Fact::Schedule,
                reason: format!(
                    "CronJob {} has a schedule that does not parse: {error}",
                    cron.name
                ),
            });
            None
        }
    };
    let schedule = BackupSchedule {
        cron: cron.schedule.clone().into(),
        timezone: timezone.into(),
        next_run_at,
    };
    (schedule, cron.suspended)
}

/// The newest copy, for a Dedicated tenant: what the platform's copy job annotated. When no
/// backup carries the annotation at all, the cluster cannot tell, and says so.
fn cross_region(
    identity: &Identity,
    points: &[RestorePoint],
    cx: &Context,
    unknowns: &mut Vec<Unknown>,
) -> Option<CrossRegion> {
    if identity.tier != Tier::Dedicated || matches!(cx.mode, Mode::SelfHost { .. }) {
        return None;
    }
    let succeeded: Vec<&RestorePoint> = points
        .iter()
        .filter(|p| p.status == PointStatus::Succeeded)
        .collect();
    if identity.secondary_region.is_none() {
        unknowns.push(Unknown {
            fact: Fact::CrossRegion,
            reason: format!(
                "the namespace names no secondary region ({})",
                cx.keys.secondary_region
            ),
        });
        return None;
    }
    let newest = succeeded.first()?;
    let annotated = succeeded
        .iter()
        .any(|p| p.copies.iter().any(|c| c.status != CopyStatus::Pending));
    if !annotated {
        // No copy is due before a point is a day old: only then does silence mean the
        // cluster does not record copies; before, the copy is simply pending.
        let due = succeeded
            .iter()
            .any(|p| cx.now - p.taken_at > CROSS_REGION_WITHIN);
        if !due {
            return Some(CrossRegion {
                last_copied_at: None,
                status: CrossRegionStatus::Pending,
            });
        }
        unknowns.push(Unknown {
            fact: Fact::CrossRegion,
            reason: format!(
                "no backup carries {} or {}: the cluster does not record copies",
                cx.keys.copied_at, cx.keys.copy_error
            ),
        });
        return None;
    }
    let last_copied_at = succeeded
        .iter()
        .flat_map(|p| p.copies.iter().filter_map(|c| c.copied_at))
        .max();
    let status = match newest.copies.first().map(|c| &c.status) {
        Some(CopyStatus::Failed) => CrossRegionStatus::Failed,
        Some(CopyStatus::Copied) => CrossRegionStatus::Ok,
        _ => CrossRegionStatus::Pending,
    };
    Some(CrossRegion {
        last_copied_at,
        status,
    })
}

fn summary(
    schedule: BackupSchedule,
    retention_days: u32,
    points: &[RestorePoint],
    cross_region: Option<CrossRegion>,
) -> BackupSummary {
    let succeeded = || points.iter().filter(|p| p.status == PointStatus::Succeeded);
    let last_success = succeeded().next().map(|p| LastSuccess {
        restore_point_id: p.id.clone(),
        taken_at: p.taken_at,
        skew_seconds: p.skew_seconds,
    });
    let last_attempt = points.first().map(|p| LastAttempt {
        restore_point_id: p.id.clone(),
        taken_at: p.taken_at,
        status: match p.status {
            PointStatus::Succeeded => AttemptStatus::Succeeded,
            PointStatus::Failed => AttemptStatus::Failed,
            PointStatus::Partial => AttemptStatus::Partial,
            PointStatus::Running => AttemptStatus::Running,
            PointStatus::Unknown(ref raw) => AttemptStatus::Unknown(raw.clone()),
        },
        error: [
            p.database
                .error
                .as_ref()
                .map(|e| format!("database dump: {e}")),
            p.volume
                .error
                .as_ref()
                .map(|e| format!("volume snapshot: {e}")),
        ]
        .into_iter()
        .flatten()
        .reduce(|a, b| format!("{a}; {b}")),
    });
    BackupSummary {
        schedule,
        retention_days,
        last_success,
        last_attempt,
        oldest_restore_point_at: succeeded().next_back().map(|p| p.taken_at),
        restore_point_count: succeeded().count() as u64,
        cross_region,
        last_drill: None,
    }
}

/// The namespace's restore points, newest first, for the tenant screen's history.
pub fn points_of(objects: &NsObjects, cx: &Context) -> Vec<RestorePoint> {
    let no_hub = |_: &str| None;
    let mut ignored = Vec::new();
    identity(objects, cx, &no_hub, &mut ignored)
        .map(|identity| restore_points(objects, cx, &identity, &mut ignored))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
