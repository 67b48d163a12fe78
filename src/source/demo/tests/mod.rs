//! The demo fleet: deterministic, shaped like a real fleet, every health flag on show, and
//! a simulation that moves. The judging helpers the tests share are here; the tests, by
//! topic, in the modules below.

mod fleet;
mod over_time;
mod regions;
mod source_task;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::*;
use crate::clock::FixedClock;
use crate::domain::health::{self, FlagKind, Health, HealthContext, Level};
use crate::domain::restore::RestorePhase;
use crate::domain::run_times::ScheduleCache;
use crate::domain::schedule::CronSchedule;
use crate::domain::tenant::{
    AttemptStatus, CrossRegionStatus, TenantId, TenantKind, TenantState, Tier,
};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 3, 10, 0).unwrap()
}

/// Health of every tenant at `at`, judged as the app judges it (one schedule cache).
fn health_at(tenants: &[Arc<Tenant>], at: DateTime<Utc>) -> Vec<Health> {
    health_with(tenants, at, None)
}

/// Like `health_at`, with `[drills] max_age` set or not.
fn health_with(
    tenants: &[Arc<Tenant>],
    at: DateTime<Utc>,
    drill_max_age: Option<Duration>,
) -> Vec<Health> {
    let ctx = HealthContext {
        now: at,
        refresh_interval: Duration::seconds(30),
        source_heard_at: Some(at),
        drill_max_age,
    };
    let mut schedules = ScheduleCache::default();
    tenants
        .iter()
        .map(|t| {
            let judged = health::judged_at(t, &ctx);
            let look_back = Duration::days(i64::from(t.backup.retention_days));
            let facts = schedules.facts(&t.backup.schedule, judged, look_back);
            health::evaluate(t, facts, &ctx)
        })
        .collect()
}

/// Every flag some tenant shows at `at`, with drills set up (else nobody is untested).
fn flags_shown(tenants: &[Arc<Tenant>], at: DateTime<Utc>) -> BTreeSet<FlagKind> {
    health_with(tenants, at, Some(Duration::days(30)))
        .iter()
        .flat_map(|h| h.flags.iter().map(|f| f.kind))
        .collect()
}

fn by_slug<'a>(tenants: &'a [Arc<Tenant>], slug: &str) -> &'a Arc<Tenant> {
    tenants
        .iter()
        .find(|t| t.slug == slug)
        .unwrap_or_else(|| panic!("no tenant {slug}"))
}

fn health_of(tenants: &[Arc<Tenant>], slug: &str, at: DateTime<Utc>) -> Health {
    let tenant = by_slug(tenants, slug);
    health_at(std::slice::from_ref(tenant), at).remove(0)
}

/// Every flag the demo fleet shows: all but "cannot tell", which only a cluster's odd
/// objects raise (the kube source's tests cover it), and "region down", which shows only
/// when an outage is asked for (`regions` tests it).
fn demo_flags() -> impl Iterator<Item = FlagKind> {
    FlagKind::ALL
        .into_iter()
        .filter(|k| !matches!(k, FlagKind::CannotTell | FlagKind::RegionDown))
}
